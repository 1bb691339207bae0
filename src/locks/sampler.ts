/**
 * Watches relation locks from a second connection while something runs that the tracer must not
 * wrap in a transaction of its own: a statement that refuses a transaction block (CREATE INDEX
 * CONCURRENTLY), a script with its own BEGIN/COMMIT, a tool run as a program. Its locks are gone
 * when it ends, so they are sampled while it runs: what lasts less than one sampling interval may
 * be missed, and "held" is from first to last sighting. Traces built this way say so (`sampled`).
 */
import pg from 'pg';
import { TRACKING_SCHEMA } from '../schema/tracking-schema.js';
import { lockModeName } from './catalog.js';
import type { LockMode } from './types.js';

export interface SampledLock {
  oid: number;
  relation: string;
  relkind: string;
  mode: LockMode;
  firstMs: number;
  lastMs: number;
}

export interface LockSampler {
  /** Stops sampling; returns every (relation, mode) seen, with first and last sighting. */
  stop(): Promise<SampledLock[]>;
}

/** Pause between samples: short enough to see an index build on seeded data, cheap on CPU. */
const INTERVAL_MS = 2;

/**
 * Starts sampling the relation locks of backend `pid` (or, without one, of every other backend
 * connected to the same database). Resolves once the first sample is in, so nothing is missed.
 */
export async function startLockSampler(url: string, pid?: number): Promise<LockSampler> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  const seen = new Map<string, SampledLock>();
  const t0 = performance.now();
  const sql = `
SELECT l.relation, l.mode, n.nspname || '.' || c.relname AS name, c.relkind
  FROM pg_catalog.pg_locks l
  JOIN pg_catalog.pg_class c ON c.oid = l.relation
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE l.locktype = 'relation' AND l.granted
   AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
   AND ${pid ? 'l.pid = $1' : 'l.pid <> pg_catalog.pg_backend_pid()'}
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '${TRACKING_SCHEMA}')`;
  const sample = async () => {
    const r = await client.query<{ relation: number; mode: string; name: string; relkind: string }>(sql, pid ? [pid] : []);
    const now = performance.now() - t0;
    for (const row of r.rows) {
      const key = `${row.relation}:${row.mode}`;
      const s = seen.get(key);
      if (s) s.lastMs = now;
      else seen.set(key, { oid: Number(row.relation), relation: row.name, relkind: row.relkind, mode: lockModeName(row.mode), firstMs: now, lastMs: now });
    }
  };
  let running = true;
  try {
    await sample();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
      if (running) await sample().catch(() => {});
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => {});
      return [...seen.values()];
    },
  };
}
