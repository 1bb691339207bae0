import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { upsertStickyComment, type StickyCommentRequest } from '../../src/github/comment.js';
import { commentMarker } from '../../src/github/marker.js';
import { createGitHubClient } from '../../src/github/octokit.js';
import { silentLogger } from '../../src/logger.js';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => {
  await gh.close();
});

const client = () => createGitHubClient('test-token', gh.url, silentLogger, { retries: 3, baseMs: 5, maxWaitMs: 2000 });
const request = (over: Partial<StickyCommentRequest> = {}): StickyCommentRequest => ({
  owner: 'acme',
  repo: 'shop',
  issueNumber: 7,
  key: 'db/migrations',
  body: '## report',
  digest: 'aaaa',
  create: true,
  ...over,
});

describe('sticky PR comment', () => {
  test('creates the comment with the marker first, then updates that same comment in place', async () => {
    const first = await upsertStickyComment(client(), request(), silentLogger);
    expect(first.action).toBe('created');
    const [c] = gh.comments.get(7)!;
    expect(c!.body).toBe(`${commentMarker('db/migrations', 'aaaa')}\n## report`);
    const second = await upsertStickyComment(client(), request({ body: '## new', digest: 'bbbb' }), silentLogger);
    expect(second).toMatchObject({ action: 'updated', id: c!.id });
    expect(gh.comments.get(7)).toHaveLength(1);
    expect(gh.comments.get(7)![0]!.body).toContain('## new');
  });

  test('an unchanged digest sends no edit request', async () => {
    await upsertStickyComment(client(), request(), silentLogger);
    const writesBefore = gh.writes().length;
    const again = await upsertStickyComment(client(), request({ body: '## report (other timings)' }), silentLogger);
    expect(again.action).toBe('unchanged');
    expect(gh.writes().length).toBe(writesBefore);
  });

  test('finds the marker on a later page (all pages are read) and ignores markers by people', async () => {
    gh.seed(7, 3, () => ({ body: `${commentMarker('db/migrations', 'zzzz')}\nquoted by a person` }));
    gh.seed(7, 130);
    const [ours] = gh.seed(7, 1, () => ({ body: `${commentMarker('db/migrations', 'old')}\nold`, user: { login: 'github-actions[bot]', type: 'Bot' } }));
    gh.seed(7, 5);
    const out = await upsertStickyComment(client(), request(), silentLogger);
    expect(out).toMatchObject({ action: 'updated', id: ours!.id });
    const pages = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments')).map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2']);
  });

  test('another migrations directory has its own comment', async () => {
    await upsertStickyComment(client(), request(), silentLogger);
    const other = await upsertStickyComment(client(), request({ key: 'services/billing/db' }), silentLogger);
    expect(other.action).toBe('created');
    expect(gh.comments.get(7)).toHaveLength(2);
  });

  test('on-failure mode never creates a comment on a pass, but still updates an existing one', async () => {
    expect((await upsertStickyComment(client(), request({ create: false }), silentLogger)).action).toBe('not-created');
    expect(gh.writes()).toHaveLength(0);
    await upsertStickyComment(client(), request(), silentLogger);
    expect((await upsertStickyComment(client(), request({ create: false, digest: 'cccc' }), silentLogger)).action).toBe('updated');
  });

  test('a 403 is reported as forbidden, once, without retries', async () => {
    gh.failures.push({ op: 'create', status: 403, times: Infinity });
    const out = await upsertStickyComment(client(), request(), silentLogger);
    expect(out).toEqual({ action: 'forbidden', detail: 'Resource not accessible by integration' });
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  test('5xx answers and rate limits are retried with backoff', async () => {
    gh.failures.push({ op: 'list', status: 502, times: 2 });
    gh.failures.push({ op: 'create', status: 403, times: 1, headers: { 'x-ratelimit-remaining': '0', 'retry-after': '0' }, message: 'API rate limit exceeded' });
    const out = await upsertStickyComment(client(), request(), silentLogger);
    expect(out.action).toBe('created');
    expect(gh.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  test('an outage that outlasts the retries is a failure outcome, not an exception', async () => {
    gh.failures.push({ op: 'list', status: 503, times: Infinity });
    const out = await upsertStickyComment(client(), request(), silentLogger);
    expect(out.action).toBe('failed');
    expect(gh.requests).toHaveLength(4);
  });

  test('the token is sent as a token and nowhere else', async () => {
    await upsertStickyComment(client(), request(), silentLogger);
    expect(gh.requests[0]!.authorization).toBe('token test-token');
    expect(JSON.stringify(gh.requests.map((r) => r.body))).not.toContain('test-token');
  });
});
