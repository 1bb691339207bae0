/**
 * Patches an in-memory snapshot with re-read units: every row of a re-read unit is replaced by what
 * the scoped read returned for it (nothing, if the unit is gone). Pure: no database.
 *
 * Also says which re-read units were *renamed*, because objects elsewhere print their names and
 * must be re-read too (changes.ts `findDependents`): a unit is renamed when one of its name-bearing
 * keys (the table, its columns, a type, a function with its argument types, a schema, ...) is gone
 * while the unit is still there, or when a printed part of a type others print changed (an enum
 * label renamed away, a composite type's attributes). A unit the snapshot does not show at all (an
 * extension member, an operator, a language) cannot be judged by its rows, so it counts as renamed.
 */
import { adjustDigest, snapshotDigest, snapshotWithLazyFingerprint } from './hash.js';
import { LayeredMap } from './layered-map.js';
import type { ObjectKind, SchemaObject, Snapshot } from './model.js';
import { addRow, rowObject, type SnapshotOptions, type SnapshotRow } from './snapshot.js';
import type { ChangeHorizon } from './changes.js';
import type { UnitKey } from './units.js';

/** A snapshot that knows which rows belong to which unit, and since when changes must be looked for. */
export interface TrackedSnapshot extends Snapshot {
  /** Object keys of each unit. */
  units: ReadonlyMap<UnitKey, readonly string[]>;
  /** The unit of each object key (the reverse of `units`). */
  unitOf: ReadonlyMap<string, UnitKey>;
  /** The units of event triggers (dropping one leaves no trace, so they are re-read every time). */
  eventTriggers: readonly UnitKey[];
  /** Changes committed from this horizon on are not in the snapshot yet. */
  horizon: ChangeHorizon;
  /** The options the snapshot was read with (re-reads use the same). */
  options: SnapshotOptions;
}

/** Builds a tracked snapshot from the rows of a full read. */
export function trackedFromRows(rows: readonly SnapshotRow[], horizon: ChangeHorizon, options: SnapshotOptions): TrackedSnapshot {
  const objects = new Map<string, SchemaObject>();
  const units = new Map<UnitKey, string[]>();
  const unitOf = new Map<string, UnitKey>();
  const eventTriggers = new Set<UnitKey>();
  for (const row of rows) {
    const key = addRow(objects, row);
    appendToUnit(units, row.unit, key);
    unitOf.set(key, row.unit);
    if (row.kind === 'event trigger') eventTriggers.add(row.unit);
  }
  return Object.assign(snapshotWithLazyFingerprint(objects), { units, unitOf, eventTriggers: [...eventTriggers], horizon, options });
}

function appendToUnit(units: Map<UnitKey, string[]>, unit: UnitKey, key: string): void {
  const keys = units.get(unit);
  if (keys) keys.push(key);
  else units.set(unit, [key]);
}

/**
 * `base` with every unit in `reread` replaced by its rows in `rows` (which must hold the rows of
 * exactly those units). The fingerprint is derived from the base's: minus the replaced objects, plus
 * their replacements.
 */
export function patchSnapshot(
  base: TrackedSnapshot,
  reread: ReadonlySet<UnitKey>,
  rows: readonly SnapshotRow[],
  horizon: ChangeHorizon,
): TrackedSnapshot {
  // Layers over the base, not copies: a patch costs what it replaces (layered-map.ts).
  const objects = new LayeredMap(base.objects);
  const units = new LayeredMap(base.units);
  const unitOf = new LayeredMap(base.unitOf);
  const eventTriggers = new Set(base.eventTriggers.filter((u) => !reread.has(u)));
  const removed: SchemaObject[] = [];
  for (const unit of reread) {
    for (const key of units.get(unit) ?? []) {
      removed.push(objects.get(key)!);
      objects.delete(key);
      unitOf.delete(key);
    }
    units.delete(unit);
  }
  const added: SchemaObject[] = [];
  // Fresh key lists for the re-read units: the base's lists are shared, never mutated.
  const fresh = new Map<UnitKey, string[]>();
  for (const row of rows) {
    if (!reread.has(row.unit)) throw new Error(`row of unit ${row.unit} outside the re-read units`);
    const key = addRow(objects, row);
    appendToUnit(fresh, row.unit, key);
    unitOf.set(key, row.unit);
    if (row.kind === 'event trigger') eventTriggers.add(row.unit);
    added.push(objects.get(key)!);
  }
  for (const [unit, keys] of fresh) units.set(unit, keys);
  const snapshot = snapshotWithLazyFingerprint(objects, () => adjustDigest(snapshotDigest(base), removed, added));
  return Object.assign(snapshot, { units, unitOf, eventTriggers: [...eventTriggers], horizon, options: base.options });
}

/** Kinds whose names other objects print. */
const NAMED_BY_OTHERS: ReadonlySet<ObjectKind> = new Set<ObjectKind>([
  'schema',
  'table',
  'view',
  'materialized view',
  'sequence',
  'column',
  'type',
  'domain',
  'function',
  'procedure',
  'aggregate',
  'collation',
]);

/** How re-read units relate to the base (see the module comment). */
export interface RenameAnalysis {
  /** Units others may print differently now. */
  renamed: UnitKey[];
  /** Schemas (object OIDs) whose name changed: everything in them was renamed. */
  renamedSchemas: number[];
}

const PG_NAMESPACE_OID = 2615;

/** Which of the re-read units (rows as read now) were renamed relative to `base`. */
export function analyseRenames(base: TrackedSnapshot, reread: ReadonlySet<UnitKey>, rows: readonly SnapshotRow[]): RenameAnalysis {
  const now = new Map<UnitKey, SchemaObject[]>();
  for (const row of rows) {
    const list = now.get(row.unit);
    if (list) list.push(rowObject(row));
    else now.set(row.unit, [rowObject(row)]);
  }
  const renamed: UnitKey[] = [];
  const renamedSchemas: number[] = [];
  for (const unit of reread) {
    const before = (base.units.get(unit) ?? []).map((k) => base.objects.get(k)!);
    const after = now.get(unit) ?? [];
    if (before.length === 0 && after.length === 0) {
      renamed.push(unit); // not shown by the snapshot: judge by its dependents
      continue;
    }
    if (before.length === 0 || after.length === 0) continue; // created or dropped: dependents come and go with it
    if (!isRenamed(before, after)) continue;
    renamed.push(unit);
    const [cls, oid] = unit.split('/').map(Number) as [number, number];
    if (cls === PG_NAMESPACE_OID) renamedSchemas.push(oid);
  }
  return { renamed, renamedSchemas };
}

function isRenamed(before: readonly SchemaObject[], after: readonly SchemaObject[]): boolean {
  // A name gone and another of the same kind come: a rename (or a drop and an add, which costs a
  // needless look at dependents). A name gone alone is a drop: whatever printed it is gone too
  // (dropped with it, which the log reports) or the drop would have failed.
  const keys = (list: readonly SchemaObject[]) => new Set(list.filter((o) => NAMED_BY_OTHERS.has(o.kind)).map((o) => `${o.kind} ${o.name}`));
  const beforeKeys = keys(before);
  const afterKeys = keys(after);
  const gone = new Set([...beforeKeys].filter((k) => !afterKeys.has(k)).map((k) => k.slice(0, k.indexOf(' '))));
  const come = new Set([...afterKeys].filter((k) => !beforeKeys.has(k)).map((k) => k.slice(0, k.indexOf(' '))));
  for (const kind of gone) if (come.has(kind)) return true;
  const afterTypes = new Map(after.filter((o) => o.kind === 'type').map((o) => [o.name, o.ddl]));
  for (const o of before) {
    if (o.kind !== 'type') continue;
    const ddl = afterTypes.get(o.name);
    if (ddl === undefined || ddl === o.ddl) continue;
    // Others print a composite type's attributes ((x).a) and an enum's labels ('a'::t).
    if (/^CREATE TYPE \S+ AS \(/.test(o.ddl)) return true;
    const labels = enumLabels(o.ddl);
    if (labels === undefined) continue;
    const kept = enumLabels(ddl);
    if (!kept || labels.some((l) => !kept.includes(l))) return true;
  }
  return false;
}

/** The labels of an enum's canonical text (`CREATE TYPE x AS ENUM ('a', 'b')`), or undefined for other types. */
export function enumLabels(ddl: string): string[] | undefined {
  const m = /^CREATE TYPE \S+ AS ENUM \((.*)\)$/m.exec(ddl);
  if (!m) return undefined;
  // quote_literal: 'it''s', or E'back\\slash' when the label holds a backslash.
  return [...m[1]!.matchAll(/E?'((?:[^']|'')*)'/g)].map((x) => x[1]!);
}

/** The unit holding an object key, if any. */
export function unitOfKey(s: TrackedSnapshot, key: string): UnitKey | undefined {
  return s.unitOf.get(key);
}
