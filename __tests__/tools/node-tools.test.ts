/** knex and node-pg-migrate end to end: the real npm packages, run per migration, real PostgreSQL. */
import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';
import { writeNodeProject } from './node-project.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

describe('node-pg-migrate (real package)', () => {
  const users = `exports.up = (pgm) => {
  pgm.createTable('users', { id: 'id', email: { type: 'text', notNull: true } });
};

exports.down = (pgm) => {
  pgm.dropTable('users');
};
`;

  test('a correct migration passes; one without a down is reversed by the tool itself', async () => {
    const root = writeNodeProject({
      'migrations/1700000000000_create-users.js': users,
      // No exports.down: node-pg-migrate reverses createIndex on its own.
      'migrations/1700000000001_email-index.js': "exports.up = (pgm) => { pgm.createIndex('users', 'email'); };\n",
    });
    const r = await verify(root, 'migrations', url());
    expect(r.format).toBe('node-pg-migrate');
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
      ['1700000000000', 'create-users', 'ok'],
      ['1700000000001', 'email-index', 'ok'],
    ]);
  });

  test('a down that forgets an index is rollback-residue naming the index and the file', async () => {
    const root = writeNodeProject({
      'migrations/1700000000000_create-users.js': users,
      'migrations/1700000000001_email-index.js': `exports.up = (pgm) => {
  pgm.createIndex('users', 'email', { name: 'users_email_idx' });
  pgm.addColumn('users', { nickname: 'text' });
};

exports.down = (pgm) => {
  pgm.dropColumn('users', 'nickname');
};
`,
    });
    const r = await verify(root, 'migrations', url());
    expect(r.status).toBe('fail');
    const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
    expect(residue).toEqual([expect.objectContaining({ migration: '1700000000001', file: 'migrations/1700000000001_email-index.js' })]);
    expect(residue[0]!.object).toContain('users_email_idx');
  });

  test('exports.down = false is irreversible', async () => {
    const root = writeNodeProject({
      'migrations/1700000000000_create-users.js': users.replace(/exports\.down[\s\S]*$/, 'exports.down = false;\n'),
    });
    const r = await verify(root, 'migrations', url());
    expect(r.status).toBe('pass');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'irreversible', file: 'migrations/1700000000000_create-users.js', line: 5 })]);
  });
});

describe('knex (real package)', () => {
  const knexfile = `module.exports = {
  client: 'pg',
  connection: process.env.DATABASE_URL || 'postgresql://nobody@127.0.0.1:1/nowhere',
  migrations: { directory: './migrations' },
};
`;
  const users = `exports.up = function (knex) {
  return knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.text('email').notNullable();
  });
};

exports.down = function (knex) {
  return knex.schema.dropTable('users');
};
`;

  test('a correct migration passes (project root with a knexfile)', async () => {
    const root = writeNodeProject({ 'knexfile.js': knexfile, 'migrations/20240101000000_users.js': users });
    const r = await verify(root, '.', url());
    expect(r.format).toBe('knex');
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([['20240101000000', 'users', 'ok']]);
  });

  test('a down that fails is down-failed naming the migration file and the line of its down', async () => {
    const root = writeNodeProject({
      'migrations/20240101000000_users.js': users,
      'migrations/20240102000000_orders.js': `exports.up = async (knex) => {
  await knex.schema.createTable('orders', (t) => {
    t.increments('id');
  });
};

exports.down = async (knex) => {
  await knex.raw('DROP TABLE order_s');
};
`,
    });
    const r = await verify(root, 'migrations', url());
    expect(r.status).toBe('fail');
    const failed = r.problems.find((p) => p.kind === 'down-failed');
    expect(failed).toMatchObject({ migration: '20240102000000', file: 'migrations/20240102000000_orders.js' });
    expect(failed!.message).toContain('table "order_s" does not exist');
    expect(failed!.line).toBe(7);
    expect(r.migrations[1]!.status).toBe('failed');
  });

  test('an empty down is missing-down', async () => {
    const root = writeNodeProject({
      'migrations/20240101000000_users.js': users.replace(/exports\.down[\s\S]*$/, 'exports.down = function (knex) {\n  \n};\n'),
    });
    const r = await verify(root, 'migrations', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing-down', migration: '20240101000000' })]);
  });
});
