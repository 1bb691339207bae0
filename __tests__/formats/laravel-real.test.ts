/**
 * Laravel end to end: the example app (Laravel 8 from Debian's php-laravel-framework, PHP with
 * pdo_pgsql) runs Artisan's migrate / migrate:rollback for each step against real PostgreSQL.
 * Its config/database.php points at a host that does not exist, so every passing run also
 * proves the scratch connection replaced it.
 */
import { EnvironmentError } from '../../src/errors.js';
import { usePostgres } from '../helpers/postgres.js';
import { git, verify } from '../helpers/migrations.js';
import { frameworkProject } from './framework-project.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const DIR = 'database/migrations';
const EXAMPLE = 'examples/laravel';
const without = {
  'database/migrations/2024_01_01_000001_create_customers_table.php': null,
  'database/migrations/2024_01_01_000002_create_orders_table.php': null,
  'database/migrations/2024_01_01_000003_touch_orders_updated_at.php': null,
  'database/migrations/2024_01_01_000004_customer_order_totals.php': null,
};
const migration = (up: string, down: string) => `<?php

use Illuminate\\Database\\Migrations\\Migration;
use Illuminate\\Support\\Facades\\DB;

return new class extends Migration
{
    public function up(): void
    {
        ${up}
    }

    public function down(): void
    {
        ${down}
    }
};
`;

/** Changes git sees outside ignored paths, and the ignored files, apart. */
const tracked = (root: string) => git(root, 'status', '--porcelain', '--untracked-files=all');
const ignored = (root: string) => git(root, 'status', '--porcelain', '--untracked-files=all', '--ignored').split('\n').filter((l) => l.startsWith('!!'));

test('the example passes, against a config whose host does not exist; only ignored paths (bootstrap/cache) change', async () => {
  const root = frameworkProject(EXAMPLE, {}, { nodeModules: false });
  const before = tracked(root);
  const r = await verify(root, DIR, url());
  expect(r.format).toBe('laravel');
  expect(r.problems).toEqual([]);
  expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
    ['2024_01_01_000001', 'create_customers_table', 'ok'],
    ['2024_01_01_000002', 'create_orders_table', 'ok'],
    ['2024_01_01_000003', 'touch_orders_updated_at', 'ok'],
    ['2024_01_01_000004', 'customer_order_totals', 'ok'],
  ]);
  expect(tracked(root)).toBe(before);
  for (const line of ignored(root)) expect(line).toMatch(/^!! (bootstrap\/cache|storage)\//);
}, 600_000);

test('a down that forgets an index fails naming the index and the migration file', async () => {
  const root = frameworkProject('__fixtures__/formats/laravel-broken', {}, { nodeModules: false });
  const r = await verify(root, DIR, url(), { from: '2024_01_01_000004' });
  expect(r.status).toBe('fail');
  const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
  expect(residue).toEqual([expect.objectContaining({ migration: '2024_01_01_000004', object: 'index public.orders_status_idx', file: 'database/migrations/2024_01_01_000004_customer_order_totals.php' })]);
});

test('a down that throws is irreversible; a down that fails is down-failed at its line, with its SQLSTATE', async () => {
  const root = frameworkProject(EXAMPLE, {
    ...without,
    'database/migrations/2024_01_02_000001_merge_names.php': migration(
      "DB::statement('CREATE TABLE people (full_name text)');",
      "throw new RuntimeException('irreversible: first and last names were merged');",
    ),
    'database/migrations/2024_01_02_000002_add_nickname.php': migration(
      "DB::statement('ALTER TABLE people ADD COLUMN nickname text');",
      "DB::statement('ALTER TABLE persons DROP COLUMN nickname');",
    ),
  }, { nodeModules: false });
  const r = await verify(root, DIR, url());
  expect(r.migrations.map((m) => m.status)).toEqual(['irreversible', 'failed']);
  expect(r.problems).toEqual([
    expect.objectContaining({ kind: 'irreversible', migration: '2024_01_02_000001', file: 'database/migrations/2024_01_02_000001_merge_names.php', line: 15 }),
    expect.objectContaining({ kind: 'down-failed', migration: '2024_01_02_000002', file: 'database/migrations/2024_01_02_000002_add_nickname.php', line: 15, sqlstate: '42P01' }),
  ]);
  expect(r.problems[1]!.message).toContain('relation "persons" does not exist');
});

test('an app without its packages, or that does not boot, is one environment error', async () => {
  const noVendor = frameworkProject(EXAMPLE, { 'vendor/autoload.php': null }, { nodeModules: false });
  const err = await verify(noVendor, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err!.message).toMatch(/could not start: .*\/vendor\/autoload.php is missing: install the app's packages first \(composer install\)$/);
  const broken = frameworkProject(EXAMPLE, { 'bootstrap/app.php': "<?php\nthrow new RuntimeException('APP_KEY is not set');\n" }, { nodeModules: false });
  const boot = await verify(broken, DIR, url()).then(() => undefined, (e: unknown) => e as Error);
  expect(boot).toBeInstanceOf(EnvironmentError);
  expect(boot!.message).toContain('could not start: the app does not boot: RuntimeException: APP_KEY is not set');
});
