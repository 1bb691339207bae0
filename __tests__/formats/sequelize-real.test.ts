/**
 * Sequelize end to end: the project's own sequelize-cli (this repository's node_modules) runs each
 * step against real PostgreSQL. The example's config/config.json points at a host that does not
 * exist, so every passing run also proves the scratch database replaced it.
 */
import { EnvironmentError } from '../../src/errors.js';
import { buildBundle } from '../e2e/harness.js';
import { errorLines, runCli } from '../helpers/cli-process.js';
import { caseTempDir } from '../helpers/leftovers.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';
import { frameworkProject, workTree } from './framework-project.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const DIR = 'migrations';
const EXAMPLE = 'examples/sequelize';
const without = {
  'migrations/20240101000001-create-customers.js': null,
  'migrations/20240101000002-create-orders.js': null,
  'migrations/20240101000003-touch-orders-updated-at.js': null,
  'migrations/20240101000004-customer-order-totals.js': null,
};
const migration = (up: string, down: string) => `'use strict';

module.exports = {
  async up(queryInterface) {
    ${up}
  },

  async down(queryInterface) {
    ${down}
  },
};
`;

test('the example passes, against a config whose host does not exist, and leaves the work tree as it was', async () => {
  const root = frameworkProject(EXAMPLE);
  const before = workTree(root);
  const r = await verify(root, DIR, url());
  expect(r.format).toBe('sequelize');
  expect(r.problems).toEqual([]);
  expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
    ['20240101000001', 'create-customers', 'ok'],
    ['20240101000002', 'create-orders', 'ok'],
    ['20240101000003', 'touch-orders-updated-at', 'ok'],
    ['20240101000004', 'customer-order-totals', 'ok'],
  ]);
  expect(workTree(root)).toBe(before);
}, 600_000);

test('a down that forgets an index fails naming the index and the migration file', async () => {
  const root = frameworkProject('__fixtures__/formats/sequelize-broken');
  const r = await verify(root, DIR, url(), { from: '20240101000004' });
  expect(r.status).toBe('fail');
  const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
  expect(residue).toEqual([expect.objectContaining({ migration: '20240101000004', object: 'index public.orders_status_idx', file: 'migrations/20240101000004-customer-order-totals.js' })]);
});

test('a down that throws is irreversible; a down that fails is down-failed at its line, with its SQLSTATE', async () => {
  const root = frameworkProject(EXAMPLE, {
    ...without,
    'migrations/20240101000001-merge-names.js': migration(
      "await queryInterface.sequelize.query('CREATE TABLE people (full_name text)');",
      "throw new Error('irreversible: first and last names were merged');",
    ),
    'migrations/20240101000002-add-nickname.js': migration(
      "await queryInterface.addColumn('people', 'nickname', { type: 'TEXT' });",
      "await queryInterface.removeColumn('persons', 'nickname');",
    ),
  });
  const r = await verify(root, DIR, url());
  expect(r.migrations.map((m) => m.status)).toEqual(['irreversible', 'failed']);
  expect(r.problems).toEqual([
    expect.objectContaining({ kind: 'irreversible', migration: '20240101000001', file: 'migrations/20240101000001-merge-names.js', line: 9 }),
    expect.objectContaining({ kind: 'down-failed', migration: '20240101000002', file: 'migrations/20240101000002-add-nickname.js', line: 9, sqlstate: '42P01' }),
  ]);
  expect(r.problems[1]!.message).toContain('relation "public.persons" does not exist');
});

test('a project without sequelize-cli installed is one environment error naming the command', async () => {
  const root = frameworkProject(EXAMPLE, {}, { nodeModules: false });
  const err = await verify(root, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err!.message).toMatch(/^'sequelize-cli db:migrate --to 20240101000001-create-customers.js --migrations-path .*' could not start: sequelize-cli is not installed in /);
});

test('the CLI: a missing sequelize-cli is exit 2 with one error line, and the run ends (no sampler left running)', async () => {
  await buildBundle();
  const root = frameworkProject(EXAMPLE, {}, { nodeModules: false });
  const r = await runCli({ args: [DIR, '--database-url', url()], cwd: root, tmpDir: caseTempDir(), hangAfterMs: 120_000 });
  expect(r.hung).toBe(false);
  expect(r.code).toBe(2);
  expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^rollback-verify: 'sequelize-cli db:migrate --to 20240101000001-create-customers.js .*' could not start: sequelize-cli is not installed in /)]);
});

test('a config that does not load, or is for another database, is one environment error naming the config', async () => {
  const broken = frameworkProject(EXAMPLE, { 'config/config.json': null, 'config/config.js': "module.exports = require('./secrets.json');\n" });
  const err = await verify(broken, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err!.message).toContain("could not start: the config config/config.js does not load: Cannot find module './secrets.json'");
  // Jest runs with NODE_ENV=test: sequelize-cli reads that section.
  const mysql = frameworkProject(EXAMPLE, { 'config/config.json': '{ "test": { "dialect": "mysql", "host": "db.shop.invalid" } }\n' });
  const other = await verify(mysql, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(other!.message).toContain("could not start: the config config/config.json (environment test) is for 'mysql': rollback-verify runs PostgreSQL");
});
