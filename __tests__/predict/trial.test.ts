/**
 * The trial runner on a real server: it grows the concerned tables of a copy to each size, runs
 * the phases in order on fresh copies, returns a traced sample per run, and leaves nothing behind
 * (no copy survives, the source is unchanged), also when a phase fails or the copy cannot be made.
 */
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { seedTables } from '../../src/data/seed.js';
import { EnvironmentError } from '../../src/errors.js';
import type { SqlScript } from '../../src/formats/types.js';
import { growDatabase, ringThresholdBytes, runTrials, type DatabaseRef } from '../../src/predict/trial.js';
import { SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import { scratchDatabasesOn } from '../helpers/leftovers.js';
import { usePostgres } from '../helpers/postgres.js';

const server = usePostgres();

const SCHEMA = `
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE events (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id), kind text NOT NULL, qty int);
CREATE TABLE event_notes (id serial PRIMARY KEY, event_id bigint NOT NULL REFERENCES events (id), body text);
`;

const sql = (file: string, text: string): SqlScript => ({ kind: 'sql', file, text, line: 1, transaction: 'wrap' });
const UP = sql('db/2.up.sql', 'ALTER TABLE events ADD COLUMN score float8 DEFAULT random();\nCREATE INDEX events_kind_idx ON events (kind);\n');
const DOWN = sql('db/2.down.sql', 'DROP INDEX events_kind_idx;\nALTER TABLE events DROP COLUMN score;\n');

/** A scratch database with the schema, 100 seeded rows per table, and no session left on it. */
async function source(): Promise<DatabaseRef> {
  const db = await server.scratch();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(SCHEMA);
    await seedTables(client, { rows: 100, exclude: [] });
  } finally {
    await client.end();
  }
  return { adminUrl: server.server().adminUrl, database: db.name };
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Copies made by trials that are still there (the sources are dropped by usePostgres). */
async function trialCopies(ref: DatabaseRef): Promise<string[]> {
  return (await scratchDatabasesOn(ref.adminUrl)).filter((name) => name.startsWith(SCRATCH_PREFIX) && name.includes('_trial_'));
}

function urlOf(ref: DatabaseRef): string {
  const url = new URL(ref.adminUrl);
  url.pathname = `/${ref.database}`;
  return url.toString();
}

const COUNTS = "SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM event_notes)::int AS notes, (SELECT count(*) FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'score')::int AS score";

describe('runTrials', () => {
  it('samples every phase at every size, repeated, and leaves only the source behind, unchanged', async () => {
    const src = await source();
    const before = await query(urlOf(src), COUNTS);
    // Default sizes: the seed, then production's 1,500 rows (below the ring threshold of any server).
    const runs = await runTrials({ source: src, phases: [{ phase: 'up', script: UP }, { phase: 'down', script: DOWN }], tables: ['public.events'], seedRows: 200, productionRows: 1500, repeats: 2, statementTimeoutMs: 60_000 });

    // Sizes interleaved, smallest first; each run on its own copy.
    expect(runs.map((r) => r.size)).toEqual([200, 1500, 200, 1500]);
    for (const run of runs) {
      expect(run.tables.map((t) => [t.table, t.rows])).toEqual([['public.events', run.size]]);
      expect(run.phases.map((p) => [p.phase, p.failure])).toEqual([['up', undefined], ['down', undefined]]);
      const [rewrite, build] = run.phases[0]!.statements;
      expect(rewrite).toMatchObject({ tag: 'ALTER TABLE', line: 1 });
      expect(rewrite!.rewrites).toContain('public.events');
      expect(rewrite!.locks.find((l) => l.relation === 'public.events')).toMatchObject({ mode: 'ACCESS EXCLUSIVE', rows: run.size });
      expect(build!.indexBuilds).toEqual([{ index: 'public.events_kind_idx', table: 'public.events', concurrent: false }]);
      expect(run.phases[1]!.statements.map((s) => s.tag)).toEqual(['DROP INDEX', 'ALTER TABLE']);
    }
    expect(runs[1]!.tables[0]!.bytes).toBeGreaterThan(runs[0]!.tables[0]!.bytes);

    expect(await trialCopies(src)).toEqual([]);
    expect(await query(urlOf(src), COUNTS)).toEqual(before);
  });

  it('sizes the large trial from the server: a quarter of shared_buffers', async () => {
    // 128 MB in the test servers (local-cluster.ts); the tests do not depend on it otherwise.
    const [setting] = await query<{ bytes: string }>(server.server().adminUrl, "SELECT pg_size_bytes(current_setting('shared_buffers')) / 4 AS bytes");
    expect(await ringThresholdBytes(server.server().adminUrl)).toBe(Number(setting!.bytes));
  });

  it('records a phase that fails at one size, and does not run the phases after it', async () => {
    const src = await source();
    const picky = sql('db/3.up.sql', "DO $$ BEGIN IF (SELECT count(*) FROM events) > 1000 THEN RAISE EXCEPTION 'too many rows for this migration'; END IF; END $$;\n");
    const runs = await runTrials({ source: src, phases: [{ phase: 'up', script: picky }, { phase: 'down', script: DOWN }], tables: ['public.events'], sizes: [200, 1500], repeats: 1, statementTimeoutMs: 60_000 });
    const at = (size: number) => runs.find((r) => r.size === size)!.phases;
    expect(at(200)[0]!.failure).toBeUndefined();
    expect(at(1500)[0]!.failure).toMatch(/too many rows for this migration/);
    expect(at(1500)[1]).toEqual({ phase: 'down', ms: 0, statements: [], failure: 'not run: up failed' });
    expect(await trialCopies(src)).toEqual([]);
  });

  it('cannot copy a source another session is connected to: an EnvironmentError, and nothing left behind', async () => {
    const src = await source();
    const other = new pg.Client({ connectionString: urlOf(src) });
    await other.connect();
    try {
      const trial = runTrials({ source: src, phases: [{ phase: 'up', script: UP }], tables: ['public.events'], sizes: [200], repeats: 1, statementTimeoutMs: 60_000 });
      await expect(trial).rejects.toThrow(EnvironmentError);
      await expect(trial).rejects.toThrow(`cannot copy database ${src.database} for a prediction trial: other sessions are connected to it; a trial needs it idle`);
    } finally {
      await other.end();
    }
    expect(await trialCopies(src)).toEqual([]);
  });
});

describe('growDatabase', () => {
  it('grows the table to n rows, refills the children the cascade emptied, and drops the copy', async () => {
    const src = await source();
    const grown = await growDatabase(src, ['public.events', 'public.missing'], 700);
    try {
      expect(grown.tables.map((t) => [t.table, t.rows])).toEqual([['public.events', 700]]);
      expect(grown.refilled).toEqual(['public.event_notes']);
      const [counts] = await query<{ users: number; events: number; notes: number }>(grown.url, COUNTS);
      expect(counts).toMatchObject({ users: 100, events: 700, notes: 100 });
      // Frozen and analyzed, as a production table is: the planner knows its size.
      const [stats] = await query<{ reltuples: number; frozen: boolean }>(grown.url, "SELECT reltuples::int AS reltuples, age(relfrozenxid) < 10 AS frozen FROM pg_class WHERE oid = 'events'::regclass");
      expect(stats).toEqual({ reltuples: 700, frozen: true });
    } finally {
      await grown.drop();
    }
    expect(await trialCopies(src)).toEqual([]);
  });
});
