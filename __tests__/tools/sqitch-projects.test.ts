/**
 * Sqitch projects as they are kept: only the files the plan names matter (images beside the
 * plan do not refuse the project), a change that needs another project says so and how to
 * provide it, a missing revert points at the revert path, a template revert after a deploy that
 * changes no schema is fine, and each change is named once.
 */
import { ConfigError } from '../../src/errors.js';
import { findProgram } from '../../src/tools/find-program.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const hasPsql = findProgram('psql', process.cwd()) !== undefined;
const plan = (project: string, lines: string[]) => ['%syntax-version=1.0.0', `%project=${project}`, '', ...lines, ''].join('\n');
const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]);

(hasPsql ? describe : describe.skip)('sqitch projects', () => {
  const pg = usePostgres();
  const url = () => pg.server().adminUrl;
  const users = {
    'db/sqitch.conf': '[core]\n\tengine = pg\n',
    'db/deploy/users.sql': 'BEGIN;\nCREATE TABLE users (id int PRIMARY KEY, email text);\nCOMMIT;\n',
    'db/revert/users.sql': 'BEGIN;\nDROP TABLE users;\nCOMMIT;\n',
  };

  test('files the plan does not name (doc/assets/*.png) do not matter', async () => {
    const root = writeProject({ ...users, 'db/sqitch.plan': plan('flipr', [`users ${at} # u`]), 'db/README.md': '# docs\n' });
    writeFileSync(join(root, 'db', 'logo.png'), PNG);
    const assets = join(root, 'db', 'doc', 'assets');
    (await import('node:fs')).mkdirSync(assets, { recursive: true });
    writeFileSync(join(assets, 'diagram.png'), PNG);
    const r = await verify(root, 'db', url());
    expect(r.format).toBe('sqitch');
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
  });

  test('near miss: a binary script the plan names is refused, naming it', async () => {
    const root = writeProject({ ...users, 'db/sqitch.plan': plan('flipr', [`users ${at} # u`]) });
    writeFileSync(join(root, 'db', 'revert', 'users.sql'), PNG);
    const err = await verify(root, 'db', url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('db/revert/users.sql is a binary file, not a migration; remove it from the migrations directory');
  });

  test("a change that needs another project's change: said so, with how to provide it", async () => {
    const files = {
      ...users,
      'db/sqitch.plan': plan('flipr', [`users ${at} # u`, `audit [users accounts:owners] ${at} # needs the accounts project`]),
      'db/deploy/audit.sql': 'BEGIN;\nCREATE TABLE audit (id int, owner int REFERENCES owners (id));\nCOMMIT;\n',
      'db/revert/audit.sql': 'BEGIN;\nDROP TABLE audit;\nCOMMIT;\n',
    };
    const r = await verify(writeProject(files), 'db', url());
    expect(r.status).toBe('error');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'environment', migration: 'audit', file: 'db/deploy/audit.sql' })]);
    expect(r.problems[0]!.message).toContain('it requires accounts:owners from the Sqitch project accounts, which this run does not deploy: load what it creates with --seed-file');
    // Near miss: with the other project's table provided by a seed file, the change verifies.
    const root = writeProject({ ...files, 'accounts.sql': 'CREATE TABLE owners (id int PRIMARY KEY);\n' });
    const ok = await verify(root, 'db', url(), { seedFile: 'accounts.sql' });
    expect(ok.problems).toEqual([]);
    expect(ok.status).toBe('pass');
  });

  test('a missing revert points at the revert path, naming the change once', async () => {
    const root = writeProject({ ...users, 'db/sqitch.plan': plan('flipr', [`users ${at} # u`, `drop_osc_users ${at} # d`]), 'db/deploy/drop_osc_users.sql': 'BEGIN;\nCREATE TABLE osc (id int);\nCOMMIT;\n' });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing-down', migration: 'drop_osc_users', file: 'db/revert/drop_osc_users.sql' })]);
    expect(r.problems[0]!.message).toMatch(/^drop_osc_users has no down \(db\/revert\/drop_osc_users\.sql does not exist\)/);
  });

  test("Sqitch's template revert after a deploy that changes no schema is fine; after one that does, a missing down", async () => {
    const template = '-- Revert flipr:x from pg\n\nBEGIN;\n\n-- XXX Add DDLs here.\n\nCOMMIT;\n';
    const root = writeProject({
      ...users,
      'db/sqitch.plan': plan('flipr', [`users ${at} # u`, `backfill ${at} # b`, `more ${at} # m`]),
      'db/deploy/backfill.sql': "BEGIN;\nUPDATE users SET email = lower(email);\nCOMMIT;\n",
      'db/revert/backfill.sql': template,
      'db/deploy/more.sql': 'BEGIN;\nCREATE TABLE more (id int);\nCOMMIT;\n',
      'db/revert/more.sql': template,
    });
    const r = await verify(root, 'db', url());
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([expect.objectContaining({ kind: 'missing-down', migration: 'more', object: 'table public.more', file: 'db/revert/more.sql' })]);
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['users', 'ok'], ['backfill', 'ok'], ['more', 'failed']]);
  });
});
