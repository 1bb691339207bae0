/**
 * The one typed options object shared by the CLI (flags) and the action (inputs). Both parse into
 * this once, validate with messages naming the flag/input and the accepted values, and hand it to
 * the engine; nothing downstream reads flags, inputs or environment variables.
 */
import { ConfigError } from './errors.js';
import { FORMAT_NAMES, type FormatName } from './formats/names.js';
import type { ProviderChoice } from './postgres/types.js';
import type { ProblemKind, Severity } from './result/types.js';

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
  /** Settings of the tool-driven formats, keyed like TOOL_SETTING_KEYS. */
  tool?: Record<string, string>;
  /** Trace locks, rewrites and validation scans per statement (src/locks); default on. */
  traceLocks?: boolean;
  /** A blocking lock held longer than this many ms is a `lock` error; 0 or absent: no limit. */
  maxLockMs?: number;
  /** A migration taking a blocking lock without setting lock_timeout is a `lock` warning. */
  requireLockTimeout?: boolean;
  /** Docker image instead of the official `postgres:<major>` (docker provider). */
  postgresImage?: string;
  /** Why the provider was chosen (the action's auto order), shown with the server. */
  providerReason?: string;
  /** Where the action installed the embedded binaries (the runner's tool cache). */
  embeddedDir?: string;
}

/** Settings the tool-driven formats read: CLI flags and action inputs of these names. */
export const TOOL_SETTING_KEYS = ['alembic-config', 'up-command', 'down-command', 'list-glob', 'list-command'] as const;

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
  traceLocks: true,
};

/*
 * Value parsers shared by the CLI (flag names like `--fail-on`) and the action (input names like
 * `fail-on`): each names the flag/input it parses and the accepted values, so a bad value is one
 * actionable line whichever front end it came through.
 */
export { FORMAT_NAMES };
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'url', 'embedded', 'system', 'docker'];
export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'up-failed', 'down-failed', 'reup-failed', 'missing-down', 'irreversible', 'rollback-residue', 'reapply-drift',
  'column-order', 'modified-migration', 'order', 'data-loss', 'threshold', 'timeout', 'lock',
];

/** Parses one of a fixed set of words. */
export function parseChoice<T extends string>(value: string, choices: readonly T[], name: string): T {
  const v = value.trim();
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new ConfigError(`${name} must be one of ${choices.join(', ')} (got '${value}')`);
}

export function parseFormat(value: string, name = '--format'): FormatName | 'auto' {
  return parseChoice(value, ['auto', ...FORMAT_NAMES] as const, name);
}

export function parseProvider(value: string, name = '--postgres'): ProviderChoice {
  return parseChoice(value, PROVIDER_CHOICES, name);
}

/** `error` (default), `warning`, or problem kinds, comma or space separated. */
export function parseFailOn(value: string, name = '--fail-on'): Array<ProblemKind | Severity> {
  const words = value.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return ['error'];
  const accepted = ['error', 'warning', ...PROBLEM_KINDS] as const;
  return words.map((w) => parseChoice(w, accepted, name));
}

/** A non-negative number of seconds (fractions allowed). */
export function parseSeconds(value: string, name: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new ConfigError(`${name} must be a number of seconds ≥ 0 (got '${value}')`);
  }
  return n;
}

/** A whole number ≥ 0. */
export function parseCount(value: string, name: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v)) throw new ConfigError(`${name} must be a whole number ≥ 0 (got '${value}')`);
  return Number(v);
}

/** `true`/`false` as GitHub inputs spell them (YAML 1.2 core schema words). */
export function parseBoolean(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '') return v === 'true';
  if (v === 'false') return false;
  throw new ConfigError(`${name} must be true or false (got '${value}')`);
}

export function parseMode(value: string, name = '--mode'): 'step' | 'chain' {
  return parseChoice(value, ['step', 'chain'] as const, name);
}

/** The snapshot's catalog queries need PostgreSQL 15 (pg_publication_namespace, indnullsnotdistinct). */
const MIN_MAJOR = 15;
const MAX_MAJOR = 18;

/** `postgres-version`: a major version number (`16`); `16.4` is read as 16. */
export function parsePostgresMajor(value: string, name = '--postgres-version'): number {
  const m = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(value);
  const major = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(major) || major < MIN_MAJOR || major > MAX_MAJOR) {
    throw new ConfigError(`${name} must be a PostgreSQL major version from ${MIN_MAJOR} to ${MAX_MAJOR}, e.g. 16 (got '${value}')`);
  }
  return major;
}

/** A docker image reference (`name[:tag][@digest]`), checked loosely so typos fail early. */
export function parseImage(value: string, name = '--postgres-image'): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(v) || v.includes('..')) {
    throw new ConfigError(`${name} must be a docker image such as postgres:16, pgvector/pgvector:pg17 or postgis/postgis:16-3.4 (got '${value}')`);
  }
  return v;
}

