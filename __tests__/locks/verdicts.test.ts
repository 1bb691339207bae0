/**
 * Lock verdicts end to end: max-lock-ms fails the run with a `lock` error and a near-miss under the
 * limit passes; require-lock-timeout warns only when lock_timeout was not set; destructive
 * statements of an up reach every report.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const project = (up: string, down: string) =>
  writeProject({
    'db/1_orders.up.sql': 'CREATE TABLE orders (id int PRIMARY KEY, qty int, legacy text);\n',
    'db/1_orders.down.sql': 'DROP TABLE orders;\n',
    'db/2_change.up.sql': up,
    'db/2_change.down.sql': down,
  });

// ACCESS EXCLUSIVE on orders, then 1 s more in the same transaction: held ≥ 1000 ms. The limit
// below sits well between that and the quick locks of the other steps (a DROP TABLE of an empty
// table, including the change tracking's event trigger, on a loaded machine).
const SLOW_UP = 'ALTER TABLE orders ADD COLUMN flag boolean;\nSELECT pg_sleep(1);\n';
const SLOW_DOWN = 'ALTER TABLE orders DROP COLUMN flag;\n';

describe('lock verdicts', () => {
  test('max-lock-ms: a blocking lock held longer fails the run with a lock problem', async () => {
    const r = await verify(project(SLOW_UP, SLOW_DOWN), 'db', url(), { maxLockMs: 500 });
    expect(r.status).toBe('fail');
    const locks = r.problems.filter((p) => p.kind === 'lock');
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ severity: 'error', migration: '2', object: 'table public.orders', file: 'db/2_change.up.sql', line: 1 });
    expect(locks[0]!.message).toMatch(/holds ACCESS EXCLUSIVE on public\.orders for [\d.]+ m?s .*over the 500 ms limit \(max-lock-ms\)/);
  });

  test('max-lock-ms: the same lock under the limit passes (near miss)', async () => {
    const r = await verify(project(SLOW_UP, SLOW_DOWN), 'db', url(), { maxLockMs: 3000 });
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
    const held = r.migrations[1]!.phases.up!.locks!.statements[0]!.locks[0]!.heldMs;
    expect(held).toBeGreaterThanOrEqual(1000);
    expect(held).toBeLessThan(3000);
  });

  test('require-lock-timeout: a warning without lock_timeout, none with it', async () => {
    const bare = await verify(project('ALTER TABLE orders ADD COLUMN flag boolean;\n', SLOW_DOWN), 'db', url(), { requireLockTimeout: true });
    expect(bare.status).toBe('pass');
    // Migration 1's down (DROP TABLE) is warned about too; migration 2 is the one under test.
    expect(bare.problems.filter((p) => p.migration === '2').map((p) => [p.kind, p.severity, p.migration, p.file])).toEqual([
      ['lock', 'warning', '2', 'db/2_change.up.sql'],
      ['lock', 'warning', '2', 'db/2_change.down.sql'],
    ]);
    expect(bare.problems.find((p) => p.migration === '2')!.message).toMatch(/without lock_timeout/);

    const guarded = await verify(
      project("SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN flag boolean;\n", "SET LOCAL lock_timeout = '2s';\nALTER TABLE orders DROP COLUMN flag;\n"),
      'db', url(), { requireLockTimeout: true },
    );
    expect(guarded.problems.filter((p) => p.migration === '2')).toEqual([]);
  });

  test('destructive statements of an up and blocking locks on existing tables reach the terminal and Markdown reports', async () => {
    // Migration 1 is the baseline (--from 2): orders existed before the new migration.
    const r = await verify(
      project('CREATE INDEX orders_qty_idx ON orders (qty);\nALTER TABLE orders DROP COLUMN legacy;\n', 'ALTER TABLE orders ADD COLUMN legacy text;\nDROP INDEX orders_qty_idx;\n'),
      'db', url(), { from: '2' },
    );
    const md = renderMarkdownReport(r);
    expect(md).toContain('### Locks on existing tables');
    expect(md).toContain('DROP COLUMN orders.legacy');
    expect(md).toMatch(/\| `2`\sup \| `orders` \| ACCESS EXCLUSIVE: reads and writes wait \| [\d.]+\sm?s \| line\s2 ALTER TABLE/);
    expect(md).toContain('CREATE INDEX CONCURRENTLY');
    const text = renderTerminalReport(r, { color: false });
    expect(text).toContain('Locks on existing tables (blocking reads or writes, measured on the seeded data)');
    expect(text).toContain('2 destructive  db/2_change.up.sql:2  DROP COLUMN orders.legacy');
    expect(text).toMatch(/2 up +orders +ACCESS EXCLUSIVE +[\d.]+ m?s +db\/2_change\.up\.sql:2 ALTER TABLE/);
    // JSON carries the whole trace.
    expect(JSON.parse(JSON.stringify(r)).migrations[0].phases.up.locks.parser).toBe('libpg-query');
  });

  test('near miss: the same statements on a table the same run of new migrations created show no lock rows, and say so in one line', async () => {
    const r = await verify(
      project('CREATE INDEX orders_qty_idx ON orders (qty);\nALTER TABLE orders DROP COLUMN legacy;\n', 'ALTER TABLE orders ADD COLUMN legacy text;\nDROP INDEX orders_qty_idx;\n'),
      'db', url(),
    );
    // The traces still hold every lock; only the report leaves them out.
    expect(r.migrations[1]!.phases.up!.locks!.statements.some((s) => s.locks.some((l) => l.blocking && l.relation === 'public.orders'))).toBe(true);
    const md = renderMarkdownReport(r);
    expect(md).not.toContain('### Locks on existing tables');
    expect(md).toMatch(/\*\*Locks:\*\* no blocking locks on tables that existed before this PR \(\d+ locks? on relations the PR itself creates left out\)\./);
    expect(renderTerminalReport(r, { color: false })).toContain('No blocking locks on tables that existed before this PR');
  });

  test('--no-trace-locks: no traces, no lock section', async () => {
    const r = await verify(project(SLOW_UP, SLOW_DOWN), 'db', url(), { traceLocks: false, maxLockMs: 1 });
    expect(r.problems).toEqual([]);
    expect(r.migrations[1]!.phases.up!.locks).toBeUndefined();
    expect(renderMarkdownReport(r)).not.toMatch(/### Locks|\*\*Locks:\*\*/);
  });
});
