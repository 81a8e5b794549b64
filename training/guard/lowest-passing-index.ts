/**
 * Binary search for decision points: the lowest index in [0, upper] of ascending candidate thresholds at
 * which `passes` holds (flag rates fall as the threshold rises, so `passes` is monotone). `upper` is
 * returned when no lower index passes: `thresholds.length` lets the caller tell "none passes" apart,
 * `thresholds.length - 1` falls back to the highest candidate.
 */
export function lowestPassingIndex(thresholds: readonly number[], passes: (threshold: number) => boolean, upper: number): number {
  let low = 0;
  let high = upper;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (passes(thresholds[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}
