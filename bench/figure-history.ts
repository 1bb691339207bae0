/**
 * Figure 2: full history, step-wise. Every migration is new (no base): up, down, up with snapshots
 * and data checks, against the raw replay of all ups, all downs (newest first) and all ups again.
 */
import { generateHistory } from './history.js';
import { writeProject } from './project.js';
import { rawReplay } from './raw-replay.js';
import { measurePair } from './stats.js';
import { type BenchContext, type FigureResult, verifyProject, withDatabase } from './context.js';

export async function fullHistoryFigure(ctx: BenchContext): Promise<FigureResult> {
  const count = ctx.quick ? 20 : 200;
  const history = generateHistory(count);
  const project = writeProject(history, 'golang-migrate');
  const steps = [...history.map((m) => m.up), ...history.map((m) => m.down).reverse(), ...history.map((m) => m.up)];
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir)).ms,
      () => withDatabase(ctx.server, (url) => rawReplay(url, steps)),
      (round) => ctx.progress(`full history: round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    const target = { max: 2, unit: 'x' as const };
    return {
      id: '2',
      title: `Full history step-wise (${count} migrations)`,
      value: pair.ratio.median,
      unit: 'x',
      target,
      met: pair.ratio.median <= target.max,
      subject: 'rollback-verify, no base, default options (step mode, 1000 seed rows)',
      baseline: `raw ${count} ups + ${count} downs + ${count} ups, one connection`,
      pair,
      extra: { 'verify ms': pair.subject.median, 'raw ms': pair.baseline.median, 'raw ms/step': Math.round((pair.baseline.median / (3 * count)) * 100) / 100 },
      notes: [],
    };
  } finally {
    project.dispose();
  }
}
