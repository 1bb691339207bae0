/**
 * Alembic end to end: real Alembic (Debian's alembic + python3-psycopg2, or the project's pip
 * install) against real PostgreSQL, through runVerification.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeGitProject, writeProject } from '../helpers/migrations.js';
import { alembicProject, hasAlembic, usersTable, type RevisionSpec } from './alembic-project.js';

const suite = hasAlembic ? describe : describe.skip;
if (!hasAlembic) {
  // eslint-disable-next-line no-console
  console.warn('Alembic tests skipped: alembic is not installed (apt-get install -y alembic python3-alembic python3-psycopg2)');
}

const moodEnum: RevisionSpec = {
  id: 'b2c3d4e5f6a7',
  slug: 'add_mood',
  parents: [usersTable.id],
  up: ["op.create_table('moods', sa.Column('user_id', sa.Integer), sa.Column('mood', sa.Enum('happy', 'sad', name='mood')))"],
  // The classic Alembic bug: create_table created the enum type, drop_table leaves it behind.
  down: ["op.drop_table('moods')"],
};

suite('alembic (real Alembic, real PostgreSQL)', () => {
  const pg = usePostgres();
  const url = () => pg.server().adminUrl;

  test('a linear history with correct downgrades passes, one step at a time', async () => {
    const fixed: RevisionSpec = { ...moodEnum, down: ["op.drop_table('moods')", "sa.Enum(name='mood').drop(op.get_bind())"] };
    const root = writeProject(alembicProject([usersTable, fixed]));
    const r = await verify(root, '.', url());
    expect(r.format).toBe('alembic');
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
      [usersTable.id, 'create_users', 'ok'],
      [moodEnum.id, 'add_mood', 'ok'],
    ]);
    expect(r.migrations[0]!.files.up).toBe(`migrations/versions/${usersTable.id}_create_users.py`);
  });

  test('a downgrade that leaves the enum type behind is rollback-residue naming the type', async () => {
    const root = writeProject(alembicProject([usersTable, moodEnum]));
    const r = await verify(root, '.', url());
    expect(r.status).toBe('fail');
    const residue = r.problems.filter((p) => p.kind === 'rollback-residue');
    expect(residue).toHaveLength(1);
    expect(residue[0]).toMatchObject({ migration: moodEnum.id, severity: 'error', file: `migrations/versions/${moodEnum.id}_add_mood.py` });
    expect(residue[0]!.object).toMatch(/public\.mood\b/);
    expect(residue[0]!.object).toMatch(/type|enum/);
  });

  test('a branch with a merge revision is verified, each branch stepping back on its own', async () => {
    const orders: RevisionSpec = { id: 'c0ffee000001', slug: 'orders', parents: [usersTable.id], up: ["op.create_table('orders', sa.Column('id', sa.Integer, primary_key=True))"], down: ["op.drop_table('orders')"] };
    const tags: RevisionSpec = { id: 'deadbeef0002', slug: 'tags', parents: [usersTable.id], up: ["op.create_table('tags', sa.Column('id', sa.Integer, primary_key=True))"], down: ["op.drop_table('tags')"] };
    const merge: RevisionSpec = { id: 'fa11ed000003', slug: 'merge_heads', parents: [orders.id, tags.id], up: [], down: [] };
    const after: RevisionSpec = { id: 'fa11ed000004', slug: 'orders_note', parents: [merge.id], up: ["op.add_column('orders', sa.Column('note', sa.Text))"], down: ["op.drop_column('orders', 'note')"] };
    const root = writeProject(alembicProject([usersTable, orders, tags, merge, after]));
    const r = await verify(root, '.', url());
    // The merge revision's empty downgrade() is how Alembic writes merges: nothing to undo.
    expect(r.problems.filter((p) => p.kind !== 'missing-down')).toEqual([]);
    expect(r.migrations.map((m) => m.id)).toEqual([usersTable.id, orders.id, tags.id, merge.id, after.id]);
    expect(r.migrations.filter((m) => m.id !== merge.id).every((m) => m.status === 'ok')).toBe(true);
  });

  test('a downgrade raising NotImplementedError is irreversible, a warning', async () => {
    const oneWay: RevisionSpec = { ...moodEnum, down: ['raise NotImplementedError("data cannot come back")'] };
    const root = writeProject(alembicProject([usersTable, oneWay]));
    const r = await verify(root, '.', url());
    expect(r.status).toBe('pass');
    expect(r.migrations[1]!.status).toBe('irreversible');
    expect(r.problems).toEqual([
      expect.objectContaining({ kind: 'irreversible', severity: 'warning', migration: moodEnum.id, file: `migrations/versions/${moodEnum.id}_add_mood.py`, line: 21 }),
    ]);
  });

  test('a downgrade that raises is down-failed naming the revision file and the line', async () => {
    const broken: RevisionSpec = { ...moodEnum, down: ["op.drop_table('moods')", "op.execute('DROP TYPE moood')"] };
    const root = writeProject(alembicProject([usersTable, broken]));
    const r = await verify(root, '.', url());
    expect(r.status).toBe('fail');
    const failed = r.problems.find((p) => p.kind === 'down-failed');
    expect(failed).toMatchObject({ migration: moodEnum.id, file: `migrations/versions/${moodEnum.id}_add_mood.py`, line: 22 });
    expect(failed!.message).toContain('type "moood" does not exist');
    expect(r.migrations[1]!.status).toBe('failed');
  });

  test('a PR revision on the same parent as a merged one is an order problem suggesting alembic merge', async () => {
    const theirs: RevisionSpec = { id: 'aaaa00000001', slug: 'their_table', parents: [usersTable.id], up: ["op.create_table('theirs', sa.Column('id', sa.Integer))"], down: ["op.drop_table('theirs')"] };
    const ours: RevisionSpec = { id: 'bbbb00000002', slug: 'our_table', parents: [usersTable.id], up: ["op.create_table('ours', sa.Column('id', sa.Integer))"], down: ["op.drop_table('ours')"] };
    const base = alembicProject([usersTable, theirs]);
    const head = alembicProject([ours]);
    const root = writeGitProject(base, head);
    const r = await verify(root, '.', url(), { base: 'main' });
    expect(r.migrations.map((m) => m.id)).toEqual([ours.id]);
    const order = r.problems.filter((p) => p.kind === 'order');
    expect(order).toHaveLength(1);
    expect(order[0]!.migration).toBe(ours.id);
    expect(order[0]!.message).toContain(theirs.id);
    expect(order[0]!.message).toContain(`alembic merge -m "merge heads"`);
    expect(r.status).toBe('fail');
  });

  test('a downgrade that leaves alembic_version wrong is caught even when the schema is restored', async () => {
    const sneaky: RevisionSpec = { ...moodEnum, up: ["op.create_table('t', sa.Column('id', sa.Integer))"], down: ["op.drop_table('t')", "op.execute(\"INSERT INTO alembic_version VALUES ('ffff00000000')\")"] };
    const root = writeProject(alembicProject([usersTable, sneaky]));
    const r = await verify(root, '.', url());
    const p = r.problems.find((x) => x.object === 'table public.alembic_version');
    expect(p).toMatchObject({ kind: 'rollback-residue', migration: moodEnum.id, severity: 'error' });
    expect(p!.message).toContain("holds 'a1b2c3d4e5f6 ffff00000000' instead of 'a1b2c3d4e5f6'");
  });
});
