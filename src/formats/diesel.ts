/**
 * diesel: one folder per migration, `<version>_<name>/up.sql` and `down.sql`, optionally
 * `metadata.toml` with `run_in_transaction = false`.
 *
 * Followed (diesel-rs/diesel, diesel_migrations):
 * - migrations_internals/src/lib.rs: every non-hidden, non-empty subdirectory is a migration
 *   and must contain up.sql (FileBasedMigrations::from_path fails with UnknownMigrationFormat
 *   otherwise); top-level files are ignored; the version is the folder name up to the first `_`
 *   with `-` removed (`2024-01-31-120000_x` → `20240131120000`).
 * - migration_harness.rs: migrations run in version order, compared as strings.
 * - file_based_migrations.rs: the file is sent with `batch_execute` (one simple-query message);
 *   an empty up.sql is an EmptyMigration error; a missing down.sql fails only on revert (no down).
 *   The harness wraps it in a transaction (`wrap`) when `run_in_transaction` is true; otherwise
 *   it is one message on its own (`implicit`).
 * - TomlMetadata: no metadata.toml → run_in_transaction = true; a metadata.toml that does not
 *   parse → true (`unwrap_or_default`); one that parses but lacks the key → false, because the
 *   field is `#[serde(default)] bool`.
 */
import { ConfigError } from '../errors.js';
import { compareStrings, displayPath, pairMigration, sqlScript, VersionClaims } from './common.js';
import type { Migration, MigrationFormat, SourceFile } from './types.js';

interface Folder {
  name: string;
  files: Map<string, SourceFile>;
}

/** True when some `<digit…>/up.sql` exists. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => /^[0-9][^/]*\/up\.sql$/.test(f.path));
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const folders = new Map<string, Folder>();
  for (const file of files) {
    const slash = file.path.indexOf('/');
    if (slash === -1 || file.path.startsWith('.')) continue;
    const name = file.path.slice(0, slash);
    const folder = folders.get(name) ?? { name, files: new Map() };
    const rest = file.path.slice(slash + 1);
    if (!rest.includes('/')) folder.files.set(rest, file);
    folders.set(name, folder);
  }
  const claims = new VersionClaims(displayDir);
  return [...folders.values()]
    .map((folder) => ({ folder, version: folder.name.split('_')[0]!.replaceAll('-', '') }))
    .sort((a, b) => compareStrings(a.version, b.version) || compareStrings(a.folder.name, b.folder.name))
    .map(({ folder, version }) => {
      const up = folder.files.get('up.sql');
      const down = folder.files.get('down.sql');
      const shownDir = displayPath(displayDir, folder.name);
      if (!up) {
        if (down) throw new ConfigError(`${displayPath(displayDir, down.path)} is a down migration without an up (expected ${folder.name}/up.sql)`);
        throw new ConfigError(`${shownDir}: diesel requires up.sql in every migration folder (UnknownMigrationFormat)`);
      }
      if (up.content === '') throw new ConfigError(`${displayPath(displayDir, up.path)}: diesel refuses an empty migration file`);
      claims.claim(version, version, folder.name);
      const metadata = folder.files.get('metadata.toml');
      const transaction = runInTransaction(metadata?.content) ? 'wrap' : 'implicit';
      const name = folder.name.includes('_') ? folder.name.slice(folder.name.indexOf('_') + 1) : folder.name;
      return pairMigration({ id: version, name, up, down, extraFiles: metadata ? [metadata] : [] }, displayDir, (file) =>
        sqlScript({ displayDir, path: file.path, text: file.content, transaction }),
      );
    });
}

/**
 * diesel's TomlMetadata for `run_in_transaction`, with a small TOML reader that handles what
 * metadata.toml files contain (top-level `key = value` pairs, comments, tables).
 */
export function runInTransaction(toml: string | undefined): boolean {
  if (toml === undefined) return true;
  let inTable = false;
  let value: boolean | undefined;
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim();
    if (line === '') continue;
    if (/^\[[^\]]+\]$/.test(line)) {
      inTable = true;
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.+)$/.exec(line);
    if (!pair) return true; // not TOML: diesel falls back to the default (true)
    if (inTable || pair[1] !== 'run_in_transaction') continue;
    if (pair[2] !== 'true' && pair[2] !== 'false') return true; // type error: default again
    value = pair[2] === 'true';
  }
  return value ?? false;
}

/** The diesel format. */
export const diesel: MigrationFormat = { name: 'diesel', detect, parse };
