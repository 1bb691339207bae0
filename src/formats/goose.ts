/**
 * goose SQL migrations: `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down`.
 *
 * Followed (pressly/goose):
 * - migration.go NumericComponent and provider_collect.go: `*.sql` and `*.go` directly in the
 *   directory; the version is the integer before the first `_` (int64, ≥ 1); files without one
 *   are skipped; a second file with the same version is an error; order is numeric.
 * - internal/sqlparser/parser.go: goose splits the file into statements itself (see
 *   goose-parser.ts) and runs them in one transaction (migration_sql.go runSQLMigration:
 *   BEGIN, each statement, COMMIT → `wrap`) unless `-- +goose NO TRANSACTION`, when each
 *   statement runs on its own (`none`).
 * - A `.go` migration is compiled into the user's binary; it cannot be replayed here, and
 *   skipping it would verify a history the real tool does not run, so it is a ConfigError.
 *   `_test.go` files are skipped as goose does.
 * - A file without `-- +goose Down` has no down (goose would run nothing); a Down section with
 *   no statements is passed through and the engine reports it as missing-down.
 */
import { ConfigError } from '../errors.js';
import { collectMarkers, compareUnsigned, displayPath, isTopLevel, sqlScript, VersionClaims } from './common.js';
import { GooseSyntaxError, parseGooseSql, type GooseStatement } from './goose-parser.js';
import type { Migration, MigrationFormat, SourceFile } from './types.js';

const GOOSE_FILE = /^([0-9]+)_(.*)\.(sql|go)$/;
const MAX_INT64 = (1n << 63n) - 1n;
const ANNOTATION = /^--\s*\+goose\s+up\b/im;

/** True when a top-level numbered .sql file carries a `-- +goose Up` annotation. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => isTopLevel(f.path) && /^\d+_.*\.sql$/.test(f.path) && ANNOTATION.test(f.content));
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const claims = new VersionClaims(displayDir);
  const found: Array<{ file: SourceFile; version: string; name: string }> = [];
  for (const file of files) {
    if (!isTopLevel(file.path) || file.path.endsWith('_test.go')) continue;
    const match = GOOSE_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name, ext] = match as unknown as [string, string, string, string];
    const value = BigInt(digits);
    const shown = displayPath(displayDir, file.path);
    if (value < 1n || value > MAX_INT64) {
      throw new ConfigError(`${shown}: goose versions must be between 1 and 2^63-1, got ${digits}`);
    }
    claims.claim(value.toString(), digits, file.path);
    if (ext === 'go') {
      throw new ConfigError(
        `${shown} is a goose Go migration, which only runs compiled into your program; rollback-verify replays SQL migrations only`,
      );
    }
    found.push({ file, version: digits, name });
  }
  return found
    .sort((a, b) => compareUnsigned(a.version, b.version))
    .map(({ file, version, name }) => toMigration(file, version, name, displayDir));
}

function toMigration(file: SourceFile, version: string, name: string, displayDir: string): Migration {
  const shown = displayPath(displayDir, file.path);
  let parsed;
  try {
    parsed = parseGooseSql(file.content);
  } catch (err) {
    if (err instanceof GooseSyntaxError) {
      throw new ConfigError(`${err.line > 0 ? `${shown}:${err.line}` : shown}: goose cannot parse this migration: ${err.message}`);
    }
    throw err;
  }
  const transaction = parsed.useTx ? 'wrap' : 'none';
  const lines = file.content.split('\n');
  // `text` is the section as written (after its annotation line); `statements` is what goose sends.
  const script = (statements: GooseStatement[], fromLine: number, toLine: number) =>
    sqlScript({
      displayDir,
      path: file.path,
      text: lines.slice(fromLine, toLine - 1).join('\n'),
      line: fromLine + 1,
      transaction,
      statements: statements.map((s) => ({ sql: s.sql, line: s.line })),
    });
  const end = lines.length + 1;
  const migration: Migration = {
    id: version,
    name,
    up: script(parsed.up, parsed.upLine, parsed.downLine ?? end),
    files: [file.path],
    markers: collectMarkers([file], displayDir),
  };
  // No `-- +goose Down` at all: there is no down. An empty Down section is passed through.
  if (parsed.downLine !== undefined) migration.down = script(parsed.down, parsed.downLine, end);
  return migration;
}

/** The goose format. */
export const goose: MigrationFormat = { name: 'goose', detect, parse };
