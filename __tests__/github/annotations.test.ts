import { fakeCore } from '../../__fixtures__/core.js';
import { annotateProblems } from '../../src/github/annotations.js';
import type { Problem } from '../../src/result/types.js';

const problem = (i: number, severity: Problem['severity']): Problem => ({
  kind: severity === 'error' ? 'rollback-residue' : 'column-order',
  severity,
  migration: `00${i}`,
  object: `table public.t${i}`,
  message: `problem ${i}`,
  file: `db/00${i}.down.sql`,
  line: i + 1,
});

describe('annotations', () => {
  test('at most 10 errors and 10 warnings, on the file and line, under the working directory', () => {
    const core = fakeCore();
    const problems = [...Array.from({ length: 14 }, (_, i) => problem(i, 'error')), ...Array.from({ length: 12 }, (_, i) => problem(i, 'warning')), problem(99, 'info')];
    const counts = annotateProblems(problems, core, 'services/api');
    expect(counts).toEqual({ errors: 10, warnings: 10, omitted: 6 });
    expect(core.error).toHaveBeenCalledTimes(10);
    expect(core.warning).toHaveBeenCalledTimes(10);
    expect(core.error.mock.calls[0]).toEqual([
      '000: problem 0',
      { title: 'rollback-verify: rollback-residue (table public.t0)', file: 'services/api/db/000.down.sql', startLine: 1 },
    ]);
  });

  test('a problem without a file is still annotated (on the run), without file properties', () => {
    const core = fakeCore();
    annotateProblems([{ kind: 'up-failed', severity: 'error', message: 'boom' }], core);
    expect(core.error).toHaveBeenCalledWith('boom', { title: 'rollback-verify: up-failed' });
  });
});
