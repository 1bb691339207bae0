/**
 * What predictions work with: the production sizes a team gives (table-rows.ts), and the samples
 * the trials measure (trial.ts) that the model (fit.ts, predict.ts) turns into predictions.
 * Pure data, no behaviour; the predicted values themselves are part of the result contract and
 * live with it (src/locks/types.ts, src/result/types.ts).
 */
import type { StatementTrace } from '../locks/types.js';

/** A table's size on production: rows, and bytes when known (what a rewrite scales with). */
export interface TableSize {
  rows: number;
  /** `pg_table_size`: heap, TOAST, free-space and visibility maps; no indexes. */
  bytes?: number;
}

/** Production sizes keyed by `schema.table`, spelled as the catalog spells it (as the tracer names relations). */
export type TableSizes = ReadonlyMap<string, TableSize>;

/** A table as a trial grew it: the rows it got and the bytes they take. */
export interface GrownTable {
  table: string;
  rows: number;
  bytes: number;
}

/** One phase (up, down, …) run once on a grown clone. */
export interface PhaseRun {
  phase: string;
  ms: number;
  /** The statements as traced: per statement its time, locks and holds, rewrites, validations. */
  statements: StatementTrace[];
  /** Why the statement-level trace is coarse (a tool ran the script, …), from the tracer. */
  partial?: string;
  /** The phase failed at this size (synthetic rows a constraint refuses, a timeout): no sample. */
  failure?: string;
}

/** All phases run once on one clone of the database grown to `size` rows per concerned table. */
export interface TrialRun {
  /** Rows asked per concerned table. */
  size: number;
  /** What each concerned table actually got (the seeder skips rows a constraint refuses). */
  tables: GrownTable[];
  phases: PhaseRun[];
}
