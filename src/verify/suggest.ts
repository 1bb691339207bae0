/**
 * Verified fixes (issue 13): when a migration's down leaves the schema wrong (`rollback-residue`),
 * is missing or empty (`missing-down`), or makes the re-up differ (`reapply-drift`), generate the
 * SQL that restores the schema before the up (src/fix/generate.ts, from the snapshots the schema
 * watch took) and prove it on the scratch database, on the same seeded data:
 *
 *   state after the up (S1) → the migration's own down, then the generated SQL (what `--fix`
 *   appends) → schema must be S0 and the rows as before the up → the up again → schema must be S1.
 *
 * Only a candidate that passes every comparison becomes a suggestion; otherwise the migration's
 * problems say plainly why none is offered (`Problem.noFix`). The trial runs after the protocol's
 * own up → down → up for the migration, so the author's migration is judged exactly as it is; it
 * ends with the state after the up, as the protocol expects before the migration settles (a trial
 * that fails half way restores that state from the journal, as restore.ts does for a failed down).
 *
 * Data: the trial's down must lose nothing the author's down did not already lose (a `data-loss`
 * has no schema fix: its help says what would have to be restored instead). Chain mode has no
 * trials: a group's down is not one file a suggestion could go into.
 */
import type { Migration } from '../formats/types.js';
import type { Logger } from '../logger.js';
import { executeScript, type ExecuteContext } from '../execute/script.js';
import { generateDown, type FixStatement, type GeneratedDown } from '../fix/generate.js';
import { dataRestoreNotes, type DataNote } from '../fix/data-notes.js';
import type { Snapshot } from '../schema/model.js';
import type { Problem, ProblemKind } from '../result/types.js';
import { migrationLabel } from '../result/migration-label.js';
import type { Check, CheckPoint, Looker } from './check.js';
import { SchemaWatch } from './checks/schema.js';
import type { DataHooks } from './hooks.js';
import { RestoreFailed, type StateJournal } from './restore.js';
import { EnvironmentError } from '../errors.js';

/** A candidate that passed its trial, before the result gives it its file. */
export interface VerifiedFix {
  migration: string;
  /** The SQL to add to the migration's down (or the whole down when it has none). */
  sql: string;
  statements: FixStatement[];
  /** The problems it fixes, as `kind:object` (or `kind:migration` for a problem without an object). */
  fixes: string[];
  /** What the SQL restores of the schema but not of the data (src/fix/data-notes.ts), for the reader. */
  warnings: string[];
}

/** The problem kinds a generated down can fix. */
const FIXABLE: ReadonlySet<ProblemKind> = new Set(['rollback-residue', 'missing-down', 'reapply-drift']);

/** How a problem is referred to in `Suggestion.fixes`. */
export function problemRef(p: Pick<Problem, 'kind' | 'object' | 'migration'>): string {
  return `${p.kind}:${p.object ?? p.migration ?? ''}`;
}

export interface SuggestionTrialsInput {
  /** The protocol's schema watch: its snapshots at beforeUp, afterUp and afterDown are S0, S1, S2. */
  schema: SchemaWatch;
  /** Row fingerprints taken before the up, by the data check. */
  fingerprints?: (migrationId: string) => unknown;
  data?: DataHooks;
  db: Looker;
  /** Closes the shared look connection (before the journal recreates the database). */
  closeLooks(): Promise<void>;
  ctx: ExecuteContext;
  journal: StateJournal;
  excludeTables: string[];
  strictColumnOrder: boolean;
  logger: Logger;
}

/** What became of the trial, for the protocol: go on, or stop (the state could not be restored). */
export type TrialEnd = { next: true } | { next: false; why: string };

/**
 * Watches each migration's snapshots (a Check placed after the schema watch, so its `current` is the
 * snapshot just taken) and, called by the protocol before the migration settles, runs the trial.
 */
export class SuggestionTrials implements Check {
  readonly name = 'suggestions';
  /** Verified fixes, in migration order. */
  readonly verified: VerifiedFix[] = [];
  private s0?: Snapshot;
  private s1?: Snapshot;
  private s2?: Snapshot;
  private server?: { role: string; versionNum: number };

  constructor(private readonly input: SuggestionTrialsInput) {}

  async beforeUp(at: CheckPoint): Promise<void> {
    this.s0 = at.group ? undefined : this.input.schema.current;
    this.s1 = this.s2 = undefined;
    this.restoresAtStart = this.input.journal.restores;
  }

  /** The journal's restore count when the migration started: a restore since makes the rows new ones. */
  private restoresAtStart = 0;

  async afterUp(at: CheckPoint): Promise<Problem[]> {
    if (!at.group) this.s1 = this.input.schema.current;
    return [];
  }

  async afterDown(at: CheckPoint): Promise<Problem[]> {
    if (!at.group) this.s2 = this.input.schema.current;
    return [];
  }

  /**
   * After `m`'s up → down → up (or its up alone when it has no down): when `problems` (the ones
   * found for `m`) include one a generated down can fix, generate and try it. Problems get
   * `noFix` when no suggestion can be offered, saying why.
   */
  async afterStep(m: Migration, problems: readonly Problem[]): Promise<TrialEnd> {
    const targets = problems.filter((p) => FIXABLE.has(p.kind) && p.severity === 'error');
    if (targets.length === 0 || !this.s0 || !this.s1) return { next: true };
    const refuse = (why: string): TrialEnd => {
      for (const p of targets) p.noFix = why;
      return { next: true };
    };
    if (problems.some((p) => p.kind === 'down-failed')) return { next: true };
    if (problems.some((p) => p.kind === 'rollback-residue' && / instead of .* the tool would consider/.test(p.message))) {
      return refuse("the down leaves the tool's bookkeeping wrong, which no schema change can fix; the down must undo the tool's record too");
    }
    if (!this.input.journal.canRestore) return refuse('this run cannot restore the database after a trial, so no generated down was tried');
    this.server ??= await this.input.db.use(async (c) => {
      const r = await c.query<{ role: string; v: string }>('SELECT current_user AS role, current_setting(\'server_version_num\') AS v');
      return { role: r.rows[0]!.role, versionNum: Number(r.rows[0]!.v) };
    });
    const from = this.s2 ?? this.s1;
    const fix = generateDown(this.s0, from, { role: this.server.role, serverVersionNum: this.server.versionNum });
    if (fix.unfixable.length) {
      return refuse(`PostgreSQL offers no faithful way back for ${fix.unfixable.map((u) => `${u.object} (${u.reason})`).join('; ')}`);
    }
    if (!fix.sql) return refuse('the schema before the up and the one the down left do not differ in anything a statement could change');

    const notes = dataRestoreNotes(this.s0, from, this.s2 ? 'down' : 'up');
    let outcome: Awaited<ReturnType<SuggestionTrials['trial']>>;
    try {
      outcome = await this.trial(m, fix, problems, notes);
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return { next: false, why: `the state after the up of ${migrationLabel(m)} could not be rebuilt to try a generated down on (${err.message})` };
    }
    if ('failed' in outcome) {
      for (const p of targets) p.noFix = `a generated down was tried and did not restore the schema: ${outcome.failed}`;
    } else {
      this.verified.push({
        migration: m.id,
        sql: fix.sql,
        statements: fix.statements,
        fixes: [...new Set(targets.map(problemRef))],
        warnings: [...fix.warnings.map((w) => `${w.object}: ${w.reason}`), ...notes.map((n) => n.message)],
      });
    }
    if (outcome.restored === false) return { next: true };
    return this.restoreAfterUp(m);
  }

  /**
   * The trial: from the state after the up, the migration's down, then the SQL; the schema and
   * rows must be as before the up; the up again must give the schema after the up. `restored`
   * false: the database is in the state after the up (nothing left to restore).
   */
  private async trial(m: Migration, fix: GeneratedDown, problems: readonly Problem[], notes: readonly DataNote[]): Promise<{ restored: false } | { failed: string; restored?: false }> {
    const { input } = this;
    // Full reads: the trial may rebuild the database from the journal, after which the change
    // tracking (reinstalled by the run's own watch) no longer describes this watch's base snapshot.
    // Trials run only for failing migrations, so their cost stays off the passing path.
    const watch = new SchemaWatch({ excludeTables: input.excludeTables, strictColumnOrder: input.strictColumnOrder, fullSnapshots: true });
    const at: CheckPoint = { migrations: [m], group: false, db: input.db, record: { seeded: () => undefined, note: () => undefined } };
    watch.startFrom(this.s0!);
    await watch.beforeUp(at);
    await watch.afterUp(at);
    let fp = input.fingerprints?.(m.id);
    if (watch.current!.fingerprint !== this.s1!.fingerprint || input.journal.restores !== this.restoresAtStart) {
      // The re-up drifted, or the state was rebuilt from the journal (its rows are new ones, with
      // new timestamps, so the fingerprints taken before the up no longer describe them): start
      // from the state before the up, fingerprint its rows, run the up, then try the fix.
      await input.journal.restoreBefore(m, () => input.closeLooks());
      input.schema.startFrom(await input.schema.capture(input.db));
      if (input.schema.current!.fingerprint !== this.s0!.fingerprint) return { failed: 'the state before the up could not be rebuilt to try it on' };
      if (input.data) fp = await input.db.use((c) => input.data!.beforeUp(c, m));
      const up = await executeScript(m.up, input.ctx);
      if (up.failure) return { failed: `the up failed on the rebuilt state: ${up.failure.message}` };
      await watch.afterUp(at);
      if (watch.current!.fingerprint !== this.s1!.fingerprint) return { failed: 'the up made another schema on the rebuilt state' };
    }
    input.logger.debug(`  ${m.id} trying a generated down (${fix.statements.length} statement${fix.statements.length === 1 ? '' : 's'})`);
    if (m.down) {
      const down = await executeScript(m.down, input.ctx);
      if (down.failure) return { failed: `the migration's own down failed before it: ${down.failure.message}` };
    }
    try {
      await input.db.useFresh((c) => c.query(fix.sql));
    } catch (err) {
      return { failed: `PostgreSQL refused it: ${(err as Error).message}` };
    }
    const left = (await watch.afterDown(at)).filter((p) => p.severity === 'error');
    if (left.length) return { failed: `after it, ${left.map((p) => p.object ?? p.message).join(', ')} still differ${left.length === 1 ? 's' : ''}` };
    if (input.data && fp !== undefined) {
      // Lost already by the author's down, or gone with what the SQL can only recreate empty
      // (a dropped table's rows, a dropped column's values): a schema fix cannot bring those back.
      const lostBefore = new Set([...problems.filter((p) => p.kind === 'data-loss').map((p) => p.object), ...notes.map((n) => n.object)]);
      const lost = (await input.db.use((c) => input.data!.afterDown(c, m, fp))).filter((p) => p.severity === 'error' && !lostBefore.has(p.object));
      if (lost.length) return { failed: `it loses data the migration's own down keeps: ${lost.map((p) => p.object ?? p.message).join(', ')}` };
    }
    const reup = await executeScript(m.up, input.ctx);
    if (reup.failure) return { failed: `the up failed after it: ${reup.failure.message}` };
    const drift = (await watch.afterReup(at)).filter((p) => p.severity === 'error');
    if (drift.length) return { failed: `re-applying the up after it, ${drift.map((p) => p.object ?? p.message).join(', ')} differ${drift.length === 1 ? 's' : ''}` };
    // Where the run goes on from: the schema watch must know the state the trial ended in.
    input.schema.startFrom(watch.current!);
    return { restored: false };
  }

  /** After a failed trial: the state after `m`'s up, from the journal; `stop` when it cannot be rebuilt. */
  private async restoreAfterUp(m: Migration): Promise<TrialEnd> {
    try {
      await this.restore(m);
    } catch (err) {
      if (!(err instanceof RestoreFailed) && !(err instanceof EnvironmentError)) throw err;
      return { next: false, why: `trying a generated down for ${migrationLabel(m)} left the database in an unknown state, and the state after its up could not be restored (${err.message})` };
    }
    return { next: true };
  }

  private async restore(m: Migration): Promise<void> {
    await this.input.journal.restoreTo(m, () => this.input.closeLooks(), true);
    this.input.schema.startFrom(await this.input.schema.capture(this.input.db));
  }
}
