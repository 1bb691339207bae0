/** The results table: Markdown, so the same text reads in a terminal and pastes into the README. */
import type { FigureResult } from './context.js';
import type { Sample } from './stats.js';

function value(v: number, unit: FigureResult['unit']): string {
  if (unit === 'x') return `${v.toFixed(2)}×`;
  if (unit === 's') return `${v.toFixed(1)} s`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

function spread(s: Sample | undefined, unit: FigureResult['unit']): string {
  if (!s) return '';
  return `${value(s.median, unit)} (${value(s.min, unit)}–${value(s.max, unit)})`;
}

/** One row per figure: headline vs target, then each side as median (min–max). */
export function renderTable(figures: readonly FigureResult[], previous?: Map<string, number>): string {
  const head = ['Figure', 'Result', 'Target', 'Met', 'rollback-verify', 'Baseline', 'Ratio range', 'Previous run'];
  const rows = figures.map((f) => {
    const side = f.pair?.subject ?? f.sample;
    const sideUnit = f.unit === 'x' || f.pair ? 'ms' : f.unit;
    const prev = previous?.get(f.id);
    return [
      `${f.id}. ${f.title}`,
      `**${value(f.value, f.unit)}**`,
      `≤ ${value(f.target.max, f.target.unit)}${f.id === '3' && f.pair ? ' and < pg_dump' : ''}`,
      f.met ? 'yes' : '**no**',
      spread(side, sideUnit),
      f.pair ? spread(f.pair.baseline, 'ms') : '',
      f.pair ? `${value(f.pair.ratio.min, 'x')}–${value(f.pair.ratio.max, 'x')}` : '',
      prev === undefined ? '' : value(prev, f.unit),
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The secondary figures and notes, one line per figure. */
export function renderDetails(figures: readonly FigureResult[]): string {
  return figures
    .map((f) => {
      const extra = Object.entries(f.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}`);
      const parts = [`${f.id}: ${f.subject}${f.baseline ? ` vs ${f.baseline}` : ''}`];
      if (extra.length) parts.push(extra.join(', '));
      parts.push(...f.notes);
      return `- ${parts.join('. ')}`;
    })
    .join('\n');
}
