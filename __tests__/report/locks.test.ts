/**
 * The lock section keeps what matters (src/report/locks.ts), from traces in the result (pure):
 * locks on relations that existed before the PR, one row per relation and phase, no separate rows
 * for a locked table's sequences, indexes and views, one hint per kind per migration. The JSON and
 * the lock verdicts keep every traced lock.
 */
import type { LockHold, PhaseLocks, StatementTrace } from '../../src/locks/types.js';
import { lockProblems } from '../../src/locks/verdicts.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { lockReport, renderLockLines } from '../../src/report/locks.js';
import type { MigrationResult, VerifyResult } from '../../src/result/types.js';

const lock = (relation: string, mode: LockHold['mode'], heldMs: number, relkind = 'table'): LockHold => ({ relation, relkind, mode, heldMs, rows: 1000, blocking: true });

function stmt(line: number, sql: string, locks: LockHold[], hint?: string): StatementTrace {
  return {
    line, tag: sql.split(' ').slice(0, 2).join(' '), sql, ms: 1, locks, rewrites: [], validations: [], indexBuilds: [], lockTimeoutMs: 0,
    ...(hint ? { hint } : {}),
  };
}

const TIMEOUT_HINT = "SET lock_timeout (e.g. '5s') first, so it gives up instead of queueing all traffic behind it";

function migration(id: string, up: StatementTrace[], down: StatementTrace[] = []): MigrationResult {
  const trace = (statements: StatementTrace[]): PhaseLocks => ({ parser: 'libpg-query', statements });
  return {
    id, name: `m${id}`, files: { up: `db/${id}.up.sql`, down: `db/${id}.down.sql` }, status: 'ok',
    phases: { up: { ms: 5, ok: true, locks: trace(up) }, down: { ms: 5, ok: true, locks: trace(down) }, reup: { ms: 5, ok: true } },
  };
}

function result(migrations: MigrationResult[], added: string[] = []): VerifyResult {
  return {
    version: 1, status: 'pass', format: 'golang-migrate', postgres: '17', mode: 'step', migrationsDir: 'db', baselineCount: 2,
    migrations, problems: [], seeded: [], totalMs: 10, notes: [],
    schemaChanges: added.map((object) => ({ object, change: 'added', diff: '' })),
  };
}

describe('locks that matter', () => {
  // 001 creates invoices (with a FK to the existing orders); 002 indexes invoices and orders.
  const m1 = migration(
    '001',
    [stmt(1, 'CREATE TABLE invoices (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders (id))', [lock('public.orders', 'SHARE ROW EXCLUSIVE', 40)], TIMEOUT_HINT)],
    [stmt(1, 'DROP TABLE invoices', [lock('public.invoices', 'ACCESS EXCLUSIVE', 30), lock('public.invoices_id_seq', 'ACCESS EXCLUSIVE', 30, 'sequence'), lock('public.orders', 'ACCESS EXCLUSIVE', 30)], TIMEOUT_HINT)],
  );
  const m2 = migration('002', [
    stmt(1, 'CREATE INDEX invoices_order_idx ON invoices (order_id)', [lock('public.invoices', 'SHARE', 80)], 'use CREATE INDEX CONCURRENTLY'),
    stmt(2, 'CREATE INDEX orders_status_idx ON orders (status)', [lock('public.orders', 'SHARE', 20)], 'use CREATE INDEX CONCURRENTLY'),
    stmt(3, 'ALTER TABLE orders ADD COLUMN x int', [lock('public.orders', 'ACCESS EXCLUSIVE', 15), lock('public.orders_summary', 'ACCESS EXCLUSIVE', 15, 'view')], TIMEOUT_HINT),
  ]);

  test('only relations that existed before the PR, one row per relation and phase, dependents folded into their table', () => {
    const report = lockReport(result([m1, m2], ['table public.invoices']));
    expect(report.rows.map((r) => [r.migration.id, r.phase, r.relation, r.mode, r.line, r.more])).toEqual([
      ['001', 'up', 'public.orders', 'SHARE ROW EXCLUSIVE', 1, 0],
      ['001', 'down', 'public.orders', 'ACCESS EXCLUSIVE', 1, 0],
      // Two statements on orders: one row, named by the strongest lock, held as long as the longest.
      ['002', 'up', 'public.orders', 'ACCESS EXCLUSIVE', 3, 1],
    ]);
    expect(report.rows[2]!.heldMs).toBe(20);
    // invoices (created by 001) is left out twice (001 down, 002 up); its sequence and the view
    // locked along with a table are not rows of their own either.
    expect(report.onNewRelations).toBe(2);
    expect(report.rows.map((r) => r.relation)).not.toContain('public.invoices_id_seq');
    // One hint per kind per migration; a kind shared by migrations is one line naming them.
    expect(report.hints.map((h) => [h.hint, h.at.map((a) => `${a.migration.id} ${a.phase}`)])).toEqual([
      [TIMEOUT_HINT, ['001 up', '002 up']],
      ['use CREATE INDEX CONCURRENTLY', ['002 up']],
    ]);
  });

  test('without the baseline → head list (a stopped run), the tables an earlier new migration created are still recognised', () => {
    const report = lockReport(result([m1, m2]));
    expect(report.rows.map((r) => r.relation)).not.toContain('public.invoices');
  });

  test('near miss: a lock on a pre-existing table is shown even when the same statement locks a new one too', () => {
    const report = lockReport(result([m1], ['table public.invoices']));
    expect(report.rows.filter((r) => r.phase === 'down').map((r) => r.relation)).toEqual(['public.orders']);
  });

  test('when nothing blocks a pre-existing table, one line says so; the JSON and the verdicts keep every lock', () => {
    const onlyNew = migration('003', [stmt(1, 'CREATE TABLE t (id int)', [])], [stmt(1, 'DROP TABLE t', [lock('public.t', 'ACCESS EXCLUSIVE', 500)], TIMEOUT_HINT)]);
    const r = result([onlyNew], ['table public.t']);
    expect(renderMarkdownReport(r)).toContain('**Locks:** no blocking locks on tables that existed before this PR (1 lock on relations the PR itself creates left out).');
    expect(renderLockLines(r)).toEqual(['', 'No blocking locks on tables that existed before this PR (1 lock on relations the PR itself creates left out).']);
    expect(JSON.stringify(r)).toContain('"relation":"public.t"');
    expect(lockProblems(r.migrations, { maxLockMs: 100 }).map((p) => p.object)).toEqual(['table public.t']);
  });

  test('the Markdown table has at most 5 columns and links each statement', () => {
    const md = renderMarkdownReport(result([m1, m2], ['table public.invoices']), { links: { repoUrl: 'https://github.com/acme/shop', sha: 'abc' } });
    const header = md.split('\n').find((l) => l.startsWith('| Migration | Table'))!;
    expect(header.split('|').length - 2).toBeLessThanOrEqual(5);
    expect(md).toContain('| `002` up | `orders` | ACCESS EXCLUSIVE: reads and writes wait | 20 ms | [line 3](https://github.com/acme/shop/blob/abc/db/002.up.sql#L3) ALTER TABLE (+1 more) |');
    expect(md.match(/SET lock_timeout/g)).toHaveLength(1);
  });
});
