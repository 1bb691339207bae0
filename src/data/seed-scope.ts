/**
 * Which tables to seed: those the new migrations can reach, plus the rows those need. Pure: the
 * names the migrations' SQL holds (references.ts) against the baseline's tables, views, routines
 * and triggers.
 *
 * A table is reached when a statement names it (schema-qualified, or by bare name in any schema:
 * a superset of whatever the search_path picks), names a view over it, drops its schema, alters a
 * type one of its columns has, calls a user function whose body names it, or writes a table whose
 * trigger function names it; or when opaque text (a DO block, a function body, a statement the
 * parser rejects) holds its bare name as an identifier. A table that a reached table's foreign
 * key cascades into (ON DELETE/UPDATE CASCADE, SET NULL, SET DEFAULT) is reached too: deleting a
 * parent row deletes its rows. Then every foreign-key parent of a seeded table, transitively, so
 * child rows have parents to point at (a parent is seeded for its rows, not because it is reached).
 *
 * A table outside the scope stays empty: no migration can change rows there, so its data-loss
 * verdict is the same with or without rows, and seeding it only costs time.
 */
import type { TableInfo } from './catalog.js';
import { foreignKeys } from './seed-order.js';
import { identifierWords, type References } from './references.js';

/** A view (or materialized view) and the relations its query reads, as `schema.name`. */
export interface ViewInfo {
  schema: string;
  name: string;
  uses: string[];
}

/** A user function or procedure and its body. */
export interface RoutineInfo {
  name: string;
  body: string;
}

/**
 * A user trigger (or a rule that writes): the relation it is on (`schema.name`; `*` for an event
 * trigger, which any DDL fires) and its function's body (the rule's definition).
 */
export interface TriggerInfo {
  relation: string;
  body: string;
}

export interface ScopeCatalog {
  tables: readonly TableInfo[];
  views?: readonly ViewInfo[];
  routines?: readonly RoutineInfo[];
  triggers?: readonly TriggerInfo[];
  /** Table inheritance (not partitioning): a statement on the parent reaches the child's rows. */
  inheritance?: ReadonlyArray<{ parent: string; child: string }>;
}

export type SeedScope =
  | { all: true; why: string }
  | {
      all: false;
      /** Tables to seed, as `schema.name`. */
      tables: Set<string>;
      /** Of those, the ones the migrations reach (the rest are foreign-key parents). */
      reached: Set<string>;
    };

const CASCADING = /\bON (DELETE|UPDATE) (CASCADE|SET NULL|SET DEFAULT)\b/i;

/** The tables to seed for `refs` (see the module comment). */
export function seedScope(refs: References, catalog: ScopeCatalog): SeedScope {
  if (refs.everything) return { all: true, why: refs.everything };
  const { tables } = catalog;
  const byName = new Map<string, TableInfo[]>();
  for (const t of tables) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  const viewsByName = new Map<string, ViewInfo[]>();
  for (const v of catalog.views ?? []) viewsByName.set(v.name, [...(viewsByName.get(v.name) ?? []), v]);
  const byDisplay = new Map(tables.map((t) => [t.display, t]));
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const viewByDisplay = new Map((catalog.views ?? []).map((v) => [`${v.schema}.${v.name}`, v]));

  const reached = new Set<string>();
  const words = new Set(refs.words);
  const seenViews = new Set<string>();
  const reachView = (v: ViewInfo) => {
    const key = `${v.schema}.${v.name}`;
    if (seenViews.has(key)) return;
    seenViews.add(key);
    for (const u of v.uses) {
      if (byDisplay.has(u)) reached.add(u);
      const inner = viewByDisplay.get(u);
      if (inner) reachView(inner);
    }
  };
  const reachName = (schema: string | undefined, name: string) => {
    for (const t of byName.get(name) ?? []) if (!schema || t.schema === schema) reached.add(t.display);
    for (const v of viewsByName.get(name) ?? []) if (!schema || v.schema === schema) reachView(v);
  };

  for (const r of refs.relations) reachName(r.schema, r.name);
  for (const t of tables) if (refs.schemas.has(t.schema)) reached.add(t.display);
  // A name that is no table may be a composite type (ALTER TYPE … ADD ATTRIBUTE is an AlterTableStmt).
  const types = new Set([...refs.types, ...refs.relations.map((r) => r.name)]);
  for (const t of tables) {
    if (t.columns.some((c) => [...identifierWords(c.decl)].some((w) => types.has(w)))) reached.add(t.display);
  }
  // Called user routines: their bodies' identifiers count as opaque text (and may call others).
  const routinesDone = new Set<RoutineInfo>();
  const triggersDone = new Set<TriggerInfo>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of catalog.routines ?? []) {
      if (routinesDone.has(r) || !(refs.functions.has(r.name) || words.has(r.name))) continue;
      routinesDone.add(r);
      identifierWords(r.body, words);
      changed = true;
    }
    for (const w of words) reachName(undefined, w);
    // A reached relation's triggers run when the migration writes it.
    for (const tr of catalog.triggers ?? []) {
      if (triggersDone.has(tr) || !(tr.relation === '*' || reached.has(tr.relation) || seenViews.has(tr.relation))) continue;
      triggersDone.add(tr);
      identifierWords(tr.body, words);
      changed = true;
    }
    // Rows a reached parent's change deletes or rewrites through a cascading foreign key.
    for (const t of tables) {
      if (reached.has(t.display)) continue;
      const parent = foreignKeys(t).find((fk) => CASCADING.test(fk.def) && reachedOid(fk.refTable));
      if (parent) {
        reached.add(t.display);
        changed = true;
      }
    }
    for (const i of catalog.inheritance ?? []) {
      if (reached.has(i.parent) && !reached.has(i.child) && byDisplay.has(i.child)) {
        reached.add(i.child);
        changed = true;
      }
    }
    const before = reached.size;
    for (const w of words) reachName(undefined, w);
    if (reached.size !== before) changed = true;
  }
  function reachedOid(oid: number): boolean {
    const t = byOid.get(oid);
    return t !== undefined && reached.has(t.display);
  }

  // Foreign-key parents, transitively: a seeded child's rows point at parent rows.
  const seeded = new Set(reached);
  const queue = [...reached].map((d) => byDisplay.get(d)!);
  while (queue.length) {
    const t = queue.pop()!;
    for (const fk of foreignKeys(t)) {
      const parent = byOid.get(fk.refTable);
      if (parent && !seeded.has(parent.display)) {
        seeded.add(parent.display);
        queue.push(parent);
      }
    }
  }
  return { all: false, tables: seeded, reached };
}
