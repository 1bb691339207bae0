/**
 * The one result value of a run. Every renderer (terminal, Markdown, JSON) and every publisher
 * (PR comment, job summary, annotations, outputs) reads only this. JSON contract version 1:
 * extend, never break.
 */
import type { FormatName } from '../formats/names.js';
import type { PhaseLocks } from '../locks/types.js';

export type Severity = 'error' | 'warning' | 'info';

export type ProblemKind =
  | 'up-failed'
  | 'down-failed'
  | 'reup-failed'
  | 'missing-down'
  | 'irreversible'
  | 'rollback-residue'
  | 'reapply-drift'
  | 'column-order'
  | 'modified-migration'
  | 'order'
  | 'data-loss'
  | 'threshold'
  | 'timeout'
  | 'lock'
  /** The machine, not the migration: a missing extension, a lost server. Status `error`. */
  | 'environment';

export interface Problem {
  kind: ProblemKind;
  severity: Severity;
  /** Migration id the problem belongs to. */
  migration?: string;
  /** The object concerned, named like `index public.users_email_lower_idx`. */
  object?: string;
  message: string;
  file?: string;
  line?: number;
  /** SQLSTATE of the PostgreSQL error, when there was one. */
  sqlstate?: string;
  /** Unified diff (before → after) of the object's canonical definition. */
  diff?: string;
  /** The phase whose outcome this problem is about (the culprit, for the migration's row). */
  phase?: PhaseName;
  /** One sentence: what to do about it. */
  help?: string;
  /** URL of this kind's section in docs/problems.md. */
  docs?: string;
  /**
   * Failures that follow from this problem and are not reported on their own (e.g. a re-up that
   * fails on an object the down left behind): one root cause, one error.
   */
  consequences?: Array<{ kind: ProblemKind; message: string; phase?: PhaseName; file?: string; line?: number }>;
  /**
   * Why no verified fix (a generated down, `VerifyResult.suggestions`) is offered for this problem:
   * PostgreSQL has no faithful way back, or the generated down was tried and failed.
   */
  noFix?: string;
  /** Data loss: one value that changed, before → after (texts truncated; null is SQL NULL). */
  sample?: DataSample;
}

/** One changed value of a data-loss problem, identified by its row's primary key. */
export interface DataSample {
  /** The row, as `id=1` (its primary key columns). */
  row: string;
  before: string | null;
  after: string | null;
}

export type PhaseName = 'up' | 'down' | 'reup';

export interface PhaseResult {
  ms: number;
  ok: boolean;
  error?: string;
  /** Per statement: locks taken and held, rewrites, validation scans (when tracing is on). */
  locks?: PhaseLocks;
  /** The phase's time at the production table sizes given (src/predict); absent without them. */
  predicted?: PredictedPhase;
}

/** A phase's predicted time, and what it was extrapolated from (trial sizes, tables). */
export interface PredictedPhase {
  ms: number;
  basis: string;
}

export type MigrationStatus = 'ok' | 'failed' | 'irreversible' | 'skipped' | 'not-run';

export interface MigrationResult {
  id: string;
  name: string;
  files: { up: string; down?: string };
  status: MigrationStatus;
  phases: Partial<Record<PhaseName, PhaseResult>>;
  /**
   * Why the row is not plainly ok, in a few words (`down leaves index orders_status_idx`): the
   * first root problem about it. Set when the result is assembled; absent for a clean migration.
   */
  reason?: string;
}

export interface SchemaChange {
  object: string;
  change: 'added' | 'removed' | 'changed';
  diff: string;
}

export interface SeededTable {
  table: string;
  rows: number;
  note?: string;
}

/** A generated down that the protocol ran and verified (src/fix). */
export interface Suggestion {
  migration: string;
  /** The file it belongs in (the down, or where the down would be created). */
  file: string;
  sql: string;
  verified: true;
  /** The problems it fixes, as `kind:object` references. */
  fixes: string[];
}

/**
 * `pass`/`fail` is the verdict; `error` means the run could not finish for a reason outside the
 * migrations (environment, configuration): what was verified up to then is still reported.
 */
export type RunStatus = 'pass' | 'fail' | 'error';

export interface VerifyResult {
  version: 1;
  status: RunStatus;
  format: FormatName;
  postgres: string;
  mode: 'step' | 'chain';
  migrationsDir: string;
  base?: { ref: string; sha: string };
  baselineCount: number;
  migrations: MigrationResult[];
  problems: Problem[];
  schemaChanges: SchemaChange[];
  /** Rows seeded per table (data preservation); empty when seeding is off. */
  seeded: SeededTable[];
  totalMs: number;
  /** Plain-language notes for the reader: provider chosen, skipped steps, truncations. */
  notes: string[];
  /** Verified fixes (generated downs); absent when none were found or generation is off. */
  suggestions?: Suggestion[];
  /** Where the run stopped with new migrations left not run: the migration and why, in a few words. */
  stopped?: { migration: string; reason: string };
  /** The limits the run was judged by (0 or absent: off), so a report can draw them. */
  limits?: RunLimits;
}

/** Timing and lock limits of a run, as given (seconds and milliseconds as the options name them). */
export interface RunLimits {
  maxUpSeconds?: number;
  maxDownSeconds?: number;
  maxLockMs?: number;
  /** max-predicted-lock-ms, when table-rows is given (src/predict/verdicts.ts). */
  maxPredictedLockMs?: number;
}
