/** node-pg-migrate parsing, pure: order, steps, downs. */
import { nodePgMigrate } from '../../src/formats/node-pg-migrate.js';
import type { CommandScript } from '../../src/formats/types.js';
import { files } from './files.js';

const ctx = { absDir: '/app/migrations', cwd: '/app', tool: {} };

test('orders by numeric prefix, runs one named migration per step from the project root', () => {
  const ms = nodePgMigrate.parse(
    files({
      '10_c.js': 'exports.up = (pgm) => { pgm.sql("x") };\nexports.down = false;\n',
      '9_b.js': 'export const up = async (pgm) => {};\n',
      '1700000000000_a.sql': '-- Up Migration\nCREATE TABLE a ();\n-- Down Migration\nDROP TABLE a;\n',
      'README.md': '',
    }),
    'migrations',
    ctx,
  );
  expect(ms.map((m) => m.id)).toEqual(['9', '10', '1700000000000']);
  expect(ms[0]!.up).toMatchObject({ argv: ['node-pg-migrate', 'up', '9_b', '--migrations-dir', '/app/migrations'], cwd: '/app', file: 'migrations/9_b.js' });
  // No down export: node-pg-migrate reverses the up itself, so the down still runs.
  expect((ms[0]!.down as CommandScript).argv.slice(0, 3)).toEqual(['node-pg-migrate', 'down', '9_b']);
  expect(ms[1]!.markers.irreversible).toEqual({ file: 'migrations/10_c.js', line: 2 });
  expect(ms[2]!.down).toMatchObject({ line: 3 });
  expect(nodePgMigrate.detect(files({ '1_a.js': 'exports.up = (pgm) => {}' }))).toBe(true);
  expect(nodePgMigrate.detect(files({ '1_a.js': 'exports.up = (knex) => {}' }))).toBe(false);
});
