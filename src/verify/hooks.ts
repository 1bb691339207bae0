/**
 * The seam for data preservation (seeding and row fingerprints). The protocol calls these at fixed
 * points; `src/data/guard.ts` implements them. Kept structural so the protocol does not depend on
 * how data is generated or hashed.
 */
import type pg from 'pg';
import type { Migration } from '../formats/types.js';
import type { Problem, SeededTable } from '../result/types.js';
import type { ScriptFailure } from '../result/outcome.js';

export interface DataHooks<F = unknown> {
  afterBaseline(client: pg.ClientBase): Promise<SeededTable[]>;
  beforeUp(client: pg.ClientBase, migration: Migration): Promise<F>;
  afterDown(client: pg.ClientBase, migration: Migration, before: F): Promise<Problem[]>;
  afterReup(client: pg.ClientBase, migration: Migration): Promise<SeededTable[]>;
  emptyTables(client: pg.ClientBase): Promise<void>;
  reseed(client: pg.ClientBase, rows?: number): Promise<SeededTable[]>;
  planRepair(client: pg.ClientBase, failure: ScriptFailure): Promise<{ valueClass: string; sql: string } | undefined>;
  /** A note for the run when seeding left tables out (known after afterBaseline). */
  scopeNote?(): string | undefined;
}
