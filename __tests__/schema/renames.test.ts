/**
 * A rename that is not undone is one `renamed` difference (same definition, other name), for
 * indexes, constraints, columns and tables, with what the rename alone explains folded in. Near
 * misses: an object replaced by a different one is still removed + added; renamed back is nothing.
 */
import { diffSnapshots } from '../../src/schema/diff.js';
import { foldTableChildren } from '../../src/schema/fold.js';
import { pairRenames } from '../../src/schema/renames.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();

const SCHEMA = `
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, org int, CONSTRAINT email_not_blank CHECK (email <> ''));
CREATE INDEX users_email_idx ON users (email);
COMMENT ON COLUMN users.email IS 'login';
`;

/** The differences a rollback check would report after `change` on SCHEMA. */
async function differencesAfter(change: string) {
  return pg.withDatabase(async (client) => {
    await client.query(SCHEMA);
    const before = await snapshotSchema(client);
    await client.query(change);
    return pairRenames(foldTableChildren(diffSnapshots(before, await snapshotSchema(client))));
  });
}

const shown = (ds: Awaited<ReturnType<typeof differencesAfter>>) => ds.map((d) => [d.display, d.change, d.renamedTo]);

describe('renames are one difference', () => {
  test('an index', async () => {
    expect(shown(await differencesAfter('ALTER INDEX users_email_idx RENAME TO users_mail_idx'))).toEqual([['index public.users_email_idx', 'renamed', 'public.users_mail_idx']]);
  });

  test('a constraint', async () => {
    expect(shown(await differencesAfter('ALTER TABLE users RENAME CONSTRAINT email_not_blank TO email_present'))).toEqual([
      ['constraint public.users.email_not_blank', 'renamed', 'public.users.email_present'],
    ]);
  });

  test('a column, with its comment and the index over it folded in', async () => {
    const ds = await differencesAfter('ALTER TABLE users RENAME COLUMN email TO mail');
    expect(shown(ds)).toEqual([['column public.users.email', 'renamed', 'public.users.mail']]);
    expect(ds[0]!.explains).toEqual(expect.arrayContaining(['index public.users_email_idx', 'comment column public.users.email']));
  });

  test('a table, with its columns, constraints and indexes, and the sequence it owns', async () => {
    const ds = await differencesAfter('ALTER TABLE users RENAME TO accounts');
    expect(shown(ds)).toEqual([['table public.users', 'renamed', 'public.accounts']]);
    expect(ds[0]!.explains).toEqual(expect.arrayContaining(['sequence public.users_id_seq', 'index public.users_email_idx', 'comment column public.users.email']));
  });

  test('near miss: an index replaced by a different one is removed and added', async () => {
    const ds = await differencesAfter('DROP INDEX users_email_idx; CREATE INDEX users_mail_idx ON users (lower(email))');
    expect(shown(ds)).toEqual([
      ['index public.users_email_idx', 'removed', undefined],
      ['index public.users_mail_idx', 'added', undefined],
    ]);
  });

  test('near miss: renamed and renamed back is no difference', async () => {
    expect(await differencesAfter('ALTER INDEX users_email_idx RENAME TO x; ALTER INDEX x RENAME TO users_email_idx')).toEqual([]);
  });
});

describe('the engine reports a rename not undone as one error', () => {
  test('an index renamed by the up, not back by the down', async () => {
    const root = writeProject({
      'db/1_users.up.sql': SCHEMA,
      'db/1_users.down.sql': 'DROP TABLE users;\n',
      'db/2_rename.up.sql': 'ALTER INDEX users_email_idx RENAME TO users_mail_idx;\n',
      'db/2_rename.down.sql': '-- forgot to rename it back\nSELECT 1;\n',
    });
    const r = await verify(root, 'db', pg.server().adminUrl);
    // (The re-up then fails on the name: a consequence, folded into this problem after the run.)
    const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
    expect(residue).toEqual([
      expect.objectContaining({ kind: 'rollback-residue', severity: 'error', migration: '2', object: 'index public.users_email_idx', file: 'db/2_rename.down.sql' }),
    ]);
    expect(residue[0]!.message).toBe('index public.users_email_idx is named public.users_mail_idx after the down of 2_rename: same definition, other name — the down does not rename it back');
  });
});
