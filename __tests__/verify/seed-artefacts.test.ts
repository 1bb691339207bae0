/**
 * One policy for ups that fail on the synthetic rows: tell "fails on these synthetic values" (a
 * warning naming them: NULLs the seed left in a nullable column, references without a foreign key
 * pointing nowhere) from "fails on any row" (an error: production fails the same way), verify the
 * migration on the rows it can run on, and seed again before the next one, so data checks stay on.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

const base = {
  'db/1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, note text);\n',
  'db/1_t.down.sql': 'DROP TABLE t;\n',
  // Added without values: every seeded row holds NULL here (production backfilled it by a script).
  'db/2_code.up.sql': 'ALTER TABLE t ADD COLUMN code text;\n',
  'db/2_code.down.sql': 'ALTER TABLE t DROP COLUMN code;\n',
};
/** A later migration whose down loses data, which only a data check on filled tables finds. */
const lossy = {
  'db/9_flag.up.sql': "ALTER TABLE t ADD COLUMN flag text DEFAULT 'x';\n",
  'db/9_flag.down.sql': 'ALTER TABLE t DROP COLUMN flag;\nALTER TABLE t DROP COLUMN note;\nALTER TABLE t ADD COLUMN note text;\n',
};

describe('ups that fail on synthetic rows', () => {
  test('NULLs the seed left in a nullable column: a warning naming them, verified, data checks still on later', async () => {
    const root = writeProject({
      ...base,
      'db/3_code_required.up.sql': 'ALTER TABLE t ALTER COLUMN code SET NOT NULL;\n',
      'db/3_code_required.down.sql': 'ALTER TABLE t ALTER COLUMN code DROP NOT NULL;\n',
      ...lossy,
    });
    const r = await verify(root, 'db', url());
    const warning = r.problems.find((p) => p.migration === '3');
    expect(warning).toMatchObject({ kind: 'up-failed', severity: 'warning', sqlstate: '23502' });
    expect(warning!.message).toContain('NULLs in public.t.code');
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'ok', 'failed']);
    // The later down that empties t.note is found: the data checks were not switched off.
    expect(r.problems.filter((p) => p.migration === '9' && p.kind === 'data-loss')).toEqual([expect.objectContaining({ severity: 'error', object: 'column public.t.note' })]);
  });

  test('ADD COLUMN … NOT NULL without a default fails on any row: an error, verified on empty tables, then seeded again', async () => {
    const root = writeProject({
      ...base,
      'db/3_required.up.sql': 'ALTER TABLE t ADD COLUMN required int NOT NULL;\n',
      'db/3_required.down.sql': 'ALTER TABLE t DROP COLUMN required;\n',
      ...lossy,
    });
    const r = await verify(root, 'db', url());
    const error = r.problems.find((p) => p.migration === '3');
    expect(error).toMatchObject({ kind: 'up-failed', severity: 'error', sqlstate: '23502' });
    expect(error!.message).toContain('fails on any row');
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'failed', 'failed']);
    expect(r.notes.join('\n')).toContain('3 was verified on empty tables');
    // Seeded again after it: the later lossy down is still found.
    expect(r.problems.filter((p) => p.migration === '9' && p.kind === 'data-loss')).toEqual([expect.objectContaining({ object: 'column public.t.note' })]);
  });

  test('two such migrations in one run: both verified, neither halts the run', async () => {
    const root = writeProject({
      ...base,
      'db/3_code_required.up.sql': 'ALTER TABLE t ALTER COLUMN code SET NOT NULL;\n',
      'db/3_code_required.down.sql': 'ALTER TABLE t ALTER COLUMN code DROP NOT NULL;\n',
      'db/4_other.up.sql': 'CREATE TABLE org (id uuid PRIMARY KEY);\nCREATE TABLE member (id int PRIMARY KEY, org_id uuid);\n',
      'db/4_other.down.sql': 'DROP TABLE member;\nDROP TABLE org;\n',
      // The seed fills org.id and member.org_id independently: the references point nowhere.
      'db/5_fk.up.sql': 'ALTER TABLE member ADD CONSTRAINT member_org_fk FOREIGN KEY (org_id) REFERENCES org (id);\n',
      'db/5_fk.down.sql': 'ALTER TABLE member DROP CONSTRAINT member_org_fk;\n',
      'db/6_last.up.sql': 'CREATE TABLE last (id int);\n',
      'db/6_last.down.sql': 'DROP TABLE last;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems.map((p) => [p.migration, p.kind, p.severity])).toEqual([
      ['3', 'up-failed', 'warning'],
      ['5', 'up-failed', 'warning'],
    ]);
    expect(r.problems[1]!.message).toContain('references in public.member.(org_id) to rows of public.org that do not exist');
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  test('rows the up deletes (orphans the seed made) are a warning; rows the down deletes stay an error (near miss)', async () => {
    const orgs = {
      'db/1_orgs.up.sql': 'CREATE TABLE org (id uuid PRIMARY KEY);\nCREATE TABLE member (id int PRIMARY KEY, org_id uuid);\n',
      'db/1_orgs.down.sql': 'DROP TABLE member;\nDROP TABLE org;\n',
    };
    const cleanup = {
      ...orgs,
      'db/2_fk.up.sql': 'DELETE FROM member WHERE org_id NOT IN (SELECT id FROM org);\nALTER TABLE member ADD CONSTRAINT member_org_fk FOREIGN KEY (org_id) REFERENCES org (id);\n',
      'db/2_fk.down.sql': 'ALTER TABLE member DROP CONSTRAINT member_org_fk;\n',
    };
    const r = await verify(writeProject(cleanup), 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'data-loss', severity: 'warning', migration: '2', object: 'table public.member' })]);
    expect(r.problems[0]!.message).toContain('the up deletes 20 of the synthetic rows');
    const lossyDown = {
      ...orgs,
      'db/2_flag.up.sql': 'ALTER TABLE member ADD COLUMN flag int;\n',
      'db/2_flag.down.sql': 'DELETE FROM member WHERE id % 2 = 0;\nALTER TABLE member DROP COLUMN flag;\n',
    };
    const r2 = await verify(writeProject(lossyDown), 'db', url());
    expect(r2.problems).toEqual([expect.objectContaining({ kind: 'data-loss', severity: 'error', migration: '2', object: 'table public.member' })]);
  });

  test('near miss: an up that fails on empty tables too is an error and stops', async () => {
    const root = writeProject({
      ...base,
      'db/3_bad.up.sql': 'INSERT INTO t (id) VALUES (NULL);\n',
      'db/3_bad.down.sql': 'DELETE FROM t;\n',
      ...lossy,
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'up-failed', severity: 'error', sqlstate: '23502', migration: '3' })]);
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'failed', 'not-run']);
  });
});
