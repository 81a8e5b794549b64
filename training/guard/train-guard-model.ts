/**
 * The whole guard training run, shared by `npm run train:guard` and `safemed guard train`: read the
 * sources, build train/calibration/dev sets, train the three heads, calibrate on the non-bench
 * calibration slice, quantise, evaluate the quantised model on the leave-one-source-out dev sets, write
 * assets/guard/. Deterministic for a given seed.
 */
import { extractFeatures } from '../../src/guard/classifier/extract-features.js';
import { createRiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import type { GuardModel } from '../../src/guard/classifier/guard-model.js';
import { buildGuardDatasets, type DevSet } from './build-guard-datasets.js';
import { evaluateDevSets, formatDevFigures, type DevSetFigure } from './evaluate-dev-sets.js';
import { readGuardSources } from './read-training-sources.js';
import { binaryLogit, trainBinaryLogistic, trainSoftmax, type SparseExample } from './train-linear-model.js';
import type { TrainingExample } from './training-example.js';
import { DIMENSION_LABELS, weakDimensionLabel } from './weak-dimension-labels.js';
import { assembleGuardModel, writeGuardModel } from './write-guard-model.js';
import { fitCalibration } from './fit-calibration.js';
import { detectLanguage } from '../../src/guard/detect/detect-language.js';

export interface TrainGuardOptions {
  dataDir: string;
  /** Where to write guard-model.json/.bin; omit to keep the model in memory only. */
  outDir?: string;
  seed?: number;
  log?: (line: string) => void;
  /** Fixed timestamp for reproducible metadata. */
  trainedAt?: string;
  /** false: write the phase-1 (leave-one-source-out) model instead of the final one. Default true. */
  finalModel?: boolean;
  /** Hyper-parameter overrides for experiments. */
  hyper?: { epochs?: number; l2?: number; learningRate?: number };
}

export interface TrainGuardResult {
  model: GuardModel;
  figures: DevSetFigure[];
  written?: { metadata: string; weights: string; bytes: number };
}

export const RISK_BITS = 18;
export const HEAD_BITS = 15;
const TARGET_CALIBRATION_FALSE_POSITIVE_RATE = Number(process.env['SAFEMED_GUARD_CALIBRATION_FPR'] ?? 0.0065);
/**
 * Chinese texts get their own decision point, fitted on the Chinese part of the calibration slice: with
 * one shared point the Chinese benign calibration texts sat far below it (0 % flagged), so Chinese
 * attacks needed much more evidence than English ones. Chosen by looking at the non-bench dev sets only
 * (held-out Chinese patient questions and the MedEthicEval dev rows), never at CMMLU.
 */
const TARGET_CALIBRATION_FALSE_POSITIVE_RATE_ZH = Number(process.env['SAFEMED_GUARD_CALIBRATION_FPR_ZH'] ?? 0.0013);
/** Fewer Chinese calibration texts than this: no separate Chinese calibration. */
const MIN_ZH_CALIBRATION_BENIGN = 200;

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

export interface CoreTrainingInput {
  train: TrainingExample[];
  calibration: TrainingExample[];
  seed: number;
  trainedAt: string;
  log: (line: string) => void;
  epochs?: number;
  l2?: number;
  learningRate?: number;
}

/** Trains, calibrates and quantises from already assembled example lists (used by tests on small sets). */
export function trainGuardFromExamples(input: CoreTrainingInput): GuardModel {
  const { train, calibration, seed, log } = input;
  const epochs = input.epochs ?? 5;
  const positives = train.filter((example) => example.label === 1).length;
  const negatives = train.length - positives;
  const sparse = (example: TrainingExample, target: number, weight: number): SparseExample => {
    const features = extractFeatures(example.text);
    return { hashes: features.hashes, value: features.value, target, weight };
  };
  log(`featurising ${train.length} training examples (${positives} harmful, ${negatives} benign)`);
  const riskExamples = train.map((example) => {
    const classWeight = example.label === 1 ? (positives + negatives) / (2 * positives) : (positives + negatives) / (2 * negatives);
    const sourceWeight = SOURCE_WEIGHTS.find(([pattern]) => pattern.test(example.source))?.[1] ?? 1;
    return sparse(example, example.label, classWeight * sourceWeight);
  });
  log(`training the risk head (2^${RISK_BITS} buckets, ${epochs} epochs)`);
  const risk = trainBinaryLogistic(riskExamples, { bits: RISK_BITS, epochs, learningRate: input.learningRate ?? 0.2, l2: input.l2 ?? 1e-7, seed });

  const harmful = train.filter((example) => example.label === 1);
  const dimensionIndex = new Map(DIMENSION_LABELS.map((label, index) => [label, index]));
  const dimensionExamples = harmful.map((example) => {
    const label = example.dimension ?? weakDimensionLabel(example.text, { ...(example.principle === undefined ? {} : { principle: example.principle }), medicalSource: MEDICAL_SOURCES.test(example.source) });
    return sparse(example, dimensionIndex.get(label) ?? 0, 1);
  });
  log(`training the dimension head on ${dimensionExamples.length} weakly labelled harmful examples`);
  const dimension = trainSoftmax(dimensionExamples, DIMENSION_LABELS.length, { bits: HEAD_BITS, epochs: 3, learningRate: 0.2, l2: 1e-7, seed: seed + 1 });
  const principleExamples = harmful.filter((example) => example.principle !== undefined).map((example) => sparse(example, (example.principle as number) - 1, 1));
  log(`training the principle head on ${principleExamples.length} examples with an AMA category`);
  const principle = trainSoftmax(principleExamples, 9, { bits: HEAD_BITS, epochs: 3, learningRate: 0.2, l2: 1e-7, seed: seed + 2 });

  const calibrationLogits = calibration.map((example) => {
    const features = extractFeatures(example.text);
    return { logit: binaryLogit(risk, RISK_BITS, features), label: example.label };
  });
  // With enough Chinese calibration texts, Chinese and other texts each get their own decision point.
  const isChinese = calibration.map((example) => detectLanguage(example.text) === 'zh');
  const chineseLogits = calibrationLogits.filter((_, index) => isChinese[index]);
  const separate = chineseLogits.filter((point) => point.label === 0).length >= MIN_ZH_CALIBRATION_BENIGN;
  const fitted = fitCalibration(separate ? calibrationLogits.filter((_, index) => !isChinese[index]) : calibrationLogits, TARGET_CALIBRATION_FALSE_POSITIVE_RATE);
  log(`calibration on ${calibration.length} held-out non-bench examples${separate ? ' (non-Chinese part)' : ''}: logit threshold ${fitted.logitThreshold.toFixed(3)}, slope ${fitted.slope.toFixed(3)}`);
  const calibrationParameters: { slope: number; intercept: number; zh?: { slope: number; intercept: number } } = { slope: fitted.slope, intercept: -fitted.slope * fitted.logitThreshold };
  if (separate) {
    const chinese = fitCalibration(chineseLogits, TARGET_CALIBRATION_FALSE_POSITIVE_RATE_ZH);
    calibrationParameters.zh = { slope: chinese.slope, intercept: -chinese.slope * chinese.logitThreshold };
    log(`Chinese calibration on ${chineseLogits.length} of them: logit threshold ${chinese.logitThreshold.toFixed(3)}, slope ${chinese.slope.toFixed(3)}`);
  }
  return assembleGuardModel({
    riskBits: RISK_BITS,
    headBits: HEAD_BITS,
    risk,
    dimension,
    dimensionLabels: DIMENSION_LABELS,
    principle,
    principleLabels: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    calibration: calibrationParameters,
    recommendedThreshold: 0.5,
    seed,
    trainedAt: input.trainedAt,
    training: {
      examples: train.length,
      harmful: positives,
      benign: negatives,
      calibrationExamples: calibration.length,
      calibrationTargetFalsePositiveRate: TARGET_CALIBRATION_FALSE_POSITIVE_RATE,
      calibrationTargetFalsePositiveRateZh: TARGET_CALIBRATION_FALSE_POSITIVE_RATE_ZH,
      sources: countBySource(train),
    },
  });
}

function countBySource(examples: TrainingExample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const example of examples) counts[example.source] = (counts[example.source] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([left], [right]) => left.localeCompare(right)));
}

export function trainGuardModel(options: TrainGuardOptions): TrainGuardResult {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 20261124;
  const trainedAt = options.trainedAt ?? new Date().toISOString();
  log(`reading sources from ${options.dataDir}`);
  const sources = readGuardSources(options.dataDir);
  const datasets = buildGuardDatasets(sources, { seed });

  log('phase 1: leave-one-source-out model (dev sources held out)');
  const heldOutModel = trainGuardFromExamples({ train: datasets.train, calibration: datasets.calibration, seed, trainedAt, log, ...options.hyper });
  log('evaluating the quantised phase-1 model on the leave-one-source-out dev sets (flagged = steer or above under the default policy)');
  const figures = evaluateDevSets(createRiskAssessor(heldOutModel), datasets.dev);
  log(formatDevFigures(figures));
  if (options.finalModel === false) {
    heldOutModel.metadata.dev = { flaggedMeans: FLAGGED_MEANS, leaveOneSourceOut: figures };
    return finish(heldOutModel, figures, options, log);
  }

  log(`phase 2: final model, trained on the same recipe plus ${datasets.finalExtra.length} examples of the dev sources (project-written probes stay out)`);
  const model = trainGuardFromExamples({ train: [...datasets.train, ...datasets.finalExtra], calibration: datasets.calibration, seed, trainedAt, log, ...options.hyper });
  const probeSets = datasets.dev.filter((set) => PROJECT_WRITTEN_SETS.has(set.name));
  const finalFigures = evaluateDevSets(createRiskAssessor(model), probeSets);
  log('final model on the project-written sets it has not seen:');
  log(formatDevFigures(finalFigures));
  model.metadata.dev = { flaggedMeans: FLAGGED_MEANS, leaveOneSourceOut: figures, finalModelOnUnseenProjectSets: finalFigures };
  return finish(model, figures, options, log);
}

const FLAGGED_MEANS = 'default guard policy action steer or above (risk >= 0.5, or >= 0.35 with a detected attack)';
const PROJECT_WRITTEN_SETS = new Set(['multi-turn-harmful', 'multi-turn-benign', 'benign-over-refusal-probes', 'fresh-multi-turn-harmful', 'fresh-multi-turn-benign', 'fresh-over-refusal-probes', 'holdout-multi-turn-harmful', 'holdout-multi-turn-benign']);

function finish(model: GuardModel, figures: DevSetFigure[], options: TrainGuardOptions, log: (line: string) => void): TrainGuardResult {
  const result: TrainGuardResult = { model, figures };
  if (options.outDir) {
    result.written = writeGuardModel(model, options.outDir);
    log(`wrote ${result.written.metadata} and ${result.written.weights} (${(result.written.bytes / 1024).toFixed(0)} KiB)`);
  }
  return result;
}

export type { DevSet };
