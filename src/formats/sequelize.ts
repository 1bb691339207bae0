/**
 * Sequelize: `sequelize-cli` migrations, `<timestamp>-<name>.js` modules exporting
 * `up(queryInterface, Sequelize)` and `down(queryInterface, Sequelize)`, in the migrations folder
 * (`migrations/`, or wherever `.sequelizerc` puts it).
 *
 * Order: sequelize-cli's (umzug 2): the files directly in the folder whose names match
 * `/^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/`, sorted by file name.
 *
 * Each step runs the project's own sequelize-cli (src/tools/sequelize-runner.ts):
 *   up:   sequelize-cli db:migrate --to <file> --migrations-path <dir>
 *   down: sequelize-cli db:migrate:undo --name <file> --migrations-path <dir>
 * `--to` applies the pending migrations up to that file, which is that one file once the ones
 * before it are in. The connection is the scratch database, through `use_env_variable` in a
 * generated config that keeps the project's other settings. sequelize-cli wraps nothing in a
 * transaction: a migration that wants one opens it itself, and the run sees the same.
 *
 * Irreversible: sequelize-cli has no marker. A `down` whose first statement throws (or returns a
 * rejected promise) is `irreversible`, as is `// rollback-verify: irreversible`; an empty `down`
 * (the generated skeleton's, with only a comment) undoes nothing: missing-down.
 */
import { codeMarkers } from './code-markers.js';
import { displayPath, isTopLevel } from './common.js';
import { findJsMethod } from './js-method.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const TABLE = 'public.SequelizeMeta';
/** The files umzug loads as migrations in sequelize-cli (core/migrator.js). */
const MIGRATION_FILE = /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/;

function isSequelizeMigration(f: SourceFile): boolean {
  return isTopLevel(f.path) && MIGRATION_FILE.test(f.path) && /\bup\b[^\n]*\(\s*queryInterface\b|\bqueryInterface\s*\.\s*(?:createTable|addColumn|addIndex|sequelize)\b/.test(f.content);
}

export const sequelize: MigrationFormat = {
  name: 'sequelize',
  bookkeepingTables: [TABLE],
  detect(files) {
    return files.some(isSequelizeMigration);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    // umzug takes every matching file of the folder, whatever it holds; files that are not
    // migrations would fail in sequelize-cli the same way.
    const ordered = files.filter((f) => isTopLevel(f.path) && MIGRATION_FILE.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const stamp = (path: string) => /^(\d+)[-_]?(.*?)\.[^.]+$/.exec(path);
    const stampCount = new Map<string, number>();
    for (const f of ordered) {
      const key = stamp(f.path)?.[1];
      if (key) stampCount.set(key, (stampCount.get(key) ?? 0) + 1);
    }
    return ordered.map((f): Migration => {
      const shown = displayPath(displayDir, f.path);
      const stem = f.path.replace(/\.[^.]+$/, '');
      // A timestamp two files share cannot be an id: each keeps its whole stem then.
      const m = stamp(f.path) && stampCount.get(stamp(f.path)![1]!) === 1 ? stamp(f.path) : undefined;
      const up = findJsMethod(f.content, 'up');
      const down = findJsMethod(f.content, 'down');
      const step = (args: string[], line: number | undefined, source?: string): CommandScript => ({
        kind: 'command',
        launcher: 'sequelize',
        file: shown,
        ...(line ? { line } : {}),
        argv: ['sequelize-cli', ...args, f.path, '--migrations-path', absDir],
        cwd: absDir,
        ...(source !== undefined ? { source } : {}),
      });
      const markers = codeMarkers(f.content, shown, ['//']);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      return {
        id: m ? m[1]! : stem,
        name: m?.[2] || stem,
        up: step(['db:migrate', '--to'], up?.line, up?.body ?? f.content),
        ...(down && (!down.empty || markers.irreversible) ? { down: step(['db:migrate:undo', '--name'], down.line) } : {}),
        files: [f.path],
        markers,
        toolState: { sql: `SELECT coalesce(string_agg(name, ' ' ORDER BY name), '') FROM "SequelizeMeta"`, table: TABLE },
      };
    });
  },
};
