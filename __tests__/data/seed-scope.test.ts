/**
 * The seeding scope (src/data/references.ts + seed-scope.ts), without a server: what the new
 * migrations' SQL names, read from libpg-query's parse tree, resolved against a baseline's
 * tables; foreign-key parents added transitively; opaque text (DO blocks, unparsable SQL) and
 * tool-driven migrations falling back conservatively.
 */
import { describe, expect, it } from '@jest/globals';
import type { ConstraintInfo, TableInfo } from '../../src/data/catalog.js';
import { migrationReferences } from '../../src/data/references.js';
import { seedScope, type ScopeCatalog } from '../../src/data/seed-scope.js';
import type { Migration } from '../../src/formats/types.js';

let nextOid = 1000;
function table(schema: string, name: string, fks: Array<{ to: TableInfo; def?: string }> = [], decl = 'text'): TableInfo {
  const oid = nextOid++;
  const constraints: ConstraintInfo[] = fks.map((f, i) => ({
    name: `${name}_fk${i}`, type: 'f', cols: [2 + i], refTable: f.to.oid, refCols: [1],
    def: f.def ?? `FOREIGN KEY (c${i}) REFERENCES ${f.to.display}(id)`, deferrable: false,
  }));
  return {
    oid, schema, name, qualified: `"${schema}"."${name}"`, display: `${schema}.${name}`, partitioned: false,
    columns: [{ name: 'id', num: 1, type: 23, typmod: -1, decl: 'integer', notNull: true, identity: '', generated: '', default: null },
      { name: 'v', num: 2, type: 25, typmod: -1, decl, notNull: false, identity: '', generated: '', default: null }],
    constraints, leaves: [],
  };
}

function sql(id: string, up: string, down?: string): Migration {
  const script = (text: string, file: string) => ({ kind: 'sql' as const, file, text, line: 1, transaction: 'implicit' as const });
  return { id, name: `m${id}`, up: script(up, `${id}.up.sql`), ...(down ? { down: script(down, `${id}.down.sql`) } : {}), files: [], markers: {} };
}

async function scope(migrations: Migration[], catalog: ScopeCatalog): Promise<string[] | 'all'> {
  const s = seedScope(await migrationReferences(migrations), catalog);
  return s.all ? 'all' : [...s.tables].sort();
}

// A baseline: accounts ← users ← orders ← order_items; products ← order_items; "Audit Log" in
// schema billing; an unrelated table in two schemas; a cascade child of users.
const accounts = table('public', 'accounts');
const users = table('public', 'users', [{ to: accounts }]);
const orders = table('public', 'orders', [{ to: users }]);
const products = table('public', 'products');
const items = table('public', 'order_items', [{ to: orders }, { to: products }]);
const audit = table('billing', 'Audit Log');
const notesPublic = table('public', 'notes');
const notesBilling = table('billing', 'notes');
const sessions = table('public', 'sessions', [{ to: users, def: 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE' }]);
const mood = table('public', 'diary', [], 'mood');
const unrelated = table('public', 'unrelated');
const tables = [accounts, users, orders, products, items, audit, notesPublic, notesBilling, sessions, mood, unrelated];

describe('seeding scope', () => {
  it('names qualified tables and their foreign-key parents, transitively', async () => {
    expect(await scope([sql('1', 'ALTER TABLE public.order_items ADD COLUMN note text;', 'ALTER TABLE public.order_items DROP COLUMN note;')], { tables }))
      .toEqual(['public.accounts', 'public.order_items', 'public.orders', 'public.products', 'public.users']);
  });

  it('resolves an unqualified name in every schema, and a qualified one in its own only', async () => {
    expect(await scope([sql('1', 'UPDATE notes SET v = upper(v);')], { tables })).toEqual(['billing.notes', 'public.notes']);
    expect(await scope([sql('1', 'UPDATE billing.notes SET v = upper(v);')], { tables })).toEqual(['billing.notes']);
  });

  it('keeps a quoted identifier as written and folds an unquoted one', async () => {
    expect(await scope([sql('1', 'DELETE FROM billing."Audit Log" WHERE false;')], { tables })).toEqual(['billing.Audit Log']);
    expect(await scope([sql('1', 'DELETE FROM NOTES WHERE false;')], { tables })).toEqual(['billing.notes', 'public.notes']);
  });

  it('reads names from a DROP (not a RangeVar) and from a foreign key the up adds', async () => {
    expect(await scope([sql('1', 'SELECT 1;', 'DROP TABLE products;')], { tables })).toEqual(['public.products']);
    expect(await scope([sql('1', 'CREATE TABLE t (p int REFERENCES products(id));', 'DROP TABLE t;')], { tables })).toEqual(['public.products']);
  });

  it('adds the children a cascading foreign key lets a change reach', async () => {
    expect(await scope([sql('1', 'DELETE FROM users WHERE id < 0;')], { tables })).toEqual(['public.accounts', 'public.sessions', 'public.users']);
  });

  it('falls back to identifiers in a DO block and in SQL the parser rejects', async () => {
    const dynamic = sql('1', `DO $$ BEGIN EXECUTE 'DELETE FROM ' || quote_ident('products'); END $$;`);
    expect(await scope([dynamic], { tables })).toEqual(['public.products']);
    const broken = sql('1', 'ALTER TABLE accounts ADD COLUMN x int;\n\\i other.sql');
    expect(await scope([broken], { tables })).toEqual(['public.accounts']);
  });

  it('reaches tables through views, called routines and triggers', async () => {
    const catalog: ScopeCatalog = {
      tables,
      views: [{ schema: 'public', name: 'order_view', uses: ['public.recent'] }, { schema: 'public', name: 'recent', uses: ['public.orders'] }],
      routines: [{ name: 'archive', body: 'BEGIN DELETE FROM unrelated; END' }],
      triggers: [{ relation: 'public.products', body: 'BEGIN INSERT INTO billing."Audit Log" VALUES (1); RETURN NEW; END' }],
    };
    expect(await scope([sql('1', 'UPDATE order_view SET v = v;')], catalog)).toEqual(['public.accounts', 'public.orders', 'public.users']);
    expect(await scope([sql('1', 'SELECT archive();')], catalog)).toEqual(['public.unrelated']);
    expect(await scope([sql('1', 'UPDATE products SET v = v;')], catalog)).toEqual(['billing.Audit Log', 'public.products']);
  });

  it('reaches inheritance children, a leaf partition\'s root, and what an event trigger names', async () => {
    const catalog: ScopeCatalog = {
      tables,
      views: [{ schema: 'public', name: 'orders_2024', uses: ['public.orders'] }],
      inheritance: [{ parent: 'public.products', child: 'public.unrelated' }],
    };
    expect(await scope([sql('1', 'DELETE FROM products;')], catalog)).toEqual(['public.products', 'public.unrelated']);
    expect(await scope([sql('1', 'DELETE FROM orders_2024;')], catalog)).toEqual(['public.accounts', 'public.orders', 'public.users']);
    const events: ScopeCatalog = { tables, triggers: [{ relation: '*', body: 'BEGIN INSERT INTO notes VALUES (1); END' }] };
    expect(await scope([sql('1', 'CREATE INDEX ON accounts (v);')], events)).toEqual(['billing.notes', 'public.accounts', 'public.notes']);
  });

  it('reaches tables whose columns have a type the migration alters', async () => {
    expect(await scope([sql('1', "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';")], { tables })).toEqual(['public.diary']);
  });

  it('seeds everything for a tool-driven migration or a statement names cannot bound', async () => {
    const command: Migration = { id: '2', name: 'm2', up: { kind: 'command', file: 'versions/2.py', argv: ['alembic', 'upgrade', '2'], cwd: '/' }, files: [], markers: {} };
    expect(await scope([sql('1', 'SELECT 1;'), command], { tables })).toBe('all');
    expect(await scope([sql('1', 'DROP FUNCTION f() CASCADE;')], { tables })).toBe('all');
    expect(await scope([sql('1', 'DROP SCHEMA billing CASCADE;')], { tables })).toEqual(['billing.Audit Log', 'billing.notes']);
  });

  it('seeds nothing for a migration that names no table', async () => {
    expect(await scope([sql('1', 'CREATE TABLE fresh_one (id int);', 'DROP TABLE fresh_one;')], { tables })).toEqual([]);
  });
});
