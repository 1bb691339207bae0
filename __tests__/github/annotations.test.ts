import { fakeCore } from '../../__fixtures__/core.js';
import { annotateProblems } from '../../src/github/annotations.js';
import type { Problem } from '../../src/result/types.js';

const problem = (i: number, severity: Problem['severity']): Problem => ({
  kind: severity === 'error' ? 'rollback-residue' : 'column-order',
  severity,
  migration: `00${i}`,
  object: `index public.t${i}_idx`,
  message: `index public.t${i}_idx is left behind by the down of 00${i}`,
  file: `db/00${i}.down.sql`,
  line: i + 1,
  help: `fix ${i}`,
  docs: `https://example.test/problems.md#${severity === 'error' ? 'rollback-residue' : 'column-order'}`,
});

describe('annotations', () => {
  test('at most 10 errors and 10 warnings, on the file and line, under the working directory, with what to do', () => {
    const core = fakeCore();
    const problems = [...Array.from({ length: 14 }, (_, i) => problem(i, 'error')), ...Array.from({ length: 12 }, (_, i) => problem(i, 'warning')), problem(99, 'info')];
    const counts = annotateProblems(problems, core, 'services/api');
    expect(counts).toEqual({ errors: 10, warnings: 10, omitted: 6 });
    expect(core.error).toHaveBeenCalledTimes(10);
    expect(core.warning).toHaveBeenCalledTimes(10);
    expect(core.error.mock.calls[0]).toEqual([
      '000: index public.t0_idx is left behind by the down of 000\nFix: fix 0\nhttps://example.test/problems.md#rollback-residue',
      { title: 'rollback-verify: rollback-residue · 000 down leaves index t0_idx', file: 'services/api/db/000.down.sql', startLine: 1 },
    ]);
  });

  test('the problem that stopped the run gets an annotation first, even when 10 other errors come before it', () => {
    const core = fakeCore();
    const problems = Array.from({ length: 14 }, (_, i) => problem(i, 'error'));
    annotateProblems(problems, core, '.', '0013');
    const annotated = core.error.mock.calls.map((c) => c[0].split(':')[0]);
    expect(annotated[0]).toBe('0013');
    expect(annotated).toHaveLength(10);
    // Near miss: without a stop, the same problems go in report order and 0013 gets none.
    const plain = fakeCore();
    annotateProblems(problems, plain, '.');
    expect(plain.error.mock.calls.map((c) => c[0].split(':')[0])).not.toContain('0013');
  });

  test('consequences are part of their root cause: one annotation that mentions them, never one of their own', () => {
    const core = fakeCore();
    const root: Problem = {
      ...problem(1, 'error'),
      consequences: [{ kind: 'reup-failed', phase: 'reup', message: 're-applying the up failed: relation "t1_idx" already exists' }],
    };
    annotateProblems([root], core);
    expect(core.error).toHaveBeenCalledTimes(1);
    expect(core.error.mock.calls[0]![0]).toContain('↳ Because of it, re-applying the up failed: relation "t1_idx" already exists');
  });

  test('a problem without a file is still annotated (on the run), without file properties', () => {
    const core = fakeCore();
    annotateProblems([{ kind: 'threshold', severity: 'error', message: 'the run took 2.00 s, over the 1 s limit (max-total-seconds)' }], core);
    expect(core.error).toHaveBeenCalledWith('the run took 2.00 s, over the 1 s limit (max-total-seconds)', { title: 'rollback-verify: threshold run took 2.00 s (limit 1 s)' });
  });
});
