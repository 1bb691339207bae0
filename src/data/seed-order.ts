/**
 * The order tables are filled in: parents before children, so foreign-key columns can take
 * values from rows that exist. A cycle is broken at a table whose foreign keys into the cycle
 * are all nullable: those keys are left NULL by the insert and filled by an UPDATE once every
 * table has rows ("deferred"). Self-references are handled by the insert itself (see seed.ts).
 */
import type { ConstraintInfo, TableInfo } from './catalog.js';

export interface SeedOrder {
  tables: TableInfo[];
  /** Table oid → names of its foreign keys to fill after all inserts. */
  deferred: Map<number, Set<string>>;
}

/** Foreign keys of a table that point at another table. */
export function foreignKeys(table: TableInfo): ConstraintInfo[] {
  return table.constraints.filter((c) => c.type === 'f' && c.cols && c.refCols);
}

function isNullable(table: TableInfo, fk: ConstraintInfo): boolean {
  return (fk.cols ?? []).every((num) => !table.columns.find((c) => c.num === num)?.notNull);
}

/** Orders `tables` (all to be seeded now); parents outside the list are taken as they are. */
export function seedOrder(tables: readonly TableInfo[]): SeedOrder {
  const pending = new Map(tables.map((t) => [t.oid, t]));
  const deferred = new Map<number, Set<string>>();
  const ordered: TableInfo[] = [];
  const waitsOn = (t: TableInfo) =>
    foreignKeys(t).filter((fk) => fk.refTable !== t.oid && pending.has(fk.refTable) && !deferred.get(t.oid)?.has(fk.name));
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) => waitsOn(t).length === 0);
    if (ready.length > 0) {
      for (const t of ready) {
        ordered.push(t);
        pending.delete(t.oid);
      }
      continue;
    }
    // A cycle: defer the nullable keys of the first table that has only nullable ones into it;
    // failing that, the first table goes ahead and its NOT NULL keys find no parent rows.
    const candidates = [...pending.values()];
    const breakable = candidates.find((t) => waitsOn(t).every((fk) => isNullable(t, fk))) ?? candidates[0];
    const names = deferred.get(breakable.oid) ?? new Set<string>();
    for (const fk of waitsOn(breakable)) if (isNullable(breakable, fk)) names.add(fk.name);
    deferred.set(breakable.oid, names);
    ordered.push(breakable);
    pending.delete(breakable.oid);
  }
  return { tables: ordered, deferred };
}
