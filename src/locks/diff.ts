/**
 * Turns two catalog probes (before and after one statement) into what the statement did: locks it
 * newly holds, relations whose storage it rewrote, tables it scanned to validate a constraint,
 * indexes it built. Only relations that existed when the transaction began count: locks on a
 * table created in the same transaction block nobody, since no one else can see it yet.
 */
import { lockModeName, relkindName, type ProbeResult, type RelationState } from './catalog.js';
import type { StatementInfo } from './classify.js';
import { BLOCKING_MODES, LOCK_STRENGTH, type IndexBuild, type LockHold, type LockMode } from './types.js';

/** A lock first seen after a statement, with when (on the tracer's clock) the statement began. */
export interface PendingLock extends LockHold {
  startedAt: number;
}

export interface StatementEffects {
  locks: PendingLock[];
  rewrites: string[];
  validations: string[];
  indexBuilds: IndexBuild[];
}

export interface DiffInput {
  before: ProbeResult;
  after: ProbeResult;
  /** Relations as the statement's transaction began (for a statement sent alone: before it). */
  txStart: Map<number, RelationState>;
  info: StatementInfo;
  /** Rows per table oid at the start of the phase. */
  rows: Map<number, number>;
  startedAt: number;
}

/** What one statement did, from the probes around it. */
export function statementEffects({ before, after, txStart, info, rows, startedAt }: DiffInput): StatementEffects {
  // One entry per relation: the strongest mode the statement added, and only if the transaction
  // did not already hold a mode at least as strong (a rewrite's index rebuild takes SHARE under
  // the ACCESS EXCLUSIVE the ALTER already holds; listing it would only add noise).
  const held = strongestByRelation(before.locks);
  const heldNow = strongestByRelation(after.locks);
  const added = new Map<number, LockMode>();
  for (const [oid, mode] of heldNow) {
    const rel = txStart.get(oid);
    if (!rel) continue; // a system catalog, or a relation created in this transaction
    const had = held.get(oid);
    if (had !== undefined && !stronger(mode, had)) continue;
    if (impliedByOwner(rel, mode, heldNow)) continue;
    added.set(oid, mode);
  }
  const locks = [...added].map(([oid, mode]) => lockHold(txStart.get(oid)!, mode, rows, startedAt)).sort((a, b) => a.relation.localeCompare(b.relation));
  const rewrites: string[] = [];
  const validations: string[] = [];
  const indexBuilds: IndexBuild[] = [];
  for (const [oid, now] of after.relations) {
    const was = before.relations.get(oid);
    if (was && txStart.has(oid)) {
      // TRUNCATE also swaps in new, empty storage: that is data removal, listed as destructive.
      if (was.filenode && now.filenode && was.filenode !== now.filenode && !info.destructive?.startsWith('TRUNCATE')) rewrites.push(now.name);
      if (info.validates.length && now.scans > was.scans && isTable(now.relkind)) validations.push(now.name);
    }
    if (!was && isIndex(now.relkind) && now.table !== undefined && txStart.has(now.table)) {
      indexBuilds.push({ index: now.name, table: txStart.get(now.table)!.name, concurrent: info.concurrent });
    }
  }
  return { locks, rewrites: rewrites.sort(), validations: validations.sort(), indexBuilds };
}

/** A lock on a relation that existed before the transaction, with its rows when it is a table. */
export function lockHold(rel: RelationState, mode: LockHold['mode'], rows: Map<number, number>, startedAt: number): PendingLock {
  const count = rows.get(rel.oid);
  return {
    relation: rel.name,
    relkind: relkindName(rel.relkind),
    mode,
    heldMs: 0,
    ...(count !== undefined ? { rows: count } : {}),
    // ACCESS EXCLUSIVE on an index blocks every query on its table: planning locks all indexes.
    blocking: BLOCKING_MODES.has(mode) && (!isIndex(rel.relkind) || mode === 'ACCESS EXCLUSIVE'),
    startedAt,
  };
}

/**
 * A lock that says nothing beyond its table's: index locks matter only when they are strong and
 * their table is not locked as strongly (REINDEX INDEX) — the ACCESS SHARE of a validation
 * query's index scan is noise; the lock on a table's own sequence (serial, identity) matters only
 * when it is stronger than the table's (DROP TABLE locks every index and sequence it drops).
 */
export function impliedByOwner(rel: RelationState, mode: LockMode, held: ReadonlyMap<number, LockMode>): boolean {
  const owner = rel.table !== undefined ? (held.get(rel.table) ?? 'ACCESS SHARE') : undefined;
  if (isIndex(rel.relkind)) return !BLOCKING_MODES.has(mode) || (owner !== undefined && !stronger(mode, owner));
  if (rel.relkind === 'S') return owner !== undefined && !stronger(mode, owner);
  return false;
}

function isTable(relkind: string): boolean {
  return relkind === 'r' || relkind === 'p' || relkind === 'm';
}

/** `oid:AccessExclusiveLock` keys → the strongest mode held per relation. */
function strongestByRelation(keys: ReadonlySet<string>): Map<number, LockMode> {
  const out = new Map<number, LockMode>();
  for (const key of keys) {
    const cut = key.indexOf(':');
    const oid = Number(key.slice(0, cut));
    const mode = lockModeName(key.slice(cut + 1));
    const had = out.get(oid);
    if (had === undefined || stronger(mode, had)) out.set(oid, mode);
  }
  return out;
}

function stronger(a: LockMode, b: LockMode): boolean {
  return LOCK_STRENGTH.indexOf(a) > LOCK_STRENGTH.indexOf(b);
}

function isIndex(relkind: string): boolean {
  return relkind === 'i' || relkind === 'I';
}
