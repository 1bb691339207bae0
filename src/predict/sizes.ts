/**
 * Which sizes to run trials at. Measured on this project's bench machine (figure 6 and the
 * experiments in its commit messages): once a table is larger than a quarter of shared_buffers,
 * PostgreSQL scans it through a small ring of buffers (heapam.c: `rs_nblocks > NBuffers / 4`),
 * reading from the OS rather than from shared buffers, and its cost per row changes: a rewrite
 * costs about half as much per row as below the threshold; a scan like SET NOT NULL's follows
 * `a + b·n` with a fixed part of a few hundred ms that small tables do not show at all (250k,
 * 500k and 1M rows: 451, 631 and 964 ms, i.e. 275 ms + 0.7 µs/row, where 1,000 rows take 10 ms).
 * A production table is past that threshold, so both trial sizes must be too, or the fit
 * extrapolates from the wrong regime: the large trial is 1.5× past the threshold for the
 * narrowest concerned table, and the second twice that. A production table smaller than that is
 * measured at its own size: no extrapolation at all. Pure.
 */

export interface SizePlanInput {
  /** The protocol's seed: enough when production is no larger. */
  seedRows: number;
  /** The largest production row count among the concerned tables. */
  productionRows: number;
  /** Bytes per row of the narrowest concerned table, as seeded (it needs the most rows). */
  bytesPerRow: number;
  /** A quarter of shared_buffers, in bytes: tables larger than this are scanned through a ring. */
  ringThresholdBytes: number;
  /** Bounds of the first large trial (rows); the second is twice it. Default 50,000 and 400,000. */
  minRows?: number;
  maxRows?: number;
}

/** How far past the threshold the first large trial goes: width estimates from a small seed are rough. */
const MARGIN = 1.5;

/** Trial sizes, ascending (see the file comment). */
export function planTrialSizes(input: SizePlanInput): number[] {
  const min = input.minRows ?? 50_000;
  const max = input.maxRows ?? 400_000;
  const production = input.productionRows;
  if (production <= input.seedRows) return [input.seedRows];
  const width = input.bytesPerRow > 0 ? input.bytesPerRow : 100;
  const first = Math.max(min, Math.min(max, roundUp((MARGIN * input.ringThresholdBytes) / width)));
  if (production <= first) return [input.seedRows, production];
  return [first, Math.min(2 * first, production)];
}

/** Two significant digits, up: 314,573 → 320,000 (sizes people read in the basis). */
function roundUp(n: number): number {
  const c = Math.ceil(n);
  const step = 10 ** Math.max(0, Math.floor(Math.log10(c)) - 1);
  return Math.ceil(c / step) * step;
}
