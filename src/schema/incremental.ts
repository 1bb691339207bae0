/**
 * Incremental snapshots: read the whole schema once, then after each phase re-read only the units
 * (units.ts) the phase touched and patch the previous snapshot with them.
 *
 *   await installChangeTracking(client);                        // tracking.ts, once per database
 *   const s0 = await trackedSnapshot(client, options);          // full read + horizon
 *   ... a phase runs (any sessions, any transactions) ...
 *   const { snapshot: s1 } = await refreshSnapshot(client, s0); // costs what the phase touched
 *   same(s1, s0)                                                // fingerprints: O(changed objects)
 *
 * Why the result is exact: the re-read uses the snapshot query itself, restricted to the units
 * (snapshot-query.ts `scopedSnapshotStatement`), so a re-read row is byte for byte the row a full
 * read would return; a unit's rows are replaced as a whole; and the units re-read are every unit
 * whose catalog rows were written or dropped since the horizon (changes.ts), widened to the units
 * that print the name of a renamed one, until nothing more is renamed. Whatever the detector cannot
 * map precisely makes the refresh a full read, and says why.
 *
 * What it cannot see, and the safety net for it: hand edits of the catalogs that only delete rows
 * or only touch pg_depend; DDL in a session that turned event triggers off (`event_triggers`,
 * PostgreSQL 17) when it drops a part of an object that stays (an index, a trigger); a constant
 * printed through a base type's output function that was replaced. A run reads the whole schema at
 * its end anyway: `compareWithFull` says whether the patched snapshot of that moment is that schema,
 * and what differs if not, so the caller can warn and re-verify with full snapshots (phase 2 of
 * issue 14). (A miss that a later re-read of the same unit repairs before the end goes unseen; it
 * needs one of the blind spots above in a down that a later phase undoes.)
 *
 * Cost: the statements are prepared and planned once per connection (planning the whole query
 * costs more than reading a few units), so keep one connection for the refreshes of a run.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { detectChanges, findDependents, HORIZON_SQL, type DetectedChanges } from './changes.js';
import { diffSnapshots, type ObjectDifference } from './diff.js';
import { objectKey, type Snapshot } from './model.js';
import { analyseRenames, patchSnapshot, trackedFromRows, unitOfKey, type TrackedSnapshot } from './patch.js';
import { pinnedSettingsSql, scopedSnapshotStatement, snapshotQuery } from './snapshot-query.js';
import { resultRows, type SnapshotOptions, type SnapshotRow } from './snapshot.js';
import { parseUnitKey, type UnitKey } from './units.js';

export type { TrackedSnapshot } from './patch.js';

/** pg_class's OID (bootstrap catalogs have fixed OIDs). */
const PG_CLASS_OID = 1259;
/** Rounds of "re-read, find who names the renamed units" before giving up on a full read. */
const MAX_ROUNDS = 6;

/**
 * A full snapshot with its units and a horizon taken just before it (in the same round trip), so
 * any change committed after the read is found by the next refresh.
 */
export async function trackedSnapshot(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<TrackedSnapshot> {
  const results = await client.query(`${HORIZON_SQL};\n${snapshotQuery(options, { units: true })}`);
  const all = results as unknown as pg.QueryResult[];
  const horizon = (all[0]!.rows[0] as { horizon: string }).horizon;
  return trackedFromRows(resultRows<SnapshotRow>(all.slice(1)), horizon, options);
}

/** What a refresh did. */
export interface RefreshResult {
  snapshot: TrackedSnapshot;
  /** `incremental`: patched; `full`: read whole (see `reason`). */
  mode: 'incremental' | 'full';
  /** Why the refresh read the whole schema. */
  reason?: string;
  /** Units re-read (incremental mode). */
  unitsRead: number;
  /** Rows re-read (incremental mode). */
  rowsRead: number;
  /** Round trips to the server. */
  roundTrips: number;
  /** A migration removed or disabled change tracking: `installChangeTracking` again to go on incrementally. */
  trackingLost?: boolean;
}

/** Options of `refreshSnapshot`. */
export interface RefreshOptions {
  /** Read the whole schema whatever the detector says (a `--full-snapshots` run). */
  full?: boolean;
}

/**
 * The schema now, as a patch of `base` with what changed since `base.horizon`. Any earlier tracked
 * snapshot works as a base: the horizon it carries says from when on changes are looked for.
 */
export async function refreshSnapshot(client: pg.ClientBase, base: TrackedSnapshot, options: RefreshOptions = {}): Promise<RefreshResult> {
  if (options.full) return fullRefresh(client, base, 'full snapshots were asked for', 0);
  return withPinnedSettings(client, async () => {
    const detected = await detectChanges(client, base.horizon);
    let roundTrips = 3; // pin, detect, restore
    if (detected.fullReasons.length) {
      const full = await fullRefresh(client, base, detected.fullReasons.join('; '), roundTrips);
      return detected.trackingLost ? { ...full, trackingLost: true } : full;
    }

    const read = new Set<UnitKey>();
    const rows: SnapshotRow[] = [];
    let pending = initialUnits(base, detected);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) return fullRefresh(client, base, `renames kept widening after ${MAX_ROUNDS} rounds`, roundTrips);
      for (const unit of pending) read.add(unit);
      const roundRows = await readUnits(client, pending, base.options);
      roundTrips++;
      rows.push(...roundRows);
      const { renamed, renamedSchemas } = analyseRenames(base, new Set(pending), roundRows);
      if (renamed.length === 0) break;
      const dependents = await findDependents(client, renamed, renamedSchemas);
      roundTrips++;
      pending = dependents.filter((u) => !read.has(u));
    }
    const result: RefreshResult = {
      snapshot: patchSnapshot(base, read, rows, detected.horizon),
      mode: 'incremental',
      unitsRead: read.size,
      rowsRead: rows.length,
      roundTrips,
    };
    return result;
  });
}

/**
 * Runs `fn` with the snapshot's settings pinned for the session (the prepared statements cannot
 * share a multi-statement string with them) and the caller's restored afterwards.
 */
async function withPinnedSettings<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  const result = (await client.query(`${pinnedSettingsSql.read};\n${pinnedSettingsSql.pin}`)) as unknown as pg.QueryResult[];
  const saved = Object.values(result[0]!.rows[0] as Record<string, string>);
  try {
    return await fn();
  } finally {
    await client.query(pinnedSettingsSql.restore(saved));
  }
}

/**
 * The detected units, the dropped ones the snapshot shows, the units of dropped indexes and
 * statistics (by name), and all event triggers.
 */
function initialUnits(base: TrackedSnapshot, detected: DetectedChanges): UnitKey[] {
  const units = new Set(detected.units);
  for (const unit of detected.gone) if (base.units.has(unit)) units.add(unit);
  for (const d of detected.droppedByName) {
    const unit = unitOfKey(base, objectKey(d.kind, d.identity));
    if (unit) units.add(unit);
  }
  for (const unit of base.eventTriggers) units.add(unit);
  return [...units];
}

/** The rows of the given units, read by the snapshot query restricted to them (settings pinned). */
async function readUnits(client: pg.ClientBase, units: readonly UnitKey[], options: SnapshotOptions): Promise<SnapshotRow[]> {
  const relations: number[] = [];
  const oids: number[] = [];
  for (const unit of units) {
    const [cls, oid] = parseUnitKey(unit);
    if (cls === PG_CLASS_OID) relations.push(oid);
    oids.push(oid);
  }
  const { name, text } = scopedStatement(options);
  const { rows } = await client.query<SnapshotRow>({ name, text, values: [relations, oids, [...units]] });
  return rows;
}

/** The scoped statement for some options, built and named once (its text is ~50 kB). */
const scopedStatements = new Map<string, { name: string; text: string }>();
function scopedStatement(options: SnapshotOptions): { name: string; text: string } {
  const cacheKey = JSON.stringify(options.excludeTables ?? []);
  let statement = scopedStatements.get(cacheKey);
  if (!statement) {
    const text = scopedSnapshotStatement(options);
    // One prepared statement per distinct text (the bookkeeping tables are part of it).
    statement = { name: `rollback_verify_scoped_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text };
    scopedStatements.set(cacheKey, statement);
  }
  return statement;
}

/**
 * The snapshot rows of some units, read as a refresh reads them (exported for tests: a scoped read
 * must equal the full read filtered to the same units).
 */
export async function readUnitRows(client: pg.ClientBase, units: readonly UnitKey[], options: SnapshotOptions = {}): Promise<SnapshotRow[]> {
  return withPinnedSettings(client, () => readUnits(client, units, options));
}

async function fullRefresh(client: pg.ClientBase, base: TrackedSnapshot, reason: string, roundTrips: number): Promise<RefreshResult> {
  const snapshot = await trackedSnapshot(client, base.options);
  return { snapshot, mode: 'full', reason, unitsRead: snapshot.units.size, rowsRead: snapshot.objects.size, roundTrips: roundTrips + 1 };
}

/** The safety net's verdict. */
export interface FullComparison {
  /** True when the patched snapshot is the schema the full read saw. */
  same: boolean;
  /** The objects that differ (patched → full), empty when `same`. */
  differences: ObjectDifference[];
}

/**
 * Compares a patched snapshot with a full read taken at the same moment. Equal fingerprints mean
 * equal schemas; otherwise the differences say what the incremental snapshot got wrong, for the
 * warning the run reports before re-verifying in full mode.
 */
export function compareWithFull(patched: Snapshot, full: Snapshot): FullComparison {
  if (patched.fingerprint === full.fingerprint) return { same: true, differences: [] };
  return { same: false, differences: diffSnapshots(patched, full) };
}
