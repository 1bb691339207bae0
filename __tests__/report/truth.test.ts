/**
 * What a reviewer reads, end to end on real PostgreSQL and real git: the row of a migration names
 * the phase that failed and why, one bug is one error, the headline counts only what ran, problems
 * of migrations never reached are still found, data loss points at the down statement with an
 * example, and the terminal ends with its verdict. Each with its near miss.
 */
import { fakeCore } from '../../__fixtures__/core.js';
import { annotateProblems } from '../../src/github/annotations.js';
import { DEFAULT_OPTIONS } from '../../src/options.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal.js';
import { runVerification } from '../../src/verify/run.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeGitProject, writeProject } from '../helpers/migrations.js';
import pg from 'pg';

const server = usePostgres();
const url = () => server.server().adminUrl;

const BASE = {
  'db/000001_orders.up.sql': 'CREATE TABLE orders (id bigserial PRIMARY KEY, status text NOT NULL DEFAULT \'new\', note text);\n',
  'db/000001_orders.down.sql': 'DROP TABLE orders;\n',
};

describe('one bug, one error, in a row that says where', () => {
  test('a down that forgets an index: one error (the re-up failure inside it), the row blames the down; the headline counts what ran; what the run never reached is still checked', async () => {
    // The run goes on past the residue (the state after the up is restored) and stops at an up
    // that fails: 000004 is never run, yet its missing down is found from the files.
    const root = writeGitProject(BASE, {
      'db/000002_status_idx.up.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n',
      'db/000002_status_idx.down.sql': '-- the index stays\nSELECT 1;\n',
      'db/000003_items.up.sql': 'ALTER TABLE order_items ADD COLUMN discount numeric;\n',
      'db/000003_items.down.sql': 'ALTER TABLE order_items DROP COLUMN discount;\n',
      'db/000004_audit.up.sql': 'CREATE TABLE audit (id int);\n',
      'db/000005_later.up.sql': 'CREATE TABLE later (id int);\n',
      'db/000005_later.down.sql': 'DROP TABLE later;\n',
    });
    const r = await verify(root, 'db', url(), { base: 'main' });
    expect(r.problems.map((p) => [p.kind, p.migration, p.severity])).toEqual([
      ['up-failed', '000003', 'error'],
      ['rollback-residue', '000002', 'error'],
      ['missing-down', '000004', 'error'],
    ]);
    const residue = r.problems[1]!;
    expect(residue.consequences).toEqual([
      expect.objectContaining({ kind: 'reup-failed', phase: 'reup', message: 're-applying the up failed: relation "orders_status_idx" already exists' }),
    ]);
    expect(r.migrations.map((m) => [m.id, m.status, m.reason])).toEqual([
      ['000002', 'failed', 'down leaves index orders_status_idx'],
      ['000003', 'failed', 'up fails: relation "order_items" does not exist'],
      ['000004', 'failed', 'no down'],
      ['000005', 'not-run', undefined],
    ]);
    expect(r.stopped).toEqual({ migration: '000003', reason: 'up fails: relation "order_items" does not exist' });

    const md = renderMarkdownReport(r);
    expect(md).toContain('**0 of 4 new migrations** verified up → down → up · 2 failed · 2 not run (stopped at `000003`: up fails: relation "order_items" does not exist) · **3 errors**');
    expect(md).toMatch(/\| `000002` status_idx \| [\d.]+\sm?s \| ❌\s[\d.]+\sm?s \| ↳\s[\d.]+\sm?s \| ❌ down leaves index orders_status_idx \|/);
    expect(md).toContain('| `000004` audit | — | ❌ | — | ❌ no down · not run |');
    expect(md).toContain('| `000005` later | — | — | — | ⏸️ not run |');
    expect(md).not.toContain('✅');
    expect(md).toContain('### Problems (3)');

    const text = renderTerminalReport(r, { color: false });
    expect(text.trimEnd().split('\n').pop()).toMatch(/^FAIL: 0 of 4 new migrations verified up → down → up, 2 failed, 2 not run \(stopped at 000003: up fails: relation "order_items" does not exist\); 3 errors \(golang-migrate/);

    // Annotations go to what stopped the run first, then the root causes in report order.
    const core = fakeCore();
    annotateProblems(r.problems, core, '.', r.stopped?.migration);
    expect(core.error.mock.calls.map((c) => c[1]?.title)).toEqual([
      'rollback-verify: up-failed · 000003 up fails: relation "order_items" does not exist',
      'rollback-verify: rollback-residue · 000002 down leaves index orders_status_idx',
      'rollback-verify: missing-down · 000004 no down',
    ]);
  });

  test('near miss: a re-up that fails for a reason of its own (a role the down leaves, outside the schema) stays its own error', async () => {
    const role = `rv_reporting_${process.pid}_${Date.now()}`;
    const root = writeGitProject(BASE, {
      'db/000002_reports.up.sql': `CREATE ROLE ${role};\nCREATE TABLE reports (id int);\n`,
      'db/000002_reports.down.sql': 'DROP TABLE reports;\n',
    });
    try {
      const r = await verify(root, 'db', url(), { base: 'main' });
      expect(r.problems.map((p) => [p.kind, p.phase])).toEqual([['reup-failed', 'reup']]);
      expect(r.problems[0]!.message).toContain(`role "${role}" already exists`);
      expect(r.problems[0]!.consequences).toBeUndefined();
      expect(r.migrations[0]!.reason).toMatch(/^re-up fails: role ".*" already exists$/);
    } finally {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.end();
    }
  });
});

describe('data loss shows where and what', () => {
  test('the down file and the line of the statement that re-adds the column, the count, one value before → after', async () => {
    const root = writeGitProject(BASE, {
      'db/000002_drop_note.up.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
      'db/000002_drop_note.down.sql': '-- put it back\nALTER TABLE orders\n  ADD COLUMN note text;\n',
    });
    const r = await verify(root, 'db', url(), { base: 'main' });
    const loss = r.problems.find((p) => p.kind === 'data-loss')!;
    expect(loss).toMatchObject({ object: 'column public.orders.note', file: 'db/000002_drop_note.down.sql', line: 2, phase: 'down', severity: 'error' });
    expect(loss.sample).toEqual({ row: expect.stringMatching(/^id=\d+$/), before: expect.any(String), after: null });
    expect(loss.message).toMatch(/^orders\.note: 20 of 20 values changed \(all NULL after the down\); e\.g\. id=\d+: '.+' → NULL$/);
    expect(loss.help).toContain('-- rollback-verify: down-loses-data');
    expect(r.migrations[0]).toMatchObject({ status: 'failed', reason: 'down loses data in orders.note' });
  });

  test('near miss: a down that restores the values exactly reports nothing', async () => {
    const root = writeGitProject(BASE, {
      'db/000002_widen.up.sql': 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);\n',
      'db/000002_widen.down.sql': 'ALTER TABLE orders ALTER COLUMN note TYPE text;\n',
    });
    const r = await verify(root, 'db', url(), { base: 'main' });
    expect(r.problems).toEqual([]);
    expect(r.migrations[0]).toMatchObject({ status: 'ok' });
    expect(r.migrations[0]!.reason).toBeUndefined();
  });
});

describe('the terminal', () => {
  test('per-phase progress is debug (shown with --verbose), the verdict is the last line, plurals are right', async () => {
    // t references orders: both are seeded (orders as a table the new migration reaches).
    const root = writeProject({ ...BASE, 'db/000002_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, order_id bigint REFERENCES orders (id));\n', 'db/000002_t.down.sql': 'DROP TABLE t;\n' });
    const info: string[] = [];
    const debug: string[] = [];
    const r = await runVerification(
      { ...DEFAULT_OPTIONS, seedRows: 5, migrationsDir: 'db', cwd: root, provider: 'url', databaseUrl: url(), from: '000002' },
      { logger: { info: (m) => info.push(m), debug: (m) => debug.push(m), warning: (m) => info.push(m) } },
    );
    expect(info.join('\n')).not.toMatch(/000002 (up|down|reup)/);
    expect(debug.join('\n')).toMatch(/000002 up +ok/);
    expect(info.join('\n')).toContain('1 baseline and 1 new migration in db');
    expect(info.join('\n')).toContain('Building the baseline: 1 migration\n'.trimEnd());

    const text = renderTerminalReport(r, { color: false });
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^PASS: 1 new migration verified up → down → up; no problems \(golang-migrate, PostgreSQL [\d.]+, step-wise, [\d.]+ m?s\)$/);
    expect(text).toMatch(/Seeded 10 rows into 2 tables\./);
    expect(text).not.toMatch(/\(s\)/);
    // Near miss: one table is "1 table".
    const one = { ...r, seeded: r.seeded.slice(0, 1) };
    expect(renderTerminalReport(one, { color: false })).toMatch(/into 1 table\./);

    // A residue makes the run restore the state after the up: a detail for --verbose, said once at the end.
    const residue = writeProject({ ...BASE, 'db/000002_i.up.sql': 'CREATE INDEX orders_status_idx ON orders (status);\n', 'db/000002_i.down.sql': 'SELECT 1;\n' });
    info.length = 0;
    debug.length = 0;
    const restored = await runVerification(
      { ...DEFAULT_OPTIONS, seedRows: 5, migrationsDir: 'db', cwd: residue, provider: 'url', databaseUrl: url(), from: '000002' },
      { logger: { info: (m) => info.push(m), debug: (m) => debug.push(m), warning: (m) => info.push(m) } },
    );
    expect(info.join('\n')).not.toContain('restored the state');
    expect(debug.join('\n')).toMatch(/000002 restored the state after its up/);
    expect(restored.notes).toContainEqual(expect.stringMatching(/^Restored the state after an up once, /));
  });
});
