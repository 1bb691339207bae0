/**
 * The verification protocol. Builds the baseline, then for each new migration:
 * S0 → up → S1 → down → (S0 again? else rollback-residue) → up → (S1 again? else reapply-drift).
 * `chain` mode does the same for the new migrations as one group. Every outcome is recorded as a
 * value; the run goes on past a failure as long as it still knows which migrations are applied.
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
import { SchemaWatch } from './checks/schema.js';
import { ToolStateCheck } from './checks/tool-state.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { executeScript, type ExecuteContext } from '../execute/script.js';
import type { DataHooks } from './hooks.js';
import type { MigrationResult, PhaseName, Problem, ProblemKind, SchemaChange, SeededTable } from '../result/types.js';

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
  private readonly schema: SchemaWatch;
  /** Called at every point of the protocol, in this order (src/verify/check.ts). */
  private readonly checks: Check[];

  constructor(private readonly input: ProtocolInput) {
    this.ctx = { url: input.url, statementTimeoutMs: input.statementTimeoutMs, runCommand: input.runCommand };
    this.inspector = new Inspector(input.url, () => (this.connectionLost ? ' (a migration ended the connection or stopped the server)' : ''));
    this.schema = new SchemaWatch({ excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder });
    this.checks = [this.schema, new ToolStateCheck(), ...(input.data ? [new DataCheck(input.data)] : [])];
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
    const base = await this.schema.capture(this.inspector);
    // A connection of its own: the team's seed file may leave session settings behind.
    if (input.data) out.seeded.push(...(await this.loadBaselineData(input.data)));
    const finished = input.mode === 'chain' ? await this.verifyChain() : await this.verifySteps();
    if (this.noops.length) {
      out.notes.push(`Run as no-ops (no statements${input.mode === 'chain' ? ' in their down' : ' in their up or down'}): ${listIds(this.noops)}.`);
    }
    const head = this.schema.current;
    if (finished && head) {
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
  private async verifySteps(): Promise<boolean> {
    const { input, out } = this;
    for (let i = 0; i < input.fresh.length; i++) {
      const m = input.fresh[i]!;
      const res = out.migrations[i]!;
      const at = this.point([m], false);
      await this.checkAt('beforeUp', at);

      let up = await this.runPhase(m, res, 'up');
      // Only when the failed up left the schema as it was: a non-transactional up that got half way
      // cannot simply be run again.
      if (up.failure && this.failsOnSeededRows(up.failure) && (await this.schema.unchangedSinceBeforeUp(this.inspector))) {
        // The synthetic rows, not the migration's logic, may be what breaks it (random foreign
        // keys, values a backfill never expects): say so, and verify it on empty tables instead
        // of losing every migration after it.
        const onSeeded = up.failure;
        await this.emptySeededTables(m);
        await this.checkAt('beforeUp', at);
        up = await this.runPhase(m, res, 'up');
        if (!up.failure) this.seededFailureWarning(m, onSeeded);
      }
      if (up.failure) {
        this.recordFailure(m, res, 'up', up.failure);
        return this.stopAfter(i, `${m.id} failed to apply`);
      }
      await this.checkAt('afterUp', at);

      if (isNoop(m)) {
        // Nothing to undo: tools run such files as no-ops (often SQL for another database).
        res.status = 'ok';
        this.noops.push(m.id);
        this.schema.keepUp();
        continue;
      }
      const downScript = this.reversibleDown(m, res, false);
      if (!downScript) {
        this.schema.keepUp();
        await this.checkAt('settled', at);
        continue;
      }
      const down = await this.phase(m, res, 'down');
      if (!down) {
        if (this.connectionLost) return this.stopAfter(i, `the down of ${m.id} lost its connection`);
        // A failed transactional down rolls back to S1; anything else leaves an unknown state.
        if (!(await this.schema.unchangedSinceUp(this.inspector))) return this.stopAfter(i, `the failed down of ${m.id} left the schema in an unknown state`);
        // The up stays applied: seed what it created, or later data checks would be blind there.
        this.schema.keepUp();
        await this.checkAt('settled', at);
        continue;
      }
      const afterDown = await this.checkAt('afterDown', at);
      const reup = await this.phase(m, res, 'reup');
      if (!reup) return this.stopAfter(i, `${m.id} failed to re-apply after its down`);
      const afterReup = await this.checkAt('afterReup', at);
      if (res.status === 'not-run') res.status = [...afterDown, ...afterReup].some((p) => p.severity === 'error') ? 'failed' : 'ok';
      await this.checkAt('settled', at);
    }
    return true;
  }

  /** Chain: all ups, all downs in reverse, all ups; the group's down must restore the base. */
  private async verifyChain(): Promise<boolean> {
    const { input, out } = this;
    const ms = input.fresh;
    const at = this.point(ms, true);
    await this.checkAt('beforeUp', at);
    for (let i = 0; i < ms.length; i++) {
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'up'))) return this.stopAfter(i, `${ms[i]!.id} failed to apply`);
    }
    await this.checkAt('afterUp', at);
    // As a group, an empty down is what the tools make of it: a no-op. The group's residue check
    // still catches a down that should have done something.
    const reversible = ms.map((m, i) => this.reversibleDown(m, out.migrations[i]!, true));
    if (reversible.some((d) => !d)) {
      out.notes.push('Chain mode: a migration has no usable down, so the group could not be rolled back.');
      this.schema.keepUp();
      return true;
    }
    for (let i = ms.length - 1; i >= 0; i--) {
      if (reversible[i] === 'noop') {
        this.noops.push(ms[i]!.id);
        continue;
      }
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'down'))) return this.stopAfter(ms.length - 1, `the down of ${ms[i]!.id} failed`);
    }
    const afterDown = await this.checkAt('afterDown', at);
    for (let i = 0; i < ms.length; i++) {
      if (!(await this.phase(ms[i]!, out.migrations[i]!, 'reup'))) return this.stopAfter(ms.length - 1, `${ms[i]!.id} failed to re-apply`);
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
    if (phase === 'down' && failure.irreversible) {
      // The tool itself refused to revert (Rails' IrreversibleMigration, Django's IrreversibleError)
      // before changing anything: the same verdict as a declared irreversible migration.
      res.status = 'irreversible';
      this.out.problems.push({
        kind: 'irreversible', severity: 'warning', migration: m.id, file: failure.file, ...(failure.line ? { line: failure.line } : {}),
        message: `${m.id}_${m.name} cannot be reverted (${failure.message}); its down was not verified`,
      });
      return;
    }
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
    await this.inspector.use((c) => this.input.data!.emptyTables(c));
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

  private stopAfter(index: number, why: string): false {
    const rest = this.out.migrations.slice(index + 1).filter((r) => r.status === 'not-run');
    if (rest.length) this.out.notes.push(`Stopped after ${why}; not run: ${listIds(rest.map((r) => r.id))}.`);
    else this.out.notes.push(`Stopped after ${why}.`);
    return false;
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
