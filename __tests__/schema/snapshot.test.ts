/**
 * snapshotSchema + diffSnapshots against a real PostgreSQL: for every object kind, an incomplete
 * down leaves exactly that object behind and a correct down leaves nothing; near-misses that only
 * change OIDs, attnums or internal names leave nothing either.
 */
import type pg from 'pg';
import { usePostgres } from '../helpers/postgres.js';
import { diffSnapshots } from '../../src/schema/diff.js';
import { snapshotFingerprint, snapshotSchema } from '../../src/schema/snapshot.js';
import type { Snapshot } from '../../src/schema/model.js';
import { ROLLBACK_CASES } from './rollback-cases.js';

const pg_ = usePostgres();

async function run(client: pg.Client, sql: string | undefined): Promise<void> {
  if (sql?.trim()) await client.query(sql);
}

const displays = (before: Snapshot, after: Snapshot) => diffSnapshots(before, after).map((d) => d.display);

describe('snapshot and diff: every object kind', () => {
  test.each(ROLLBACK_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await pg_.withDatabase(async (client) => {
      await run(client, c.base);
      const s0 = await snapshotSchema(client);
      await run(client, c.up);
      const s1 = await snapshotSchema(client);
      expect(displays(s0, s1).length).toBeGreaterThan(0);

      await run(client, c.down);
      expect(displays(s0, await snapshotSchema(client))).toEqual([]);

      await run(client, c.up);
      expect(displays(s1, await snapshotSchema(client))).toEqual([]);
      await run(client, c.badDown);
      const residue = diffSnapshots(s0, await snapshotSchema(client));
      expect(residue.map((d) => d.display)).toEqual(c.residue);
      expect(residue.every((d) => !d.columnOrderOnly)).toBe(true);
    });
  });
});

describe('snapshot and diff: near-misses that are no difference', () => {
  async function expectNoDifference(base: string, change: string | string[]): Promise<void> {
    await pg_.withDatabase(async (client) => {
      await run(client, base);
      const before = await snapshotSchema(client);
      // Statements one by one: CREATE INDEX CONCURRENTLY refuses a multi-statement string.
      for (const sql of Array.isArray(change) ? change : [change]) await run(client, sql);
      expect(displays(before, await snapshotSchema(client))).toEqual([]);
    });
  }

  test('a constraint dropped and recreated under the same name', () =>
    expectNoDifference(
      `CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int CONSTRAINT c_p_fk REFERENCES p ON DELETE CASCADE,
         qty int CONSTRAINT qty_pos CHECK (qty > 0), email text CONSTRAINT c_email_key UNIQUE)`,
      `ALTER TABLE c DROP CONSTRAINT c_p_fk, DROP CONSTRAINT qty_pos, DROP CONSTRAINT c_email_key, DROP CONSTRAINT c_pkey;
       ALTER TABLE c ADD CONSTRAINT c_pkey PRIMARY KEY (id), ADD CONSTRAINT c_email_key UNIQUE (email),
         ADD CONSTRAINT qty_pos CHECK (qty > 0), ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p ON DELETE CASCADE`,
    ));

  test('a table renamed and renamed back', () =>
    expectNoDifference(
      'CREATE TABLE users (id serial PRIMARY KEY, email text); CREATE INDEX users_email_idx ON users (email)',
      'ALTER TABLE users RENAME TO people; ALTER TABLE people RENAME TO users',
    ));

  test('an enum value removed by swapping in a new type with the same name and labels', () =>
    expectNoDifference(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'ok')`, [
      `ALTER TYPE mood ADD VALUE 'meh'`,
      `CREATE TYPE mood_new AS ENUM ('sad', 'ok', 'happy');
       ALTER TABLE t ALTER COLUMN m DROP DEFAULT;
       ALTER TABLE t ALTER COLUMN m TYPE mood_new USING m::text::mood_new;
       ALTER TABLE t ALTER COLUMN m SET DEFAULT 'ok';
       DROP TYPE mood; ALTER TYPE mood_new RENAME TO mood`,
    ]));

  test('sequences advanced by a data migration', () =>
    expectNoDifference(
      'CREATE TABLE t (id serial PRIMARY KEY, n bigint GENERATED ALWAYS AS IDENTITY); CREATE SEQUENCE s',
      `INSERT INTO t DEFAULT VALUES; INSERT INTO t DEFAULT VALUES; SELECT nextval('s'), setval('s', 500)`,
    ));

  test('an index rebuilt with CREATE INDEX CONCURRENTLY', () =>
    expectNoDifference('CREATE TABLE t (email text); CREATE INDEX t_email_idx ON t (lower(email))', [
      'CREATE INDEX CONCURRENTLY t_email_idx_new ON t (lower(email))',
      'DROP INDEX CONCURRENTLY t_email_idx',
      'ALTER INDEX t_email_idx_new RENAME TO t_email_idx',
      'REINDEX INDEX CONCURRENTLY t_email_idx',
    ]));

  test('a serial table dropped and recreated', () =>
    expectNoDifference(
      'CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)',
      'DROP TABLE t; CREATE TABLE t (id serial PRIMARY KEY, name text NOT NULL)',
    ));

  test('a grant followed by the matching revoke', () =>
    expectNoDifference(
      'CREATE TABLE t (id int); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      `GRANT SELECT ON t TO PUBLIC; REVOKE SELECT ON t FROM PUBLIC;
       REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC; GRANT EXECUTE ON FUNCTION f() TO PUBLIC`,
    ));

  test('function bodies with semicolons inside dollar quotes, dropped and recreated', () => {
    const fn = `CREATE FUNCTION bump(p int) RETURNS int LANGUAGE plpgsql AS $body$
      DECLARE s text := 'a;b'; BEGIN PERFORM 1; RETURN p + 1; END; $body$`;
    return expectNoDifference(fn, `DROP FUNCTION bump(int); ${fn}`);
  });

  test('objects in schemas other than public, dropped and recreated', () => {
    const ddl = `CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid');
      CREATE TABLE billing.invoices (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, state billing.state NOT NULL DEFAULT 'open');
      CREATE INDEX invoices_state_idx ON billing.invoices (state);
      CREATE VIEW billing.open_invoices AS SELECT id FROM billing.invoices WHERE state = 'open';
      CREATE FUNCTION billing.total() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM billing.invoices $$;
      COMMENT ON TABLE billing.invoices IS 'invoices'`;
    return expectNoDifference(ddl, `DROP SCHEMA billing CASCADE; ${ddl}`);
  });
});

describe('snapshot details', () => {
  test('a dropped and re-added column is a column-order difference and nothing else', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE users (id int, display_name text, email text NOT NULL)');
      const before = await snapshotSchema(client);
      await client.query('ALTER TABLE users DROP COLUMN display_name; ALTER TABLE users ADD COLUMN display_name text');
      const diffs = diffSnapshots(before, await snapshotSchema(client));
      // email only shifted up by one: the bystander of the re-added column is not a difference.
      expect(diffs.map((d) => [d.display, d.columnOrderOnly])).toEqual([['column public.users.display_name', true]]);
      expect(diffs[0]!.diff).toContain("\n--- position 2 among the table's columns\n");
      expect(diffs[0]!.diff).toContain("\n+-- position 3 among the table's columns\n");
    });
  });

  test('positions are ranks among live columns, not attnums', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE t (a int, b int, c int); ALTER TABLE t DROP COLUMN a');
      const s = await snapshotSchema(client);
      expect(s.objects.get('column public.t.b')?.position).toBe(1);
      expect(s.objects.get('column public.t.c')?.position).toBe(2);
    });
  });

  test('the residue diff is a readable unified diff of canonical DDL', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE users (email text)');
      const before = await snapshotSchema(client);
      await client.query(`ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN email SET DEFAULT ''`);
      const [d] = diffSnapshots(before, await snapshotSchema(client));
      expect(d).toMatchObject({ display: 'column public.users.email', change: 'changed', table: 'public.users' });
      expect(d!.diff).toContain('-email text\n');
      expect(d!.diff).toContain(`+email text NOT NULL DEFAULT ''::text\n`);
    });
  });

  test('text is independent of the session search_path, and the session settings are restored', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('a'); CREATE TABLE app.t (m app.mood DEFAULT 'a', at timestamptz DEFAULT '2024-01-02 03:04:05+00')`);
      await client.query(`SET search_path = app, public; SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Asia/Tokyo'`);
      const inApp = await snapshotSchema(client);
      const { rows } = await client.query(`SELECT current_setting('search_path') AS sp, current_setting('DateStyle') AS ds`);
      expect(rows[0]).toEqual({ sp: 'app, public', ds: 'SQL, DMY' });
      await client.query('RESET search_path; RESET DateStyle; RESET TimeZone');
      expect(displays(inApp, await snapshotSchema(client))).toEqual([]);
      expect(inApp.objects.get('column app.t.m')?.ddl).toBe(`m app.mood DEFAULT 'a'::app.mood`);
    });
  });

  test('inside an open transaction the caller keeps its settings', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('BEGIN; SET LOCAL search_path = public');
      await snapshotSchema(client);
      const { rows } = await client.query(`SELECT current_setting('search_path') AS sp`);
      await client.query('COMMIT');
      expect(rows[0].sp).toBe('public');
    });
  });

  test('snapshotFingerprint equals the snapshot fingerprint and changes with the schema', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE TABLE "Mixed Case" ("Ünïcode" text DEFAULT 'é;'); COMMENT ON TABLE "Mixed Case" IS 'ß'`);
      const s = await snapshotSchema(client);
      expect(await snapshotFingerprint(client)).toBe(s.fingerprint);
      expect(s.objects.has('column public."Mixed Case"."Ünïcode"')).toBe(true);
      await client.query('CREATE INDEX ON "Mixed Case" ("Ünïcode")');
      expect(await snapshotFingerprint(client)).not.toBe(s.fingerprint);
    });
  });

  test('bookkeeping tables are left out with their sequences and attachments', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL);
        COMMENT ON TABLE goose_db_version IS 'goose'; CREATE INDEX ON goose_db_version (version_id);
        CREATE TABLE schema_migrations (version bigint PRIMARY KEY); CREATE TABLE users (id int)`);
      const s = await snapshotSchema(client, { excludeTables: ['public.goose_db_version', 'schema_migrations'] });
      const names = [...s.objects.keys()].filter((k) => k.includes('goose') || k.includes('schema_migrations'));
      expect(names).toEqual([]);
      expect(s.objects.has('table public.users')).toBe(true);
      expect(await snapshotFingerprint(client, { excludeTables: ['public.goose_db_version', 'schema_migrations'] })).toBe(s.fingerprint);
    });
  });

  test('a fresh database holds only what every database holds', async () => {
    await pg_.withDatabase(async (client) => {
      const s = await snapshotSchema(client);
      expect([...s.objects.keys()].sort()).toEqual(['extension plpgsql', 'privilege schema public to PUBLIC', 'schema public']);
    });
  });
});
