/**
 * The prediction step of a run (issue 17), after the protocol and before the result is
 * assembled: with table-rows given, each new migration that applied gets its phases predicted at
 * the production sizes (src/predict/migration.ts), from trials on copies of the state before its
 * up (checks/prediction.ts took them). The protocol's verdicts are not touched: what this adds
 * is the `predicted` fields of the phases, and notes; the limits are applied to them when the
 * result is assembled (src/predict/verdicts.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import type { ExecuteContext } from '../execute/script.js';
import type { Migration, Script } from '../formats/types.js';
import type { Logger } from '../logger.js';
import { predictMigration, type MigrationPhaseInput } from '../predict/migration.js';
import { readTableRows } from '../predict/read-table-rows.js';
import type { TableSizes } from '../predict/types.js';
import { migrationLabel } from '../result/migration-label.js';
import type { MigrationResult, PhaseName } from '../result/types.js';
import type { BeforeUpCopies } from './checks/prediction.js';

/**
 * Reads the table-rows file (relative to the working directory, like seed-file): before any
 * server starts, so a bad file is one line naming it and the line, exit 2.
 */
export async function loadTableRows(path: string, cwd: string): Promise<TableSizes> {
  return readTableRows(isAbsolute(path) ? path : resolve(cwd, path), { file: path });
}

export interface PredictionStepInput {
  fresh: readonly Migration[];
  /** The protocol's results, in the order of `fresh`. */
  migrations: readonly MigrationResult[];
  copies: BeforeUpCopies;
  tableRows: TableSizes;
  /** Rows the protocol seeded per table: the size its measurements ran at. */
  seedRows: number;
  /** Tool bookkeeping tables: never grown. */
  exclude: readonly string[];
  statementTimeoutMs: number;
  runCommand?: ExecuteContext['runCommand'];
  logger: Logger;
  /** Trial sizes and runs per size (tests); default: planTrialSizes, 3 runs. */
  sizes?: readonly number[];
  repeats?: number;
}

/** The migrations with their phases' `predicted` fields filled in, and notes for the report. */
export interface PredictionStepOutput {
  migrations: MigrationResult[];
  notes: string[];
}

/** Predicts every new migration that has a copy of its starting state and an up that applied. */
export async function predictNewMigrations(input: PredictionStepInput): Promise<PredictionStepOutput> {
  const notes: string[] = [];
  const migrations: MigrationResult[] = [];
  for (let i = 0; i < input.migrations.length; i++) {
    const res = input.migrations[i]!;
    const m = input.fresh[i];
    const copy = m && res.phases.up?.ok ? input.copies.copyOf(m.id) : undefined;
    if (!m || !copy) {
      const why = m ? input.copies.missing(m.id) : undefined;
      if (why && res.phases.up?.ok) notes.push(`No prediction for ${migrationLabel(m!)}: ${why}.`);
      migrations.push(res);
      continue;
    }
    const phases = phasesToPredict(m, res);
    input.logger.info(`Predicting ${migrationLabel(m)} at the table-rows sizes`);
    const out = await predictMigration({
      source: copy,
      phases,
      tableRows: input.tableRows,
      seedRows: input.seedRows,
      exclude: input.exclude,
      statementTimeoutMs: input.statementTimeoutMs,
      ...(input.runCommand ? { runCommand: input.runCommand } : {}),
      ...(input.sizes ? { sizes: input.sizes } : {}),
      ...(input.repeats ? { repeats: input.repeats } : {}),
      progress: (message) => input.logger.debug(`  ${m.id} ${message}`),
    });
    // The copy is no longer needed: free its disk before the next migration's trials.
    await copy.drop();
    notes.push(...out.notes.map((n) => `Prediction for ${migrationLabel(m)}: ${n}.`));
    migrations.push({ ...res, phases: { ...res.phases, ...out.phases } });
  }
  return { migrations, notes };
}

/**
 * The phases that ran, in the protocol's order, up to the first that failed (a trial repeats
 * them in order on each copy; after a failure the state is unknown).
 */
function phasesToPredict(m: Migration, res: MigrationResult): MigrationPhaseInput[] {
  const out: MigrationPhaseInput[] = [];
  const scripts: Array<[PhaseName, Script | undefined]> = [
    ['up', m.up],
    ['down', m.down],
    ['reup', m.up],
  ];
  for (const [phase, script] of scripts) {
    const measured = res.phases[phase];
    if (!measured || !script || !measured.ok) break;
    out.push({ phase, script, measured });
  }
  return out;
}
