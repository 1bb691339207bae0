import { describe, expect, it } from '@jest/globals';
import { MAX_BARS, renderTimingChart } from '../../src/report/timing-chart.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import type { MigrationResult, VerifyResult } from '../../src/result/types.js';

function resultWith(migrations: VerifyResult['migrations'], limits: VerifyResult['limits'] | null = { maxUpSeconds: 30, maxDownSeconds: 10 }): VerifyResult {
  return {
    version: 1, status: 'pass', format: 'golang-migrate', postgres: '17.10', mode: 'step', migrationsDir: 'db',
    baselineCount: 1, migrations, problems: [], schemaChanges: [], seeded: [], totalMs: 10, notes: [], ...(limits ? { limits } : {}),
  };
}

const timed = (id: string, up: number, down: number, reup: number): MigrationResult => ({
  id, name: `m${id}`, files: { up: `${id}.up.sql` }, status: 'ok',
  phases: { up: { ms: up, ok: true }, down: { ms: down, ok: true }, reup: { ms: reup, ok: true } },
});

describe('renderTimingChart', () => {
  it('charts only the phases at or over half their limit, with the limit drawn as a line', () => {
    const chart = renderTimingChart(
      resultWith([
        timed('000002', 12, 3, 11),
        // up 16 s of 30 (over half), down 6 s of 10 (over half), re-up 14 s of 30 (under half).
        timed('000003', 16_000, 6_000, 14_000),
        { id: '000004', name: 'later', files: { up: 'c' }, status: 'not-run', phases: {} },
      ]),
    );
    expect(chart).toBe(
      [
        '```mermaid',
        'xychart-beta horizontal',
        '  title "Phases near their time limit (bars: seconds, line: limit)"',
        '  x-axis ["000003 up", "000003 down"]',
        '  y-axis "seconds" 0 --> 33',
        '  bar [16, 6]',
        '  line [30, 10]',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('near miss: a run whose phases are all far from their limits has no chart, and neither has a run without limits', () => {
    expect(renderTimingChart(resultWith([timed('1', 14_900, 4_900, 100)]))).toBe('');
    expect(renderTimingChart(resultWith([timed('1', 29_000, 9_000, 29_000)], null))).toBe('');
    expect(renderTimingChart(resultWith([timed('1', 29_000, 9_000, 29_000)], { maxUpSeconds: 0, maxDownSeconds: 0 }))).toBe('');
    expect(renderMarkdownReport(resultWith([timed('1', 14_900, 4_900, 100)]))).not.toContain('mermaid');
  });

  it('stays readable at 30+ migrations: at most MAX_BARS bars, the ones closest to their limit, in migration order', () => {
    const many = Array.from({ length: 40 }, (_, i) => timed(String(i).padStart(3, '0'), 15_000 + i * 100, 100, 100));
    const chart = renderTimingChart(resultWith(many));
    const labels = /x-axis \[(.*)\]/.exec(chart)![1]!.split(', ');
    expect(labels).toHaveLength(MAX_BARS);
    expect(labels[0]).toBe(`"${String(40 - MAX_BARS).padStart(3, '0')} up"`);
    expect(labels[MAX_BARS - 1]).toBe('"039 up"');
  });
});
