/**
 * What the action needs from the workflow run: the event, the repository, and for pull requests
 * the base and head commits and the PR number. Read from the runner's environment and the event
 * payload file once, into a plain value; nothing else reads GITHUB_* variables.
 */
import { existsSync, readFileSync } from 'node:fs';

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
