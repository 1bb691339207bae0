import { describe, expect, it } from '@jest/globals';
import { renderTimingChart } from '../../src/report/timing-chart.js';
import type { VerifyResult } from '../../src/result/types.js';

function resultWith(migrations: VerifyResult['migrations']): VerifyResult {
  return {
    version: 1, status: 'pass', format: 'golang-migrate', postgres: '17.10', mode: 'step', migrationsDir: 'db',
    baselineCount: 1, migrations, problems: [], schemaChanges: [], seeded: [], totalMs: 10, notes: [],
  };
}

describe('renderTimingChart', () => {
  it('renders a Mermaid xychart of up, down and re-up per migration', () => {
    const chart = renderTimingChart(
      resultWith([
        { id: '000002', name: 'add_orders', files: { up: 'a' }, status: 'ok',
          phases: { up: { ms: 12.4, ok: true }, down: { ms: 3, ok: true }, reup: { ms: 11, ok: true } } },
        { id: '000003', name: 'say "hi"', files: { up: 'b' }, status: 'failed', phases: { up: { ms: 40, ok: false } } },
        { id: '000004', name: 'later', files: { up: 'c' }, status: 'not-run', phases: {} },
      ]),
    );
    expect(chart).toBe(
      [
        '```mermaid',
        'xychart-beta horizontal',
        '  title "Phase timings (ms)"',
        '  x-axis ["000002 up", "000002 down", "000002 re-up", "000003 up"]',
        '  y-axis "ms" 0 --> 40',
        '  bar [12, 3, 11, 40]',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing was timed', () => {
    expect(renderTimingChart(resultWith([]))).toBe('');
    expect(renderTimingChart(resultWith([{ id: '1', name: 'x', files: { up: 'a' }, status: 'not-run', phases: {} }]))).toBe('');
  });
});
