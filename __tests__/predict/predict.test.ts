/**
 * Predictions from fixed trial runs whose times follow known laws: the predicted values must be
 * those laws at the production size, with the basis saying what was extrapolated from what.
 */
import { describe, expect, it } from '@jest/globals';
import { annotatePhase, concernedTables, predictPhase } from '../../src/predict/predict.js';
import type { StatementTrace } from '../../src/locks/types.js';
import type { PhaseResult } from '../../src/result/types.js';
import type { TableSizes, TrialRun } from '../../src/predict/types.js';
import { addNullableColumn, indexBuild, lock, rewrite, setTimeout_, statement } from './traces.js';

const SIZES = [1000, 10_000, 50_000];
/** Synthetic rows are 100 bytes wide in the trials. */
const WIDTH = 100;
const rewriteMs = (bytes: number) => 2 + 1e-4 * bytes;
const rewriteMsByRows = (rows: number) => rewriteMs(rows * WIDTH);
const indexMs = (rows: number) => 1 + 1e-5 * rows * Math.log2(rows);
const COMMIT = 0.5;

/** `up`: SET lock_timeout; a rewrite; an index build; in one transaction. */
function upStatements(rows: number): StatementTrace[] {
  const r = rewriteMsByRows(rows);
  const i = indexMs(rows);
  return [setTimeout_(0.1), rewrite(r, r + i + COMMIT), indexBuild(i, i + COMMIT)];
}

/** `lock-first`: LOCK TABLE, then the rewrite: the LOCK's hold grows with the rewrite. */
function lockFirstStatements(rows: number): StatementTrace[] {
  const r = rewriteMsByRows(rows);
  return [
    statement({ tag: 'LOCK', line: 1, ms: 0.2, locks: [lock('public.events', 'ACCESS EXCLUSIVE', 0.2 + r + COMMIT)] }),
    { ...rewrite(r, r + COMMIT), locks: [] },
  ];
}

function trials(phases: Record<string, (rows: number) => StatementTrace[]>, repeats = 2, sizes = SIZES): TrialRun[] {
  return sizes.flatMap((size) =>
    Array.from({ length: repeats }, () => ({
      size,
      tables: [{ table: 'public.events', rows: size, bytes: size * WIDTH }],
      phases: Object.entries(phases).map(([phase, make]) => {
        const statements = make(size);
        return { phase, ms: statements.reduce((s, t) => s + t.ms, 0) + 1, statements };
      }),
    })),
  );
}

const PROD_ROWS = 10_000_000;
const PROD_BYTES = 3_000_000_000;
const rowsOnly: TableSizes = new Map([['public.events', { rows: PROD_ROWS }]]);
const withBytes: TableSizes = new Map([['public.events', { rows: PROD_ROWS, bytes: PROD_BYTES }]]);
const round = (ms: number) => Math.round(ms * 10) / 10;

describe('predictPhase', () => {
  it('extrapolates a rewrite (linear) and an index build (n·log n) to production rows; metadata stays as measured', () => {
    const p = predictPhase('up', trials({ up: upStatements }), rowsOnly);
    expect(p.statements.map((s) => [s.cost, s.tables, s.scale])).toEqual([
      ['metadata', [], 'rows'],
      ['rewrite', ['public.events'], 'rows'],
      ['index-build', ['public.events'], 'rows'],
    ]);
    expect(p.statements[0]).toMatchObject({ ms: 0.1, basis: 'metadata only: as measured', extrapolated: false });
    expect(p.statements[1]!.ms).toBeCloseTo(rewriteMsByRows(PROD_ROWS), 0);
    expect(p.statements[2]!.ms).toBeCloseTo(indexMs(PROD_ROWS), 0);
    expect(p.statements[1]).toMatchObject({ extrapolated: true, productionSize: PROD_ROWS });
    expect(p.statements[1]!.basis).toBe('rewrite of public.events: linear fit of trials at 1,000 / 10,000 / 50,000 rows (2 runs each), extrapolated ×200 to 10,000,000 rows');
    expect(p.statements[2]!.basis).toBe('index build of public.events: n·log n fit of trials at 1,000 / 10,000 / 50,000 rows (2 runs each), extrapolated ×200 to 10,000,000 rows');
    // The phase: as measured at the smallest trial, plus what each prediction adds.
    const ref = upStatements(1000);
    const expected = ref.reduce((s, t) => s + t.ms, 0) + 1 + (p.statements[1]!.ms - ref[1]!.ms) + (p.statements[2]!.ms - ref[2]!.ms);
    expect(p.ms).toBeCloseTo(expected, 0);
    expect(p.basis).toBe('trials at 1,000 / 10,000 / 50,000 rows per table of public.events (2 runs each); 2 statements scaled to production sizes, the rest as measured');
    expect(p.notes).toEqual([]);
  });

  it('a rewrite scales with bytes when the team gave them: real rows are wider than synthetic ones', () => {
    const p = predictPhase('up', trials({ up: upStatements }), withBytes);
    expect(p.statements[1]).toMatchObject({ scale: 'bytes', productionSize: PROD_BYTES });
    expect(p.statements[1]!.ms).toBeCloseTo(rewriteMs(PROD_BYTES), 0);
    expect(p.statements[1]!.basis).toBe('rewrite of public.events: linear fit of trials at 97.7 kB / 977 kB / 4.8 MB (2 runs each), extrapolated ×600 to 2.8 GB');
    // Index builds sort rows, whatever their width.
    expect(p.statements[2]).toMatchObject({ scale: 'rows' });
    expect(p.statements[2]!.ms).toBeCloseTo(indexMs(PROD_ROWS), 0);
  });

  it('predicts each lock hold over the statements after it in its transaction, each with its own shape', () => {
    const p = predictPhase('up', trials({ up: upStatements }), rowsOnly);
    const [rewriteLock] = p.statements[1]!.locks;
    const [indexLock] = p.statements[2]!.locks;
    expect(rewriteLock).toMatchObject({ relation: 'public.events', mode: 'ACCESS EXCLUSIVE', rows: PROD_ROWS });
    expect(indexLock).toMatchObject({ relation: 'public.events', mode: 'SHARE', rows: PROD_ROWS });
    expect(indexLock!.heldMs).toBeCloseTo(indexMs(PROD_ROWS) + COMMIT, 0);
    // The ACCESS EXCLUSIVE is held through the rewrite and the index build, each with its shape.
    expect(rewriteLock!.heldMs).toBeCloseTo(rewriteMsByRows(PROD_ROWS) + indexMs(PROD_ROWS) + COMMIT, 0);
  });

  it('a hold ends with its transaction: a later transaction\'s statement does not lengthen it', () => {
    const twoTransactions = (rows: number) => {
      const r = rewriteMsByRows(rows);
      const i = indexMs(rows);
      return [rewrite(r, r + COMMIT), indexBuild(i, i + COMMIT)];
    };
    const p = predictPhase('two', trials({ two: twoTransactions }), rowsOnly);
    expect(p.statements[0]!.locks[0]!.heldMs).toBeCloseTo(rewriteMsByRows(PROD_ROWS) + COMMIT, 0);
    expect(p.statements[1]!.locks[0]!.heldMs).toBeCloseTo(indexMs(PROD_ROWS) + COMMIT, 0);
  });

  it('a metadata statement that locks before a rewrite holds its lock as long as the rewrite takes', () => {
    const p = predictPhase('lock-first', trials({ 'lock-first': lockFirstStatements }), rowsOnly);
    expect(p.statements[0]).toMatchObject({ cost: 'metadata', ms: 0.2 });
    // The rewrite's table is known as a table because it is listed, though the LOCK took the lock.
    expect(p.statements[1]).toMatchObject({ cost: 'rewrite', tables: ['public.events'] });
    expect(p.statements[0]!.locks[0]!.heldMs).toBeCloseTo(round(0.2 + rewriteMsByRows(PROD_ROWS) + COMMIT), 0);
  });

  it('a hold that does not grow in the trials stays as measured', () => {
    const p = predictPhase('meta', trials({ meta: () => [addNullableColumn(0.4, 0.9), statement({ tag: 'UPDATE', line: 6, ms: 5, locks: [lock('public.events', 'ROW EXCLUSIVE', 5)] })] }), rowsOnly);
    expect(p.statements[0]!.locks[0]!.heldMs).toBe(0.9);
    // Row work (an UPDATE by key) measured the same at every size: no growth to extrapolate.
    expect(p.statements[1]).toMatchObject({ ms: 5, cost: 'scan' });
    expect(p.statements[1]!.basis).toBe('row work of public.events: no growth beyond noise from 1,000 / 10,000 / 50,000 rows (2 runs each); constant at 10,000,000 rows');
  });

  it('a rewrite whose growth drowns in noise is taken in proportion to its largest trial, never as constant', () => {
    // Reading every row cannot stay constant as the table grows: 5 ms at 50,000 rows is 1 s at 10 M.
    const p = predictPhase('flat', trials({ flat: () => [rewrite(5, 5)] }), rowsOnly);
    expect(p.statements[0]).toMatchObject({ ms: 1000, cost: 'rewrite', extrapolated: true });
    expect(p.statements[0]!.locks[0]!.heldMs).toBeCloseTo(1000, 0);
    expect(p.statements[0]!.basis).toBe('rewrite of public.events: growth from 1,000 / 10,000 / 50,000 rows within noise (2 runs each); linear in proportion to the largest trial, extrapolated ×200 to 10,000,000 rows');
  });

  it('statements on tables not listed stay as measured', () => {
    const p = predictPhase('up', trials({ up: upStatements }), new Map([['public.users', { rows: 5 }]]));
    expect(p.statements[1]).toMatchObject({ tables: [], extrapolated: false, ms: round(rewriteMsByRows(1000)) });
    expect(p.statements[1]!.basis).toBe('rewrite of public.events, not listed in table-rows: as measured');
    expect(p.basis).toBe('no statement scales with a listed table: as measured');
    expect(p.ms).toBeCloseTo(upStatements(1000).reduce((s, t) => s + t.ms, 0) + 1, 1);
  });

  it('leaves out failed trials and trials that ran other statements, and says so', () => {
    const runs = trials({ up: upStatements });
    runs.push({ size: 80_000, tables: [], phases: [{ phase: 'up', ms: 3, statements: [], failure: 'duplicate key value violates unique constraint "x"' }] });
    runs.push({ size: 90_000, tables: [], phases: [{ phase: 'up', ms: 3, statements: [setTimeout_()] }] });
    const p = predictPhase('up', runs, rowsOnly);
    expect(p.notes).toEqual([
      'the 80,000-row trial failed: duplicate key value violates unique constraint "x"',
      'the 90,000-row trial ran other statements than the 1,000-row one; left out',
    ]);
    expect(p.statements[1]!.ms).toBeCloseTo(rewriteMsByRows(PROD_ROWS), 0);
    const none = predictPhase('up', runs.slice(-2, -1), rowsOnly);
    expect(none).toMatchObject({ statements: [], basis: 'no trial of this phase succeeded' });
    expect(none.ms).toBeUndefined();
  });

  it('one run (the protocol\'s own, no trials) predicts nothing beyond what was measured', () => {
    const p = predictPhase('up', trials({ up: upStatements }, 1, [1000]), rowsOnly);
    expect(p.statements[1]!.ms).toBe(round(rewriteMsByRows(1000)));
    expect(p.statements[1]!.basis).toBe('rewrite of public.events: measured at 1,000 rows only (1 run each); constant');
  });
});

describe('concernedTables', () => {
  it('lists the listed tables that statements scale with, not those only locked for a catalog change', () => {
    const sizes: TableSizes = new Map([['public.events', { rows: 1 }], ['public.users', { rows: 1 }]]);
    expect(concernedTables(upStatements(1000), sizes)).toEqual(['public.events']);
    expect(concernedTables([addNullableColumn(), statement({ tag: 'ALTER TABLE', locks: [lock('public.users', 'ACCESS EXCLUSIVE')] })], sizes)).toEqual([]);
    expect(concernedTables(upStatements(1000), new Map())).toEqual([]);
  });
});

describe('annotatePhase', () => {
  it('attaches the predictions to the measured phase as the optional result fields', () => {
    const measured = upStatements(1000);
    const phase: PhaseResult = { ms: 12, ok: true, locks: { parser: 'libpg-query', statements: [...measured.slice(0, 2), { ...measured[2]!, line: 99 }] } };
    const p = predictPhase('up', trials({ up: upStatements }), rowsOnly);
    const out = annotatePhase(phase, p);
    expect(out.predicted).toEqual({ ms: p.ms, basis: p.basis });
    const [set, alter, moved] = out.locks!.statements;
    expect(set!.predicted).toEqual({ ms: 0.1, cost: 'metadata', basis: 'metadata only: as measured' });
    expect(alter!.predicted).toMatchObject({ cost: 'rewrite', ms: p.statements[1]!.ms });
    expect(alter!.locks[0]!.predicted).toEqual({ rows: PROD_ROWS, heldMs: p.statements[1]!.locks[0]!.heldMs });
    // A statement the prediction does not know (another line) is left as measured.
    expect(moved!.predicted).toBeUndefined();
    expect(moved!.locks[0]!.predicted).toBeUndefined();
    // The input is not changed.
    expect(phase.predicted).toBeUndefined();
    expect(phase.locks!.statements[1]!.predicted).toBeUndefined();
  });
});
