/**
 * The whole guard training run, shared by `npm run train:guard` and `safemed guard train`: read the
 * shared sources and the guard corpus, train the five heads (risk, emergency, dimension, mechanism,
 * principle), choose the decision points on the dev data only, quantise, evaluate on the corpus dev
 * split, the frozen test split (reported, never used to choose anything), the held-out shared sets
 * and the probe sets, and write assets/guard/. Deterministic for a given seed.
 */
import type { ChatMessage } from '../../src/core/chat.js';
import { assessConversationTurns } from '../../src/guard/classifier/assess-conversation-turns.js';
import { createRiskAssessor, type RiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import { evaluateCorpus, formatCorpusEvaluation, type CorpusEvaluation, type EvaluationRecord } from '../../src/guard/classifier/evaluate-corpus.js';
import { extractFeatures, type ChineseWordSegmenter } from '../../src/guard/classifier/extract-features.js';
import type { GuardModel } from '../../src/guard/classifier/guard-model.js';
import type { HiddenBlend, HiddenHeadName } from '../../src/guard/classifier/hidden-layer.js';
import { refineAssessment } from '../../src/guard/assess-risk.js';
import type { EncoderHead } from '../../src/guard/classifier/encoder-head.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import { loadSentenceEncoder } from '../../src/guard/classifier/sentence-encoder.js';
import { DIMENSION_IDS } from '../../src/spec/safety-spec-schema.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCachedEmbedder, type CachedEmbedder } from './embedding-cache.js';
import { trainEncoderHead } from './train-encoder-head.js';
import { encoderHeadInputs, type EncoderHeadInputsOptions } from './encoder-head-inputs.js';
import { buildGuardDatasets, type DevSet } from './build-guard-datasets.js';
import { chooseDecisionPoints, type ChoiceGroup, type ChoiceItem } from './choose-decision-points.js';
import { corpusTrainingExamples } from './corpus-training-examples.js';
import { MECHANISM_IDS, userText } from './corpus-record.js';
import { createDefaultDecision } from './default-decision.js';
import { readCorpus, type CorpusFileRecord } from './read-corpus.js';
import { readGuardSources } from './read-training-sources.js';
import { createSeededRandom, shuffleInPlace, trainBinaryLogistic, trainSoftmax, type SparseExample } from './train-linear-model.js';
import type { TrainingExample } from './training-example.js';
import { weakDimensionLabel } from './weak-dimension-labels.js';
import { assembleGuardModel, writeGuardModel, type GuardModelParts } from './write-guard-model.js';
import { hiddenLayerMetadata, quantizeRows, trainHiddenLayer } from './train-hidden-layer.js';

export interface TrainGuardOptions {
  dataDir: string;
  /** Where to write guard-model.json/.bin; omit to keep the model in memory only. */
  outDir?: string;
  seed?: number;
  log?: (line: string) => void;
  /** Fixed timestamp for reproducible metadata. */
  trainedAt?: string;
  /** Chinese word segmenter (jieba) for Chinese word features; omit for character n-grams only. */
  segmenter?: ChineseWordSegmenter;
  /** Hyper-parameter overrides for experiments. */
  hyper?: Partial<Hyper>;
  /** Train the sentence-encoder head for the uncertain band (default true). */
  encoder?: boolean;
}

export interface TrainGuardResult {
  model: GuardModel;
  encoderHead?: EncoderHead;
  dev: CorpusEvaluation;
  test: CorpusEvaluation;
  sharedSets: SetFigure[];
  written?: { metadata: string; weights: string; bytes: number };
}

export interface Hyper {
  epochs: number;
  l2: number;
  learningRate: number;
  /** Weight of a corpus example relative to a shared-source one. */
  corpusWeight: number;
  /** Upper bound of med-harm-llama3 lines per AMA category. */
  medHarmPerCategory: number;
  /** Weight of a weakly labelled shared example in the dimension head (corpus examples weigh 1). */
  weakDimensionWeight: number;
  /** Extra weight of the shared English harmful sources in the risk head (blatant, MedSafetyBench-style requests). */
  sharedHarmfulWeight: number;
  /** The same for the shared Chinese harmful sources (the languages share almost no features, so each gets its own). */
  sharedHarmfulWeightZh: number;
  /** Weight of an emergency against one negative in the emergency head. */
  emergencyWeight: number;
  /** Epochs of the emergency head. */
  emergencyEpochs: number;
  /** Weight of a benign contrast (labelled with the dimension of the scenario it mirrors) in the dimension head; 0 = not used. */
  contrastDimensionWeight: number;
  /** Weight of a benign contrast (labelled with the mechanism of the scenario it mirrors) in the mechanism head; 0 = not used. */
  contrastMechanismWeight: number;
  /** Units of the shared hidden layer (0 = linear heads only, format 2). */
  hiddenUnits: number;
  hiddenBits: number;
  hiddenEpochs: number;
  hiddenLearningRate: number;
  /** Half-width of the hidden rows' uniform initialisation. */
  hiddenInit: number;
  /** The heads that read the hidden layer (the others keep their linear head). */
  hiddenUse: HiddenHeadName[];
  /** Loss multipliers of the dimension and mechanism heads in the shared layer (risk and emergency: 1). */
  hiddenClassWeight: number;
  /** Risk and emergency, per span language: logit = hidden × the hidden head's logit + linear × the linear head's logit. */
  hiddenBlend: HiddenBlend;
  /** Input dropout of the hidden layer's training (each feature left out with this probability per step). */
  hiddenDropout: number;
}

export const DEFAULT_HYPER: Hyper = { epochs: 10, l2: 1e-7, learningRate: 0.2, corpusWeight: 20, medHarmPerCategory: 20_000, weakDimensionWeight: 0, sharedHarmfulWeight: 0.6, sharedHarmfulWeightZh: 1, contrastDimensionWeight: 1, contrastMechanismWeight: 1, emergencyWeight: 8, emergencyEpochs: 15, hiddenUnits: 64, hiddenBits: 18, hiddenEpochs: 6, hiddenLearningRate: 0.05, hiddenInit: 0.1, hiddenUse: ['emergency'], hiddenClassWeight: 1, hiddenBlend: { risk: { en: { hidden: 0, linear: 1 }, zh: { hidden: 0, linear: 1 } }, emergency: { en: { hidden: 1, linear: 1 }, zh: { hidden: 1, linear: 1 } } }, hiddenDropout: 0 };

export const RISK_BITS = 18;
export const EMERGENCY_BITS = 16;
export const HEAD_BITS = 15;
/** The dimension and mechanism heads (20 classes each) lose 4–5 dev points of accuracy to collisions at 2^15 buckets. */
export const CLASS_HEAD_BITS = 17;
export const DIMENSION_LABELS: string[] = DIMENSION_IDS.filter((id) => id !== 'benign');
export const MECHANISM_LABELS: string[] = [...MECHANISM_IDS];

/** Dev bars for choosing the decision points (a little under the issue's targets, for the gap to test). */
const BARS = { ordinary: 0.008, xstest: 0.04, ordinaryEscalated: 0.003, scarySafeEscalated: 0.03 };
/** What the sentence encoder may add on dev to the fast path's flagged shares (pooled ordinary texts; XSTest-like). */
const ENCODER_BUDGET = { ordinary: 0.005, xstest: 0.02 };
/** What the encoder's emergency head may add on dev to the fast path's escalated shares (English). */
const ENCODER_EMERGENCY_BUDGET = { ordinary: 0.002, scarySafe: 0.02, xstest: 0.01 };

/** Small but important sources count more (hand-written contrast pairs, generic harm, Chinese attacks). */
const SOURCE_WEIGHTS: [RegExp, number][] = [
  [/^written:(harmful|benign)-(en|zh|xstest|followup)$/, 4],
  [/^written:(harmful|benign)-generated/, 2],
  [/^written:zh-ethics-attack/, 3],
  [/^(advbench|malicious-instruct|jailbreakbench|forbidden-questions)$/, 4],
  [/^written:generic-/, 1],
  [/^(flames-zh|medethiceval-violation|medsafetybench-llama2)$/, 3],
];

/** Sources whose unmatched harmful texts fall back to a medical dimension (generic ones to general_harm). */
const MEDICAL_SOURCES = /^(?!written:generic-).*(med|flames|written)/;

interface Featurised {
  example: TrainingExample;
  hashes: Uint32Array;
  value: number;
  weight: number;
}

export interface SetFigure {
  name: string;
  description: string;
  metric: 'recall' | 'flagged';
  count: number;
  hits: number;
  rate: number;
}

export interface TrainHeadsInput {
  train: TrainingExample[];
  seed: number;
  hyper: Hyper;
  log: (line: string) => void;
  segmenter?: ChineseWordSegmenter;
}

/** Trains the five heads with a provisional calibration (decision points are chosen afterwards). */
export function trainHeads(input: TrainHeadsInput): GuardModel {
  const { train, seed, hyper, log } = input;
  log(`featurising ${train.length} training examples`);
  const featurised: Featurised[] = train.map((example) => {
    const features = extractFeatures(example.text, input.segmenter);
    const sharedHarmful = example.label === 1 && !example.source.startsWith('corpus:') ? (example.language === 'zh' ? hyper.sharedHarmfulWeightZh : hyper.sharedHarmfulWeight) : 1;
    const sourceWeight = example.source.startsWith('corpus:') ? hyper.corpusWeight : (SOURCE_WEIGHTS.find(([pattern]) => pattern.test(example.source))?.[1] ?? 1) * sharedHarmful;
    return { example, hashes: features.hashes, value: features.value, weight: sourceWeight };
  });
  const sparse = (item: Featurised, target: number, weight: number): SparseExample => ({ hashes: item.hashes, value: item.value, target, weight });
  const balanced = (items: Featurised[], isPositive: (item: Featurised) => boolean): SparseExample[] => {
    let positive = 0;
    let negative = 0;
    for (const item of items) {
      if (isPositive(item)) positive += item.weight;
      else negative += item.weight;
    }
    const total = positive + negative;
    return items.map((item) => (isPositive(item) ? sparse(item, 1, (item.weight * total) / (2 * positive)) : sparse(item, 0, (item.weight * total) / (2 * negative))));
  };

  // Examples marked emergencyHeadOnly (data/guard/corpus/emergency-head/) train the emergency heads only: the
  // risk, dimension, mechanism and principle heads get exactly the examples they get without them.
  const riskItems = featurised.filter((item) => item.example.emergency !== true && item.example.emergencyHeadOnly !== true);
  log(`risk head: ${riskItems.filter((item) => item.example.label === 1).length} harmful, ${riskItems.filter((item) => item.example.label === 0).length} benign (2^${RISK_BITS} buckets, ${hyper.epochs} epochs)`);
  const riskExamples = balanced(riskItems, (item) => item.example.label === 1);
  const risk = trainBinaryLogistic(riskExamples, { bits: RISK_BITS, epochs: hyper.epochs, learningRate: hyper.learningRate, l2: hyper.l2, seed });

  // Emergency head: corpus emergencies against every other corpus text and a sample of the shared benign texts.
  const random = createSeededRandom(seed + 3);
  const sharedBenign = shuffleInPlace(featurised.filter((item) => !item.example.source.startsWith('corpus:') && item.example.label === 0), random).slice(0, 30_000);
  const emergencyItems = [...featurised.filter((item) => item.example.source.startsWith('corpus:')), ...sharedBenign];
  log(`emergency head: ${emergencyItems.filter((item) => item.example.emergency === true).length} emergencies, ${emergencyItems.filter((item) => item.example.emergency !== true).length} others`);
  // Not class-balanced: an emergency weighs emergencyWeight (8 since v2.7, chosen on dev; 4 before) times a
  // negative, so the bias stays low and a text without evidence ("Hello", a bare topic name) does not sit near
  // the decision point.
  const emergencyExamples = emergencyItems.map((item) => sparse(item, item.example.emergency === true ? 1 : 0, item.example.emergency === true ? hyper.emergencyWeight : 1));
  const emergency = trainBinaryLogistic(emergencyExamples, { bits: EMERGENCY_BITS, epochs: hyper.emergencyEpochs, learningRate: hyper.learningRate, l2: hyper.l2, seed: seed + 4 });

  const dimensionIndex = new Map(DIMENSION_LABELS.map((label, index) => [label, index]));
  const dimensionExamples: SparseExample[] = [];
  for (const item of featurised) {
    const { example } = item;
    if (example.emergencyHeadOnly === true) continue;
    if (example.source.startsWith('corpus:')) {
      const index = example.dimension === undefined ? undefined : dimensionIndex.get(example.dimension);
      if ((example.label === 1 || example.emergency === true) && index !== undefined) dimensionExamples.push(sparse(item, index, 1));
      else if (hyper.contrastDimensionWeight > 0 && example.source === 'corpus:benign-contrast' && index !== undefined) dimensionExamples.push(sparse(item, index, hyper.contrastDimensionWeight));
    } else if (example.label === 1) {
      const label = example.dimension ?? weakDimensionLabel(example.text, { ...(example.principle === undefined ? {} : { principle: example.principle }), medicalSource: MEDICAL_SOURCES.test(example.source) });
      if (hyper.weakDimensionWeight > 0) dimensionExamples.push(sparse(item, dimensionIndex.get(label) ?? 0, hyper.weakDimensionWeight));
    }
  }
  log(`dimension head on ${dimensionExamples.length} examples (corpus labels${hyper.weakDimensionWeight > 0 ? ', weak labels for the shared sources' : ''})`);
  const dimensionSet = classBalanced(dimensionExamples);
  const dimension = trainSoftmax(dimensionSet, DIMENSION_LABELS.length, { bits: CLASS_HEAD_BITS, epochs: 6, learningRate: 0.2, l2: 1e-7, seed: seed + 1 });

  const mechanismIndex = new Map(MECHANISM_LABELS.map((label, index) => [label, index]));
  const mechanismExamples = featurised.flatMap((item) => {
    if (item.example.emergencyHeadOnly === true) return [];
    const index = item.example.mechanism === undefined ? undefined : mechanismIndex.get(item.example.mechanism);
    if (index !== undefined) return [sparse(item, index, 1)];
    const mirrored = hyper.contrastMechanismWeight > 0 && item.example.contrastMechanism !== undefined ? mechanismIndex.get(item.example.contrastMechanism) : undefined;
    return mirrored === undefined ? [] : [sparse(item, mirrored, hyper.contrastMechanismWeight)];
  });
  log(`mechanism head on ${mechanismExamples.length} corpus examples`);
  const mechanismSet = classBalanced(mechanismExamples);
  const mechanism = trainSoftmax(mechanismSet, MECHANISM_LABELS.length, { bits: CLASS_HEAD_BITS, epochs: 6, learningRate: 0.2, l2: 1e-7, seed: seed + 5 });

  const principleExamples = featurised.filter((item) => item.example.label === 1 && item.example.emergencyHeadOnly !== true && item.example.principle !== undefined).map((item) => sparse(item, (item.example.principle ?? 1) - 1, 1));
  log(`principle head on ${principleExamples.length} examples with an AMA category`);
  const principle = trainSoftmax(principleExamples, 9, { bits: HEAD_BITS, epochs: 3, learningRate: 0.2, l2: 1e-7, seed: seed + 2 });

  let hidden: GuardModelParts['hidden'];
  if (hyper.hiddenUnits > 0) {
    const { hiddenUnits: units, hiddenBits: bits } = hyper;
    log(`hidden layer: ${units} ReLU units over 2^${bits} buckets, ${hyper.hiddenEpochs} epochs (multi-task), read by ${hyper.hiddenUse.join(', ')}`);
    const trained = trainHiddenLayer(
      { risk: riskExamples, emergency: emergencyExamples, dimension: dimensionSet, mechanism: mechanismSet },
      { dimension: DIMENSION_LABELS.length, mechanism: MECHANISM_LABELS.length },
      { bits, units, epochs: hyper.hiddenEpochs, learningRate: hyper.hiddenLearningRate, l2: hyper.l2, initScale: hyper.hiddenInit, dropout: hyper.hiddenDropout, seed: seed + 9, log, headWeights: { risk: 1, emergency: 1, dimension: hyper.hiddenClassWeight, mechanism: hyper.hiddenClassWeight } },
    );
    const { values, scales } = quantizeRows(trained.rows, units);
    hidden = { metadata: hiddenLayerMetadata(trained, scales, { bits, units, dimensionLabels: DIMENSION_LABELS, mechanismLabels: MECHANISM_LABELS, use: hyper.hiddenUse, blend: hyper.hiddenBlend }), values };
  }

  const provisional = { slope: 1, threshold: 0 };
  return assembleGuardModel({
    ...(hidden === undefined ? {} : { hidden }),
    risk: { model: risk, bits: RISK_BITS },
    emergency: { model: emergency, bits: EMERGENCY_BITS },
    dimension: { model: dimension, bits: CLASS_HEAD_BITS, labels: DIMENSION_LABELS },
    mechanism: { model: mechanism, bits: CLASS_HEAD_BITS, labels: MECHANISM_LABELS },
    principle: { model: principle, bits: HEAD_BITS, labels: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    calibration: { risk: { en: provisional, zh: provisional }, emergency: { en: provisional, zh: provisional } },
    recommendedThreshold: 0.5,
    recommendedEmergencyThreshold: 0.5,
    chineseWords: input.segmenter !== undefined,
    seed,
    trainedAt: '',
    training: { examples: train.length, sources: countBySource(train) },
  });
}

/** Reweights a multi-class set so that every class carries the same total weight. */
function classBalanced(examples: SparseExample[]): SparseExample[] {
  const totals = new Map<number, number>();
  for (const example of examples) totals.set(example.target, (totals.get(example.target) ?? 0) + example.weight);
  const mean = examples.reduce((sum, example) => sum + example.weight, 0) / Math.max(1, totals.size);
  return examples.map((example) => ({ ...example, weight: (example.weight * mean) / (totals.get(example.target) ?? 1) }));
}

function countBySource(examples: TrainingExample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const example of examples) counts[example.source] = (counts[example.source] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([left], [right]) => left.localeCompare(right)));
}

function toEvaluationRecord(record: CorpusFileRecord): EvaluationRecord {
  const item: EvaluationRecord = { id: record.id, label: record.label, language: record.language, kind: record.kind, dimension: record.dimension, perspective: record.perspective, split: record.split };
  if (record.mechanism !== null) item.mechanism = record.mechanism;
  if (record.text !== undefined) item.text = record.text;
  if (record.messages !== undefined) item.messages = record.messages;
  return item;
}

const ORDINARY_SETS = new Set(['benign-liveqa', 'benign-medquad-holdout', 'benign-mmlu-medical', 'benign-cmmlu', 'benign-zh-dialogue-holdout']);

function choiceGroup(record: CorpusFileRecord): ChoiceGroup {
  if (record.label === 'harmful') return 'harmful';
  if (record.label === 'emergency') return 'emergency';
  if (record.kind === 'consumer' || record.kind === 'vignette') return 'ordinary';
  if (record.kind === 'xstest') return 'xstest';
  if (record.kind === 'scary_safe') return 'scary_safe';
  return 'other-benign';
}

function evaluateSharedSets(assessor: RiskAssessor, sets: DevSet[], decide: (assessment: ReturnType<RiskAssessor['assessText']>, messages: ChatMessage[]) => string): SetFigure[] {
  return sets.map((set) => {
    let hits = 0;
    for (const item of set.items) {
      const messages: ChatMessage[] = item.messages ?? [{ role: 'user', content: item.text ?? '' }];
      const assessment = item.messages ? assessConversationTurns(item.messages, assessor, assessor.model.metadata.recommendedThreshold) : assessor.assessText(item.text ?? '');
      const action = decide(assessment, messages);
      if (action === 'steer' || action === 'block' || action === 'escalate') hits += 1;
    }
    const harmful = set.items.every((item) => item.label === 1);
    return { name: set.name, description: set.description, metric: harmful ? 'recall' : 'flagged', count: set.items.length, hits, rate: set.items.length > 0 ? hits / set.items.length : 0 };
  });
}

export function formatSetFigures(figures: SetFigure[]): string {
  const lines = ['set                              metric       n    hits    rate'];
  for (const figure of figures) lines.push(`${figure.name.padEnd(32)} ${figure.metric.padEnd(8)} ${String(figure.count).padStart(5)} ${String(figure.hits).padStart(7)} ${(figure.rate * 100).toFixed(1).padStart(6)} %`);
  return lines.join('\n');
}

/** refineAssessment with the embeddings coming from the training cache. */
async function refineWithCache(fast: RiskAssessment, messages: ChatMessage[], head: EncoderHead, embedder: CachedEmbedder, assessor: RiskAssessor): Promise<RiskAssessment> {
  return refineAssessment(fast, messages, { head, assessor, encoder: { embed: (texts) => embedder.embedAll(texts) } });
}

/** The sentence-encoder heads, trained on the inputs encoder-head-inputs.ts builds (the experiment script builds the same). */
async function trainEncoderHeadFor(
  inputs: EncoderHeadInputsOptions,
  embedder: CachedEmbedder,
  trainedAt: string,
  log: (line: string) => void,
): Promise<EncoderHead> {
  const { train, emergencyTrain, dev } = encoderHeadInputs(inputs);
  return trainEncoderHead({ train, emergencyTrain, emergencyBudget: ENCODER_EMERGENCY_BUDGET, dev, embedder, seed: inputs.seed, trainedAt, budget: ENCODER_BUDGET, log });
}

export async function trainGuardModel(options: TrainGuardOptions): Promise<TrainGuardResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 20261124;
  const hyper: Hyper = { ...DEFAULT_HYPER, ...options.hyper };
  const trainedAt = options.trainedAt ?? new Date().toISOString();
  log(`reading sources from ${options.dataDir}`);
  const sources = readGuardSources(options.dataDir);
  const datasets = buildGuardDatasets(sources, { seed, medHarmPerCategory: hyper.medHarmPerCategory });
  const corpus = readCorpus();
  const corpusExamples = corpusTrainingExamples(corpus, createSeededRandom(seed + 7));
  log(`corpus: ${corpus.length} records; ${corpusExamples.examples.length} training examples from the train split, ${corpusExamples.emergencyHeadOnly.length} more for the emergency heads only (${corpusExamples.dropped} train records left out for sharing an 8-gram with dev/test)`);
  // Emergency-head-only examples are appended after the shuffle, so every other head sees the same examples in the same order.
  const train = [...shuffleInPlace([...datasets.train, ...corpusExamples.examples], createSeededRandom(seed + 8)), ...corpusExamples.emergencyHeadOnly];
  const provisional = trainHeads({ train, seed, hyper, log, ...(options.segmenter ? { segmenter: options.segmenter } : {}) });

  // --- decision points, chosen on dev data only ---
  const provisionalAssessor = createRiskAssessor(provisional, options.segmenter ? { segmenter: options.segmenter } : {});
  const choice: ChoiceItem[] = [];
  for (const record of corpus) {
    if (record.split !== 'dev') continue;
    choice.push({ group: choiceGroup(record), source: `corpus:${record.kind}`, language: record.language, ...(record.emergencyHeadOnly === true ? { emergencyOnly: true } : {}), ...provisionalAssessor.rawScores(userText(record)) });
  }
  for (const set of datasets.dev) {
    if (!ORDINARY_SETS.has(set.name)) continue;
    for (const item of set.items) choice.push({ group: 'ordinary', source: set.name, language: item.language, ...provisionalAssessor.rawScores(item.text ?? '') });
  }
  const chosen = chooseDecisionPoints(choice, BARS);
  log(`decision points (dev): risk en ${chosen.risk.en.threshold.toFixed(3)} (slope ${chosen.risk.en.slope.toFixed(2)}), zh ${chosen.risk.zh.threshold.toFixed(3)} (slope ${chosen.risk.zh.slope.toFixed(2)}); emergency en ${chosen.emergency.en.threshold.toFixed(3)}, zh ${chosen.emergency.zh.threshold.toFixed(3)}`);
  log(`dev at those points (text-level approximation): ${Object.entries(chosen.dev).map(([key, value]) => `${key} ${(value * 100).toFixed(1)} %`).join(', ')}`);
  const model: GuardModel = { ...provisional, metadata: { ...provisional.metadata, calibration: { risk: chosen.risk, emergency: chosen.emergency }, trainedAt } };

  // --- figures ---
  const assessor = createRiskAssessor(model, options.segmenter ? { segmenter: options.segmenter } : {});
  const decide = createDefaultDecision();
  const fastAssess = (messages: ChatMessage[]): RiskAssessment => assessConversationTurns(messages, assessor, model.metadata.recommendedThreshold);
  const evaluationOptions = { assess: fastAssess, decide };
  const devRecords = corpus.filter((record) => record.split === 'dev').map(toEvaluationRecord);
  const testRecords = corpus.filter((record) => record.split === 'test').map(toEvaluationRecord);
  const fastDev = await evaluateCorpus(devRecords, evaluationOptions);
  log(formatCorpusEvaluation(fastDev, 'FAST PATH on the corpus DEV split (decision points were chosen on it: tuned-on figures)'));
  const fastTest = await evaluateCorpus(testRecords, evaluationOptions);
  log(formatCorpusEvaluation(fastTest, 'FAST PATH on the corpus TEST split (frozen; reported only, nothing chosen on it)'));
  let dev = fastDev;
  let test = fastTest;
  let encoderHead: EncoderHead | undefined;
  if (options.encoder !== false) {
    const embedder = createCachedEmbedder(await loadSentenceEncoder());
    encoderHead = await trainEncoderHeadFor({ corpusTraining: corpusExamples.examples, emergencyHeadOnly: corpusExamples.emergencyHeadOnly, datasets, corpus, fastAssess, decide, ordinarySets: ORDINARY_SETS, seed }, embedder, trainedAt, log);
    const head = encoderHead;
    const refined = { assess: (messages: ChatMessage[]) => refineWithCache(fastAssess(messages), messages, head, embedder, assessor), decide };
    dev = await evaluateCorpus(devRecords, refined);
    log(formatCorpusEvaluation(dev, 'FAST PATH + ENCODER on the corpus DEV split (band and points chosen on it: tuned-on figures)'));
    test = await evaluateCorpus(testRecords, refined);
    log(formatCorpusEvaluation(test, 'FAST PATH + ENCODER on the corpus TEST split (frozen; reported only, nothing chosen on it)'));
  }
  const sharedSets = evaluateSharedSets(assessor, datasets.dev, decide);
  log('held-out shared sources and probe sets (never trained on; the ordinary benign sets were used to choose the decision points):');
  log(formatSetFigures(sharedSets));
  const withoutErrors = (evaluation: CorpusEvaluation): Omit<CorpusEvaluation, 'errors'> => {
    const figures: Partial<CorpusEvaluation> = { ...evaluation };
    delete figures.errors;
    return figures as Omit<CorpusEvaluation, 'errors'>;
  };
  model.metadata.figures = {
    flaggedMeans: 'default guard policy action steer, block or escalate (training/guard/default-decision.ts)',
    decisionPointsDev: chosen.dev,
    fastPathCorpusDev: withoutErrors(fastDev),
    fastPathCorpusTest: withoutErrors(fastTest),
    ...(encoderHead ? { withEncoderCorpusDev: withoutErrors(dev), withEncoderCorpusTest: withoutErrors(test) } : {}),
    heldOutSetsFastPath: sharedSets,
  };
  model.metadata.training = { ...model.metadata.training, hyper, bars: BARS, encoderBudget: ENCODER_BUDGET, encoderEmergencyBudget: ENCODER_EMERGENCY_BUDGET, corpusRecords: corpus.length, corpusTrainDropped: corpusExamples.dropped };
  const result: TrainGuardResult = { model, dev, test, sharedSets, ...(encoderHead ? { encoderHead } : {}) };
  if (options.outDir) {
    result.written = writeGuardModel(model, options.outDir);
    log(`wrote ${result.written.metadata} and ${result.written.weights} (${(result.written.bytes / 1024).toFixed(0)} KiB)`);
    if (encoderHead) {
      mkdirSync(options.outDir, { recursive: true });
      writeFileSync(join(options.outDir, 'encoder-head.json'), `${JSON.stringify(encoderHead)}\n`);
      log(`wrote ${join(options.outDir, 'encoder-head.json')}`);
    }
  }
  return result;
}
