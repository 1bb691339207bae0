/**
 * Fitting a statement's time (or a lock's hold) to the size of its table: `a + b·n` for scans,
 * validations and rewrites, `a + b·n·log₂n` for index builds (a sort). The trials give a few
 * runs at each of two or more sizes; the fit takes the median per size (one slow run on a shared
 * machine must not move it), least squares over those medians, and refuses to extrapolate noise:
 * a slope that is negative, or runs at the largest size that are not reliably slower than those
 * at the smallest, fit as a constant (see `grows`).
 */

/** The model's shape: how the cost grows with n. */
export type Shape = 'linear' | 'nlogn';

/** One measured run: the size it ran at (rows or bytes) and its time. */
export interface Point {
  x: number;
  ms: number;
}

/** The median of the runs at one size. */
export interface SizeMedian {
  x: number;
  ms: number;
  runs: number;
}

/** A fitted model: `a + b·basis(n)`, or a constant. */
export interface Fit {
  /** `constant` when the runs show no growth beyond noise, or were made at one size only. */
  shape: Shape | 'constant';
  /** Fixed cost (ms). */
  a: number;
  /** Cost per unit of the basis (ms per row, or per n·log₂n). */
  b: number;
  /** The sizes measured, ascending, with the median at each. */
  sizes: SizeMedian[];
  /**
   * Why the fit is not least squares: constant at one size or without growth beyond noise; or
   * `no growth, proportional`: in proportion to the largest trial, for work that cannot stay
   * constant as the table grows (see FitOptions.noGrowth).
   */
  why?: 'one size' | 'no growth' | 'no growth, proportional';
}

/** Tuning of the noise guard. */
export interface FitOptions {
  /**
   * Growth of the median from the smallest to the largest size at or below this is not growth
   * (ms). Default 1: the tracer rounds to 0.1 ms, and a sub-millisecond difference extrapolated
   * ×1000 is noise made large.
   */
  minGrowthMs?: number;
  /**
   * What to fit when the runs show no growth beyond noise (or a slope below zero): `constant`
   * (the default: an UPDATE by primary key does not grow), or `proportional`, the largest size's
   * time scaled with n through the origin, for work that reads every row (a rewrite, a
   * validation, an index build): on a noisy machine their growth between two trial sizes can
   * drown, but calling them constant would predict seconds for what takes an hour at 40 M rows.
   */
  noGrowth?: 'constant' | 'proportional';
}

/** The basis function of a shape: n, or n·log₂n (0 below n = 2). */
export function basis(shape: Shape, x: number): number {
  if (shape === 'linear') return x;
  return x >= 2 ? x * Math.log2(x) : 0;
}

/** Fits the shape to the points; undefined when there are none. */
export function fitCost(shape: Shape, points: readonly Point[], options: FitOptions = {}): Fit | undefined {
  const usable = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.ms));
  const sizes = mediansBySize(usable);
  if (sizes.length === 0) return undefined;
  const last = sizes[sizes.length - 1]!;
  if (sizes.length === 1) return { shape: 'constant', a: last.ms, b: 0, sizes, why: 'one size' };
  const flat: Fit =
    options.noGrowth === 'proportional' && last.x > 0
      ? { shape, a: 0, b: last.ms / basis(shape, last.x), sizes, why: 'no growth, proportional' }
      : { shape: 'constant', a: last.ms, b: 0, sizes, why: 'no growth' };
  if (!grows(usable, sizes[0]!, last, options.minGrowthMs ?? 1)) return flat;
  const fs = sizes.map((s) => basis(shape, s.x));
  const ys = sizes.map((s) => s.ms);
  const n = fs.length;
  const mf = fs.reduce((s, f) => s + f, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (fs[i]! - mf) ** 2;
    sxy += (fs[i]! - mf) * (ys[i]! - my);
  }
  if (sxx === 0) return flat;
  let b = sxy / sxx;
  let a = my - b * mf;
  if (b <= 0) return flat;
  if (a < 0) {
    // A negative fixed cost would make small sizes cost less than nothing: refit through the origin.
    a = 0;
    b = fs.reduce((s, f, i) => s + f * ys[i]!, 0) / fs.reduce((s, f) => s + f * f, 0);
  }
  return { shape, a, b, sizes };
}

/** The fitted time at size x (never negative). */
export function evaluate(fit: Fit, x: number): number {
  if (fit.shape === 'constant') return Math.max(0, fit.a);
  return Math.max(0, fit.a + fit.b * basis(fit.shape, x));
}

/** Median time per distinct size, ascending by size. */
export function mediansBySize(points: readonly Point[]): SizeMedian[] {
  const by = new Map<number, number[]>();
  for (const p of points) by.set(p.x, [...(by.get(p.x) ?? []), p.ms]);
  return [...by]
    .sort((a, b) => a[0] - b[0])
    .map(([x, ms]) => ({ x, ms: median(ms), runs: ms.length }));
}

/**
 * True when the runs at the largest size are reliably slower than those at the smallest: their
 * medians differ by more than `minMs`, and at least 3 in 4 of all (small run, large run) pairs
 * have the large one slower (ties count half; a Mann–Whitney reading). A statement that does not
 * scale shows about half, whatever the load; one that does shows nearly all, even on a busy
 * machine where the scatter within a size is wider than the growth of the medians.
 */
function grows(points: readonly Point[], small: SizeMedian, large: SizeMedian, minMs: number): boolean {
  if (large.ms - small.ms <= minMs) return false;
  const a = points.filter((p) => p.x === small.x).map((p) => p.ms);
  const b = points.filter((p) => p.x === large.x).map((p) => p.ms);
  let wins = 0;
  for (const x of a) for (const y of b) wins += y > x ? 1 : y === x ? 0.5 : 0;
  return wins >= 0.75 * a.length * b.length;
}

/** The median (NaN for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
