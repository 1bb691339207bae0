/**
 * The bundled action (dist/index.js through the e2e harness) under bad input, hostile output and
 * GitHub API faults: bad INPUT_* values and bad migration files fail the step with one `::error`
 * line and no stack; secrets (database password, token) appear nowhere a reader or log sees;
 * 5xx and rate-limit answers are retried a bounded number of times; a comment that still cannot
 * be written is a warning and never changes the verdict. Nothing is left after any case.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { buildBundle, FAKE_TOKEN, pullRequestEvent, runAction, type ActionRun } from '../e2e/harness.js';
import { usePostgres } from '../helpers/postgres.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';
import { runCli } from '../helpers/cli-process.js';

const server = usePostgres();
const DIR = 'db/migrations';
const GOOD: Files = {
  [`${DIR}/000001_users.up.sql`]: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  [`${DIR}/000001_users.down.sql`]: 'DROP TABLE users;\n',
};
/** The down leaves an index behind: a failing verification. */
const BAD: Files = {
  ...GOOD,
  [`${DIR}/000002_email_idx.up.sql`]: 'CREATE INDEX users_email_idx ON users (email);\n',
  [`${DIR}/000002_email_idx.down.sql`]: 'DROP INDEX IF EXISTS users_email_index;\n',
};

let gh: FakeGitHub;
const repos: PrRepo[] = [];
beforeAll(async () => {
  await buildBundle();
  gh = await startFakeGitHub();
}, 180_000);
afterAll(async () => {
  await gh.close();
  for (const r of repos) r.cleanup();
});
beforeEach(() => {
  gh.failures.length = 0;
  gh.requests.length = 0;
  gh.comments.clear();
});

/** Runs the action on a PR whose head adds `head`, with a private TMPDIR; returns run and scope. */
async function runPr(head: Files, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<{ run: ActionRun; tmp: string }> {
  const repo = createPrRepo({ 'README.md': 'x\n' }, head);
  repos.push(repo);
  const tmp = caseTempDir();
  const run = await runAction({
    checkout: repo.checkout(),
    gh,
    sha: repo.headSha,
    event: pullRequestEvent({ number: 5, baseSha: repo.baseSha, headSha: repo.headSha }),
    inputs: { 'migrations-dir': DIR, 'seed-rows': '5', 'database-url': server.server().adminUrl, ...inputs },
    env: { TMPDIR: tmp, ...env },
  });
  return { run, tmp };
}

const errorAnnotations = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');

describe('bad input through the action: one ::error line, no stack, nothing left', () => {
  test.each([
    ['migrations-dir empty', GOOD, { 'migrations-dir': '' }, /^migrations-dir is required/],
    ['migrations-dir missing', GOOD, { 'migrations-dir': 'db/nope' }, /^migrations-dir 'db\/nope' does not exist \(checked out at [0-9a-f]{7}\?/],
    ['migrations-dir escaping the repo', GOOD, { 'migrations-dir': '../elsewhere' }, /^migrations-dir must be a path relative to the repository root/],
    ['unknown mode', GOOD, { mode: 'sideways' }, /^mode must be one of step, chain \(got 'sideways'\)/],
    ['unknown format', GOOD, { format: 'liquibase' }, /^format must be one of auto, golang-migrate/],
    ['a format name almost right', GOOD, { format: 'golang' }, /^format must be one of auto, golang-migrate, .* \(got 'golang'\)$/],
    ['database-url with another provider', GOOD, { postgres: 'docker' }, /^database-url cannot be combined with postgres docker/],
    ['bad seed-rows', GOOD, { 'seed-rows': 'lots' }, /^seed-rows must be a whole number/],
    ['bad postgres-version', GOOD, { 'postgres-version': 'latest' }, /^postgres-version must be a PostgreSQL major version/],
    ['bad comment mode', GOOD, { comment: 'sometimes' }, /^comment must be one of always, on-failure, never/],
    ['invalid database-url', GOOD, { 'database-url': 'mysql://u:p@h/d' }, /^database-url must start with postgres:\/\//],
    ['a binary file', { ...GOOD, [`${DIR}/000002_x.up.sql`]: 'abc\u0000def' }, {}, /000002_x\.up\.sql is a binary file/],
    ['mixed formats', { ...GOOD, [`${DIR}/V2__x.sql`]: 'SELECT 1;\n' }, {}, /looks like more than one migration format \(golang-migrate and flyway\)/],
    ['two migrations with one version', { ...GOOD, [`${DIR}/000001_again.up.sql`]: 'SELECT 1;\n' }, {}, /two migration files claim version 000001/],
    ['a down without an up', { ...GOOD, [`${DIR}/000002_x.down.sql`]: 'SELECT 1;\n' }, {}, /000002_x\.down\.sql is a down migration without an up/],
  ] as const)('%s', async (_name, head, inputs, message) => {
    const { run, tmp } = await runPr(head, inputs);
    expect(run.code).not.toBe(0);
    expect(errorAnnotations(run).map((a) => a.message)).toEqual([expect.stringMatching(message)]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    expect(gh.writes()).toEqual([]);
    // Outputs on every exit, and the reason in the job summary, in one line.
    expect(run.outputs).toMatchObject({ status: 'error', errors: '1', problems: '0', 'report-json': '' });
    expect(run.summary.trim().split('\n')).toEqual([`**rollback-verify could not run:** ${errorAnnotations(run)[0]!.message}`]);
    await expectNoLeftovers({ tempDir: tmp, databaseUrl: server.server().adminUrl });
  });

  test('a database-url whose role may not create databases: masked, one line', async () => {
    const password = 'nocreate-Action-9911';
    const admin = new pg.Client({ connectionString: server.server().adminUrl });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS rv_action_nocreate; CREATE ROLE rv_action_nocreate LOGIN NOCREATEDB PASSWORD '${password}'`);
    await admin.end();
    const url = new URL(server.server().adminUrl);
    url.username = 'rv_action_nocreate';
    url.password = password;
    const { run, tmp } = await runPr(GOOD, { 'database-url': url.toString() });
    expect(run.code).not.toBe(0);
    expect(errorAnnotations(run).map((a) => a.message)).toEqual([expect.stringMatching(/the role in postgres:\/\/rv_action_nocreate:\*\*\*@127\.0\.0\.1:\d+\/postgres may not create databases/)]);
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    expect(printed + run.stderr).not.toContain(password);
    await expectNoLeftovers({ tempDir: tmp, databaseUrl: server.server().adminUrl });
  });
});

describe('secrets never appear in anything written', () => {
  const password = 'Pw-s3cr3t-rollback-4711';
  let url: string;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: server.server().adminUrl });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS rv_secret_user; CREATE ROLE rv_secret_user LOGIN CREATEDB PASSWORD '${password}'`);
    await admin.end();
    const u = new URL(server.server().adminUrl);
    u.username = 'rv_secret_user';
    u.password = password;
    url = u.toString();
  });

  test('a failing verification through the action: stdout, stderr, summary, comment, reports', async () => {
    const { run, tmp } = await runPr(BAD, { 'database-url': url });
    expect(run.code).not.toBe(0);
    expect(run.outputs.status).toBe('fail');
    // The runner is told to mask both; nothing else may carry them.
    expect(run.stdout).toContain(`::add-mask::${password}`);
    expect(run.stdout).toContain(`::add-mask::${FAKE_TOKEN}`);
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    const comment = gh.writes().map((w) => JSON.stringify(w.body)).join('\n');
    expect(comment).toContain('users_email_idx');
    const texts = {
      stdout: printed,
      stderr: run.stderr,
      summary: run.summary,
      comment,
      json: readFileSync(run.outputs['report-json']!, 'utf8'),
      markdown: readFileSync(run.outputs['report-markdown']!, 'utf8'),
    };
    for (const [where, text] of Object.entries(texts)) {
      expect([where, text.includes(password)]).toEqual([where, false]);
      expect([where, text.includes(FAKE_TOKEN)]).toEqual([where, false]);
      expect([where, text.includes(encodeURIComponent(password))]).toEqual([where, false]);
    }
    await expectNoLeftovers({ tempDir: tmp, databaseUrl: server.server().adminUrl });
  });

  test('the CLI: a failing run and a tool that prints DATABASE_URL; the URL shown masked', async () => {
    const tmp = caseTempDir();
    const cwd = join(tmp, 'project');
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    for (const [path, content] of Object.entries(BAD)) {
      mkdirSync(join(cwd, path, '..'), { recursive: true });
      writeFileSync(join(cwd, path), content!);
    }
    // A tool that echoes its connection string (with the password) in its error output.
    mkdirSync(join(cwd, 'tool'));
    writeFileSync(join(cwd, 'tool', '1_leaky.sh'), 'echo "connecting to $DATABASE_URL" >&2; echo "password=$PGPASSWORD" >&2; exit 1\n');
    const outputs: string[] = [];
    for (const args of [
      [DIR, '--database-url', url],
      ['tool', '--format', 'commands', '--up-command', 'sh {file}', '--down-command', 'sh {file}', '--database-url', url],
    ]) {
      const json = join(tmp, `r${outputs.length}.json`);
      const md = join(tmp, `r${outputs.length}.md`);
      const r = await runCli({ args: [...args, '--seed-rows', '5', '--verbose', '--json', json, '--markdown', md], cwd, tmpDir: runTmp, hangAfterMs: 60_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/postgres:\/\/rv_secret_user:\*\*\*@127\.0\.0\.1:\d+\/postgres/);
      outputs.push(r.stdout, r.stderr, readFileSync(json, 'utf8'), readFileSync(md, 'utf8'));
    }
    // The leaky tool's failure is in the report, with the secret cut out.
    expect(outputs.join('\n')).toMatch(/connecting to postgresql:\/\/rv_secret_user:\*\*\*@127\.0\.0\.1:\d+\/rollback_verify_\w+ \/ password=\*\*\*/);
    for (const text of outputs) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  });
});

describe('GitHub API faults: bounded retries, a warning at worst, the verdict unchanged', () => {
  test('5xx on the listing and a 429 on the create are retried; the comment is written', async () => {
    gh.failures.push({ op: 'list', status: 502, times: 2 });
    gh.failures.push({ op: 'create', status: 429, times: 1, headers: { 'retry-after': '1' }, message: 'API rate limit exceeded' });
    const { run, tmp } = await runPr(GOOD, {});
    expect(run.code).toBe(0);
    // The sticky comment's listing, twice failed then answered (the review comments' listing, for
    // stale fix suggestions, is its own request: src/github/review-publish.ts).
    const lists = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/5/comments'));
    expect(lists).toHaveLength(3);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'POST']);
    expect(gh.comments.get(5)).toHaveLength(1);
    expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    await expectNoLeftovers({ tempDir: tmp, databaseUrl: server.server().adminUrl });
  });

  test('a secondary rate limit (403 with retry-after) is retried, not taken for a permission problem', async () => {
    gh.failures.push({ op: 'create', status: 403, times: 1, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit' });
    const { run } = await runPr(GOOD, {});
    expect(run.code).toBe(0);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'POST']);
    expect(run.annotations.filter((a) => a.level === 'warning')).toEqual([]);
  });

  test.each([
    ['a passing', GOOD, 'pass', 0],
    ['a failing', BAD, 'fail', 1],
  ] as const)('a comment that keeps failing with 503: %s run keeps its verdict, one warning, at most 4 attempts', async (_name, head, status, code) => {
    gh.failures.push({ op: 'create', status: 503, times: Infinity });
    const { run, tmp } = await runPr(head, {});
    expect(run.code).toBe(code);
    expect(run.outputs.status).toBe(status);
    expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
    const warnings = run.annotations.filter((a) => a.level === 'warning' && /PR comment/.test(a.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/could not write the PR comment .*the verdict, the job summary and the outputs are unaffected/);
    expect(run.summary).toContain(status === 'pass' ? 'Rollback check passed' : 'Rollback check failed');
    await expectNoLeftovers({ tempDir: tmp, databaseUrl: server.server().adminUrl });
  }, 60_000);
});
