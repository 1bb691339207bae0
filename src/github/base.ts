/**
 * Which commit is the base of the verification. In a pull request it is the PR's base commit;
 * `base-ref` overrides it anywhere; on push and workflow_dispatch without `base-ref` there is none
 * and the whole chain is verified. actions/checkout fetches one commit by default, so a base that
 * is missing is fetched alone (`git fetch --depth=1 origin <sha>`) rather than asking every user
 * for `fetch-depth: 0`; only when that fails does the error say what to add to the workflow.
 */
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunContext } from './context.js';
import { git, resolveCommit } from './git.js';

export interface BaseResolution {
  /** Full commit sha of the base, or undefined: every migration is new. */
  sha?: string;
  /** How the base was named (the PR's base branch, or base-ref as given). */
  ref?: string;
  source: 'base-ref' | 'pull-request' | 'none';
  /** True when the commit had to be fetched (a shallow checkout). */
  fetched: boolean;
}

const FETCH_DEPTH_HINT = 'add `fetch-depth: 0` under `with:` of the actions/checkout step';

/** Makes `ref` available locally, fetching it from origin when missing; undefined when it cannot be. */
async function ensureCommit(ref: string, cwd: string, logger: Logger): Promise<{ sha?: string; fetched: boolean; error?: string }> {
  const local = await resolveCommit(ref, cwd);
  if (local) return { sha: local, fetched: false };
  logger.info(`Base ${ref} is not in this (shallow) checkout: git fetch --depth=1 origin ${ref}`);
  const fetch = await git(['fetch', '--no-tags', '--depth=1', 'origin', ref], cwd);
  if (fetch.code !== 0) return { fetched: false, error: fetch.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${fetch.code}` };
  // A branch or tag name arrives as FETCH_HEAD; a sha resolves as itself.
  const sha = (await resolveCommit(ref, cwd)) ?? (await resolveCommit('FETCH_HEAD', cwd));
  return sha ? { sha, fetched: true } : { fetched: false, error: 'the fetch succeeded but the commit is still missing' };
}

/** Resolves the base for this run; throws ConfigError (one line) when a named base is unreachable. */
export async function resolveBase(ctx: RunContext, baseRef: string | undefined, cwd: string, logger: Logger): Promise<BaseResolution> {
  if (baseRef) {
    const got = await ensureCommit(baseRef, cwd, logger);
    if (!got.sha) {
      throw new ConfigError(
        `base-ref '${baseRef}' is not in this checkout and \`git fetch --depth=1 origin ${baseRef}\` failed (${got.error}); name a branch, tag or commit that exists on origin, or ${FETCH_DEPTH_HINT}`,
      );
    }
    return { sha: got.sha, ref: baseRef, source: 'base-ref', fetched: got.fetched };
  }
  const pr = ctx.pullRequest;
  if (pr) {
    const got = await ensureCommit(pr.baseSha, cwd, logger);
    if (!got.sha) {
      throw new ConfigError(
        `the pull request's base commit ${pr.baseSha.slice(0, 12)} (${pr.baseRef}) is not in this checkout and \`git fetch --depth=1 origin ${pr.baseSha}\` failed (${got.error}); ${FETCH_DEPTH_HINT}`,
      );
    }
    return { sha: got.sha, ref: pr.baseRef, source: 'pull-request', fetched: got.fetched };
  }
  return { source: 'none', fetched: false };
}
