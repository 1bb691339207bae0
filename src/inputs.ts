/**
 * Action inputs → the engine's options plus the few settings only the action has (token, comment
 * mode, working directory), through the one option table: every input action.yml declares is read
 * here, parsed by the table's parsers and checked by validateOptions (the same rules as the CLI),
 * once, before Postgres, git or GitHub is touched. A bad value is a ConfigError with one line
 * naming the input and the values it accepts.
 */
import { join, resolve } from 'node:path';
import { engineValues, parseOptionValues, type RawOptions } from './options/read.js';
import { ACTION_OPTIONS, inputOf } from './options/table.js';
import type { VerifyOptions } from './options/types.js';
import { validateOptions } from './options/validate.js';
import type { CommentMode } from './options/values.js';
import { embeddedCacheDir } from './postgres/embedded-install.js';

export { COMMENT_MODES, parseCommentMode, parseRepoPath, type CommentMode } from './options/values.js';

/** The action's settings: the engine's options plus what only the action needs. */
export interface ActionSettings {
  /** For the engine. `base` is left unset: it is resolved from the event and git later. */
  options: VerifyOptions;
  /** `base-ref` as given; empty means "the pull request's base, or none outside a PR". */
  baseRef?: string;
  githubToken: string;
  comment: CommentMode;
  /** `working-directory` relative to the repository root, normalized (`.` when unset). */
  workingDirectory: string;
  /** Absolute repository root (GITHUB_WORKSPACE, else the process's cwd). */
  repositoryRoot: string;
}

/** Reads one raw input; `core.getInput` in the action, a map in tests. */
export type InputReader = (name: string) => string;

/**
 * Parses every action input into ActionSettings. Pure apart from `read` and `env`: it checks
 * values, never the file system or the network. An empty input is not given: it takes the
 * table's default (action.yml's defaults do not reach every way of running an action).
 */
export function parseActionInputs(read: InputReader, env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const raw: RawOptions = new Map();
  for (const spec of ACTION_OPTIONS) {
    const value = (read(inputOf(spec)!) ?? '').trim();
    if (value !== '') raw.set(spec, value);
  }
  const values = parseOptionValues(raw, 'action');
  validateOptions(values, 'action');
  const repositoryRoot = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const workingDirectory = values.workingDirectory ?? '.';
  const options = {
    ...engineValues(values),
    cwd: join(repositoryRoot, workingDirectory),
    // Other PostgreSQL majors are installed there on first use (kept between jobs on self-hosted runners).
    embeddedCache: embeddedCacheDir('action', env),
  } as VerifyOptions;
  return {
    options,
    ...(values.baseRef ? { baseRef: values.baseRef } : {}),
    // An empty token is allowed (a local run); the comment step then warns and skips.
    githubToken: values.githubToken ?? '',
    comment: values.comment ?? 'always',
    workingDirectory,
    repositoryRoot,
  };
}
