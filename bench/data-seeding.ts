/**
 * Measures seeding and fingerprinting at scale: 20 tables of a realistic shape (serial key,
 * unique text, timestamps, numeric, CHECK IN list, jsonb, a foreign key to the previous table),
 * 100,000 rows each, on the embedded server. Prints rows/s and fingerprint time against a plain
 * `SELECT count(*)` of the same tables. Not a test: timings depend on the machine.
 *
 *   npx esbuild bench/data-seeding.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=tmp/data-seeding.mjs && node tmp/data-seeding.mjs [rows-per-table] [embedded|system]
 */
import pg from 'pg';
import { startServer } from '../src/postgres/select.js';
import { createScratchDatabase } from '../src/postgres/scratch.js';
import { readTables } from '../src/data/catalog.js';
import { defaultSpec, fingerprintTables } from '../src/data/fingerprint.js';
import { seedTables } from '../src/data/seed.js';

const TABLES = 20;
const rows = Number(process.argv[2] ?? 100_000);
const provider = (process.argv[3] ?? 'embedded') as 'embedded' | 'system';

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

const server = await startServer({ provider });
const db = await createScratchDatabase(server);
const client = new pg.Client({ connectionString: db.url });
try {
  await client.connect();
  await client.query(schema());
  let started = performance.now();
  const seeded = await seedTables(client, { rows, exclude: [] });
  const seedMs = performance.now() - started;
  const total = seeded.reduce((s, t) => s + t.rows, 0);
  const tables = await readTables(client);
  await client.query('VACUUM ANALYZE');
  started = performance.now();
  await fingerprintTables(client, tables.map(defaultSpec));
  const fingerprintMs = performance.now() - started;
  started = performance.now();
  await client.query(tables.map((t) => `SELECT count(*) FROM ${t.qualified}`).join(' UNION ALL '));
  const countMs = performance.now() - started;
  console.log(`PostgreSQL ${server.version} (${provider}), ${TABLES} tables × ${rows} rows`);
  console.log(`seeding:     ${total} rows in ${(seedMs / 1000).toFixed(1)} s = ${Math.round(total / (seedMs / 1000))} rows/s`);
  console.log(`fingerprint: ${(fingerprintMs / 1000).toFixed(2)} s (${Math.round(total / (fingerprintMs / 1000))} rows/s)`);
  console.log(`count(*):    ${(countMs / 1000).toFixed(2)} s  → fingerprint/count = ${(fingerprintMs / countMs).toFixed(1)}×`);
} finally {
  await client.end().catch(() => {});
  await db.drop();
  await server.stop();
}
