/**
 * `npm run train:guard`: regenerates data/guard/corpus/generated/ and rebuilds assets/guard/ from
 * ../shared/data and the guard corpus (training time only; the code is in training/guard/).
 * Options: --data-dir <dir> (default ../shared/data), --out <dir> (default assets/guard), --seed <n>,
 * --corpus-only (regenerate the generated corpus and print its totals, no training),
 * --hyper '{"corpusWeight":30}' (hyper-parameter overrides for experiments, chosen on dev),
 * --no-encoder (skip the sentence-encoder head: minutes of embedding on a busy machine).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildGeneratedCorpus } from '../training/guard/build-generated-corpus.js';
import { trainGuardModel, type Hyper } from '../training/guard/train-guard-model.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, 'corpus-only': { type: 'boolean' }, hyper: { type: 'string' }, 'no-encoder': { type: 'boolean' } },
});
const started = Date.now();
const log = (line: string): void => {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
};
const seed = values.seed === undefined ? 20261124 : Number(values.seed);
buildGeneratedCorpus(seed, log);
if (values['corpus-only'] !== true) {
  const hyper = values.hyper === undefined ? {} : (JSON.parse(values.hyper) as Partial<Hyper>);
  await trainGuardModel({ dataDir: resolve(values['data-dir'] ?? '../shared/data'), outDir: resolve(values.out ?? 'assets/guard'), seed, log, hyper, encoder: values['no-encoder'] !== true });
}
