/**
 * Sqitch (plan read by rollback-verify, scripts run through the real psql) and the commands
 * format (a team's own shell-script tool), end to end against real PostgreSQL.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { findProgram } from '../../src/tools/find-program.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeGitProject, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const hasPsql = findProgram('psql', process.cwd()) !== undefined;

const plan = (lines: string[]) => ['%syntax-version=1.0.0', '%project=flipr', '', ...lines, ''].join('\n');
const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';

(hasPsql ? describe : describe.skip)('sqitch (psql runs the scripts)', () => {
  const base = {
    'db/sqitch.conf': '[core]\n\tengine = pg\n',
    'db/deploy/users.sql': '-- Deploy flipr:users to pg\nBEGIN;\nCREATE TABLE users (id int PRIMARY KEY, email text);\nCOMMIT;\n',
    'db/revert/users.sql': '-- Revert flipr:users from pg\nBEGIN;\nDROP TABLE users;\nCOMMIT;\n',
    'db/verify/users.sql': "BEGIN;\nSELECT id, email FROM users WHERE false;\nROLLBACK;\n",
  };

  test('changes deploy, verify and revert through psql; a forgotten function is rollback-residue', async () => {
    const root = writeProject({
      ...base,
      'db/sqitch.plan': plan([`users ${at} # users`, `@v1 ${at} # tag`, `lower_email [users] ${at} # fn`]),
      // psql meta-commands work, as under Sqitch.
      'db/deploy/lower_email.sql': "\\set ON_ERROR_STOP 1\nBEGIN;\nCREATE FUNCTION lower_email(text) RETURNS text LANGUAGE sql AS $$ SELECT lower($1) $$;\nCREATE INDEX users_lower_email ON users (lower_email(email));\nCOMMIT;\n",
      'db/revert/lower_email.sql': 'BEGIN;\nDROP INDEX users_lower_email;\nCOMMIT;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.format).toBe('sqitch');
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['users', 'ok'], ['lower_email', 'failed']]);
    // The function stays behind, so re-deploying then fails on it, named in the deploy script:
    // one root cause, the re-deploy failure inside it (src/result/consequences.ts).
    expect(r.problems).toEqual([
      expect.objectContaining({
        kind: 'rollback-residue', migration: 'lower_email', file: 'db/revert/lower_email.sql', object: 'function public.lower_email(text)',
        consequences: [expect.objectContaining({ kind: 'reup-failed', file: 'db/deploy/lower_email.sql', line: 3 })],
      }),
    ]);
  });

  test('a failing verify script fails the up, naming the verify file and line', async () => {
    const root = writeProject({
      ...base,
      'db/sqitch.plan': plan([`users ${at} # users`]),
      'db/verify/users.sql': 'BEGIN;\nSELECT id, nickname FROM users WHERE false;\nROLLBACK;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'up-failed', file: 'db/verify/users.sql', line: 2 })]);
    expect(r.problems[0]!.message).toContain('column "nickname" does not exist');
  });

  test('a reworked change: the old instance keeps its @tag scripts, only the new one is new', async () => {
    const v1 = "BEGIN;\nCREATE FUNCTION hello() RETURNS text LANGUAGE sql AS $$ SELECT 'v1' $$;\nCOMMIT;\n";
    const v2 = "BEGIN;\nCREATE OR REPLACE FUNCTION hello() RETURNS text LANGUAGE sql AS $$ SELECT 'v2' $$;\nCOMMIT;\n";
    const root = writeGitProject(
      { ...base, 'db/sqitch.plan': plan([`users ${at} # u`, `hello ${at} # h`, `@v1 ${at} # t`]), 'db/deploy/hello.sql': v1, 'db/revert/hello.sql': 'BEGIN;\nDROP FUNCTION hello();\nCOMMIT;\n' },
      {
        'db/sqitch.plan': plan([`users ${at} # u`, `hello ${at} # h`, `@v1 ${at} # t`, `hello [hello@v1] ${at} # rework`]),
        'db/deploy/hello@v1.sql': v1,
        'db/revert/hello@v1.sql': 'BEGIN;\nDROP FUNCTION hello();\nCOMMIT;\n',
        'db/deploy/hello.sql': v2,
        'db/revert/hello.sql': v1.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
      },
    );
    const r = await verify(root, 'db', url(), { base: 'main' });
    expect(r.baselineCount).toBe(2);
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['hello#2', 'ok']]);
    expect(r.problems).toEqual([]);
  });
});

describe('commands (a shell-script tool)', () => {
  // A team's own tool: applies <id>_<name>.sql's "-- up" half or "-- down" half through psql-less node.
  const tool = `#!/bin/sh
# usage: migrate.sh up|down FILE — runs the file's section with node-postgres
set -eu
dir=$1
file=$2
exec node -e '
const fs = require("fs");
const { Client } = require(process.env.PG_MODULE);
const [dir, file] = process.argv.slice(1);
const text = fs.readFileSync(file, "utf8");
const [up, down] = text.split(/^-- down$/m);
const c = new Client({ connectionString: process.env.DATABASE_URL });
c.connect().then(() => c.query(dir === "up" ? up : down)).then(() => c.end(), (e) => { console.error("ERROR: " + e.message); process.exit(1); });
' "$dir" "$file"
`;

  function project(files: Record<string, string>): string {
    const root = writeProject({ 'bin/migrate.sh': tool, ...files });
    chmodSync(join(root, 'bin/migrate.sh'), 0o755);
    return root;
  }
  const extra = (root: string) => ({
    format: 'commands' as const,
    tool: { 'up-command': './bin/migrate.sh up {file}', 'down-command': './bin/migrate.sh down {file}', 'list-glob': '*.sql' },
    cwd: root,
  });
  process.env.PG_MODULE = join(process.cwd(), 'node_modules', 'pg');

  test('each file is applied and reverted by the command, with {file} filled in', async () => {
    const root = project({
      'db/001_users.sql': 'CREATE TABLE users (id int);\n-- down\nDROP TABLE users;\n',
      'db/002_orders.sql': 'CREATE TABLE orders (id int);\n-- down\nDROP TABLE orders;\n',
      'db/README.md': 'not a migration\n',
    });
    const r = await verify(root, 'db', url(), extra(root));
    expect(r.format).toBe('commands');
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([['001', 'users', 'ok'], ['002', 'orders', 'ok']]);
  });

  test('a broken down is caught and named by file; residue is caught too', async () => {
    const root = project({
      'db/001_users.sql': 'CREATE TABLE users (id int);\n-- down\nDROP TABLE userz;\n',
      'db/002_orders.sql': 'CREATE TABLE orders (id int);\nCREATE INDEX orders_id ON orders (id);\n-- down\nDROP INDEX orders_id;\n',
    });
    const r = await verify(root, 'db', url(), extra(root));
    expect(r.status).toBe('fail');
    expect(r.problems.find((p) => p.kind === 'down-failed')).toMatchObject({ migration: '001', file: 'db/001_users.sql' });
    expect(r.problems.find((p) => p.kind === 'down-failed')!.message).toContain('table "userz" does not exist');
    expect(r.problems.find((p) => p.kind === 'rollback-residue')).toMatchObject({ migration: '002', object: 'table public.orders' });
  });

  test('a --list-command decides the migrations and their order', async () => {
    const root = project({
      'db/b_second.sql': 'CREATE TABLE b (id int);\n-- down\nDROP TABLE b;\n',
      'db/a_first.sql': 'CREATE TABLE a (id int);\n-- down\nDROP TABLE a;\n',
    });
    const r = await verify(root, 'db', url(), {
      ...extra(root),
      tool: { 'up-command': './bin/migrate.sh up {file}', 'down-command': './bin/migrate.sh down {file}', 'list-command': 'printf "b_second.sql\\na_first.sql\\n"' },
    });
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => m.id)).toEqual(['b_second', 'a_first']);
  });
});
