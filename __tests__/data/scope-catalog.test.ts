/**
 * The catalog reading behind the seeding scope (src/data/scope-catalog.ts) on a real server, and
 * the scope it gives: a view, a leaf partition, an inheritance child, a writing rule and a trigger
 * each reach the tables behind them; unrelated tables stay out.
 */
import { describe, expect, it } from '@jest/globals';
import { migrationReferences } from '../../src/data/references.js';
import { readScopeCatalog } from '../../src/data/scope-catalog.js';
import { seedScope } from '../../src/data/seed-scope.js';
import type { Migration } from '../../src/formats/types.js';
import { usePostgres } from '../helpers/postgres.js';

const SCHEMA = `
  CREATE TABLE base (id int PRIMARY KEY, v text);
  CREATE VIEW base_view AS SELECT * FROM base;
  CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE animals (id int, name text);
  CREATE TABLE cats (purrs boolean) INHERITS (animals);
  CREATE TABLE ruled (id int);
  CREATE TABLE rule_target (id int);
  CREATE RULE copy_it AS ON INSERT TO ruled DO ALSO INSERT INTO rule_target VALUES (NEW.id);
  CREATE TABLE stamped (id int);
  CREATE TABLE stamp_log (id int);
  CREATE FUNCTION log_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO stamp_log VALUES (NEW.id); RETURN NEW; END $$;
  CREATE TRIGGER t AFTER INSERT ON stamped FOR EACH ROW EXECUTE FUNCTION log_stamp();
  CREATE TABLE bystander (id int);`;

function sql(up: string): Migration {
  return { id: '1', name: 'm1', up: { kind: 'sql', file: '1.up.sql', text: up, line: 1, transaction: 'implicit' }, files: [], markers: {} };
}

describe('scope catalog', () => {
  const pg = usePostgres();
  const cases: Array<[string, string, string[]]> = [
    ['a view', 'UPDATE base_view SET v = v;', ['public.base']],
    ['a leaf partition', 'DELETE FROM events_2024;', ['public.events']],
    ['an inheritance parent', 'DELETE FROM animals;', ['public.animals', 'public.cats']],
    ['a table with a writing rule', 'INSERT INTO ruled VALUES (1);', ['public.rule_target', 'public.ruled']],
    ['a table with a trigger', 'INSERT INTO stamped VALUES (1);', ['public.stamp_log', 'public.stamped']],
  ];
  for (const [what, up, expected] of cases) {
    it(`reaches the tables behind ${what}`, () =>
      pg.withDatabase(async (client) => {
        await client.query(SCHEMA);
        const scope = seedScope(await migrationReferences([sql(up)]), await readScopeCatalog(client));
        expect(scope.all ? 'all' : [...scope.tables].sort()).toEqual(expected);
      }));
  }
});
