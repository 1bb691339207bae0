/**
 * Action inputs → the one typed options object the engine reads (`VerifyOptions`), plus the few
 * settings only the action has (token, comment mode, docker image, working directory). Everything
 * is parsed and validated here, once, before Postgres or GitHub is touched; a bad value is a
 * ConfigError with one line naming the input and the values it accepts.
 *
 * Value parsers shared with the CLI live in options.ts (they take the name to blame, `--fail-on`
 * or `fail-on`); the ones here exist only as action inputs.
 */
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { parseImage, parsePostgresMajor, TOOL_SETTING_KEYS } from './options.js';
import { ConfigError } from './errors.js';
import {
  DEFAULT_OPTIONS, parseBoolean, parseChoice, parseCount, parseFailOn, parseFormat, parseMode, parseProvider, parseSeconds,
  type VerifyOptions,
} from './options.js';
import { parseDatabaseUrl } from './postgres/url.js';

export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const;
/** When the action writes the sticky PR comment. */
export type CommentMode = (typeof COMMENT_MODES)[number];

/** Postgres majors the official image and the embedded packages both offer. */

/** The action's settings: the engine's options plus what only the action needs. */
export interface ActionSettings {
  /** For the engine. `base` is left unset: it is resolved from the event and git later. */
  options: VerifyOptions;
  /** `base-ref` as given; empty means "the pull request's base, or none outside a PR". */
  baseRef?: string;
  /** Docker image replacing the official `postgres:<version>` (docker provider only). */
  postgresImage?: string;
  /** Wanted server major (also what `auto` matches the runner's PostgreSQL against). */
  postgresMajor: number;
  githubToken: string;
  comment: CommentMode;
  /** `working-directory` relative to the repository root, normalized (`.` when unset). */
  workingDirectory: string;
  /** Absolute repository root (GITHUB_WORKSPACE, else the process's cwd). */
  repositoryRoot: string;
}

/** Reads one raw input; `core.getInput` in the action, a map in tests. */
export type InputReader = (name: string) => string;

/** `comment`: always | on-failure | never. */
export function parseCommentMode(value: string, name = 'comment'): CommentMode {
  return parseChoice(value, COMMENT_MODES, name);
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

/**
 * Parses every action input into ActionSettings. Pure apart from `read` and `env`: it checks
 * values, never the file system or the network.
 */
export function parseActionInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const get = (name: string) => (read(name) ?? '').trim();
  // Empty inputs take their documented default (action.yml defaults do not apply to `uses: ./`
  // runs without `with:` in every runner version, and tests set only what they need).
  const orDefault = (name: string, fallback: string) => get(name) || fallback;

  const dirRaw = get('migrations-dir');
  if (!dirRaw) throw new ConfigError('migrations-dir is required: the migrations directory relative to the repository root (or working-directory), e.g. db/migrations');
  const migrationsDir = parseRepoPath(dirRaw, 'migrations-dir');
  const workingDirectory = parseRepoPath(get('working-directory'), 'working-directory');
  const repositoryRoot = resolve(env.GITHUB_WORKSPACE || process.cwd());

  const provider = parseProvider(orDefault('postgres', 'auto'), 'postgres');
  const databaseUrl = get('database-url') || undefined;
  if (databaseUrl) parseDatabaseUrl(databaseUrl, 'database-url');
  if (provider === 'url' && !databaseUrl) {
    throw new ConfigError("postgres 'url' needs database-url (a postgres:// URL); or use postgres: auto, system, docker or embedded");
  }
  const postgresImage = parseImage(get('postgres-image'), 'postgres-image');
  if (postgresImage && provider !== 'docker' && provider !== 'auto') {
    throw new ConfigError(`postgres-image needs postgres set to docker or auto (got '${provider}')`);
  }
  const postgresMajor = parsePostgresMajor(orDefault('postgres-version', '16'), 'postgres-version');

  const options: VerifyOptions = {
    ...DEFAULT_OPTIONS,
    migrationsDir,
    cwd: join(repositoryRoot, workingDirectory),
    format: parseFormat(orDefault('format', 'auto'), 'format'),
    provider,
    databaseUrl,
    postgresMajor,
    mode: parseMode(orDefault('mode', 'step'), 'mode'),
    failOn: parseFailOn(orDefault('fail-on', 'error'), 'fail-on'),
    strictColumnOrder: parseBoolean(orDefault('strict-column-order', 'false'), 'strict-column-order'),
    seedRows: parseCount(orDefault('seed-rows', String(DEFAULT_OPTIONS.seedRows)), 'seed-rows'),
    maxUpSeconds: parseSeconds(orDefault('max-up-seconds', String(DEFAULT_OPTIONS.maxUpSeconds)), 'max-up-seconds'),
    maxDownSeconds: parseSeconds(orDefault('max-down-seconds', String(DEFAULT_OPTIONS.maxDownSeconds)), 'max-down-seconds'),
  };
  const from = get('from');
  if (from) options.from = from;
  // The tool-driven formats' inputs, named like their CLI flags.
  const tool: Record<string, string> = {};
  for (const key of TOOL_SETTING_KEYS) {
    const value = get(key);
    if (value) tool[key] = value;
  }
  if (Object.keys(tool).length) options.tool = tool;
  // Lock tracing (src/locks): on by default; max-lock-ms 0 means no limit.
  options.traceLocks = parseBoolean(orDefault('trace-locks', 'true'), 'trace-locks');
  options.maxLockMs = parseCount(orDefault('max-lock-ms', '0'), 'max-lock-ms');
  options.requireLockTimeout = parseBoolean(orDefault('require-lock-timeout', 'false'), 'require-lock-timeout');

  return {
    options,
    baseRef: get('base-ref') || undefined,
    postgresImage,
    postgresMajor,
    // An empty token is allowed (a local run); the comment step then warns and skips.
    githubToken: get('github-token'),
    comment: parseCommentMode(orDefault('comment', 'always')),
    workingDirectory,
    repositoryRoot,
  };
}
