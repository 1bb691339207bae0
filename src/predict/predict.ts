/**
 * From trial runs (the same phase measured on clones grown to two or more sizes, trial.ts) and the
 * production sizes a team gave, the predicted time of each statement, the predicted hold of each
 * lock, and the phase's predicted time, each with the basis it was extrapolated from. Pure.
 *
 * - A statement that only changes the catalog, or whose tables are not listed, stays as measured
 *   at the smallest trial (the default seed): its cost does not grow with the table.
 * - A statement that rewrites, builds an index, validates or does row work on a listed table is
 *   fitted to its own times at the trial sizes (fit.ts) and evaluated at the production size of
 *   the tables that drive it: their rows, or for a rewrite their bytes when both the trials and
 *   the team's sizes have them (a rewrite copies bytes; synthetic rows are narrower than real ones).
 * - A lock is held from the statement that took it to the end of its transaction, over the
 *   statements after it (a LOCK TABLE before a rewrite holds as long as the rewrite takes): its
 *   hold is the hold measured at the smallest trial plus what the prediction adds to each
 *   statement it is held over (see `holdWindow`), so each keeps its own shape (a rewrite and an
 *   index build under one ACCESS EXCLUSIVE: linear plus n·log n).
 * - The phase, likewise, is its time at the smallest trial plus what each prediction adds.
 */
import type { CostKind, LockHold, LockMode, PredictedLock, StatementTrace } from '../locks/types.js';
import type { PhaseResult } from '../result/types.js';
import { classifyCost } from './cost.js';
import { evaluate, fitCost, median, type Fit, type FitOptions, type Shape, type SizeMedian } from './fit.js';
import type { PhaseRun, TableSizes, TrialRun } from './types.js';

/** What a table's size is measured in for one prediction. */
export type Scale = 'rows' | 'bytes';

/** A lock's predicted hold at production size. */
export interface LockPrediction {
  relation: string;
  mode: LockMode;
  /** Production rows of the locked table, or of the tables that drive the hold when it is not listed. */
  rows: number;
  heldMs: number;
}

/** A statement's predicted time, the model behind it, and its locks' holds. */
export interface StatementPrediction {
  /** Position in the phase's statements (0-based), with line and tag to match it to another trace. */
  index: number;
  line: number;
  tag: string;
  cost: CostKind;
  /** Listed tables whose size drives the cost (empty when it stays as measured). */
  tables: string[];
  scale: Scale;
  /** Production size of `tables` (sum), in `scale` units; 0 when it stays as measured. */
  productionSize: number;
  /** The fit, when the statement scales; its `sizes` are the trial medians it was fitted to. */
  fit?: Fit;
  /** Evaluated beyond the largest trial size (the usual case). */
  extrapolated: boolean;
  ms: number;
  basis: string;
  locks: LockPrediction[];
}

/** A phase's prediction: its time, each statement's, and what was left out. */
export interface PhasePrediction {
  phase: string;
  /** Undefined when no trial of the phase succeeded (see notes). */
  ms?: number;
  basis: string;
  statements: StatementPrediction[];
  /** Trials left out and why (a failure at a size, statements that differ between runs). */
  notes: string[];
}

interface Run {
  trial: TrialRun;
  phase: PhaseRun;
}

interface Driver {
  cost: CostKind;
  tables: string[];
  scale: Scale;
  shape: Shape;
  productionSize: number;
}

/** Predicts one phase (`up`, `down`, …) from the trial runs that include it. */
export function predictPhase(phase: string, trials: readonly TrialRun[], production: TableSizes, options: FitOptions = {}): PhasePrediction {
  const notes: string[] = [];
  const ok: Run[] = [];
  for (const trial of trials) {
    for (const run of trial.phases.filter((p) => p.phase === phase)) {
      if (run.failure) notes.push(`the ${count(trial.size)}-row trial failed: ${run.failure}`);
      else ok.push({ trial, phase: run });
    }
  }
  if (ok.length === 0) return { phase, basis: 'no trial of this phase succeeded', statements: [], notes };
  const refSize = Math.min(...ok.map((r) => r.trial.size));
  const reference = ok.find((r) => r.trial.size === refSize)!.phase.statements;
  const runs = ok.filter((r) => {
    const same = sameStatements(r.phase.statements, reference);
    if (!same) notes.push(`the ${count(r.trial.size)}-row trial ran other statements than the ${count(refSize)}-row one; left out`);
    return same;
  });
  const atRef = runs.filter((r) => r.trial.size === refSize);
  const listed = new Set(production.keys());

  // What drives each statement's cost: the listed tables it scales with, in rows or bytes.
  const drivers: Array<Driver | undefined> = reference.map((trace) => {
    const c = classifyCost(trace, listed);
    const tables = c.tables.filter((t) => listed.has(t));
    if (c.cost === 'metadata' || tables.length === 0) return undefined;
    const bytes = c.cost === 'rewrite' && tables.every((t) => production.get(t)!.bytes !== undefined && runs.every((r) => r.trial.tables.some((g) => g.table === t)));
    const scale: Scale = bytes ? 'bytes' : 'rows';
    return { cost: c.cost, tables, scale, shape: c.cost === 'index-build' ? 'nlogn' : 'linear', productionSize: sum(tables.map((t) => production.get(t)![scale] ?? 0)) };
  });

  const measured = reference.map((_, index) => median(atRef.map((r) => r.phase.statements[index]!.ms)));
  const fits = reference.map((_, index) => {
    const driver = drivers[index];
    if (!driver) return undefined;
    // Work that reads every row cannot stay constant as the table grows; row work may (by key).
    const noGrowth = driver.cost === 'scan' ? 'constant' : 'proportional';
    return fitCost(driver.shape, runs.map((r) => ({ x: sizeOf(r, index, driver), ms: r.phase.statements[index]!.ms })), { noGrowth, ...options });
  });
  const predicted = reference.map((_, index) => {
    const fit = fits[index];
    return fit ? evaluate(fit, drivers[index]!.productionSize) : measured[index]!;
  });
  const largestSize = Math.max(...runs.map((r) => r.trial.size));

  const statements = reference.map((trace, index): StatementPrediction => {
    const c = classifyCost(trace, listed);
    const driver = drivers[index];
    const fit = fits[index];
    const ms = predicted[index]!;
    const basis = driver
      ? describe(LABEL[c.cost], driver, fit)
      : c.cost === 'metadata'
        ? 'metadata only: as measured'
        : `${LABEL[c.cost]} of ${c.tables.join(', ')}, not listed in table-rows: as measured`;
    const locks = trace.locks.map((lock): LockPrediction => {
      const window = holdWindow(index, lock, runs, largestSize);
      const heldMs = median(holdsOf(atRef, index, lock)) + sum(window.map((j) => predicted[j]! - measured[j]!));
      const driven = window.map((j) => drivers[j]).find(Boolean);
      const rows = production.get(lock.relation)?.rows ?? (driven ? sum(driven.tables.map((t) => production.get(t)!.rows)) : lock.rows ?? 0);
      return { relation: lock.relation, mode: lock.mode, rows, heldMs: round(Math.max(0, heldMs)) };
    });
    const largest = fit?.sizes[fit.sizes.length - 1]?.x ?? 0;
    return {
      index,
      line: trace.line,
      tag: trace.tag,
      cost: c.cost,
      tables: driver?.tables ?? [],
      scale: driver?.scale ?? 'rows',
      productionSize: driver?.productionSize ?? 0,
      ...(fit ? { fit } : {}),
      extrapolated: driver !== undefined && driver.productionSize > largest,
      ms: round(ms),
      basis,
      locks,
    };
  });

  const phaseMs = median(atRef.map((r) => r.phase.ms)) + sum(predicted.map((ms, i) => ms - measured[i]!));
  const scaled = statements.filter((s) => s.tables.length > 0);
  const grown = [...new Set(runs.flatMap((r) => r.trial.tables.map((t) => t.table)))].sort();
  const sizes = [...new Set(runs.map((r) => r.trial.size))].sort((a, b) => a - b);
  const perSize = Math.max(...sizes.map((s) => runs.filter((r) => r.trial.size === s).length));
  const basis = scaled.length
    ? `trials at ${sizes.map(count).join(' / ')} rows per table of ${grown.join(', ')} (${perSize} run${perSize > 1 ? 's' : ''} each); ` +
      `${scaled.length} statement${scaled.length > 1 ? 's' : ''} scaled to production sizes, the rest as measured`
    : 'no statement scales with a listed table: as measured';
  return { phase, ms: round(Math.max(0, phaseMs)), basis, statements, notes };
}

/**
 * The listed tables a phase's statements scale with (rewrite, build, validate, row work): the
 * tables a trial must grow. Empty when none: the phase's prediction is its measured time.
 */
export function concernedTables(statements: readonly StatementTrace[], production: TableSizes): string[] {
  const listed = new Set(production.keys());
  const out = new Set<string>();
  for (const s of statements) {
    const c = classifyCost(s, listed);
    if (c.cost !== 'metadata') for (const t of c.tables) if (listed.has(t)) out.add(t);
  }
  return [...out].sort();
}

/**
 * A measured phase (the protocol's own run at the default seed) with the prediction's values
 * attached as the optional `predicted` fields of the result contract. Statements are matched by
 * position, line and tag; a statement the prediction does not know is left as it was.
 */
export function annotatePhase(result: PhaseResult, prediction: PhasePrediction): PhaseResult {
  const out: PhaseResult = { ...result };
  if (prediction.ms !== undefined) out.predicted = { ms: prediction.ms, basis: prediction.basis };
  if (!result.locks) return out;
  out.locks = {
    ...result.locks,
    statements: result.locks.statements.map((s, index) => {
      const p = prediction.statements[index];
      if (!p || p.line !== s.line || p.tag !== s.tag) return s;
      return {
        ...s,
        predicted: { ms: p.ms, cost: p.cost, basis: p.basis },
        locks: s.locks.map((l) => {
          const lp = p.locks.find((x) => x.relation === l.relation && x.mode === l.mode);
          const predicted: PredictedLock | undefined = lp ? { rows: lp.rows, heldMs: lp.heldMs } : undefined;
          return predicted ? { ...l, predicted } : l;
        }),
      };
    }),
  };
  return out;
}

/** The measured holds of statement `index`'s lock on the relation in that mode, one per run. */
function holdsOf(runs: readonly Run[], index: number, lock: LockHold): number[] {
  return runs.flatMap((r) => {
    const l = r.phase.statements[index]?.locks.find((x) => x.relation === lock.relation && x.mode === lock.mode);
    return l ? [l.heldMs] : [];
  });
}

/**
 * The statements a lock is held over: its own, and those after it up to the end of its
 * transaction. The trace does not record transaction boundaries, but times and holds are read on
 * one clock: in a run, a hold is the times of the statements it spans plus the COMMIT. So the
 * window is the statements from the lock's on whose times add up to no more than the hold (each
 * time is rounded to 0.1 ms), read on the runs at the largest trial size, where statements that
 * scale are long, and the most common answer taken. A short statement of the next transaction
 * that fits in the COMMIT's time may be taken in; it costs nothing, since a statement that does
 * not scale adds nothing to the prediction.
 */
function holdWindow(index: number, lock: LockHold, runs: readonly Run[], largestSize: number): number[] {
  const ends: number[] = [];
  for (const r of runs.filter((x) => x.trial.size === largestSize)) {
    const statements = r.phase.statements;
    const hold = statements[index]?.locks.find((l) => l.relation === lock.relation && l.mode === lock.mode)?.heldMs;
    if (hold === undefined) continue;
    let end = index;
    let spent = statements[index]!.ms;
    for (let j = index + 1; j < statements.length; j++) {
      spent += statements[j]!.ms;
      if (spent > hold + 0.05 * (j - index + 2)) break;
      end = j;
    }
    ends.push(end);
  }
  const end = ends.length ? Math.floor(median(ends)) : index;
  return Array.from({ length: end - index + 1 }, (_, k) => index + k);
}

const LABEL: Record<CostKind, string> = {
  metadata: 'metadata change',
  scan: 'row work',
  rewrite: 'rewrite',
  validate: 'validation scan',
  'index-build': 'index build',
};

/** The size of a run for a driver: the grown tables' rows or bytes; rows from the trace otherwise. */
function sizeOf(run: Run, index: number, driver: Driver): number {
  return sum(
    driver.tables.map((t) => {
      const grown = run.trial.tables.find((g) => g.table === t);
      if (grown) return grown[driver.scale];
      // A table the trial did not grow (a partition, say): the rows the tracer counted.
      const traced = run.phase.statements[index]?.locks.find((l) => l.relation === t)?.rows;
      return driver.scale === 'rows' && traced !== undefined ? traced : NaN;
    }),
  );
}

function describe(label: string, driver: Driver, fit: Fit | undefined): string {
  const what = `${label} of ${driver.tables.join(', ')}`;
  const unit = (x: number) => (driver.scale === 'bytes' ? bytes(x) : count(x));
  const target = `${unit(driver.productionSize)}${driver.scale === 'rows' ? ' rows' : ''}`;
  if (!fit) return `${what}: no usable trial; as measured`;
  const sizes = fit.sizes.map((s) => unit(s.x)).join(' / ') + (driver.scale === 'rows' ? ' rows' : '');
  const runs = Math.max(...fit.sizes.map((s) => s.runs));
  const each = `${runs} run${runs > 1 ? 's' : ''} each`;
  if (fit.why === 'one size') return `${what}: measured at ${sizes} only (${each}); constant`;
  if (fit.why === 'no growth') return `${what}: no growth beyond noise from ${sizes} (${each}); constant at ${target}`;
  const largest = fit.sizes[fit.sizes.length - 1]!.x;
  const factor = largest > 0 ? driver.productionSize / largest : Infinity;
  const how = factor > 1 ? `extrapolated ×${factor >= 10 ? Math.round(factor).toLocaleString('en') : factor.toFixed(1)} to ${target}` : `interpolated at ${target}`;
  const model = fit.shape === 'nlogn' ? 'n·log n' : 'linear';
  if (fit.why === 'no growth, proportional') return `${what}: growth from ${sizes} within noise (${each}); ${model} in proportion to the largest trial, ${how}`;
  return `${what}: ${model} fit of trials at ${sizes} (${each}), ${how}`;
}

function sameStatements(a: readonly StatementTrace[], b: readonly StatementTrace[]): boolean {
  return a.length === b.length && a.every((s, i) => s.line === b[i]!.line && s.tag === b[i]!.tag);
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
