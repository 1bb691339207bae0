/**
 * Getting back to a known state after a down or re-up left the scratch database in an unknown
 * one, so the run can go on with the next migration instead of stopping half way through a
 * history. The journal records every step that built the current state (the baseline's ups, the
 * baseline data, each settled migration's up and the seeding after it, the data reshaping of the
 * seeded-rows policy); restoring recreates the scratch database under the same name (same URL,
 * same cleanup registration) and replays the journal, then the failed migration's up.
 *
 * Why a replay and not a template copy per migration: `CREATE DATABASE … TEMPLATE` of a small
 * seeded database costs 200–250 ms (plus ~100 ms to drop it) on every migration whether anything
 * fails or not, which is more than a typical migration's up, down, re-up and checks together; a
 * replay costs nothing until a failure needs it, and then about one baseline build. (A later
 * optimisation can keep a template every N migrations and replay from the nearest.)
 */
import type { Migration } from '../formats/types.js';
import type { Logger } from '../logger.js';
import { executeScript, type ExecuteContext } from '../execute/script.js';
import { migrationLabel } from '../result/migration-label.js';

/** One step of the journal: replayed against the new database in order. */
export interface JournalStep {
  /** For the note and errors: `up 000002_x`, `seed baseline`, … */
  label: string;
  run(): Promise<void>;
}

/** Thrown when a replayed step fails: the state cannot be restored, the run stops there. */
export class RestoreFailed extends Error {}

export class StateJournal {
  private readonly steps: JournalStep[] = [];
  /** Total time spent restoring, for the report's notes. */
  restoredMs = 0;
  /** Every rebuild, the suggestion trials' included (a trial tells from it that its rows are new). */
  restores = 0;
  /** The rebuilds done for suggestion trials (suggest.ts), and their time: reported apart from the run's own. */
  trialRestores = 0;
  trialMs = 0;

  constructor(
    private readonly ctx: ExecuteContext,
    /** Drops the scratch database and creates it again, empty, under the same name. */
    private readonly recreate: (() => Promise<void>) | undefined,
    private readonly logger: Logger,
  ) {}

  /** True when this run can restore at all (the engine handed over a way to recreate the database). */
  get canRestore(): boolean {
    return this.recreate !== undefined;
  }

  record(step: JournalStep): void {
    this.steps.push(step);
  }

  /** Records a migration's up as a step (replayed with the tool's own runner). */
  recordUp(m: Migration, after?: () => Promise<void>): void {
    this.record({
      label: `up ${migrationLabel(m)}`,
      run: async () => {
        await this.up(m);
        if (after) await after();
      },
    });
  }

  /**
   * Recreates the database, replays every recorded step, then `m`'s up: the state right after
   * `m`'s up, with the data the run had given it. Throws RestoreFailed naming the step that failed.
   */
  async restoreTo(m: Migration, beforeReplay: () => Promise<void>, forTrial = false): Promise<void> {
    await this.replay(beforeReplay, m, undefined, forTrial);
  }

  /**
   * Recreates the database and replays every recorded step, not `m`'s up: the state before it
   * (a trial of a generated down starts there, on freshly fingerprinted rows — suggest.ts).
   */
  async restoreBefore(m: Migration, beforeReplay: () => Promise<void>): Promise<void> {
    await this.replay(beforeReplay, undefined, m, true);
  }

  private async replay(beforeReplay: () => Promise<void>, m: Migration | undefined, before?: Migration, forTrial = false): Promise<void> {
    if (!this.recreate) throw new RestoreFailed('no way to recreate the scratch database');
    const started = performance.now();
    await beforeReplay();
    // The reused phase session is on the database about to be dropped: close it first (a
    // connected session blocks a plain DROP DATABASE and is killed by WITH (FORCE)).
    await this.ctx.sessions?.close(this.ctx.url);
    await this.recreate();
    for (const step of this.steps) {
      try {
        await step.run();
      } catch (err) {
        throw new RestoreFailed(`replaying ${step.label} failed: ${(err as Error).message}`);
      }
    }
    if (m) {
      await this.up(m).catch((err: unknown) => {
        throw new RestoreFailed(`replaying up ${migrationLabel(m)} failed: ${(err as Error).message}`);
      });
    }
    const ms = performance.now() - started;
    this.restores++;
    if (forTrial) {
      this.trialRestores++;
      this.trialMs += ms;
    } else {
      this.restoredMs += ms;
    }
    // Progress detail (--verbose): the run's notes say once, at the end, that and how often it happened.
    const who = (m ?? before)!;
    this.logger.debug(`  ${who.id} restored the state ${m ? 'after' : 'before'} its up (${this.steps.length + (m ? 1 : 0)} steps replayed, ${Math.round(ms)} ms)`);
  }

  private async up(m: Migration): Promise<void> {
    const r = await executeScript(m.up, this.ctx);
    if (r.failure) throw new Error(r.failure.message);
  }
}
