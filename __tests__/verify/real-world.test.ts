/**
 * Shapes found by running the engine on public migration histories (kratos, ente, crates.io,
 * lemmy, hatchet): each must keep coverage and give the verdict the real tools would.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

describe('real-world migration shapes', () => {
  test('an up that fails only on the synthetic rows is a warning naming the values, verified on reshaped rows, and its real residue still found', async () => {
    const root = writeProject({
      'db/1_base.up.sql': 'CREATE TABLE org (id uuid PRIMARY KEY);\nCREATE TABLE member (id uuid PRIMARY KEY, org_id uuid NOT NULL);\n',
      'db/1_base.down.sql': 'DROP TABLE member;\nDROP TABLE org;\n',
      // On seeded rows member.org_id points nowhere, so the foreign key cannot be added.
      'db/2_fk.up.sql': "ALTER TABLE member ADD CONSTRAINT member_org_fk FOREIGN KEY (org_id) REFERENCES org(id);\nCOMMENT ON TABLE member IS 'belongs to an org';\n",
      'db/2_fk.down.sql': 'ALTER TABLE member DROP CONSTRAINT member_org_fk; -- forgot the comment\n',
      'db/3_more.up.sql': 'CREATE TABLE audit (id int);\n',
      'db/3_more.down.sql': 'DROP TABLE audit;\n',
    });
    const r = await verify(root, 'db', url(), { from: '2', seedRows: 50 });
    const warning = r.problems.find((p) => p.kind === 'up-failed');
    expect(warning).toMatchObject({ severity: 'warning', migration: '2', sqlstate: '23503' });
    expect(warning!.message).toContain('references in public.member.(org_id) to rows of public.org that do not exist');
    expect(r.problems.find((p) => p.kind === 'rollback-residue')?.object).toBe('comment table public.member');
    // Coverage goes on after it, with the data checks still on.
    expect(r.migrations.map((m) => m.status)).toEqual(['failed', 'ok']);
    expect(r.notes.join(' ')).not.toContain('Data checks were limited');
  });

  test('near miss: an up that fails on empty tables too is still an error and stops', async () => {
    const root = writeProject({
      'db/1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY);\n',
      'db/1_t.down.sql': 'DROP TABLE t;\n',
      'db/2_bad.up.sql': 'INSERT INTO t VALUES (NULL);\n',
      'db/2_bad.down.sql': 'DELETE FROM t;\n',
    });
    const r = await verify(root, 'db', url(), { from: '2', seedRows: 20 });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: 'up-failed', severity: 'error', sqlstate: '23502' });
  });

  test('tables created by a migration whose down fails are still seeded, so later data loss is seen', async () => {
    const root = writeProject({
      'db/1_base.up.sql': 'CREATE TABLE p (id int PRIMARY KEY, email text);\nCREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p(id));\n',
      'db/1_base.down.sql': 'DROP TABLE p;\nDROP TABLE c;\n',
      'db/2_drop_email.up.sql': 'ALTER TABLE p DROP COLUMN email;\n',
      'db/2_drop_email.down.sql': 'ALTER TABLE p ADD COLUMN email text;\n',
    });
    const r = await verify(root, 'db', url(), { seedRows: 30 });
    expect(r.problems.find((p) => p.kind === 'down-failed')?.migration).toBe('1');
    expect(r.seeded.map((s) => s.table).sort()).toEqual(['public.c', 'public.p']);
    expect(r.problems.find((p) => p.kind === 'data-loss')).toMatchObject({ migration: '2' });
  });

  test('a migration with no statements in its up or down is a no-op, not missing-down', async () => {
    const root = writeProject({
      'db/1_t.up.sql': 'CREATE TABLE t (id int);\n',
      'db/1_t.down.sql': 'DROP TABLE t;\n',
      'db/2_noop.up.sql': '-- nothing to do on PostgreSQL\n',
      'db/2_noop.down.sql': '-- nothing\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/no-ops.*: 2\b/);
    // Near miss: a real up with an empty down is still missing-down.
    const bad = writeProject({ 'db/1_t.up.sql': 'CREATE TABLE t (id int);\n', 'db/1_t.down.sql': '-- nothing\n' });
    expect((await verify(bad, 'db', url())).problems[0]?.kind).toBe('missing-down');
  });

  test('chain mode runs empty downs as no-ops, as the tools do, and still catches the group residue', async () => {
    const files = (lastDown: string) => ({
      'db/1_a.up.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
      'db/1_a.down.sql': '',
      'db/2_b.up.sql': 'CREATE TABLE b (id int PRIMARY KEY);\n',
      'db/2_b.down.sql': lastDown,
    });
    const good = await verify(writeProject(files('DROP TABLE b;\nDROP TABLE a;\n')), 'db', url(), { mode: 'chain' });
    expect(good.problems).toEqual([]);
    expect(good.status).toBe('pass');
    const bad = await verify(writeProject(files('DROP TABLE b;\n')), 'db', url(), { mode: 'chain' });
    expect(bad.problems.map((p) => [p.kind, p.object])).toContainEqual(['rollback-residue', 'table public.a']);
    expect(bad.status).toBe('fail');
  });

  test('a long list of migrations not run is summarised in the note', async () => {
    const files: Record<string, string> = {
      'db/01_bad.up.sql': 'SELECT 1/0;\n',
      'db/01_bad.down.sql': 'SELECT 1;\n',
    };
    for (let i = 2; i <= 20; i++) {
      const id = String(i).padStart(2, '0');
      files[`db/${id}_t.up.sql`] = `CREATE TABLE t${id} (id int);\n`;
      files[`db/${id}_t.down.sql`] = `DROP TABLE t${id};\n`;
    }
    const r = await verify(writeProject(files), 'db', url(), { seedRows: 0 });
    expect(r.notes.join(' ')).toContain('not run: 19 migrations, 02, 03, 04 … 19, 20.');
  });

  test('a function restored with other comments is a warning; one restored with another body is an error', async () => {
    const fn = (ret: number, comment: string) =>
      `CREATE OR REPLACE FUNCTION answer() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN ${comment}\n  RETURN ${ret};\nEND $$;\n`;
    const files = (downRet: number) => ({
      'db/1_f.up.sql': fn(42, '-- the answer'),
      'db/1_f.down.sql': 'DROP FUNCTION answer();\n',
      'db/2_f.up.sql': fn(43, ''),
      'db/2_f.down.sql': fn(downRet, ''),
    });
    const cosmetic = await verify(writeProject(files(42)), 'db', url(), { from: '2' });
    expect(cosmetic.problems.map((p) => [p.kind, p.severity, p.object])).toEqual([['rollback-residue', 'warning', 'function public.answer()']]);
    expect(cosmetic.problems[0]!.message).toContain('only in comments or whitespace');
    expect(cosmetic.status).toBe('pass');
    const real = await verify(writeProject(files(41)), 'db', url(), { from: '2' });
    expect(real.problems.map((p) => [p.kind, p.severity])).toEqual([['rollback-residue', 'error']]);
    expect(real.status).toBe('fail');
  });
});
