/**
 * The protocol's shared inspection connection (src/verify/inspector.ts): a migration that ends
 * every other session must not break the checks that follow, and the checks must still catch
 * what they caught on connections of their own.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const KILL_OTHERS =
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();\n';

describe('inspection connection', () => {
  test('a migration that terminates the other sessions is verified as usual', async () => {
    const root = writeProject({
      'db/000001_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
      'db/000001_users.down.sql': 'DROP TABLE users;\n',
      'db/000002_kick.up.sql': `${KILL_OTHERS}ALTER TABLE users ADD COLUMN name text;\n`,
      'db/000002_kick.down.sql': `${KILL_OTHERS}ALTER TABLE users DROP COLUMN name;\n`,
      'db/000003_idx.up.sql': 'CREATE INDEX users_email_idx ON users (email);\n',
      'db/000003_idx.down.sql': 'SELECT 1;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['000001', 'ok'], ['000002', 'ok'], ['000003', 'failed']]);
    // The index left behind by the down is still seen (and its re-up then fails on it: a consequence).
    expect(r.problems.map((p) => [p.kind, p.consequences?.map((c) => c.kind)])).toEqual([['rollback-residue', ['reup-failed']]]);
  });
});
