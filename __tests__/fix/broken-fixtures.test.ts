/**
 * The examples' broken fixtures (`__fixtures__/formats/*-broken`, whose last down forgets
 * `DROP INDEX orders_status_idx`): on real PostgreSQL, the schema before each up (S0) and after
 * its down (S2) give a generated SQL that is empty for the correct downs and exactly the missing
 * DROP INDEX for the broken one; written in with the `--fix` writer, the project then passes the
 * real engine (up → down → up, schema and data compared). Alembic and Sqitch projects, which have
 * no broken fixture, get the same end-to-end check.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { detectFormat } from '../../src/formats/index.js';
import type { FormatName } from '../../src/formats/names.js';
import type { Migration, Script, SourceFile } from '../../src/formats/types.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import type { Snapshot } from '../../src/schema/model.js';
import { generateDown, type GeneratedDown } from '../../src/fix/generate.js';
import { planFixEdit } from '../../src/fix/writers.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { readDir, sql } from '../formats/files.js';
import { alembicProject, hasAlembic, usersTable } from '../tools/alembic-project.js';

const pg_ = usePostgres();
const fixtures = join(process.cwd(), '__fixtures__', 'formats');
/** The frameworks' downs are code their own runner executes: fix-cli.test.ts covers them end to end. */
const CODE_FORMATS = ['django', 'laravel', 'rails', 'sequelize', 'typeorm'];
const brokenDirs = readdirSync(fixtures).filter((d) => d.endsWith('-broken') && !CODE_FORMATS.includes(d.replace(/-broken$/, ''))).sort();

/** Sends a script the way its tool does (as examples-postgres.test.ts does). */
async function run(client: pg.Client, script: Script): Promise<void> {
  const s = sql(script);
  const wrap = s.transaction === 'wrap';
  if (wrap) await client.query('BEGIN');
  for (const text of s.statements ? s.statements.map((x) => x.sql) : [s.text]) await client.query(text);
  if (wrap) await client.query('COMMIT');
}

/** Writes the fix for `migration` into the file list, as `--fix` would. */
function withFix(format: FormatName, list: readonly SourceFile[], migration: Migration, fix: GeneratedDown): SourceFile[] {
  const edit = planFixEdit(format, migration, fix, (p) => list.find((f) => f.path === p)?.content);
  if ('unsupported' in edit) throw new Error(edit.unsupported);
  return [...list.filter((f) => f.path !== edit.path), { path: edit.path, content: edit.after }];
}

const asProject = (list: readonly SourceFile[]) => Object.fromEntries(list.map((f) => [f.path, f.content]));

describe.each(brokenDirs)('%s', (dir) => {
  test('S0/S2 around each down: nothing for the right downs, the missing DROP INDEX for the broken one; --fix makes the run pass', async () => {
    const list = readDir(join(fixtures, dir));
    const format = detectFormat(list, dir);
    const migrations = format.parse(list, dir);
    const fixes = new Map<string, GeneratedDown>();
    await pg_.withDatabase(async (client) => {
      for (const m of migrations) {
        const s0: Snapshot = await snapshotSchema(client);
        await run(client, m.up);
        await run(client, m.down!);
        const fix = generateDown(s0, await snapshotSchema(client));
        if (fix.sql) fixes.set(m.id, fix);
        if (fix.sql) await client.query(fix.sql);
        expect((await snapshotSchema(client)).fingerprint).toBe(s0.fingerprint);
        await run(client, m.up);
      }
    });
    const last = migrations[migrations.length - 1]!;
    expect([...fixes.keys()]).toEqual([last.id]);
    expect(fixes.get(last.id)!.sql).toBe('DROP INDEX public.orders_status_idx;\n');

    const fixed = withFix(format.name, list, last, fixes.get(last.id)!);
    const root = writeProject(asProject(fixed));
    const result = await verify(root, '.', pg_.server().adminUrl);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.status).toBe('pass');
  });
});

/** The fix for an up whose down is missing: S0 before `up`, S1 after it. */
async function fixForUp(setup: string, up: string): Promise<GeneratedDown> {
  return pg_.withDatabase(async (client) => {
    await client.query(setup);
    const s0 = await snapshotSchema(client);
    await client.query(up);
    return generateDown(s0, await snapshotSchema(client));
  });
}

(hasAlembic ? test : test.skip)('alembic: a `pass` downgrade gets op.execute calls, and real Alembic then passes', async () => {
  const addIndex = { id: 'b2c3d4e5f6a7', slug: 'email_index', parents: [usersTable.id], up: ['op.execute("CREATE INDEX users_email_idx ON users (email)")'], down: [] };
  const files = alembicProject([usersTable, addIndex]);
  const root = writeProject(files);
  const before = await verify(root, '.', pg_.server().adminUrl);
  expect(before.problems.map((p) => [p.kind, p.migration])).toEqual([['missing-down', addIndex.id]]);

  const fix = await fixForUp('CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL)', 'CREATE INDEX users_email_idx ON users (email)');
  expect(fix.sql).toBe('DROP INDEX public.users_email_idx;\n');
  const list = readDir(root);
  const migration = detectFormat(list, '.').parse(list, '.', { absDir: root, cwd: root, tool: {} }).find((m) => m.id === addIndex.id)!;
  const after = verify(writeProject(asProject(withFix('alembic', list, migration, fix))), '.', pg_.server().adminUrl);
  expect((await after).problems).toEqual([]);
});

test('sqitch: the template revert gets the statements inside BEGIN … COMMIT, and psql then passes', async () => {
  const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';
  const deploy = 'CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);';
  const files = {
    'sqitch.conf': '[core]\n\tengine = pg\n',
    'sqitch.plan': `%syntax-version=1.0.0\n%project=flipr\n\nusers ${at} # users\n`,
    'deploy/users.sql': `-- Deploy flipr:users to pg\n\nBEGIN;\n\n${deploy}\n\nCOMMIT;\n`,
    'revert/users.sql': '-- Revert flipr:users from pg\n\nBEGIN;\n\n-- XXX Add DDLs here.\n\nCOMMIT;\n',
  };
  const root = writeProject(files);
  const before = await verify(root, '.', pg_.server().adminUrl);
  expect(before.problems.map((p) => p.kind)).toEqual(['missing-down']);

  const fix = await fixForUp('SELECT 1', deploy);
  expect(fix.sql).toBe('DROP TABLE public.users;\n');
  const list = readDir(root);
  const migration = detectFormat(list, '.').parse(list, '.', { absDir: root, cwd: root, tool: {} })[0]!;
  const after = await verify(writeProject(asProject(withFix('sqitch', list, migration, fix))), '.', pg_.server().adminUrl);
  expect(after.problems).toEqual([]);
});
