/**
 * Knex: `<timestamp>_<name>.js` modules exporting `up(knex)` and `down(knex)`. Each step runs the
 * project's own knex CLI (node_modules/.bin) for exactly one migration:
 *   up:   knex --client pg --connection <scratch url> --migrations-directory <dir> migrate:up <file>
 *   down: knex … migrate:down <file>
 * The knexfile, when there is one, is still loaded (knex looks for it from the project directory
 * upward) for everything else; `--connection` and `--migrations-directory` override its values
 * (cli.js merges the flags over the knexfile's environment config), so the run can only reach
 * the scratch database. DATABASE_URL is set too, for knexfiles that read it. Knex sorts files by
 * name. A module without a down has none; an empty one still runs (knex updates its table) and
 * is judged by what it leaves; `// rollback-verify:
 * irreversible` declares it irreversible.
 */
import { dirname, join } from 'node:path';
import { DATABASE_URL_ARG } from '../tools/run-command.js';
import { codeMarkers } from './code-markers.js';
import { baseName, compareStrings, displayPath, isTopLevel } from './common.js';
import { JS_EXTENSIONS, jsUpLine, readJsDown } from './js-migration.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const TABLE = 'public.knex_migrations';
const KNEXFILE = /^knexfile\.(?:js|cjs|mjs|ts)$/;

function isKnexModule(f: SourceFile): boolean {
  return JS_EXTENSIONS.test(f.path) && /\b(?:up|down)\s*(?:=\s*(?:async\s*)?(?:function\s*\w*\s*)?\(?\s*knex\b|\(\s*knex\b)|\bknex\.schema\b/.test(f.content);
}

/** Where the migrations are, relative to the migrations directory: itself, or migrations/ next to a knexfile. */
function migrationsSubdir(files: readonly SourceFile[]): string {
  return files.some((f) => KNEXFILE.test(f.path)) ? 'migrations' : '';
}

export const knex: MigrationFormat = {
  name: 'knex',
  bookkeepingTables: [TABLE, 'public.knex_migrations_lock'],
  detect(files) {
    const sub = migrationsSubdir(files);
    if (sub) return true;
    return files.some((f) => isTopLevel(f.path) && /^\d/.test(f.path) && isKnexModule(f));
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const sub = migrationsSubdir(files);
    const migrationsDir = sub ? join(absDir, sub) : absDir;
    // knex looks for the knexfile from its working directory upward: the project root.
    const cwd = sub ? absDir : dirname(absDir);
    const inDir = files
      .filter((f) => (sub ? f.path.startsWith(`${sub}/`) && !f.path.slice(sub.length + 1).includes('/') : isTopLevel(f.path)) && JS_EXTENSIONS.test(f.path) && !f.path.endsWith('.d.ts'))
      .sort((a, b) => compareStrings(baseName(a.path), baseName(b.path)));
    return inDir.map((f): Migration => {
      const file = baseName(f.path);
      const shown = displayPath(displayDir, f.path);
      const m = /^(\d+)[_-]?(.*?)\.[^.]+$/.exec(file);
      const step = (command: 'migrate:up' | 'migrate:down', line: number | undefined): CommandScript => ({
        kind: 'command',
        file: shown,
        ...(line ? { line } : {}),
        argv: ['knex', '--client', 'pg', '--connection', DATABASE_URL_ARG, '--migrations-directory', migrationsDir, command, file],
        cwd,
        ...(command === 'migrate:up' ? { source: f.content } : {}),
      });
      const markers = codeMarkers(f.content, shown, ['//']);
      const down = readJsDown(f.content);
      return {
        id: m ? m[1]! : file.replace(/\.[^.]+$/, ''),
        name: m?.[2] ?? '',
        up: step('migrate:up', jsUpLine(f.content)),
        ...(down && !down.declaredFalse ? { down: { ...step('migrate:down', down.line), ...(down.empty ? { empty: true } : {}) } } : {}),
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY id), '') FROM knex_migrations", table: TABLE },
      };
    });
  },
};
