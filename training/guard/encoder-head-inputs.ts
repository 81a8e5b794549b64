/**
 * What the sentence-encoder heads are trained and chosen on: English corpus train texts as written
 * (plain requests, conversations, benign records; wrapped variants are the fast path's job) plus 800
 * shared benign questions for the risk head; emergencies against every other English corpus text for
 * the emergency head (and the emergency-head-only records of data/guard/corpus/emergency-head/, never the
 * risk head); and every English dev record plus 250 of each held-out ordinary set, with its fast-path
 * assessment and decision, for choosing bands and points. Deterministic for a seed. `npm run train:guard`
 * (train-guard-model.ts) and training/guard/encoder-head-experiment.ts both build their inputs here.
 */
import type { ChatMessage } from '../../src/core/chat.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import type { DevSet } from './build-guard-datasets.js';
import type { CorpusFileRecord } from './read-corpus.js';
import { createSeededRandom, shuffleInPlace } from './train-linear-model.js';
import type { EncoderDevItem, EncoderTrainingText } from './train-encoder-head.js';
import type { TrainingExample } from './training-example.js';

export interface EncoderHeadInputs {
  train: EncoderTrainingText[];
  emergencyTrain: EncoderTrainingText[];
  dev: EncoderDevItem[];
}

export interface EncoderHeadInputsOptions {
  corpusTraining: TrainingExample[];
  /** Examples of the emergency-head folder: they train the emergency head only. */
  emergencyHeadOnly: TrainingExample[];
  datasets: { train: TrainingExample[]; dev: DevSet[] };
  corpus: CorpusFileRecord[];
  fastAssess: (messages: ChatMessage[]) => RiskAssessment;
  decide: (assessment: RiskAssessment, messages: ChatMessage[]) => string;
  /** The held-out shared sets whose English items count as ordinary texts on dev. */
  ordinarySets: ReadonlySet<string>;
  seed: number;
}

/** Shared benign sources whose English texts (800 of them, seeded) join the encoder heads' negatives. */
const ENCODER_SHARED_BENIGN = new Set(['medquad', 'bench:mmlu-pro', 'bench:medmcqa', 'alpaca']);
const FLAGGED_ACTIONS = new Set(['steer', 'block', 'escalate']);

export function encoderHeadInputs(options: EncoderHeadInputsOptions): EncoderHeadInputs {
  const { corpusTraining, emergencyHeadOnly, datasets, corpus, fastAssess, decide, seed } = options;
  const random = createSeededRandom(seed + 12);
  const withGroup = (example: TrainingExample): { group?: string } => (example.group === undefined ? {} : { group: example.group });
  const train: EncoderTrainingText[] = corpusTraining
    .filter((example) => example.language === 'en' && example.emergency !== true && !/^corpus:(benign-span|harmful-wrapped|benign-wrapped_benign)$/.test(example.source))
    .map((example) => ({ text: example.text, label: example.label, ...withGroup(example) }));
  const shared = shuffleInPlace(datasets.train.filter((example) => example.language === 'en' && example.label === 0 && ENCODER_SHARED_BENIGN.has(example.source)), random).slice(0, 800);
  train.push(...shared.map((example) => ({ text: example.text, label: 0 as const })));
  const emergencyTrain: EncoderTrainingText[] = corpusTraining
    .filter((example) => example.language === 'en' && !/^corpus:(benign-span|harmful-wrapped|benign-wrapped_benign|harmful-encoded)$/.test(example.source))
    .map((example) => ({ text: example.text, label: example.emergency === true ? 1 : 0 }));
  emergencyTrain.push(...shared.map((example) => ({ text: example.text, label: 0 as const })));
  emergencyTrain.push(...emergencyHeadOnly.filter((example) => example.language === 'en').map((example) => ({ text: example.text, label: example.emergency === true ? (1 as const) : (0 as const) })));
  const devItem = (group: EncoderDevItem['group'], source: string, messages: ChatMessage[]): EncoderDevItem => {
    const fast = fastAssess(messages);
    return { group, source, messages, fast, fastFlagged: FLAGGED_ACTIONS.has(decide(fast, messages)) };
  };
  const dev: EncoderDevItem[] = [];
  for (const record of corpus) {
    if (record.split !== 'dev' || record.language !== 'en') continue;
    const messages: ChatMessage[] = record.messages ?? [{ role: 'user', content: record.text ?? '' }];
    // Emergency-head records count only for the emergency band (as emergencies or scary-but-safe look-alikes), never for the risk band.
    const group =
      record.label === 'emergency' ? 'emergency'
      : record.emergencyHeadOnly === true ? 'scary_safe'
      : record.label === 'harmful' ? 'harmful'
      : record.kind === 'consumer' || record.kind === 'vignette' ? 'ordinary'
      : record.kind === 'xstest' ? 'xstest'
      : record.kind === 'scary_safe' ? 'scary_safe'
      : 'other';
    dev.push(devItem(group, `corpus:${record.kind}`, messages));
  }
  for (const set of datasets.dev) {
    if (!options.ordinarySets.has(set.name)) continue;
    for (const item of shuffleInPlace(set.items.filter((entry) => entry.language === 'en'), random).slice(0, 250)) dev.push(devItem('ordinary', set.name, [{ role: 'user', content: item.text ?? '' }]));
  }
  return { train, emergencyTrain, dev };
}
