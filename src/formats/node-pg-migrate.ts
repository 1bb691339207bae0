/**
 * node-pg-migrate: `<timestamp>_<name>.js` modules exporting `up(pgm)` and `down(pgm)` (or `.sql`
 * files with `-- Up Migration` / `-- Down Migration`). Each step runs the project's own
 * node-pg-migrate (node_modules/.bin) for exactly one migration, as the CLI does it:
 *   up:   node-pg-migrate up <name> --migrations-dir <dir>
 *   down: node-pg-migrate down <name> --migrations-dir <dir>
 * (`up|down <name>` selects that one migration: runner getMigrationsToRun filters by name.)
 * It reads the scratch database from DATABASE_URL, its default `--database-url-var`. A module
 * without a down still has one: node-pg-migrate reverses the up's operations itself, so it is
 * run and verified; `exports.down = false` is the tool's own "irreversible".
 * The order is node-pg-migrate's: numeric prefix, then the name (compareMigrationFileNames).
 */
import { dirname, join } from 'node:path';
import { codeMarkers } from './code-markers.js';
import { baseName, displayPath, isTopLevel, VersionClaims } from './common.js';
import { JS_EXTENSIONS, jsUpLine, readJsDown } from './js-migration.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const FILE = /^(\d+)[_-]?(.*?)\.(?:js|cjs|mjs|ts|cts|mts|sql)$/;
const TABLE = 'public.pgmigrations';

function isNodePgMigrateModule(f: SourceFile): boolean {
  if (!isTopLevel(f.path) || !FILE.test(f.path)) return false;
  if (f.path.endsWith('.sql')) return /^--\s*Up Migration/im.test(f.content);
  return /\b(?:up|down)\s*(?:=\s*(?:async\s*)?\(?\s*pgm\b|\(\s*pgm\b)|\bpgm\.\w+\(/.test(f.content);
}

function compareNames(a: string, b: string): number {
  const pa = BigInt(FILE.exec(a)![1]!);
  const pb = BigInt(FILE.exec(b)![1]!);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'variant', ignorePunctuation: true });
}

export const nodePgMigrate: MigrationFormat = {
  name: 'node-pg-migrate',
  bookkeepingTables: [TABLE],
  detect(files) {
    return files.some(isNodePgMigrateModule);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    // The project (package.json, node_modules, config/) is the migrations directory's parent.
    const cwd = dirname(absDir);
    const claims = new VersionClaims(displayDir, 'migration name');
    const ordered = files.filter((f) => isTopLevel(f.path) && FILE.test(f.path) && (JS_EXTENSIONS.test(f.path) || f.path.endsWith('.sql'))).sort((a, b) => compareNames(a.path, b.path));
    return ordered.map((f): Migration => {
      const stem = baseName(f.path).replace(/\.[^.]+$/, '');
      claims.claim(stem, stem, f.path);
      const [, id, name] = FILE.exec(f.path)!;
      const shown = displayPath(displayDir, f.path);
      const step = (direction: 'up' | 'down', line: number | undefined): CommandScript => ({
        kind: 'command',
        file: shown,
        ...(line ? { line } : {}),
        argv: ['node-pg-migrate', direction, stem, '--migrations-dir', join(absDir)],
        cwd,
        ...(direction === 'up' ? { source: f.content } : {}),
      });
      const markers = codeMarkers(f.content, shown, f.path.endsWith('.sql') ? ['--'] : ['//']);
      const sqlDown = f.path.endsWith('.sql') ? /^--\s*Down Migration/im.exec(f.content) : undefined;
      const down = f.path.endsWith('.sql') ? undefined : readJsDown(f.content);
      if (down?.declaredFalse) markers.irreversible ??= { file: shown, line: down.line };
      const downLine = sqlDown ? f.content.slice(0, sqlDown.index).split('\n').length : down?.line;
      const hasDown = !(f.path.endsWith('.sql') && !sqlDown);
      return {
        id: id!,
        name: name ?? '',
        up: step('up', f.path.endsWith('.sql') ? 1 : jsUpLine(f.content)),
        ...(hasDown ? { down: { ...step('down', downLine), ...(down?.empty ? { empty: true } : {}) } } : {}),
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY run_on, id), '') FROM pgmigrations", table: TABLE },
      };
    });
  },
};
