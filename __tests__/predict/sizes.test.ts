/** Trial sizes: two past a quarter of shared_buffers (production's regime), or production's own size. */
import { describe, expect, it } from '@jest/globals';
import { planTrialSizes } from '../../src/predict/sizes.js';

const MB = 1024 * 1024;
const plan = (productionRows: number, bytesPerRow: number, ringThresholdBytes = 32 * MB) => planTrialSizes({ seedRows: 1000, productionRows, bytesPerRow, ringThresholdBytes });

describe('planTrialSizes', () => {
  it('puts both trials past the ring threshold: 1.5× it for the table\'s width (two digits), and twice that', () => {
    // 160-byte rows: 32 MB is 209,715 rows; 1.5× that is 314,573 → 320,000.
    expect(plan(40_000_000, 160)).toEqual([320_000, 640_000]);
    // Wide rows need fewer, but never fewer than 50,000 (a slope needs a long run).
    expect(plan(40_000_000, 4000)).toEqual([50_000, 100_000]);
    // Narrow rows would need millions: capped at 400,000 (and 800,000).
    expect(plan(40_000_000, 20)).toEqual([400_000, 800_000]);
  });

  it('measures at the production size itself when it is no larger: no extrapolation', () => {
    expect(plan(500_000, 160)).toEqual([320_000, 500_000]);
    expect(plan(120_000, 160)).toEqual([1000, 120_000]);
    expect(plan(1000, 160)).toEqual([1000]);
    expect(plan(10, 160)).toEqual([1000]);
  });

  it('follows the server: a larger shared_buffers means larger trials', () => {
    expect(plan(40_000_000, 160, 8 * MB)).toEqual([79_000, 158_000]);
    expect(planTrialSizes({ seedRows: 1000, productionRows: 40_000_000, bytesPerRow: 160, ringThresholdBytes: 2048 * MB, maxRows: 2_000_000 })).toEqual([2_000_000, 4_000_000]);
  });

  it('survives a width it could not measure (no rows seeded)', () => {
    expect(plan(40_000_000, 0)).toEqual([400_000, 800_000]);
  });
});
