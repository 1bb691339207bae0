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
  | 'lock';

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
}

export type PhaseName = 'up' | 'down' | 'reup';

export interface PhaseResult {
  ms: number;
  ok: boolean;
  error?: string;
  /** Per statement: locks taken and held, rewrites, validation scans (when tracing is on). */
  locks?: PhaseLocks;
}

export type MigrationStatus = 'ok' | 'failed' | 'irreversible' | 'skipped' | 'not-run';

export interface MigrationResult {
  id: string;
  name: string;
  files: { up: string; down?: string };
  status: MigrationStatus;
  phases: Partial<Record<PhaseName, PhaseResult>>;
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

export interface VerifyResult {
  version: 1;
  status: 'pass' | 'fail';
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
}
