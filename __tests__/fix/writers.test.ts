/**
 * `--fix` writers, pure: for every format layout, the edited files parse with the format's own
 * parser, and the migration's down then holds exactly the generated statements, split the way the
 * tool splits them.
 */
import { alembic } from '../../src/formats/alembic.js';
import { getFormat } from '../../src/formats/index.js';
import type { FormatName } from '../../src/formats/names.js';
import type { CommandScript, Migration, SourceFile } from '../../src/formats/types.js';
import { splitStatements } from '../../src/sql/split.js';
import { alembicCalls, FIX_HEADER, planFixEdit, pythonString, type FixContent, type FixEdit } from '../../src/fix/writers.js';
import { files, readDir, sql } from '../formats/files.js';

const content: FixContent = {
  statements: [
    { sql: 'DROP INDEX public.orders_status_idx' },
    {
      sql: 'CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n    NEW.at := now();\n    RETURN NEW;\nEND;\n$function$',
      note: 'a body with semicolons at line ends',
    },
    { sql: `COMMENT ON TABLE public."Order Items" IS 'it''s 12:30, see :name and \\ "x"'` },
  ],
};
const expected = content.statements.map((s) => s.sql);

function parse(format: FormatName, list: readonly SourceFile[]): Migration[] {
  return getFormat(format).parse(list, 'db', { absDir: '/repo/db', cwd: '/repo', tool: {} });
}

function applyEdit(list: readonly SourceFile[], edit: FixEdit): SourceFile[] {
  const out = list.filter((f) => f.path !== edit.path);
  out.push({ path: edit.path, content: edit.after });
  return out;
}

/** Plans the edit for the migration `id`, applies it, re-parses and returns the migration again. */
function fix(format: FormatName, list: readonly SourceFile[], id: string): { edit: FixEdit; migration: Migration } {
  const migration = parse(format, list).find((m) => m.id === id)!;
  const byPath = new Map(list.map((f) => [f.path, f.content]));
  const edit = planFixEdit(format, migration, content, (p) => byPath.get(p));
  if ('unsupported' in edit) throw new Error(edit.unsupported);
  const again = parse(format, applyEdit(list, edit)).find((m) => m.id === id)!;
  return { edit, migration: again };
}

/** A statement without the comments before it and its `;`. */
function bare(sql: string): string {
  return sql.replace(/^(\s*--[^\n]*(\n|$))+\s*/, '').replace(/;$/, '');
}

/** The statements of a down as psql would send them, comments and the header dropped. */
function statementsOf(text: string): string[] {
  return splitStatements(text).map((s) => bare(s.sql)).filter((s) => s !== '');
}

const broken = (format: string) => readDir(`__fixtures__/formats/${format}-broken`);

describe('down files of their own: appended, or created', () => {
  test.each([
    ['golang-migrate', '000004', '000004_customer_order_totals.down.sql'],
    ['rollback-sql', '004', '004_customer_order_totals.rollback.sql'],
    ['pop', '20240219160000', '20240219160000_customer_order_totals.down.sql'],
    ['prisma', '20240219160000', '20240219160000_customer_order_totals/down.sql'],
    ['diesel', '20240219160000', '2024-02-19-160000_customer_order_totals/down.sql'],
    ['flyway', '2.10', 'U2.10__customer_order_totals.sql'],
  ] as const)('%s: appended to the existing down, which keeps its own lines', (format, id, path) => {
    const list = broken(format);
    const { edit, migration } = fix(format, list, id);
    expect(edit.path).toBe(path);
    expect(edit.before).toBe(list.find((f) => f.path === path)!.content);
    expect(edit.after.startsWith(edit.before!.trimEnd())).toBe(true);
    expect(edit.after).toContain(`\n\n${FIX_HEADER}\n`);
    const down = sql(migration.down);
    expect(down.file).toBe(`db/${path}`);
    const sent = down.statements ? down.statements.map((s) => s.sql) : statementsOf(down.text);
    expect(sent.slice(-3).map(bare)).toEqual(expected);
    expect(sent[0]).toContain('DROP VIEW customer_order_totals');
  });

  test.each([
    ['golang-migrate', { '000001_init.up.sql': 'CREATE TABLE t (id int);' }, '000001', '000001_init.down.sql'],
    ['pop', { 'sub/20240101000000_init.postgres.up.sql': 'CREATE TABLE t (id int);' }, '20240101000000', 'sub/20240101000000_init.postgres.down.sql'],
    ['rollback-sql', { '001_init.sql': 'CREATE TABLE t (id int);', '002_more.sql': 'SELECT 1;', '002_more.rollback.sql': '' }, '001', '001_init.rollback.sql'],
    ['prisma', { '20240101000000_init/migration.sql': 'CREATE TABLE t (id int);' }, '20240101000000', '20240101000000_init/down.sql'],
    ['diesel', { '2024-01-01-000000_init/up.sql': 'CREATE TABLE t (id int);' }, '20240101000000', '2024-01-01-000000_init/down.sql'],
    ['flyway', { 'sql/V1.1__init_things.sql': 'CREATE TABLE t (id int);' }, '1.1', 'sql/U1.1__init_things.sql'],
  ] as const)('%s: a missing down file is created where the tool looks for it', (format, spec, id, path) => {
    const list = files(spec);
    expect(parse(format, list).find((m) => m.id === id)!.down).toBeUndefined();
    const { edit, migration } = fix(format, list, id);
    expect(edit).toEqual({ path, after: `${FIX_HEADER}\n${expected[0]};\n-- a body with semicolons at line ends\n${expected[1]};\n${expected[2]};\n` });
    const down = sql(migration.down);
    const sent = down.statements ? down.statements.map((s) => s.sql) : statementsOf(down.text);
    expect(sent.map(bare)).toEqual(expected);
  });
});

describe('down sections: dbmate and goose', () => {
  test('dbmate: the -- migrate:down section gets the statements, after what it had', () => {
    const list = broken('dbmate');
    const { edit, migration } = fix('dbmate', list, '20240219160000');
    expect(edit.path).toBe('20240219160000_customer_order_totals.sql');
    const down = sql(migration.down);
    expect(down.text.startsWith('-- migrate:down\nDROP VIEW customer_order_totals;')).toBe(true);
    expect(statementsOf(down.text).slice(-3)).toEqual(expected);
    expect(sql(migration.up).text).toBe(sql(parse('dbmate', list).at(-1)!.up).text);
  });

  test('dbmate: an empty down section is filled right under its directive', () => {
    const list = files({ '20240101000000_init.sql': '-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\n' });
    const { edit, migration } = fix('dbmate', list, '20240101000000');
    expect(edit.after).toBe(`-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\n${FIX_HEADER}\n${expected[0]};\n-- a body with semicolons at line ends\n${expected[1]};\n${expected[2]};\n`);
    expect(statementsOf(sql(migration.down).text)).toEqual(expected);
  });

  test('goose: appended to the Down section, a body with semicolons wrapped in StatementBegin/End', () => {
    const list = broken('goose');
    const { edit, migration } = fix('goose', list, '00004');
    expect(edit.after).toContain(`-- +goose StatementBegin\n${expected[1]};\n-- +goose StatementEnd`);
    expect(edit.after).not.toContain(`-- +goose StatementBegin\n${expected[0]}`);
    const sent = sql(migration.down).statements!.map((s) => s.sql);
    expect(sent[0]).toBe('DROP VIEW customer_order_totals;');
    expect(sent.slice(-3).map(bare)).toEqual(expected);
  });

  test('goose: a file without -- +goose Down gets the section', () => {
    const list = files({ '00001_init.sql': '-- +goose Up\nCREATE TABLE t (id int);\n' });
    expect(parse('goose', list)[0]!.down).toBeUndefined();
    const { migration } = fix('goose', list, '00001');
    expect(sql(migration.down).statements!.map((s) => s.sql.replace(/^(--[^\n]*\n)+/, '').replace(/;$/, ''))).toEqual(expected);
  });

  test('near miss: without a line ending in ; inside, nothing is wrapped', () => {
    const list = files({ '00001_init.sql': '-- +goose Up\nCREATE TABLE t (id int);\n\n-- +goose Down\n' });
    const migration = parse('goose', list)[0]!;
    const edit = planFixEdit('goose', migration, { statements: [{ sql: 'DROP TABLE public.t' }] }, () => list[0]!.content) as FixEdit;
    expect(edit.after).toBe(`-- +goose Up\nCREATE TABLE t (id int);\n\n-- +goose Down\n${FIX_HEADER}\nDROP TABLE public.t;\n`);
  });
});

describe('Alembic: downgrade() gets op.execute calls', () => {
  const revision = (downgrade: string, imports = 'from alembic import op\nimport sqlalchemy as sa\n') =>
    `"""add index\n\nRevision ID: b2\nRevises:\n"""\n${imports}\nrevision = 'b2'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n    op.execute("CREATE INDEX i ON t (x)")\n\n\n${downgrade}`;
  const project = (downgrade: string, imports?: string) =>
    files({ 'alembic.ini': '[alembic]\nscript_location = migrations\n', 'migrations/env.py': '', 'migrations/versions/b2_add_index.py': revision(downgrade, imports) });

  function downgradeBody(list: SourceFile[]): string {
    const m = alembic.parse(list, 'db', { absDir: '/repo/db', cwd: '/repo', tool: {} })[0]!;
    return (m.down as CommandScript | undefined)?.source ?? '';
  }

  test('a pass body is replaced; the docstring stays; the file parses with a down', () => {
    const list = project('def downgrade() -> None:\n    """Nothing to undo."""\n    pass\n');
    expect(downgradeBody(list)).not.toContain('op.execute');
    const m = alembic.parse(list, 'db', { absDir: '/repo/db', cwd: '/repo', tool: {} })[0]!;
    const edit = planFixEdit('alembic', m, content, (p) => list.find((f) => f.path === p)?.content) as FixEdit;
    expect(edit.path).toBe('migrations/versions/b2_add_index.py');
    const after = applyEdit(list, edit);
    const body = downgradeBody(after);
    expect(body).toBe(['    """Nothing to undo."""', ...alembicCalls(content)].join('\n'));
    expect(body).not.toMatch(/^\s*pass\s*$/m);
  });

  test('an existing body is kept and the calls follow it; a missing op import is added', () => {
    const list = project("def downgrade():\n    print('x')\n", 'import sqlalchemy as sa\n');
    const m = alembic.parse(list, 'db', { absDir: '/repo/db', cwd: '/repo', tool: {} })[0]!;
    const edit = planFixEdit('alembic', m, content, (p) => list.find((f) => f.path === p)?.content) as FixEdit;
    expect(edit.after).toContain('import sqlalchemy as sa\nfrom alembic import op\n');
    expect(downgradeBody(applyEdit(list, edit))).toBe(["    print('x')", ...alembicCalls(content)].join('\n'));
  });

  test('a one-line `def downgrade(): pass` becomes a body', () => {
    const list = project('def downgrade(): pass\n');
    const m = alembic.parse(list, 'db', { absDir: '/repo/db', cwd: '/repo', tool: {} })[0]!;
    const edit = planFixEdit('alembic', m, content, (p) => list.find((f) => f.path === p)?.content) as FixEdit;
    expect(downgradeBody(applyEdit(list, edit))).toBe(alembicCalls(content).join('\n'));
  });

  test('Python string literals keep the SQL exactly and escape bind-parameter colons for text()', () => {
    expect(pythonString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
    const calls = alembicCalls({ statements: [{ sql: `SELECT 'a::b', ':x', '12:30', x::text` }] });
    expect(calls[1]).toBe(`    op.execute("SELECT 'a::b', '\\\\:x', '12:30', x::text")`);
    expect(alembicCalls({ statements: [{ sql: 'CREATE VIEW v AS\n SELECT 1;' }] }).slice(1)).toEqual(['    op.execute(', '        "CREATE VIEW v AS\\n"', '        " SELECT 1;"', '    )']);
  });
});

describe('Sqitch: the revert script', () => {
  const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';
  const project = (revert?: string) =>
    files({
      'sqitch.conf': '[core]\n\tengine = pg\n',
      'sqitch.plan': `%syntax-version=1.0.0\n%project=flipr\n\nusers ${at} # users\n`,
      'deploy/users.sql': '-- Deploy flipr:users to pg\n\nBEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n',
      ...(revert !== undefined ? { 'revert/users.sql': revert } : {}),
    });

  test("Sqitch's template revert (BEGIN; a comment; COMMIT;) gets the statements inside its transaction", () => {
    const list = project('-- Revert flipr:users from pg\n\nBEGIN;\n\n-- XXX Add DDLs here.\n\nCOMMIT;\n');
    const { edit, migration } = fix('sqitch', list, 'users');
    expect(edit.path).toBe('revert/users.sql');
    expect(edit.after).toBe(`-- Revert flipr:users from pg\n\nBEGIN;\n\n-- XXX Add DDLs here.\n\n${FIX_HEADER}\n${expected[0]};\n-- a body with semicolons at line ends\n${expected[1]};\n${expected[2]};\n\nCOMMIT;\n`);
    expect(migration.down).toBeDefined();
    expect(statementsOf(edit.after)).toEqual(['BEGIN', ...expected, 'COMMIT']);
  });

  test('a revert directory of its own (sqitch.conf revert_dir) is where the statements go', () => {
    const list = files({
      'sqitch.conf': '[core]\n\tengine = pg\n\tdeploy_dir = do\n\trevert_dir = undo\n',
      'sqitch.plan': `%syntax-version=1.0.0\n%project=flipr\n\nusers ${at} # users\n`,
      'do/users.sql': 'CREATE TABLE users (id int);\n',
      'undo/users.sql': 'BEGIN;\nDROP TABLE users;\nCOMMIT;\n',
    });
    const { edit } = fix('sqitch', list, 'users');
    expect(edit.path).toBe('undo/users.sql');
    expect(statementsOf(edit.after)).toEqual(['BEGIN', 'DROP TABLE users', ...expected, 'COMMIT']);
  });

  test('a missing revert script is created from the template', () => {
    const list = project();
    const { edit, migration } = fix('sqitch', list, 'users');
    expect(edit.path).toBe('revert/users.sql');
    expect(edit.after.startsWith('-- Revert users from pg\n\nBEGIN;\n\n')).toBe(true);
    expect(migration.down).toBeDefined();
  });
});

test('formats whose down is JavaScript are not written: a reason instead', () => {
  const migration = { id: '1', name: 'x', files: ['1_x.js'], up: { kind: 'sql', file: '1_x.js', text: '', line: 1, transaction: 'wrap' }, markers: {} } as Migration;
  expect(planFixEdit('knex', migration, content, () => undefined)).toEqual({ unsupported: "knex keeps its down in code; paste the SQL into the migration's down function by hand" });
});
