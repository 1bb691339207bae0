/**
 * The verification protocol. Builds the baseline, then for each new migration:
 * S0 → up → S1 → down → (S0 again? else rollback-residue) → up → (S1 again? else reapply-drift).
 * `chain` mode does the same for the new migrations as one group. Every outcome is recorded as a
 * value. The run goes on past a failure: a down or re-up that leaves the state unknown is followed
 * by a restore of the state after that migration's up (restore.ts); only an up that cannot be
 * applied, or an environment the migrations cannot run in, stops it.
 */
import type { Migration } from '../formats/types.js';
import type { Logger } from '../logger.js';
import { diffSnapshots } from '../schema/diff.js';
import { foldTableChildren } from '../schema/fold.js';
import { EnvironmentError, ScratchDatabaseLostError } from '../errors.js';
import { isEffectivelyEmpty } from '../sql/split.js';
import { traceScript } from '../locks/tracer.js';
import type { PhaseLocks } from '../locks/types.js';
import { Inspector } from './inspector.js';
import { runChecks, type Check, type CheckPoint, type CheckPointName } from './check.js';
import { DataCheck } from './checks/data.js';
import { SchemaWatch, type SnapshotMismatch } from './checks/schema.js';
import { ToolStateCheck } from './checks/tool-state.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { executeScript, type ExecuteContext } from '../execute/script.js';
import { PhaseSessions } from '../execute/session.js';
import type { DataHooks } from './hooks.js';
import { migrationLabel } from '../result/migration-label.js';
import type { MigrationResult, PhaseName, Problem, SchemaChange, SeededTable } from '../result/types.js';
import { doesNothing } from './empty-script.js';
import { environmentProblem, irreversibleProblem, missingDownProblem, outsideHistoryHint, phaseFailure } from './phase-problems.js';
import { RestoreFailed, StateJournal } from './restore.js';
import { retryOnOtherRows, type RowsUsed } from './seeded-up.js';
import { chainDownProblem } from './chain-blame.js';
import { SuggestionTrials, type VerifiedFix } from './suggest.js';

export interface ProtocolInput {
  url: string;
  baseline: Migration[];
  fresh: Migration[];
  mode: 'step' | 'chain';
  strictColumnOrder: boolean;
  statementTimeoutMs: number;
  excludeTables: string[];
  /** Full schema snapshots at every point instead of incremental ones (`--full-snapshots`). */
  fullSnapshots?: boolean;
  data?: DataHooks;
  runCommand?: ExecuteContext['runCommand'];
  logger: Logger;
  /** Trace locks per statement of every new migration's phases (src/locks/tracer.ts). */
  traceLocks?: boolean;
  /**
   * Drops the scratch database and creates it again, empty, under the same name: lets the run
   * restore a known state after a down or re-up left an unknown one. Without it the run stops there.
   */
  recreateDatabase?: () => Promise<void>;
  /** Checks of the run's own, called after the built-in ones at every point (e.g. prediction copies). */
  checks?: readonly Check[];
  /** Generate a down for each rollback problem and keep it when a trial run verifies it (suggest.ts); default on. */
  suggestFixes?: boolean;
}

export interface ProtocolOutput {
  migrations: MigrationResult[];
  problems: Problem[];
  schemaChanges: SchemaChange[];
  seeded: SeededTable[];
  notes: string[];
  /**
   * The incremental snapshots disagreed with a full read (checks/schema.ts): these verdicts may be
   * wrong, and the engine verifies again with full snapshots.
   */
  snapshotMismatch?: SnapshotMismatch;
  /** Generated downs that passed their trial (step mode). */
  suggestions: VerifiedFix[];
}

/** Runs the protocol against a scratch database; throws only for configuration errors. */
export async function runProtocol(input: ProtocolInput): Promise<ProtocolOutput> {
  const p = new Protocol(input);
  return p.run();
}

/** How one migration's step ended for the sequence: go on with the next one, or stop. */
type Next = 'next' | 'stop';

class Protocol {
  private readonly out: ProtocolOutput = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: [], suggestions: [] };
  private readonly ctx: ExecuteContext;
  private readonly inspector: Inspector;
  private readonly schema: SchemaWatch;
  /** Called at every point of the protocol, in this order (src/verify/check.ts). */
  private readonly checks: Check[];
  /** Every step that built the current state, for restoring it (restore.ts). */
  private readonly journal: StateJournal;
  /** Migrations whose up and down hold no statements, and empty downs run as no-ops in a chain. */
  private readonly noops: string[] = [];
  /** Where the data checks did not run on the full seeded rows, for the notes. */
  private readonly dataLimited: string[] = [];
  private connectionLost = false;
  /** Tries a generated down where the migration's own leaves the schema wrong (suggest.ts). */
  private readonly trials?: SuggestionTrials;

  constructor(private readonly input: ProtocolInput) {
    // One reused session for the SQL phases, reset between them (src/execute/session.ts).
    this.ctx = { url: input.url, statementTimeoutMs: input.statementTimeoutMs, runCommand: input.runCommand, sessions: new PhaseSessions() };
    this.inspector = new Inspector(input.url, () => (this.connectionLost ? ' (a migration ended the connection or stopped the server)' : ''), () => this.ctx.sessions!.close());
    this.schema = new SchemaWatch({ excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder, fullSnapshots: input.fullSnapshots });
    const data = input.data ? new DataCheck(input.data) : undefined;
    this.checks = [this.schema, new ToolStateCheck(), ...(data ? [data] : []), ...(input.checks ?? [])];
    this.journal = new StateJournal(this.ctx, input.recreateDatabase, input.logger);
    if (input.suggestFixes !== false && input.mode === 'step') {
      this.trials = new SuggestionTrials({
        schema: this.schema, fingerprints: (id) => data?.fingerprintsBefore(id), data: input.data, db: this.inspector, closeLooks: () => this.inspector.close(),
        ctx: this.ctx, journal: this.journal, excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder, logger: input.logger,
      });
      // Right after the schema watch: it reads the snapshot the watch has just taken.
      this.checks.splice(1, 0, this.trials);
    }
  }

  async run(): Promise<ProtocolOutput> {
    try {
      return await this.verify();
    } catch (err) {
      if (err instanceof ScratchDatabaseLostError && this.lastPhase) return this.databaseLost(err, this.lastPhase);
      throw err;
    } finally {
      await this.inspector.close();
      await this.ctx.sessions?.close();
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
    const file = phase === 'down' ? m.down?.file ?? m.up.file : m.up.file;
    const what = phase === 'reup' ? `re-applying ${migrationLabel(m)}` : `the ${phase} of ${migrationLabel(m)}`;
    this.out.problems.push({
      ...phaseFailure(m, phase, { message: '', file }),
      message: `after ${what} the scratch database could not be reached (${err.message}): the migration ended every session or stopped the server`,
    });
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
    // A connection of its own: the team's seed file may leave session settings behind.
    if (input.data) {
      const data = input.data;
      out.seeded.push(...(await this.loadBaselineData(data)));
      const scoped = data.scopeNote?.();
      if (scoped) out.notes.push(scoped);
      this.journal.record({ label: 'baseline data', run: () => this.inspector.useFresh((c) => data.afterBaseline(c)).then(() => undefined) });
    }
    // After the data: a seed file may create objects (another project's tables), which are the
    // starting point, not something the first migration's down left behind.
    const base = await this.schema.capture(this.inspector);
    const finished = input.mode === 'chain' ? await this.verifyChain() : await this.verifySteps();
    if (this.noops.length) {
      out.notes.push(`Run as no-ops (no statements${input.mode === 'chain' ? ' in their down' : ' in their up or down'}): ${listIds(this.noops)}.`);
    }
    if (this.dataLimited.length) out.notes.push(`Data checks were limited: ${this.dataLimited.join('; ')}; the tables were seeded again after each.`);
    const { restores, trialRestores, restoredMs, trialMs } = this.journal;
    const own = restores - trialRestores;
    const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
    if (own) {
      out.notes.push(`Restored the state after an up ${times(own)}, by replaying the journal into a new scratch database (${Math.round(restoredMs)} ms in all).`);
    }
    if (trialRestores) {
      out.notes.push(`Rebuilt the database from the journal ${times(trialRestores)} to try generated downs on the run's own rows (${Math.round(trialMs)} ms in all).`);
    }
    out.suggestions = this.trials?.verified ?? [];
    // The safety net: the patched model of this moment must be the schema read whole.
    const head = await this.schema.finish(this.inspector);
    const { mismatch, stats } = this.schema;
    if (mismatch) out.snapshotMismatch = mismatch;
    input.logger.debug(`schema looks: ${stats.incremental} incremental, ${stats.full} full${stats.fallbacks.length ? ` (${stats.fallbacks.join('; ')})` : ''}`);
    if (finished) {
      out.schemaChanges = foldTableChildren(diffSnapshots(base, head)).map((d) => ({ object: d.display, change: d.change === 'renamed' ? 'changed' : d.change, diff: d.diff }));
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
    if (input.baseline.length) input.logger.info(`Building the baseline: ${input.baseline.length} migration${input.baseline.length === 1 ? '' : 's'}`);
    for (const m of input.baseline) {
      const r = await this.execute(m, 'up');
      if (r.failure) {
        const f = r.failure;
        const p = phaseFailure(m, 'up', f);
        this.out.problems.push(p.kind === 'environment' ? p : { ...p, message: `baseline migration ${migrationLabel(m)} failed to apply, so nothing new could be verified: ${f.message}` });
        this.out.notes.push('Verification stopped: the baseline could not be built.');
        return false;
      }
      this.journal.recordUp(m);
    }
    return true;
  }

  /** Step-wise: each new migration up → down → up, starting from the previous one's re-applied state. */
  private async verifySteps(): Promise<boolean> {
    for (let i = 0; i < this.input.fresh.length; i++) {
      if ((await this.verifyStep(i)) === 'stop') return false;
    }
    return true;
  }

  private async verifyStep(i: number): Promise<Next> {
    const m = this.input.fresh[i]!;
    const res = this.out.migrations[i]!;
    const at = this.point([m], false);
    await this.checkAt('beforeUp', at);

    const up = await this.applyUp(m, res, at);
    if (!up.ok) return this.stopAfter(i, up.environment ? `${m.id} needs what this server does not have` : `${m.id} failed to apply`);
    const rows = up.rows;
    await this.checkAt('afterUp', at);

    if (isNoop(m)) {
      // Nothing to undo: tools run such files as no-ops (often SQL for another database).
      if (res.status === 'not-run') res.status = 'ok';
      this.noops.push(m.id);
      this.schema.keepUp();
      return this.settle(m, at, rows);
    }
    const down = this.downOf(m, res);
    if (!down) {
      this.schema.keepUp();
      return this.settle(m, at, rows);
    }
    const downRun = await this.runPhase(m, res, 'down');
    if (downRun.failure) {
      const stop = this.recordFailure(m, res, 'down', downRun.failure);
      if (stop) return this.stopAfter(i, `the down of ${m.id} could not run here`);
      // A failed transactional down rolls back to S1: the up stays applied, go on from there.
      if (!this.connectionLost && (await this.schema.unchangedSinceUp(this.inspector))) {
        this.schema.keepUp();
        return this.settle(m, at, rows);
      }
      return this.restore(i, at, rows, `the failed down of ${m.id} left the database in an unknown state`);
    }
    const emptyDown = doesNothing(down);
    const afterDown = await this.checkAt('afterDown', { ...at, emptyDown });
    if (emptyDown && afterDown.some((p) => p.kind === 'missing-down')) {
      // Nothing was undone, so re-applying would only fail on what is still there.
      res.status = 'failed';
      if (down.kind === 'sql') {
        this.schema.keepUp();
        return this.settle(m, at, rows);
      }
      // The tool still moved its bookkeeping back: the state is the up's schema with the tool
      // believing otherwise, which the next migration's up would trip over.
      return this.restore(i, at, rows, `the tool undid its bookkeeping for ${m.id} without undoing its schema`);
    }
    const reup = await this.runPhase(m, res, 'reup');
    if (reup.failure) {
      if (this.recordFailure(m, res, 'reup', reup.failure)) return this.stopAfter(i, `${m.id} could not be re-applied here`);
      return this.restore(i, at, rows, `${m.id} failed to re-apply after its down`);
    }
    const afterReup = await this.checkAt('afterReup', at);
    if (res.status === 'not-run') res.status = [...afterDown, ...afterReup].some((p) => p.severity === 'error') ? 'failed' : 'ok';
    return this.settle(m, at, rows);
  }

  /**
   * The up, and when it fails on the seeded rows with the schema left as it was, the retries on
   * other rows (seeded-up.ts) that tell "fails on any row" from "fails on these synthetic values".
   */
  private async applyUp(m: Migration, res: MigrationResult, at: CheckPoint): Promise<{ ok: true; rows: RowsUsed } | { ok: false; environment: boolean }> {
    const up = await this.runPhase(m, res, 'up');
    if (!up.failure) return { ok: true, rows: 'seeded' };
    const data = this.input.data;
    if (data && !up.failure.environment && this.failsOnSeededRows(up.failure) && (await this.schema.unchangedSinceBeforeUp(this.inspector))) {
      const retried = await retryOnOtherRows(
        {
          m,
          runUp: () => this.runPhase(m, res, 'up'),
          unchanged: () => this.schema.unchangedSinceBeforeUp(this.inspector),
          lookAgain: async () => void (await this.checkAt('beforeUp', at)),
          db: this.inspector,
          data,
          journal: this.journal,
        },
        up.failure,
      );
      if (retried.ok) {
        this.out.problems.push(retried.problem);
        if (retried.problem.severity === 'error') res.status = 'failed';
        if (retried.rows !== 'seeded') this.dataLimited.push(`${m.id} was verified on ${retried.rows === 'empty' ? 'empty tables' : 'one row per table'}`);
        return { ok: true, rows: retried.rows };
      }
      return { ok: false, environment: this.recordFailure(m, res, 'up', retried.failure) };
    }
    return { ok: false, environment: this.recordFailure(m, res, 'up', up.failure) };
  }

  /**
   * The migration stays applied from here: the checks' settled point (seeding the tables it
   * created), the journal entry a restore replays, and fresh seeded rows when it ran on fewer.
   */
  private async settle(m: Migration, at: CheckPoint, rows: RowsUsed): Promise<Next> {
    const trial = await this.trials?.afterStep(m, this.out.problems.filter((p) => p.migration === m.id));
    if (trial && !trial.next) return this.stopAfter(this.input.fresh.indexOf(m), trial.why);
    await this.checkAt('settled', at);
    const data = this.input.data;
    this.journal.recordUp(m, data ? () => this.inspector.use((c) => data.afterReup(c, m)).then(() => undefined) : undefined);
    if (data && rows !== 'seeded') {
      // Seed every table again, so the next migrations run on data: the data checks stay on.
      const seeded = await this.inspector.use((c) => data.reseed(c));
      this.journal.record({ label: `seed again after ${m.id}`, run: () => this.inspector.use((c) => data.reseed(c)).then(() => undefined) });
      const tables = seeded.filter((t) => t.rows > 0).length;
      this.out.notes.push(`After ${migrationLabel(m)}, ${tables === 1 ? '1 table was' : `${tables} tables were`} seeded again.`);
    }
    return 'next';
  }

  /**
   * A down or re-up left the database in an unknown state: restore the state after `m`'s up by
   * replaying the journal into a new scratch database, and go on with the next migration.
   */
  private async restore(i: number, at: CheckPoint, rows: RowsUsed, why: string): Promise<Next> {
    const m = this.input.fresh[i]!;
    if (!this.journal.canRestore) return this.stopAfter(i, why);
    try {
      await this.journal.restoreTo(m, () => this.inspector.close());
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return this.stopAfter(i, `${why}, and the state after its up could not be restored (${err.message})`);
    }
    this.connectionLost = false;
    const matches = await this.schema.restored(this.inspector);
    this.out.notes.push(`${why}: the state after its up was restored and the run went on${matches ? '' : ' (the restored schema differs from the one its up made the first time)'}.`);
    return this.settle(m, at, rows);
  }

  /** Chain: all ups, all downs in reverse, all ups; the group's down must restore the base. */
  private async verifyChain(): Promise<boolean> {
    const { input, out } = this;
    const ms = input.fresh;
    const at = this.point(ms, true);
    await this.checkAt('beforeUp', at);
    for (let i = 0; i < ms.length; i++) {
      const r = await this.runPhase(ms[i]!, out.migrations[i]!, 'up');
      if (r.failure) {
        this.recordFailure(ms[i]!, out.migrations[i]!, 'up', r.failure);
        this.stopAfter(i, `${ms[i]!.id} failed to apply`);
        return false;
      }
    }
    await this.checkAt('afterUp', at);
    const downs = ms.map((m, i) => this.downOf(m, out.migrations[i]!));
    if (downs.some((d) => !d)) {
      out.notes.push('Chain mode: a migration has no usable down, so the group could not be rolled back.');
      this.schema.keepUp();
      return true;
    }
    for (let i = ms.length - 1; i >= 0; i--) {
      // As a group, an empty SQL down is what the tools make of it: a no-op. The group's residue
      // check still catches a down that should have done something.
      if (downs[i]!.kind === 'sql' && doesNothing(downs[i])) {
        this.noops.push(ms[i]!.id);
        continue;
      }
      const r = await this.runPhase(ms[i]!, out.migrations[i]!, 'down');
      if (r.failure) {
        // A later migration's down may have left what this one trips over: blame the right one.
        const p = r.failure.environment ? environmentProblem(ms[i], 'down', r.failure) : chainDownProblem(ms, i, r.failure);
        out.problems.push(p);
        for (const res of out.migrations) res.status = 'failed';
        this.stopAfter(ms.length - 1, `the down of ${ms[i]!.id} failed`);
        return false;
      }
    }
    const afterDown = await this.checkAt('afterDown', at);
    for (let i = 0; i < ms.length; i++) {
      const r = await this.runPhase(ms[i]!, out.migrations[i]!, 'reup');
      if (r.failure) {
        this.recordFailure(ms[i]!, out.migrations[i]!, 'reup', r.failure);
        this.stopAfter(ms.length - 1, `${ms[i]!.id} failed to re-apply`);
        return false;
      }
    }
    const afterReup = await this.checkAt('afterReup', at);
    const failed = [...afterDown, ...afterReup].some((p) => p.severity === 'error');
    for (const r of out.migrations) if (r.status === 'not-run') r.status = failed ? 'failed' : 'ok';
    return true;
  }

  /** What the checks are handed at a point of the protocol. */
  private point(migrations: readonly Migration[], group: boolean): CheckPoint {
    const out = this.out;
    return {
      migrations,
      group,
      db: this.inspector,
      record: { seeded: (tables) => out.seeded.push(...tables), note: (text) => out.notes.push(text) },
    };
  }

  /** Calls every check at one point and records what they found. */
  private async checkAt(point: CheckPointName, at: CheckPoint): Promise<Problem[]> {
    const problems = await runChecks(this.checks, point, at);
    this.out.problems.push(...problems);
    return problems;
  }

  /**
   * The down to run (possibly one that does nothing: it is judged by what it leaves), or
   * undefined after recording why there is none (declared irreversible, or missing altogether).
   */
  private downOf(m: Migration, res: MigrationResult): Migration['down'] | undefined {
    const declared = m.markers.irreversible;
    if (declared) {
      res.status = 'irreversible';
      this.out.problems.push(irreversibleProblem(m, declared));
      return undefined;
    }
    if (!m.down) {
      res.status = 'failed';
      this.out.problems.push(missingDownProblem(m));
      return undefined;
    }
    return m.down;
  }

  /** Runs one phase (traced unless tracing is off) and records its timing, not its failure. */
  private async runPhase(m: Migration, res: MigrationResult, phase: PhaseName): Promise<ScriptOutcome> {
    this.lastPhase = { m, res, phase };
    const r: ScriptOutcome & { locks?: PhaseLocks } = await this.execute(m, phase, this.input.traceLocks);
    const ms = Math.round(r.ms * 10) / 10;
    res.phases[phase] = { ms, ok: !r.failure, ...(r.failure ? { error: r.failure.message } : {}), ...(r.locks ? { locks: r.locks } : {}) };
    this.input.logger.debug(`  ${m.id} ${phase.padEnd(4)} ${r.failure ? 'FAILED' : 'ok'} ${ms.toFixed(1)} ms`);
    return r;
  }

  /**
   * Runs a script the way its tool does. A tool that cannot run here at all (its database driver
   * is not installed) is the environment's failure, reported with everything verified so far.
   */
  private async execute(m: Migration, phase: PhaseName, traced = false): Promise<ScriptOutcome & { locks?: PhaseLocks }> {
    const script = phase === 'down' ? m.down! : m.up;
    try {
      return traced ? await traceScript(script, this.ctx) : await executeScript(script, this.ctx);
    } catch (err) {
      if (!(err instanceof EnvironmentError) || err instanceof ScratchDatabaseLostError) throw err;
      return { ms: 0, failure: { message: err.message, file: script.file, environment: true } };
    }
  }

  /** Records a failed phase; true when the failure is the environment's, which ends the run. */
  private recordFailure(m: Migration, res: MigrationResult, phase: PhaseName, failure: ScriptFailure): boolean {
    if (phase === 'down' && failure.irreversible) {
      // The tool itself refused to revert (Rails' IrreversibleMigration, Django's IrreversibleError)
      // before changing anything: the same verdict as a declared irreversible migration.
      res.status = 'irreversible';
      this.out.problems.push({
        kind: 'irreversible', severity: 'warning', migration: m.id, file: failure.file, ...(failure.line ? { line: failure.line } : {}),
        message: `${migrationLabel(m)} cannot be reverted (${failure.message}); its down was not verified`,
      });
      return false;
    }
    res.status = 'failed';
    const problem = outsideHistoryHint(phaseFailure(m, phase, failure), [...this.input.baseline, ...this.input.fresh]);
    this.out.problems.push(problem);
    if (failure.connectionLost) this.connectionLost = true;
    return problem.kind === 'environment';
  }

  /** Integrity (23) and data (22) errors while the tables hold synthetic rows may be the rows' fault. */
  private failsOnSeededRows(f: ScriptFailure): boolean {
    return /^2[23]/.test(f.sqlstate ?? '') && this.out.seeded.some((t) => t.rows > 0);
  }

  private stopAfter(index: number, why: string): 'stop' {
    const rest = this.out.migrations.slice(index + 1).filter((r) => r.status === 'not-run');
    if (rest.length) this.out.notes.push(`Stopped after ${why}; not run: ${listIds(rest.map((r) => r.id))}.`);
    else this.out.notes.push(`Stopped after ${why}.`);
    return 'stop';
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

