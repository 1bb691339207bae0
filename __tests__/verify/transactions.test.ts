/**
 * The runners must fail and pass exactly where the real tools do: CREATE INDEX CONCURRENTLY works
 * only outside a transaction block, and a failing statement rolls back what its transaction did.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const table = 'CREATE TABLE items (id int PRIMARY KEY, sku text);\n';

describe('transaction fidelity', () => {
  test('golang-migrate: a file holding only CREATE INDEX CONCURRENTLY runs (one statement, no transaction block)', async () => {
    const root = writeProject({
      'db/1_items.up.sql': table,
      'db/1_items.down.sql': 'DROP TABLE items;\n',
      'db/2_idx.up.sql': 'CREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n',
      'db/2_idx.down.sql': 'DROP INDEX CONCURRENTLY items_sku_idx;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([]);
  });

  test('golang-migrate: CREATE INDEX CONCURRENTLY with another statement in the file fails, as with migrate', async () => {
    const root = writeProject({
      'db/1_items.up.sql': table + 'CREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n',
      'db/1_items.down.sql': 'DROP TABLE items;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems[0]).toMatchObject({ kind: 'up-failed', sqlstate: '25001', line: 2 });
  });

  test('dbmate: CONCURRENTLY fails inside its transaction and passes with transaction:false', async () => {
    const idx = (opt: string) => ({
      'db/20240101000000_items.sql': `-- migrate:up\n${table}\n-- migrate:down\nDROP TABLE items;\n`,
      'db/20240102000000_idx.sql': `-- migrate:up${opt}\nCREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n\n-- migrate:down${opt}\nDROP INDEX CONCURRENTLY items_sku_idx;\n`,
    });
    const bad = await verify(writeProject(idx('')), 'db', url());
    expect(bad.problems[0]).toMatchObject({ kind: 'up-failed', migration: '20240102000000', sqlstate: '25001' });
    const good = await verify(writeProject(idx(' transaction:false')), 'db', url());
    expect(good.problems).toEqual([]);
  });

  test('goose: statements run one by one in a transaction; NO TRANSACTION allows CONCURRENTLY', async () => {
    const file = (noTx: boolean) => ({
      'db/00001_items.sql': `-- +goose Up\n${table}\n-- +goose Down\nDROP TABLE items;\n`,
      'db/00002_idx.sql': `${noTx ? '-- +goose NO TRANSACTION\n' : ''}-- +goose Up\nCREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n\n-- +goose Down\nDROP INDEX CONCURRENTLY items_sku_idx;\n`,
    });
    const bad = await verify(writeProject(file(false)), 'db', url());
    expect(bad.problems[0]).toMatchObject({ kind: 'up-failed', migration: '00002', sqlstate: '25001', line: 2 });
    expect((await verify(writeProject(file(true)), 'db', url())).problems).toEqual([]);
  });

  test('a failing transactional down leaves the up applied, so the next migration is still verified', async () => {
    const root = writeProject({
      'db/1_items.up.sql': table,
      'db/1_items.down.sql': 'DROP TABLE items;\n',
      'db/2_col.up.sql': 'ALTER TABLE items ADD COLUMN price int;\n',
      'db/2_col.down.sql': 'ALTER TABLE items DROP COLUMN price;\nSELECT 1/0;\n',
      'db/3_more.up.sql': 'ALTER TABLE items ADD COLUMN qty int;\n',
      'db/3_more.down.sql': 'ALTER TABLE items DROP COLUMN qty;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: 'down-failed', migration: '2', sqlstate: '22012', line: 2 });
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'ok']);
  });
});
