/**
 * An up that fails on the seeded rows, with the schema left as it was: is it the migration or the
 * synthetic data? Production fails the same way when the up fails on any row (ADD COLUMN … NOT
 * NULL without a default); it need not when only the synthetic values are to blame (NULLs in a
 * column production backfilled, references the seed made up). The retries, in order:
 *   1. reshape the values the failure names (repair.ts) and run the up again, up to 3 times:
 *      it applies → a warning naming the values; the data checks stay on;
 *   2. one well-formed row per table: it applies → a warning; the data checks run on those rows;
 *   3. empty tables: it applies → an error (it fails on any row); verified without data;
 *      it fails → the up itself is broken, as reported.
 * Every reshaping is recorded in the journal, so a restore replays the same data. The caller
 * re-seeds after the migration when it ran on one row or none, so later data checks stay on.
 */
import type { Migration } from '../formats/types.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import type { Problem } from '../result/types.js';
import type { Looker } from './check.js';
import type { DataHooks } from './hooks.js';
import { anyRowError, syntheticRowsWarning, syntheticValueClass } from './phase-problems.js';
import type { StateJournal } from './restore.js';

/** What the up ran on in the end: the seeded rows (perhaps reshaped), one row per table, or none. */
export type RowsUsed = 'seeded' | 'one-row' | 'empty';

export interface SeededRetry {
  m: Migration;
  /** Runs the up as the protocol's phase (timed, traced). */
  runUp(): Promise<ScriptOutcome>;
  /** The schema is still what it was before the up (the failed up rolled back). */
  unchanged(): Promise<boolean>;
  /** Takes the before-up look again (fingerprints of the reshaped data). */
  lookAgain(): Promise<void>;
  db: Looker;
  data: DataHooks;
  journal: StateJournal;
}

export type SeededRetryResult =
  | { ok: true; rows: RowsUsed; problem: Problem }
  | { ok: false; failure: ScriptFailure };

const MAX_REPAIRS = 3;

/** Runs the retries for `first`, the failure on the seeded rows. */
export async function retryOnOtherRows(r: SeededRetry, first: ScriptFailure): Promise<SeededRetryResult> {
  let failure = first;
  const classes: string[] = [];
  for (let n = 0; n < MAX_REPAIRS; n++) {
    const repair = await r.db.use((c) => r.data.planRepair(c, failure)).catch(() => undefined);
    if (!repair) break;
    const applied = await r.db.use((c) => c.query(repair.sql)).then(() => true, () => false);
    if (!applied) break;
    r.journal.record({ label: `reshape ${repair.valueClass}`, run: () => r.db.use((c) => c.query(repair.sql)).then(() => undefined) });
    classes.push(repair.valueClass);
    await r.lookAgain();
    const up = await r.runUp();
    if (!up.failure) return { ok: true, rows: 'seeded', problem: syntheticRowsWarning(r.m, first, classes, 'those values reshaped') };
    failure = up.failure;
    if (!(await r.unchanged())) return { ok: false, failure };
  }

  await prepare(r, 'one well-formed row per table', (c) => r.data.reseed(c, 1));
  const one = await r.runUp();
  if (!one.failure) return { ok: true, rows: 'one-row', problem: syntheticRowsWarning(r.m, first, classes.length ? classes : [syntheticValueClass(first)], 'one well-formed row per table') };
  if (!(await r.unchanged())) return { ok: false, failure: one.failure };

  await prepare(r, 'empty tables', (c) => r.data.emptyTables(c));
  const none = await r.runUp();
  if (!none.failure) return { ok: true, rows: 'empty', problem: anyRowError(r.m, one.failure) };
  return { ok: false, failure: none.failure };
}

async function prepare(r: SeededRetry, label: string, fn: (c: Parameters<Parameters<Looker['use']>[0]>[0]) => Promise<unknown>): Promise<void> {
  await r.db.use(fn);
  r.journal.record({ label, run: () => r.db.use(fn).then(() => undefined) });
  await r.lookAgain();
}
