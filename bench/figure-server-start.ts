/**
 * Server start, reported on its own (excluded from every ratio). Each round starts twice: cold,
 * with an empty initdb cache (initdb, then the cluster is stored in the cache), and warm, from the
 * cache that start just filled (a copy of the stored cluster). The headline is the warm start, what
 * every run after the first costs; the cold one is reported beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/postgres/select.js';
import { measure, summarize } from './stats.js';
import type { BenchContext, FigureResult } from './context.js';

async function timedStart(): Promise<number> {
  const started = performance.now();
  const server = await startServer({ provider: 'embedded' });
  const ms = performance.now() - started;
  await server.stop();
  return ms;
}

export async function serverStartFigure(ctx: BenchContext): Promise<FigureResult> {
  const saved = process.env.ROLLBACK_VERIFY_CACHE_DIR;
  const cold: number[] = [];
  let round = 0;
  let sample;
  try {
    sample = await measure(ctx.plan, async () => {
      const cache = mkdtempSync(join(tmpdir(), 'rv-bench-initdb-cache-'));
      process.env.ROLLBACK_VERIFY_CACHE_DIR = cache;
      try {
        const coldMs = await timedStart();
        const warmMs = await timedStart();
        if (round++ >= ctx.plan.warmup) cold.push(coldMs);
        ctx.progress(`server start: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms`);
        return warmMs;
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    });
  } finally {
    if (saved === undefined) delete process.env.ROLLBACK_VERIFY_CACHE_DIR;
    else process.env.ROLLBACK_VERIFY_CACHE_DIR = saved;
  }
  const coldSample = summarize(cold);
  const target = { max: 500, unit: 'ms' as const };
  return {
    id: 'start',
    title: `Server start (embedded PostgreSQL ${ctx.server.version}), warm initdb cache`,
    value: sample.median,
    unit: 'ms',
    target,
    met: sample.median <= target.max,
    subject: 'startServer({ provider: embedded }) with a cached cluster: copy, postgres, first connection (sets the password)',
    sample,
    extra: { 'cold start ms (no cache: initdb + store)': coldSample.median, 'cold min ms': coldSample.min, 'cold max ms': coldSample.max },
    notes: [],
  };
}
