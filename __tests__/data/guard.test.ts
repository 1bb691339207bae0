/**
 * Data preservation end to end through the guard, on a real server: seed the baseline, then for
 * each "migration" (plain SQL applied through the client, as the protocol would) fingerprint
 * before the up and compare after the down. Data-loss cases must be reported with the table or
 * column and how much changed; near-misses must pass.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { ConfigError } from '../../src/errors.js';
import type { Migration } from '../../src/formats/types.js';
import { createDataGuard } from '../../src/data/guard.js';
import type { DataGuard } from '../../src/data/guard.js';
import type { Problem } from '../../src/result/types.js';
import { usePostgres } from '../helpers/postgres.js';

const BASELINE = `
  CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, display_name text NOT NULL);
  CREATE TABLE tasks (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), title text NOT NULL, done boolean NOT NULL);
  CREATE TABLE audit_log (at timestamptz NOT NULL, message text NOT NULL);
  CREATE TABLE schema_migrations (version bigint PRIMARY KEY);`;

function migration(id: string, up: string, down: string, markers: Migration['markers'] = {}): Migration {
  const script = (text: string, file: string) => ({ kind: 'sql' as const, file, text, line: 1, transaction: 'implicit' as const });
  return { id, name: `m${id}`, up: script(up, `${id}.up.sql`), down: script(down, `${id}.down.sql`), files: [], markers };
}

/** up → down → compare → up again, as the protocol runs a step. */
async function verifyStep(client: pg.Client, guard: DataGuard, m: Migration): Promise<Problem[]> {
  const before = await guard.beforeUp(client, m);
  await client.query((m.up as { text: string }).text);
  await client.query((m.down as { text: string }).text);
  const problems = await guard.afterDown(client, m, before);
  await client.query((m.up as { text: string }).text);
  await guard.afterReup(client, m);
  return problems;
}

const messages = (problems: Problem[]) => problems.map((p) => `${p.severity}: ${p.message}`);

describe('data guard', () => {
  const pg = usePostgres();
  const withSeededBaseline = (fn: (client: pg.Client, guard: DataGuard) => Promise<void>) =>
    pg.withDatabase(async (client) => {
      await client.query(BASELINE);
      const guard = createDataGuard({ seedRows: 1000, excludeTables: ['public.schema_migrations'] });
      const seeded = await guard.afterBaseline(client);
      expect(seeded).toEqual([
        { table: 'public.audit_log', rows: 1000 },
        { table: 'public.tasks', rows: 1000 },
        { table: 'public.users', rows: 1000 },
      ]);
      await fn(client, guard);
    });

  describe('finds data loss that schema comparison cannot see', () => {
    it('a down that re-adds a dropped column without backfilling it', () =>
      withSeededBaseline(async (client, guard) => {
        const problems = await verifyStep(
          client,
          guard,
          migration('2', 'ALTER TABLE users DROP COLUMN display_name', 'ALTER TABLE users ADD COLUMN display_name text'),
        );
        expect(messages(problems)).toEqual(["error: users.display_name: 1000 of 1000 values changed (all NULL after the down); e.g. id=1: 'display name 1' → NULL"]);
        expect(problems[0]).toMatchObject({ kind: 'data-loss', migration: '2', object: 'column public.users.display_name' });
      }));

    it('a down that drops and recreates a table', () =>
      withSeededBaseline(async (client, guard) => {
        const problems = await verifyStep(
          client,
          guard,
          migration(
            '2',
            'ALTER TABLE tasks ADD COLUMN priority int',
            `DROP TABLE tasks; CREATE TABLE tasks (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), title text NOT NULL, done boolean NOT NULL);`,
          ),
        );
        expect(messages(problems)).toEqual(['error: table public.tasks: 1000 rows → 0 (dropped and recreated by the down)']);
        expect(problems[0].object).toBe('table public.tasks');
      }));

    it('a down that truncates', () =>
      withSeededBaseline(async (client, guard) => {
        const problems = await verifyStep(
          client,
          guard,
          migration('2', 'CREATE TABLE archive (id int PRIMARY KEY)', 'DROP TABLE archive; TRUNCATE audit_log'),
        );
        expect(messages(problems)).toEqual(['error: table public.audit_log: 1000 rows → 0']);
      }));

    it('a data migration whose down does not undo an UPDATE', () =>
      withSeededBaseline(async (client, guard) => {
        const all = await verifyStep(client, guard, migration('2', 'UPDATE users SET email = upper(email)', 'SELECT 1'));
        expect(messages(all)).toEqual(["error: users.email: about 1000 of 1000 values changed; e.g. id=1: 'user1@example.com' → 'USER1@EXAMPLE.COM'"]);
        const some = await verifyStep(client, guard, migration('3', 'UPDATE tasks SET done = NOT done WHERE id <= 10', 'SELECT 1'));
        expect(some).toHaveLength(1);
        expect(some[0].message).toMatch(/^tasks\.done: (about )?(9|10|11) of 1000 values changed(; e\.g\. id=\d+: '\w+' → '\w+')?$/);
        // Values moved between rows change each row's value, though the multiset is the same.
        const swapped = await verifyStep(
          client,
          guard,
          migration('4', 'UPDATE tasks SET title = t2.title FROM tasks t2 WHERE t2.id = 1001 - tasks.id', 'SELECT 1'),
        );
        expect(messages(swapped)).toEqual(["error: tasks.title: about 1000 of 1000 values changed; e.g. id=1: 'title 1' → 'title 1000'"]);
      }));

    it('reports declared loss (down-loses-data marker) as a warning', () =>
      withSeededBaseline(async (client, guard) => {
        const problems = await verifyStep(
          client,
          guard,
          migration('2', 'ALTER TABLE users DROP COLUMN display_name', 'ALTER TABLE users ADD COLUMN display_name text', {
            'down-loses-data': { file: '2.down.sql', line: 1 },
          }),
        );
        expect(problems).toEqual([
          expect.objectContaining({ kind: 'data-loss', severity: 'warning', file: '2.down.sql', line: 1 }),
        ]);
      }));
  });

  describe('near-misses pass', () => {
    it('a correct split-and-merge column migration', () =>
      withSeededBaseline(async (client, guard) => {
        const up = `
          ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;
          UPDATE users SET first_name = split_part(display_name, ' ', 1),
                           last_name = substr(display_name, length(split_part(display_name, ' ', 1)) + 2);
          ALTER TABLE users DROP COLUMN display_name;`;
        const down = `
          ALTER TABLE users ADD COLUMN display_name text;
          UPDATE users SET display_name = first_name || ' ' || last_name;
          ALTER TABLE users ALTER COLUMN display_name SET NOT NULL, DROP COLUMN first_name, DROP COLUMN last_name;`;
        expect(await verifyStep(client, guard, migration('2', up, down))).toEqual([]);
      }));

    it('a migration that inserts a row and whose down deletes it (the sequence stays advanced)', () =>
      withSeededBaseline(async (client, guard) => {
        const m = migration(
          '2',
          "INSERT INTO users (email, display_name) VALUES ('admin@example.com', 'Admin'); INSERT INTO schema_migrations VALUES (2) ON CONFLICT DO NOTHING",
          "DELETE FROM users WHERE email = 'admin@example.com'",
        );
        expect(await verifyStep(client, guard, m)).toEqual([]);
      }));

    it('a type round trip, a sequence advanced, a rename and rename back', () =>
      withSeededBaseline(async (client, guard) => {
        const widen = migration('2', 'ALTER TABLE tasks ALTER COLUMN user_id TYPE bigint', 'ALTER TABLE tasks ALTER COLUMN user_id TYPE int');
        expect(await verifyStep(client, guard, widen)).toEqual([]);
        const sequence = migration('3', "SELECT nextval('users_id_seq') FROM generate_series(1, 50)", 'SELECT 1');
        expect(await verifyStep(client, guard, sequence)).toEqual([]);
        // Last: the re-up leaves the table renamed.
        const rename = migration(
          '4',
          'ALTER TABLE tasks RENAME TO todo; ALTER TABLE todo RENAME COLUMN title TO name',
          'ALTER TABLE todo RENAME COLUMN name TO title; ALTER TABLE todo RENAME TO tasks',
        );
        expect(await verifyStep(client, guard, rename)).toEqual([]);
      }));
  });

  it('seeds the tables a migration creates after its re-up, and only those', () =>
    withSeededBaseline(async (client, guard) => {
      const m = migration(
        '2',
        'CREATE TABLE notes (id serial PRIMARY KEY, task_id int NOT NULL REFERENCES tasks(id), body text NOT NULL)',
        'DROP TABLE notes',
      );
      const before = await guard.beforeUp(client, m);
      await client.query((m.up as { text: string }).text);
      await client.query((m.down as { text: string }).text);
      expect(await guard.afterDown(client, m, before)).toEqual([]);
      await client.query((m.up as { text: string }).text);
      expect(await guard.afterReup(client, m)).toEqual([{ table: 'public.notes', rows: 1000 }]);
      const { rows } = await client.query('SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM schema_migrations)::int AS bookkeeping');
      expect(rows[0]).toEqual({ users: 1000, bookkeeping: 0 });
    }));

  it('runs a seed file, alone or before synthetic rows, and names the line of a failing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-seed-'));
    try {
      const good = join(dir, 'seed.sql');
      writeFileSync(good, "INSERT INTO users (email, display_name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');\n");
      const bad = join(dir, 'bad.sql');
      writeFileSync(bad, "INSERT INTO users (email, display_name) VALUES ('c@example.com', 'C');\nINSERT INTO nowhere VALUES (1);\n");
      await pg.withDatabase(async (client) => {
        await client.query(BASELINE);
        const fileOnly = createDataGuard({ seedRows: 0, seedFile: good, excludeTables: ['public.schema_migrations'] });
        expect(await fileOnly.afterBaseline(client)).toEqual([
          { table: 'public.audit_log', rows: 0 },
          { table: 'public.tasks', rows: 0 },
          { table: 'public.users', rows: 2 },
        ]);
        const both = createDataGuard({ seedRows: 10, seedFile: good, excludeTables: [] });
        await expect(both.afterBaseline(client)).rejects.toThrow(/duplicate key/);
        const broken = createDataGuard({ seedRows: 10, seedFile: bad, excludeTables: [] });
        const error = await broken.afterBaseline(client).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(/^seed-file '.*bad\.sql' line 2 failed: relation "nowhere" does not exist/);
      });
      await pg.withDatabase(async (client) => {
        await client.query(BASELINE);
        const both = createDataGuard({ seedRows: 10, seedFile: good, excludeTables: ['public.schema_migrations'] });
        const seeded = await both.afterBaseline(client);
        expect(seeded.find((s) => s.table === 'public.users')).toEqual({ table: 'public.users', rows: 12 });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
