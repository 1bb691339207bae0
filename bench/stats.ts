/**
 * Sampling: a warm-up, then runs of the subject and its baseline interleaved (A B A B …) so both
 * see the same machine; each figure keeps every sample, the median, min and max.
 */

/** Summary of a set of samples. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Median, min and max of the samples (rounded to 0.1 for the report). */
export function summarize(samples: readonly number[]): Sample {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted[sorted.length - 1]!), samples: samples.map(round) };
}

/** How many runs to keep, after how many warm-ups. */
export interface RunPlan {
  runs: number;
  warmup: number;
}

/** A measured function: does its own untimed setup and returns the timed part in ms. */
export type Timed = () => Promise<number>;

/** Subject, baseline and their per-run ratio (subject / baseline of the same round). */
export interface PairSample {
  subject: Sample;
  baseline: Sample;
  ratio: Sample;
}

/** Runs subject and baseline alternately; the first `warmup` rounds are discarded. */
export async function measurePair(plan: RunPlan, subject: Timed, baseline: Timed, onRound?: (round: number) => void): Promise<PairSample> {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < plan.warmup + plan.runs; round++) {
    // Alternate which goes first, so neither always runs on a cooler or warmer cache.
    const [x, y] = round % 2 ? [await baseline(), await subject()].reverse() : [await subject(), await baseline()];
    onRound?.(round);
    if (round < plan.warmup) continue;
    a.push(x!);
    b.push(y!);
  }
  return { subject: summarize(a), baseline: summarize(b), ratio: summarize(a.map((v, i) => v / b[i]!)) };
}

/** Runs one measured function repeatedly; the first `warmup` runs are discarded. */
export async function measure(plan: RunPlan, fn: Timed): Promise<Sample> {
  const out: number[] = [];
  for (let round = 0; round < plan.warmup + plan.runs; round++) {
    const ms = await fn();
    if (round >= plan.warmup) out.push(ms);
  }
  return summarize(out);
}
