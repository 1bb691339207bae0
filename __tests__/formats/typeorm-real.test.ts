/**
 * TypeORM end to end: the project's own TypeORM (this repository's node_modules) runs each step
 * through its DataSource API against real PostgreSQL. The example's data source points at a host
 * that does not exist, so every passing run also proves the scratch database replaced it.
 */
import { EnvironmentError } from '../../src/errors.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';
import { frameworkProject, workTree } from './framework-project.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const DIR = 'src/migrations';

const migration = (cls: string, up: string, down: string) => `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    ${up}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    ${down}
  }
}
`;

test('the example passes, against a data source whose host does not exist, and leaves the work tree as it was', async () => {
  const root = frameworkProject('examples/typeorm');
  const before = workTree(root);
  const r = await verify(root, DIR, url());
  expect(r.format).toBe('typeorm');
  expect(r.problems).toEqual([]);
  expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
    ['1700000000001', 'CreateCustomers', 'ok'],
    ['1700000000002', 'CreateOrders', 'ok'],
    ['1700000000003', 'TouchOrdersUpdatedAt', 'ok'],
    ['1700000000004', 'CustomerOrderTotals', 'ok'],
  ]);
  expect(workTree(root)).toBe(before);
}, 600_000);

test('a down that forgets an index fails naming the index and the migration file', async () => {
  const root = frameworkProject('__fixtures__/formats/typeorm-broken');
  const r = await verify(root, DIR, url(), { from: '1700000000004' });
  expect(r.status).toBe('fail');
  const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
  expect(residue).toEqual([expect.objectContaining({ migration: '1700000000004', object: 'index public.orders_status_idx', file: 'src/migrations/1700000000004-CustomerOrderTotals.ts' })]);
});

test('a down that throws is irreversible; a down that fails is down-failed at its line', async () => {
  const root = frameworkProject('examples/typeorm', {
    'src/migrations/1700000000001-CreateCustomers.ts': null,
    'src/migrations/1700000000002-CreateOrders.ts': null,
    'src/migrations/1700000000003-TouchOrdersUpdatedAt.ts': null,
    'src/migrations/1700000000004-CustomerOrderTotals.ts': null,
    'src/migrations/1700000000001-MergeNames.ts': migration(
      'MergeNames1700000000001',
      "await queryRunner.query('CREATE TABLE people (full_name text)');",
      "throw new Error('irreversible: first and last names were merged');",
    ),
    'src/migrations/1700000000002-AddNickname.ts': migration(
      'AddNickname1700000000002',
      "await queryRunner.query('ALTER TABLE people ADD COLUMN nickname text');",
      "await queryRunner.query('ALTER TABLE persons DROP COLUMN nickname');",
    ),
  });
  const r = await verify(root, DIR, url());
  expect(r.migrations.map((m) => m.status)).toEqual(['irreversible', 'failed']);
  expect(r.problems).toEqual([
    expect.objectContaining({ kind: 'irreversible', migration: '1700000000001', file: 'src/migrations/1700000000001-MergeNames.ts', line: 9 }),
    expect.objectContaining({ kind: 'down-failed', migration: '1700000000002', file: 'src/migrations/1700000000002-AddNickname.ts', line: 9, sqlstate: '42P01' }),
  ]);
  expect(r.problems[1]!.message).toContain('relation "persons" does not exist');
});

test('a project without TypeORM installed is one environment error naming the command, not an up-failed', async () => {
  const root = frameworkProject('examples/typeorm', {}, { nodeModules: false });
  const err = await verify(root, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err!.message).toMatch(/^'typeorm migration:run CreateCustomers1700000000001' could not start: typeorm is not installed in .*: install the project's packages first \(npm ci\)$/);
});

test('a data source that does not load is one environment error naming the file', async () => {
  const root = frameworkProject('examples/typeorm', { 'src/data-source.ts': "import './missing-config';\nexport {};\n" });
  const err = await verify(root, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err!.message).toContain("could not start: the data source src/data-source.ts does not load: Cannot find module './missing-config'");
});
