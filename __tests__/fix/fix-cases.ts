/**
 * Cases where restoring the schema needs more than one statement per object: dependencies that
 * must be dropped first and recreated after, enum labels PostgreSQL cannot remove, data that a
 * recreated sequence must continue after, quoted names. Each has a base, an up and a wrong down
 * (empty: the down is missing); the generated SQL applied after the wrong down must restore the
 * base exactly.
 */
export interface FixCase {
  name: string;
  base?: string;
  up: string;
  /** The wrong down; empty means none. */
  badDown: string;
  /** Run after base and after the fix, to show data survives (e.g. inserts that need the sequence). */
  data?: string;
  /** Substrings the generated SQL must contain (the reviewable shape of the fix). */
  expect?: string[];
  /** Warnings expected (substring of the object names), e.g. a column that cannot return to its place. */
  warnings?: string[];
}

const ROLE = `DO $$ BEGIN CREATE ROLE rv_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;`;

export const FIX_CASES: FixCase[] = [
  {
    name: 'enum label removed while columns, defaults, indexes, checks, views and functions use it',
    base: `CREATE TYPE status AS ENUM ('new', 'paid');
      CREATE TABLE orders (id int PRIMARY KEY, s status NOT NULL DEFAULT 'new', history status[] DEFAULT '{new}',
        CONSTRAINT not_paid_twice CHECK (s <> 'paid'::status OR id > 0));
      CREATE INDEX orders_paid_idx ON orders (id) WHERE s = 'paid';
      CREATE INDEX orders_s_idx ON orders (s);
      CREATE VIEW paid_orders AS SELECT id FROM orders WHERE s = 'paid';
      CREATE FUNCTION is_new(x status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x = 'new' $$;
      INSERT INTO orders VALUES (1, 'new', '{new,paid}'), (2, 'paid', DEFAULT)`,
    up: `ALTER TYPE status ADD VALUE 'refunded'`,
    badDown: '',
    expect: ['RENAME TO status_old', "USING s::text::public.status", 'USING history::text[]::public.status[]', 'DROP TYPE public.status_old'],
  },
  {
    name: 'column type widened under a view, a policy and a materialized view with an index',
    base: `CREATE TABLE t (id int, owner text);
      CREATE VIEW v AS SELECT id, owner FROM t; CREATE VIEW vv AS SELECT id FROM v WHERE id > 1;
      CREATE MATERIALIZED VIEW mv AS SELECT id FROM t; CREATE INDEX mv_id ON mv (id); COMMENT ON MATERIALIZED VIEW mv IS 'counts';
      ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON t USING (id > 0);
      INSERT INTO t VALUES (1, 'a'), (2, 'b')`,
    up: `DROP VIEW vv; DROP VIEW v; DROP MATERIALIZED VIEW mv; DROP POLICY p ON t;
      ALTER TABLE t ALTER COLUMN id TYPE bigint;
      CREATE VIEW v AS SELECT id, owner FROM t; CREATE VIEW vv AS SELECT id FROM v WHERE id > 1;
      CREATE MATERIALIZED VIEW mv AS SELECT id FROM t; CREATE INDEX mv_id ON mv (id); COMMENT ON MATERIALIZED VIEW mv IS 'counts';
      CREATE POLICY p ON t USING (id > 0)`,
    badDown: '',
    expect: ['DROP VIEW public.vv;', 'ALTER TABLE public.t ALTER COLUMN id TYPE integer USING id::integer;', "COMMENT ON MATERIALIZED VIEW public.mv IS 'counts';"],
  },
  {
    name: 'function return type changed under a trigger, a default, a check, an expression index and a view',
    base: `CREATE FUNCTION score(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x * 2 $$;
      CREATE FUNCTION zero() RETURNS int LANGUAGE sql AS $$ SELECT 0 $$;
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v := NEW.v; RETURN NEW; END $$;
      CREATE TABLE t (v int DEFAULT zero(), CONSTRAINT v_ok CHECK (score(v) >= 0));
      CREATE INDEX t_score ON t (score(v));
      CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
      CREATE VIEW scores AS SELECT score(v) AS s FROM t;
      INSERT INTO t VALUES (1), (2)`,
    up: `DROP VIEW scores; ALTER TABLE t DROP CONSTRAINT v_ok; DROP INDEX t_score; ALTER TABLE t ALTER COLUMN v DROP DEFAULT;
      DROP TRIGGER t_touch ON t; DROP FUNCTION score(int); DROP FUNCTION zero(); DROP FUNCTION touch();
      CREATE FUNCTION score(x int) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT x * 3 $$;
      CREATE FUNCTION zero() RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      ALTER TABLE t ALTER COLUMN v SET DEFAULT zero(), ADD CONSTRAINT v_ok CHECK (score(v) >= 0);
      CREATE INDEX t_score ON t (score(v));
      CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
      CREATE VIEW scores AS SELECT score(v) AS s FROM t`,
    badDown: '',
    expect: ['DROP FUNCTION public.score(integer);', 'ALTER TABLE public.t ALTER COLUMN v DROP DEFAULT;', 'DROP INDEX public.t_score;'],
  },
  {
    name: 'a serial sequence dropped by the down comes back continuing after the data',
    base: `CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) VALUES ('a'), ('b'), ('c')`,
    up: `ALTER TABLE items ADD COLUMN note text`,
    badDown: `ALTER TABLE items DROP COLUMN note; ALTER TABLE items ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE items_id_seq`,
    data: `INSERT INTO items (name) VALUES ('d')`,
    expect: ["SELECT pg_catalog.setval('public.items_id_seq', max(id)) FROM public.items HAVING max(id) IS NOT NULL;"],
  },
  {
    name: 'a standalone sequence the up made owned by a column, and a sequence the down dropped',
    base: `CREATE TABLE t (id int); CREATE SEQUENCE free_seq START 100; CREATE SEQUENCE t_seq OWNED BY t.id;
      ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_seq'); INSERT INTO t DEFAULT VALUES; INSERT INTO t DEFAULT VALUES`,
    up: `ALTER SEQUENCE free_seq OWNED BY t.id`,
    badDown: `ALTER TABLE t ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE t_seq`,
    data: `INSERT INTO t DEFAULT VALUES`,
    expect: ['ALTER SEQUENCE public.free_seq OWNED BY NONE;', 'SELECT pg_catalog.setval('],
  },
  {
    name: 'a schema with a table, a view, a function and a type, created by the up (no DROP SCHEMA CASCADE)',
    up: `CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid');
      CREATE TABLE billing.invoices (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, state billing.state NOT NULL DEFAULT 'open');
      CREATE TABLE billing.lines (invoice_id bigint REFERENCES billing.invoices, amount numeric(12,2));
      CREATE VIEW billing.open_invoices AS SELECT id FROM billing.invoices WHERE state = 'open';
      CREATE FUNCTION billing.total() RETURNS numeric LANGUAGE sql AS $$ SELECT sum(amount) FROM billing.lines $$;
      COMMENT ON TABLE billing.invoices IS 'invoices'`,
    badDown: '',
    expect: ['DROP SCHEMA billing;'],
  },
  {
    name: 'a down that dropped too much: a table with foreign keys, a view, an index, triggers and grants',
    base: `${ROLE} CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL UNIQUE);
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers ON DELETE CASCADE, total numeric(10,2) CHECK (total >= 0));
      CREATE INDEX orders_customer_idx ON orders (customer_id);
      CREATE VIEW customer_totals AS SELECT c.id, sum(o.total) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id;
      CREATE FUNCTION no_op() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER orders_no_op BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION no_op();
      GRANT SELECT ON orders TO rv_reader; GRANT SELECT (email) ON customers TO rv_reader;
      COMMENT ON COLUMN orders.total IS 'in euros'`,
    up: `ALTER TABLE orders ADD COLUMN shipped_at timestamptz`,
    badDown: `DROP VIEW customer_totals; DROP TABLE orders; DROP TABLE customers`,
  },
  {
    name: 'generated column expression changed by the up',
    base: `CREATE TABLE t (price int, qty int, total int GENERATED ALWAYS AS (price * qty) STORED); INSERT INTO t VALUES (2, 3)`,
    up: `ALTER TABLE t DROP COLUMN total; ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (price * qty + 1) STORED`,
    badDown: '',
  },
  {
    name: 'domain base type changed (recreated) and a domain check that calls a recreated function',
    base: `CREATE FUNCTION positive(x numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT x > 0 $$;
      CREATE DOMAIN amount AS numeric(10,2) CHECK (positive(VALUE)); CREATE DOMAIN code AS varchar(5)`,
    up: `ALTER DOMAIN amount DROP CONSTRAINT amount_check; DROP FUNCTION positive(numeric);
      CREATE FUNCTION positive(x numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
      ALTER DOMAIN amount ADD CONSTRAINT amount_check CHECK (positive(VALUE) = 1);
      DROP DOMAIN code; CREATE DOMAIN code AS varchar(10)`,
    badDown: '',
  },
  {
    name: 'a partitioned table with a primary key, an index and partitions, dropped by the down',
    base: `CREATE TABLE m (d date NOT NULL, v int, CONSTRAINT m_pkey PRIMARY KEY (d)) PARTITION BY RANGE (d);
      CREATE INDEX m_v ON m (v);
      CREATE TABLE m2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
      CREATE TABLE m2021 PARTITION OF m FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
      INSERT INTO m VALUES ('2020-05-01', 1)`,
    up: `ALTER TABLE m ADD COLUMN note text`,
    badDown: `DROP TABLE m; CREATE TABLE m (d date NOT NULL, v int) PARTITION BY RANGE (d)`,
  },
  {
    name: 'inheritance children with a check constraint',
    base: `CREATE TABLE animals (name text NOT NULL, CONSTRAINT named CHECK (name <> ''));
      CREATE TABLE dogs (barks bool) INHERITS (animals)`,
    up: `CREATE TABLE cats (meows bool) INHERITS (animals)`,
    badDown: `DROP TABLE dogs`,
  },
  {
    name: 'primary key changed under a foreign key that stays',
    base: `CREATE TABLE p (id int NOT NULL, code text NOT NULL, CONSTRAINT p_pkey PRIMARY KEY (id));
      CREATE TABLE c (p_id int CONSTRAINT c_p_fk REFERENCES p (id))`,
    up: `ALTER TABLE c DROP CONSTRAINT c_p_fk; ALTER TABLE p DROP CONSTRAINT p_pkey;
      ALTER TABLE p ADD CONSTRAINT p_pkey PRIMARY KEY (id) WITH (fillfactor = 80);
      ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id)`,
    badDown: '',
  },
  {
    name: 'quoted names everywhere: schema, table, columns, enum labels, index, comment with quotes',
    base: `CREATE SCHEMA "Sales Dept"; CREATE TYPE "Sales Dept"."Mood" AS ENUM ('it''s ok', 'back\\slash');
      CREATE TABLE "Sales Dept"."Order Items" ("Item ID" int PRIMARY KEY, "select" text, "Mood" "Sales Dept"."Mood");
      CREATE INDEX "Items By Select" ON "Sales Dept"."Order Items" ("select");
      COMMENT ON COLUMN "Sales Dept"."Order Items"."select" IS 'it''s a keyword; with a semicolon'`,
    up: `ALTER TABLE "Sales Dept"."Order Items" ADD COLUMN "Qty ""n""" int DEFAULT 1; ALTER TYPE "Sales Dept"."Mood" ADD VALUE 'new'`,
    badDown: `DROP INDEX "Sales Dept"."Items By Select"`,
  },
  {
    name: 'a chain of views over a view whose definition changed',
    base: `CREATE TABLE t (id int, active bool); CREATE VIEW a AS SELECT id FROM t WHERE active;
      CREATE VIEW b AS SELECT id FROM a; CREATE VIEW c AS SELECT count(*) AS n FROM b; ${ROLE} GRANT SELECT ON b TO rv_reader`,
    up: `CREATE OR REPLACE VIEW a AS SELECT id FROM t WHERE active AND id > 0`,
    badDown: '',
  },
  {
    name: 'a recreated view keeps its grants and column comments',
    base: `${ROLE} CREATE TABLE t (id int, n int); CREATE VIEW v AS SELECT id, n FROM t;
      GRANT SELECT ON v TO rv_reader; COMMENT ON COLUMN v.n IS 'n'; COMMENT ON VIEW v IS 'v'`,
    up: `DROP VIEW v; CREATE VIEW v AS SELECT id, n, 1 AS one FROM t; GRANT SELECT ON v TO rv_reader; COMMENT ON COLUMN v.n IS 'n'; COMMENT ON VIEW v IS 'v'`,
    badDown: '',
  },
  {
    name: 'a table recreated under default privileges, with a grant revoked afterwards',
    base: `${ROLE} ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO rv_reader;
      CREATE TABLE kept (id int); CREATE TABLE revoked (id int); REVOKE SELECT ON revoked FROM rv_reader`,
    up: `DROP TABLE kept; DROP TABLE revoked`,
    badDown: '',
  },
  {
    name: 'a SQL function whose body reads a table, both dropped by the down',
    base: `CREATE TABLE t (id int); CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t $$;
      CREATE FUNCTION t_count_atomic() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM public.t; END`,
    up: `CREATE INDEX t_id ON t (id)`,
    badDown: `DROP INDEX t_id; DROP FUNCTION t_count(); DROP FUNCTION t_count_atomic(); DROP TABLE t`,
  },
  {
    name: 'a column added with a default to a table with rows, a NOT NULL and a unique constraint',
    base: `CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)`,
    up: `ALTER TABLE t ADD COLUMN code text NOT NULL DEFAULT 'x', ADD CONSTRAINT t_id_key UNIQUE (id), ALTER COLUMN id SET NOT NULL`,
    badDown: `ALTER TABLE t DROP CONSTRAINT t_id_key`,
  },
  {
    name: 'identity options and kind changed',
    base: `CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5), v int); INSERT INTO t (v) VALUES (1)`,
    up: `ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS SET INCREMENT BY 1 SET CACHE 20`,
    badDown: '',
  },
  {
    name: 'an extension type used by a column, and the extension dropped by the fix afterwards',
    base: `CREATE TABLE users (email text)`,
    up: `CREATE EXTENSION citext; ALTER TABLE users ALTER COLUMN email TYPE citext`,
    badDown: '',
  },
  {
    name: 'trigger disabled, rule disabled, table clustered and with replica identity',
    base: `CREATE TABLE t (id int NOT NULL, v int); CREATE UNIQUE INDEX t_id ON t (id);
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER t_f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
      CREATE RULE t_r AS ON DELETE TO t DO INSTEAD NOTHING`,
    up: `ALTER TABLE t DISABLE TRIGGER t_f; ALTER TABLE t DISABLE RULE t_r; ALTER TABLE t CLUSTER ON t_id; ALTER TABLE t REPLICA IDENTITY USING INDEX t_id`,
    badDown: '',
  },
  {
    name: 'a replica identity index recreated',
    base: `CREATE TABLE t (id int NOT NULL, v int); CREATE UNIQUE INDEX t_id ON t (id); ALTER TABLE t REPLICA IDENTITY USING INDEX t_id; ALTER TABLE t CLUSTER ON t_id`,
    up: `ALTER TABLE t REPLICA IDENTITY DEFAULT; DROP INDEX t_id; CREATE UNIQUE INDEX t_id ON t (id) WITH (fillfactor = 50); ALTER TABLE t REPLICA IDENTITY USING INDEX t_id`,
    badDown: '',
  },
  {
    name: 'a composite type attribute added and a column dropped from the middle',
    base: `CREATE TYPE pair AS (a int, b text); CREATE TABLE t (x int, y text, z int); INSERT INTO t VALUES (1, 'y', 3)`,
    up: `ALTER TYPE pair ADD ATTRIBUTE c text COLLATE "C"`,
    badDown: `ALTER TABLE t DROP COLUMN y`,
    warnings: ['table public.t'],
  },
  {
    name: 'column storage, statistics, compression and attribute options',
    base: `CREATE TABLE t (doc text, n int)`,
    up: `ALTER TABLE t ALTER COLUMN doc SET STORAGE EXTERNAL, ALTER COLUMN doc SET STATISTICS 500, ALTER COLUMN n SET (n_distinct = 10), ALTER COLUMN doc SET COMPRESSION pglz`,
    badDown: '',
  },
  {
    name: 'an enum label renamed, and labels added in the middle',
    base: `CREATE TYPE a AS ENUM ('x', 'y'); CREATE TYPE b AS ENUM ('one', 'three'); CREATE TABLE t (v a, w b)`,
    up: `ALTER TYPE a RENAME VALUE 'y' TO 'why'; CREATE TYPE b2 AS ENUM ('three'); ALTER TABLE t ALTER COLUMN w TYPE b2 USING w::text::b2; DROP TYPE b; ALTER TYPE b2 RENAME TO b`,
    badDown: '',
  },
  {
    name: 'a partitioned table: column, type, index, check, primary key and trigger change on the parent, recursing to partitions',
    base: `CREATE TABLE events (at date NOT NULL, kind varchar(10) NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
      CREATE TABLE events_2021 PARTITION OF events FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
      CREATE FUNCTION on_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      INSERT INTO events VALUES ('2020-03-01', 'a'), ('2021-03-01', 'b')`,
    up: `ALTER TABLE events ADD COLUMN note text, ALTER COLUMN kind TYPE varchar(20), ADD CONSTRAINT kind_ok CHECK (kind <> ''), ADD PRIMARY KEY (at, kind);
      CREATE INDEX events_kind_idx ON events (kind);
      CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION on_event()`,
    badDown: '',
    expect: ['DROP INDEX public.events_kind_idx;', 'ALTER TABLE public.events DROP COLUMN note;', 'DROP TRIGGER events_touch ON public.events;'],
  },
  {
    name: 'an inheritance parent gains a column and a check its children inherit',
    base: `CREATE TABLE animals (name text NOT NULL); CREATE TABLE dogs (barks bool) INHERITS (animals); CREATE TABLE cats () INHERITS (animals)`,
    up: `ALTER TABLE animals ADD COLUMN age int, ADD CONSTRAINT named CHECK (name <> ''), ALTER COLUMN name TYPE varchar(50)`,
    badDown: '',
  },
  {
    name: 'a column retyped under a generated column that uses it',
    base: `CREATE TABLE t (id int, price int, total int GENERATED ALWAYS AS (price * 2) STORED); INSERT INTO t (id, price) VALUES (1, 5)`,
    up: `ALTER TABLE t DROP COLUMN total; ALTER TABLE t ALTER COLUMN price TYPE bigint; ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (price * 2) STORED`,
    badDown: '',
    expect: ['ALTER TABLE public.t DROP COLUMN total;\nALTER TABLE public.t ALTER COLUMN price TYPE integer USING price::integer;\nALTER TABLE public.t ADD COLUMN total integer GENERATED ALWAYS AS ((price * 2)) STORED;'],
  },
];
