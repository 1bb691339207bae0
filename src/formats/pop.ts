/**
 * gobuffalo/pop SQL migrations as run by ory's popx (ory/kratos, hydra, keto):
 * `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`, found at any depth.
 *
 * Followed:
 * - ory/x popx/match.go: `^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql)$`; a
 *   lone `.autocommit` is the autocommit flag, not a dialect; dialect names are canonicalised
 *   with pop's synonyms (postgresql, pg, pgx → postgres; cockroachdb, crdb → cockroach;
 *   sqlite → sqlite3); unknown dialects are skipped.
 * - ory/x popx/migration_box.go findMigrations: walks the whole tree, ignores non-.sql files,
 *   and fails on a .sql file that does not match the pattern.
 * - ory/x popx/migration_info.go sortAndFilter: keeps files for our dialect (postgres) and
 *   dialect-less ones; for one version the dialect-specific file wins over the dialect-less one;
 *   versions sort as strings.
 * - popx migrator: a migration runs inside a transaction (`wrap`) unless `.autocommit`, when its
 *   content is one Exec on the connection, one simple-query message (`implicit`).
 * - gobuffalo/pop match.go: `.fizz` files are pop's DSL, translated to SQL by pop itself; they
 *   cannot be replayed as SQL, so they are a ConfigError naming the file.
 * Differences kept on purpose: popx refuses to start when an up has no down; here that down is
 * left undefined so the engine reports `missing-down` for that one migration. Migration content
 * is a Go text/template in pop (`{{ … }}`); it is sent as written.
 */
import { ConfigError } from '../errors.js';
import { baseName, compareStrings, displayPath, downWithoutUp, pairMigration, sqlScript } from './common.js';
import type { Migration, MigrationFormat, SourceFile, SqlScript } from './types.js';

/** popx's MigrationFileRegexp. */
export const POP_FILE = /^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql)$/;
const POP_FIZZ = /^(\d+)_([^.]+)(\.[a-z0-9]+)?\.(up|down)\.fizz$/;
const SUPPORTED_DIALECTS = new Set(['postgres', 'cockroach', 'mysql', 'sqlite3', 'mariadb']);
const SYNONYMS: Record<string, string> = {
  postgresql: 'postgres',
  pg: 'postgres',
  pgx: 'postgres',
  cockroachdb: 'cockroach',
  crdb: 'cockroach',
  sqlite: 'sqlite3',
};

interface PopFile {
  file: SourceFile;
  version: string;
  name: string;
  dialect: string;
  autocommit: boolean;
  direction: 'up' | 'down';
}

/**
 * True when the directory is recognisably pop's: a `.fizz` migration, or a SQL migration with a
 * dialect or `.autocommit` infix. Plain `<n>_<name>.up.sql` files are golang-migrate's too and
 * are left to it (the two run such files identically); use `--format pop` to force pop.
 */
export function hasPopOnlyNames(files: readonly SourceFile[]): boolean {
  return files.some((f) => {
    const name = baseName(f.path);
    if (POP_FIZZ.test(name)) return true;
    const m = POP_FILE.exec(name);
    return m !== null && (m[3] !== undefined || m[4] !== undefined);
  });
}

/** pop claims a directory only when it shows pop-only names (see hasPopOnlyNames). */
function detect(files: readonly SourceFile[]): boolean {
  return hasPopOnlyNames(files);
}

/** popx's parseMigrationFilename; undefined for dialects pop does not know (skipped). */
function parseName(file: SourceFile, displayDir: string): PopFile | undefined {
  const m = POP_FILE.exec(baseName(file.path));
  if (!m) {
    throw new ConfigError(
      `${displayPath(displayDir, file.path)} does not match pop's migration file pattern <version>_<name>[.<dialect>][.autocommit].(up|down).sql`,
    );
  }
  let dialect = 'all';
  let autocommit = m[4] !== undefined;
  if (m[3] === '.autocommit') autocommit = true;
  else if (m[3] !== undefined) {
    const raw = m[3].slice(1).toLowerCase();
    dialect = SYNONYMS[raw] ?? raw;
    if (!SUPPORTED_DIALECTS.has(dialect)) return undefined;
  }
  return { file, version: m[1]!, name: m[2]!, dialect, autocommit, direction: m[5] as 'up' | 'down' };
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const chosen = { up: new Map<string, PopFile>(), down: new Map<string, PopFile>() };
  for (const file of files) {
    const name = baseName(file.path);
    if (/\.fizz$/.test(name)) {
      throw new ConfigError(
        `${displayPath(displayDir, file.path)} is a fizz migration; fizz is pop's own DSL, not SQL, so rollback-verify cannot replay it (convert it to .up.sql/.down.sql)`,
      );
    }
    if (!name.endsWith('.sql')) continue;
    const parsed = parseName(file, displayDir);
    if (!parsed || (parsed.dialect !== 'all' && parsed.dialect !== 'postgres')) continue;
    const slot = chosen[parsed.direction];
    const previous = slot.get(parsed.version);
    if (previous) {
      const specific = (p: PopFile) => (p.dialect === 'all' ? 0 : 1);
      if (specific(previous) === specific(parsed)) {
        throw new ConfigError(
          `two migration files claim version ${parsed.version} (${parsed.direction}): ${displayPath(displayDir, previous.file.path)} and ${displayPath(displayDir, file.path)}`,
        );
      }
      if (specific(previous) > specific(parsed)) continue;
    }
    slot.set(parsed.version, parsed);
  }
  for (const [version, down] of chosen.down) {
    if (!chosen.up.has(version)) throw downWithoutUp(displayDir, down.file.path, `${version}_${down.name}.up.sql`);
  }
  return [...chosen.up.values()]
    .sort((a, b) => compareStrings(a.version, b.version))
    .map((up) => {
      const down = chosen.down.get(up.version);
      // pop's scripts carry their parsed name (dialect, autocommit), so map files back to them.
      const byFile = new Map([[up.file, up], ...(down ? [[down.file, down] as const] : [])]);
      return pairMigration({ id: up.version, name: up.name, up: up.file, down: down?.file }, displayDir, (file) =>
        toScript(byFile.get(file)!, displayDir),
      );
    });
}

function toScript(pop: PopFile, displayDir: string): SqlScript {
  return sqlScript({
    displayDir,
    path: pop.file.path,
    text: pop.file.content,
    transaction: pop.autocommit ? 'implicit' : 'wrap',
  });
}

/** The gobuffalo/pop (ory popx) format. */
export const pop: MigrationFormat = { name: 'pop', detect, parse };
