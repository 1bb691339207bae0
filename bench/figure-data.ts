/**
 * Figure 4: data at scale. 20 tables of a realistic shape (serial key, unique text, timestamps,
 * numeric, CHECK IN list, jsonb, a foreign key to the previous table), seeded by the product's
 * seeder, then fingerprinted by the product's fingerprint against a plain `SELECT count(*)` of the
 * same tables (the least any full read can cost). Folded in from the data engineer's
 * bench/data-seeding.ts.
 */
import pg from 'pg';
import { readTables } from '../src/data/catalog.js';
import { defaultSpec, fingerprintTables } from '../src/data/fingerprint.js';
import { seedTables } from '../src/data/seed.js';
import { measurePair, summarize } from './stats.js';
import { type BenchContext, type FigureResult, withDatabase } from './context.js';

const TABLES = 20;

function schema(): string {
  const out: string[] = [];
  for (let n = 1; n <= TABLES; n++) {
    const name = `t${String(n).padStart(2, '0')}`;
    const parent = n > 1 ? `, parent_id int NOT NULL REFERENCES t${String(n - 1).padStart(2, '0')}(id)` : '';
    out.push(`CREATE TABLE ${name} (
      id serial PRIMARY KEY, email text NOT NULL UNIQUE, display_name varchar(80) NOT NULL,
      status text NOT NULL CHECK (status IN ('new', 'active', 'archived')), amount numeric(10,2) NOT NULL CHECK (amount >= 0),
      created_at timestamptz NOT NULL DEFAULT now(), flag boolean NOT NULL, data jsonb${parent});`);
  }
  return out.join('\n');
}

/** Seeds the schema on a new database; returns the seeding time (ms). */
async function seedOnce(client: pg.Client, rows: number): Promise<number> {
  await client.query(schema());
  const started = performance.now();
  const seeded = await seedTables(client, { rows, exclude: [] });
  const ms = performance.now() - started;
  const total = seeded.reduce((s, t) => s + t.rows, 0);
  if (total !== rows * TABLES) throw new Error(`seeded ${total} rows, expected ${rows * TABLES}`);
  return ms;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dataFigure(ctx: BenchContext): Promise<FigureResult> {
  const rows = ctx.quick ? 10_000 : 100_000;
  // Seeding is the slow half: fewer rounds, each on a new database (as after a baseline; re-seeding
  // truncated tables whose statistics still say 100k rows is not what the product does).
  const seedRuns: number[] = [];
  const seedRounds = ctx.quick ? 1 : 3;
  for (let round = 1; round < seedRounds; round++) {
    seedRuns.push(await withDatabase(ctx.server, (url) => withClient(url, (c) => seedOnce(c, rows))));
    ctx.progress(`data: seeded ${rows * TABLES} rows in ${(seedRuns[seedRuns.length - 1]! / 1000).toFixed(1)} s`);
  }
  return withDatabase(ctx.server, (url) =>
    withClient(url, async (client) => {
      seedRuns.push(await seedOnce(client, rows));
      ctx.progress(`data: seeded ${rows * TABLES} rows in ${(seedRuns[seedRuns.length - 1]! / 1000).toFixed(1)} s`);
      const seeding = summarize(seedRuns);
      const tables = await readTables(client);
      await client.query('VACUUM ANALYZE');
      const specs = tables.map(defaultSpec);
      const countSql = tables.map((t) => `SELECT count(*) FROM ${t.qualified}`).join(' UNION ALL ');
      const pair = await measurePair(
        ctx.plan,
        async () => {
          const started = performance.now();
          await fingerprintTables(client, specs);
          return performance.now() - started;
        },
        async () => {
          const started = performance.now();
          await client.query(countSql);
          return performance.now() - started;
        },
        (round) => ctx.progress(`data: fingerprint round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
      );
      const total = rows * TABLES;
      const target = { max: 3, unit: 'x' as const };
      return {
        id: '4',
        title: `Data: ${TABLES} tables × ${rows.toLocaleString('en')} rows`,
        value: pair.ratio.median,
        unit: 'x' as const,
        target,
        met: pair.ratio.median <= target.max,
        subject: 'fingerprintTables (row count + per-column bucketed hashes, one round trip)',
        baseline: 'SELECT count(*) over the same tables, one round trip',
        pair,
        extra: {
          'seed rows/s': Math.round(total / (seeding.median / 1000)),
          'seed s': Math.round(seeding.median) / 1000,
          'seed runs': seedRounds,
          'fingerprint rows/s': Math.round(total / (pair.subject.median / 1000)),
          'fingerprint ms': pair.subject.median,
          'count ms': pair.baseline.median,
        },
        notes: [],
      };
    }),
  );
}
