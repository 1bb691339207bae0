/**
 * The seam between the protocol's sequencing and the looks it takes at the database. The protocol
 * decides what runs when (up, down, re-up, which migration next, when to stop); each check (the
 * schema watch, the data guard, the tool's bookkeeping) is called at the same four points and
 * returns the problems it sees. A new kind of check is a new file implementing this interface, not
 * another branch in the protocol.
 *
 * Points, for a migration M (step mode) or the group of new migrations (chain mode):
 *   beforeUp   the state before M's up (S0)
 *   afterUp    M's up applied (S1)
 *   afterDown  M's down applied: the state must be S0 again
 *   afterReup  M's up applied again: the state must be S1 again
 *   settled    M stays applied from here on (after its re-up, or when no down could run): the
 *              point to prepare for the next migration (e.g. seed the tables M created)
 */
import type pg from 'pg';
import type { Migration } from '../formats/types.js';
import type { Problem, SeededTable } from '../result/types.js';
import { migrationLabel } from '../result/migration-label.js';

/** How checks reach the scratch database between phases (the protocol's inspector connection). */
export interface Looker {
  /** Runs `fn` on the shared inspection connection (retried once on a lost connection). */
  use<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
  /** Runs `fn` on a connection of its own, for work that may leave session state behind. */
  useFresh<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
}

/** What the protocol hands a check at each point. */
export interface CheckPoint {
  /** The migration being verified; in chain mode, the group's migrations in order. */
  migrations: readonly Migration[];
  /** True in chain mode, where the points are the group's (all ups, all downs, all ups). */
  group: boolean;
  db: Looker;
  /**
   * At afterDown: the down that ran does nothing (no statements, an empty function). It is right
   * when the up changed no schema; else it is a missing down, named by what it leaves.
   */
  emptyDown?: boolean;
  /** Side results that are not problems: tables seeded, notes for the reader. */
  record: CheckRecorder;
}

export interface CheckRecorder {
  seeded(tables: SeededTable[]): void;
  note(text: string): void;
}

/** One look at the database, called at fixed points of the protocol; every method is optional. */
export interface Check {
  readonly name: string;
  beforeUp?(at: CheckPoint): Promise<void>;
  afterUp?(at: CheckPoint): Promise<Problem[]>;
  afterDown?(at: CheckPoint): Promise<Problem[]>;
  afterReup?(at: CheckPoint): Promise<Problem[]>;
  settled?(at: CheckPoint): Promise<void>;
}

export type CheckPointName = 'beforeUp' | 'afterUp' | 'afterDown' | 'afterReup' | 'settled';

/** Calls every check at one point, in order, and gathers their problems. */
export async function runChecks(checks: readonly Check[], point: CheckPointName, at: CheckPoint): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const check of checks) {
    const fn = check[point] as ((at: CheckPoint) => Promise<Problem[] | void>) | undefined;
    if (!fn) continue;
    const found = await fn.call(check, at);
    if (found) problems.push(...found);
  }
  return problems;
}

/** `000002_add_orders`, or the group's name in chain mode. */
export function whoIs(at: CheckPoint): string {
  return at.group ? 'the new migrations as a group' : migrationLabel(at.migrations[0]!);
}
