/**
 * A Mermaid chart of the phase timings, which GitHub renders inside comments and job summaries.
 * `xychart-beta` bar chart, horizontal so many migrations stay readable; it has no legend, so
 * each bar is labelled with its migration and phase instead of colour-coding three series.
 * The Markdown report keeps its table next to it for screen readers. Pure.
 */
import type { PhaseName, VerifyResult } from '../result/types.js';

const PHASES: ReadonlyArray<[PhaseName, string]> = [
  ['up', 'up'],
  ['down', 'down'],
  ['reup', 're-up'],
];

/** The fenced ```mermaid block, or '' when no migration has a timed phase. */
export function renderTimingChart(result: VerifyResult): string {
  const labels: string[] = [];
  const values: number[] = [];
  for (const m of result.migrations) {
    for (const [phase, name] of PHASES) {
      const timing = m.phases[phase];
      if (!timing) continue;
      labels.push(label(`${m.id} ${name}`));
      values.push(Math.max(0, Math.round(timing.ms)));
    }
  }
  if (values.length === 0) return '';
  const max = Math.max(1, ...values);
  return [
    '```mermaid',
    'xychart-beta horizontal',
    '  title "Phase timings (ms)"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "ms" 0 --> ${max}`,
    `  bar [${values.join(', ')}]`,
    '```',
    '',
  ].join('\n');
}

/** A quoted axis label; Mermaid has no escape for `"` inside one, so it becomes `'`. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`;
}
