/**
 * generateDown against a real PostgreSQL: for every object kind the snapshot compares, a wrong (or
 * missing) down leaves a schema S2; the generated SQL, applied to S2, must give back exactly the
 * schema before the up (same fingerprint). A correct down leaves nothing to generate.
 */
import type pg from 'pg';
import { usePostgres } from '../helpers/postgres.js';
import { diffSnapshots } from '../../src/schema/diff.js';
import type { Snapshot } from '../../src/schema/model.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { generateDown, type GeneratedDown } from '../../src/fix/generate.js';
import { ROLLBACK_CASES } from '../schema/rollback-cases.js';
import { FIX_CASES } from './fix-cases.js';

const pg_ = usePostgres();

async function run(client: pg.Client, sql: string | undefined): Promise<void> {
  if (sql?.trim()) await client.query(sql);
}

/** Differences left between the wanted schema and the one now, by display name. */
async function residue(client: pg.Client, wanted: Snapshot): Promise<string[]> {
  return diffSnapshots(wanted, await snapshotSchema(client)).map((d) => `${d.display}${d.columnOrderOnly ? ' (column order)' : ''}`);
}

/** Applies a generated down, failing with the SQL in the message when PostgreSQL refuses it. */
async function apply(client: pg.Client, fix: GeneratedDown): Promise<void> {
  try {
    await run(client, fix.sql);
  } catch (err) {
    throw new Error(`the generated SQL failed: ${(err as Error).message}\n${fix.sql}`);
  }
}

const DROP_CASCADE = /^DROP\b[^;]*\bCASCADE\s*;/im;

describe('generateDown restores every object kind', () => {
  test.each(ROLLBACK_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await pg_.withDatabase(async (client) => {
      await run(client, c.base);
      const s0 = await snapshotSchema(client);
      await run(client, c.up);
      const s1 = await snapshotSchema(client);

      // Missing down: the whole down is generated from the state after the up.
      const whole = generateDown(s0, s1);
      expect(whole.sql).not.toBe('');
      expect(whole.unfixable).toEqual([]);
      expect(whole.sql).not.toMatch(DROP_CASCADE);
      await apply(client, whole);
      expect(await residue(client, s0)).toEqual([]);

      // The other way round (what the up does), so creation and removal are both exercised.
      const again = generateDown(s1, s0);
      await apply(client, again);
      expect(await residue(client, s1)).toEqual([]);

      // A wrong down: the generated SQL takes its leftovers back to S0.
      await run(client, c.badDown);
      const s2 = await snapshotSchema(client);
      const fix = generateDown(s0, s2);
      expect(fix.unfixable).toEqual([]);
      await apply(client, fix);
      expect(await residue(client, s0)).toEqual([]);

      // Near miss: the right down leaves nothing to generate.
      await run(client, c.up);
      await run(client, c.down);
      expect(generateDown(s0, await snapshotSchema(client))).toEqual({ sql: '', statements: [], unfixable: [], warnings: [] });
    });
  });
});

describe('generateDown with dependencies, recreate patterns and data', () => {
  test.each(FIX_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await pg_.withDatabase(async (client) => {
      await run(client, c.base);
      const s0 = await snapshotSchema(client);
      await run(client, c.up);
      await run(client, c.badDown);
      const s2 = await snapshotSchema(client);
      const fix = generateDown(s0, s2);
      for (const text of c.expect ?? []) expect(fix.sql).toContain(text);
      expect(fix.sql).not.toMatch(DROP_CASCADE);
      expect(fix.unfixable).toEqual([]);
      expect(fix.warnings.map((w) => w.object)).toEqual(c.warnings ?? []);
      await apply(client, fix);
      const left = await residue(client, s0);
      // The only thing PostgreSQL cannot restore here is a column's place, and the warning says so.
      if (c.warnings?.length) expect(left.every((d) => d.endsWith('(column order)'))).toBe(true);
      else expect(left).toEqual([]);
      await run(client, c.data);

      // And back: from S0 to the wrong down's state, through drops and recreations the other way.
      const back = generateDown(s2, await snapshotSchema(client));
      expect(back.unfixable).toEqual([]);
      await apply(client, back);
      const leftBack = await residue(client, s2);
      expect(leftBack.every((d) => d.endsWith('(column order)'))).toBe(true);
    });
  });
});

describe('what cannot be restored is said plainly', () => {
  test('a change of partitioning has no ALTER: unfixable, with the reason', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE events (a int, b int) PARTITION BY RANGE (a)');
      const s0 = await snapshotSchema(client);
      await client.query('DROP TABLE events; CREATE TABLE events (a int, b int) PARTITION BY LIST (b)');
      const fix = generateDown(s0, await snapshotSchema(client));
      expect(fix.unfixable).toEqual([
        {
          object: 'table public.events',
          reason: 'its partitioning changed (RANGE (a) → LIST (b)); PostgreSQL cannot change how a table is partitioned, only recreating it (and moving its rows) would',
        },
      ]);
    });
  });

  test('an enum label cannot be removed while a domain uses the enum: unfixable, naming both', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN good_mood AS mood CHECK (VALUE <> 'sad')`);
      const s0 = await snapshotSchema(client);
      await client.query(`ALTER TYPE mood ADD VALUE 'meh'`);
      const fix = generateDown(s0, await snapshotSchema(client));
      expect(fix.unfixable).toEqual([
        {
          object: 'domain public.good_mood',
          reason: 'it uses type public.mood, which has to be recreated; PostgreSQL cannot point a domain at a new type, so restore both by hand',
        },
      ]);
    });
  });

  test('near miss: the same enum without the domain is recreated and verified', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood)`);
      const s0 = await snapshotSchema(client);
      await client.query(`ALTER TYPE mood ADD VALUE 'meh'`);
      const fix = generateDown(s0, await snapshotSchema(client));
      expect(fix.unfixable).toEqual([]);
      await apply(client, fix);
      expect(await residue(client, s0)).toEqual([]);
    });
  });

  test('a column re-added by the down cannot return to its place: a warning, and the rest is fixed', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE users (id int, email text, name text)');
      const s0 = await snapshotSchema(client);
      await client.query('ALTER TABLE users DROP COLUMN email');
      const fix = generateDown(s0, await snapshotSchema(client));
      expect(fix.sql).toBe('ALTER TABLE public.users ADD COLUMN email text;\n');
      expect(fix.warnings).toEqual([
        {
          object: 'table public.users',
          reason: 'its columns end up in the order (id, name, email) instead of (id, email, name): PostgreSQL adds a column at the end and cannot move it; only recreating the table would restore the order',
        },
      ]);
    });
  });
});

describe('generated SQL is stable and reviewable', () => {
  test('the same snapshots give the same SQL, one statement a line, names qualified and quoted', async () => {
    await pg_.withDatabase(async (client) => {
      const s0 = await snapshotSchema(client);
      await client.query(`CREATE TABLE "Order Items" ("Item ID" int PRIMARY KEY, note text); CREATE INDEX "By Note" ON "Order Items" (note)`);
      const s1 = await snapshotSchema(client);
      const a = generateDown(s0, s1);
      expect(a).toEqual(generateDown(s0, s1));
      expect(a.sql).toBe('DROP TABLE public."Order Items";\n');
      const b = generateDown(s1, s0);
      expect(b.sql).toBe(
        [
          'CREATE TABLE public."Order Items" ("Item ID" integer NOT NULL, note text);',
          'ALTER TABLE public."Order Items" ADD CONSTRAINT "Order Items_pkey" PRIMARY KEY ("Item ID");',
          'CREATE INDEX "By Note" ON public."Order Items" USING btree (note);',
          '',
        ].join('\n'),
      );
    });
  });

  test("with the server's version, a generated column's expression is set in place (17+) instead of the column re-added", async () => {
    await pg_.withDatabase(async (client) => {
      const version = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
      await client.query('CREATE TABLE t (price int, qty int, note text, total int GENERATED ALWAYS AS (price * qty) STORED)');
      const s0 = await snapshotSchema(client);
      await client.query('ALTER TABLE t DROP COLUMN total; ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (price + qty) STORED');
      const s1 = await snapshotSchema(client);
      const inPlace = generateDown(s0, s1, { serverVersionNum: version });
      expect(inPlace.warnings).toEqual([]);
      if (version >= 170000) expect(inPlace.sql).toBe('ALTER TABLE public.t ALTER COLUMN total SET EXPRESSION AS ((price * qty));\n');
      else expect(inPlace.sql).toContain('DROP COLUMN total');
      // Without a version the generator stays with what every supported server accepts.
      expect(generateDown(s0, s1).sql).toBe('ALTER TABLE public.t DROP COLUMN total;\nALTER TABLE public.t ADD COLUMN total integer GENERATED ALWAYS AS ((price * qty)) STORED;\n');
      await apply(client, inPlace);
      expect(await residue(client, s0)).toEqual([]);
    });
  });
});
