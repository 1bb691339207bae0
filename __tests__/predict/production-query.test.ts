/**
 * The production query, run as the README says (psql --csv) on a real server, and its output read
 * back by the parser: row estimates (ANALYZE'd, never analyzed, partitioned), bytes, and names
 * with capitals and other schemas.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTION_SIZES_COMMAND, PRODUCTION_SIZES_QUERY } from '../../src/predict/production-query.js';
import { parseTableRows } from '../../src/predict/table-rows.js';
import { usePostgres } from '../helpers/postgres.js';

const server = usePostgres();

describe('the production query', () => {
  it('is the query and the command the README tells teams to run, word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('```sql\n' + PRODUCTION_SIZES_QUERY + '```\n');
    expect(readme).toContain(PRODUCTION_SIZES_COMMAND);
  });

  it('prints CSV that parseTableRows reads: estimates, fallbacks and bytes per table', async () => {
    await server.withDatabase(async (client, db) => {
      await client.query(`
        CREATE TABLE events (id int, note text);
        INSERT INTO events SELECT g, repeat('x', 100) FROM generate_series(1, 1234) g;
        ANALYZE events;
        CREATE TABLE "User" (id int);
        INSERT INTO "User" SELECT generate_series(1, 5);
        CREATE SCHEMA billing;
        CREATE TABLE billing.invoices (id int);
        CREATE TABLE metrics (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE metrics_2024 PARTITION OF metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE metrics_2025 PARTITION OF metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO metrics SELECT g, date '2024-06-01' + (g % 400) FROM generate_series(1, 300) g;
        ANALYZE metrics;`);
      // "User" is never analyzed (reltuples -1): the query falls back on n_live_tup, which this
      // session's counters reach once flushed.
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query('SELECT 1');
      const dir = mkdtempSync(join(tmpdir(), 'rv-prodq-'));
      try {
        writeFileSync(join(dir, 'table-rows.sql'), PRODUCTION_SIZES_QUERY);
        const csv = execFileSync('psql', [db.url, '--csv', '-X', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, 'table-rows.sql')], { encoding: 'utf8' });
        const sizes = parseTableRows(csv, { file: 'table-rows.csv' });
        const rows = Object.fromEntries([...sizes].map(([name, s]) => [name, s.rows]));
        expect(rows).toEqual({
          'billing.invoices': 0,
          'public.User': 5,
          'public.events': 1234,
          'public.metrics': 300,
          'public.metrics_2024': expect.any(Number),
          'public.metrics_2025': expect.any(Number),
        });
        expect(rows['public.metrics_2024']! + rows['public.metrics_2025']!).toBe(300);
        // 1,234 rows of ~130 bytes: some 20 pages of 8 kB (plus the free-space map).
        expect(sizes.get('public.events')!.bytes).toBeGreaterThan(150_000);
        expect(sizes.get('public.metrics')!.bytes).toBe(sizes.get('public.metrics_2024')!.bytes! + sizes.get('public.metrics_2025')!.bytes!);
        expect(csv.split('\n')[0]).toBe('schema,table,rows,bytes');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
