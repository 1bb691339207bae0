/**
 * Lock verdicts, read from the traces in the result (pure):
 * - `max-lock-ms`: a blocking lock held longer than the limit on the seeded data is a `lock` error.
 * - `require-lock-timeout`: a migration that takes a blocking lock without lock_timeout in effect
 *   is a `lock` warning (one per migration and phase).
 * Up and down are judged; the re-up repeats the up's statements on the same data and would only
 * repeat its problems.
 */
import type { MigrationResult, PhaseName, Problem } from '../result/types.js';
import type { LockHold, StatementTrace } from './types.js';

export interface LockLimits {
  maxLockMs?: number;
  requireLockTimeout?: boolean;
}

const JUDGED: ReadonlyArray<{ phase: PhaseName; label: string }> = [
  { phase: 'up', label: 'up' },
  { phase: 'down', label: 'down' },
];

/** `lock` problems for every migration's up and down traces. */
export function lockProblems(migrations: readonly MigrationResult[], limits: LockLimits): Problem[] {
  const problems: Problem[] = [];
  for (const m of migrations) {
    for (const { phase, label } of JUDGED) {
      const trace = m.phases[phase]?.locks;
      if (!trace) continue;
      const file = phase === 'down' ? (m.files.down ?? m.files.up) : m.files.up;
      const who = `${m.id}${m.name ? ` ${m.name}` : ''}`;
      const max = limits.maxLockMs;
      if (max && max > 0) {
        for (const { stmt, lock } of blockingLocks(trace.statements)) {
          if (lock.heldMs <= max) continue;
          problems.push({
            kind: 'lock', severity: 'error', migration: m.id, object: `${lock.relkind} ${lock.relation}`, file, line: stmt.line, phase,
            message: `${who}: the ${label} holds ${lock.mode} on ${lock.relation} for ${formatMs(lock.heldMs)}${rowsText(lock)}, over the ${max} ms limit (max-lock-ms): ${stmt.tag} at line ${stmt.line}${stmt.hint ? `; ${stmt.hint}` : ''}`,
          });
        }
      }
      if (limits.requireLockTimeout) {
        const unguarded = blockingLocks(trace.statements).find(({ stmt }) => stmt.lockTimeoutMs === 0);
        if (unguarded) {
          const { stmt, lock } = unguarded;
          problems.push({
            kind: 'lock', severity: 'warning', migration: m.id, object: `${lock.relkind} ${lock.relation}`, file, line: stmt.line, phase,
            message: `${who}: the ${label} takes ${lock.mode} on ${lock.relation} (${stmt.tag} at line ${stmt.line}) without lock_timeout: behind a long query it would queue every other query on the table; SET lock_timeout first (require-lock-timeout)`,
          });
        }
      }
    }
  }
  return problems;
}

/** Every blocking lock with the statement that took it, in statement order. */
export function blockingLocks(statements: readonly StatementTrace[]): Array<{ stmt: StatementTrace; lock: LockHold }> {
  return statements.flatMap((stmt) => stmt.locks.filter((l) => l.blocking).map((lock) => ({ stmt, lock })));
}

function rowsText(lock: LockHold): string {
  return lock.rows !== undefined ? ` (${lock.rows.toLocaleString('en-US')} rows)` : '';
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
