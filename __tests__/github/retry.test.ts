import { isRateLimited, retryDelay, withRetries, type RetryPolicy } from '../../src/github/retry.js';

const policy: RetryPolicy = { retries: 3, baseMs: 100, maxWaitMs: 10_000, now: () => 1_000_000 };

describe('retry policy', () => {
  test('5xx backs off exponentially and gives up after the retries', () => {
    expect([0, 1, 2, 3].map((a) => retryDelay({ status: 502 }, a, policy))).toEqual([100, 200, 400, undefined]);
  });

  test('a permission 403 and a 404 are never retried', () => {
    expect(retryDelay({ status: 403, message: 'Resource not accessible by integration' }, 0, policy)).toBeUndefined();
    expect(retryDelay({ status: 404 }, 0, policy)).toBeUndefined();
  });

  test('rate limits wait for retry-after or the reset time, unless it is too far away', () => {
    expect(isRateLimited({ status: 429 })).toBe(true);
    expect(retryDelay({ status: 403, response: { headers: { 'retry-after': '3' } } }, 0, policy)).toBe(3000);
    expect(retryDelay({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1005' } } }, 0, policy)).toBe(5000);
    expect(retryDelay({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9999' } } }, 0, policy)).toBeUndefined();
    expect(retryDelay({ status: 403, message: 'You have exceeded a secondary rate limit' }, 1, policy)).toBe(200);
  });

  test('withRetries sleeps between attempts and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await withRetries(
      async () => {
        if (++calls < 3) throw Object.assign(new Error('bad gateway'), { status: 502 });
        return 'ok';
      },
      policy,
      () => {},
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(out).toBe('ok');
    expect(waits).toEqual([100, 200]);
  });
});
