/**
 * Prisma Migrate: `<timestamp>_<name>/migration.sql`, with the down kept as `down.sql` in the
 * same folder (Prisma's guide "Generating down migrations": `migrate diff … --script > down.sql`,
 * applied with `prisma db execute --file down.sql`). `migration_lock.toml` at the root and any
 * other file are ignored.
 *
 * Followed (prisma/prisma-engines, schema-engine sql-schema-connector, postgres flavour,
 * connection.rs `apply_migration_script`): the whole migration.sql is sent with one
 * `simple_query`, with no BEGIN/COMMIT around it, so PostgreSQL runs it as one implicit
 * transaction (`implicit`; prisma/prisma#22922 observes exactly this: multi-statement files are
 * atomic, a lone CREATE INDEX CONCURRENTLY works). `db execute` sends the file as one script
 * too (`implicit`).
 *
 * Migrations are ordered by folder name, as Prisma lists them. A folder holding SQL but no
 * migration.sql is an error in Prisma; one with only down.sql is a down without an up.
 */
import { ConfigError } from '../errors.js';
import { compareStrings, dirName, displayPath, pairMigration, sqlScript, VersionClaims } from './common.js';
import type { Migration, MigrationFormat, SourceFile } from './types.js';

const FOLDER = /^([0-9]+)_(.*)$/;

interface Folder {
  name: string;
  up?: SourceFile;
  down?: SourceFile;
  other: SourceFile[];
}

/** True when some `<digits>_<name>/migration.sql` exists. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => {
    const parts = f.path.split('/');
    return parts.length === 2 && parts[1] === 'migration.sql' && FOLDER.test(parts[0]!);
  });
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const folders = new Map<string, Folder>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.length !== 2) continue;
    const folder = folders.get(parts[0]!) ?? { name: parts[0]!, other: [] };
    if (parts[1] === 'migration.sql') folder.up = file;
    else if (parts[1] === 'down.sql') folder.down = file;
    else folder.other.push(file);
    folders.set(folder.name, folder);
  }
  const claims = new VersionClaims(displayDir, 'timestamp');
  return [...folders.values()]
    .filter((f) => f.up || f.down || f.other.some((o) => o.path.endsWith('.sql')))
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((folder) => {
      if (!folder.up) {
        if (folder.down) {
          throw new ConfigError(
            `${displayPath(displayDir, folder.down.path)} is a down migration without an up (expected ${folder.name}/migration.sql)`,
          );
        }
        const stray = folder.other.find((o) => o.path.endsWith('.sql'))!;
        throw new ConfigError(`${displayPath(displayDir, stray.path)}: Prisma expects the folder's SQL in ${folder.name}/migration.sql`);
      }
      const match = FOLDER.exec(folder.name);
      if (!match) {
        throw new ConfigError(`${displayPath(displayDir, dirName(folder.up.path))}: Prisma migration folders are named <timestamp>_<name>`);
      }
      // Prisma itself keys migrations by folder name; rollback-verify reports them by timestamp.
      claims.claim(match[1]!, match[1]!, dirName(folder.up.path));
      const migration = pairMigration({ id: match[1]!, name: match[2]!, up: folder.up, down: folder.down }, displayDir, (file) =>
        sqlScript({ displayDir, path: file.path, text: file.content, transaction: 'implicit' }),
      );
      if (!folder.down)
      // Prisma's guide "Generating down migrations": diff the new datamodel against the database
      // while it is still at the previous migration.
        migration.missingDownHint = `generate one with: npx prisma migrate diff --from-schema-datamodel prisma/schema.prisma --to-schema-datasource prisma/schema.prisma --script > ${displayPath(displayDir, folder.name)}/down.sql (run it while your database is still at the previous migration)`;
      return migration;
    });
}

/** The Prisma Migrate format. */
export const prisma: MigrationFormat = { name: 'prisma', detect, parse };
