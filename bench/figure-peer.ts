/**
 * Figure 5: the peer. The history of figure 2 in dbmate's layout, verified by rollback-verify,
 * against dbmate itself running `up`, then `rollback` once per migration, then `up` again.
 */
import { join } from 'node:path';
import { generateHistory } from './history.js';
import { writeProject } from './project.js';
import { measurePair } from './stats.js';
import { dbmate, DBMATE_VERSION, installDbmate } from './dbmate.js';
import { type BenchContext, type FigureResult, verifyProject, withDatabase } from './context.js';

export async function peerFigure(ctx: BenchContext): Promise<FigureResult | undefined> {
  const bin = await installDbmate();
  if (!bin) return undefined;
  const count = ctx.quick ? 20 : 200;
  const project = writeProject(generateHistory(count), 'dbmate');
  const dir = join(project.root, project.dir);
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir)).ms,
      () =>
        withDatabase(ctx.server, async (url) => {
          const started = performance.now();
          await dbmate(bin, url, dir, 'up');
          for (let i = 0; i < count; i++) await dbmate(bin, url, dir, 'rollback');
          await dbmate(bin, url, dir, 'up');
          return performance.now() - started;
        }),
      (round) => ctx.progress(`peer: round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    const target = { max: 2, unit: 'x' as const };
    return {
      id: '5',
      title: `Peer: dbmate ${DBMATE_VERSION} (${count} migrations)`,
      value: pair.ratio.median,
      unit: 'x',
      target,
      met: pair.ratio.median <= target.max,
      subject: 'rollback-verify on the dbmate directory, no base, default options',
      baseline: `dbmate up, ${count} × dbmate rollback, dbmate up (--no-dump-schema, native binary)`,
      pair,
      extra: { 'verify ms': pair.subject.median, 'dbmate ms': pair.baseline.median },
      notes: [],
    };
  } finally {
    project.dispose();
  }
}
