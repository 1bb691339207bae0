/**
 * TypeORM: migration classes (`export class CreateUsers1700000000000 implements MigrationInterface`
 * with `up(queryRunner)` / `down(queryRunner)`), one or more per file, in the migrations folder.
 *
 * Order: TypeORM's own (MigrationExecutor.getMigrations): by the 13-digit JavaScript timestamp
 * that ends the migration's name (its `name` property, else its class name), ties kept in load
 * order. A name without that timestamp is an error in TypeORM too.
 *
 * Each step runs the project's own TypeORM through its DataSource API, in one Node process per
 * step (src/tools/typeorm-runner.ts): the project's data source is loaded as `typeorm
 * migration:run -d <file>` loads it, pointed at the scratch database, and shown only the
 * migration files up to the one being applied, so `runMigrations()` applies exactly that one and
 * `undoLastMigration()` reverts it. The transaction mode is the CLI's (`--transaction` in the
 * project's `migration:run` script, else the data source's `migrationsTransactionMode`, else `all`).
 *
 * Irreversible: TypeORM has no marker. A `down()` whose first statement throws (or returns a
 * rejected promise) is `irreversible`, as is `// rollback-verify: irreversible`; an empty `down()`
 * undoes nothing and is judged like any empty down (missing-down).
 */
import { ConfigError } from '../errors.js';
import { codeMarkers } from './code-markers.js';
import { displayPath } from './common.js';
import { blankCommentsAndStrings, findJsMethod } from './js-method.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

/** TypeORM's default `migrationsTableName`; the runner keeps the bookkeeping under this name. */
const TABLE = 'public.migrations';
/** Created by TypeORM next to it when the project has views or generated columns. */
const METADATA_TABLE = 'public.typeorm_metadata';

const SOURCE = /\.(?:ts|js|cjs|mjs|cts|mts)$/;

/** The environment variable the runner reads the migration files to show TypeORM from. */
export const TYPEORM_MIGRATIONS_VARIABLE = 'ROLLBACK_VERIFY_MIGRATIONS';

interface MigrationClass {
  file: SourceFile;
  /** The name TypeORM records: the `name` property, else the class name. */
  name: string;
  timestamp: bigint;
  line: number;
}

function isMigrationSource(f: SourceFile): boolean {
  return SOURCE.test(f.path) && !/\.d\.[cm]?ts$/.test(f.path) && /\bMigrationInterface\b|\bup\s*\(\s*queryRunner\b/.test(f.content);
}

/** The migration class of a file: the first class with an `up` method. */
function readClass(f: SourceFile, displayDir: string): MigrationClass | undefined {
  const code = blankCommentsAndStrings(f.content);
  const classes = [...code.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)];
  const found = classes.find((m) => /\bup\s*\(/.test(code.slice(m.index, classes.find((n) => n.index > m.index!)?.index)));
  if (!found) return undefined;
  const line = f.content.slice(0, found.index).split('\n').length;
  // Generated migrations carry `name = 'CreateUsers1700000000000'`, which TypeORM records instead.
  const nameProp = /(?:^|[\s;{])(?:public\s+|readonly\s+)*name\s*(?::\s*string\s*)?=\s*(['"`])([^'"`]+)\1/m.exec(f.content.slice(found.index));
  const name = nameProp ? nameProp[2]! : found[1]!;
  const stamp = /(\d{13})$/.exec(name);
  const shown = displayPath(displayDir, f.path);
  if (!stamp) {
    throw new ConfigError(`${shown}:${line}: migration ${name} has no JavaScript timestamp at the end of its name (TypeORM requires one, e.g. ${name}1700000000000)`);
  }
  return { file: f, name, timestamp: BigInt(stamp[1]!), line };
}

export const typeorm: MigrationFormat = {
  name: 'typeorm',
  bookkeepingTables: [TABLE, METADATA_TABLE],
  detect(files) {
    return files.some(isMigrationSource);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? displayDir;
    const classes = files
      .filter(isMigrationSource)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((f) => readClass(f, displayDir))
      .filter((c): c is MigrationClass => c !== undefined);
    // Array.prototype.sort is stable: equal timestamps stay in load (file name) order, as in TypeORM.
    classes.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    const names = new Map<string, string>();
    for (const c of classes) {
      const other = names.get(c.name);
      if (other) throw new ConfigError(`two migrations are named ${c.name}: ${displayPath(displayDir, other)} and ${displayPath(displayDir, c.file.path)} (TypeORM refuses duplicate migrations)`);
      names.set(c.name, c.file.path);
    }
    const stampCount = new Map<bigint, number>();
    for (const c of classes) stampCount.set(c.timestamp, (stampCount.get(c.timestamp) ?? 0) + 1);

    return classes.map((c, index): Migration => {
      const shown = displayPath(displayDir, c.file.path);
      // The files TypeORM sees for this step: every migration up to this one, relative to the
      // migrations directory (the step's working directory), which keeps the variable short.
      const visible = classes.slice(0, index + 1).map((x) => x.file.path);
      const up = findJsMethod(c.file.content, 'up');
      const down = findJsMethod(c.file.content, 'down');
      const step = (command: 'migration:run' | 'migration:revert', line: number | undefined, source?: string): CommandScript => ({
        kind: 'command',
        launcher: 'typeorm',
        file: shown,
        ...(line ? { line } : {}),
        argv: ['typeorm', command, c.name],
        cwd: absDir,
        env: { [TYPEORM_MIGRATIONS_VARIABLE]: visible.join('\n') },
        ...(source !== undefined ? { source } : {}),
      });
      const markers = codeMarkers(c.file.content, shown, ['//']);
      if (down?.throwsLine) markers.irreversible ??= { file: shown, line: down.throwsLine };
      const stampText = c.timestamp.toString().padStart(13, '0');
      return {
        id: stampCount.get(c.timestamp)! > 1 ? c.name : stampText,
        name: c.name.slice(0, -13) || c.name,
        up: step('migration:run', up?.line ?? c.line, up?.body ?? c.file.content),
        ...(down && (!down.empty || markers.irreversible) ? { down: step('migration:revert', down.line) } : {}),
        files: [c.file.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(name, ' ' ORDER BY id), '') FROM migrations", table: TABLE },
      };
    });
  },
};
