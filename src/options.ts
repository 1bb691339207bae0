/**
 * The one typed options object shared by the CLI (flags) and the action (inputs). Both parse into
 * this once, validate with messages naming the flag/input and the accepted values, and hand it to
 * the engine; nothing downstream reads flags, inputs or environment variables.
 */
import type { FormatName } from './formats/types.js';
import type { ProviderChoice } from './postgres/types.js';
import type { ProblemKind, Severity } from './verify/result.js';

export interface VerifyOptions {
  /** The migrations directory as the user wrote it (relative to `cwd`, or absolute). */
  migrationsDir: string;
  /** Working directory: paths and git commands are relative to it. */
  cwd: string;
  format: FormatName | 'auto';
  provider: ProviderChoice;
  databaseUrl?: string;
  /** Major version wanted from the system/docker providers. */
  postgresMajor?: number;
  /** Git ref of the base: migrations that exist there are the baseline. */
  base?: string;
  /** Without --base: the first version that counts as new. */
  from?: string;
  mode: 'step' | 'chain';
  /** Problem kinds or severities that fail the run, besides every problem of severity error. */
  failOn: ReadonlyArray<ProblemKind | Severity>;
  strictColumnOrder: boolean;
  /** Rows per baseline table to seed (0 disables). */
  seedRows: number;
  seedFile?: string;
  maxUpSeconds: number;
  maxDownSeconds: number;
  maxTotalSeconds?: number;
  /** Per-statement time limit in the scratch database, in seconds. */
  statementTimeoutSeconds: number;
  /** Extra configuration for tool-driven formats (issue: Alembic, commands). */
  tool?: Record<string, string>;
}

export const DEFAULT_OPTIONS: Omit<VerifyOptions, 'migrationsDir' | 'cwd'> = {
  format: 'auto',
  provider: 'auto',
  mode: 'step',
  failOn: ['error'],
  strictColumnOrder: false,
  seedRows: 1000,
  maxUpSeconds: 30,
  maxDownSeconds: 30,
  statementTimeoutSeconds: 600,
};
