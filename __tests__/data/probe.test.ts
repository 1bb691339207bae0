/**
 * Change probes (src/data/probe.ts) on a real server: every way of changing rows must change the
 * probe, reading or rolled-back work must not, and tables whose text can change without their
 * bytes are never probed. Then through the guard: a fingerprint reused from an earlier step must
 * still reveal a later down's data loss.
 */
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { readTables } from '../../src/data/catalog.js';
import { createDataGuard } from '../../src/data/guard.js';
import { isProbeable, probeTables } from '../../src/data/probe.js';
import type { Migration } from '../../src/formats/types.js';
import { usePostgres } from '../helpers/postgres.js';

const SETUP = `
  CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL);
  INSERT INTO items (name, qty) SELECT 'item ' || g, g FROM generate_series(1, 50) g;`;

async function probe(client: pg.Client): Promise<string | undefined> {
  const tables = await readTables(client);
  return (await probeTables(client, tables)).get('public.items');
}

function migration(id: string, up: string, down: string): Migration {
  const script = (text: string, file: string) => ({ kind: 'sql' as const, file, text, line: 1, transaction: 'implicit' as const });
  return { id, name: `m${id}`, up: script(up, `${id}.up.sql`), down: script(down, `${id}.down.sql`), files: [], markers: {} };
}

describe('change probes', () => {
  const pg = usePostgres();

  const changes: Array<[string, string]> = [
    ['an UPDATE that writes the same values', 'UPDATE items SET qty = qty'],
    ['a DELETE and an INSERT of the same row', "DELETE FROM items WHERE id = 7; INSERT INTO items (id, name, qty) VALUES (7, 'item 7', 7)"],
    ['a rewrite that keeps every row', 'VACUUM FULL items'],
    ['a column type change', 'ALTER TABLE items ALTER COLUMN qty TYPE bigint'],
    ['an added column with a default (no rewrite)', 'ALTER TABLE items ADD COLUMN note text DEFAULT $$x$$'],
    ['TRUNCATE and the same rows again', 'CREATE TEMP TABLE keep AS SELECT * FROM items; TRUNCATE items; INSERT INTO items SELECT * FROM keep'],
  ];
  for (const [what, sql] of changes) {
    it(`changes on ${what}`, () =>
      pg.withDatabase(async (client) => {
        await client.query(SETUP);
        const before = await probe(client);
        expect(before).toBeDefined();
        await client.query(sql);
        expect(await probe(client)).not.toEqual(before);
      }));
  }

  it('stays equal after reads and rolled-back changes', () =>
    pg.withDatabase(async (client) => {
      await client.query(SETUP);
      const before = await probe(client);
      await client.query('SELECT * FROM items');
      await client.query('BEGIN; UPDATE items SET qty = 0; DELETE FROM items; ROLLBACK');
      await client.query('ANALYZE items');
      expect(await probe(client)).toEqual(before);
    }));

  it('leaves tables with enum (or other user-typed) columns to full fingerprints', () =>
    pg.withDatabase(async (client) => {
      await client.query(`CREATE TYPE mood AS ENUM ('ok', 'sad'); CREATE TABLE moods (id int PRIMARY KEY, m mood)`);
      const [table] = await readTables(client);
      expect(isProbeable(table!)).toBe(false);
      expect((await probeTables(client, [table!])).size).toBe(0);
    }));

  it('a fingerprint reused from an earlier step still shows a later down losing data', () =>
    pg.withDatabase(async (client) => {
      await client.query(SETUP);
      const guard = createDataGuard({ seedRows: 0, excludeTables: [] });
      const step = async (m: Migration) => {
        const before = await guard.beforeUp(client, m);
        await client.query((m.up as { text: string }).text);
        await client.query((m.down as { text: string }).text);
        return guard.afterDown(client, m, before);
      };
      expect(await step(migration('1', 'CREATE TABLE other (id int)', 'DROP TABLE other'))).toEqual([]);
      // items was not touched by step 1, so step 2's "before" reuses its fingerprint.
      const problems = await step(migration('2', 'ALTER TABLE items ADD COLUMN x int', "ALTER TABLE items DROP COLUMN x; UPDATE items SET name = 'lost' WHERE id <= 3"));
      expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('items.name: 3 of 50 values changed')]);
    }));
});
