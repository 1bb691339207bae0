/**
 * Which columns a reordering actually moved. When a down drops a column and adds it back, the
 * column goes to the end and every column after its old place shifts up by one: all of their
 * positions changed, but only the re-added column moved relative to the others. The columns that
 * kept their relative order are a longest increasing subsequence of the new positions read in
 * the old order; every column outside it moved. Pure.
 */

/** A column present in both snapshots, with its 1-based position in each. */
export interface ColumnPlace {
  key: string;
  before: number;
  after: number;
}

/**
 * Keys of the columns that moved relative to the others: the fewest columns whose removal leaves
 * the rest in the same order. Of two swapped columns, the one that went back is reported.
 */
export function movedColumns(columns: readonly ColumnPlace[]): Set<string> {
  const byOld = [...columns].sort((a, b) => a.before - b.before);
  const kept = longestIncreasing(byOld.map((c) => c.after));
  return new Set(byOld.filter((_, i) => !kept.has(i)).map((c) => c.key));
}

/** Indexes of one longest strictly increasing subsequence (patience sorting, O(n log n)). */
function longestIncreasing(values: readonly number[]): Set<number> {
  // tails[k]: index of the smallest tail of an increasing run of length k + 1.
  const tails: number[] = [];
  const previous = new Array<number>(values.length).fill(-1);
  values.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const out = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) out.add(i);
  return out;
}
