/** What a schema fix cannot bring back, said per object (real snapshots). */
import { usePostgres } from '../helpers/postgres.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { dataLossAdvice, dataRestoreNotes } from '../../src/fix/data-notes.js';

const pg_ = usePostgres();

test('a dropped table, a dropped column, a narrowed type, an extra enum label, a dropped sequence', async () => {
  await pg_.withDatabase(async (client) => {
    await client.query(`CREATE TYPE state AS ENUM ('open', 'paid');
      CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, score numeric(10,2), total int GENERATED ALWAYS AS (id * 2) STORED, s state);
      CREATE TABLE audit (at timestamptz); CREATE SEQUENCE invoice_no START 1000`);
    const s0 = await snapshotSchema(client);
    await client.query(`DROP TABLE audit; DROP SEQUENCE invoice_no; ALTER TABLE customers DROP COLUMN name, DROP COLUMN total;
      ALTER TABLE customers ALTER COLUMN score TYPE int; ALTER TYPE state ADD VALUE 'refunded'`);
    const notes = dataRestoreNotes(s0, await snapshotSchema(client));
    expect(notes.map((n) => n.object).sort()).toEqual([
      'column public.customers.name',
      'column public.customers.score',
      'sequence public.invoice_no',
      'table public.audit',
      'type public.state',
    ]);
    const byObject = new Map(notes.map((n) => [n.object, n.message]));
    expect(byObject.get('column public.customers.name')).toBe(
      'column public.customers.name was dropped by the down; its values cannot be regenerated — the re-added column holds NULL in every row. Keep the values in the up (rename the column, or copy it to a backup table) so the down can put them back, or mark the migration `-- rollback-verify: down-loses-data`',
    );
    expect(byObject.get('column public.customers.score')).toContain('was changed from numeric(10,2) to integer');
    expect(byObject.get('type public.state')).toContain(`label 'refunded'`);
  });
});

test('near miss: a generated column and an owned sequence come back complete, so no note', async () => {
  await pg_.withDatabase(async (client) => {
    await client.query('CREATE TABLE t (id serial, v int, doubled int GENERATED ALWAYS AS (v * 2) STORED)');
    const s0 = await snapshotSchema(client);
    await client.query('ALTER TABLE t DROP COLUMN doubled; ALTER TABLE t ALTER COLUMN id DROP DEFAULT; DROP SEQUENCE t_id_seq');
    expect(dataRestoreNotes(s0, await snapshotSchema(client), 'up')).toEqual([]);
  });
});

test('a data-loss problem gets advice instead of SQL', () => {
  expect(dataLossAdvice({ kind: 'data-loss', object: 'column public.users.email' })).toBe(
    'column public.users.email lost values in the down, and a generated down cannot bring them back (it restores definitions, not rows): keep the values in the up — rename instead of dropping, copy them to a backup table — so the down can put them back, or mark the migration `-- rollback-verify: down-loses-data` if losing them is intended',
  );
});
