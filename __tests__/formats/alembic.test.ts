/** Alembic parsing, pure: revision files, layout, step commands, markers and the heads check. */
import { alembic } from '../../src/formats/alembic.js';
import { isEmptyBody, readRevisionScript } from '../../src/formats/alembic-script.js';
import type { CommandScript, ParseContext } from '../../src/formats/types.js';
import { files, thrown } from './files.js';

const ctx: ParseContext = { absDir: '/repo', cwd: '/repo', tool: {} };
const ini = '[alembic]\nscript_location = migrations\nsqlalchemy.url = driver://x\n';

function rev(id: string, down: string, body = { up: "op.create_table('t')", down: "op.drop_table('t')" }, extra = ''): string {
  return `"""msg ${id}\n\nRevision ID: ${id}\n"""\nfrom alembic import op\n\nrevision: str = "${id}"\ndown_revision: Union[str, None] = ${down}\nbranch_labels = None\ndepends_on = None\n${extra}\n\ndef upgrade() -> None:\n    ${body.up}\n\n\ndef downgrade() -> None:\n    ${body.down}\n`;
}

describe('alembic revision files', () => {
  test('reads typed and classic identifiers, tuples for merges, the docstring message', () => {
    const s = readRevisionScript(rev('m1', "('a', 'b')"), 'x.py')!;
    expect(s).toMatchObject({ revision: 'm1', downRevisions: ['a', 'b'], branchLabels: [], message: 'msg m1' });
    expect(readRevisionScript("revision = 'r'\ndown_revision = None\nbranch_labels = ('lbl',)\n", 'x.py')).toMatchObject({ downRevisions: [], branchLabels: ['lbl'] });
    expect(readRevisionScript('import os\n', 'x.py')).toBeUndefined();
  });

  test('a computed identifier is a ConfigError naming file and line', () => {
    expect(thrown(() => readRevisionScript("revision = 'r'\ndown_revision = make_id()\n", 'v/x.py')).message).toBe(
      'v/x.py:2: down_revision must be a string, a tuple of strings or None for rollback-verify to read the revision graph',
    );
  });

  test('empty bodies: pass, docstrings and comments do nothing', () => {
    expect(isEmptyBody('    """Nothing to undo."""\n    # really\n    pass')).toBe(true);
    expect(isEmptyBody("    op.drop_table('t')")).toBe(false);
  });
});

describe('alembic format', () => {
  const project = files({
    'alembic.ini': ini,
    'migrations/env.py': 'run()\n',
    'migrations/versions/a_first.py': rev('a', 'None'),
    'migrations/versions/c_merge.py': rev('c', "('b1', 'b2')", { up: 'pass', down: 'pass' }),
    'migrations/versions/b1_left.py': rev('b1', "'a'"),
    'migrations/versions/b2_right.py': rev('b2', "'a'", { up: "op.create_table('u')", down: 'raise NotImplementedError()' }),
    'migrations/versions/__init__.py': '',
  });

  test('detects alembic.ini, or env.py with versions/', () => {
    expect(alembic.detect(project)).toBe(true);
    expect(alembic.detect(files({ 'env.py': '', 'versions/a.py': '' }))).toBe(true);
    expect(alembic.detect(files({ 'versions/a.py': '' }))).toBe(false);
  });

  test('orders parents first; each step is alembic upgrade/downgrade one revision, merges step back to a parent', () => {
    const ms = alembic.parse(project, '.', ctx);
    expect(ms.map((m) => m.id)).toEqual(['a', 'b1', 'b2', 'c']);
    const up = ms[0]!.up as CommandScript;
    expect(up).toMatchObject({ kind: 'command', launcher: 'alembic', argv: ['alembic', '-c', 'alembic.ini', 'upgrade', 'a'], cwd: '/repo', file: 'migrations/versions/a_first.py', line: 13 });
    expect((ms[1]!.down as CommandScript).argv.slice(3)).toEqual(['downgrade', 'b1@-1']);
    // The merge's empty downgrade() is a down that does nothing: run, judged by what it leaves.
    expect((ms[3]!.down as CommandScript).empty).toBe(true);
    expect(ms[2]!.markers.irreversible).toEqual({ file: 'migrations/versions/b2_right.py', line: 18 });
    expect(ms[0]!.toolState?.table).toBe('public.alembic_version');
  });

  test('a merge with a real downgrade targets its first parent', () => {
    const ms = alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', 'None'), 'versions/b.py': rev('b', 'None'), 'versions/m.py': rev('m', "('a', 'b')", { up: 'op.f()', down: 'op.g()' }) }), 'db', { ...ctx, absDir: '/repo/db' });
    expect((ms[2]!.down as CommandScript).argv).toEqual(['alembic', '-c', 'alembic.ini', 'downgrade', 'a']);
    // The script directory's alembic.ini is in the working directory, as Alembic's default.
    expect(ms[2]!.down!.file).toBe('db/versions/m.py');
    expect((ms[2]!.down as CommandScript).cwd).toBe('/repo');
  });

  test('--alembic-config points at another ini', () => {
    const ms = alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', 'None') }), 'db', { absDir: '/repo/db', cwd: '/repo', tool: { 'alembic-config': 'config/alembic.ini' } });
    expect(ms[0]!.up).toMatchObject({ argv: ['alembic', '-c', 'alembic.ini', 'upgrade', 'a'], cwd: '/repo/config' });
  });

  test('unknown parents and duplicate revisions are ConfigErrors', () => {
    expect(thrown(() => alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', "'zz'") }), '.', ctx)).message).toBe(
      "versions/a.py: down_revision 'zz' of revision 'a' matches no revision file",
    );
    expect(thrown(() => alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', 'None'), 'versions/b.py': rev('a', 'None') }), '.', ctx)).message).toContain(
      "two revision files claim revision 'a'",
    );
  });

  test('a second head is an order problem naming both heads; a single line of history is not', () => {
    const base = alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', 'None'), 'versions/b.py': rev('b', "'a'") }), '.', ctx);
    const head = alembic.parse(files({ 'env.py': '', 'versions/a.py': rev('a', 'None'), 'versions/b.py': rev('b', "'a'"), 'versions/c.py': rev('c', "'a'") }), '.', ctx);
    const problems = alembic.planProblems!(head, base);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'order', severity: 'error', migration: 'c', file: 'versions/c.py' });
    expect(problems[0]!.message).toContain('revision c does not descend from b');
    expect(problems[0]!.message).toContain('alembic merge -m "merge heads" b c');
    expect(alembic.planProblems!(base, base.slice(0, 1))).toEqual([]);
  });
});
