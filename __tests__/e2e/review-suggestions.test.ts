/**
 * Verified fixes as pull-request review comments, end to end: the bundled action (dist/index.js)
 * against the fake GitHub server. A down in the PR's diff that leaves an index behind gets one
 * review comment with a ```suggestion block on its last line (the line kept, the verified SQL
 * after it); the next run with the same result leaves it alone; a run where the down is fixed
 * removes it; a 403 is one warning and the verdict stays the migrations'.
 */
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { buildBundle, pullRequestEvent, runAction, type ActionRun } from './harness.js';

const DIR = 'db/migrations';
const DOWN = `${DIR}/000002_users_email_lower.down.sql`;
const BASE: Files = {
  [`${DIR}/000001_create_users.up.sql`]: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  [`${DIR}/000001_create_users.down.sql`]: 'DROP TABLE users;\n',
};
const BAD: Files = {
  [`${DIR}/000002_users_email_lower.up.sql`]: 'CREATE INDEX users_email_lower_idx ON users (lower(email));\n',
  // Drops the index by the wrong name: the real one stays.
  [DOWN]: '-- undo 000002\nDROP INDEX IF EXISTS users_email_idx;\n',
};
const FIXED: Files = { ...BAD, [DOWN]: '-- undo 000002\nDROP INDEX users_email_lower_idx;\n' };
const INPUTS = { 'migrations-dir': DIR, postgres: 'embedded', 'postgres-version': '17', 'seed-rows': '20' };

const repos: PrRepo[] = [];
beforeAll(() => buildBundle(), 180_000);
afterAll(() => {
  for (const r of repos) r.cleanup();
});

async function runPr(gh: FakeGitHub, head: Files): Promise<ActionRun> {
  const r = createPrRepo(BASE, head);
  repos.push(r);
  gh.pullFiles.set(7, Object.keys(head).map((filename) => ({ filename, status: 'added' })));
  return runAction({ checkout: r.checkout(), gh, sha: r.headSha, event: pullRequestEvent({ number: 7, baseSha: r.baseSha, headSha: r.headSha }), inputs: INPUTS });
}

const reviewWrites = (gh: FakeGitHub) => gh.writes().filter((w) => /\/pulls\//.test(w.path));
const explain = (run: ActionRun) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

test('a suggestion review comment on the down\'s last line: created, kept on the next run, removed once the down is fixed', async () => {
  const gh = await startFakeGitHub();
  try {
    const first = await runPr(gh, BAD);
    expect(first.code).toBe(1);
    const [c, ...more] = gh.reviewComments.get(7) ?? [];
    expect(more).toEqual([]);
    expect(c).toMatchObject({ path: DOWN, line: 2, side: 'RIGHT' });
    expect(c!.body).toMatch(/^<!-- rollback-verify:fix dir=db%2Fmigrations migration=000002 digest=[0-9a-f]+ -->\n/);
    expect(c!.body).toContain('```suggestion\nDROP INDEX IF EXISTS users_email_idx;\nDROP INDEX public.users_email_lower_idx;\n```');
    expect(first.summary).toContain('```sql\nDROP INDEX public.users_email_lower_idx;\n```');

    const writesBefore = reviewWrites(gh).length;
    const second = await runPr(gh, BAD);
    expect(second.code).toBe(1);
    expect(reviewWrites(gh).length).toBe(writesBefore);
    expect(gh.reviewComments.get(7)).toHaveLength(1);

    const fixed = await runPr(gh, FIXED);
    expect(fixed.code).toBe(0);
    expect(gh.reviewComments.get(7)).toEqual([]);
    expect(reviewWrites(gh).at(-1)).toMatchObject({ method: 'DELETE', path: `/repos/acme/shop/pulls/comments/${c!.id}` });
  } finally {
    await gh.close();
  }
}, 900_000);

test('a 403 on the review comments: one warning, the verdict stays the migrations\'', async () => {
  const gh = await startFakeGitHub();
  try {
    gh.failures.push({ op: 'review-list', status: 403, times: Infinity });
    const run = await runPr(gh, BAD);
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('fail');
    const refused = run.annotations.filter((a) => a.level === 'warning' && a.message.includes('HTTP 403'));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toContain('pull-requests: write');
    expect(run.outputs['comment-url']).not.toBe('');
    expect(explain(run)).not.toMatch(/internal error|unexpectedly/);
  } finally {
    await gh.close();
  }
});
