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
  { md: 'fail-shortened', json: 'fail', opts: { links, maxChars: 2600 } },
];

describe('renderMarkdownReport golden files', () => {
  test.each(goldens)('$json.json → $md.md', ({ md, json, opts }) => {
    const out = renderMarkdownReport(load(json), opts);
    const file = join(dir, `${md}.md`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
  });
});

/** A result whose schema-change diff alone is far over any comment budget. */
function hugeResult(): VerifyResult {
  const base = load('fail');
  const bigDiff = Array.from({ length: 6000 }, (_, i) => `+CREATE TABLE public.t${i} (id bigint PRIMARY KEY, payload jsonb NOT NULL);`).join('\n');
  const midDiff = Array.from({ length: 400 }, (_, i) => `-ALTER TABLE public.t${i} ADD COLUMN c text;`).join('\n');
  return {
    ...base,
    schemaChanges: [{ object: 'schema public', change: 'changed', diff: bigDiff }],
    problems: [...base.problems, { kind: 'rollback-residue', severity: 'error', migration: '20240102000000', object: 'table public.t1', message: 'left behind', diff: midDiff }],
  };
}

describe('size budget', () => {
  test('a report too large for a comment is cut to the budget, largest collapsed section first, and says so', () => {
    const result = hugeResult();
    const full = renderMarkdownReport(result, { maxChars: 10_000_000 });
    expect(full.length).toBeGreaterThan(COMMENT_MAX_CHARS);
    expect(full).not.toContain('Shortened');

    const out = renderMarkdownReport(result, { links });
    expect(out.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(out).toMatch(/✂️ Shortened to fit a PR comment: 1 section cut/);
    // The verdict, the table and every problem headline survive; the mid-sized diff is whole.
    expect(out).toContain('## ❌ Rollback check failed');
    expect(out).toContain('| Migration | Up | Down | Re-up | Result | Files |');
    expect(out).toContain('#### ❌ `rollback-residue` · table public.t1');
    expect(out).toContain('-ALTER TABLE public.t399 ADD COLUMN c text;');
    // The big one is cut on a line boundary with an honest count, inside a closed fence.
    const cutLine = /… ([\d,]+) more lines cut to fit; the job summary has them all\n`{3,}\n\n<\/details>/.exec(out);
    expect(cutLine).not.toBeNull();
    const kept = (out.match(/^\+CREATE TABLE public\.t\d+ /gm) ?? []).length;
    expect(kept + Number(cutLine![1]!.replace(/,/g, ''))).toBe(6000);
    expect(out.split('<details>').length).toBe(out.split('</details>').length);
  });

  test('when one cut is not enough, the next largest section is cut too', () => {
    const out = renderMarkdownReport(hugeResult(), { maxChars: 6000 });
    expect(out.length).toBeLessThanOrEqual(6000);
    expect(out).toMatch(/Shortened to fit a PR comment: 2 sections cut/);
    expect(out).toContain('## ❌ Rollback check failed');
  });

  test('the job summary budget keeps everything the comment has', () => {
    const result = hugeResult();
    const summary = renderMarkdownReport(result, { maxChars: 1_000_000 });
    expect(summary).not.toContain('Shortened');
    expect(summary).toContain('+CREATE TABLE public.t5999 ');
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
