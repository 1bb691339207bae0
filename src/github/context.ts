/**
 * What the action needs from the workflow run: the event, the repository, and for pull requests
 * the base and head commits and the PR number. Read from the runner's environment and the event
 * payload file once, into a plain value; nothing else reads GITHUB_* variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { BaseRequest } from '../plan/git.js';

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  baseRef: string;
  headSha: string;
  /** True when the head lives in another repository (a fork): GITHUB_TOKEN is read-only then. */
  fromFork: boolean;
}

export interface RunContext {
  eventName: string;
  /** owner/repo of the workflow's repository, when known. */
  repo?: { owner: string; repo: string };
  /** The commit the workflow runs on (for a PR: the merge commit). */
  sha?: string;
  pullRequest?: PullRequestInfo;
  serverUrl: string;
  apiUrl: string;
  /** GITHUB_RUN_ID: the run whose page holds the job summary. */
  runId?: string;
  /** RUNNER_TEMP: where reports go (outside the checkout). */
  runnerTemp?: string;
  toolCache?: string;
}

interface PullRequestPayload {
  number?: number;
  base?: { sha?: string; ref?: string; repo?: { full_name?: string } };
  head?: { sha?: string; repo?: { full_name?: string } | null };
}

/** Reads the run's context; a missing or unreadable payload is an empty one (local runs). */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let payload: { pull_request?: PullRequestPayload; repository?: { full_name?: string } } = {};
  const path = env.GITHUB_EVENT_PATH;
  if (path && existsSync(path)) {
    try {
      payload = JSON.parse(readFileSync(path, 'utf8')) as typeof payload;
    } catch {
      // A broken payload file is the runner's problem; behave as outside a PR.
    }
  }
  const full = env.GITHUB_REPOSITORY || payload.repository?.full_name;
  const [owner, name] = (full ?? '').split('/');
  const pr = payload.pull_request;
  const pullRequest =
    pr && pr.number && pr.base?.sha && pr.head?.sha
      ? {
          number: pr.number,
          baseSha: pr.base.sha,
          baseRef: pr.base.ref ?? pr.base.sha,
          headSha: pr.head.sha,
          fromFork: !!pr.head.repo?.full_name && !!pr.base.repo?.full_name && pr.head.repo.full_name !== pr.base.repo.full_name,
        }
      : undefined;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    repo: owner && name ? { owner, repo: name } : undefined,
    sha: env.GITHUB_SHA || undefined,
    pullRequest,
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID || undefined,
    runnerTemp: env.RUNNER_TEMP || undefined,
    toolCache: env.RUNNER_TOOL_CACHE || undefined,
  };
}

const FETCH_DEPTH_HINT = 'add `fetch-depth: 0` under `with:` of the actions/checkout step';

/**
 * Which commit is the base of the verification, as a request to the git module: `base-ref` when
 * given; in a pull request the PR's base commit; otherwise none (push, workflow_dispatch: every
 * migration is verified). actions/checkout fetches one commit by default, so a missing base is
 * fetched alone (`git fetch --depth=1 origin <sha>`) rather than asking every user for
 * `fetch-depth: 0`; only when that fails does the error say what to add to the workflow.
 */
export function baseRequestFor(ctx: RunContext, baseRef: string | undefined): BaseRequest | undefined {
  if (baseRef) {
    return { ref: baseRef, fetch: true, describe: `base-ref '${baseRef}'`, hint: `name a branch, tag or commit that exists on origin, or ${FETCH_DEPTH_HINT}` };
  }
  const pr = ctx.pullRequest;
  if (!pr) return undefined;
  return {
    ref: pr.baseRef,
    commit: pr.baseSha,
    fetch: true,
    describe: `the pull request's base commit ${pr.baseSha.slice(0, 12)} (${pr.baseRef})`,
    hint: FETCH_DEPTH_HINT,
  };
}
