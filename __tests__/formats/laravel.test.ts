/** Laravel parsing, pure: the Migrator's order, Artisan steps, downs, irreversible. */
import { detectFormat } from '../../src/formats/index.js';
import { laravel } from '../../src/formats/laravel.js';
import type { CommandScript } from '../../src/formats/types.js';
import { LARAVEL_FILE_VARIABLE } from '../../src/tools/laravel-runner.js';
import { files } from './files.js';

const migration = (down: string) => `<?php

use Illuminate\\Database\\Migrations\\Migration;
use Illuminate\\Database\\Schema\\Blueprint;
use Illuminate\\Support\\Facades\\Schema;

return new class extends Migration
{
    public function up(): void
    {
        Schema::create('users', function (Blueprint $table) {
            $table->id();
        });
    }

    public function down(): void
    {
        ${down}
    }
};
`;
const context = { absDir: '/app/database/migrations', cwd: '/app', tool: {} };

test("sorted by name as Laravel's Migrator does; Artisan's own commands for exactly that file", () => {
  const ms = laravel.parse(
    files({
      '2024_02_01_000000_add_orders.php': migration("Schema::drop('orders');"),
      '2024_01_01_000000_add_users.php': migration("DB::unprepared('\n  DROP TABLE users;\n');"),
      '.gitkeep': '',
    }),
    'database/migrations',
    context,
  );
  expect(ms.map((m) => [m.id, m.name])).toEqual([['2024_01_01_000000', 'add_users'], ['2024_02_01_000000', 'add_orders']]);
  const down = ms[0]!.down as CommandScript;
  expect(down).toMatchObject({
    launcher: 'laravel',
    argv: ['php', 'artisan', 'migrate:rollback', '--force', '--step=1', '--realpath', '--path=/app/database/migrations/2024_01_01_000000_add_users.php'],
    env: { [LARAVEL_FILE_VARIABLE]: '/app/database/migrations/2024_01_01_000000_add_users.php' },
    line: 16,
  });
  expect((ms[1]!.up as CommandScript).argv.slice(0, 4)).toEqual(['php', 'artisan', 'migrate', '--force']);
  expect(ms[1]!.up.line).toBe(9);
});

test('an empty down() is no down; a throwing one is irreversible; so is the marker comment', () => {
  const ms = laravel.parse(
    files({
      '2024_01_01_000001_a.php': migration('# nothing: the table stays'),
      '2024_01_01_000002_b.php': migration("throw new RuntimeException('irreversible');"),
      '2024_01_01_000003_c.php': migration("Schema::drop('users'); // rollback-verify: irreversible"),
    }),
    'm',
    context,
  );
  expect(ms[0]!.down).toBeUndefined();
  expect(ms[1]!.markers.irreversible).toEqual({ file: 'm/2024_01_01_000002_b.php', line: 18 });
  expect(ms[2]!.markers.irreversible).toEqual({ file: 'm/2024_01_01_000003_c.php', line: 18 });
  expect(detectFormat(files({ '2024_01_01_000001_a.php': migration('') })).name).toBe('laravel');
});
