/**
 * Issue 7 experiment: does a better English head on the sentence embeddings pay? Trains candidate
 * risk heads on the same English training texts as `npm run train:guard` (cached embeddings, no fast
 * path retraining: the committed fast path in assets/guard/ decides outside the band), chooses band
 * and point for each with the training run's own rule and budget on DEV only, and prints dev figures
 * per kind at that point (text-level, the training run's flag rule). Never reads the test split's
 * figures or data/guard/holdout.
 *
 *   node --import tsx training/guard/encoder-head-experiment.ts [--data-dir ../shared/data] [--only logistic,mlp64] [--mlp-seeds 21,31] [--mix 0,0.5,1]
 *   node --import tsx training/guard/encoder-head-experiment.ts --write assets/guard/encoder-head.json
 *
 * --write trains the default risk head exactly as `npm run train:guard` does (trainEncoderHead, same
 * inputs, seed and dev rule) against the committed fast path, keeps the committed emergency part, writes
 * the head file and stops: the quick way to rebuild the risk head without retraining the fast path.
 *
 * Candidates: the committed logistic head; MLPs (64/128 ReLU units, weight decay, early stopping on a
 * scenario-split validation share of the training texts); either mixed with the fast path's risk logit
 * inside the band (score = encoder logit + b × fast logit, b chosen on dev); wider bands (down to 0.01).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '../../src/core/chat.js';
import { encoderText } from '../../src/guard/assess-risk.js';
import { assessConversationTurns } from '../../src/guard/classifier/assess-conversation-turns.js';
import { createRiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import { readGuardModel } from '../../src/guard/classifier/guard-model.js';
import { readEncoderHead } from '../../src/guard/classifier/read-encoder-head.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import { loadSentenceEncoder } from '../../src/guard/classifier/sentence-encoder.js';
import { buildGuardDatasets } from './build-guard-datasets.js';
import { corpusTrainingExamples } from './corpus-training-examples.js';
import { createDefaultDecision } from './default-decision.js';
import { createCachedEmbedder } from './embedding-cache.js';
import { encoderHeadInputs } from './encoder-head-inputs.js';
import { readCorpus } from './read-corpus.js';
import { readGuardSources } from './read-training-sources.js';
import { chooseRiskBand, dot, flaggedWithEncoder, trainEncoderHead, trainLogistic, type EncoderDevItem } from './train-encoder-head.js';
import { mlpLogit, trainEncoderMlp } from './train-encoder-mlp.js';
import { DEFAULT_HYPER } from './train-guard-model.js';
import { createSeededRandom } from './train-linear-model.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, only: { type: 'string' }, mix: { type: 'string' }, 'mlp-seeds': { type: 'string' }, write: { type: 'string' } } });
const started = Date.now();
const log = (line: string): void => {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
};
const seed = 20261124;
const ORDINARY_SETS = new Set(['benign-liveqa', 'benign-medquad-holdout', 'benign-mmlu-medical', 'benign-cmmlu', 'benign-zh-dialogue-holdout']);
const ENCODER_BUDGET = { ordinary: 0.005, xstest: 0.02 };
const BAND_LOWS = [0.01, 0.02, 0.05, 0.1, 0.2];

const datasets = buildGuardDatasets(readGuardSources(resolve(values['data-dir'] ?? '../shared/data')), { seed, medHarmPerCategory: DEFAULT_HYPER.medHarmPerCategory });
const corpus = readCorpus();
const { examples: corpusTraining, emergencyHeadOnly } = corpusTrainingExamples(corpus, createSeededRandom(seed + 7));
const model = readGuardModel();
const assessor = createRiskAssessor(model);
const decide = createDefaultDecision();
const fastAssess = (messages: ChatMessage[]): RiskAssessment => assessConversationTurns(messages, assessor, model.metadata.recommendedThreshold);
const inputs = encoderHeadInputs({ corpusTraining, emergencyHeadOnly, datasets, corpus, fastAssess, decide, ordinarySets: ORDINARY_SETS, seed });
log(`${String(inputs.train.length)} English training texts (${String(inputs.train.filter((item) => item.label === 1).length)} harmful), ${String(inputs.dev.length)} English dev items`);
const embedder = createCachedEmbedder({ embed: async (texts) => (await loadSentenceEncoder()).embed(texts) });
const trainVectors = await embedder.embedAll(inputs.train.map((item) => item.text), log);
const lowest = Math.min(...BAND_LOWS);
const candidates = inputs.dev.filter((item) => !item.fastFlagged && item.fast.language === 'en' && item.fast.risk >= lowest && item.fast.risk < 0.5);
const devVectors = await embedder.embedAll(candidates.map((item) => encoderText(item.messages)), log);
log(`${String(candidates.length)} dev items can enter the widest band`);

if (values.write !== undefined) {
  const committed = readEncoderHead();
  const head = await trainEncoderHead({ train: inputs.train, dev: inputs.dev, embedder, seed, trainedAt: new Date().toISOString(), budget: ENCODER_BUDGET, log });
  const written = { ...head, ...(committed?.emergency === undefined ? {} : { emergency: committed.emergency }) };
  writeFileSync(resolve(values.write), `${JSON.stringify(written)}\n`);
  log(`wrote ${values.write} (risk head retrained; emergency part kept from the committed head)`);
  process.exit(0);
}

type Scorer = (vector: Float32Array) => number;
const scorers = new Map<string, Scorer>();
const only = values.only?.split(',');
const wanted = (name: string): boolean => only === undefined || only.includes(name);

if (wanted('logistic')) {
  const { weights, bias } = trainLogistic(inputs.train, trainVectors, seed + 11);
  scorers.set('logistic', (vector) => dot(weights, bias, vector));
}
const mlpItems = inputs.train.map((item, index) => ({ vector: trainVectors[index] as Float32Array, label: item.label, ...(item.group === undefined ? {} : { group: item.group }) }));
const mlpSeeds = (values['mlp-seeds'] ?? '21').split(',').map(Number);
for (const [base, units, weightDecay] of [
  ['mlp64', 64, 1e-4],
  ['mlp128', 128, 1e-4],
  ['mlp128-wd1e-3', 128, 1e-3],
] as const) {
  if (!wanted(base)) continue;
  for (const offset of mlpSeeds) {
    const name = mlpSeeds.length > 1 ? `${base} seed+${String(offset)}` : base;
    const result = trainEncoderMlp(mlpItems, { units, weightDecay, seed: seed + offset, log });
    log(`${name}: kept epoch ${String(result.bestEpoch)}, validation loss ${result.validationLoss.toFixed(4)} (${String(result.trainCount)} train / ${String(result.validationCount)} validation texts)`);
    scorers.set(name, (vector) => mlpLogit(result.mlp, vector));
  }
}

const logit = (probability: number): number => {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
};
const kindOf = (item: EncoderDevItem): string => item.source.replace(/^corpus:/, '');
// encoderHeadInputs lists the English dev corpus records first, in corpus order: their scenarios.
const devCorpus = corpus.filter((record) => record.split === 'dev' && record.language === 'en');
const scenarioOf = new Map<EncoderDevItem, string>(devCorpus.map((record, index) => [inputs.dev[index] as EncoderDevItem, record.scenario]));
const scenarios = (items: EncoderDevItem[]): number => new Set(items.map((item) => scenarioOf.get(item))).size;
const rows: string[] = [];
let baseline: Set<EncoderDevItem> | undefined;
const mixes = (values.mix ?? '0,0.5,1').split(',').map(Number);
for (const [name, scorer] of scorers) {
  const encoderLogits = candidates.map((_, index) => scorer(devVectors[index] as Float32Array));
  for (const mix of mixes) {
    const logits = new Map<EncoderDevItem, number>();
    candidates.forEach((item, index) => logits.set(item, (encoderLogits[index] ?? 0) + mix * logit(item.fast.risk)));
    log(`${name}, fast-logit mix ${String(mix)}:`);
    const choice = chooseRiskBand(inputs.dev, logits, ENCODER_BUDGET, log, BAND_LOWS);
    for (const low of mix === 0 ? [choice.low, ...BAND_LOWS.filter((value) => value !== choice.low)] : [choice.low]) {
      const threshold = low === choice.low ? choice.threshold : chooseRiskBand(inputs.dev, logits, ENCODER_BUDGET, () => {}, [low]).threshold;
      const flagged = (item: EncoderDevItem): boolean => flaggedWithEncoder(item, logits.get(item), low, threshold);
      const rate = (test: (item: EncoderDevItem) => boolean): string => {
        const items = inputs.dev.filter(test);
        const hits = items.filter(flagged).length;
        return `${(items.length > 0 ? (100 * hits) / items.length : 0).toFixed(1)} % (${String(hits)}/${String(items.length)})`;
      };
      const harmfulFlagged = new Set(inputs.dev.filter((item) => item.group === 'harmful' && flagged(item)));
      baseline ??= harmfulFlagged;
      const gainedItems = [...harmfulFlagged].filter((item) => !(baseline as Set<EncoderDevItem>).has(item));
      const lostItems = [...baseline].filter((item) => !harmfulFlagged.has(item));
      const plainMoves = `plain +${String(gainedItems.filter((item) => kindOf(item) === 'plain').length)}/−${String(lostItems.filter((item) => kindOf(item) === 'plain').length)}`;
      const moved = `+${String(gainedItems.length)} (${String(scenarios(gainedItems))} sc.) / −${String(lostItems.length)} (${String(scenarios(lostItems))} sc.); ${plainMoves}`;
      const inBand = inputs.dev.filter((item) => item.group === 'ordinary' && !item.fastFlagged && item.fast.risk >= low && item.fast.risk < 0.5).length / inputs.dev.filter((item) => item.group === 'ordinary').length;
      rows.push(
        [
          `${name}${mix === 0 ? '' : ` + ${String(mix)}·fast`}${low === choice.low ? ' *' : ''}`,
          `[${String(low)}, 0.5)`,
          rate((item) => item.group === 'harmful'),
          rate((item) => item.group === 'harmful' && kindOf(item) === 'plain'),
          rate((item) => item.group === 'harmful' && kindOf(item) === 'wrapped'),
          rate((item) => item.group === 'harmful' && kindOf(item) === 'multi_turn'),
          rate((item) => item.group === 'ordinary'),
          rate((item) => kindOf(item) === 'consumer'),
          rate((item) => kindOf(item) === 'scary_safe'),
          rate((item) => kindOf(item) === 'xstest'),
          rate((item) => kindOf(item) === 'contrast'),
          rate((item) => kindOf(item) === 'wrapped_benign'),
          `${(inBand * 100).toFixed(1)} %`,
          moved,
        ].join(' | '),
      );
    }
  }
}
console.log('\n| head | band | harmful all | plain | wrapped | multi-turn | ordinary (pooled) | consumer | scary-safe | XSTest-like | contrast | wrapped benign | ordinary in band | harmful vs first row |');
console.log(`|${' --- |'.repeat(14)}`);
for (const row of rows) console.log(`| ${row} |`);
console.log('\n* = the band the training rule chooses (narrowest within 2 points of the best dev recall). English dev only; text-level flag rule of train-encoder-head.ts.');
