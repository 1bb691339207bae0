/**
 * The one look predictions need during the protocol (issue 17): a copy of the scratch database in
 * the state before each new migration's up (S0), taken at `beforeUp`. Trials grow tables on
 * copies of that state after the protocol (src/verify/predictions.ts); by then the scratch
 * database has moved on. Only present when table-rows is given, so it changes nothing otherwise,
 * and it never finds a problem: a copy that cannot be made is a note, and that migration gets no
 * prediction.
 *
 * Chain mode verifies the new migrations as a group; only the group's S0 exists there, so copies
 * are taken in step mode only (the default).
 */
import { EnvironmentError } from '../../errors.js';
import { cloneDatabase, type Clone } from '../../predict/trial.js';
import type { Check, CheckPoint } from '../check.js';

/** The copies, by migration id, for the step after the protocol. */
export interface BeforeUpCopies {
  /** The copy of the state before `id`'s up, if one could be made. */
  copyOf(id: string): Clone | undefined;
  /** Why there is none for `id` (the database was busy, chain mode). */
  missing(id: string): string | undefined;
  /** Drops every copy (idempotent; also in the run's finally). */
  dropAll(): Promise<void>;
}

export class PredictionCopies implements Check, BeforeUpCopies {
  readonly name = 'prediction-copies';
  private readonly copies = new Map<string, Clone>();
  private readonly why = new Map<string, string>();

  /** @param source the scratch database and an admin URL of its server (may CREATE DATABASE). */
  constructor(private readonly source: { adminUrl: string; database: string }) {}

  async beforeUp(at: CheckPoint): Promise<void> {
    if (at.group) {
      for (const m of at.migrations) this.why.set(m.id, 'chain mode verifies the migrations as a group; predictions are made in step mode');
      return;
    }
    const id = at.migrations[0]!.id;
    // Called again when the up is retried on other rows: the state it then runs on is the one to copy.
    await this.copies.get(id)?.drop();
    this.copies.delete(id);
    try {
      const copy = await at.db.idle(() => cloneDatabase(this.source, 'before'));
      this.copies.set(id, copy);
      this.why.delete(id);
    } catch (err) {
      if (!(err instanceof EnvironmentError)) throw err;
      this.why.set(id, err.message);
    }
  }

  copyOf(id: string): Clone | undefined {
    return this.copies.get(id);
  }

  missing(id: string): string | undefined {
    return this.why.get(id);
  }

  async dropAll(): Promise<void> {
    const all = [...this.copies.values()];
    this.copies.clear();
    for (const c of all) await c.drop();
  }
}
