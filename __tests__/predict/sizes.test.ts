/** Trial sizes: the seed, then past a quarter of shared_buffers (production's regime), or production itself. */
import { describe, expect, it } from '@jest/globals';
import { planTrialSizes } from '../../src/predict/sizes.js';

const MB = 1024 * 1024;
const plan = (productionRows: number, bytesPerRow: number, ringThresholdBytes = 32 * MB) => planTrialSizes({ seedRows: 1000, productionRows, bytesPerRow, ringThresholdBytes });

describe('planTrialSizes', () => {
  it('goes 1.5× past the ring threshold for the table\'s width, rounded to two digits', () => {
    // 160-byte rows: 32 MB is 209,715 rows; 1.5× that is 314,573 → 320,000.
    expect(plan(40_000_000, 160)).toEqual([1000, 320_000]);
    // Wide rows need fewer, but never fewer than 50,000 (a slope needs a long run).
    expect(plan(40_000_000, 4000)).toEqual([1000, 50_000]);
    // Narrow rows would need millions: capped at 500,000.
    expect(plan(40_000_000, 20)).toEqual([1000, 500_000]);
  });

  it('measures at the production size itself when it is smaller: no extrapolation', () => {
    expect(plan(120_000, 160)).toEqual([1000, 120_000]);
    expect(plan(1000, 160)).toEqual([1000]);
    expect(plan(10, 160)).toEqual([1000]);
  });

  it('follows the server: a larger shared_buffers means a larger trial', () => {
    expect(plan(40_000_000, 160, 8 * MB)).toEqual([1000, 79_000]);
    expect(planTrialSizes({ seedRows: 1000, productionRows: 40_000_000, bytesPerRow: 160, ringThresholdBytes: 2048 * MB, maxRows: 2_000_000 })).toEqual([1000, 2_000_000]);
  });

  it('survives a width it could not measure (no rows seeded)', () => {
    expect(plan(40_000_000, 0)).toEqual([1000, 500_000]);
  });
});
