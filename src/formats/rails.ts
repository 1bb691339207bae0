/**
 * Rails (Active Record migrations): `<version>_<name>.rb` files under `db/migrate` (Rails globs
 * `**\/[0-9]*_*.rb` there), inside an app whose root holds `bin/rails`. Order is by version as a
 * number (MigrationContext#migrations: `sort_by(&:version)`); a file name outside Rails' pattern
 * or two files with one version or one class name are errors, as Rails raises them.
 *
 * Each step is the framework's own command, run by one long-lived Ruby process per app that
 * boots Rails once (src/tools/rails-runner.rb) against the scratch database (DATABASE_URL):
 * - up:   `bin/rails db:migrate:up VERSION=<version>`
 * - down: `bin/rails db:migrate:down VERSION=<version>`
 * Both go through Migrator#run: the advisory lock, one transaction per migration unless it says
 * `disable_ddl_transaction!`, and Rails' own schema_migrations / ar_internal_metadata rows. The
 * schema is not dumped (no db/schema.rb or structure.sql is written).
 * - schema_migrations must hold after each down what it held before the up; both tables are left
 *   out of snapshots and seeding.
 *
 * A `change` method is reverted by Rails itself. An `up` without `down` has no down (Rails' down
 * does nothing then), and so has an empty `down`. `raise ActiveRecord::IrreversibleMigration` in
 * `down` (or in `change`) or `# rollback-verify: irreversible` makes the migration irreversible;
 * so does the IrreversibleMigration Rails raises at run time for a `change` it cannot reverse.
 * Rails applies pending migrations whatever their version, so a new migration older than a
 * merged one is not an order problem.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { MIGRATIONS_DIR_VARIABLE } from '../tools/framework-runner.js';
import { codeMarkers } from './code-markers.js';
import { baseName, displayPath } from './common.js';
import { irreversibleLine, isEmptyRubyBody, readRubyMigration } from './ruby-migration.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const TABLE = 'public.schema_migrations';
/** ActiveRecord::Migration::MigrationFilenameRegexp. */
const FILE_NAME = /^([0-9]+)_([_a-z0-9]*)\.?([_a-z0-9]*)?\.rb$/;
/** The files Rails' migration_files glob picks up: `[0-9]*_*.rb`. */
const GLOB = /^[0-9][^/]*_[^/]*\.rb$/;

/**
 * The app root: the nearest directory at or above the migrations directory with bin/rails and
 * config/application.rb (bin/rails alone could be a system-wide /bin/rails).
 */
function appRoot(absDir: string, displayDir: string): string {
  for (let dir = absDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bin', 'rails')) && existsSync(join(dir, 'config', 'application.rb'))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError(`no Rails app around '${displayDir}': no directory at or above it holds bin/rails and config/application.rb; point the migrations directory at the app's db/migrate`);
}

/** `add_users` → `AddUsers`, as String#camelize names the class Rails expects. */
function camelize(name: string): string {
  return name.split('_').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : '')).join('');
}

function migrationFiles(files: readonly SourceFile[], displayDir: string): Array<SourceFile & { version: string; slug: string; shown: string }> {
  const out: Array<SourceFile & { version: string; slug: string; shown: string }> = [];
  const byVersion = new Map<bigint, string>();
  const byName = new Map<string, string>();
  for (const f of files) {
    const base = baseName(f.path);
    if (!GLOB.test(base)) continue;
    const shown = displayPath(displayDir, f.path);
    const m = FILE_NAME.exec(base);
    if (!m) throw new ConfigError(`${shown}: Rails refuses this migration file name (IllegalMigrationNameError): only lower case letters, numbers and '_' after the version`);
    const version = BigInt(m[1]!);
    const twin = byVersion.get(version);
    if (twin) throw new ConfigError(`${shown} and ${twin} have the same version ${m[1]} (Rails: DuplicateMigrationVersionError); give one a new timestamp`);
    byVersion.set(version, shown);
    const cls = camelize(m[2]!);
    const sameName = byName.get(cls);
    if (sameName) throw new ConfigError(`${shown} and ${sameName} both define ${cls} (Rails: DuplicateMigrationNameError); rename one`);
    byName.set(cls, shown);
    out.push({ ...f, version: m[1]!, slug: m[2]!, shown });
  }
  return out.sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : BigInt(a.version) > BigInt(b.version) ? 1 : 0));
}

export const rails: MigrationFormat = {
  name: 'rails',
  bookkeepingTables: [TABLE, 'public.ar_internal_metadata'],
  detect(files) {
    return files.some((f) => FILE_NAME.test(baseName(f.path)) && /\bActiveRecord::Migration\b/.test(f.content));
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? resolve(displayDir);
    const root = appRoot(absDir, displayDir);
    return migrationFiles(files, displayDir).map((f): Migration => {
      const step = (task: 'db:migrate:up' | 'db:migrate:down', line: number | undefined, source: string | undefined): CommandScript => ({
        kind: 'command',
        launcher: 'rails',
        file: f.shown,
        ...(line ? { line } : {}),
        argv: ['bin/rails', task, `VERSION=${f.version}`],
        cwd: root,
        env: { [MIGRATIONS_DIR_VARIABLE]: absDir },
        ...(source !== undefined ? { source } : {}),
      });
      const { change, up, down } = readRubyMigration(f.content);
      const markers = codeMarkers(f.content, f.shown, ['#']);
      const raises = (down && irreversibleLine(down)) ?? (change && irreversibleLine(change));
      if (raises) markers.irreversible ??= { file: f.shown, line: raises };
      // Migration#exec_migration runs `change` both ways when it exists, else `up` / `down`.
      const forward = change ?? up;
      const hasDown = change !== undefined || (down !== undefined && (!isEmptyRubyBody(down.body) || markers.irreversible !== undefined));
      return {
        id: f.version,
        name: f.slug,
        up: step('db:migrate:up', forward?.line, forward?.body ?? f.content),
        ...(hasDown ? { down: step('db:migrate:down', change ? change.line : down!.line, change ? undefined : down!.body) } : {}),
        files: [f.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(version, ' ' ORDER BY version), '') FROM schema_migrations", table: TABLE },
        ...(hasDown ? {} : { missingDownHint: 'Rails runs nothing for the down of a migration that has only `up`: write `def down`, or use `def change` for reversible commands' }),
      };
    });
  },
  // Rails applies every pending migration, older versions included: no order check.
  planProblems: () => [],
};
