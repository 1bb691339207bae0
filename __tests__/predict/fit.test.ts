/** The fit on fixed points: exact shapes come back exactly; noise is not extrapolated. */
import { describe, expect, it } from '@jest/globals';
import { basis, evaluate, fitCost, median, mediansBySize, type Point } from '../../src/predict/fit.js';

const at = (xs: number[], f: (x: number) => number, repeats = 1): Point[] => xs.flatMap((x) => Array.from({ length: repeats }, () => ({ x, ms: f(x) })));

describe('fitCost', () => {
  it('recovers a linear cost exactly and extrapolates it', () => {
    const fit = fitCost('linear', at([1000, 10_000, 50_000], (n) => 2 + 0.003 * n, 3))!;
    expect(fit.shape).toBe('linear');
    expect(fit.a).toBeCloseTo(2, 9);
    expect(fit.b).toBeCloseTo(0.003, 12);
    expect(evaluate(fit, 40_000_000)).toBeCloseTo(2 + 0.003 * 40_000_000, 6);
    expect(fit.sizes).toEqual([{ x: 1000, ms: 5, runs: 3 }, { x: 10_000, ms: 32, runs: 3 }, { x: 50_000, ms: 152, runs: 3 }]);
  });

  it('recovers an n·log n cost exactly: more than linear at 1,000× the trial', () => {
    const cost = (n: number) => 1 + 1e-5 * n * Math.log2(n);
    const fit = fitCost('nlogn', at([1000, 10_000, 50_000], cost))!;
    expect(fit.shape).toBe('nlogn');
    expect(evaluate(fit, 50_000_000)).toBeCloseTo(cost(50_000_000), 3);
    const linear = fitCost('linear', at([1000, 10_000, 50_000], cost))!;
    expect(evaluate(fit, 50_000_000)).toBeGreaterThan(evaluate(linear, 50_000_000) * 1.4);
  });

  it('takes the median per size: one slow run does not move the fit', () => {
    const points = [...at([1000], () => 10, 3), { x: 50_000, ms: 110 }, { x: 50_000, ms: 110 }, { x: 50_000, ms: 5000 }];
    const fit = fitCost('linear', points)!;
    expect(evaluate(fit, 50_000)).toBeCloseTo(110, 9);
    expect(fit.b).toBeCloseTo(100 / 49_000, 12);
  });

  it('does not extrapolate noise: growth within the scatter, or below 1 ms, is constant', () => {
    // A statement that does not scale (an UPDATE by key) measured on a noisy machine.
    const flat: Point[] = [1000, 1000, 1000, 50_000, 50_000, 50_000].map((x, i) => ({ x, ms: [3, 9, 4, 5, 2, 8][i]! }));
    const fit = fitCost('linear', flat)!;
    expect(fit).toMatchObject({ shape: 'constant', why: 'no growth', b: 0 });
    expect(evaluate(fit, 40_000_000)).toBe(5);
    expect(fitCost('linear', [{ x: 1000, ms: 0.3 }, { x: 50_000, ms: 1.2 }])).toMatchObject({ shape: 'constant', a: 1.2 });
    expect(fitCost('linear', [{ x: 1000, ms: 0.3 }, { x: 50_000, ms: 1.2 }], { minGrowthMs: 0.5 })).toMatchObject({ shape: 'linear' });
  });

  it('noGrowth proportional: flat runs of work that reads every row scale through the origin from the largest size', () => {
    const flat: Point[] = [1000, 1000, 50_000, 50_000].map((x, i) => ({ x, ms: [4, 6, 5, 5][i]! }));
    const fit = fitCost('linear', flat, { noGrowth: 'proportional' })!;
    expect(fit).toMatchObject({ shape: 'linear', a: 0, why: 'no growth, proportional' });
    expect(evaluate(fit, 40_000_000)).toBeCloseTo(5 * 800, 9);
    // An n·log n shape keeps its shape: more than linear at 800×.
    expect(evaluate(fitCost('nlogn', flat, { noGrowth: 'proportional' })!, 40_000_000)).toBeGreaterThan(5 * 800);
    // Growth that stands out is fitted as usual, whatever noGrowth says.
    expect(fitCost('linear', at([1000, 50_000], (n) => 2 + 0.01 * n, 2), { noGrowth: 'proportional' })).toMatchObject({ shape: 'linear', a: 2 });
  });

  it('keeps growth that stands out of the scatter even when the scatter is wide (a busy machine)', () => {
    const busy: Point[] = [
      ...[11.6, 10.2, 26.4].map((ms) => ({ x: 1000, ms })),
      ...[59.6, 92, 35.1].map((ms) => ({ x: 20_000, ms })),
    ];
    expect(fitCost('nlogn', busy)!.shape).toBe('nlogn');
  });

  it('a negative slope is constant; a negative intercept is refitted through the origin', () => {
    // The largest size is slower than the smallest, but least squares over all three slopes down.
    expect(fitCost('linear', [{ x: 1000, ms: 10 }, { x: 10_000, ms: 100 }, { x: 20_000, ms: 12 }])).toMatchObject({ shape: 'constant', a: 12 });
    // Medians (1000, 1), (2000, 10), (3000, 11): least squares says a = -7 ms.
    const fit = fitCost('linear', [{ x: 1000, ms: 1 }, { x: 2000, ms: 10 }, { x: 3000, ms: 11 }])!;
    expect(fit.a).toBe(0);
    expect(fit.b).toBeCloseTo((1000 * 1 + 2000 * 10 + 3000 * 11) / (1000 ** 2 + 2000 ** 2 + 3000 ** 2), 12);
    expect(evaluate(fit, 0)).toBe(0);
  });

  it('one size is a constant (nothing to fit); no points is no fit', () => {
    expect(fitCost('linear', at([1000], () => 7, 3))).toMatchObject({ shape: 'constant', a: 7, why: 'one size' });
    expect(fitCost('linear', [])).toBeUndefined();
    expect(fitCost('linear', [{ x: NaN, ms: 3 }])).toBeUndefined();
  });
});

describe('helpers', () => {
  it('basis, median, medians by size', () => {
    expect(basis('linear', 8)).toBe(8);
    expect(basis('nlogn', 8)).toBe(24);
    expect(basis('nlogn', 1)).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(mediansBySize([{ x: 2, ms: 1 }, { x: 1, ms: 4 }, { x: 2, ms: 3 }])).toEqual([{ x: 1, ms: 4, runs: 1 }, { x: 2, ms: 2, runs: 2 }]);
  });
});
