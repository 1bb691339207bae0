/**
 * Which sizes to run trials at. Measured here (bench figure 6): per row, a table rewrite costs
 * about twice as much, and a validation scan about half as much, while the table is smaller than
 * a quarter of shared_buffers as once it is larger. That is where PostgreSQL switches a table's
 * sequential scans to a small ring of buffers (heapam.c: `rs_nblocks > NBuffers / 4`): a small
 * table is read from shared buffers, a large one through the ring, from the OS. A production
 * table is large, so the largest trial must be too, or the fit extrapolates from the wrong
 * regime. So: the default seed (fixed costs), and one size past that threshold for the narrowest
 * concerned table (the slope), or the production size itself when it is smaller. Pure.
 */

export interface SizePlanInput {
  /** The smallest trial: the protocol's seed (fixed costs show here). */
  seedRows: number;
  /** The largest production row count among the concerned tables. */
  productionRows: number;
  /** Bytes per row of the narrowest concerned table, as seeded (it needs the most rows). */
  bytesPerRow: number;
  /** A quarter of shared_buffers, in bytes: tables larger than this are scanned through a ring. */
  ringThresholdBytes: number;
  /** Bounds of the large trial (rows). Default 50,000 and 500,000. */
  minRows?: number;
  maxRows?: number;
}

/** How far past the threshold the large trial goes: width estimates from a small seed are rough. */
const MARGIN = 1.5;

/** Trial sizes, ascending: the seed, then a size past the ring threshold (or production's). */
export function planTrialSizes(input: SizePlanInput): number[] {
  const min = input.minRows ?? 50_000;
  const max = input.maxRows ?? 500_000;
  if (input.productionRows <= input.seedRows) return [input.seedRows];
  const width = input.bytesPerRow > 0 ? input.bytesPerRow : 100;
  const pastRing = Math.ceil((MARGIN * input.ringThresholdBytes) / width);
  const large = Math.min(input.productionRows, Math.max(min, Math.min(max, roundUp(pastRing))));
  return large > input.seedRows ? [input.seedRows, large] : [input.seedRows];
}

/** Two significant digits, up: 246,913 → 250,000 (sizes people read in the basis). */
function roundUp(n: number): number {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step) * step;
}
