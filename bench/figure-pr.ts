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

export async function prShapedFigure(ctx: BenchContext): Promise<FigureResult> {
  const baselineCount = ctx.quick ? 20 : 150;
  const history = generateHistory(baselineCount + 3);
  const baseline = history.slice(0, baselineCount);
  const fresh = history.slice(baselineCount);
  const project = writeGitProject(baseline, fresh);
  const steps = [...baseline.map((m) => m.up), ...fresh.flatMap((m) => [m.up, m.down, m.up])];
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir, { base: 'main' })).ms,
      () => withDatabase(ctx.server, (url) => rawReplay(url, steps)),
      (round) => ctx.progress(`PR-shaped: round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    const target = { max: 1.3, unit: 'x' as const };
    return {
      id: '1',
      title: `PR-shaped (${baselineCount} baseline + 3 new)`,
      value: pair.ratio.median,
      unit: 'x',
      target,
      met: pair.ratio.median <= target.max,
      subject: 'rollback-verify --base main, default options (git plan, scratch database, seeding, checks)',
      baseline: `raw ${baselineCount} ups + 3 × (up, down, up), one connection`,
      pair,
      extra: { 'verify ms': pair.subject.median, 'raw ms': pair.baseline.median },
      notes: [],
    };
  } finally {
    project.dispose();
  }
}
