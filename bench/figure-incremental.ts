/**
 * Figure 3i: the incremental snapshot (issue 14) after a small DDL step, at 100 and at 1,000 tables
 * (figure 3's schema), against a warm full snapshot of the same database.
 *
 * Each round runs one step of a migration-shaped cycle (add a column and an index; drop them;
 * rename a column a view reads; rename it back), then times `refreshSnapshot` (find what changed,
 * re-read it, patch, fingerprint) and, alternately, `snapshotSchema` on the same warm connection.
 * The headline is flatness: the refresh at 1,000 tables over the refresh at 100 (target ≤ 2×, the
 * issue's flatness target); the ratios to the full snapshot are the secondary figures, and so is
 * CPU time (server backend + this process), which a busy machine distorts less than wall time: a
 * refresh is a few round trips, each a wait for a scheduler slot when the cores are contended.
 * Both sides include the fingerprint (hashed once for a full snapshot, derived for a refresh).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createScratchDatabase } from '../src/postgres/scratch.js';
import { refreshSnapshot, trackedSnapshot, type TrackedSnapshot } from '../src/schema/incremental.js';
import { snapshotSchema } from '../src/schema/snapshot.js';
import { installChangeTracking } from '../src/schema/tracking.js';
import { largeSchema } from './figure-snapshot.js';
import { measurePair, type PairSample } from './stats.js';
import type { BenchContext, FigureResult } from './context.js';

/** The step of round `n` on a schema of `tables` tables (big_10 has a view over it, big_view_10). */
function step(n: number): string {
  switch (n % 4) {
    case 0:
      return 'ALTER TABLE big_7 ADD COLUMN note text; CREATE INDEX big_7_note_idx ON big_7 (note)';
    case 1:
      return 'DROP INDEX big_7_note_idx; ALTER TABLE big_7 DROP COLUMN note';
    case 2:
      return 'ALTER TABLE big_10 RENAME COLUMN name TO label';
    default:
      return 'ALTER TABLE big_10 RENAME COLUMN label TO name';
  }
}

interface SizeResult {
  tables: number;
  objects: number;
  pair: PairSample;
  unitsRead: number;
  fullReads: number;
  /** CPU ms (server backend + this process) per refresh and per full snapshot, when /proc tells. */
  cpu?: { refresh: number; full: number };
}

/**
 * CPU time of a server backend in ms (Linux /proc, utime + stime at 100 ticks/s), or undefined
 * where that cannot be read. On a busy shared machine CPU time says what wall time cannot.
 */
function backendCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** This process's CPU time in ms. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measureSize(ctx: BenchContext, tables: number): Promise<SizeResult> {
  const db = await createScratchDatabase(ctx.server);
  const client = new pg.Client({ connectionString: db.url });
  try {
    await client.connect();
    ctx.progress(`incremental: building ${tables} tables`);
    const statements = largeSchema(tables);
    for (let i = 0; i < statements.length; i += 100) await client.query(statements.slice(i, i + 100).join('\n'));
    await client.query('ANALYZE');
    const tracking = await installChangeTracking(client);
    if (!tracking.installed) throw new Error(tracking.reason);
    let current: TrackedSnapshot = await trackedSnapshot(client);
    void current.fingerprint; // the run's first full snapshot is hashed once; later ones derive from it
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    let round = 0;
    let unitsRead = 0;
    let fullReads = 0;
    const cpu = { refresh: 0, full: 0, refreshes: 0, fulls: 0, readable: backendCpuMs(pid) !== undefined };
    const cpuNow = () => (backendCpuMs(pid) ?? 0) + ownCpuMs();
    const refresh = async () => {
      await client.query(step(round++));
      const cpu0 = cpuNow();
      const started = performance.now();
      const r = await refreshSnapshot(client, current);
      void r.snapshot.fingerprint; // comparing is part of the cost
      const ms = performance.now() - started;
      cpu.refresh += cpuNow() - cpu0;
      cpu.refreshes++;
      current = r.snapshot;
      unitsRead += r.unitsRead;
      if (r.mode === 'full') fullReads++;
      return ms;
    };
    const full = async () => {
      const cpu0 = cpuNow();
      const started = performance.now();
      void (await snapshotSchema(client)).fingerprint; // a full snapshot is compared too
      const ms = performance.now() - started;
      cpu.full += cpuNow() - cpu0;
      cpu.fulls++;
      return ms;
    };
    const pair = await measurePair(ctx.plan, refresh, full, (r) => ctx.progress(`incremental ${tables}: round ${r + 1}/${ctx.plan.warmup + ctx.plan.runs}`));
    const result: SizeResult = { tables, objects: current.objects.size, pair, unitsRead: unitsRead / round, fullReads };
    if (cpu.readable) result.cpu = { refresh: cpu.refresh / cpu.refreshes, full: cpu.full / cpu.fulls };
    return result;
  } finally {
    await client.end().catch(() => {});
    await db.drop();
  }
}

export async function incrementalFigure(ctx: BenchContext): Promise<FigureResult> {
  const small = await measureSize(ctx, ctx.quick ? 20 : 100);
  const large = await measureSize(ctx, ctx.quick ? 200 : 1000);
  const flatness = large.pair.subject.median / small.pair.subject.median;
  const target = { max: 2, unit: 'x' as const };
  const notes: string[] = [];
  if (small.fullReads + large.fullReads > 0) notes.push(`${small.fullReads + large.fullReads} refreshes fell back to a full read`);
  return {
    id: '3i',
    title: `Incremental snapshot after a small step, ${large.tables} vs ${small.tables} tables`,
    value: Math.round(flatness * 100) / 100,
    unit: 'x',
    target,
    met: flatness <= target.max && small.fullReads + large.fullReads === 0,
    subject: `refreshSnapshot at ${large.tables} tables (find what changed, re-read, patch, fingerprint)`,
    baseline: `snapshotSchema of the same ${large.tables}-table database, warm connection`,
    pair: large.pair,
    extra: {
      [`refresh ms @${small.tables}`]: small.pair.subject.median,
      [`refresh ms @${large.tables}`]: large.pair.subject.median,
      [`full ms @${small.tables}`]: small.pair.baseline.median,
      [`full ms @${large.tables}`]: large.pair.baseline.median,
      [`refresh/full @${small.tables}`]: small.pair.ratio.median,
      [`refresh/full @${large.tables}`]: large.pair.ratio.median,
      [`objects @${large.tables}`]: large.objects,
      'units re-read per step': Math.round(((small.unitsRead + large.unitsRead) / 2) * 10) / 10,
      ...(small.cpu && large.cpu
        ? {
            [`CPU ms refresh @${small.tables}`]: Math.round(small.cpu.refresh * 10) / 10,
            [`CPU ms refresh @${large.tables}`]: Math.round(large.cpu.refresh * 10) / 10,
            [`CPU ms full @${small.tables}`]: Math.round(small.cpu.full * 10) / 10,
            [`CPU ms full @${large.tables}`]: Math.round(large.cpu.full * 10) / 10,
          }
        : {}),
    },
    notes,
  };
}
