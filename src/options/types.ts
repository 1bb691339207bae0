/**
 * The engine's options: one typed value the CLI (flags) and the action (inputs) both produce from
 * the one table of option declarations (table.ts), validated once (validate.ts). Nothing
 * downstream reads flags, inputs or environment variables.
 */
import type { FormatName } from '../formats/names.js';
import type { ProviderChoice } from '../postgres/types.js';
import type { ProblemKind, Severity } from '../result/types.js';

/** The base commit: how the user (or the pull request) named it, and the commit it resolved to. */
export interface BaseCommit {
  ref: string;
  sha: string;
}

export interface VerifyOptions {
  /** The migrations directory as the user wrote it (relative to `cwd`, or absolute). */
  migrationsDir: string;
  /** Working directory: paths and git commands are relative to it. */
  cwd: string;
  format: FormatName | 'auto';
  provider: ProviderChoice;
  databaseUrl?: string;
  /**
   * The PostgreSQL major the user asked for (`postgres-version`). Servers rollback-verify starts
   * run DEFAULT_POSTGRES_MAJOR when it is unset; a given server (database-url) or an image
   * (postgres-image) is checked against it only when it is set.
   */
  postgresMajor?: number;
  /** Docker image instead of the official `postgres:<major>` (docker provider). */
  postgresImage?: string;
  /** The base, resolved by the front end (git module): its migrations are the baseline. */
  base?: BaseCommit;
  /** Without a base: the first version that counts as new. */
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
  /** 0 or absent: no limit. */
  maxTotalSeconds?: number;
  /** Per-statement time limit in the scratch database, in seconds. */
  statementTimeoutSeconds: number;
  /** Settings of the tool-driven formats, keyed by their option names (alembic-config, up-command, …). */
  tool?: Record<string, string>;
  /**
   * Read the whole schema at every point of the protocol instead of re-reading only what each
   * phase touched (src/schema/incremental.ts); default off. The verdicts are the same either way.
   */
  fullSnapshots?: boolean;
  /** Trace locks, rewrites and validation scans per statement (src/locks); default on. */
  traceLocks?: boolean;
  /** A blocking lock held longer than this many ms is a `lock` error; 0 or absent: no limit. */
  maxLockMs?: number;
  /** A migration taking a blocking lock without setting lock_timeout is a `lock` warning. */
  requireLockTimeout?: boolean;
  /**
   * The production row counts per table (`table-rows`): a JSON object or the CSV of the production
   * query (src/predict/production-query.ts), relative to `cwd`. Given, each new migration's phases
   * get predictions at those sizes (src/predict); absent, nothing is predicted.
   */
  tableRows?: string;
  /** A blocking lock predicted to be held longer than this many ms is a `lock` error; 0 or absent: no limit. */
  maxPredictedLockMs?: number;
  /**
   * Generate a down for each rollback problem and offer it when a trial run verifies it
   * (`VerifyResult.suggestions`); default on. Off saves the trial's time on failing migrations.
   */
  suggestFixes?: boolean;
  /** Write the verified suggestions into the migrations' downs (`--fix`, CLI only). */
  fix?: boolean;
  /**
   * Where embedded PostgreSQL packages live and are installed on first use when the wanted major
   * is not installed: the runner's tool cache (action), the user's cache dir (CLI).
   */
  embeddedCache?: string;
}

/** The major servers rollback-verify starts run when postgres-version is not given (README: "Which PostgreSQL"). */
export const DEFAULT_POSTGRES_MAJOR = 17;
/** The snapshot's catalog queries need PostgreSQL 15 (pg_publication_namespace, indnullsnotdistinct). */
export const MIN_POSTGRES_MAJOR = 15;
/** The newest major the embedded packages and the official image publish that the snapshot knows. */
export const MAX_POSTGRES_MAJOR = 18;
