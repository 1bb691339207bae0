/**
 * Retries for GitHub REST calls: 5xx answers and rate limits (429, or 403 with
 * `x-ratelimit-remaining: 0` / `retry-after` / a secondary-rate-limit message) are retried with
 * exponential backoff, honouring `retry-after` and `x-ratelimit-reset` when they ask for a
 * reasonable wait. A 403 that is a permission problem is not retried: it will not change.
 */

/** The parts of an Octokit RequestError the policy looks at. */
export interface HttpFailure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay; doubled per attempt. */
  baseMs: number;
  /** Longest wait worth taking; a rate limit resetting later is not waited for. */
  maxWaitMs: number;
  /** Injected for tests. */
  now?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseMs: 1000, maxWaitMs: 60_000 };

/** True for a 403/429 that is a rate limit rather than a permission refusal. */
export function isRateLimited(err: HttpFailure): boolean {
  const h = err.response?.headers ?? {};
  if (err.status === 429) return true;
  if (err.status !== 403) return false;
  return String(h['x-ratelimit-remaining']) === '0' || h['retry-after'] !== undefined || /rate limit/i.test(err.message ?? '');
}

/** How long to wait before retry number `attempt` (0-based), or undefined to give up now. */
export function retryDelay(err: HttpFailure, attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | undefined {
  if (attempt >= policy.retries) return undefined;
  const status = err.status ?? 0;
  const rateLimited = isRateLimited(err);
  // status 0: no HTTP answer at all (connection reset): worth another try like a 5xx.
  if (!(status >= 500 || status === 0 || rateLimited)) return undefined;
  const h = err.response?.headers ?? {};
  const backoff = policy.baseMs * 2 ** attempt;
  let wait = backoff;
  if (h['retry-after'] !== undefined && Number.isFinite(Number(h['retry-after']))) {
    wait = Number(h['retry-after']) * 1000;
  } else if (rateLimited && h['x-ratelimit-reset'] !== undefined) {
    wait = Number(h['x-ratelimit-reset']) * 1000 - (policy.now ?? Date.now)();
  }
  if (!Number.isFinite(wait) || wait > policy.maxWaitMs) return undefined;
  return Math.max(wait, 0);
}

/** Runs `fn`, retrying per the policy; `onRetry` hears each wait (for a debug line). */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  onRetry: (err: HttpFailure, waitMs: number, attempt: number) => void = () => {},
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const wait = retryDelay(err as HttpFailure, attempt, policy);
      if (wait === undefined) throw err;
      onRetry(err as HttpFailure, wait, attempt);
      await sleep(wait);
    }
  }
}
