/**
 * Flyway SQL migrations: `V<version>__<description>.sql` with optional undo scripts
 * `U<version>__<description>.sql`.
 *
 * Followed (flyway/flyway):
 * - internal/resource/ResourceNameParser.java: prefix (case-sensitive), version before the
 *   first `__`, suffix `.sql` compared case-insensitively; the description shows `_` as spaces.
 *   Locations are scanned recursively, so subdirectories count.
 * - api/MigrationVersion.java: version order (see flyway-version.ts).
 * - internal/resolver/CompositeMigrationResolver.java: two migrations with one version are an
 *   error ("Found more than one migration with version").
 * - internal/sqlscript/ParserSqlScript.java + PostgreSQLParser.java: statements are split by
 *   Flyway's parser (flyway-parser.ts); a script runs in one transaction (`wrap`) unless a
 *   statement cannot, in which case the whole script runs without one (`none`); a script mixing
 *   both is refused unless `mixed` is configured, as Flyway does by default.
 * - internal/sqlscript/SqlScriptMetadata.java: a `<script>.sql.conf` next to the script may set
 *   `executeInTransaction=true|false`, which overrides the detection and the mixed check.
 *
 * Decisions:
 * - Repeatable migrations (`R__…`) are applied after all versioned ones whenever their checksum
 *   changes and have no undo; they are not part of the versioned history being verified, so they
 *   are skipped (like callbacks such as `afterMigrate.sql`).
 * - Flyway silently skips a file whose name starts like a versioned/undo migration but does not
 *   parse (`V1_init.sql`, `V1.1-x.sql`), so it would never run in production; that is almost
 *   always a typo, so it is a ConfigError here (Flyway's `validateMigrationNaming=true`).
 * - Flyway replaces `${placeholders}` from its configuration; the text is kept as written.
 */
import { ConfigError } from '../errors.js';
import { baseName, displayPath, downWithoutUp, pairMigration, sqlScript, VersionClaims } from './common.js';
import { FlywayParseError, parseFlywaySql } from './flyway-parser.js';
import { compareFlywayVersions, flywayVersionKey, parseFlywayVersion, type FlywayVersion } from './flyway-version.js';
import type { Migration, MigrationFormat, SourceFile, SqlScript } from './types.js';

const SQL_SUFFIX = /\.sql$/i;
const LOOKS_VERSIONED = /^[VU][0-9]/;

interface Versioned {
  version: FlywayVersion;
  description: string;
  up?: SourceFile;
  down?: SourceFile;
}

/** True when some file (at any depth) is named like a Flyway versioned migration. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => {
    const parsed = parseName(baseName(f.path));
    return parsed !== undefined && parsed.prefix === 'V';
  });
}

interface ParsedName {
  prefix: 'V' | 'U';
  version: FlywayVersion;
  description: string;
}

/** ResourceNameParser for V/U names; undefined when the name is not a valid V/U migration. */
function parseName(name: string): ParsedName | undefined {
  if (!SQL_SUFFIX.test(name) || !LOOKS_VERSIONED.test(name)) return undefined;
  const stem = name.replace(SQL_SUFFIX, '');
  const separator = stem.indexOf('__');
  if (separator === -1) return undefined;
  const version = parseFlywayVersion(stem.slice(1, separator));
  if (!version) return undefined;
  return { prefix: stem[0] as 'V' | 'U', version, description: stem.slice(separator + 2).replaceAll('_', ' ') };
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const byVersion = new Map<string, Versioned>();
  const claims = new VersionClaims(displayDir);
  const configs = new Map(files.filter((f) => /\.sql\.conf$/i.test(f.path)).map((f) => [f.path, f]));
  for (const file of files) {
    const name = baseName(file.path);
    if (!SQL_SUFFIX.test(name) || !LOOKS_VERSIONED.test(name)) continue;
    const parsed = parseName(name);
    if (!parsed) {
      throw new ConfigError(
        `${displayPath(displayDir, file.path)}: not a valid Flyway migration name, so Flyway would skip it (expected ${name[0]}<version>__<description>.sql, e.g. ${name[0]}1.2__add_users.sql)`,
      );
    }
    const key = flywayVersionKey(parsed.version);
    claims.claim(`${parsed.prefix}${key}`, `${parsed.version.display} (${parsed.prefix})`, file.path);
    const entry = byVersion.get(key) ?? { version: parsed.version, description: parsed.description };
    if (parsed.prefix === 'V') {
      entry.up = file;
      entry.version = parsed.version;
      entry.description = parsed.description;
    } else {
      entry.down = file;
    }
    byVersion.set(key, entry);
  }
  return [...byVersion.values()]
    .sort((a, b) => compareFlywayVersions(a.version, b.version))
    .map((entry) => {
      if (!entry.up) {
        throw downWithoutUp(displayDir, entry.down!.path, `V${entry.version.display}__<description>.sql`);
      }
      const own = entry.down ? [entry.up, entry.down] : [entry.up];
      // Script configuration files change how a script runs, so they are part of the migration.
      const confs = own.flatMap((f) => configs.get(`${f.path}.conf`) ?? []);
      return pairMigration(
        { id: entry.version.display, name: entry.description, up: entry.up, down: entry.down, extraFiles: confs },
        displayDir,
        (file) => toScript(file, configs, displayDir),
      );
    });
}

function toScript(file: SourceFile, configs: Map<string, SourceFile>, displayDir: string): SqlScript {
  const shown = displayPath(displayDir, file.path);
  let statements;
  try {
    statements = parseFlywaySql(file.content);
  } catch (err) {
    if (err instanceof FlywayParseError) throw new ConfigError(`${shown}:${err.line}: Flyway cannot run this script: ${err.message}`);
    throw err;
  }
  const config = configs.get(`${file.path}.conf`);
  const override = config ? executeInTransactionSetting(config, displayDir) : undefined;
  const nonTransactional = statements.filter((s) => !s.canExecuteInTransaction);
  if (override === undefined && nonTransactional.length > 0 && nonTransactional.length < statements.length) {
    const offender = statements.find((s, i) => i > 0 && s.canExecuteInTransaction !== statements[0]!.canExecuteInTransaction)!;
    throw new ConfigError(
      `${shown}:${offender.line}: Flyway refuses a migration with both transactional and non-transactional statements (even though mixed is false); move the non-transactional statement into its own migration, or set executeInTransaction in ${baseName(file.path)}.conf`,
    );
  }
  const inTransaction = override ?? nonTransactional.length === 0;
  return sqlScript({
    displayDir,
    path: file.path,
    text: file.content,
    transaction: inTransaction ? 'wrap' : 'none',
    statements: statements.map((s) => ({ sql: s.sql, line: s.line })),
  });
}

/** Reads `executeInTransaction` from a script configuration file (Java properties syntax). */
function executeInTransactionSetting(config: SourceFile, displayDir: string): boolean | undefined {
  for (const [index, raw] of config.content.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^executeInTransaction\s*[=:]\s*(.*)$/.exec(line);
    if (!match) continue;
    const value = match[1]!.trim().toLowerCase();
    if (value === 'true' || value === 'false') return value === 'true';
    throw new ConfigError(
      `${displayPath(displayDir, config.path)}:${index + 1}: executeInTransaction must be true or false, got '${match[1]}'`,
    );
  }
  return undefined;
}

/** The Flyway format. */
export const flyway: MigrationFormat = { name: 'flyway', detect, parse };
