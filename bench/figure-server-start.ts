/** Server start, reported on its own (excluded from every ratio): initdb + postgres until it accepts connections. */
import { startServer } from '../src/postgres/select.js';
import { measure } from './stats.js';
import type { BenchContext, FigureResult } from './context.js';

export async function serverStartFigure(ctx: BenchContext): Promise<FigureResult> {
  const sample = await measure(ctx.plan, async () => {
    const started = performance.now();
    const server = await startServer({ provider: 'embedded' });
    const ms = performance.now() - started;
    await server.stop();
    ctx.progress(`server start: ${ms.toFixed(0)} ms`);
    return ms;
  });
  const target = { max: 1000, unit: 'ms' as const };
  return {
    id: 'start',
    title: `Server start (embedded PostgreSQL ${ctx.server.version})`,
    value: sample.median,
    unit: 'ms',
    target,
    met: sample.median <= target.max,
    subject: 'startServer({ provider: embedded }): initdb, postgres, first connection',
    sample,
    extra: {},
    notes: [],
  };
}
