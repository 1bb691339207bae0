import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunContext } from '../../src/github/context.js';
import { commentForbiddenWarning, PERMISSIONS_YAML } from '../../src/github/permissions.js';

function eventFile(payload: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rv-ctx-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

const pr = (headRepo: string) => ({
  pull_request: { number: 5, base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: 'acme/shop' } }, head: { sha: 'h'.repeat(40), repo: { full_name: headRepo } } },
});

describe('run context', () => {
  test('a pull request from a branch', () => {
    const ctx = readRunContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile(pr('acme/shop')), GITHUB_REPOSITORY: 'acme/shop', GITHUB_API_URL: 'https://ghe.example/api/v3/' });
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      repo: { owner: 'acme', repo: 'shop' },
      pullRequest: { number: 5, baseSha: 'b'.repeat(40), baseRef: 'main', headSha: 'h'.repeat(40), fromFork: false },
      apiUrl: 'https://ghe.example/api/v3',
      serverUrl: 'https://github.com',
    });
  });

  test('a pull request from a fork is marked so', () => {
    const ctx = readRunContext({ GITHUB_EVENT_PATH: eventFile(pr('someone/shop')), GITHUB_REPOSITORY: 'acme/shop' });
    expect(ctx.pullRequest?.fromFork).toBe(true);
  });

  test('no payload: no pull request', () => {
    expect(readRunContext({ GITHUB_EVENT_NAME: 'push' }).pullRequest).toBeUndefined();
  });
});

describe('the 403 warning', () => {
  test('carries the exact permissions YAML, and the workflow_run way out for forks', () => {
    expect(PERMISSIONS_YAML).toBe('permissions:\n  contents: read\n  pull-requests: write');
    expect(commentForbiddenWarning('Resource not accessible by integration', false)).toContain(`Add this to the workflow (or to the job):\n${PERMISSIONS_YAML}`);
    expect(commentForbiddenWarning('x', true)).toMatch(/fork.*workflow_run pattern/s);
  });
});
