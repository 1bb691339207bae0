/**
 * Plain SQL pairs, for teams with a home-grown runner: `<n>_<name>.sql` is the up and
 * `<n>_<name>.rollback.sql` its down, directly in the migrations directory, ordered by the
 * number. There is no upstream tool to copy; the convention documented for this format is that
 * each file runs in one transaction (`wrap`), sent as one message.
 */
import { compareUnsigned, downWithoutUp, isTopLevel, pairMigration, sqlScript, VersionClaims } from './common.js';
import type { Migration, MigrationFormat, SourceFile } from './types.js';

const UP_FILE = /^([0-9]+)_(.+)\.sql$/;
const DOWN_FILE = /^([0-9]+)_(.+)\.rollback\.sql$/;

interface Pair {
  version: string;
  name: string;
  up?: SourceFile;
  down?: SourceFile;
}

/** True when some top-level `<n>_<name>.rollback.sql` exists. */
function detect(files: readonly SourceFile[]): boolean {
  return files.some((f) => isTopLevel(f.path) && DOWN_FILE.test(f.path));
}

function parse(files: readonly SourceFile[], displayDir: string): Migration[] {
  const pairs = new Map<string, Pair>();
  const claims = new VersionClaims(displayDir);
  for (const file of files) {
    if (!isTopLevel(file.path)) continue;
    const down = DOWN_FILE.exec(file.path);
    const match = down ?? UP_FILE.exec(file.path);
    if (!match) continue;
    const [, digits, name] = match as unknown as [string, string, string];
    const key = BigInt(digits).toString();
    const direction = down ? 'down' : 'up';
    claims.claim(`${key}.${direction}`, `${digits} (${direction === 'up' ? 'up' : 'rollback'})`, file.path);
    const pair = pairs.get(key) ?? { version: digits, name };
    pair[direction] = file;
    if (direction === 'up') {
      pair.version = digits;
      pair.name = name;
    }
    pairs.set(key, pair);
  }
  return [...pairs.values()]
    .sort((a, b) => compareUnsigned(a.version, b.version))
    .map((pair) => {
      if (!pair.up) throw downWithoutUp(displayDir, pair.down!.path, `${pair.version}_${pair.name}.sql`);
      return pairMigration({ id: pair.version, name: pair.name, up: pair.up, down: pair.down }, displayDir, (file) =>
        sqlScript({ displayDir, path: file.path, text: file.content, transaction: 'wrap' }),
      );
    });
}

/** The plain `.sql` + `.rollback.sql` pairs format. */
export const rollbackSql: MigrationFormat = { name: 'rollback-sql', detect, parse };
