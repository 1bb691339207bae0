/**
 * One line per statement that took a blocking lock: the safer way to get the same schema. The
 * hint follows what the trace measured (a rewrite, a validation scan, an index build) first and
 * what the statement says second, so it names the cause of the long lock, not just its syntax.
 */
import type { StatementInfo } from './classify.js';
import type { StatementTrace } from './types.js';

/** The hint for a traced statement, or undefined when it took no blocking lock. */
export function safeRewriteHint(trace: StatementTrace, info: StatementInfo): string | undefined {
  if (!trace.locks.some((l) => l.blocking)) return undefined;
  if (trace.indexBuilds.some((b) => !b.concurrent) || (info.buildsIndex && trace.indexBuilds.length === 0 && info.tag.startsWith('CREATE'))) {
    return info.tag === 'ALTER TABLE'
      ? 'build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX'
      : 'use CREATE INDEX CONCURRENTLY (outside a transaction): it allows reads and writes while it builds';
  }
  if (trace.rewrites.length && info.addsColumnWithDefault) {
    return 'add the column without a volatile default (a constant default needs no rewrite), then backfill in batches';
  }
  if (trace.rewrites.length && info.changesType) {
    return 'the type change rewrites the table: add a new column, backfill it in batches, then switch over';
  }
  if (trace.rewrites.length) return 'this rewrites the table under ACCESS EXCLUSIVE: split it into steps that do not rewrite';
  // Only a measured scan: ADD COLUMN … NOT NULL DEFAULT <constant> declares NOT NULL but scans nothing.
  if (trace.validations.length) {
    if (info.validates.includes('not-null')) {
      return 'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it, then SET NOT NULL: PostgreSQL skips the scan';
    }
    if (info.validates.some((v) => v === 'foreign-key' || v === 'check')) {
      return 'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (it only takes SHARE UPDATE EXCLUSIVE)';
    }
  }
  if (trace.lockTimeoutMs === 0) return "SET lock_timeout (e.g. '5s') first, so it gives up instead of queueing all traffic behind it";
  return 'keep the transaction short: the lock is held until it commits';
}
