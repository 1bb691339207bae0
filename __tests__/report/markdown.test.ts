/**
 * Golden files pin the Markdown report exactly (__fixtures__/reports/*.json → *.md). After an
 * intended change, regenerate with `UPDATE_GOLDEN=1 npm test -- __tests__/report/markdown.test.ts`
 * and review the .md diff like code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMENT_MAX_CHARS, escapeMarkdown, fileUrl, renderMarkdownReport, type MarkdownOptions } from '../../src/report/markdown.js';
import type { VerifyResult } from '../../src/result/types.js';

const dir = join(process.cwd(), '__fixtures__', 'reports');
const load = (name: string): VerifyResult => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as VerifyResult;
const links = { repoUrl: 'https://github.com/acme/shop', sha: 'abcdef0123456789abcdef0123456789abcdef01' };

const goldens: Array<{ md: string; json: string; opts: MarkdownOptions }> = [
  { md: 'pass', json: 'pass', opts: { links } },
  { md: 'fail', json: 'fail', opts: { links: { ...links, pathPrefix: 'services/api' } } },
  { md: 'empty', json: 'empty', opts: {} },
  { md: 'pass-local', json: 'pass', opts: {} },
  { md: 'fail-shortened', json: 'fail', opts: { links: { ...links, summaryUrl: 'https://github.com/acme/shop/actions/runs/42' }, maxChars: 4200 } },
  { md: 'data-loss', json: 'data-loss', opts: { links } },
  { md: 'many', json: 'many', opts: { links } },
  { md: 'suggestions', json: 'suggestions', opts: { links } },
];

describe('renderMarkdownReport golden files', () => {
  test.each(goldens)('$json.json → $md.md', ({ md, json, opts }) => {
    const out = renderMarkdownReport(load(json), opts);
    const file = join(dir, `${md}.md`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
  });
});

/**
 * What the screenshots of these goldens taught, as rules over every golden, so a regenerated
 * golden that breaks one fails here and not only in review.
 */
describe('what the goldens teach', () => {
  const rendered = goldens.map(({ md, json, opts }) => ({ md, result: load(json), out: renderMarkdownReport(load(json), opts) }));
  /** The row of migration `id` in the (first) migrations table. */
  const row = (out: string, id: string) => out.split('\n').find((l) => l.startsWith('| ') && new RegExp(`^\\| \\[?\`?${id}\\b`).test(l));

  test.each(rendered)('$md: a row with an error never shows ✅, and says ❌ with the few words of why', ({ result, out }) => {
    for (const m of result.migrations) {
      const line = row(out, m.id);
      if (!line) continue; // past OPEN_TABLE_ROWS, only the rows that need a look are open
      const errors = result.problems.filter((p) => p.migration === m.id && p.severity === 'error');
      if (errors.length) {
        expect(line).not.toContain('✅');
        expect(line).toMatch(/\| ❌ \S[^|]*\|$/);
      }
    }
    // Near miss: a verified migration with nothing about it reads ✅ verified.
    const clean = result.migrations.find((m) => m.status === 'ok' && !result.problems.some((p) => p.migration === m.id));
    if (clean && row(out, clean.id)) expect(row(out, clean.id)).toMatch(/\| ✅ verified \|$/);
  });

  test.each(rendered)('$md: a headline never says verified for migrations that did not run', ({ result, out }) => {
    const headline = out.split('\n')[2]!;
    const ran = result.migrations.filter((m) => Object.keys(m.phases).length > 0);
    const verified = ran.filter((m) => m.status === 'ok').length;
    const total = result.migrations.length;
    const notRun = total - ran.length;
    if (total === 0) return void expect(headline).toMatch(/^no new migrations/);
    if (verified < total) {
      expect(headline).toContain(`**${verified} of ${total} new migration${total === 1 ? '' : 's'}** verified`);
      expect(headline).not.toContain(`**${total} new migration`);
    } else {
      expect(headline).toContain(`**${total} new migration${total === 1 ? '' : 's'}** verified`);
    }
    if (notRun) expect(headline).toMatch(new RegExp(`· ${notRun} not run \\(stopped at \`\\d+\`: `));
    else expect(headline).not.toContain('not run');
  });

  test.each(rendered)('$md: every problem links its kind\'s docs section and says what to do; consequences are not counted', ({ result, out }) => {
    const headings = out.split('\n').filter((l) => /^#### (❌|⚠️|ℹ️) /.test(l));
    if (!out.includes('Shortened')) expect(headings).toHaveLength(result.problems.length);
    for (const p of result.problems) {
      expect(out).toContain(`[\`${p.kind}\`](https://github.com/rollback-verify/rollback-verify/blob/main/docs/problems.md#${p.kind})`);
    }
    expect(out.split('**Fix:**').length - 1).toBe(headings.length);
    if (result.problems.length) expect(out).toContain(`### Problems (${result.problems.length})`);
    for (const c of result.problems.flatMap((p) => p.consequences ?? [])) expect(out).toContain(`↳ Because of it, ${c.message}`);
  });

  test.each(rendered)('$md: times and lock cells do not wrap at comment width', ({ out }) => {
    const rows = out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| :--') && !/^\| (Migration|Table) \|/.test(l));
    for (const l of rows) {
      expect(l).not.toMatch(/\d ms\b/); // "51 ms" breaks into "51 / ms" in a narrow cell
      expect(l).not.toMatch(/^\| `\d+` (up|down|reup) \|/);
    }
  });
});

/** An added table as the protocol reports it: the unified diff of its canonical text. */
function addedTable(i: number): VerifyResult['schemaChanges'][number] {
  return {
    object: `table public.t${i}`,
    change: 'added',
    diff: `--- before\n+++ after\n@@ -0,0 +1,5 @@\n+CREATE TABLE public.t${i}\n+OWNER TO app\n+\n+id bigint NOT NULL\n+\n+payload jsonb NOT NULL\n`,
  };
}

/** A result whose schema changes alone are far over any comment budget. */
function hugeResult(): VerifyResult {
  const base = load('fail');
  const midDiff = Array.from({ length: 400 }, (_, i) => `-ALTER TABLE public.t${i} ADD COLUMN c text;`).join('\n');
  return {
    ...base,
    schemaChanges: Array.from({ length: 6000 }, (_, i) => addedTable(i)),
    problems: [...base.problems, { kind: 'rollback-residue', severity: 'error', migration: '000013', object: 'table public.t1', message: 'left behind', diff: midDiff }],
  };
}

describe('size budget', () => {
  test('a report too large for a comment is cut to the budget, locks first, problems last, and says so with a link to the job summary', () => {
    const result = hugeResult();
    const full = renderMarkdownReport(result, { maxChars: 10_000_000 });
    expect(full.length).toBeGreaterThan(COMMENT_MAX_CHARS);
    expect(full).not.toContain('Shortened');

    const out = renderMarkdownReport(result, { links: { ...links, summaryUrl: 'https://github.com/acme/shop/actions/runs/7' } });
    expect(out.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(out).toMatch(/✂️ Shortened to fit a PR comment: \d+ sections? cut, locks and charts first\. The \[job summary of this run\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/7\) has the full report\./);
    // The verdict, the table and every problem headline survive; the mid-sized diff is whole.
    expect(out).toContain('## ❌ Rollback check failed');
    expect(out).toContain('| Migration | Up | Down | Re-up | Result |');
    for (const p of result.problems) expect(out).toContain(`#### ❌ \`${p.migration}\``);
    expect(out).toContain('-ALTER TABLE public.t399 ADD COLUMN c text;');
    // The lock table went first (cut order), the DDL is cut on a line boundary with an honest count.
    expect(full).toContain('### Locks on existing tables');
    expect(out).not.toContain('### Locks on existing tables');
    const cutLine = /… ([\d,]+) more lines cut to fit; the job summary has them all\n`{3,}\n\n<\/details>/.exec(out);
    expect(cutLine).not.toBeNull();
    const ddl = /```sql\n([\s\S]*?)\n… [\d,]+ more lines/.exec(out)![1]!.split('\n');
    expect(ddl.length + Number(cutLine![1]!.replace(/,/g, ''))).toBe(full.match(/```sql\n([\s\S]*?)\n```/)![1]!.split('\n').length);
    expect(out.split('<details>').length).toBe(out.split('</details>').length);
  });

  test('near miss: a report that fits is not cut and keeps its locks', () => {
    const out = renderMarkdownReport(load('fail'), { links });
    expect(out).not.toContain('Shortened');
    expect(out).toContain('### Locks on existing tables');
  });

  test('when one cut is not enough, the next section in cut order goes too', () => {
    const out = renderMarkdownReport(hugeResult(), { maxChars: 6000 });
    expect(out.length).toBeLessThanOrEqual(6000);
    expect(out).toMatch(/Shortened to fit a PR comment: [2-9] sections cut/);
    expect(out).toContain('## ❌ Rollback check failed');
  });

  test('the job summary budget keeps everything the comment has', () => {
    const result = hugeResult();
    const summary = renderMarkdownReport(result, { maxChars: 1_000_000 });
    expect(summary).not.toContain('Shortened');
    expect(summary).toContain('CREATE TABLE public.t5999 (');
  });

  test('a table too long for the budget drops trailing parts but keeps the verdict', () => {
    const base = load('pass');
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...base.migrations[0]!, id: String(i).padStart(6, '0') }));
    const out = renderMarkdownReport({ ...base, migrations: many }, { maxChars: 5000 });
    expect(out.length).toBeLessThanOrEqual(5000);
    expect(out).toContain('## ✅ Rollback check passed');
    expect(out).toContain('Shortened');
  });
});

describe('escaping and links', () => {
  test('text from migrations cannot inject HTML, links or table cells', () => {
    expect(escapeMarkdown('a <script> | [x](y) *b*')).toBe('a \\<script\\> \\| \\[x\\](y) \\*b\\*');
    expect(escapeMarkdown('users_email_idx _x_')).toBe('users_email_idx \\_x\\_');
  });

  test('file links point at the head commit, under the working directory, with the line', () => {
    expect(fileUrl({ ...links, pathPrefix: 'api/' }, 'db/1 a.sql', 7)).toBe(
      'https://github.com/acme/shop/blob/abcdef0123456789abcdef0123456789abcdef01/api/db/1%20a.sql#L7',
    );
    expect(fileUrl(undefined, 'x.sql')).toBeUndefined();
  });
});
