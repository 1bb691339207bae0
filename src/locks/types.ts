/**
 * What the lock trace records per phase (up, down, re-up) of a migration: part of the result value
 * (`PhaseResult.locks`, JSON contract version 1, optional so older readers are unaffected).
 */

/** Relation lock modes, spelled as in `LOCK … IN <mode> MODE`. */
export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** Weakest to strongest (each conflicts with at least what the ones before it conflict with, roughly). */
export const LOCK_STRENGTH: readonly LockMode[] = [
  'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE',
];

/** Modes that block reads or writes of other sessions on the relation (SHARE and stronger). */
export const BLOCKING_MODES: ReadonlySet<LockMode> = new Set<LockMode>(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

/** What each blocking mode stops, for the report. */
export const MODE_BLOCKS: Partial<Record<LockMode, string>> = {
  SHARE: 'blocks writes',
  'SHARE ROW EXCLUSIVE': 'blocks writes',
  EXCLUSIVE: 'blocks writes',
  'ACCESS EXCLUSIVE': 'blocks reads and writes',
};

export interface LockHold {
  /** Schema-qualified, e.g. `public.orders`. */
  relation: string;
  /** `table`, `index`, `sequence`, `view`, `materialized view`, `partitioned table`, … */
  relkind: string;
  mode: LockMode;
  /**
   * From the start of the statement that first held it to the end of its transaction (COMMIT or
   * ROLLBACK), excluding the tracer's own catalog reads; for sampled statements, from first to
   * last sighting.
   */
  heldMs: number;
  /** Rows in the table when the phase started (exact count; the planner estimate for huge tables). */
  rows?: number;
  /** A blocking mode on a relation that existed before the transaction (others could be waiting). */
  blocking: boolean;
  /** The hold extrapolated to the production table sizes given (src/predict); absent without them. */
  predicted?: PredictedLock;
}

/** A lock's hold at production size: `rows` of its table (or of the table that drives it). */
export interface PredictedLock {
  rows: number;
  heldMs: number;
}

/** How a statement's cost grows with its table: decides the model fitted to the trials. */
export type CostKind = 'metadata' | 'scan' | 'rewrite' | 'validate' | 'index-build';

/** A statement's time at production size, and what it was extrapolated from. */
export interface PredictedStatement {
  ms: number;
  cost: CostKind;
  /** E.g. `rewrite of public.events: linear fit of trials at 1,000 / 50,000 rows, ×800 to 40,000,000`. */
  basis: string;
}

export interface IndexBuild {
  index: string;
  table: string;
  concurrent: boolean;
}

export interface StatementTrace {
  /** 1-based line in the file where the statement starts. */
  line: number;
  /** `ALTER TABLE`, `CREATE INDEX`, … */
  tag: string;
  /** The statement's text, on one line, shortened. */
  sql: string;
  /** The statement's own time (ms). */
  ms: number;
  /** Relation locks first held by this statement (locks on relations it created itself are left out). */
  locks: LockHold[];
  /** Relations whose storage was rewritten (relfilenode changed): tables and their indexes. */
  rewrites: string[];
  /** Tables scanned to validate a new NOT NULL, CHECK or foreign key (or VALIDATE CONSTRAINT). */
  validations: string[];
  /** Indexes built on tables that existed before the transaction. */
  indexBuilds: IndexBuild[];
  /** lock_timeout in effect when the statement started, in ms (0: wait forever; absent: unknown). */
  lockTimeoutMs?: number;
  /** DROP TABLE/COLUMN, TRUNCATE, a type change that may discard data. */
  destructive?: string;
  /** Locks were sampled from a second connection (the statement ran outside a transaction block). */
  sampled?: boolean;
  /** Which safe pattern to use instead, when the statement took a blocking lock. */
  hint?: string;
  /** The statement's time at production size (src/predict); absent without table sizes. */
  predicted?: PredictedStatement;
}

export interface PhaseLocks {
  /** Which parser gave the statement boundaries. */
  parser: 'libpg-query' | 'splitter';
  statements: StatementTrace[];
  /** Why the trace is incomplete (the script manages its own transactions, a tool runs it, …). */
  partial?: string;
}
