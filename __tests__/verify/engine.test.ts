import { ConfigError } from '../../src/errors.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeGitProject, writeProject, git } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const users = {
  'db/000001_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  'db/000001_users.down.sql': 'DROP TABLE users;\n',
};

describe('engine verdicts (golang-migrate files, real PostgreSQL)', () => {
  test('a correct down passes, with timings for every phase', async () => {
    const root = writeProject({
      ...users,
      'db/000002_email_idx.up.sql': 'CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email));\n',
      'db/000002_email_idx.down.sql': 'DROP INDEX users_email_lower_idx;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['000001', 'ok'], ['000002', 'ok']]);
    for (const m of r.migrations) for (const ph of ['up', 'down', 'reup'] as const) expect(m.phases[ph]?.ok).toBe(true);
    // The index belongs to a table the PR adds, so it is shown inside that table's change.
    expect(r.schemaChanges.map((c) => c.object).sort()).toEqual(['sequence public.users_id_seq', 'table public.users']);
    expect(r.schemaChanges.find((c) => c.object === 'table public.users')!.diff).toContain('+CREATE UNIQUE INDEX users_email_lower_idx');
  });

  test('a down that leaves an index behind is rollback-residue naming the index', async () => {
    const root = writeProject({
      ...users,
      'db/000002_email_idx.up.sql': 'CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email));\n',
      'db/000002_email_idx.down.sql': '-- forgot the index\nSELECT 1;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.status).toBe('fail');
    const p = r.problems.find((x) => x.kind === 'rollback-residue');
    expect(p).toMatchObject({ migration: '000002', object: 'index public.users_email_lower_idx', severity: 'error', file: 'db/000002_email_idx.down.sql' });
    expect(p!.diff).toContain('users_email_lower_idx');
    expect(r.migrations[1]!.status).toBe('failed');
  });

  test('a migration without a down, or with an empty one, is missing-down; a declared irreversible one is a warning', async () => {
    const root = writeProject({
      ...users,
      'db/000002_a.up.sql': 'CREATE TABLE a (id int);\n',
      'db/000003_b.up.sql': 'CREATE TABLE b (id int);\n',
      'db/000003_b.down.sql': '-- nothing to see\n;\n',
      'db/000004_c.up.sql': '-- rollback-verify: irreversible\nCREATE TABLE c (id int);\n',
      'db/000004_c.down.sql': '',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems.filter((p) => p.kind === 'missing-down').map((p) => p.migration)).toEqual(['000002', '000003']);
    const irr = r.problems.find((p) => p.kind === 'irreversible');
    expect(irr).toMatchObject({ migration: '000004', severity: 'warning' });
    expect(r.migrations.find((m) => m.id === '000004')!.status).toBe('irreversible');
    // Without the missing downs, the irreversible warning alone passes unless --fail-on names it.
    const ok = writeProject({ ...users, 'db/000004_c.up.sql': '-- rollback-verify: irreversible\nCREATE TABLE c (id int);\n' });
    expect((await verify(ok, 'db', url())).status).toBe('pass');
    expect((await verify(ok, 'db', url(), { failOn: ['error', 'irreversible'] })).status).toBe('fail');
  });

  test('a failing up reports SQLSTATE, file and line, and stops with the rest not run', async () => {
    const root = writeProject({
      ...users,
      'db/000002_bad.up.sql': 'ALTER TABLE users ADD COLUMN name text;\n\nALTER TABLE users ADD COLUMN nme text REFERENCES nowhere(id);\n',
      'db/000002_bad.down.sql': 'ALTER TABLE users DROP COLUMN name;\n',
      'db/000003_later.up.sql': 'CREATE TABLE later (id int);\n',
      'db/000003_later.down.sql': 'DROP TABLE later;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.status).toBe('fail');
    const p = r.problems.find((x) => x.kind === 'up-failed')!;
    // A run-time error has no position; the engine still finds the statement's line.
    expect(p).toMatchObject({ migration: '000002', sqlstate: '42P01', file: 'db/000002_bad.up.sql', line: 3 });
    expect(p.message).toContain('relation "nowhere" does not exist');
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'not-run']);
    expect(r.notes.join(' ')).toContain('000003');
  });

  test('a syntax error points at its line', async () => {
    const root = writeProject({
      'db/000001_x.up.sql': 'CREATE TABLE x (id int);\n-- comment\nCREATE TABL y (id int);\n',
      'db/000001_x.down.sql': 'DROP TABLE x;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems[0]).toMatchObject({ kind: 'up-failed', sqlstate: '42601', line: 3 });
  });

  test('a failing down is down-failed and later migrations are still verified', async () => {
    const root = writeProject({
      ...users,
      'db/000002_a.up.sql': 'CREATE TABLE a (id int);\n',
      'db/000002_a.down.sql': 'DROP TABLE a_typo;\n',
      'db/000003_b.up.sql': 'CREATE TABLE b (id int);\n',
      'db/000003_b.down.sql': 'DROP TABLE b;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems.map((p) => [p.kind, p.migration])).toEqual([['down-failed', '000002']]);
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'ok']);
  });

  test('an up that does something else the second time is reapply-drift', async () => {
    const root = writeProject({
      'db/000001_seq.up.sql': 'CREATE SEQUENCE gen;\n',
      'db/000001_seq.down.sql': 'DROP SEQUENCE gen;\n',
      'db/000002_dyn.up.sql': "DO $$ BEGIN EXECUTE format('CREATE TABLE t_%s (id int)', nextval('gen')); END $$;\n",
      'db/000002_dyn.down.sql': "DO $$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables WHERE tablename LIKE 't\\_%' LOOP EXECUTE format('DROP TABLE %I', r.tablename); END LOOP; END $$;\n",
    });
    const r = await verify(root, 'db', url());
    // Same table, other name: one renamed difference, not "missing" plus "appears".
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'reapply-drift', migration: '000002', object: 'table public.t_1' })]);
    expect(r.problems[0]!.message).toContain('is named public.t_2 when re-applying');
  });

  test('a rolled-back DROP COLUMN moves the column: a column-order warning, an error when strict', async () => {
    const root = writeProject({
      'db/000001_t.up.sql': 'CREATE TABLE t (a int, b text, c int);\n',
      'db/000001_t.down.sql': 'DROP TABLE t;\n',
      'db/000002_drop_b.up.sql': 'ALTER TABLE t DROP COLUMN b;\n',
      'db/000002_drop_b.down.sql': '-- rollback-verify: down-loses-data\nALTER TABLE t ADD COLUMN b text;\n',
    });
    const r = await verify(root, 'db', url());
    const co = r.problems.filter((p) => p.kind === 'column-order');
    // Only b moved; c shifted up by one and back, and is no difference of its own. One warning per
    // table names the moved columns (src/result/assemble.ts).
    expect(co.map((p) => p.object)).toEqual([expect.stringMatching(/^(column public\.t\.b|table public\.t)$/)]);
    expect(co[0]!.message).toMatch(/b/);
    expect(co[0]!.message).not.toMatch(/c/);
    expect(co.every((p) => p.severity === 'warning')).toBe(true);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.status).toBe('pass');
    const strict = await verify(root, 'db', url(), { strictColumnOrder: true });
    expect(strict.status).toBe('fail');
  });

  test('chain mode verifies downs that only work as a group; step mode reports them', async () => {
    // ory/kratos style: each down undoes the *next* migration's up.
    const root = writeProject({
      'db/000001_a.up.sql': 'CREATE TABLE a (id int);\n',
      'db/000001_a.down.sql': 'DROP TABLE b;\n',
      'db/000002_b.up.sql': 'CREATE TABLE b (id int);\n',
      'db/000002_b.down.sql': 'DROP TABLE a;\n',
    });
    expect((await verify(root, 'db', url(), { mode: 'chain' })).status).toBe('pass');
    const step = await verify(root, 'db', url());
    expect(step.status).toBe('fail');
    expect(step.problems[0]).toMatchObject({ kind: 'down-failed', migration: '000001' });
  });

  test('a statement over --statement-timeout is a timeout problem', async () => {
    const root = writeProject({
      'db/000001_slow.up.sql': 'SELECT pg_sleep(5);\n',
      'db/000001_slow.down.sql': 'SELECT 1;\n',
    });
    const r = await verify(root, 'db', url(), { statementTimeoutSeconds: 0.3 });
    expect(r.problems[0]).toMatchObject({ kind: 'timeout', migration: '000001' });
  });

  test('a missing extension is an environment error naming the way out, not a verdict', async () => {
    const root = writeProject({
      'db/000001_vec.up.sql': 'CREATE EXTENSION IF NOT EXISTS vector_that_does_not_exist;\n',
      'db/000001_vec.down.sql': 'DROP EXTENSION vector_that_does_not_exist;\n',
    });
    // The report is still written: status error, the environment problem naming the way out.
    const r = await verify(root, 'db', url());
    expect(r.status).toBe('error');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'environment', severity: 'error', migration: '000001', file: 'db/000001_vec.up.sql' })]);
    expect(r.problems[0]!.message).toMatch(/--database-url|postgres-image/);
  });

  test('--from makes earlier migrations the baseline; an unknown version is a config error', async () => {
    const root = writeProject({
      ...users,
      'db/000002_a.up.sql': 'CREATE TABLE a (id int);\n',
      'db/000002_a.down.sql': 'DROP TABLE a;\n',
    });
    const r = await verify(root, 'db', url(), { from: '000002' });
    expect(r.baselineCount).toBe(1);
    expect(r.migrations.map((m) => m.id)).toEqual(['000002']);
    await expect(verify(root, 'db', url(), { from: '999' })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('plans against a git base', () => {
  test('new migrations are those absent at the base; edited and out-of-order ones are problems', async () => {
    const root = writeGitProject(
      {
        ...users,
        'db/000003_orders.up.sql': 'CREATE TABLE orders (id int);\n',
        'db/000003_orders.down.sql': 'DROP TABLE orders;\n',
      },
      {
        'db/000003_orders.down.sql': 'DROP TABLE IF EXISTS orders;\n',
        'db/000002_late.up.sql': 'CREATE TABLE late (id int);\n',
        'db/000002_late.down.sql': 'DROP TABLE late;\n',
        'db/000004_items.up.sql': 'CREATE TABLE items (id int);\n',
        'db/000004_items.down.sql': 'DROP TABLE items;\n',
      },
    );
    const r = await verify(root, 'db', url(), { base: 'HEAD' });
    expect(r.baselineCount).toBe(2);
    expect(r.base?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(r.migrations.map((m) => m.id)).toEqual(['000002', '000004']);
    expect(r.problems.map((p) => [p.kind, p.migration]).sort()).toEqual([['modified-migration', '000003'], ['order', '000002']]);
    expect(r.status).toBe('fail');
  });

  test('an untouched base with new migrations after it is clean', async () => {
    const root = writeGitProject(users, {
      'db/000002_items.up.sql': 'CREATE TABLE items (id int);\n',
      'db/000002_items.down.sql': 'DROP TABLE items;\n',
    });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'head');
    const r = await verify(root, 'db', url(), { base: 'HEAD~1' });
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => m.id)).toEqual(['000002']);
  });

  test('no new migrations: a pass without starting a server; an edited merged one still fails', async () => {
    const root = writeGitProject(users, {});
    // provider url with a URL that would not connect: proves no server is asked for.
    const r = await verify(root, 'db', 'postgres://x:y@127.0.0.1:1/none', { base: 'HEAD' });
    expect(r).toMatchObject({ status: 'pass', postgres: 'not started', migrations: [], baselineCount: 1 });
    const edited = writeGitProject(users, { 'db/000001_users.down.sql': 'DROP TABLE IF EXISTS users;\n' });
    const e = await verify(edited, 'db', 'postgres://x:y@127.0.0.1:1/none', { base: 'HEAD' });
    expect(e.status).toBe('fail');
    expect(e.problems.map((p) => p.kind)).toEqual(['modified-migration']);
  });

  test('an unknown base ref is a config error that says how to fetch it', async () => {
    const root = writeGitProject(users, {});
    const err = await verify(root, 'db', url(), { base: 'no-such-ref' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('git fetch');
  });
});
