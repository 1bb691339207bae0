/**
 * Incremental snapshots against a real PostgreSQL: after each step, the snapshot patched with what
 * the step touched must be exactly the full snapshot (same objects, same fingerprint). The steps
 * are the cases that fire no event trigger or change the printed text of objects they do not name:
 * renames referenced elsewhere, schema renames, cascaded drops, enum labels, owners and roles,
 * changes recursing into partitions, CREATE INDEX CONCURRENTLY (also failing), several sessions
 * and transactions. Plus the fallbacks (a full read, with a reason) and the safety net.
 */
import pg from 'pg';
import { usePostgres } from '../helpers/postgres.js';
import { diffSnapshots } from '../../src/schema/diff.js';
import { compareWithFull, readUnitRows, refreshSnapshot, trackedSnapshot, type TrackedSnapshot } from '../../src/schema/incremental.js';
import { installChangeTracking, removeChangeTracking } from '../../src/schema/tracking.js';
import type { SnapshotOptions } from '../../src/schema/snapshot.js';

const pg_ = usePostgres();

/**
 * A step: SQL on the main connection, or statements each on a new connection (another tool
 * process); `failing` statements must fail (part of their work may stay committed).
 */
type Step = string | { sessions: string[]; failing?: boolean };

async function runStep(client: pg.Client, url: string, step: Step): Promise<void> {
  if (typeof step === 'string') {
    await client.query(step);
    return;
  }
  for (const text of step.sessions) {
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const outcome = await other.query(text).then(() => 'ok', (err: Error) => err.message);
      if (step.failing) expect(outcome).not.toBe('ok');
      else expect(outcome).toBe('ok');
    } finally {
      await other.end();
    }
  }
}

/** Applies the steps one by one; after each, the refreshed snapshot must equal a full read. */
async function expectExact(base: string, steps: Step[], options: SnapshotOptions = {}): Promise<TrackedSnapshot> {
  return pg_.withDatabase(async (client, db) => {
    if (base.trim()) await client.query(base);
    expect(await installChangeTracking(client)).toEqual({ installed: true });
    let s = await trackedSnapshot(client, options);
    for (const step of steps) {
      await runStep(client, db.url, step);
      const refreshed = await refreshSnapshot(client, s);
      const full = await trackedSnapshot(client, options);
      const label = JSON.stringify(step).slice(0, 200);
      expect({ step: label, mode: refreshed.mode, reason: refreshed.reason }).toEqual({ step: label, mode: 'incremental', reason: undefined });
      expect({ step: label, differences: diffSnapshots(full, refreshed.snapshot).map((d) => `${d.change} ${d.display}`) }).toEqual({
        step: label,
        differences: [],
      });
      expect(refreshed.snapshot.fingerprint).toBe(full.fingerprint);
      s = refreshed.snapshot;
    }
    return s;
  });
}

describe('incremental snapshot equals the full snapshot', () => {
  test('a renamed column referenced by an index expression, a check, a policy, a trigger WHEN, a view, a foreign key, OWNED BY, statistics, a publication and comments', () =>
    expectExact(
      `CREATE TABLE acct (id int PRIMARY KEY, email text, score int CHECK (score > 0));
       CREATE INDEX acct_email_idx ON acct (lower(email)) WHERE score > 1;
       ALTER TABLE acct ENABLE ROW LEVEL SECURITY;
       CREATE POLICY acct_own ON acct USING (email = current_user);
       CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
       CREATE TRIGGER acct_touch BEFORE UPDATE ON acct FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION touch();
       CREATE VIEW acct_emails AS SELECT id, email FROM acct;
       CREATE TABLE ref (acct_email text);
       ALTER TABLE acct ADD CONSTRAINT acct_email_key UNIQUE (email);
       ALTER TABLE ref ADD CONSTRAINT ref_fk FOREIGN KEY (acct_email) REFERENCES acct (email);
       CREATE SEQUENCE acct_seq OWNED BY acct.email;
       CREATE STATISTICS acct_stats ON email, score FROM acct;
       CREATE PUBLICATION acct_pub FOR TABLE acct (id, email);
       CREATE FUNCTION acct_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(email) FROM acct; END;
       COMMENT ON COLUMN acct.email IS 'login';`,
      ['ALTER TABLE acct RENAME COLUMN email TO login', 'ALTER TABLE acct RENAME TO account', 'ALTER TABLE account RENAME COLUMN login TO email'],
    ));

  test('a column whose type changes: views and SQL-body functions over it (which PostgreSQL makes the step drop and recreate), foreign keys to it (rebuilt)', () =>
    expectExact(
      `CREATE TABLE price (id int PRIMARY KEY, amount int); CREATE VIEW price_v AS SELECT amount * 2 AS twice FROM price;
       CREATE FUNCTION price_total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(amount) FROM price; END;
       CREATE TABLE line (price_id int REFERENCES price (id));`,
      [
        `DROP VIEW price_v; DROP FUNCTION price_total(); ALTER TABLE price ALTER COLUMN amount TYPE numeric(12,2);
         CREATE VIEW price_v AS SELECT amount * 2 AS twice FROM price;
         CREATE FUNCTION price_total() RETURNS numeric LANGUAGE sql BEGIN ATOMIC SELECT sum(amount) FROM price; END`,
        'ALTER TABLE price ALTER COLUMN id TYPE bigint',
        'ALTER TABLE price ALTER COLUMN amount SET DEFAULT 0, ALTER COLUMN amount SET NOT NULL',
      ],
    ));

  test('RENAME SCHEMA: every qualified name in it, and objects elsewhere that name them', () =>
    expectExact(
      `CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid');
       CREATE TABLE billing.invoice (id serial PRIMARY KEY, state billing.state DEFAULT 'open', total numeric);
       CREATE INDEX ON billing.invoice (state); COMMENT ON TABLE billing.invoice IS 'bills';
       CREATE FUNCTION billing.open_count(s billing.state) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM billing.invoice WHERE state = s $$;
       CREATE VIEW public.open_invoices AS SELECT id FROM billing.invoice WHERE state = 'open';
       CREATE TABLE public.payment (invoice_id int REFERENCES billing.invoice, s billing.state);
       GRANT USAGE ON SCHEMA billing TO PUBLIC; GRANT SELECT ON billing.invoice TO PUBLIC;
       ALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT SELECT ON TABLES TO PUBLIC;`,
      ['ALTER SCHEMA billing RENAME TO accounting', 'ALTER SCHEMA accounting RENAME TO billing', 'GRANT CREATE ON SCHEMA billing TO PUBLIC'],
    ));

  test('DROP of a table with dependent objects, cascading into other tables', () =>
    expectExact(
      `CREATE TABLE parent (id int PRIMARY KEY, name text);
       CREATE TABLE child (id int, parent_id int REFERENCES parent, n serial);
       CREATE VIEW parent_v AS SELECT * FROM parent; CREATE VIEW parent_vv AS SELECT id FROM parent_v;
       CREATE SEQUENCE parent_seq OWNED BY parent.id;
       CREATE TABLE uses_seq (n bigint DEFAULT nextval('parent_seq'));
       CREATE PUBLICATION pub_all FOR TABLE parent, child;
       COMMENT ON VIEW parent_v IS 'v'; COMMENT ON CONSTRAINT parent_pkey ON parent IS 'pk';`,
      ['DROP TABLE parent CASCADE', 'DROP TABLE child'],
    ));

  test('enum labels: ADD VALUE (in its own transaction) and RENAME VALUE printed in defaults, checks and views', () =>
    expectExact(
      `CREATE TYPE mood AS ENUM ('sad', 'ok');
       CREATE TABLE feel (m mood DEFAULT 'ok' CHECK (m <> 'sad'), ms mood[]);
       CREATE VIEW happy AS SELECT * FROM feel WHERE m = 'ok';
       CREATE INDEX feel_ok ON feel (m) WHERE m = 'ok';`,
      ["ALTER TYPE mood ADD VALUE 'happy' BEFORE 'ok'", "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'", 'ALTER TYPE mood RENAME TO feeling'],
    ));

  test('owners and roles: owner changes, grants, and a renamed role printed in owners, grants and policies', async () => {
    const r = `rv_role_${Date.now().toString(36)}`;
    await expectExact(
      `CREATE ROLE ${r}_a; CREATE ROLE ${r}_b;
       CREATE TABLE owned (id int, secret text); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
       CREATE POLICY p ON owned TO ${r}_a USING (true); GRANT SELECT (secret) ON owned TO ${r}_a;
       ALTER DEFAULT PRIVILEGES FOR ROLE ${r}_a GRANT SELECT ON TABLES TO ${r}_b;`,
      [
        `ALTER TABLE owned OWNER TO ${r}_a`,
        `ALTER FUNCTION f() OWNER TO ${r}_b; REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC`,
        `ALTER ROLE ${r}_a RENAME TO ${r}_c`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${r}_c REVOKE SELECT ON TABLES FROM ${r}_b`,
        `ALTER TABLE owned OWNER TO CURRENT_USER; DROP POLICY p ON owned; REVOKE ALL ON owned FROM ${r}_c`,
      ],
    );
  });

  test('a change that recurses into partitions names only the parent', () =>
    expectExact(
      `CREATE TABLE measure (k int, v varchar(10), note text) PARTITION BY LIST (k);
       CREATE TABLE measure_1 PARTITION OF measure FOR VALUES IN (1);
       CREATE TABLE measure_2 PARTITION OF measure FOR VALUES IN (2);`,
      [
        'ALTER TABLE measure ALTER COLUMN v TYPE varchar(20)',
        'ALTER TABLE measure ALTER COLUMN note SET NOT NULL',
        'ALTER TABLE measure RENAME COLUMN note TO remark',
        'ALTER TABLE measure RENAME TO measurement',
        'ALTER TABLE measurement DETACH PARTITION measure_2',
      ],
    ));

  test('CREATE INDEX CONCURRENTLY, a failed one that leaves an INVALID index, CLUSTER, an index renamed then dropped', () =>
    expectExact('CREATE TABLE dup (a int, b int); INSERT INTO dup VALUES (1, 1), (1, 2)', [
      'CREATE INDEX CONCURRENTLY dup_b ON dup (b)',
      // Fails on the duplicate after its first transaction committed the index: no event fires.
      { sessions: ['CREATE UNIQUE INDEX CONCURRENTLY dup_a ON dup (a)'], failing: true },
      // CLUSTER is no DDL for event triggers; it marks the index clustered.
      'CLUSTER dup USING dup_b',
      'ALTER INDEX dup_b RENAME TO dup_b2; DROP INDEX dup_b2',
      'DROP INDEX CONCURRENTLY dup_a',
    ]));

  test('several sessions and transactions, as a tool runs them, with a rolled-back transaction', () =>
    expectExact('CREATE TABLE base_t (id int)', [
      {
        sessions: [
          'BEGIN; CREATE TABLE t1 (a int); COMMIT; BEGIN; ALTER TABLE t1 ADD COLUMN b text; COMMIT',
          'BEGIN; CREATE TABLE t_rolled_back (a int); DROP TABLE base_t; ROLLBACK',
          'CREATE INDEX CONCURRENTLY t1_b ON t1 (b)',
          'ALTER TABLE t1 RENAME TO t2; CREATE VIEW t2_v AS SELECT b FROM t2',
        ],
      },
      { sessions: ['DROP VIEW t2_v', 'BEGIN; DROP TABLE t2; CREATE TABLE t2 (a int); COMMIT'] },
    ]));

  test('the rest of the object kinds: sequences, identity, generated, collation, domains, composites, ranges, aggregates, procedures, rules, event triggers, matviews', () =>
    expectExact(
      `CREATE COLLATION ci (provider = libc, locale = 'C');
       CREATE DOMAIN posint AS int CONSTRAINT pos CHECK (VALUE > 0);
       CREATE TYPE pair AS (x int, y text); CREATE TYPE span AS RANGE (subtype = int4);
       CREATE TABLE thing (id int GENERATED ALWAYS AS IDENTITY, n posint, p pair, s span, t text COLLATE ci, g int GENERATED ALWAYS AS (n * 2) STORED);
       CREATE FUNCTION add_int(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
       CREATE AGGREGATE total(int) (SFUNC = add_int, STYPE = int, INITCOND = '0');
       CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;
       CREATE RULE thing_ins AS ON INSERT TO thing WHERE false DO INSTEAD NOTHING;
       CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
       CREATE EVENT TRIGGER user_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl();
       CREATE MATERIALIZED VIEW thing_mv AS SELECT id, (p).x FROM thing;`,
      [
        'ALTER TABLE thing ALTER COLUMN id SET INCREMENT BY 5, ALTER COLUMN t SET DATA TYPE text COLLATE "C"',
        'ALTER DOMAIN posint ADD CONSTRAINT small CHECK (VALUE < 1000); ALTER DOMAIN posint DROP CONSTRAINT pos',
        'ALTER TYPE pair RENAME ATTRIBUTE y TO label',
        'ALTER FUNCTION add_int(int, int) RENAME TO plus',
        'ALTER COLLATION ci RENAME TO ci2; ALTER RULE thing_ins ON thing RENAME TO thing_ins2',
        'ALTER EVENT TRIGGER user_ddl DISABLE',
        'DROP EVENT TRIGGER user_ddl; ALTER PROCEDURE noop() RENAME TO noop2',
        'ALTER MATERIALIZED VIEW thing_mv RENAME COLUMN x TO px; DROP DOMAIN posint CASCADE',
        'ALTER TABLE thing ALTER COLUMN id DROP IDENTITY; DROP TYPE span CASCADE',
      ],
    ));

  test('renamed objects the snapshot does not show but prints: a foreign server, a procedural language, an operator, an extension type', () =>
    expectExact(
      `CREATE FOREIGN DATA WRAPPER dummy_fdw; CREATE SERVER remote FOREIGN DATA WRAPPER dummy_fdw;
       CREATE FOREIGN TABLE far (a int) SERVER remote OPTIONS (x 'y');
       CREATE FUNCTION body() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
       CREATE FUNCTION same(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
       CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = same);
       CREATE VIEW eq AS SELECT a === 1 AS one FROM far;
       CREATE EXTENSION citext; CREATE TABLE names (n citext);`,
      [
        'ALTER SERVER remote RENAME TO faraway',
        'ALTER LANGUAGE plpgsql RENAME TO plpgsql2',
        'ALTER LANGUAGE plpgsql2 RENAME TO plpgsql',
        'CREATE SCHEMA ops; ALTER OPERATOR === (int, int) SET SCHEMA ops',
        'ALTER TYPE citext RENAME TO ci_text',
      ],
    ));

  test('bookkeeping tables stay left out of patched snapshots', () =>
    expectExact(
      'CREATE TABLE users (id int)',
      ['CREATE TABLE schema_migrations (version bigint PRIMARY KEY); COMMENT ON TABLE schema_migrations IS $$x$$', 'ALTER TABLE users ADD COLUMN name text'],
      { excludeTables: ['schema_migrations'] },
    ));
});

describe('incremental snapshot: fallbacks and the safety net', () => {
  test('a step that removes the change tracking makes the refresh a full read, and says why', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE a (id int)');
      await installChangeTracking(client);
      const s0 = await trackedSnapshot(client);
      await client.query('DROP SCHEMA _rollback_verify CASCADE; ALTER TABLE a ADD COLUMN b int');
      const r = await refreshSnapshot(client, s0);
      expect([r.mode, r.trackingLost]).toEqual(['full', true]);
      expect(r.reason).toMatch(/tracking was removed/);
      expect(r.snapshot.objects.has('column public.a.b')).toBe(true);
      // Installed again, the next step is incremental and exact again.
      expect(await installChangeTracking(client)).toEqual({ installed: true });
      const s1 = await trackedSnapshot(client);
      await client.query('ALTER TABLE a DROP COLUMN b');
      const r2 = await refreshSnapshot(client, s1);
      expect([r2.mode, r2.trackingLost, r2.snapshot.fingerprint]).toEqual(['incremental', undefined, (await trackedSnapshot(client)).fingerprint]);
    });
  });

  test('a step that disables an event trigger of ours makes the refresh a full read', async () => {
    await pg_.withDatabase(async (client) => {
      await installChangeTracking(client);
      const s0 = await trackedSnapshot(client);
      await client.query('ALTER EVENT TRIGGER _rollback_verify_sql_drop DISABLE; CREATE TABLE b (id int)');
      const r = await refreshSnapshot(client, s0);
      expect([r.mode, r.trackingLost]).toEqual(['full', true]);
    });
  });

  test('ALTER EXTENSION (members may come and go) makes the refresh a full read', async () => {
    await pg_.withDatabase(async (client) => {
      await installChangeTracking(client);
      const s0 = await trackedSnapshot(client);
      await client.query('ALTER EXTENSION plpgsql UPDATE');
      const r = await refreshSnapshot(client, s0);
      expect([r.mode, r.reason]).toEqual(['full', expect.stringMatching(/ALTER EXTENSION/)]);
    });
  });

  test('a role that is not a superuser cannot install tracking, and is told why', async () => {
    await pg_.withDatabase(async (client, db) => {
      const role = `rv_plain_${Date.now().toString(36)}`;
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
      const url = new URL(db.url);
      url.username = role;
      url.password = 'pw';
      const plain = new pg.Client({ connectionString: url.toString() });
      await plain.connect();
      try {
        expect(await installChangeTracking(plain)).toEqual({ installed: false, reason: expect.stringMatching(/superuser/) });
      } finally {
        await plain.end();
        await client.query(`DROP ROLE ${role}`);
      }
    });
  });

  test('the safety net names what a patched snapshot missed (a catalog edit no event or xmin reveals)', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query('CREATE TABLE t (id serial)');
      await installChangeTracking(client);
      const s0 = await trackedSnapshot(client);
      // A superuser editing pg_depend by hand: the serial sequence is no longer OWNED BY its column.
      await client.query(`DELETE FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = 't_id_seq'::regclass AND deptype = 'a'`);
      const r = await refreshSnapshot(client, s0);
      const full = await trackedSnapshot(client);
      const verdict = compareWithFull(r.snapshot, full);
      expect(verdict.same).toBe(false);
      expect(verdict.differences.map((d) => `${d.change} ${d.display}`)).toEqual(['changed sequence public.t_id_seq']);
      // The near miss: without the edit, the same refresh is exact.
      expect(compareWithFull(r.snapshot, r.snapshot)).toEqual({ same: true, differences: [] });
    });
  });

  test('removing tracking leaves no object behind, and tracking objects never show in a snapshot', async () => {
    await pg_.withDatabase(async (client) => {
      const before = await trackedSnapshot(client);
      await installChangeTracking(client);
      const during = await trackedSnapshot(client);
      expect(during.fingerprint).toBe(before.fingerprint);
      await removeChangeTracking(client);
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_event_trigger`);
      expect(rows[0].n).toBe(0);
      expect((await trackedSnapshot(client)).fingerprint).toBe(before.fingerprint);
    });
  });
});

describe('a scoped read is the full read restricted to its units', () => {
  test('for every single unit and for all units at once', async () => {
    await pg_.withDatabase(async (client) => {
      await client.query(`CREATE SCHEMA s; CREATE TYPE s.e AS ENUM ('a'); CREATE TABLE s.t (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, e s.e);
        CREATE INDEX ON s.t (e); CREATE VIEW s.v AS SELECT * FROM s.t; CREATE FUNCTION s.f(s.e) RETURNS int LANGUAGE sql AS 'SELECT 1';
        GRANT SELECT ON s.t TO PUBLIC; GRANT USAGE ON SEQUENCE s.t_id_seq TO PUBLIC; COMMENT ON COLUMN s.t.e IS 'c'; COMMENT ON TYPE s.e IS 't';
        CREATE PUBLICATION p FOR TABLE s.t; ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
        -- Comments on parts of units: each must come back with its unit.
        CREATE TYPE s.pair AS (x int); CREATE DOMAIN s.pos AS int CONSTRAINT pos_check CHECK (VALUE > 0);
        CREATE FUNCTION s.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
        CREATE TRIGGER t_trg BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.trg();
        CREATE POLICY t_pol ON s.t USING (true); CREATE RULE t_rule AS ON UPDATE TO s.t DO ALSO NOTHING;
        CREATE STATISTICS s.t_stats ON id, e FROM s.t;
        COMMENT ON INDEX s.t_e_idx IS 'i'; COMMENT ON CONSTRAINT t_pkey ON s.t IS 'k'; COMMENT ON TRIGGER t_trg ON s.t IS 'tg';
        COMMENT ON POLICY t_pol ON s.t IS 'p'; COMMENT ON RULE t_rule ON s.t IS 'r'; COMMENT ON STATISTICS s.t_stats IS 's';
        COMMENT ON SEQUENCE s.t_id_seq IS 'identity'; COMMENT ON COLUMN s.pair.x IS 'attr'; COMMENT ON TYPE s.pair IS 'pair';
        COMMENT ON CONSTRAINT pos_check ON DOMAIN s.pos IS 'dc'; COMMENT ON PUBLICATION p IS 'pub'; COMMENT ON VIEW s.v IS 'v'`);
      const full = await trackedSnapshot(client);
      const byUnit = new Map([...full.units].map(([u, keys]) => [u, [...keys].sort()]));
      expect(byUnit.size).toBeGreaterThan(8);
      // The comments on parts sit in their owner's unit.
      const tableUnit = [...byUnit].find(([, keys]) => keys.includes('table s.t'))![1];
      for (const c of ['index s.t_e_idx', 'table constraint t_pkey on s.t', 'trigger t_trg on s.t', 'policy t_pol on s.t', 'rule t_rule on s.t', 'statistics object s.t_stats', 'sequence s.t_id_seq']) {
        expect(tableUnit).toContain(`comment ${c}`);
      }
      for (const [unit, keys] of byUnit) {
        const rows = await readUnitRows(client, [unit]);
        expect({ unit, keys: rows.map((r) => `${r.kind} ${r.name}`).sort() }).toEqual({ unit, keys });
      }
      const all = await readUnitRows(client, [...byUnit.keys()]);
      expect(all.length).toBe(full.objects.size);
    });
  });
});
