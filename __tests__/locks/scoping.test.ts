/**
 * The tracer's cost follows what a phase touches, not the size of the schema: rows are counted only
 * of tables a statement locks, and only those relations are read again after each statement. The
 * trace must be exactly what it is on a small schema (locks, rows as the phase began, rewrites,
 * validations, index builds), and the 200 tables the migration never touches must not be scanned
 * by the tracer at all (their seq_scan stays 0: PostgreSQL's own count, no timing involved).
 */
import type pg from 'pg';
import type { SqlScript } from '../../src/formats/types.js';
import { traceScript } from '../../src/locks/tracer.js';
import type { StatementTrace } from '../../src/locks/types.js';
import { usePostgres } from '../helpers/postgres.js';

const postgres = usePostgres();

const BASE = `
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, qty int, code varchar(10), note text);
CREATE TABLE audit (id serial PRIMARY KEY, order_id int REFERENCES orders (id) ON DELETE CASCADE);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 20) g;
INSERT INTO orders SELECT g, 1 + g % 20, g, 'x' || g, NULL FROM generate_series(1, 30) g;
INSERT INTO audit (order_id) SELECT g FROM generate_series(1, 30) g;`;

/** Two hundred more tables with a row each, none of which the migration names or locks (no index: an index build would count as a scan). */
const UNTOUCHED = `DO $$ BEGIN
  FOR i IN 1..200 LOOP
    EXECUTE format('CREATE TABLE seeded_%s (id int, v text)', i);
    EXECUTE format('INSERT INTO seeded_%s VALUES (1, %L)', i, 'v');
  END LOOP;
END $$`;

// A rewrite, a validation scan of two tables, an index build, and rows written before (and by a
// cascade during) the phase: each one's rows must be the count as the phase began.
const MIGRATION = [
  'UPDATE orders SET qty = 0 WHERE id <= 5;',
  'DELETE FROM orders WHERE id > 25;',
  'ALTER TABLE orders ALTER COLUMN code TYPE varchar(20);',
  'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
  'CREATE INDEX orders_qty_idx ON orders (qty);',
].join('\n');

function script(text: string): SqlScript {
  return { kind: 'sql', file: 'db/2_change.up.sql', text, line: 1, transaction: 'wrap' };
}

/** The trace without what depends on time. */
function stable(statements: StatementTrace[]): unknown {
  return statements.map(({ ms: _ms, ...s }) => ({ ...s, locks: s.locks.map(({ heldMs: _h, ...l }) => l) }));
}

async function seqScans(client: pg.Client, like: string): Promise<Map<string, number>> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const r = await client.query<{ relname: string; seq_scan: string }>('SELECT relname, seq_scan FROM pg_stat_user_tables WHERE relname LIKE $1', [like]);
  return new Map(r.rows.map((row) => [row.relname, Number(row.seq_scan)]));
}

async function traceOn(seed: string[]): Promise<{ trace: unknown; untouched: Map<string, number> }> {
  return postgres.withDatabase(async (client, db) => {
    for (const sql of seed) await client.query(sql);
    const outcome = await traceScript(script(MIGRATION), { url: db.url, statementTimeoutMs: 60_000 });
    expect(outcome.failure).toBeUndefined();
    // The tracer's backend reports its statistics when it exits: wait until customers (scanned by
    // the FK validation) shows its scans, then read every untouched table's.
    const deadline = Date.now() + 20_000;
    while ((await seqScans(client, 'customers')).get('customers')! === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    return { trace: stable(outcome.locks.statements), untouched: await seqScans(client, 'seeded_%') };
  });
}

test('on 200 more tables the trace is the same, and the tracer never scans the tables the migration does not touch', async () => {
  const small = await traceOn([BASE]);
  const large = await traceOn([BASE, UNTOUCHED]);
  expect(large.trace).toEqual(small.trace);
  // The phase-start counts, not what the statements left: orders had 30 rows, audit 30 (its rows
  // cascade-deleted by the DELETE), customers 20.
  const rows = (small.trace as StatementTrace[]).flatMap((s) => s.locks.map((l) => [s.tag, l.relation, l.mode, l.rows]));
  expect(rows).toEqual(expect.arrayContaining([
    ['UPDATE', 'public.orders', 'ROW EXCLUSIVE', 30],
    ['DELETE', 'public.audit', 'ROW EXCLUSIVE', 30],
    ['ALTER TABLE', 'public.orders', 'ACCESS EXCLUSIVE', 30],
    ['ALTER TABLE', 'public.customers', 'SHARE ROW EXCLUSIVE', 20],
  ]));
  expect(large.untouched.size).toBe(200);
  expect([...large.untouched].filter(([, n]) => n > 0)).toEqual([]);
}, 120_000);

/** Lock rows per statement of a migration traced on BASE plus `setup`. */
async function lockRows(setup: string, migration: string[]): Promise<unknown[]> {
  return postgres.withDatabase(async (client, db) => {
    await client.query(BASE + setup);
    const outcome = await traceScript(script(migration.join('\n')), { url: db.url, statementTimeoutMs: 60_000 });
    expect(outcome.failure).toBeUndefined();
    return outcome.locks.statements.flatMap((s) => s.locks.map((l) => [s.tag, l.relation, l.rows]));
  });
}

test('a table written through a trigger still shows its rows as the phase began', async () => {
  const trigger = `
CREATE FUNCTION prune_orders() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders WHERE id > 10; RETURN NEW; END $$;
CREATE TRIGGER customers_prune AFTER UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION prune_orders();`;
  const rows = await lockRows(trigger, ['UPDATE customers SET name = name WHERE id = 1;', 'ALTER TABLE orders ADD COLUMN z int;']);
  // orders and audit had 30 rows when the phase began; the trigger leaves 10 (audit by cascade).
  expect(rows).toEqual(expect.arrayContaining([['UPDATE', 'public.orders', 30], ['UPDATE', 'public.audit', 30], ['ALTER TABLE', 'public.orders', 30]]));
}, 120_000);

test('a table written by a DO block that names it only in its body still shows its rows as the phase began', async () => {
  const rows = await lockRows('', ['DO $$ BEGIN DELETE FROM audit WHERE id > 10; END $$;', 'ALTER TABLE audit ADD COLUMN z int;']);
  expect(rows).toEqual(expect.arrayContaining([['DO', 'public.audit', 30], ['ALTER TABLE', 'public.audit', 30]]));
}, 120_000);
