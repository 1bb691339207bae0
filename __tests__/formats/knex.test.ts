/** knex parsing, pure: layout, order, steps, downs. */
import { knex } from '../../src/formats/knex.js';
import type { CommandScript } from '../../src/formats/types.js';
import { DATABASE_URL_ARG } from '../../src/tools/run-command.js';
import { files } from './files.js';

test('a project root with a knexfile: migrations/ sorted by name, one file per step, URL as a flag', () => {
  const ms = knex.parse(
    files({
      'knexfile.js': 'module.exports = {}',
      'migrations/20240102_b.js': 'exports.up = function(knex) { return knex.schema.createTable("b") };\nexports.down = function(knex) {\n  \n};\n',
      'migrations/20240101_a.js': 'export async function up(knex) {}\nexport async function down(knex) { await knex.schema.dropTable("a") }\n',
    }),
    '.',
    { absDir: '/app', cwd: '/app', tool: {} },
  );
  expect(ms.map((m) => [m.id, m.name])).toEqual([['20240101', 'a'], ['20240102', 'b']]);
  expect((ms[0]!.down as CommandScript)).toMatchObject({
    argv: ['knex', '--client', 'pg', '--connection', DATABASE_URL_ARG, '--migrations-directory', '/app/migrations', 'migrate:down', '20240101_a.js'],
    cwd: '/app',
    line: 2,
  });
  // The knex stub's empty down undoes nothing, but it is a down: it runs (knex still moves its
  // bookkeeping back) and is judged by what it leaves (issue 12: empty downs are not 'no down').
  expect(ms[1]!.down).toMatchObject({ kind: 'command', empty: true, argv: expect.arrayContaining(['migrate:down', '20240102_b.js']) });
  expect(knex.detect(files({ '1_a.js': 'exports.up = (knex) => knex.schema' }))).toBe(true);
});
