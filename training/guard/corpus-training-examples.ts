/**
 * The guard corpus as training examples: the train split as trained on (records sharing an 8-gram with
 * a dev/test record left out, see project-training-texts.ts), conversations read as their user turns
 * joined, plus one sentence span of each benign record (the run-time scorer looks at spans of a text,
 * so it must learn that pieces of benign texts are benign too). Records of the emergency-head folder
 * become `emergencyHeadOnly` examples in their own list (no benign spans, no draw from `random`), so the
 * other examples and their order are exactly what they are without that folder.
 */
import { splitSegments } from '../../src/guard/detect/split-segments.js';
import { userText } from './corpus-record.js';
import { selectCorpusTraining } from './project-training-texts.js';
import type { CorpusFileRecord } from './read-corpus.js';
import type { TrainingExample } from './training-example.js';

export interface CorpusTrainingExamples {
  examples: TrainingExample[];
  /** The emergency-head folder's train records (emergency heads only; see read-corpus.ts). */
  emergencyHeadOnly: TrainingExample[];
  dropped: number;
}

export function corpusTrainingExamples(records: CorpusFileRecord[], random: () => number): CorpusTrainingExamples {
  const selection = selectCorpusTraining(records);
  const examples: TrainingExample[] = [];
  const emergencyHeadOnly: TrainingExample[] = [];
  for (const record of selection.kept) {
    const text = userText(record);
    const base = { text, language: record.language, group: record.scenario };
    if (record.emergencyHeadOnly === true) {
      emergencyHeadOnly.push({ ...base, label: 0, ...(record.label === 'emergency' ? { emergency: true } : {}), emergencyHeadOnly: true, source: `corpus:emergency-head-${record.kind}` });
    } else if (record.label === 'emergency') {
      examples.push({ ...base, label: 0, emergency: true, dimension: record.dimension, ...(record.mechanism === null ? {} : { mechanism: record.mechanism }), source: 'corpus:emergency' });
    } else if (record.label === 'harmful') {
      examples.push({ ...base, label: 1, dimension: record.dimension, ...(record.mechanism === null ? {} : { mechanism: record.mechanism }), source: `corpus:harmful-${record.kind}` });
    } else {
      // A contrast carries the topic dimension and mechanism of the harmful scenario it mirrors (used by the
      // dimension and mechanism heads only when the contrast*Weight hyper-parameters are above 0).
      const topic = record.kind === 'contrast' && record.dimension !== 'benign' ? { dimension: record.dimension, ...(record.mechanism === null ? {} : { contrastMechanism: record.mechanism }) } : {};
      examples.push({ ...base, label: 0, ...topic, source: `corpus:benign-${record.kind}` });
      const segments = splitSegments(text);
      if (segments.length >= 3) {
        const start = Math.floor(random() * segments.length);
        const length = 1 + Math.floor(random() * 2);
        examples.push({ ...base, text: segments.slice(start, start + length).join(', '), label: 0, source: `corpus:benign-span` });
      }
    }
  }
  return { examples, emergencyHeadOnly, dropped: selection.dropped.length };
}
