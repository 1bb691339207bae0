/** Sequelize parsing, pure: umzug's order, the sequelize-cli steps, downs, irreversible. */
import { detectFormat } from '../../src/formats/index.js';
import { sequelize } from '../../src/formats/sequelize.js';
import type { CommandScript } from '../../src/formats/types.js';
import { files } from './files.js';

const skeletonDown = `async down (queryInterface, Sequelize) {
    /**
     * Add reverting commands here.
     *
     * Example:
     * await queryInterface.dropTable('users');
     */
  }`;
const migration = (down: string) => `'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up (queryInterface, Sequelize) {
    await queryInterface.createTable('users', { id: { type: Sequelize.INTEGER, primaryKey: true } });
  },

  ${down}
};
`;
const context = { absDir: '/app/migrations', cwd: '/app', tool: {} };

test("sorted by file name as umzug does; sequelize-cli's own commands per step", () => {
  const ms = sequelize.parse(
    files({
      '20240102000000-add-orders.js': migration("async down (queryInterface) { await queryInterface.dropTable('orders'); }"),
      '20240101000000-add-users.js': migration("down: (queryInterface) => queryInterface.dropTable('users')"),
      'README.md': '# not a migration',
      'types.d.ts': 'export {}',
    }),
    'migrations',
    context,
  );
  expect(ms.map((m) => [m.id, m.name])).toEqual([['20240101000000', 'add-users'], ['20240102000000', 'add-orders']]);
  expect(ms[0]!.up).toMatchObject({
    launcher: 'sequelize',
    argv: ['sequelize-cli', 'db:migrate', '--to', '20240101000000-add-users.js', '--migrations-path', '/app/migrations'],
    file: 'migrations/20240101000000-add-users.js',
    line: 5,
  });
  expect((ms[1]!.down as CommandScript).argv).toEqual(['sequelize-cli', 'db:migrate:undo', '--name', '20240102000000-add-orders.js', '--migrations-path', '/app/migrations']);
  expect(ms[1]!.down!.line).toBe(9);
  expect(ms[0]!.toolState).toEqual({ sql: `SELECT coalesce(string_agg(name, ' ' ORDER BY name), '') FROM "SequelizeMeta"`, table: 'public.SequelizeMeta' });
});

test("the generated skeleton's down (a comment only) is no down; a throwing down is irreversible", () => {
  const ms = sequelize.parse(
    files({
      '20240101000000-a.js': migration(skeletonDown),
      '20240102000000-b.js': migration("async down () {\n    throw new Error('cannot restore the dropped column');\n  }"),
      '20240103000000-c.js': migration('').replace("'use strict';", "'use strict'; // rollback-verify: irreversible"),
    }),
    'migrations',
    context,
  );
  expect(ms[0]!.down).toBeUndefined();
  expect(ms[1]!.markers.irreversible).toEqual({ file: 'migrations/20240102000000-b.js', line: 10 });
  expect(ms[2]!.down).toBeUndefined();
  expect(ms[2]!.markers.irreversible).toEqual({ file: 'migrations/20240103000000-c.js', line: 1 });
});

test('detected from up(queryInterface, …) modules, not taken for knex or node-pg-migrate', () => {
  expect(detectFormat(files({ '20240101000000-a.js': migration(skeletonDown) })).name).toBe('sequelize');
  const ts = "import { QueryInterface } from 'sequelize';\n\nexport default {\n  up: async (queryInterface: QueryInterface) => {\n    await queryInterface.addColumn('users', 'x', { type: 'TEXT' });\n  },\n};\n";
  expect(detectFormat(files({ '20240101000000-a.ts': ts })).name).toBe('sequelize');
  // Two files of one timestamp: each keeps its whole stem as its id.
  const ms = sequelize.parse(files({ '20240101000000-a.ts': ts, '20240101000000-b.ts': ts }), 'm', context);
  expect(ms.map((m) => m.id)).toEqual(['20240101000000-a', '20240101000000-b']);
});
