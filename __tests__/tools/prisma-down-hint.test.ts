/** A Prisma migration without down.sql: the missing-down problem names the command that makes one. */
import { prisma } from '../../src/formats/prisma.js';
import { files } from '../formats/files.js';

test('the hint is the prisma migrate diff command writing into the migration folder', () => {
  const [m] = prisma.parse(files({ 'migration_lock.toml': '', '20240101000000_init/migration.sql': 'CREATE TABLE a ();' }), 'prisma/migrations');
  expect(m!.down).toBeUndefined();
  expect(m!.missingDownHint).toBe(
    'generate one with: npx prisma migrate diff --from-schema-datamodel prisma/schema.prisma --to-schema-datasource prisma/schema.prisma --script > prisma/migrations/20240101000000_init/down.sql (run it while your database is still at the previous migration)',
  );
});
