/**
 * Laravel: `database/migrations/<YYYY_MM_DD_HHMMSS>_<name>.php`, each returning (or declaring) a
 * class that extends `Illuminate\Database\Migrations\Migration` with `up()` and `down()`.
 *
 * Order: Laravel's Migrator (getMigrationFiles): the `*_*.php` files directly in the folder,
 * sorted by name.
 *
 * Each step runs the app's own Artisan command through its console kernel
 * (src/tools/laravel-runner.ts), against the scratch database:
 *   up:   php artisan migrate --force --realpath --path=<file>
 *   down: php artisan migrate:rollback --force --step=1 --realpath --path=<file>
 * Each `migrate` is its own batch, so `--step=1` reverts exactly that migration. Laravel runs a
 * migration in a transaction on PostgreSQL unless the class sets `$withinTransaction = false`.
 *
 * Irreversible: Laravel has no marker. A `down()` whose first statement throws is
 * `irreversible`, as is `// rollback-verify: irreversible` (or `#`); an empty `down()` (or none:
 * Laravel then does nothing on rollback) is missing-down.
 */
import { join } from 'node:path';
import { LARAVEL_FILE_VARIABLE } from '../tools/laravel-runner.js';
import { codeMarkers } from './code-markers.js';
import { displayPath, isTopLevel } from './common.js';
import { findJsMethod } from './js-method.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const TABLE = 'public.migrations';
const FILE = /^(\d{4}_\d{2}_\d{2}_\d{6})_(.+)\.php$/;

function isLaravelMigration(f: SourceFile): boolean {
  return isTopLevel(f.path) && /_.*\.php$/.test(f.path) && /\bextends\s+Migration\b|\bSchema::/.test(f.content);
}

export const laravel: MigrationFormat = {
  name: 'laravel',
  bookkeepingTables: [TABLE],
  detect(files) {
    return files.some(isLaravelMigration);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const ordered = files
      .filter((f) => isTopLevel(f.path) && /^[^.].*_.*\.php$/.test(f.path))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return ordered.map((f): Migration => {
      const shown = displayPath(displayDir, f.path);
      const m = FILE.exec(f.path);
      const stem = f.path.replace(/\.php$/, '');
      // PHP methods read like JavaScript ones for this purpose: `public function down(): void { … }`.
      const code = f.content.replace(/\bfunction\s+(up|down)\s*\(/g, '$1(');
      const up = findJsMethod(code, 'up', true);
      const down = findJsMethod(code, 'down', true);
      const step = (command: 'migrate' | 'migrate:rollback', line: number | undefined, source?: string): CommandScript => ({
        kind: 'command',
        launcher: 'laravel',
        file: shown,
        ...(line ? { line } : {}),
        argv: ['php', 'artisan', command, '--force', ...(command === 'migrate:rollback' ? ['--step=1'] : []), '--realpath', `--path=${join(absDir, f.path)}`],
        cwd: absDir,
        env: { [LARAVEL_FILE_VARIABLE]: join(absDir, f.path) },
        ...(source !== undefined ? { source } : {}),
      });
      const markers = codeMarkers(f.content, shown, ['//', '#']);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      return {
        id: m ? m[1]! : stem,
        name: m ? m[2]! : stem,
        up: step('migrate', up?.line, up?.body ?? f.content),
        ...(down && (!down.empty || markers.irreversible) ? { down: step('migrate:rollback', down.line) } : {}),
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(migration, ' ' ORDER BY id), '') FROM migrations", table: TABLE },
      };
    });
  },
};
