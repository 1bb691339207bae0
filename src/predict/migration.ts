/**
 * One migration's predictions, for the protocol to call once per new migration when table sizes
 * are given: which listed tables its phases scale with (from the traces the protocol measured),
 * trials on copies grown to the trial sizes, a prediction per phase, and the measured phases
 * with the `predicted` fields filled in. A phase that scales with no listed table is predicted
 * as measured, without a trial. Trials that cannot run (the source is busy, the server refuses
 * a copy) become a note, never a failed verification.
 */
import { EnvironmentError } from '../errors.js';
import type { ExecuteContext } from '../execute/script.js';
import type { Script } from '../formats/types.js';
import type { StatementTrace } from '../locks/types.js';
import type { PhaseResult } from '../result/types.js';
import { annotatePhase, concernedTables, predictPhase, type PhasePrediction } from './predict.js';
import { runPhasesOnClone, runTrials, type DatabaseRef } from './trial.js';
import type { TableSizes, TrialRun } from './types.js';

/** One phase of the migration: its script and what the protocol measured. */
export interface MigrationPhaseInput {
  /** `up`, `down`, `reup`: trials run them in this order on each copy. */
  phase: string;
  script: Script;
  /** What the protocol measured for this phase (its `locks` name the tables it touches). */
  measured: PhaseResult;
}

/** Everything predictMigration needs from the protocol. */
export interface MigrationPredictionRequest {
  /** The scratch database in the state before the first phase; idle (no session connected). */
  source: DatabaseRef;
  phases: readonly MigrationPhaseInput[];
  /** Production sizes (readTableRows). */
  tableRows: TableSizes;
  /** Rows the protocol seeded per table: the size the measured phases ran at. */
  seedRows: number;
  /** Trial sizes and runs per size (default: the seed and a size from planTrialSizes; 3 runs). */
  sizes?: readonly number[];
  repeats?: number;
  /** Tables seeding never touches (tool bookkeeping). */
  exclude?: readonly string[];
  statementTimeoutMs: number;
  runCommand?: ExecuteContext['runCommand'];
  progress?: (message: string) => void;
}

/** The migration's phases with predictions, and what the report should say about them. */
export interface MigrationPrediction {
  /** The measured phases with `predicted` filled in, by phase name. */
  phases: Record<string, PhaseResult>;
  /** The full predictions (fits, bases, per-lock values), by phase name. */
  predictions: Record<string, PhasePrediction>;
  /** The listed tables the trials grew (empty when nothing scales with a listed table). */
  tables: string[];
  /** For the report: trials left out or impossible, and why. */
  notes: string[];
}

/** Predicts every phase of one migration at the production sizes. */
export async function predictMigration(request: MigrationPredictionRequest): Promise<MigrationPrediction> {
  const notes: string[] = [];
  let traces = request.phases.map((p) => p.measured.locks?.statements);
  if (traces.some((t) => t === undefined)) {
    // Traced statements tell which tables matter; without them, trace one run on a plain copy.
    const probe = await probeRun(request, notes);
    traces = request.phases.map((p, i) => traces[i] ?? probe?.phases.find((x) => x.phase === p.phase)?.statements);
  }
  const tables = [...new Set(traces.flatMap((t) => (t ? concernedTables(t, request.tableRows) : [])))].sort();

  // The protocol's own measurement is a run at the seed size; it stands alone when nothing scales.
  let runs: TrialRun[] = [measuredRun(request, traces)];
  if (tables.length > 0) {
    try {
      runs = await runTrials({
        source: request.source,
        phases: request.phases.map((p) => ({ phase: p.phase, script: p.script })),
        tables,
        seedRows: request.seedRows,
        productionRows: Math.max(...tables.map((t) => request.tableRows.get(t)!.rows)),
        ...(request.sizes ? { sizes: request.sizes } : {}),
        ...(request.repeats ? { repeats: request.repeats } : {}),
        ...(request.exclude ? { exclude: request.exclude } : {}),
        statementTimeoutMs: request.statementTimeoutMs,
        ...(request.runCommand ? { runCommand: request.runCommand } : {}),
        ...(request.progress ? { progress: request.progress } : {}),
      });
    } catch (err) {
      if (!(err instanceof EnvironmentError)) throw err;
      notes.push(`no trials (${err.message}): predictions are the measured times`);
    }
  }
  const phases: Record<string, PhaseResult> = {};
  const predictions: Record<string, PhasePrediction> = {};
  for (const p of request.phases) {
    const prediction = predictPhase(p.phase, runs, request.tableRows);
    predictions[p.phase] = prediction;
    phases[p.phase] = annotatePhase(p.measured, prediction);
    notes.push(...prediction.notes.map((n) => `${p.phase}: ${n}`));
  }
  return { phases, predictions, tables, notes };
}

/** The protocol's measurement as a trial run at the seed size (no grown tables). */
function measuredRun(request: MigrationPredictionRequest, traces: Array<StatementTrace[] | undefined>): TrialRun {
  return {
    size: request.seedRows,
    tables: [],
    phases: request.phases.map((p, i) => ({
      phase: p.phase,
      ms: p.measured.ms,
      statements: traces[i] ?? [],
      ...(p.measured.ok ? {} : { failure: p.measured.error ?? 'failed' }),
    })),
  };
}

async function probeRun(request: MigrationPredictionRequest, notes: string[]): Promise<TrialRun | undefined> {
  try {
    const phases = await runPhasesOnClone(request.source, request.phases.map((p) => ({ phase: p.phase, script: p.script })), request);
    return { size: request.seedRows, tables: [], phases };
  } catch (err) {
    if (!(err instanceof EnvironmentError)) throw err;
    notes.push(`no trace to find the tables that matter (${err.message})`);
    return undefined;
  }
}
