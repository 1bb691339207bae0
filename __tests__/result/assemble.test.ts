/**
 * The end-of-run assembly (src/result/assemble.ts), pure: what the plan and the protocol recorded
 * in, the one result value out. Each rule has a case with the defect and a near miss without it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Migration, SqlScript } from '../../src/formats/types.js';
import { assembleResult, type AssembleInput } from '../../src/result/assemble.js';
import { PROBLEM_KINDS, PROBLEMS_DOC_URL } from '../../src/result/messages.js';
import type { MigrationResult, Problem } from '../../src/result/types.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal.js';
import { rowView } from '../../src/report/rows.js';

const sql = (file: string, text: string, line = 1): SqlScript => ({ kind: 'sql', file, text, line, transaction: 'implicit' });

function migration(id: string, up: string, down?: string, markers: Migration['markers'] = {}): Migration {
  return {
    id, name: `m${id}`, files: [], markers,
    up: sql(`db/${id}.up.sql`, up),
    ...(down !== undefined ? { down: sql(`db/${id}.down.sql`, down) } : {}),
  };
}

const ok = (m: Migration, ms = 10): MigrationResult => ({
  id: m.id, name: m.name, files: { up: m.up.file, ...(m.down ? { down: m.down.file } : {}) }, status: 'ok',
  phases: { up: { ms, ok: true }, down: { ms, ok: true }, reup: { ms, ok: true } },
});
const notRun = (m: Migration): MigrationResult => ({ ...ok(m), status: 'not-run', phases: {} });

function input(fresh: Migration[], migrations: MigrationResult[], problems: Problem[], extra: Partial<AssembleInput> = {}): AssembleInput {
  return {
    format: 'golang-migrate', postgres: '17', mode: 'step', migrationsDir: 'db', baselineCount: 0,
    fresh, migrations, problems, schemaChanges: [], seeded: [], notes: [], failOn: ['error'], totalMs: 100, ...extra,
  };
}

const residue = (id: string, object: string): Problem => ({
  kind: 'rollback-residue', severity: 'error', migration: id, object, file: `db/${id}.down.sql`,
  message: `${object} is left behind by the down of ${id}`, diff: `--- before\n+++ after\n@@ -0,0 +1,1 @@\n+CREATE INDEX x\n`,
});
const reupFailed = (id: string, error: string, sqlstate: string): Problem => ({
  kind: 'reup-failed', severity: 'error', migration: id, file: `db/${id}.up.sql`, line: 1, sqlstate,
  message: `re-applying ${id}_m after its down failed: ${error} (SQLSTATE ${sqlstate})`,
});

describe('truth: a migration row reflects every error about it', () => {
  const m1 = migration('001', 'ALTER TABLE t ADD COLUMN c int;', 'ALTER TABLE t DROP COLUMN c;');
  const m2 = migration('002', 'CREATE INDEX i ON t (c);', 'DROP INDEX i;');

  test('an error found after the protocol judged the row (threshold, lock, data) makes it failed, with the phase and why', () => {
    const threshold: Problem = { kind: 'threshold', severity: 'error', migration: '002', phase: 'up', file: 'db/002.up.sql', message: '002 m002: up took 41.20 s, over the 30 s limit (max-up-seconds)' };
    const dataLoss: Problem = { kind: 'data-loss', severity: 'error', migration: '001', object: 'column public.t.c', message: 't.c: 5 of 5 values changed' };
    const r = assembleResult(input([m1, m2], [ok(m1), ok(m2)], [dataLoss, threshold]));
    expect(r.migrations.map((m) => [m.id, m.status, m.reason])).toEqual([
      ['001', 'failed', 'down loses data in t.c'],
      ['002', 'failed', 'up took 41.20 s (limit 30 s)'],
    ]);
    // A row with an error never shows ✅, in any renderer; the culprit phase carries the ❌.
    for (const m of r.migrations) expect(rowView(m, r).icon).toBe('❌');
    expect(rowView(r.migrations[0]!, r).phases).toEqual({ up: 'ok', down: 'culprit', reup: 'ok' });
    const md = renderMarkdownReport(r);
    expect(md).not.toContain('✅');
    expect(md).toContain('| `001` m001 | 10 ms | ❌ 10 ms | 10 ms | ❌ down loses data in t.c |');
    expect(renderTerminalReport(r, { color: false })).toMatch(/^001 .*failed: down loses data in t\.c$/m);
  });

  test('near miss: a warning alone leaves the row verified (with a ⚠️), and a clean run stays ✅', () => {
    const warning: Problem = { kind: 'lock', severity: 'warning', migration: '001', phase: 'up', object: 'table public.t', message: 'the up takes ACCESS EXCLUSIVE on public.t (ALTER TABLE at line 1) without lock_timeout' };
    const r = assembleResult(input([m1, m2], [ok(m1), ok(m2)], [warning]));
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok']);
    expect(rowView(r.migrations[0]!, r)).toMatchObject({ icon: '⚠️', text: 'up locks t without lock_timeout' });
    expect(rowView(r.migrations[1]!, r)).toMatchObject({ icon: '✅', text: 'verified' });
    expect(r.status).toBe('pass');
  });

  test('a headline never says verified for migrations that did not run', () => {
    const fresh = Array.from({ length: 30 }, (_, i) => migration(String(i + 1).padStart(3, '0'), 'CREATE TABLE x (id int);', 'DROP TABLE x;'));
    const results = fresh.map((m, i) => (i < 4 ? ok(m) : i === 4 ? { ...ok(m), phases: { up: { ms: 1, ok: true }, down: { ms: 1, ok: true }, reup: { ms: 1, ok: false, error: 'x' } } } : notRun(m)));
    const r = assembleResult(input(fresh, results, [residue('005', 'index public.orders_status_idx'), reupFailed('005', 'relation "orders_status_idx" already exists', '42P07')]));
    expect(r.stopped).toEqual({ migration: '005', reason: 'down leaves index orders_status_idx' });
    const md = renderMarkdownReport(r);
    expect(md).toContain('**4 of 30 new migrations** verified up → down → up · 1 failed · 25 not run (stopped at `005`: down leaves index orders_status_idx)');
    expect(md).not.toMatch(/\*\*30 new migrations\*\* verified/);
    const text = renderTerminalReport(r, { color: false });
    expect(text.trimEnd().split('\n').pop()).toMatch(/^FAIL: 4 of 30 new migrations verified up → down → up, 1 failed, 25 not run \(stopped at 005: down leaves index orders_status_idx\); 1 error \(/);
    // Near miss: when every migration ran, the count is the whole.
    const all = assembleResult(input(fresh, fresh.map((m) => ok(m)), []));
    expect(renderMarkdownReport(all)).toContain('**30 new migrations** verified up → down → up · no problems');
    expect(all.stopped).toBeUndefined();
  });
});

describe('server-free checks for the migrations a stopped run never reached', () => {
  const first = migration('001', 'CREATE TABLE a (id int);', 'DROP TABLE a;');
  const failedUp: Problem = { kind: 'up-failed', severity: 'error', migration: '001', file: 'db/001.up.sql', line: 1, message: 'the up of 001_m failed: boom' };
  const firstFailed: MigrationResult = { ...ok(first), status: 'failed', phases: { up: { ms: 1, ok: false, error: 'boom' } } };

  test('no down, an irreversible marker, an empty down under DDL: each found for a not-run migration', () => {
    const noDown = migration('002', 'CREATE TABLE b (id int);');
    const marked = migration('003', '-- rollback-verify: irreversible\nDROP TABLE a;', '', { irreversible: { file: 'db/003.up.sql', line: 1 } });
    const emptyDown = migration('004', '-- comment\nALTER TABLE a ADD COLUMN c int;', '-- nothing\n');
    const r = assembleResult(input([first, noDown, marked, emptyDown], [firstFailed, notRun(noDown), notRun(marked), notRun(emptyDown)], [failedUp]));
    const found = r.problems.filter((p) => p.migration !== '001').map((p) => [p.migration, p.kind, p.severity, p.file, p.line]);
    expect(found).toEqual([
      ['002', 'missing-down', 'error', 'db/002.up.sql', undefined],
      ['004', 'missing-down', 'error', 'db/004.down.sql', 1],
      ['003', 'irreversible', 'warning', 'db/003.up.sql', 1],
    ]);
    expect(r.problems.find((p) => p.migration === '004')!.message).toContain('ALTER TABLE at line 2');
    expect(r.migrations.map((m) => m.status)).toEqual(['failed', 'failed', 'not-run', 'failed']);
    expect(rowView(r.migrations[1]!, r).text).toBe('no down · not run');
  });

  test('near miss: an empty down under an up without DDL, and migrations that ran, are left to the protocol', () => {
    const dataOnly = migration('002', "UPDATE a SET id = id + 1;", '');
    const ran = migration('003', 'CREATE TABLE b (id int);');
    const r = assembleResult(input([first, dataOnly, ran], [firstFailed, notRun(dataOnly), { ...ok(ran), phases: { up: { ms: 1, ok: true } } }], [failedUp]));
    expect(r.problems.map((p) => p.kind)).toEqual(['up-failed']);
  });
});

describe('one error per root cause', () => {
  const m = migration('005', 'CREATE INDEX orders_status_idx ON orders (status);', 'SELECT 1;');
  const res: MigrationResult = { ...ok(m), status: 'failed', phases: { up: { ms: 1, ok: true }, down: { ms: 1, ok: true }, reup: { ms: 1, ok: false, error: 'x' } } };

  test('a re-up that fails on the object the down left behind is a consequence of the residue, not a second error', () => {
    const r = assembleResult(input([m], [res], [residue('005', 'index public.orders_status_idx'), reupFailed('005', 'relation "orders_status_idx" already exists', '42P07')]));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ kind: 'rollback-residue', phase: 'down' });
    expect(r.problems[0]!.consequences).toEqual([
      { kind: 'reup-failed', phase: 'reup', file: 'db/005.up.sql', line: 1, message: 're-applying the up failed: relation "orders_status_idx" already exists' },
    ]);
    expect(rowView(r.migrations[0]!, r).phases).toEqual({ up: 'ok', down: 'culprit', reup: 'consequence' });
    expect(renderMarkdownReport(r)).toContain('### Problems (1)');
  });

  test('a re-up that trips on an object the down took away is a consequence too', () => {
    const dropped: Problem = { ...residue('005', 'table public.customers'), message: 'table public.customers is missing after the down of 005_m', diff: '--- before\n+++ after\n@@ -1,1 +0,0 @@\n-CREATE TABLE public.customers\n' };
    const r = assembleResult(input([m], [res], [dropped, reupFailed('005', 'relation "customers" does not exist', '42P01')]));
    expect(r.problems.map((p) => [p.kind, p.consequences?.length])).toEqual([['rollback-residue', 1]]);
    expect(r.migrations[0]!.reason).toBe('down drops table customers');
  });

  test('near miss: a re-up that fails for its own reason stays its own error', () => {
    const own = [reupFailed('005', 'relation "other_idx" already exists', '42P07'), reupFailed('005', 'syntax error at or near "CREAT"', '42601')];
    for (const failure of own) {
      const r = assembleResult(input([m], [res], [residue('005', 'index public.orders_status_idx'), failure]));
      expect(r.problems.map((p) => p.kind)).toEqual(['rollback-residue', 'reup-failed']);
      expect(r.problems[0]!.consequences).toBeUndefined();
    }
  });

  test('a down and re-up of a half-applied up, and a re-up over the same time limit as its up, follow from the first failure', () => {
    const upFailed: Problem = { kind: 'up-failed', severity: 'error', migration: '005', file: 'db/005.up.sql', message: 'the up of 005_m failed: boom' };
    const downFailed: Problem = { kind: 'down-failed', severity: 'error', migration: '005', file: 'db/005.down.sql', message: 'the down of 005_m failed: index "orders_status_idx" does not exist' };
    const r = assembleResult(input([m], [res], [upFailed, downFailed]));
    expect(r.problems.map((p) => p.kind)).toEqual(['up-failed']);
    expect(r.problems[0]!.consequences!.map((c) => c.kind)).toEqual(['down-failed']);

    const slow = (phase: 'up' | 'reup', label: string): Problem => ({ kind: 'threshold', severity: 'error', migration: '005', phase, message: `005 m005: ${label} took 40.00 s, over the 30 s limit (max-up-seconds)` });
    const t = assembleResult(input([m], [ok(m)], [slow('up', 'up'), slow('reup', 're-up')]));
    expect(t.problems.map((p) => [p.kind, p.phase, p.consequences?.length])).toEqual([['threshold', 'up', 1]]);
    // Near miss: a re-up over its limit while the up was not is its own error.
    expect(assembleResult(input([m], [ok(m)], [slow('reup', 're-up')])).problems).toHaveLength(1);
  });

  test('column-order warnings of one table are one warning naming the columns; other tables keep theirs', () => {
    const moved = (column: string): Problem => ({
      kind: 'column-order', severity: 'warning', migration: '005', object: `column ${column}`, file: 'db/005.down.sql', diff: `-- ${column}\n`,
      message: `column ${column} moved: after the down 005_m it is at another position (a re-added column goes to the end)`,
    });
    const r = assembleResult(input([m], [ok(m)], [moved('public.users.b'), moved('public.users.c'), moved('public.teams.x')]));
    expect(r.problems.map((p) => p.object)).toEqual(['table public.users', 'column public.teams.x']);
    expect(r.problems[0]!.message).toBe('2 columns of public.users are at other positions after the down: b, c (a re-added column goes to the end)');
    expect(r.problems[0]!.diff).toBe('-- public.users.b\n\n-- public.users.c\n');
  });
});

describe('a way out for every problem', () => {
  const m = migration('007', 'ALTER TABLE customers ALTER COLUMN name TYPE varchar(4);', '-- back\nALTER TABLE customers ADD COLUMN note text;\n\nALTER TABLE customers\n  ALTER COLUMN name TYPE text;\n');

  test('every problem about a migration gets a file, a phase where known, one sentence of help and its docs section', () => {
    const problems: Problem[] = [
      { kind: 'data-loss', severity: 'error', migration: '007', object: 'column public.customers.name', message: 'customers.name: 1000 of 1000 values changed' },
      { kind: 'reapply-drift', severity: 'error', migration: '007', object: 'index public.i', message: 'index public.i differs when re-applying 007_m' },
      { kind: 'modified-migration', severity: 'error', migration: '001', file: 'db/001.up.sql', line: 1, message: 'up of 001_m was changed after it was merged' },
    ];
    const r = assembleResult(input([m], [ok(m)], problems));
    for (const p of r.problems) {
      expect(p.file).toBeTruthy();
      expect(p.help).toMatch(/^[A-Z].*[.`]$/);
      expect(p.docs).toBe(`${PROBLEMS_DOC_URL}#${p.kind}`);
    }
    // Data loss points at the down statement that touches the column (line 4), not at the first one.
    expect(r.problems.find((p) => p.kind === 'data-loss')).toMatchObject({ file: 'db/007.down.sql', line: 4, phase: 'down' });
    expect(r.problems.find((p) => p.kind === 'reapply-drift')).toMatchObject({ file: 'db/007.up.sql', phase: 'reup' });
  });

  test('near miss: a down that never names the column still points at the down file', () => {
    const other = migration('008', 'SELECT 1;', 'UPDATE customers SET email = lower(email);');
    const r = assembleResult(input([other], [ok(other)], [{ kind: 'data-loss', severity: 'error', migration: '008', object: 'column public.customers.name', message: 'x' }]));
    expect(r.problems[0]).toMatchObject({ file: 'db/008.down.sql', line: 1 });
  });

  test('docs/problems.md has a section for every kind, under the anchor the links use', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'problems.md'), 'utf8');
    const headings = [...doc.matchAll(/^## (\S+)$/gm)].map((h) => h[1]);
    expect(headings).toEqual([...PROBLEM_KINDS]);
    for (const kind of PROBLEM_KINDS) {
      const section = doc.split(/^## /m).find((s) => s.startsWith(`${kind}\n`))!;
      expect(section).toMatch(/```/); // a minimal example
      expect(section).toMatch(/\*\*How to fix/);
    }
  });
});
