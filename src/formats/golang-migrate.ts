/**
 * golang-migrate (also `migrate`, mattermost/morph): `<version>_<name>.up.sql` and
 * `<version>_<name>.down.sql` directly in the migrations directory.
 *
 * Followed (golang-migrate/migrate):
 * - source/parse.go: `^([0-9]+)_(.*)\.(down|up)\.(.*)$`, version parsed with ParseUint(…, 64);
 *   files that do not match are skipped (source/iofs/iofs.go), subdirectories are not read.
 * - source/migration.go `Append`: a second file for the same version and direction is an error
 *   (ErrDuplicateMigration); versions are ordered numerically.
 * - database/postgres/postgres.go `Run`: without `x-multi-statement` the whole file goes to
 *   ExecContext as one simple-query message, so PostgreSQL runs it as one implicit transaction
 *   (`implicit`); a whitespace-only file is skipped.
 */
import { ConfigError } from '../errors.js';
import { compareUnsigned, displayPath, downWithoutUp, isTopLevel, pairMigration, sqlScript, VersionClaims } from './common.js';
import { hasPopOnlyNames } from './pop.js';
import type { Migration, MigrationFormat, SourceFile } from './types.js';

/** golang-migrate's file name pattern (source/parse.go `Regex`). */
export const GOLANG_MIGRATE_FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

const MAX_UINT64 = (1n << 64n) - 1n;

interface Pair {
  version: string;
  name: string;
  up?: SourceFile;
  down?: SourceFile;
}

/**
 * True when some top-level file is named like a golang-migrate migration, unless the directory
 * uses pop-only names (a dialect or `.autocommit` infix, `.fizz`): then it is pop's (see index.ts).
 */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => isTopLevel(f.path) && GOLANG_MIGRATE_FILE.test(f.path)) && !hasPopOnlyNames(files);
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const pairs = new Map<bigint, Pair>();
  const claims = new VersionClaims(displayDir);
  for (const file of files) {
    if (!isTopLevel(file.path)) continue;
    const match = GOLANG_MIGRATE_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name, direction] = match as unknown as [string, string, string, 'up' | 'down'];
    const version = BigInt(digits);
    if (version > MAX_UINT64) {
      throw new ConfigError(`${displayPath(displayDir, file.path)}: version ${digits} does not fit in 64 bits`);
    }
    claims.claim(`${version}.${direction}`, `${digits} (${direction})`, file.path);
    const pair = pairs.get(version) ?? { version: digits, name };
    pair[direction] = file;
    pairs.set(version, pair);
  }
  return [...pairs.values()]
    .sort((a, b) => compareUnsigned(a.version, b.version))
    .map((pair) => toMigration(pair, displayDir));
}

function toMigration(pair: Pair, displayDir: string): Migration {
  if (!pair.up) {
    throw downWithoutUp(displayDir, pair.down!.path, `${pair.version}_${pair.name}.up.sql`);
  }
  return pairMigration({ id: pair.version, name: pair.name, up: pair.up, down: pair.down }, displayDir, (file) =>
    sqlScript({ displayDir, path: file.path, text: file.content, transaction: 'implicit' }),
  );
}

/** The golang-migrate format. */
export const golangMigrate: MigrationFormat = { name: 'golang-migrate', detect, parse };
