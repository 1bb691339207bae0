/**
 * What the lock tracer's catalog reads cost on a schema of N tables (default 1,000): the light read
 * of every relation a phase starts with, the probe after a statement (only what the transaction
 * touched), and the row counts of the tables one statement can write, against the full probe and
 * the count of every table the tracer used to run. Not part of `npm run bench`.
 *
 *   node --import ./scripts/ts-register.mjs bench/probe-cost.ts [tables=1000]
 *
 * Measured at 1,000 tables (4,000 relations) on a shared, loaded 2-core machine (2026-12-01):
 * light read 34-38 ms (once per phase); probe after a statement 1.8-2.5 ms (the full probe it
 * replaces: 45-68 ms); counting what one statement writes 7-8 ms (every table: 230-390 ms).
 */
import pg from 'pg';
import { startServer } from '../src/postgres/select.js';
import { countableTables, countRows, probeState } from '../src/locks/catalog.js';
import { statementReach } from '../src/locks/classify.js';
import { parseScript } from '../src/locks/parser.js';

const tables = Number(process.argv[2] ?? 1000);
const server = await startServer({ provider: 'embedded' });
const client = new pg.Client({ connectionString: server.adminUrl });
await client.connect();
try {
  await client.query(`DO $$ BEGIN FOR i IN 1..${tables} LOOP
    EXECUTE format('CREATE TABLE t_%s (id serial PRIMARY KEY, v text, w int)', i);
    EXECUTE format('CREATE INDEX ON t_%s (w)', i);
    EXECUTE format('INSERT INTO t_%s (v, w) SELECT g::text, g FROM generate_series(1, 100) g', i);
  END LOOP; END $$`);
  await client.query('ANALYZE');
  const time = async (label: string, fn: () => Promise<unknown>, n = 20) => {
    await fn();
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    console.log(`${label.padEnd(58)} ${((performance.now() - t) / n).toFixed(2).padStart(8)} ms`);
  };
  const state = await probeState(client);
  const all = countableTables(state);
  const stmt = (await parseScript('ALTER TABLE t_7 ADD COLUMN x int DEFAULT 0;', 1)).statements[0]!;
  console.log(`${tables} tables (${state.relations.size} relations)`);
  await time('light read of every relation (phase start)', () => probeState(client));
  await client.query('BEGIN');
  await client.query('ALTER TABLE t_7 ADD COLUMN y int');
  await time('probe after a statement (touched only, in its transaction)', () => probeState(client, 'touched'));
  await time('count rows of what one statement can write (savepoint)', () => countRows(client, all, { reach: statementReach(stmt.tree), savepoint: true }));
  await client.query('ROLLBACK');
  await time('count rows of every table (what each phase used to run)', () => countRows(client, all), 3);
} finally {
  await client.end();
  await server.stop();
}
