/**
 * Data checks when the primary key itself is touched (found on vaultwarden's history: a down
 * that turns varchar(40) keys back into char(40) reported every other column of those tables as
 * "1000 of 1000 values changed"). A key whose values stay the same across a type change keeps
 * its rows' identity; a key whose values change is reported on the key column, not on every
 * bystander column beside it. Near misses: a bystander that really lost values is still reported,
 * and a changed value with the key untouched is still reported.
 */
import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Migration } from '../../src/formats/types.js';
import { createDataGuard } from '../../src/data/guard.js';
import type { DataGuard } from '../../src/data/guard.js';
import type { Problem } from '../../src/result/types.js';
import { usePostgres } from '../helpers/postgres.js';

const BASELINE = `
  CREATE TABLE organizations (uuid varchar(40) PRIMARY KEY, name text NOT NULL, billing_email text NOT NULL);
  CREATE TABLE collections (uuid varchar(40) PRIMARY KEY, org_uuid varchar(40) NOT NULL, name text NOT NULL);
  CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, author text)`;

function migration(id: string, up: string, down: string): Migration {
  const script = (text: string, file: string) => ({ kind: 'sql' as const, file, text, line: 1, transaction: 'implicit' as const });
  return { id, name: `m${id}`, up: script(up, `${id}.up.sql`), down: script(down, `${id}.down.sql`), files: [], markers: {} };
}

async function verifyStep(client: pg.Client, guard: DataGuard, m: Migration): Promise<Problem[]> {
  const before = await guard.beforeUp(client, m);
  await client.query((m.up as { text: string }).text);
  await client.query((m.down as { text: string }).text);
  const problems = await guard.afterDown(client, m, before);
  await client.query((m.up as { text: string }).text);
  await guard.afterReup(client, m);
  return problems;
}

const objects = (problems: Problem[]) => problems.map((p) => `${p.severity} ${p.kind} ${p.object}`);

describe('data checks when the key is touched', () => {
  const pg = usePostgres();
  const withSeeded = (fn: (client: pg.Client, guard: DataGuard) => Promise<void>) =>
    pg.withDatabase(async (client) => {
      await client.query(BASELINE);
      const guard = createDataGuard({ seedRows: 200, excludeTables: [] });
      await guard.afterBaseline(client);
      await fn(client, guard);
    });

  it('keys that come back as char(n) with the same values: no data problem (the type is the schema check’s)', () =>
    withSeeded(async (client, guard) => {
      const m = migration(
        '2',
        'ALTER TABLE organizations ALTER COLUMN uuid TYPE varchar(40); ALTER TABLE collections ALTER COLUMN uuid TYPE varchar(40), ALTER COLUMN org_uuid TYPE varchar(40)',
        'ALTER TABLE organizations ALTER COLUMN uuid TYPE char(40); ALTER TABLE collections ALTER COLUMN uuid TYPE char(40), ALTER COLUMN org_uuid TYPE char(40)',
      );
      expect(objects(await verifyStep(client, guard, m))).toEqual([]);
    }));

  it('renumbered keys are reported on the key column, not on the columns beside it', () =>
    withSeeded(async (client, guard) => {
      const m = migration('2', 'ALTER TABLE notes ADD COLUMN flag int', 'ALTER TABLE notes DROP COLUMN flag; UPDATE notes SET id = id + 100000');
      expect(objects(await verifyStep(client, guard, m))).toEqual(['error data-loss column public.notes.id']);
    }));

  it('near miss: renumbered keys and a bystander that lost values: both reported', () =>
    withSeeded(async (client, guard) => {
      const m = migration('2', 'ALTER TABLE notes ADD COLUMN flag int', "ALTER TABLE notes DROP COLUMN flag; UPDATE notes SET id = id + 100000, body = 'lost'");
      expect(objects(await verifyStep(client, guard, m))).toEqual(['error data-loss column public.notes.id', 'error data-loss column public.notes.body']);
    }));

  it('near miss: values swapped between rows with the key untouched are still a change', () =>
    withSeeded(async (client, guard) => {
      const m = migration(
        '2',
        'ALTER TABLE notes ADD COLUMN flag int',
        'ALTER TABLE notes DROP COLUMN flag; UPDATE notes n SET body = o.body FROM notes o WHERE o.id = (SELECT min(id) FROM notes) AND n.id = (SELECT max(id) FROM notes) OR (o.id = (SELECT max(id) FROM notes) AND n.id = (SELECT min(id) FROM notes))',
      );
      expect(objects(await verifyStep(client, guard, m))).toEqual(['error data-loss column public.notes.body']);
    }));
});
