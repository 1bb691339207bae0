/**
 * Lock tracing on real PostgreSQL: for each classic migration hazard, the exact lock mode on the
 * table, whether storage was rewritten, whether existing rows were scanned to validate, and
 * whether an index was built without CONCURRENTLY. Tables are created by migration 1 and seeded
 * after its re-up, so migration 2 runs on populated tables, as in production.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import type { VerifyResult } from '../../src/result/types.js';
import type { StatementTrace } from '../../src/locks/types.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const BASE = {
  'db/1_base.up.sql':
    'CREATE TABLE customers (id int PRIMARY KEY, name text);\n' +
    'CREATE TABLE orders (id int PRIMARY KEY, customer_id int, qty int, code varchar(10), note text);\n',
  'db/1_base.down.sql': 'DROP TABLE orders;\nDROP TABLE customers;\n',
};

/** Runs migration 2 (up/down) on the seeded base and returns the traces of its up and down. */
async function trace(up: string, down: string, extra = {}, base: Record<string, string> = {}): Promise<{ r: VerifyResult; up: StatementTrace[]; down: StatementTrace[] }> {
  const root = writeProject({ ...BASE, ...base, 'db/2_change.up.sql': up, 'db/2_change.down.sql': down });
  const r = await verify(root, 'db', url(), extra);
  const m = r.migrations[1]!;
  return { r, up: m.phases.up?.locks?.statements ?? [], down: m.phases.down?.locks?.statements ?? [] };
}

function locksOn(s: StatementTrace, relation: string) {
  return s.locks.filter((l) => l.relation === relation).map((l) => l.mode).sort();
}

describe('lock tracing', () => {
  test('a non-concurrent index build takes SHARE on the table and is reported as such', async () => {
    const { r, up } = await trace('CREATE INDEX orders_code_idx ON orders (code);\n', 'DROP INDEX orders_code_idx;\n');
    expect(r.problems).toEqual([]);
    expect(up).toHaveLength(1);
    expect(locksOn(up[0]!, 'public.orders')).toEqual(['SHARE']);
    expect(up[0]!.locks[0]).toMatchObject({ blocking: true, rows: 20 });
    expect(up[0]!.indexBuilds).toEqual([{ index: 'public.orders_code_idx', table: 'public.orders', concurrent: false }]);
    expect(up[0]!.rewrites).toEqual([]);
    expect(up[0]!.hint).toMatch(/CREATE INDEX CONCURRENTLY/);
  });

  test('CREATE INDEX CONCURRENTLY takes no blocking lock', async () => {
    const { r, up, down } = await trace('CREATE INDEX CONCURRENTLY orders_code_idx ON orders (code);\n', 'DROP INDEX CONCURRENTLY orders_code_idx;\n');
    expect(r.problems).toEqual([]);
    expect(up).toHaveLength(1);
    expect(up[0]!.sampled).toBe(true);
    expect(up[0]!.locks.filter((l) => l.blocking)).toEqual([]);
    expect(up[0]!.locks.every((l) => l.mode === 'SHARE UPDATE EXCLUSIVE')).toBe(true);
    expect(up[0]!.indexBuilds).toEqual([{ index: 'public.orders_code_idx', table: 'public.orders', concurrent: true }]);
    expect(down[0]!.locks.filter((l) => l.blocking)).toEqual([]);
    expect(r.migrations[1]!.phases.up!.locks!.partial).toMatch(/sampled/);
  });

  test('SET NOT NULL on a populated column: ACCESS EXCLUSIVE and a validation scan, no rewrite', async () => {
    const { r, up } = await trace('ALTER TABLE orders ALTER COLUMN qty SET NOT NULL;\n', 'ALTER TABLE orders ALTER COLUMN qty DROP NOT NULL;\n');
    expect(r.problems).toEqual([]);
    expect(locksOn(up[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);
    expect(up[0]!.validations).toEqual(['public.orders']);
    expect(up[0]!.rewrites).toEqual([]);
    expect(up[0]!.hint).toMatch(/IS NOT NULL\) NOT VALID/);
  });

  test('a foreign key takes SHARE ROW EXCLUSIVE on both tables; only without NOT VALID does it scan', async () => {
    // orders.customer_id already references customers, so the seeded rows satisfy a second FK.
    const base = { 'db/1_base.up.sql': BASE['db/1_base.up.sql'].replace('customer_id int,', 'customer_id int REFERENCES customers (id),') };
    const fk = (notValid: string) => `ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)${notValid};\n`;
    const drop = 'ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\n';
    const validated = await trace(fk(''), drop, {}, base);
    expect(validated.r.problems).toEqual([]);
    const v = validated.up[0]!;
    expect(locksOn(v, 'public.orders')).toEqual(['SHARE ROW EXCLUSIVE']);
    expect(locksOn(v, 'public.customers')).toEqual(['SHARE ROW EXCLUSIVE']);
    expect(v.locks.map((l) => [l.relation, l.blocking, l.rows])).toEqual([['public.customers', true, 20], ['public.orders', true, 20]]);
    expect(v.validations).toContain('public.orders');
    expect(v.rewrites).toEqual([]);
    expect(v.hint).toMatch(/NOT VALID, then VALIDATE CONSTRAINT/);
    // The down's DROP CONSTRAINT takes ACCESS EXCLUSIVE on both.
    expect(locksOn(validated.down[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);

    const deferred = await trace(fk(' NOT VALID'), drop, {}, base);
    expect(deferred.r.problems).toEqual([]);
    const d = deferred.up[0]!;
    expect(locksOn(d, 'public.orders')).toEqual(['SHARE ROW EXCLUSIVE']);
    expect(locksOn(d, 'public.customers')).toEqual(['SHARE ROW EXCLUSIVE']);
    expect(d.validations).toEqual([]);
  });

  test('int → bigint rewrites the table (and its indexes) under ACCESS EXCLUSIVE', async () => {
    const { r, up } = await trace('ALTER TABLE orders ALTER COLUMN qty TYPE bigint;\n', 'ALTER TABLE orders ALTER COLUMN qty TYPE int;\n');
    expect(r.problems).toEqual([]);
    expect(locksOn(up[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);
    expect(up[0]!.rewrites).toEqual(['public.orders', 'public.orders_pkey']);
    expect(up[0]!.hint).toMatch(/rewrites the table/);
    expect(up[0]!.destructive).toBeUndefined();
  });

  test('varchar(10) → varchar(20) takes ACCESS EXCLUSIVE but does not rewrite', async () => {
    const { r, up, down } = await trace('ALTER TABLE orders ALTER COLUMN code TYPE varchar(20);\n', 'ALTER TABLE orders ALTER COLUMN code TYPE varchar(10);\n');
    expect(r.problems).toEqual([]);
    expect(locksOn(up[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);
    expect(up[0]!.rewrites).toEqual([]);
    // Narrowing back may discard data (and rechecks every row): the down lists it as destructive.
    expect(down[0]!.destructive).toMatch(/TYPE varchar\(10\)/);
  });

  test('ADD COLUMN with a volatile default rewrites; a constant default does not', async () => {
    const volatile = await trace('ALTER TABLE orders ADD COLUMN score float8 DEFAULT random();\n', 'ALTER TABLE orders DROP COLUMN score;\n');
    expect(volatile.r.problems).toEqual([]);
    expect(locksOn(volatile.up[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);
    expect(volatile.up[0]!.rewrites).toContain('public.orders');
    expect(volatile.up[0]!.hint).toMatch(/without a volatile default/);
    expect(volatile.down[0]!.destructive).toBe('DROP COLUMN orders.score');

    const constant = await trace("ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';\n", 'ALTER TABLE orders DROP COLUMN status;\n');
    expect(locksOn(constant.up[0]!, 'public.orders')).toEqual(['ACCESS EXCLUSIVE']);
    expect(constant.up[0]!.rewrites).toEqual([]);
    expect(constant.up[0]!.hint).toMatch(/lock_timeout/);
  });

  test('ADD COLUMN … NOT NULL with a constant default scans nothing, so no SET NOT NULL advice', async () => {
    const r = await trace("ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';\n", 'ALTER TABLE orders DROP COLUMN region;\n');
    expect(r.up[0]!.validations).toEqual([]);
    expect(r.up[0]!.rewrites).toEqual([]);
    expect(r.up[0]!.hint).not.toMatch(/SET NOT NULL/);
  });

  test('locks are held until the transaction ends, and lock_timeout is seen where it was set', async () => {
    const up = "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN flag boolean;\nSELECT pg_sleep(0.2);\n";
    const { up: t } = await trace(up, 'ALTER TABLE orders DROP COLUMN flag;\n');
    expect(t.map((s) => s.tag)).toEqual(['SET', 'ALTER TABLE', 'SELECT']);
    expect(t.map((s) => s.line)).toEqual([1, 2, 3]);
    expect(t[0]!.lockTimeoutMs).toBe(0);
    expect(t[1]!.lockTimeoutMs).toBe(2000);
    const held = t[1]!.locks.find((l) => l.mode === 'ACCESS EXCLUSIVE')!;
    expect(held.heldMs).toBeGreaterThanOrEqual(200);
    expect(t[1]!.ms).toBeLessThan(200);
  });
});
