/**
 * Value parsers for the option table: each takes the raw text and the name to blame (`--fail-on`
 * on the CLI, `fail-on` in the action), so a bad value is one actionable line naming the flag or
 * input and the accepted values, whichever front end it came through.
 */
import { isAbsolute, normalize } from 'node:path';
import { ConfigError } from '../errors.js';
import { FORMAT_NAMES, type FormatName } from '../formats/names.js';
import { parseDatabaseUrl } from '../postgres/url.js';
import type { ProviderChoice } from '../postgres/types.js';
import type { ProblemKind, Severity } from '../result/types.js';
import { MAX_POSTGRES_MAJOR, MIN_POSTGRES_MAJOR } from './types.js';

export { FORMAT_NAMES };
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'url', 'embedded', 'system', 'docker'];
export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'up-failed', 'down-failed', 'reup-failed', 'missing-down', 'irreversible', 'rollback-residue', 'reapply-drift',
  'column-order', 'modified-migration', 'order', 'data-loss', 'threshold', 'timeout', 'lock',
];
export const MODES = ['step', 'chain'] as const;
export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const;
/** When the action writes the sticky PR comment. */
export type CommentMode = (typeof COMMENT_MODES)[number];

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

export function parseMode(value: string, name = '--mode'): 'step' | 'chain' {
  return parseChoice(value, MODES, name);
}

/** `comment`: always | on-failure | never. */
export function parseCommentMode(value: string, name = 'comment'): CommentMode {
  return parseChoice(value, COMMENT_MODES, name);
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
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(`${name} must be true or false (got '${value}')`);
}

/** `postgres-version`: a major version number (`16`); `16.4` is read as 16. */
export function parsePostgresMajor(value: string, name = '--postgres-version'): number {
  const m = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(value);
  const major = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(major) || major < MIN_POSTGRES_MAJOR || major > MAX_POSTGRES_MAJOR) {
    throw new ConfigError(`${name} must be a PostgreSQL major version from ${MIN_POSTGRES_MAJOR} to ${MAX_POSTGRES_MAJOR}, e.g. 17 (got '${value}')`);
  }
  return major;
}

/** A docker image reference (`name[:tag][@digest]`), checked loosely so typos fail early. */
export function parseImage(value: string, name = '--postgres-image'): string {
  const v = value.trim();
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(v) || v.includes('..')) {
    throw new ConfigError(`${name} must be a docker image such as postgres:17, pgvector/pgvector:pg17 or postgis/postgis:16-3.4 (got '${value}')`);
  }
  return v;
}

/** A postgres:// URL (the value is a secret: the message never repeats it). */
export function parseUrl(value: string, name = '--database-url'): string {
  const v = value.trim();
  parseDatabaseUrl(v, name);
  return v;
}

/** Free text (a command, a glob, a ref); surrounding whitespace is not part of it. */
export function parseText(value: string): string {
  return value.trim();
}

/**
 * A path inside the repository. Absolute paths and `..` escapes are refused: the action only ever
 * looks at the checked-out repository.
 */
export function parseRepoPath(value: string, name: string): string {
  const v = value.trim();
  if (v === '' || v === '.') return '.';
  const n = normalize(v).replace(/\\/g, '/').replace(/\/+$/, '');
  if (isAbsolute(v) || n === '..' || n.startsWith('../')) {
    throw new ConfigError(`${name} must be a path relative to the repository root, e.g. db/migrations (got '${value}')`);
  }
  return n;
}
