/**
 * Issue 7 experiment (after v2.8): can the encoder band win back the wrapped English requests the v2.7
 * MLP risk head lost against v2.6's logistic head, without losing its plain-English gain? The heads score
 * the same cached embeddings of the English dev items; every row below gets its own band and decision
 * point from the training run's rule and budget (chooseRiskBand), on DEV only, and is printed per kind
 * (text level, the training run's flag rule). Never reads the test split's figures or data/guard/holdout.
 * No row was adopted (docs/guard-classifier.md, "Tried and not shipped: the two heads together…").
 *
 *   node --import tsx training/guard/encoder-ensemble-experiment.ts [--data-dir ../shared/data] [--bag 31,41,51,61] [--dump rows.json]
 *
 * Scores (each head's logit shifted by its own dev point, so 0 is "at its point"; a row's own point then
 * moves the combined score):
 *   - each head alone (the MLP is the committed one; the logistic head is trained exactly as
 *     train-encoder-head.ts trains it);
 *   - max or mean probability of the two heads; the logistic head (or the max) only when the fast path
 *     detected a jailbreak wrapper (`attacks` non-empty), the MLP otherwise; max with the logistic head
 *     lowered by δ;
 *   - the fast path's decoded text (base64, leetspeak…) embedded too, the higher score kept;
 *   - the request part (request-part.ts: the window of up to 3 sentences the fast path scores riskiest,
 *     windows with a detected wrapper skipped) embedded too, max with the whole text's score (optionally
 *     lowered by δ, only when a wrapper was detected or the part is under half of the text);
 *   - --bag: more MLPs like the committed one with other seeds (64 units, weight decay 1e-4; 2-5 min each),
 *     a few rows each, to tell a real effect from the committed seed's luck, and their mean logit.
 * --dump writes every dev item's scores (JSON) for further sweeps without re-embedding.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatMessage } from '../../src/core/chat.js';
import { encoderText } from '../../src/guard/assess-risk.js';
import { assessConversationTurns } from '../../src/guard/classifier/assess-conversation-turns.js';
import { createRiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import { detectAttacks } from '../../src/guard/detect/detect-attacks.js';
import { encoderRiskLogit } from '../../src/guard/classifier/encoder-head.js';
import { readGuardModel } from '../../src/guard/classifier/guard-model.js';
import { readEncoderHead } from '../../src/guard/classifier/read-encoder-head.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import { requestPart } from './request-part.js';
import { loadSentenceEncoder } from '../../src/guard/classifier/sentence-encoder.js';
import { buildGuardDatasets } from './build-guard-datasets.js';
import { corpusTrainingExamples } from './corpus-training-examples.js';
import { createDefaultDecision } from './default-decision.js';
import { createCachedEmbedder } from './embedding-cache.js';
import { encoderHeadInputs } from './encoder-head-inputs.js';
import { readCorpus } from './read-corpus.js';
import { readGuardSources } from './read-training-sources.js';
import { chooseRiskBand, dot, flaggedWithEncoder, trainLogistic, type EncoderDevItem } from './train-encoder-head.js';
import { trainEncoderMlp, mlpLogit as baggedLogit, type EncoderMlp } from './train-encoder-mlp.js';
import { DEFAULT_HYPER } from './train-guard-model.js';
import { createSeededRandom } from './train-linear-model.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, dump: { type: 'string' }, bag: { type: 'string' } } });
const started = Date.now();
const log = (line: string): void => {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
};
const seed = 20261124;
const ORDINARY_SETS = new Set(['benign-liveqa', 'benign-medquad-holdout', 'benign-mmlu-medical', 'benign-cmmlu', 'benign-zh-dialogue-holdout']);
const ENCODER_BUDGET = { ordinary: 0.005, xstest: 0.02 };

const head = readEncoderHead();
if (head?.hidden === undefined) throw new Error('the committed encoder head has no MLP risk head');
const datasets = buildGuardDatasets(readGuardSources(resolve(values['data-dir'] ?? '../shared/data')), { seed, medHarmPerCategory: DEFAULT_HYPER.medHarmPerCategory });
const corpus = readCorpus();
const { examples: corpusTraining, emergencyHeadOnly } = corpusTrainingExamples(corpus, createSeededRandom(seed + 7));
const model = readGuardModel();
const assessor = createRiskAssessor(model);
const decide = createDefaultDecision();
const fastAssess = (messages: ChatMessage[]): RiskAssessment => assessConversationTurns(messages, assessor, model.metadata.recommendedThreshold);
const inputs = encoderHeadInputs({ corpusTraining, emergencyHeadOnly, datasets, corpus, fastAssess, decide, ordinarySets: ORDINARY_SETS, seed });
log(`${String(inputs.train.length)} English training texts, ${String(inputs.dev.length)} English dev items`);
const embedder = createCachedEmbedder({ embed: async (texts) => (await loadSentenceEncoder()).embed(texts) });
const trainVectors = await embedder.embedAll(inputs.train.map((item) => item.text), log);
const trained = trainLogistic(inputs.train, trainVectors, seed + 11);
const logisticWeights = Float64Array.from(trained.weights, (value) => Math.round(value * 1e6) / 1e6);
const logisticBias = Math.round(trained.bias * 1e6) / 1e6;
const logisticLogit = (vector: Float32Array): number => dot(logisticWeights, logisticBias, vector);
const mlpLogit = (vector: Float32Array): number => encoderRiskLogit(head, vector);
// --bag 31,41: more MLPs like the committed one (64 units, weight decay 1e-4), other seeds, for a bagged mean.
const bagged: EncoderMlp[] = [];
for (const offset of (values.bag ?? '').split(',').filter((value) => value !== '').map(Number)) {
  const mlpItems = inputs.train.map((item, index) => ({ vector: trainVectors[index] as Float32Array, label: item.label, ...(item.group === undefined ? {} : { group: item.group }) }));
  const result = trainEncoderMlp(mlpItems, { units: 64, weightDecay: 1e-4, seed: seed + offset });
  log(`MLP seed +${String(offset)}: epoch ${String(result.bestEpoch)} kept`);
  bagged.push(result.mlp);
}

const candidates = inputs.dev.filter((item) => !item.fastFlagged && item.fast.language === 'en' && item.fast.risk >= 0.02 && item.fast.risk < 0.5);
const devVectors = await embedder.embedAll(candidates.map((item) => encoderText(item.messages)), log);
const decodedItems = candidates.filter((item) => item.fast.decodedText !== undefined);
const decodedVectors = await embedder.embedAll(decodedItems.map((item) => item.fast.decodedText ?? ''), log);
const decodedVector = new Map<EncoderDevItem, Float32Array>(decodedItems.map((item, index) => [item, decodedVectors[index] as Float32Array]));
/**
 * The request part of each candidate (request-part.ts, scored by the fast path's raw English risk logit):
 * `parts` never picks a window in which a jailbreak wrapper is detected; `partsAnyWindow` may.
 */
const partTexts = (skipWrappers: boolean): Map<EncoderDevItem, string> => {
  const score = (text: string): number => (skipWrappers && detectAttacks(text).length > 0 ? -Infinity : assessor.rawScores(text).maxRiskLogit.en);
  const found = new Map<EncoderDevItem, string>();
  for (const item of candidates) {
    const part = requestPart(encoderText(item.messages), { score });
    if (part !== undefined) found.set(item, part);
  }
  return found;
};
const embedParts = async (texts: Map<EncoderDevItem, string>): Promise<Map<EncoderDevItem, Float32Array>> => {
  const vectors = await embedder.embedAll([...texts.values()], log);
  return new Map([...texts.keys()].map((item, index) => [item, vectors[index] as Float32Array]));
};
const partOf = partTexts(true);
const partVector = await embedParts(partOf);
const partAnyVector = await embedParts(partTexts(false));
log(`${String(candidates.length)} dev items can enter the band [0.02, 0.5); ${String(decodedItems.length)} have a decoded text, ${String(partOf.size)} more than one sentence (${String([...partOf.keys()].filter((item) => item.fast.attacks.length > 0).length)} with a detected wrapper)`);

interface Scores {
  logistic: number;
  mlp: number;
  /** The --bag MLPs' logits. */
  bag: number[];
}
const scoresOf = (vector: Float32Array): Scores => ({ logistic: logisticLogit(vector), mlp: mlpLogit(vector), bag: bagged.map((mlp) => baggedLogit(mlp, vector)) });
const scoreAll = (vectors: Map<EncoderDevItem, Float32Array>): Map<EncoderDevItem, Scores> => new Map([...vectors].map(([item, vector]) => [item, scoresOf(vector)]));
const whole = new Map<EncoderDevItem, Scores>(candidates.map((item, index) => [item, scoresOf(devVectors[index] as Float32Array)]));
const decoded = scoreAll(decodedVector);
const parts = scoreAll(partVector);
const partsAnyWindow = scoreAll(partAnyVector);

/** A head's own band and point on the whole text (the way train-encoder-head.ts chooses them). */
const pointOf = (pick: (scores: Scores) => number): number => {
  const logits = new Map<EncoderDevItem, number>([...whole].map(([item, scores]) => [item, pick(scores)]));
  return chooseRiskBand(inputs.dev, logits, ENCODER_BUDGET, () => {}).threshold;
};
const logisticPoint = pointOf((scores) => scores.logistic);
const mlpPoint = pointOf((scores) => scores.mlp);
log(`points alone: logistic ${logisticPoint.toFixed(3)}, MLP ${mlpPoint.toFixed(3)} (committed MLP point ${head.calibration.threshold.toFixed(3)})`);
if (values.dump !== undefined) {
  // Per dev item, for sweeps without re-embedding: the fields chooseRiskBand reads and every score.
  const rowsOut = inputs.dev.map((item) => ({
    group: item.group,
    source: item.source,
    risk: item.fast.risk,
    attacks: item.fast.attacks.length,
    fastFlagged: item.fastFlagged,
    language: item.fast.language,
    whole: whole.get(item),
    part: parts.get(item),
    partAnyWindow: partsAnyWindow.get(item),
    decoded: decoded.get(item),
    partShare: partOf.has(item) ? (partOf.get(item) ?? '').length / encoderText(item.messages).length : undefined,
  }));
  writeFileSync(values.dump, JSON.stringify({ logisticPoint, mlpPoint, items: rowsOut }));
  log(`wrote ${values.dump}`);
}

const sigmoid = (value: number): number => 1 / (1 + Math.exp(-value));
const logitOf = (probability: number): number => Math.log(probability / (1 - probability));
const mean = (numbers: number[]): number => numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
/** A row: the combined score of an item in the band (the logit before the row's own point), undefined = not scored. */
type Row = [string, (item: EncoderDevItem) => number | undefined];
const shiftedLogistic = (scores: Scores): number => scores.logistic - logisticPoint;
/** The request part counts when a wrapper was detected or the part is under half of the text (a long frame around it). */
const partCounts = (item: EncoderDevItem): boolean => item.fast.attacks.length > 0 || (partOf.get(item) ?? '').length < 0.5 * encoderText(item.messages).length;
const orMinus = (value: number | undefined): number => value ?? -Infinity;

/** The rows of one MLP (its own point `point`): alone, with the logistic head, with the request part. */
const mlpRows = (label: string, pick: (scores: Scores) => number, point: number, full: boolean): Row[] => {
  const at = (scores: Scores | undefined): number | undefined => (scores === undefined ? undefined : pick(scores) - point);
  const own = (item: EncoderDevItem): number => pick(whole.get(item) as Scores) - point;
  const withLogistic = (delta: number): Row => [`${label}, max with logistic − ${String(delta)}`, (item) => Math.max(own(item), shiftedLogistic(whole.get(item) as Scores) - delta)];
  const withPart = (name: string, source: Map<EncoderDevItem, Scores>, counts: (item: EncoderDevItem) => boolean, delta: number): Row => [
    `${label}, max with part ${name}${delta === 0 ? '' : ` − ${String(delta)}`}`,
    (item) => Math.max(own(item), counts(item) ? orMinus(at(source.get(item))) - delta : -Infinity),
  ];
  const withDecoded: Row = [`${label}, max with decoded text`, (item) => Math.max(own(item), orMinus(at(decoded.get(item))))];
  const rows: Row[] = [[`${label} alone`, own], withLogistic(1.5), withDecoded, withPart('(wrapper or < ½ of the text)', parts, partCounts, 0.5), withPart('(all)', parts, () => true, 0)];
  if (!full) return rows;
  return [
    rows[0] as Row,
    [`${label}, max with logistic`, (item) => Math.max(own(item), shiftedLogistic(whole.get(item) as Scores))],
    [`${label}, mean probability with logistic`, (item) => logitOf((sigmoid(own(item)) + sigmoid(shiftedLogistic(whole.get(item) as Scores))) / 2)],
    [`logistic with a detected wrapper, else ${label}`, (item) => (item.fast.attacks.length > 0 ? shiftedLogistic(whole.get(item) as Scores) : own(item))],
    [`max with logistic with a detected wrapper, else ${label}`, (item) => (item.fast.attacks.length > 0 ? Math.max(own(item), shiftedLogistic(whole.get(item) as Scores)) : own(item))],
    ...[0.5, 1, 1.5, 2].map(withLogistic),
    withDecoded,
    withPart('(wrapper detected)', parts, (item) => item.fast.attacks.length > 0, 0),
    withPart('(all)', parts, () => true, 0),
    withPart('(all, any window)', partsAnyWindow, () => true, 0),
    ...[0, 0.5, 1].map((delta) => withPart('(wrapper or < ½ of the text)', parts, partCounts, delta)),
    withPart('(wrapper or < ½ of the text, any window)', partsAnyWindow, partCounts, 0.5),
    [`${label}, mean of whole and part`, (item) => { const part = at(parts.get(item)); return part === undefined ? own(item) : (own(item) + part) / 2; }],
  ];
};

const rowSpecs: Row[] = [['logistic (v2.6) alone', (item) => shiftedLogistic(whole.get(item) as Scores)], ...mlpRows('MLP +21 (v2.7)', (scores) => scores.mlp, mlpPoint, true)];
bagged.forEach((_, index) => {
  const pick = (scores: Scores): number => scores.bag[index] as number;
  rowSpecs.push(...mlpRows(`MLP ${values.bag?.split(',')[index] ?? ''}`, pick, pointOf(pick), false));
});
if (bagged.length > 0) {
  const pick = (scores: Scores): number => mean([scores.mlp, ...scores.bag]);
  rowSpecs.push([`mean logit of the ${String(bagged.length + 1)} MLPs`, (item) => pick(whole.get(item) as Scores)]);
}

const kindOf = (item: EncoderDevItem): string => item.source.replace(/^corpus:/, '');
const rows: string[] = [];
let baseline: Set<EncoderDevItem> | undefined;
for (const [name, score] of rowSpecs) {
  const logits = new Map<EncoderDevItem, number>();
  for (const item of whole.keys()) {
    const value = score(item);
    if (value !== undefined) logits.set(item, value);
  }
  const choice = chooseRiskBand(inputs.dev, logits, ENCODER_BUDGET, () => {});
  const flagged = (item: EncoderDevItem): boolean => flaggedWithEncoder(item, logits.get(item), choice.low, choice.threshold);
  const count = (test: (item: EncoderDevItem) => boolean): string => String(inputs.dev.filter((item) => test(item) && flagged(item)).length);
  const harmfulFlagged = new Set(inputs.dev.filter((item) => item.group === 'harmful' && flagged(item)));
  baseline ??= harmfulFlagged;
  const reference = baseline;
  const gained = [...harmfulFlagged].filter((item) => !reference.has(item)).length;
  const lost = [...reference].filter((item) => !harmfulFlagged.has(item)).length;
  const isKind = (kind: string) => (item: EncoderDevItem): boolean => kindOf(item) === kind;
  const harmfulKind = (kind: string) => (item: EncoderDevItem): boolean => item.group === 'harmful' && kindOf(item) === kind;
  rows.push(
    [
      name,
      `[${String(choice.low)}, 0.5) @ ${choice.threshold.toFixed(3)}`,
      count((item) => item.group === 'harmful'),
      count(harmfulKind('plain')),
      count(harmfulKind('wrapped')),
      count(harmfulKind('multi_turn')),
      count((item) => item.group === 'ordinary'),
      count(isKind('consumer')),
      count(isKind('vignette')),
      count(isKind('scary_safe')),
      count(isKind('xstest')),
      count(isKind('contrast')),
      count(isKind('wrapped_benign')),
      `+${String(gained)} / −${String(lost)}`,
    ].join(' | '),
  );
}
const total = (test: (item: EncoderDevItem) => boolean): string => String(inputs.dev.filter(test).length);
console.log(
  `\n| risk score in the band | band @ point | harmful (${total((item) => item.group === 'harmful')}) | plain (${total((item) => item.group === 'harmful' && kindOf(item) === 'plain')}) | wrapped (${total((item) => item.group === 'harmful' && kindOf(item) === 'wrapped')}) | multi-turn | ordinary pooled (${total((item) => item.group === 'ordinary')}) | consumer (${total((item) => kindOf(item) === 'consumer')}) | vignette | scary-safe (${total((item) => kindOf(item) === 'scary_safe')}) | XSTest-like (${total((item) => kindOf(item) === 'xstest')}) | contrast (${total((item) => kindOf(item) === 'contrast')}) | wrapped benign (${total((item) => kindOf(item) === 'wrapped_benign')}) | harmful vs first row |`,
);
console.log(`|${' --- |'.repeat(14)}`);
for (const row of rows) console.log(`| ${row} |`);
console.log('\nEnglish dev only; flagged counts, text-level flag rule of train-encoder-head.ts; each row has its own band and point (chooseRiskBand, budget +0.5 % ordinary, +2 % XSTest-like); scores are logits shifted by each head\'s own point.');
