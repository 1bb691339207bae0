/**
 * The catalog reading behind the seeding scope (src/data/scope-catalog.ts) on a real server, and
 * the scope it gives: a view, a leaf partition, an inheritance child, a writing rule and a trigger
 * each reach the tables behind them; unrelated tables stay out.
 */
import { describe, expect, it } from '@jest/globals';
import { migrationReferences } from '../../src/data/references.js';
import { createDataGuard } from '../../src/data/guard.js';
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

function sql(up: string, down?: string, id = '1'): Migration {
  const script = (text: string, file: string) => ({ kind: 'sql' as const, file, text, line: 1, transaction: 'implicit' as const });
  return { id, name: `m${id}`, up: script(up, `${id}.up.sql`), ...(down ? { down: script(down, `${id}.down.sql`) } : {}), files: [], markers: {} };
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

  it('reaches what an event trigger writes, whatever the migration names', () =>
    pg.withDatabase(async (client) => {
      await client.query(SCHEMA);
      await client.query(`CREATE TABLE ddl_log (id int);
        CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ddl_log VALUES (1); END $$;
        CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION log_ddl();`);
      const scope = seedScope(await migrationReferences([sql('ALTER TABLE bystander ADD COLUMN x int;')]), await readScopeCatalog(client));
      expect(scope.all ? 'all' : [...scope.tables].sort()).toEqual(['public.bystander', 'public.ddl_log']);
    }));
});

describe('the guard with a scope', () => {
  const pg = usePostgres();

  it('seeds and fingerprints only what the new migrations reach (plus tables they create), and still finds a lossy down', () =>
    pg.withDatabase(async (client) => {
      await client.query(SCHEMA);
      const m1 = sql('CREATE TABLE made (id int PRIMARY KEY, base_id int REFERENCES base(id));', 'DROP TABLE made;', '1');
      const m2 = sql('ALTER TABLE made ADD COLUMN note text;', 'ALTER TABLE made DROP COLUMN note; UPDATE base SET v = NULL;', '2');
      const guard = createDataGuard({ seedRows: 10, excludeTables: [], fresh: [m1, m2] });
      const seeded = await guard.afterBaseline(client);
      expect(seeded.map((t) => t.table)).toEqual(['public.base']);
      expect(guard.scopeNote()).toContain("Seeded 1 of the baseline's 9 tables: the 1 the new migrations reach; the others stay empty");

      const before1 = await guard.beforeUp(client, m1);
      expect([...before1.keys()]).toEqual(['public.base']);
      await client.query(m1.up.kind === 'sql' ? m1.up.text : '');
      // The table the up created is seeded once it stays applied, as without a scope.
      expect((await guard.afterReup(client, m1)).map((t) => t.table)).toEqual(['public.made']);

      const before2 = await guard.beforeUp(client, m2);
      expect([...before2.keys()].sort()).toEqual(['public.base', 'public.made']);
      await client.query((m2.up as { text: string }).text);
      await client.query((m2.down as { text: string }).text);
      const problems = await guard.afterDown(client, m2, before2);
      expect(problems.filter((p) => p.severity === 'error').map((p) => p.object)).toEqual(['column public.base.v']);
    }));
});
