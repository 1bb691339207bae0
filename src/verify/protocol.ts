/**
 * The verification protocol. Builds the baseline, then for each new migration:
 * S0 → up → S1 → down → (S0 again? else rollback-residue) → up → (S1 again? else reapply-drift).
 * `chain` mode does the same for the new migrations as one group. Every outcome is recorded as a
 * value; the run goes on past a failure as long as it still knows which migrations are applied.
 */
import pg from 'pg';
import type { Migration } from '../formats/types.js';
import type { Logger } from '../logger.js';
import { diffSnapshots, type ObjectDifference } from '../schema/diff.js';
import { foldTableChildren } from '../schema/fold.js';
import type { Snapshot } from '../schema/model.js';
import { snapshotSchema } from '../schema/snapshot.js';
import { EnvironmentError, ScratchDatabaseLostError } from '../errors.js';
import { isEffectivelyEmpty } from '../sql/split.js';
import { withoutTrivia } from '../sql/normalize.js';
import { traceScript } from '../locks/tracer.js';
import type { PhaseLocks } from '../locks/types.js';
import { Inspector } from './inspector.js';
import { executeScript, type ExecuteContext, type ScriptFailure, type ScriptOutcome } from './execute.js';
import type { DataHooks } from './hooks.js';
import type { MigrationResult, PhaseName, Problem, ProblemKind, SchemaChange, SeededTable } from './result.js';

export interface ProtocolInput {
  url: string;
  baseline: Migration[];
  fresh: Migration[];
  mode: 'step' | 'chain';
  strictColumnOrder: boolean;
  statementTimeoutMs: number;
  excludeTables: string[];
  data?: DataHooks;
  runCommand?: ExecuteContext['runCommand'];
  logger: Logger;
  /** Trace locks per statement of every new migration's phases (src/locks/tracer.ts). */
  traceLocks?: boolean;
}

export interface ProtocolOutput {
  migrations: MigrationResult[];
  problems: Problem[];
  schemaChanges: SchemaChange[];
  seeded: SeededTable[];
  notes: string[];
}

/** Runs the protocol against a scratch database; throws only for environment errors. */
export async function runProtocol(input: ProtocolInput): Promise<ProtocolOutput> {
  const p = new Protocol(input);
  return p.run();
}

class Protocol {
  private readonly out: ProtocolOutput = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: [] };
  private readonly ctx: ExecuteContext;
  private readonly inspector: Inspector;

  constructor(private readonly input: ProtocolInput) {
    this.ctx = { url: input.url, statementTimeoutMs: input.statementTimeoutMs, runCommand: input.runCommand };
    this.inspector = new Inspector(input.url, () => (this.connectionLost ? ' (a migration ended the connection or stopped the server)' : ''));
  }

  async run(): Promise<ProtocolOutput> {
    try {
      return await this.verify();
    } catch (err) {
      if (err instanceof ScratchDatabaseLostError && this.lastPhase) return this.databaseLost(err, this.lastPhase);
      throw err;
    } finally {
      await this.inspector.close();
    }
  }

  /** The last phase that ran: a database lost after it is blamed on it. */
  private lastPhase?: { m: Migration; res: MigrationResult; phase: PhaseName };

  /**
   * The scratch database went away after a phase succeeded (the migration ended every session or
   * stopped the server, in the background or on the next login): the outcomes so far still make
   * the report, the migration whose phase ran last fails, the rest stay not-run.
   */
  private databaseLost(err: ScratchDatabaseLostError, last: { m: Migration; res: MigrationResult; phase: PhaseName }): ProtocolOutput {
    const { m, res, phase } = last;
    res.status = 'failed';
    const kind: ProblemKind = phase === 'up' ? 'up-failed' : phase === 'down' ? 'down-failed' : 'reup-failed';
    const file = phase === 'down' ? m.down?.file ?? m.up.file : m.up.file;
    const what = phase === 'reup' ? `re-applying ${m.id}_${m.name}` : `the ${phase} of ${m.id}_${m.name}`;
    this.out.problems.push({ kind, severity: 'error', migration: m.id, file, message: `after ${what} the scratch database could not be reached (${err.message}): the migration ended every session or stopped the server` });
    this.stopAfter(this.out.migrations.indexOf(res), `the scratch database was lost after ${what}`);
    return this.out;
  }

  private async verify(): Promise<ProtocolOutput> {
    const { input, out } = this;
    out.migrations = input.fresh.map((m) => ({
      id: m.id,
      name: m.name,
      files: { up: m.up.file, ...(m.down ? { down: m.down.file } : {}) },
      status: 'not-run',
      phases: {},
    }));
    if (!(await this.buildBaseline())) return out;
    const base = await this.snapshot();
    // A connection of its own: the team's seed file may leave session settings behind.
    if (input.data) out.seeded.push(...(await this.loadBaselineData(input.data)));
    const head = input.mode === 'chain' ? await this.verifyChain(base) : await this.verifySteps(base);
    if (this.noops.length) {
      out.notes.push(`Run as no-ops (no statements${input.mode === 'chain' ? ' in their down' : ' in their up or down'}): ${listIds(this.noops)}.`);
    }
    if (head) {
      out.schemaChanges = foldTableChildren(diffSnapshots(base, head)).map((d) => ({ object: d.display, change: d.change, diff: d.diff }));
    }
    return out;
  }

  /** Seeds the baseline; a server lost while doing so is most likely a full disk, so say that. */
  private async loadBaselineData(data: DataHooks): Promise<SeededTable[]> {
    try {
      return await this.inspector.useFresh((c) => data.afterBaseline(c));
    } catch (err) {
      if (!(err instanceof ScratchDatabaseLostError)) throw err;
      throw new ScratchDatabaseLostError(
        `${err.message} — while loading data into the baseline; if the server's disk is full, free space in its temp dir (TMPDIR) or lower --seed-rows`,
      );
    }
  }

  private async buildBaseline(): Promise<boolean> {
    const { input } = this;
    if (input.baseline.length) input.logger.info(`Building the baseline: ${input.baseline.length} migration(s)`);
    for (const m of input.baseline) {
      const r = await executeScript(m.up, this.ctx);
      if (r.failure) {
        this.environmentCheck(r.failure);
        this.problem('up-failed', m, r.failure, `baseline migration ${m.id}_${m.name} failed to apply, so nothing new could be verified: ${r.failure.message}`);
        this.out.notes.push('Verification stopped: the baseline could not be built.');
        return false;
      }
    }
    return true;
  }

  /** Step-wise: each new migration up → down → up, starting from the previous one's re-applied state. */
  private async verifySteps(base: Snapshot): Promise<Snapshot | undefined> {
    const { input, out } = this;
    let s0 = base;
    for (let i = 0; i < input.fresh.length; i++) {
      const m = input.fresh[i]!;
      const res = out.migrations[i]!;
      let before = input.data ? await this.withClient((c) => input.data!.beforeUp(c, m)) : undefined;
      const toolStateBefore = m.toolState ? await this.readToolState(m.toolState.sql) : undefined;

      let up = await this.runPhase(m, res, 'up');
      // Only when the failed up left the schema as it was: a non-transactional up that got half way
      // cannot simply be run again.
      if (up.failure && this.failsOnSeededRows(up.failure) && sameSchema(await this.snapshot(), s0)) {
        // The synthetic rows, not the migration's logic, may be what breaks it (random foreign
        // keys, values a backfill never expects): say so, and verify it on empty tables instead
        // of losing every migration after it.
        const onSeeded = up.failure;
        await this.emptySeededTables(m);
        before = input.data ? await this.withClient((c) => input.data!.beforeUp(c, m)) : undefined;
        up = await this.runPhase(m, res, 'up');
        if (!up.failure) this.seededFailureWarning(m, onSeeded);
      }
      if (up.failure) {
        this.recordFailure(m, res, 'up', up.failure);
        return this.stopAfter(i, `${m.id} failed to apply`);
      }
      const s1 = await this.snapshot();

      if (isNoop(m)) {
        // Nothing to undo: tools run such files as no-ops (often SQL for another database).
        res.status = 'ok';
        this.noops.push(m.id);
        s0 = s1;
        continue;
      }
      const downScript = this.reversibleDown(m, res, false);
      if (!downScript) {
        s0 = s1;
        if (input.data) out.seeded.push(...(await this.withClient((c) => input.data!.afterReup(c, m))));
        continue;
      }
      const down = await this.phase(m, res, 'down');
      if (!down) {
        if (this.connectionLost) return this.stopAfter(i, `the down of ${m.id} lost its connection`);
        // A failed transactional down rolls back to S1; anything else leaves an unknown state.
        const now = await this.snapshot();
        if (!sameSchema(now, s1)) return this.stopAfter(i, `the failed down of ${m.id} left the schema in an unknown state`);
        // The up stays applied: seed what it created, or later data checks would be blind there.
        if (input.data) out.seeded.push(...(await this.withClient((c) => input.data!.afterReup(c, m))));
        s0 = s1;
        continue;
      }
      const s2 = await this.snapshot();
      const schemaResidue = this.compare(m, s0, s2, 'rollback-residue');
      const residue = (await this.toolStateResidue(m, toolStateBefore)) || schemaResidue;
      if (input.data && before !== undefined) {
        out.problems.push(...(await this.withClient((c) => input.data!.afterDown(c, m, before))));
      }
      const reup = await this.phase(m, res, 'reup');
      if (!reup) return this.stopAfter(i, `${m.id} failed to re-apply after its down`);
      const s3 = await this.snapshot();
      const drift = this.compare(m, s1, s3, 'reapply-drift');
      if (res.status === 'not-run') res.status = residue || drift ? 'failed' : 'ok';
      if (input.data) out.seeded.push(...(await this.withClient((c) => input.data!.afterReup(c, m))));
      s0 = s3;
    }
    return s0;
  }

  /** Chain: all ups, all downs in reverse, all ups; the group's down must restore the base. */
  private async verifyChain(base: Snapshot): Promise<Snapshot | undefined> {
    const { input, out } = this;
    const ms = input.fresh;
    for (let i = 0; i < ms.length; i++) {
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'up'))) return this.stopAfter(i, `${ms[i]!.id} failed to apply`);
    }
    const top = await this.snapshot();
    // As a group, an empty down is what the tools make of it: a no-op. The group's residue check
    // still catches a down that should have done something.
    const reversible = ms.map((m, i) => this.reversibleDown(m, out.migrations[i]!, true));
    if (reversible.some((d) => !d)) {
      out.notes.push('Chain mode: a migration has no usable down, so the group could not be rolled back.');
      return top;
    }
    for (let i = ms.length - 1; i >= 0; i--) {
      if (reversible[i] === 'noop') {
        this.noops.push(ms[i]!.id);
        continue;
      }
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'down'))) return this.stopAfter(ms.length - 1, `the down of ${ms[i]!.id} failed`);
    }
    const bottom = await this.snapshot();
    const residue = this.compare(undefined, base, bottom, 'rollback-residue');
    for (let i = 0; i < ms.length; i++) {
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'reup'))) return this.stopAfter(ms.length - 1, `${ms[i]!.id} failed to re-apply`);
    }
    const again = await this.snapshot();
    const drift = this.compare(undefined, top, again, 'reapply-drift');
    for (const r of out.migrations) if (r.status === 'not-run') r.status = residue || drift ? 'failed' : 'ok';
    return again;
  }

  /**
   * The down to run, `'noop'` for an empty down when it counts as one (chain mode), or undefined
   * after recording why there is none (missing or irreversible).
   */
  private reversibleDown(m: Migration, res: MigrationResult, emptyIsNoop: boolean): Migration['down'] | 'noop' | undefined {
    const declared = m.markers.irreversible;
    if (declared) {
      res.status = 'irreversible';
      this.out.problems.push({
        kind: 'irreversible', severity: 'warning', migration: m.id, file: declared.file, line: declared.line,
        message: `${m.id}_${m.name} is declared irreversible; its down was not verified`,
      });
      return undefined;
    }
    const down = m.down;
    const empty = !down || (down.kind === 'sql' && isEffectivelyEmpty(down.text));
    if (empty && down && emptyIsNoop) return 'noop';
    if (empty) {
      res.status = 'failed';
      this.out.problems.push({
        kind: 'missing-down', severity: 'error', migration: m.id, file: down?.file ?? m.up.file, line: down?.kind === 'sql' ? down.line : undefined,
        message: `${m.id}_${m.name} has no down${down ? ' (the down has no statements)' : ''}: write one, or mark the migration with '-- rollback-verify: irreversible'${m.missingDownHint ? `; ${m.missingDownHint}` : ''}`,
      });
      return undefined;
    }
    return down;
  }

  /** Runs one phase on a fresh connection and records its timing; false when it failed. */
  private async phase(m: Migration, res: MigrationResult, phase: PhaseName): Promise<boolean> {
    const r = await this.runPhase(m, res, phase);
    if (r.failure) this.recordFailure(m, res, phase, r.failure);
    return !r.failure;
  }

  /** Runs one phase (traced unless tracing is off) and records its timing, not its failure. */
  private async runPhase(m: Migration, res: MigrationResult, phase: PhaseName): Promise<ScriptOutcome> {
    const script = phase === 'down' ? m.down! : m.up;
    this.lastPhase = { m, res, phase };
    const r: ScriptOutcome & { locks?: PhaseLocks } = this.input.traceLocks ? await traceScript(script, this.ctx) : await executeScript(script, this.ctx);
    const ms = Math.round(r.ms * 10) / 10;
    res.phases[phase] = { ms, ok: !r.failure, ...(r.failure ? { error: r.failure.message } : {}), ...(r.locks ? { locks: r.locks } : {}) };
    this.input.logger.info(`  ${m.id} ${phase.padEnd(4)} ${r.failure ? 'FAILED' : 'ok'} ${ms.toFixed(1)} ms`);
    if (r.failure) this.environmentCheck(r.failure);
    return r;
  }

  private recordFailure(m: Migration, res: MigrationResult, phase: PhaseName, failure: ScriptFailure): void {
    res.status = 'failed';
    const kind: ProblemKind = failure.timeout ? 'timeout' : phase === 'up' ? 'up-failed' : phase === 'down' ? 'down-failed' : 'reup-failed';
    const what = phase === 'reup' ? `re-applying ${m.id}_${m.name} after its down` : `the ${phase} of ${m.id}_${m.name}`;
    this.problem(kind, m, failure, `${what} failed: ${failure.message}${failure.sqlstate ? ` (SQLSTATE ${failure.sqlstate})` : ''}`);
    if (failure.connectionLost) this.connectionLost = true;
  }

  /** Migrations whose up and down hold no statements, and empty downs run as no-ops in a chain. */
  private readonly noops: string[] = [];
  private seededEmptied = false;

  /** Integrity (23) and data (22) errors while the tables hold synthetic rows may be the rows' fault. */
  private failsOnSeededRows(f: ScriptFailure): boolean {
    return !this.seededEmptied && /^2[23]/.test(f.sqlstate ?? '') && this.out.seeded.some((t) => t.rows > 0);
  }

  /** Empties every table the run seeded (bookkeeping tables aside); data checks go on from there. */
  private async emptySeededTables(m: Migration): Promise<void> {
    this.seededEmptied = true;
    await this.withClient((c) => this.input.data!.emptyTables(c));
    this.out.notes.push(`From ${m.id} on, the tables seeded before it are empty: ${m.id} failed on the synthetic rows and was verified on empty tables.`);
  }

  private seededFailureWarning(m: Migration, f: ScriptFailure): void {
    this.out.problems.push({
      kind: 'up-failed', severity: 'warning', migration: m.id, file: f.file, ...(f.line ? { line: f.line } : {}), ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}),
      message: `the up of ${m.id}_${m.name} fails on the seeded rows: ${f.message}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ''}. It passes on empty tables, so it was verified there; in production it fails the same way if your tables hold rows like these (or use --seed-file with realistic data)`,
    });
  }

  private connectionLost = false;

  private environmentCheck(f: ScriptFailure): void {
    if (f.environment) {
      throw new EnvironmentError(
        `${f.file}: ${f.message}. The server lacks this extension: point --database-url at a server that has it (in the action: postgres-image, e.g. pgvector/pgvector:pg17 or postgis/postgis:16-3.4)`,
      );
    }
  }

  private problem(kind: ProblemKind, m: Migration, f: ScriptFailure, message: string): void {
    this.out.problems.push({ kind, severity: 'error', migration: m.id, message, file: f.file, ...(f.line ? { line: f.line } : {}), ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) });
  }

  /** Records differences as problems; returns true when any of them is an error. */
  private compare(m: Migration | undefined, expected: Snapshot, actual: Snapshot, kind: 'rollback-residue' | 'reapply-drift'): boolean {
    if (sameSchema(expected, actual)) return false;
    let failed = false;
    for (const d of foldTableChildren(diffSnapshots(expected, actual))) {
      const problem = this.differenceProblem(m, d, kind);
      if (problem.severity === 'error') failed = true;
      this.out.problems.push(problem);
    }
    return failed;
  }

  private differenceProblem(m: Migration | undefined, d: ObjectDifference, kind: 'rollback-residue' | 'reapply-drift'): Problem {
    const who = m ? `${m.id}_${m.name}` : 'the new migrations as a group';
    const file = m ? (kind === 'rollback-residue' ? m.down?.file : m.up.file) : undefined;
    if (d.columnOrderOnly) {
      return {
        kind: 'column-order', severity: this.input.strictColumnOrder ? 'error' : 'warning', migration: m?.id, object: d.display, file, diff: d.diff,
        message: `${d.display} moved: ${kind === 'rollback-residue' ? 'after the down' : 'after re-applying'} ${who} it is at another position (a re-added column goes to the end)`,
      };
    }
    if (d.change === 'changed' && d.before !== undefined && d.after !== undefined && withoutTrivia(d.before) === withoutTrivia(d.after)) {
      // Same tokens, other comments or layout (a function body restored from an older copy):
      // it behaves the same, but the source differs, so a reviewer should still see it.
      return {
        kind, severity: 'warning', migration: m?.id, object: d.display, file, diff: d.diff,
        message: `${d.display} differs only in comments or whitespace ${kind === 'rollback-residue' ? 'after the down of' : 'when re-applying'} ${who}`,
      };
    }
    const phrase =
      kind === 'rollback-residue'
        ? { added: 'is left behind by the down of', removed: 'is missing after the down of', changed: 'differs after the down of' }[d.change]
        : { added: 'appears only when re-applying', removed: 'is missing when re-applying', changed: 'differs when re-applying' }[d.change];
    return { kind, severity: 'error', migration: m?.id, object: d.display, file, diff: d.diff, message: `${d.display} ${phrase} ${who}` };
  }

  /** Reads a migration tool's bookkeeping (Migration.toolState); a table not created yet reads as ''. */
  private async readToolState(sql: string): Promise<string> {
    return this.withClient(async (c) => {
      try {
        const r = await c.query<Record<string, unknown>>(sql);
        const row = r.rows[0];
        return row ? String(Object.values(row)[0] ?? '') : '';
      } catch (err) {
        if ((err as { code?: string }).code === '42P01') return '';
        throw err;
      }
    });
  }

  /** After a down, the tool must again believe what it believed before the up; true when not. */
  private async toolStateResidue(m: Migration, before: string | undefined): Promise<boolean> {
    if (!m.toolState || before === undefined) return false;
    const after = await this.readToolState(m.toolState.sql);
    if (after === before) return false;
    const show = (v: string) => (v === '' ? 'nothing' : `'${v}'`);
    this.out.problems.push({
      kind: 'rollback-residue', severity: 'error', migration: m.id, object: `table ${m.toolState.table}`, file: m.down?.file,
      message: `after the down of ${m.id}_${m.name}, ${m.toolState.table} holds ${show(after)} instead of ${show(before)} (what it held before the up): the tool would consider the wrong migrations applied`,
    });
    return true;
  }

  private stopAfter(index: number, why: string): undefined {
    const rest = this.out.migrations.slice(index + 1).filter((r) => r.status === 'not-run');
    if (rest.length) this.out.notes.push(`Stopped after ${why}; not run: ${listIds(rest.map((r) => r.id))}.`);
    else this.out.notes.push(`Stopped after ${why}.`);
    return undefined;
  }

  private async snapshot(): Promise<Snapshot> {
    return this.withClient((c) => snapshotSchema(c, { excludeTables: this.input.excludeTables }));
  }

  /** Looks at the scratch database between phases, on the inspector's shared connection. */
  private async withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.inspector.use(fn);
  }

}

/** A migration whose up and down hold no statements: nothing to verify (e.g. SQL for another database). */
function isNoop(m: Migration): boolean {
  const empty = (s: Migration['down']) => !s || (s.kind === 'sql' && isEffectivelyEmpty(s.text));
  return m.up.kind === 'sql' && empty(m.up) && empty(m.down);
}

/** Ids for a note: all of a short list, the ends and the count of a long one. */
function listIds(ids: string[]): string {
  return ids.length <= 8 ? ids.join(', ') : `${ids.length} migrations, ${ids.slice(0, 3).join(', ')} … ${ids.slice(-2).join(', ')}`;
}

function sameSchema(a: Snapshot, b: Snapshot): boolean {
  return a.fingerprint === b.fingerprint;
}
