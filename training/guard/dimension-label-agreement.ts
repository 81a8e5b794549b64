/**
 * How far the corpus' dimension labels follow from its mechanism labels: for each mechanism, the share of its
 * harmful records labelled with each dimension (train split), and the accuracy of "the mechanism's most common
 * train dimension" on train and dev. A guard that knew every record's mechanism exactly, and nothing else, would
 * reach that dev figure; it bounds what a mechanism-first dimension rule can do (docs/guard-classifier.md).
 *
 * Run: node --import tsx training/guard/dimension-label-agreement.ts
 */
import { readCorpus } from './read-corpus.js';

type Counts = Map<string, Map<string, number>>;
const counts: Record<'train' | 'dev', Counts> = { train: new Map(), dev: new Map() };
for (const record of readCorpus({})) {
  if (record.label !== 'harmful' || record.split === 'test' || record.mechanism === null) continue;
  const byMechanism = counts[record.split];
  const dimensions = byMechanism.get(record.mechanism) ?? new Map<string, number>();
  byMechanism.set(record.mechanism, dimensions);
  dimensions.set(record.dimension, (dimensions.get(record.dimension) ?? 0) + 1);
}
const majority = new Map<string, string>();
for (const [mechanism, dimensions] of [...counts.train].sort(([left], [right]) => left.localeCompare(right))) {
  const ranked = [...dimensions].sort((left, right) => right[1] - left[1]);
  const total = ranked.reduce((sum, [, count]) => sum + count, 0);
  majority.set(mechanism, (ranked[0] as [string, number])[0]);
  const shares = ranked.slice(0, 4).map(([dimension, count]) => `${dimension} ${((count / total) * 100).toFixed(0)} %`);
  process.stdout.write(`${mechanism.padEnd(28)} ${String(total).padStart(5)}  ${shares.join(', ')}\n`);
}
for (const split of ['train', 'dev'] as const) {
  let total = 0;
  let agree = 0;
  for (const [mechanism, dimensions] of counts[split]) {
    for (const [dimension, count] of dimensions) {
      total += count;
      if (majority.get(mechanism) === dimension) agree += count;
    }
  }
  process.stdout.write(`${split}: the mechanism's most common train dimension is the label for ${String(agree)} of ${String(total)} harmful records (${((agree / total) * 100).toFixed(1)} %)\n`);
}
