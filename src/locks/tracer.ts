/**
 * Runs one phase (up, down, re-up) of a migration like executeScript does, and records per
 * statement the relation locks it took and for how long they were held, rewrites, validation
 * scans, index builds and its own time. How statements are sent so that the migration means the
 * same as under its tool is decided in plan.ts; this file executes that plan.
 *
 * Timing: the tracer's catalog reads run between statements, inside the transaction, so they would
 * lengthen every lock they sit under. They are timed and taken off a "migration clock"; statement
 * times, lock-held times and the phase's time are all read on that clock.
 */
import pg from 'pg';
import type { Script, SqlScript } from '../formats/types.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { describeError, executeScript, sessionSpent, type ExecuteContext } from '../execute/script.js';
import { acquirePhase, type PhaseLease } from '../execute/session.js';
import { countableTables, countRows, mergeProbe, probeState, readScans, withScans, type ProbeResult, type RelationState } from './catalog.js';
import { canChangeRows, statementReach, type StatementReach } from './classify.js';
import { impliedByOwner, lockHold, statementEffects, type PendingLock } from './diff.js';
import { safeRewriteHint } from './hints.js';
import { planTrace, type SendGroup, type TracedStatement } from './plan.js';
import { startLockSampler, type SampledLock } from './sampler.js';
import { LOCK_STRENGTH, type PhaseLocks, type StatementTrace } from './types.js';

/** A phase's outcome plus its lock trace. */
export interface TracedOutcome extends ScriptOutcome {
  locks: PhaseLocks;
}

/** Executes a script as its tool would, tracing locks; never throws for SQL errors. */
export async function traceScript(script: Script, ctx: ExecuteContext): Promise<TracedOutcome> {
  const plan = await planTrace(script);
  if (plan.kind === 'as-is') return traceAsIs(script, ctx, plan.why, plan.parser, plan.statements);
  const run = new StatementRun(ctx, plan.script);
  const outcome = await run.execute(plan.groups);
  const partial = run.sampledAny ? 'statements that refuse a transaction block ran alone; their locks were sampled from a second connection' : undefined;
  return { ...outcome, locks: { parser: plan.parser, statements: run.traces, ...(partial ? { partial } : {}) } };
}

class StatementRun {
  readonly traces: StatementTrace[] = [];
  sampledAny = false;
  /** The phase's connection: the run's reused session or a new one (src/execute/session.ts). */
  private client!: pg.Client;
  private probeMs = 0;
  private rows = new Map<number, number>();
  /** Tables that existed when the phase began whose rows are not counted yet. */
  private uncounted = new Set<number>();
  /** Names of functions outside pg_catalog: a call to one may write any table. */
  private userFunctions: Set<string> | 'any' = 'any';
  private pid = 0;

  constructor(private readonly ctx: ExecuteContext, private readonly script: SqlScript) {}

  /** The migration's clock: wall time minus the tracer's own reads. */
  private clock(): number {
    return performance.now() - this.probeMs;
  }

  /** Times tracer work so it can be taken off the migration's clock. */
  private async aside<T>(fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.probeMs += performance.now() - t;
    }
  }

  async execute(groups: SendGroup[]): Promise<ScriptOutcome> {
    let lease: PhaseLease;
    try {
      lease = await acquirePhase(this.ctx);
    } catch (err) {
      return { ms: 0, failure: { ...describeError(err, this.script, undefined), connectionLost: true } };
    }
    this.client = lease.client;
    let failed: ScriptFailure | undefined;
    let state: ProbeResult;
    try {
      this.pid = await lease.pid();
      // One light read of every relation, outside any transaction block; after it, only what a
      // statement touched is read again, and rows are counted only of tables a statement locks.
      state = await probeState(this.client);
      this.uncounted = new Set(countableTables(state));
      this.userFunctions = state.userFunctions ? new Set(state.userFunctions) : 'any';
    } catch (err) {
      failed = describeError(err, this.script, undefined);
      await lease.done(true);
      return { ms: 0, failure: failed };
    }
    const started = this.clock();
    let current: TracedStatement | undefined;
    let inTransaction = false;
    let open: PendingLock[] = [];
    try {
      for (const group of groups) {
        if (!group.transaction) {
          current = group.statements[0]!;
          state = await this.runAlone(current, state);
          continue;
        }
        await this.client.query(group.begin ?? 'BEGIN');
        inTransaction = true;
        // The relations are as the last read left them (a commit changes none); the locks of the
        // previous transaction are gone.
        state = { ...state, locks: new Set() };
        const txStart = state.relations;
        for (const stmt of group.statements) {
          current = stmt;
          // Nothing may run before SET TRANSACTION, which must come first; it names no table.
          if (!stmt.info.setsTransaction) state = await this.aside(() => this.beforeStatement(stmt, state, true));
          const t0 = this.clock();
          await this.client.query(stmt.sql);
          const ms = this.clock() - t0;
          const after = await this.aside(async () => {
            const merged = mergeProbe(state, await probeState(this.client, 'touched'));
            await this.countLocked(merged.locks, true);
            return merged;
          });
          const effects = statementEffects({ before: state, after, txStart, info: stmt.info, rows: this.rows, startedAt: t0 });
          open.push(...effects.locks);
          this.record(stmt, ms, state.lockTimeoutMs, effects);
          state = after;
        }
        current = undefined;
        await this.client.query(group.commit ?? 'COMMIT');
        inTransaction = false;
        open = closeLocks(open, this.clock());
      }
      return { ms: this.clock() - started };
    } catch (err) {
      const ms = this.clock() - started;
      if (inTransaction) await this.client.query('ROLLBACK').catch(() => {});
      closeLocks(open, this.clock());
      const failure: ScriptFailure = describeError(err, this.script, current);
      failed = failure;
      return { ms, failure };
    } finally {
      await lease.done(sessionSpent(this.script, failed));
    }
  }

  /** A statement that refuses a transaction block: sent on its own, its locks sampled. */
  private async runAlone(stmt: TracedStatement, before: ProbeResult): Promise<ProbeResult> {
    this.sampledAny = true;
    before = await this.aside(() => this.beforeStatement(stmt, before, false)).catch(() => before);
    // The tracer's own connection failing is never the migration's failure: trace without it.
    const sampler = await this.aside(() => startLockSampler(this.ctx.url, this.pid)).catch(() => undefined);
    const t0 = this.clock();
    let seen: SampledLock[] = [];
    try {
      await this.client.query(stmt.sql);
    } finally {
      const ms = this.clock() - t0;
      seen = sampler ? await this.aside(() => sampler.stop()) : [];
      // Sent alone, the statement committed and its locks are gone: read everything again.
      const after = await this.aside(() => probeState(this.client)).catch(() => before);
      await this.aside(() => this.countLocked(new Set(seen.map((l) => `${l.oid}:`)), false));
      const effects = statementEffects({ before, after, txStart: before.relations, info: stmt.info, rows: this.rows, startedAt: t0 });
      effects.locks = sampledLocks(seen, before.relations, this.rows);
      if (stmt.info.concurrent && /^DROP INDEX/i.test(stmt.info.tag)) {
        // DROP INDEX CONCURRENTLY takes ACCESS EXCLUSIVE on the index only once the index is invalid
        // and no query can be using it: nothing waits on it (PostgreSQL's index_drop). Whether the
        // sampler sees that last moment is timing; it is not a lock to report either way.
        for (const l of effects.locks) if (l.relkind === 'index') l.blocking = false;
      }
      this.record(stmt, ms, before.lockTimeoutMs, effects, true);
      before = after;
    }
    return before;
  }

  /**
   * Before a statement that can change row counts at all (canChangeRows): counts the not yet
   * counted tables it can write (their count as the phase began, since no earlier statement of the
   * phase wrote them: a table is counted when first locked), and when it validates constraints, reads the scan counters, so only its own scans
   * show. The counts' locks end with a rolled-back savepoint inside a transaction block.
   */
  private async beforeStatement(stmt: TracedStatement, state: ProbeResult, inTransaction: boolean): Promise<ProbeResult> {
    const reach = statementReach(stmt.tree);
    if (this.userFunctions !== 'any') for (const name of reach.defines) this.userFunctions.add(name);
    const writes = canChangeRows(reach, this.userFunctions);
    // After an opaque statement (DO, CREATE EXTENSION) any function may exist.
    if (reach.opaque) this.userFunctions = 'any';
    if (this.uncounted.size && writes) this.addCounts(await countRows(this.client, [...this.uncounted], { reach, savepoint: inTransaction }).catch(() => undefined));
    return stmt.info.validates.length ? withScans(state, await readScans(this.client)) : state;
  }

  /**
   * After a statement: counts the tables it newly locked that no count covers yet. It did not write
   * them (beforeStatement counted every table it can write), so the count is still the phase's.
   */
  private async countLocked(locks: ReadonlySet<string>, inTransaction: boolean): Promise<void> {
    const oids = new Set([...locks].map((key) => Number(key.slice(0, key.indexOf(':')))).filter((oid) => this.uncounted.has(oid)));
    if (oids.size) this.addCounts(await countRows(this.client, [...oids], { savepoint: inTransaction }).catch(() => undefined));
  }

  /** Records counts. After a count failed, the phase counts nothing more: a later count might not be the phase's. */
  private addCounts(counts: Map<number, number> | undefined): void {
    if (!counts) {
      this.uncounted.clear();
      return;
    }
    for (const [oid, n] of counts) {
      this.rows.set(oid, n);
      this.uncounted.delete(oid);
    }
  }

  private record(stmt: TracedStatement, ms: number, lockTimeoutMs: number, effects: ReturnType<typeof statementEffects>, sampled = false): void {
    const trace: StatementTrace = {
      line: stmt.line,
      tag: stmt.info.tag,
      sql: oneLine(stmt.sql),
      ms: round(ms),
      locks: effects.locks as StatementTrace['locks'],
      rewrites: effects.rewrites,
      validations: effects.validations,
      indexBuilds: effects.indexBuilds,
      lockTimeoutMs,
      ...(stmt.info.destructive ? { destructive: stmt.info.destructive } : {}),
      ...(sampled ? { sampled: true } : {}),
    };
    const hint = safeRewriteHint(trace, stmt.info);
    if (hint) trace.hint = hint;
    // The lock objects are shared with the open list: closeLocks fills in the held times in place
    // when the transaction ends. The hint needs only `blocking`, which is known now.
    this.traces.push(trace);
  }
}

/** Locks end with their transaction: fill in how long each was held; returns no open locks. */
function closeLocks(open: PendingLock[], endedAt: number): PendingLock[] {
  for (const l of open) {
    l.heldMs = round(endedAt - l.startedAt);
    delete (l as Partial<PendingLock>).startedAt;
  }
  return [];
}

function sampledLocks(seen: SampledLock[], existing: Map<number, RelationState>, rows: Map<number, number>): PendingLock[] {
  const out: PendingLock[] = [];
  const strongest = new Map<number, SampledLock>();
  for (const s of seen) {
    const had = strongest.get(s.oid);
    if (!had || LOCK_STRENGTH.indexOf(s.mode) > LOCK_STRENGTH.indexOf(had.mode)) strongest.set(s.oid, s);
  }
  const modes = new Map([...strongest].map(([oid, s]) => [oid, s.mode]));
  for (const s of strongest.values()) {
    const rel = existing.get(s.oid);
    // Locks on relations the step created itself block nobody; those on a table's own indexes
    // and sequences only repeat the table's (one DROP TABLE is one line, not one per index).
    if (!rel || impliedByOwner(rel, s.mode, modes)) continue;
    const hold = lockHold(rel, s.mode, rows, 0);
    hold.heldMs = round(s.lastMs - s.firstMs);
    delete (hold as Partial<PendingLock>).startedAt;
    out.push(hold);
  }
  return out;
}

/**
 * A script sent exactly as its tool sends it (own transaction control, a tool's program, SQL the
 * parser rejects): the relation locks of every other backend on the scratch database are sampled
 * from a second connection, and relfilenodes and indexes are compared before and after.
 */
async function traceAsIs(script: Script, ctx: ExecuteContext, why: string, parser: PhaseLocks['parser'], statements: TracedStatement[]): Promise<TracedOutcome> {
  const monitor = new pg.Client({ connectionString: ctx.url });
  monitor.on('error', () => {});
  let before: ProbeResult | undefined;
  let rows = new Map<number, number>();
  let counted = false;
  try {
    await monitor.connect();
    before = await probeState(monitor);
    // The script runs as a whole: count what any of its statements can write before it runs (all
    // tables when the statements are unknown: a tool's command), the rest of what it locked after.
    const reach = scriptReach(statements);
    if (canChangeRows(reach, before.userFunctions ? new Set([...before.userFunctions, ...reach.defines]) : 'any')) rows = await countRows(monitor, countableTables(before), { reach }).then((r) => ((counted = true), r), () => rows);
    else counted = true;
  } catch {
    before = undefined;
  }
  const sampler = before ? await startLockSampler(ctx.url).catch(() => undefined) : undefined;
  let outcome: ScriptOutcome;
  let seen: SampledLock[] = [];
  let after: ProbeResult | undefined;
  try {
    outcome = await executeScript(script, ctx);
  } finally {
    // Also when the step throws (its tool is not installed): a sampler left running is a timer
    // that keeps the process alive forever.
    seen = sampler ? await sampler.stop() : [];
    after = before ? await probeState(monitor).catch(() => undefined) : undefined;
    const tables = new Set(before ? countableTables(before) : []);
    const late = counted ? [...new Set(seen.map((l) => l.oid))].filter((oid) => tables.has(oid) && !rows.has(oid)) : [];
    if (late.length) for (const [oid, n] of await countRows(monitor, late).catch(() => new Map<number, number>())) rows.set(oid, n);
    await monitor.end().catch(() => {});
  }
  if (!before || !after) return { ...outcome, locks: { parser, statements: [], partial: `${why}; the second connection failed` } };
  const effects = statementEffects({
    before, after, txStart: before.relations, rows, startedAt: 0,
    info: { tag: '', transactionControl: false, sendAlone: false, setsTransaction: false, setsLockTimeout: false, validates: [], buildsIndex: false, concurrent: false, addsColumnWithDefault: false, changesType: false },
  });
  const sets = statements.some((s) => s.info.setsLockTimeout) || (script.kind === 'sql' && /\block_timeout\b/i.test(script.text));
  const destructive = statements.map((s) => s.info.destructive).filter(Boolean).join('; ');
  const trace: StatementTrace = {
    line: script.line ?? 1,
    tag: script.kind === 'command' ? 'COMMAND' : 'SCRIPT',
    sql: oneLine(script.kind === 'command' ? script.argv.join(' ') : script.text),
    ms: round(outcome.ms),
    locks: sampledLocks(seen, before.relations, rows),
    rewrites: effects.rewrites,
    validations: [],
    indexBuilds: effects.indexBuilds.map((b) => ({ ...b, concurrent: !seen.some((s) => s.relation === b.table && s.mode === 'SHARE') })),
    ...(sets ? {} : { lockTimeoutMs: 0 }),
    ...(destructive ? { destructive } : {}),
    sampled: true,
  };
  const hint = (t: StatementTrace) => (t.locks.some((l) => l.blocking) ? (sets ? 'keep the transaction short: the lock is held until it commits' : "SET lock_timeout (e.g. '5s') first, so it gives up instead of queueing all traffic behind it") : undefined);
  const traces = atStatements(trace, statements, before.relations);
  for (const t of traces) {
    const h = hint(t);
    if (h) t.hint = h;
  }
  return { ...outcome, locks: { parser, statements: traces, partial: why } };
}

/** What a whole script can write: every statement's reach together (opaque when none are known). */
function scriptReach(statements: TracedStatement[]): StatementReach {
  const all: StatementReach = { names: [], funcs: [], dml: false, drops: false, defines: [], opaque: statements.length === 0 };
  for (const s of statements) {
    const r = statementReach(s.tree);
    all.names.push(...r.names);
    all.funcs.push(...r.funcs);
    all.dml ||= r.dml;
    all.drops ||= r.drops;
    all.defines.push(...r.defines);
    all.opaque ||= r.opaque;
  }
  return all;
}

/**
 * Places what was sampled for a whole script at the statements that name each relation (the
 * first one does), when the statements are known; what no statement names stays with the script.
 * A trace line then points at `ALTER TABLE orders …` on line 12, not at line 1 of the file.
 */
function atStatements(whole: StatementTrace, statements: TracedStatement[], relations: Map<number, RelationState>): StatementTrace[] {
  if (statements.length === 0) return [whole];
  const byName = new Map([...relations.values()].map((r) => [r.name, r]));
  const owner = (name: string) => {
    const rel = byName.get(name);
    return rel?.table !== undefined ? relations.get(rel.table)?.name : undefined;
  };
  const find = (name: string | undefined) => (name ? statements.find((s) => names(s.sql, name)) : undefined);
  const at = new Map<TracedStatement, StatementTrace>();
  const traceOf = (s: TracedStatement): StatementTrace => {
    let t = at.get(s);
    if (!t) {
      t = { line: s.line, tag: s.info.tag, sql: oneLine(s.sql), ms: 0, locks: [], rewrites: [], validations: [], indexBuilds: [], ...(whole.lockTimeoutMs !== undefined ? { lockTimeoutMs: whole.lockTimeoutMs } : {}), ...(s.info.destructive ? { destructive: s.info.destructive } : {}), sampled: true };
      at.set(s, t);
    }
    return t;
  };
  const rest: StatementTrace = { ...whole, locks: [], rewrites: [], indexBuilds: [] };
  delete rest.destructive;
  for (const lock of whole.locks) {
    const s = find(lock.relation) ?? find(owner(lock.relation));
    if (s) {
      const t = traceOf(s);
      t.locks.push(lock);
      t.ms = Math.max(t.ms, lock.heldMs);
    } else rest.locks.push(lock);
  }
  for (const r of whole.rewrites) (find(r) ?? find(owner(r)) ? traceOf((find(r) ?? find(owner(r)))!).rewrites : rest.rewrites).push(r);
  for (const b of whole.indexBuilds) (find(b.index) ?? find(b.table) ? traceOf((find(b.index) ?? find(b.table))!).indexBuilds : rest.indexBuilds).push(b);
  // Destructive statements are listed even when their locks were not sampled.
  for (const s of statements) if (s.info.destructive) traceOf(s);
  const placed = [...at.values()].sort((a, b) => a.line - b.line);
  return rest.locks.length || rest.rewrites.length || rest.indexBuilds.length ? [rest, ...placed] : placed;
}

/** The statement names the relation (`public.orders` as `orders`, `public.orders` or quoted). */
function names(sql: string, qualified: string): boolean {
  const bare = qualified.slice(qualified.lastIndexOf('.') + 1).replace(/^"|"$/g, '');
  return new RegExp(`(^|[^A-Za-z0-9_$])"?${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?([^A-Za-z0-9_$]|$)`, 'i').test(sql);
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
