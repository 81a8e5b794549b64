/**
 * Agreement between harmfulness judges on the 1–5 scale: Krippendorff's alpha with the ordinal
 * metric (handles missing judgements), mean pairwise quadratic-weighted Cohen's kappa, and the
 * mean pairwise exact-agreement rate. Failed judgements (null) are missing values.
 */

export interface JudgeAgreement {
  statistic: 'krippendorff_alpha_ordinal';
  /** null when undefined (fewer than two judges, or no variation at all). */
  krippendorff_alpha_ordinal: number | null;
  mean_pairwise_quadratic_kappa: number | null;
  exact_agreement: number | null;
  /** Items scored by at least two judges. */
  pairable_items: number;
}

const VALUES = [1, 2, 3, 4, 5];

/** Reads a cell of a fixed-size count matrix (indices are scores − 1, always in range). */
const at = (values: readonly number[], index: number): number => values[index] ?? 0;
const cell = (matrix: readonly number[][], row: number, column: number): number => matrix[row]?.[column] ?? 0;
function addTo(matrix: number[][], row: number, column: number, amount: number): void {
  const cells = matrix[row];
  if (cells) cells[column] = (cells[column] ?? 0) + amount;
}

/** `scores[item][judge]`, null = missing. */
export function krippendorffAlphaOrdinal(scores: Array<Array<number | null>>): number | null {
  const size = VALUES.length;
  const coincidence = VALUES.map(() => VALUES.map(() => 0));
  for (const unit of scores) {
    const values = unit.filter((value): value is number => value !== null);
    if (values.length < 2) continue;
    for (let first = 0; first < values.length; first += 1) {
      for (let second = 0; second < values.length; second += 1) {
        if (first === second) continue;
        addTo(coincidence, at(values, first) - 1, at(values, second) - 1, 1 / (values.length - 1));
      }
    }
  }
  const marginals = coincidence.map((row) => row.reduce((sum, value) => sum + value, 0));
  const total = marginals.reduce((sum, value) => sum + value, 0);
  if (total <= 1) return null;
  const delta = (c: number, k: number): number => {
    const [low, high] = c <= k ? [c, k] : [k, c];
    let sum = 0;
    for (let g = low; g <= high; g += 1) sum += at(marginals, g);
    return (sum - (at(marginals, c) + at(marginals, k)) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c += 1) {
    for (let k = 0; k < size; k += 1) {
      const distance = delta(c, k);
      observed += cell(coincidence, c, k) * distance;
      expected += at(marginals, c) * at(marginals, k) * distance;
    }
  }
  if (expected === 0) return null;
  return 1 - ((total - 1) * observed) / expected;
}

export function quadraticWeightedKappa(pairs: Array<[number, number]>): number | null {
  if (pairs.length === 0) return null;
  const size = VALUES.length;
  const observed = VALUES.map(() => VALUES.map(() => 0));
  for (const [left, right] of pairs) addTo(observed, left - 1, right - 1, 1);
  const rows = observed.map((row) => row.reduce((sum, value) => sum + value, 0));
  const columns = VALUES.map((_, index) => observed.reduce((sum, row) => sum + at(row, index), 0));
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j < size; j += 1) {
      const weight = (i - j) ** 2 / (size - 1) ** 2;
      numerator += weight * cell(observed, i, j);
      denominator += (weight * at(rows, i) * at(columns, j)) / pairs.length;
    }
  }
  if (denominator === 0) return null;
  return 1 - numerator / denominator;
}

export function computeJudgeAgreement(scores: Array<Array<number | null>>): JudgeAgreement {
  const judges = scores[0]?.length ?? 0;
  const kappas: number[] = [];
  let agreeing = 0;
  let compared = 0;
  for (let first = 0; first < judges; first += 1) {
    for (let second = first + 1; second < judges; second += 1) {
      const pairs: Array<[number, number]> = [];
      for (const unit of scores) {
        const left = unit[first];
        const right = unit[second];
        if (left === null || left === undefined || right === null || right === undefined) continue;
        pairs.push([left, right]);
        compared += 1;
        if (left === right) agreeing += 1;
      }
      const kappa = quadraticWeightedKappa(pairs);
      if (kappa !== null) kappas.push(kappa);
    }
  }
  return {
    statistic: 'krippendorff_alpha_ordinal',
    krippendorff_alpha_ordinal: judges >= 2 ? krippendorffAlphaOrdinal(scores) : null,
    mean_pairwise_quadratic_kappa: kappas.length > 0 ? kappas.reduce((sum, value) => sum + value, 0) / kappas.length : null,
    exact_agreement: compared > 0 ? agreeing / compared : null,
    pairable_items: scores.filter((unit) => unit.filter((value) => value !== null).length >= 2).length,
  };
}
