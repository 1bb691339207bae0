/**
 * A Mermaid chart of the phases that come near their time limit, which GitHub renders inside
 * comments and job summaries. Only where it says something: phases at or over half their limit
 * (--max-up-seconds for up and re-up, --max-down-seconds for down), at most MAX_BARS of them, each
 * bar next to its limit drawn as a line. A run whose phases are all far from their limits has no
 * chart: the table already has every time. `xychart-beta` has no legend, so each bar is labelled
 * with its migration and phase. Pure.
 */
import type { PhaseName, VerifyResult } from '../result/types.js';

const PHASES: ReadonlyArray<[PhaseName, string, 'maxUpSeconds' | 'maxDownSeconds']> = [
  ['up', 'up', 'maxUpSeconds'],
  ['down', 'down', 'maxDownSeconds'],
  ['reup', 're-up', 'maxUpSeconds'],
];

/** A phase is charted from this share of its limit on. */
export const NEAR_LIMIT = 0.5;
/** More bars than this stop being readable at comment width: the slowest (relative to limit) stay. */
export const MAX_BARS = 12;

export interface ChartBar {
  label: string;
  seconds: number;
  limitSeconds: number;
}

/** The phases worth charting, in migration order. */
export function nearLimitPhases(result: VerifyResult): ChartBar[] {
  const bars: Array<ChartBar & { share: number; order: number }> = [];
  result.migrations.forEach((m, i) => {
    for (const [phase, name, limitKey] of PHASES) {
      const timing = m.phases[phase];
      const limit = result.limits?.[limitKey];
      if (!timing || !limit || limit <= 0) continue;
      const seconds = timing.ms / 1000;
      if (seconds < limit * NEAR_LIMIT) continue;
      bars.push({ label: `${m.id} ${name}`, seconds, limitSeconds: limit, share: seconds / limit, order: i * 3 + PHASES.findIndex(([p]) => p === phase) });
    }
  });
  return bars
    .sort((a, b) => b.share - a.share)
    .slice(0, MAX_BARS)
    .sort((a, b) => a.order - b.order)
    .map(({ label, seconds, limitSeconds }) => ({ label, seconds, limitSeconds }));
}

/** The fenced ```mermaid block, or '' when no phase comes near its limit. */
export function renderTimingChart(result: VerifyResult): string {
  const bars = nearLimitPhases(result);
  if (bars.length === 0) return '';
  const top = Math.max(...bars.map((b) => Math.max(b.seconds, b.limitSeconds)));
  const round = (s: number) => Math.round(s * 10) / 10;
  return [
    '```mermaid',
    'xychart-beta horizontal',
    '  title "Phases near their time limit (bars: seconds, line: limit)"',
    `  x-axis [${bars.map((b) => label(b.label)).join(', ')}]`,
    `  y-axis "seconds" 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${bars.map((b) => round(b.seconds)).join(', ')}]`,
    `  line [${bars.map((b) => b.limitSeconds).join(', ')}]`,
    '```',
    '',
  ].join('\n');
}

/** A quoted axis label; Mermaid has no escape for `"` inside one, so it becomes `'`. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`;
}
