/**
 * The REST client for the comment: @actions/github's Octokit (pagination included) pointed at
 * GITHUB_API_URL (GitHub Enterprise Server, or a test server), with retries on 5xx and rate limits.
 */
import { getOctokit } from '@actions/github';
import type { Logger } from '../logger.js';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** An Octokit whose every request is retried per `policy`. */
export function createGitHubClient(token: string, apiUrl: string, logger: Logger, policy: RetryPolicy = DEFAULT_RETRY_POLICY): GitHubClient {
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  octokit.hook.wrap('request', (request, options) =>
    withRetries(
      async () => request(options),
      policy,
      (err, wait, attempt) =>
        logger.debug(`GitHub API ${options.method} ${options.url}: HTTP ${err.status ?? 'error'}, retry ${attempt + 1} in ${Math.round(wait)} ms`),
    ),
  );
  return octokit;
}
