/**
 * Each migration's display name shows its id once: Sqitch changes (the id is the name), Alembic
 * files that carry their revision anywhere in the name, Node modules without a name part. The
 * near miss: an id and a distinct name still read `id_name`.
 */
import { migrationLabel, nameWithoutId } from '../../src/result/migration-label.js';
import { alembic } from '../../src/formats/alembic.js';
import { sqitch } from '../../src/formats/sqitch.js';
import { knex } from '../../src/formats/knex.js';
import { nodePgMigrate } from '../../src/formats/node-pg-migrate.js';
import { files } from '../formats/files.js';

const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';

describe('migrationLabel', () => {
  test('id and a distinct name: id_name (near miss)', () => {
    expect(migrationLabel({ id: '000002', name: 'add_orders' })).toBe('000002_add_orders');
  });

  test('a name that is the id, empty, or already starts with it is not repeated', () => {
    expect(migrationLabel({ id: 'drop_osc_users', name: 'drop_osc_users' })).toBe('drop_osc_users');
    expect(migrationLabel({ id: 'users#2', name: 'users' })).toBe('users#2');
    expect(migrationLabel({ id: '1700000000000', name: '' })).toBe('1700000000000');
    expect(migrationLabel({ id: 'caf0e0dc621a', name: 'caf0e0dc621a_add_x' })).toBe('caf0e0dc621a_add_x');
  });

  test('nameWithoutId drops the id wherever it sits in a file stem', () => {
    expect(nameWithoutId('caf0e0dc621a_add_x', 'caf0e0dc621a')).toBe('add_x');
    expect(nameWithoutId('03_caf0e0dc621a_add_x', 'caf0e0dc621a')).toBe('03_add_x');
    expect(nameWithoutId('caf0e0dc621a', 'caf0e0dc621a')).toBe('');
    expect(nameWithoutId('add_x', 'caf0e0dc621a')).toBe('add_x');
  });
});

describe('formats name their migrations without the id twice', () => {
  const labels = (ms: Array<{ id: string; name: string }>) => ms.map(migrationLabel);

  test('sqitch: the change name once', () => {
    const ms = sqitch.parse(
      files({
        'sqitch.plan': ['%syntax-version=1.0.0', '%project=p', '', `drop_osc_users ${at}`].join('\n'),
        'deploy/drop_osc_users.sql': 'BEGIN; DROP TABLE osc_users; COMMIT;\n',
        'revert/drop_osc_users.sql': 'BEGIN; CREATE TABLE osc_users (id int); COMMIT;\n',
      }),
      'db',
    );
    expect(labels(ms)).toEqual(['drop_osc_users']);
  });

  test('alembic: a file named 03_<rev>_slug reads <rev>_03_slug, the revision once', () => {
    const rev = (id: string, down: string) => `revision = '${id}'\ndown_revision = ${down}\n\ndef upgrade():\n    op.create_table('t')\n\ndef downgrade():\n    op.drop_table('t')\n`;
    const ms = alembic.parse(
      files({
        'alembic.ini': '[alembic]\nscript_location = .\n',
        'env.py': '',
        'versions/03_caf0e0dc621a_add_x.py': rev('caf0e0dc621a', 'None'),
        'versions/bb12_more.py': rev('bb12', "'caf0e0dc621a'"),
      }),
      'db',
      { absDir: '/repo/db', cwd: '/repo', tool: {} },
    );
    expect(labels(ms)).toEqual(['caf0e0dc621a_03_add_x', 'bb12_more']);
  });

  test('knex and node-pg-migrate: a module without a name part is its id once', () => {
    const k = knex.parse(files({ '20240101.js': 'exports.up = (knex) => knex.schema;\n', '20240102_users.js': 'exports.up = (knex) => knex.schema;\n' }), 'm');
    expect(labels(k)).toEqual(['20240101', '20240102_users']);
    const n = nodePgMigrate.parse(files({ '1700000000000.js': 'exports.up = (pgm) => {};\n', '1700000000001_users.js': 'exports.up = (pgm) => {};\n' }), 'm');
    expect(labels(n)).toEqual(['1700000000000', '1700000000001_users']);
  });
});
