/** What every figure gets (the server, the sampling plan, a progress line) and what it returns. */
import { DEFAULT_OPTIONS, type VerifyOptions } from '../src/options.js';
import { silentLogger } from '../src/logger.js';
import { createScratchDatabase } from '../src/postgres/scratch.js';
import type { PostgresServer } from '../src/postgres/types.js';
import { runVerification } from '../src/verify/run.js';
import { resolveBase } from '../src/plan/git.js';
import type { VerifyResult } from '../src/result/types.js';
import type { PairSample, RunPlan, Sample } from './stats.js';

/** Shared by all figures of one `npm run bench`. */
export interface BenchContext {
  /** The embedded server every ratio is measured on (started once; start time is its own figure). */
  server: PostgresServer;
  quick: boolean;
  plan: RunPlan;
  progress(message: string): void;
}

/** A target: the figure's headline value must be at most `max`. */
export interface Target {
  max: number;
  unit: 'x' | 'ms' | 's';
}

/** One row of the table (and one entry of latest.json). */
export interface FigureResult {
  id: string;
  title: string;
  /** The headline value compared with the target (a ratio, or ms). */
  value: number;
  unit: 'x' | 'ms' | 's';
  target: Target;
  met: boolean;
  /** What the subject and the baseline are, in words. */
  subject: string;
  baseline?: string;
  pair?: PairSample;
  sample?: Sample;
  /** Secondary figures (rows/s, ms of each side, …). */
  extra: Record<string, number | string>;
  notes: string[];
}

/** Creates a scratch database, runs `fn` on its URL, drops it. */
export async function withDatabase<T>(server: PostgresServer, fn: (url: string) => Promise<T>): Promise<T> {
  const db = await createScratchDatabase(server);
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

/** Runs the engine as the CLI would (default options) against the bench server. */
export async function verifyProject(server: PostgresServer, cwd: string, dir: string, extra: Partial<Omit<VerifyOptions, 'base'>> & { base?: string } = {}): Promise<{ ms: number; result: VerifyResult }> {
  const started = performance.now();
  // A base ref is resolved inside the timing, as the CLI resolves --base before the engine runs.
  const { base: ref, ...rest } = extra;
  const base = ref ? await resolveBase(cwd, { ref, describe: `--base '${ref}'`, hint: 'fetch it' }, silentLogger) : undefined;
  const result = await runVerification(
    { ...DEFAULT_OPTIONS, migrationsDir: dir, cwd, provider: 'url', databaseUrl: server.adminUrl, ...rest, ...(base ? { base: { ref: base.ref, sha: base.sha } } : {}) },
    { logger: silentLogger },
  );
  const ms = performance.now() - started;
  if (result.status !== 'pass') {
    const problems = result.problems.slice(0, 5).map((p) => `${p.kind}: ${p.message}`).join('\n  ');
    throw new Error(`the benchmark history did not verify cleanly (${result.status}):\n  ${problems}`);
  }
  return { ms, result };
}
