/**
 * Figure 2: full history, step-wise. Every migration is new (no base): up, down, up with snapshots
 * and data checks, against the raw replay of all ups, all downs (newest first) and all ups again.
 */
import { generateHistory } from './history.js';
import { writeProject } from './project.js';
import { rawReplay } from './raw-replay.js';
import { measurePair } from './stats.js';
import { type BenchContext, type FigureResult, verifyProject, withDatabase } from './context.js';

/** Figure 2: default options; target ≤ 6× the raw replay. */
export function fullHistoryFigure(ctx: BenchContext): Promise<FigureResult> {
  return fullHistory(ctx, { id: '2', seedRows: undefined, max: 6 });
}

/** Figure 2s: the same with `--seed-rows 0`; target ≤ 4×. */
export function fullHistorySeedlessFigure(ctx: BenchContext): Promise<FigureResult> {
  return fullHistory(ctx, { id: '2s', seedRows: 0, max: 4 });
}

async function fullHistory(ctx: BenchContext, variant: { id: string; seedRows: number | undefined; max: number }): Promise<FigureResult> {
  const count = ctx.quick ? 20 : 200;
  const history = generateHistory(count);
  const project = writeProject(history, 'golang-migrate');
  const steps = [...history.map((m) => m.up), ...history.map((m) => m.down).reverse(), ...history.map((m) => m.up)];
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir, variant.seedRows !== undefined ? { seedRows: variant.seedRows } : {})).ms,
      () => withDatabase(ctx.server, (url) => rawReplay(url, steps)),
      (round) => ctx.progress(`full history (${variant.id}): round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    const target = { max: variant.max, unit: 'x' as const };
    return {
      id: variant.id,
      title: `Full history step-wise (${count} migrations${variant.seedRows === 0 ? ', --seed-rows 0' : ''})`,
      value: pair.ratio.median,
      unit: 'x',
      target,
      met: pair.ratio.median <= target.max,
      subject: variant.seedRows === 0 ? 'rollback-verify, no base, --seed-rows 0 (step mode)' : 'rollback-verify, no base, default options (step mode, 1000 seed rows)',
      baseline: `raw ${count} ups + ${count} downs + ${count} ups, one connection`,
      pair,
      extra: { 'verify ms': pair.subject.median, 'raw ms': pair.baseline.median, 'raw ms/step': Math.round((pair.baseline.median / (3 * count)) * 100) / 100 },
      notes: [],
    };
  } finally {
    project.dispose();
  }
}
