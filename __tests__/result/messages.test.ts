/**
 * The words about each kind of problem (src/result/messages.ts) against docs/problems.md and the
 * ProblemKind union: every kind has a section with meaning, example and fix, under the anchor its
 * `docs` link uses, and its own sentence of help; a row's few words say what the problem is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsUrl, PROBLEM_KINDS, PROBLEMS_DOC_URL, problemHelp, problemReason } from '../../src/result/messages.js';
import type { Problem, ProblemKind } from '../../src/result/types.js';

const read = (...p: string[]) => readFileSync(join(process.cwd(), ...p), 'utf8');

/** The kinds as src/result/types.ts declares them: adding one there must come with its docs. */
function declaredKinds(): string[] {
  const decl = /export type ProblemKind =([\s\S]*?);/.exec(read('src', 'result', 'types.ts'))![1]!;
  return [...decl.matchAll(/\|\s*'([a-z-]+)'/g)].map((m) => m[1]!);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

describe('docs/problems.md and the docs links', () => {
  const doc = read('docs', 'problems.md');
  const sections = new Map(doc.split(/^## /m).slice(1).map((s) => [s.slice(0, s.indexOf('\n')), s] as const));

  test('every declared ProblemKind is listed, and has a section with what it means, a minimal example and how to fix it', () => {
    expect([...PROBLEM_KINDS].sort()).toEqual(declaredKinds().sort());
    expect(declaredKinds().length).toBeGreaterThanOrEqual(15);
    for (const kind of declaredKinds()) {
      const section = sections.get(kind);
      expect([kind, section !== undefined]).toEqual([kind, true]);
      expect(section).toMatch(/\*\*What it means\.\*\* \S[\s\S]{40,}/);
      expect(section).toMatch(/```[a-z]*\n[\s\S]+?\n```/);
      expect(section).toMatch(/\*\*How to fix\.\*\* \S/);
    }
  });

  test("each kind's docs URL ends in the anchor GitHub gives its heading", () => {
    for (const heading of sections.keys()) {
      const kind = heading as ProblemKind;
      expect(docsUrl(kind)).toBe(`${PROBLEMS_DOC_URL}#${githubAnchor(heading)}`);
    }
    // Near miss: a heading with words would get another anchor than the bare kind.
    expect(githubAnchor('Rollback residue (down)')).toBe('rollback-residue-down');
  });

  test('every kind has its own sentence of help, not the fallback link', () => {
    for (const kind of declaredKinds() as ProblemKind[]) {
      const help = problemHelp({ kind, severity: 'error', message: 'x' });
      expect([kind, help.startsWith('See ')]).toEqual([kind, false]);
      expect(help).toMatch(/^[A-Z`].*[.`]$/);
    }
  });
});

describe("a row's few words", () => {
  const missing = (message: string): Problem => ({ kind: 'missing-down', severity: 'error', migration: '000015', message });

  test('an empty down reads "empty down", whether the files or the protocol found it', () => {
    expect(problemReason(missing('000015_c has an empty down (no statements) while its up changes the schema (ALTER TABLE at line 1)'))).toBe('empty down');
    expect(problemReason(missing("the down of 000015_c does nothing, but its up changed the schema: after the down, column public.customers.c15 is still changed"))).toBe('empty down');
  });

  test('near miss: a migration without a down reads "no down"', () => {
    expect(problemReason(missing("000012_t12 has no down: write one, or mark the migration with '-- rollback-verify: irreversible'"))).toBe('no down');
  });
});
