/** Fixed StatementTrace values for the model's tests: the shapes the lock tracer records. */
import type { LockHold, LockMode, StatementTrace } from '../../src/locks/types.js';

export function lock(relation: string, mode: LockMode, heldMs = 0, relkind = 'table', rows?: number): LockHold {
  return { relation, relkind, mode, heldMs, blocking: ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'].includes(mode), ...(rows !== undefined ? { rows } : {}) };
}

export function statement(partial: Partial<StatementTrace> & Pick<StatementTrace, 'tag'>): StatementTrace {
  return { line: 1, sql: partial.tag, ms: 0, locks: [], rewrites: [], validations: [], indexBuilds: [], ...partial };
}

/** ALTER TABLE events ADD COLUMN … DEFAULT random(): new storage for the table and its key. */
export const rewrite = (ms = 0, heldMs = ms) =>
  statement({ tag: 'ALTER TABLE', line: 2, ms, locks: [lock('public.events', 'ACCESS EXCLUSIVE', heldMs)], rewrites: ['public.events', 'public.events_pkey'] });

/** CREATE INDEX ON events (…). */
export const indexBuild = (ms = 0, heldMs = ms) =>
  statement({ tag: 'CREATE INDEX', line: 3, ms, locks: [lock('public.events', 'SHARE', heldMs)], indexBuilds: [{ index: 'public.events_kind_idx', table: 'public.events', concurrent: false }] });

/** ALTER TABLE events ALTER COLUMN qty SET NOT NULL. */
export const setNotNull = (ms = 0, heldMs = ms) =>
  statement({ tag: 'ALTER TABLE', line: 4, ms, locks: [lock('public.events', 'ACCESS EXCLUSIVE', heldMs)], validations: ['public.events'] });

/** SET lock_timeout = '5s': touches no table. */
export const setTimeout_ = (ms = 0.1) => statement({ tag: 'SET', line: 1, ms });

/** ALTER TABLE events ADD COLUMN note text: a catalog change under ACCESS EXCLUSIVE. */
export const addNullableColumn = (ms = 0.5, heldMs = ms) =>
  statement({ tag: 'ALTER TABLE', line: 5, ms, locks: [lock('public.events', 'ACCESS EXCLUSIVE', heldMs)] });
