/**
 * What publishing writes on a PR, against the fake GitHub REST server: no bot comment on a PR that
 * adds no migration and has nothing wrong (an existing one is still brought up to date), and a
 * shortened comment whose banner links the run's job summary.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeCore } from '../../__fixtures__/core.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import type { RunContext } from '../../src/github/context.js';
import { commentMarker } from '../../src/github/marker.js';
import { createGitHubClient } from '../../src/github/octokit.js';
import { mayCreateComment, publishResult, reportLinks } from '../../src/github/publish.js';
import { silentLogger } from '../../src/logger.js';
import type { VerifyResult } from '../../src/result/types.js';

const load = (name: string): VerifyResult => JSON.parse(readFileSync(join(process.cwd(), '__fixtures__', 'reports', `${name}.json`), 'utf8')) as VerifyResult;

let gh: FakeGitHub;
let temp: string;
beforeEach(async () => {
  gh = await startFakeGitHub();
  temp = mkdtempSync(join(tmpdir(), 'rv-publish-'));
});
afterEach(async () => {
  await gh.close();
  rmSync(temp, { recursive: true, force: true });
});

const ctx = (): RunContext => ({
  eventName: 'pull_request',
  repo: { owner: 'acme', repo: 'shop' },
  sha: 'f'.repeat(40),
  pullRequest: { number: 7, baseSha: 'a'.repeat(40), baseRef: 'main', headSha: 'b'.repeat(40), fromFork: false },
  serverUrl: 'https://github.com',
  apiUrl: gh.url,
  runId: '987654',
  runnerTemp: temp,
});

async function publish(result: VerifyResult, comment: 'always' | 'on-failure' = 'always') {
  const core = fakeCore();
  const client = createGitHubClient('test-token', gh.url, silentLogger, { retries: 0, baseMs: 5, maxWaitMs: 100 });
  const out = await publishResult({ result, ctx: ctx(), comment, workingDirectory: '.', secrets: [], client, env: {} }, core, silentLogger);
  return { out, core };
}

describe('the PR comment', () => {
  test('a PR without new migrations and nothing wrong gets no bot comment, even with comment: always', async () => {
    const { out } = await publish(load('empty'), 'always');
    expect(out.comment).toEqual({ action: 'not-created', reason: 'the PR adds no migrations and nothing failed' });
    expect(gh.comments.get(7) ?? []).toHaveLength(0);
    expect(gh.writes()).toEqual([]);
  });

  test('near miss: when one already exists (an earlier push had migrations), it is updated to say so', async () => {
    const [old] = gh.seed(7, 1, () => ({ body: `${commentMarker('db/migrations', 'old')}\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } }));
    const { out } = await publish(load('empty'), 'on-failure');
    expect(out.comment).toMatchObject({ action: 'updated', id: old!.id });
    expect(gh.comments.get(7)![0]!.body).toContain('This change adds no migrations');
  });

  test('near miss: a PR with new migrations, or one without that fails (an edited merged migration), still gets one', () => {
    expect(mayCreateComment('always', load('pass'))).toBe(true);
    expect(mayCreateComment('on-failure', load('pass'))).toBe(false);
    const edited: VerifyResult = { ...load('empty'), status: 'fail', problems: [{ kind: 'modified-migration', severity: 'error', migration: '000012', message: 'edited' }] };
    expect(mayCreateComment('on-failure', edited)).toBe(true);
  });

  test('links go to the head commit, and a shortened comment links the job summary of the run', async () => {
    expect(reportLinks(ctx(), 'services/api')).toEqual({
      repoUrl: 'https://github.com/acme/shop', sha: 'b'.repeat(40), pathPrefix: 'services/api', summaryUrl: 'https://github.com/acme/shop/actions/runs/987654',
    });
    const huge: VerifyResult = {
      ...load('fail'),
      schemaChanges: Array.from({ length: 4000 }, (_, i) => ({
        object: `table public.t${i}`, change: 'added' as const, diff: `--- before\n+++ after\n@@ -0,0 +1,3 @@\n+CREATE TABLE public.t${i}\n+\n+id bigint NOT NULL\n`,
      })),
    };
    await publish(huge);
    const body = gh.comments.get(7)![0]!.body;
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('The [job summary of this run](https://github.com/acme/shop/actions/runs/987654) has the full report.');
  });
});
