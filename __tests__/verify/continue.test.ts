/**
 * One failure does not hide the rest of a history: when a down or re-up leaves the database in an
 * unknown state, the state after that migration's up is restored (the journal replayed into the
 * scratch database, recreated under the same name) and the run goes on, finding the defects after
 * it. Near misses: an up that cannot be applied still stops the run; nothing is left behind.
 */
import pg from 'pg';
import { SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

async function scratchDatabases(): Promise<string[]> {
  const c = new pg.Client({ connectionString: url() });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${SCRATCH_PREFIX}%`]);
    return rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

const base = {
  'db/1_a.up.sql': 'CREATE TABLE a (id int PRIMARY KEY, note text);\n',
  'db/1_a.down.sql': 'DROP TABLE a;\n',
};

describe('the run goes on after an unknown state', () => {
  test('a re-up that fails (on what its down left) is followed by the later migrations, whose defects are found', async () => {
    const before = await scratchDatabases();
    const root = writeProject({
      ...base,
      'db/2_b.up.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_idx ON b (id);\n',
      // Forgets the table: re-applying then fails on it.
      'db/2_b.down.sql': 'DROP INDEX b_idx;\n',
      'db/3_c.up.sql': 'ALTER TABLE a ADD COLUMN extra int;\n',
      'db/3_c.down.sql': 'ALTER TABLE a DROP COLUMN extra;\n',
      'db/4_d.up.sql': 'CREATE INDEX a_note_idx ON a (note);\n',
      'db/4_d.down.sql': '-- forgot the index\nSELECT 1;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'ok'], ['4', 'failed']]);
    expect(r.problems.filter((p) => p.migration === '2').map((p) => p.kind).sort()).toEqual(['reup-failed', 'rollback-residue']);
    expect(r.problems.filter((p) => p.migration === '4' && p.kind === 'rollback-residue')).toEqual([expect.objectContaining({ object: 'index public.a_note_idx' })]);
    expect(r.notes.join('\n')).toMatch(/2 failed to re-apply after its down: the state after its up was restored and the run went on\./);
    // The migrations after the restore ran on seeded data again.
    expect(r.migrations[2]!.phases.up!.locks!.statements[0]!.locks[0]!.rows).toBe(20);
    expect(await scratchDatabases()).toEqual(before);
  });

  test('a down that fails half way (it commits part of itself) is followed by the rest', async () => {
    const root = writeProject({
      ...base,
      'db/2_b.up.sql': 'CREATE TABLE b (id int);\nCREATE TABLE c (id int);\n',
      // The COMMIT makes the first DROP stick; then the down fails: neither S1 nor S0.
      'db/2_b.down.sql': 'DROP TABLE c;\nCOMMIT;\nDROP TABLE no_such_table;\n',
      'db/3_c.up.sql': 'CREATE TABLE d (id int);\n',
      'db/3_c.down.sql': 'DROP TABLE d;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'down-failed', migration: '2', sqlstate: '42P01' })]);
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'ok']);
    expect(r.notes.join('\n')).toContain('the failed down of 2 left the database in an unknown state: the state after its up was restored');
  });

  test('near miss: an up that cannot be applied still stops the run, the rest not run', async () => {
    const root = writeProject({
      ...base,
      'db/2_bad.up.sql': 'ALTER TABLE nowhere ADD COLUMN x int;\n',
      'db/2_bad.down.sql': 'SELECT 1;\n',
      'db/3_c.up.sql': 'CREATE TABLE d (id int);\n',
      'db/3_c.down.sql': 'DROP TABLE d;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'not-run']);
    expect(r.notes.join('\n')).toContain('Stopped after 2 failed to apply; not run: 3.');
  });
});
