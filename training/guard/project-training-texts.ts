/**
 * Every project-written training text, for the overlap check against the corpus dev/test splits:
 * the corpus train split (written and generated), every string of the phrase and generator tables in
 * data/guard/{phrases,generators}/ (split at their `{placeholder}`s, so each fragment is checked), and
 * the output of the combinatorial generators. Texts from ../shared/data are not project-written and
 * are not part of this check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { allTexts, userText } from './corpus-record.js';
import { generateClinicalQuestions } from './generate-clinical-questions.js';
import { generateContrastRequests } from './generate-contrast-requests.js';
import { generateGenericHarm } from './generate-generic-harm.js';
import { generatePerspectiveContrasts } from './generate-perspective-contrasts.js';
import { generateRightsQuestions } from './generate-rights-questions.js';
import { generateSafetyContrasts } from './generate-safety-contrasts.js';
import { generateZhContrasts, generateZhEthicsQuestions } from './generate-zh-contrasts.js';
import { generateZhEthicsAttacks } from './generate-zh-ethics-attacks.js';
import { guardDataPath } from './guard-data-path.js';
import { findOverlap, indexEvaluationTexts, type OverlapIndex } from './ngram-overlap.js';
import type { CorpusFileRecord } from './read-corpus.js';
import { createSeededRandom } from './train-linear-model.js';

export interface SourcedText {
  source: string;
  text: string;
}

/** Tables that are never trained on: dev-only wrappers of the old leave-one-source-out sets, held-out framings. */
const NOT_TRAINING_KEYS = new Set(['heldout', 'DEV_WRAPPERS_EN', 'DEV_WRAPPERS_ZH']);

function stringLeaves(value: unknown, into: string[]): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) stringLeaves(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) if (!NOT_TRAINING_KEYS.has(key)) stringLeaves(item, into);
  }
  return into;
}

/** Placeholders split a template into fragments that appear verbatim in generated texts. */
function fragments(text: string): string[] {
  return text.split(/\{[a-z_]+\}/i).filter((fragment) => fragment.trim().length > 0);
}

export function tableTexts(): SourcedText[] {
  const texts: SourcedText[] = [];
  for (const folder of ['phrases', 'generators']) {
    for (const name of readdirSync(guardDataPath(folder)).filter((file) => file.endsWith('.yaml')).sort()) {
      for (const leaf of stringLeaves(parse(readFileSync(guardDataPath(folder, name), 'utf8')), [])) {
        for (const fragment of fragments(leaf)) texts.push({ source: `data/guard/${folder}/${name}`, text: fragment });
      }
    }
  }
  return texts;
}

export function generatorTexts(seed = 20261124): SourcedText[] {
  const random = createSeededRandom(seed);
  const examples = [
    ...generateContrastRequests(['{topic}'], 8000, random),
    ...generateSafetyContrasts(random),
    ...generateZhContrasts(3000, random),
    ...generateZhEthicsQuestions(3000, random),
    ...generateClinicalQuestions(2500, random),
    ...generateRightsQuestions(1500, random),
    ...generateZhEthicsAttacks(10000, random),
    ...generateGenericHarm(3000, random),
    ...generatePerspectiveContrasts(225),
  ];
  return examples.flatMap((example) => fragments(example.text).map((text) => ({ source: `generator:${example.source}`, text })));
}

export function evaluationItems(records: CorpusFileRecord[]): { id: string; texts: string[] }[] {
  return records.filter((record) => record.split !== 'train').map((record) => ({ id: record.id, texts: allTexts(record) }));
}

export interface CorpusTrainingSelection {
  /** Train-split records the model is trained on. */
  kept: CorpusFileRecord[];
  /** Train-split records left out because they share an 8-gram with a dev or test record. */
  dropped: { record: CorpusFileRecord; gram: string; evaluationId: string }[];
}

/**
 * The corpus train split as the model sees it: records that share an 8-gram with a dev or test record
 * (two scenarios by different writers that happen to share a phrase) are left out of training, so the
 * dev and test figures stay clean. The overlap test checks this selection and bounds how much it drops.
 */
export function selectCorpusTraining(records: CorpusFileRecord[], index: OverlapIndex = indexEvaluationTexts(evaluationItems(records))): CorpusTrainingSelection {
  const selection: CorpusTrainingSelection = { kept: [], dropped: [] };
  for (const record of records) {
    if (record.split !== 'train') continue;
    const hit = findOverlap(index, userText(record));
    if (hit) selection.dropped.push({ record, ...hit });
    else selection.kept.push(record);
  }
  return selection;
}

/** What the model sees of the corpus: the text, or the user turns of a conversation. */
export function corpusTrainingTexts(records: CorpusFileRecord[]): SourcedText[] {
  return records.map((record) => ({ source: `corpus:${record.id}`, text: userText(record) }));
}
