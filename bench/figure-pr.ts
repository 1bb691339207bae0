/**
 * Figure 1: the PR-shaped run. A git repository whose base commit holds the baseline history and
 * whose head adds three migrations; `rollback-verify --base main` against the raw replay of the
 * baseline ups plus up, down, up of each new migration.
 */
import { generateHistory } from './history.js';
import { writeGitProject } from './project.js';
import { rawReplay } from './raw-replay.js';
import { measurePair } from './stats.js';
import { type BenchContext, type FigureResult, verifyProject, withDatabase } from './context.js';

/** Figure 1: default options (1,000 synthetic rows per table); target ≤ 3× the raw replay. */
export function prShapedFigure(ctx: BenchContext): Promise<FigureResult> {
  return prShaped(ctx, { id: '1', seedRows: undefined, max: 3 });
}

/** Figure 1s: the same with `--seed-rows 0` (schema, locks and tool state only); target ≤ 2×. */
export function prShapedSeedlessFigure(ctx: BenchContext): Promise<FigureResult> {
  return prShaped(ctx, { id: '1s', seedRows: 0, max: 2 });
}

async function prShaped(ctx: BenchContext, variant: { id: string; seedRows: number | undefined; max: number }): Promise<FigureResult> {
  const baselineCount = ctx.quick ? 20 : 150;
  const history = generateHistory(baselineCount + 3);
  const baseline = history.slice(0, baselineCount);
  const fresh = history.slice(baselineCount);
  const project = writeGitProject(baseline, fresh);
  const steps = [...baseline.map((m) => m.up), ...fresh.flatMap((m) => [m.up, m.down, m.up])];
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir, { base: 'main', ...(variant.seedRows !== undefined ? { seedRows: variant.seedRows } : {}) })).ms,
      () => withDatabase(ctx.server, (url) => rawReplay(url, steps)),
      (round) => ctx.progress(`PR-shaped (${variant.id}): round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    const target = { max: variant.max, unit: 'x' as const };
    const seeding = variant.seedRows === 0 ? ', --seed-rows 0' : '';
    return {
      id: variant.id,
      title: `PR-shaped (${baselineCount} baseline + 3 new${seeding})`,
      value: pair.ratio.median,
      unit: 'x',
      target,
      met: pair.ratio.median <= target.max,
      subject: variant.seedRows === 0 ? 'rollback-verify --base main --seed-rows 0 (git plan, scratch database, schema, lock and tool-state checks)' : 'rollback-verify --base main, default options (git plan, scratch database, seeding, checks)',
      baseline: `raw ${baselineCount} ups + 3 × (up, down, up), one connection`,
      pair,
      extra: { 'verify ms': pair.subject.median, 'raw ms': pair.baseline.median },
      notes: [],
    };
  } finally {
    project.dispose();
  }
}
