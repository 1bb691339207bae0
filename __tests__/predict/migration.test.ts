/**
 * One migration's predictions on a real server, as the protocol will ask for them: from the
 * phases it measured (traced) to the same phases with `predicted` filled in; trials only when a
 * statement scales with a listed table, and no copy left behind.
 */
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { seedTables } from '../../src/data/seed.js';
import type { SqlScript } from '../../src/formats/types.js';
import { predictMigration, type MigrationPhaseInput } from '../../src/predict/migration.js';
import { runPhasesOnClone, type DatabaseRef } from '../../src/predict/trial.js';
import { SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import type { PhaseResult } from '../../src/result/types.js';
import { scratchDatabasesOn } from '../helpers/leftovers.js';
import { usePostgres } from '../helpers/postgres.js';

const server = usePostgres();

const sql = (file: string, text: string): SqlScript => ({ kind: 'sql', file, text, line: 1, transaction: 'wrap' });
const UP = sql('db/2.up.sql', "SET lock_timeout = '5s';\nALTER TABLE events ADD COLUMN score float8 DEFAULT random();\n");
const DOWN = sql('db/2.down.sql', 'ALTER TABLE events DROP COLUMN score;\n');

async function source(): Promise<DatabaseRef> {
  const db = await server.scratch();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL); CREATE TABLE users (id serial PRIMARY KEY);');
    await seedTables(client, { rows: 100, exclude: [] });
  } finally {
    await client.end();
  }
  return { adminUrl: server.server().adminUrl, database: db.name };
}

/** The protocol's measurement, stood in for by one traced run on a copy at the seed size. */
async function measured(src: DatabaseRef, traced = true): Promise<MigrationPhaseInput[]> {
  const runs = await runPhasesOnClone(src, [{ phase: 'up', script: UP }, { phase: 'down', script: DOWN }], { statementTimeoutMs: 60_000 });
  return runs.map((r, i) => {
    const result: PhaseResult = { ms: r.ms, ok: !r.failure, ...(traced ? { locks: { parser: 'libpg-query', statements: r.statements } } : {}) };
    return { phase: r.phase, script: i === 0 ? UP : DOWN, measured: result };
  });
}

async function trialCopies(ref: DatabaseRef): Promise<string[]> {
  return (await scratchDatabasesOn(ref.adminUrl)).filter((name) => name.startsWith(SCRATCH_PREFIX) && name.includes('_trial_'));
}

describe('predictMigration', () => {
  it('runs trials for the listed table the up rewrites and fills in every predicted field', async () => {
    const src = await source();
    const phases = await measured(src);
    const out = await predictMigration({
      source: src,
      phases,
      tableRows: new Map([['public.events', { rows: 2_000_000 }], ['public.users', { rows: 10 }]]),
      seedRows: 100,
      sizes: [100, 1500],
      repeats: 1,
      statementTimeoutMs: 60_000,
    });
    expect(out.tables).toEqual(['public.events']);
    expect(out.notes).toEqual([]);
    const up = out.phases.up!;
    expect(up.predicted!.basis).toMatch(/^trials at 100 \/ 1,500 rows per table of public\.events \(1 run each\); 1 statement scaled/);
    const [set, alter] = up.locks!.statements;
    expect(set!.predicted).toMatchObject({ cost: 'metadata', basis: 'metadata only: as measured' });
    expect(alter!.predicted).toMatchObject({ cost: 'rewrite' });
    expect(alter!.predicted!.basis).toMatch(/^rewrite of public\.events: (linear fit of trials at 100 \/ 1,500 rows \(1 run each\), extrapolated ×1,333 to 2,000,000 rows|growth from 100 \/ 1,500 rows within noise \(1 run each\); linear in proportion to the largest trial, extrapolated ×1,333 to 2,000,000 rows)/);
    expect(alter!.locks.find((l) => l.relation === 'public.events')!.predicted).toMatchObject({ rows: 2_000_000 });
    // Measured values are untouched beside the predictions.
    expect(up.ms).toBe(phases[0]!.measured.ms);
    expect(out.phases.down!.predicted).toBeDefined();
    expect(await trialCopies(src)).toEqual([]);
  });

  it('predicts as measured, with no trial, when nothing scales with a listed table', async () => {
    const src = await source();
    const phases = await measured(src);
    const out = await predictMigration({ source: src, phases, tableRows: new Map([['public.users', { rows: 10 }]]), seedRows: 100, statementTimeoutMs: 60_000 });
    expect(out.tables).toEqual([]);
    expect(out.phases.up!.predicted).toEqual({ ms: Math.round(phases[0]!.measured.ms * 10) / 10, basis: 'no statement scales with a listed table: as measured' });
    expect(out.predictions.up!.statements[1]!.basis).toBe('rewrite of public.events, not listed in table-rows: as measured');
  });

  it('without a measured trace, traces one run on a copy to find the tables that matter', async () => {
    const src = await source();
    const phases = await measured(src, false);
    const out = await predictMigration({ source: src, phases, tableRows: new Map([['public.events', { rows: 2_000_000 }]]), seedRows: 100, sizes: [100, 1500], repeats: 1, statementTimeoutMs: 60_000 });
    expect(out.tables).toEqual(['public.events']);
    // No measured statements to attach to: the phase gets its prediction, the statements none.
    expect(out.phases.up!.predicted!.basis).toMatch(/^trials at 100 \/ 1,500 rows/);
    expect(out.phases.up!.locks).toBeUndefined();
    expect(out.predictions.up!.statements[1]!.cost).toBe('rewrite');
    expect(await trialCopies(src)).toEqual([]);
  });
});
