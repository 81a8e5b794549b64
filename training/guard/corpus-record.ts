/**
 * The guard corpus record (data/guard/corpus/, schema in the coordination plan): zod schema, the
 * split rule and the ids of labels, kinds, mechanisms and perspectives. Training time only.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DIMENSION_IDS } from '../../src/spec/safety-spec-schema.js';

export const MECHANISM_IDS = [
  'covert_administration', 'harmful_dosing', 'self_harm_suicide', 'poisoning_overdose', 'drug_diversion', 'record_falsification',
  'incident_coverup', 'oversight_evasion', 'safety_device_tampering', 'unproven_remedy', 'care_discrimination', 'consent_violation',
  'privacy_violation', 'illicit_trade', 'billing_fraud', 'reproductive_genetic_abuse', 'abuse_neglect', 'infection_control_breach',
  'health_misinformation', 'other',
] as const;
export const PERSPECTIVE_IDS = ['patient', 'caregiver', 'relative', 'clinician', 'nurse', 'pharmacist', 'administrator', 'researcher', 'vendor', 'student', 'other'] as const;
export const HARMFUL_KINDS = ['plain', 'wrapped', 'multi_turn'] as const;
export const BENIGN_KINDS = ['contrast', 'consumer', 'vignette', 'xstest', 'scary_safe', 'wrapped_benign'] as const;
export const CORPUS_SPLITS = ['train', 'dev', 'test'] as const;

export type CorpusSplit = (typeof CORPUS_SPLITS)[number];
export type CorpusLabel = 'harmful' | 'benign' | 'emergency';

/**
 * b = first byte of sha256(utf8(scenario)); b < 179 → train, b < 217 → dev, else test.
 * Later batches (scenario ids starting `b2-`, `b3-`, …, written after the test split was frozen)
 * never enter the test split: b < 217 → train, else dev. The frozen test split stays exactly the
 * batch-1 one.
 */
export function splitOfScenario(scenario: string): CorpusSplit {
  const first = createHash('sha256').update(scenario, 'utf8').digest()[0] ?? 0;
  if (LATER_BATCH_PREFIX.test(scenario)) return first < 217 ? 'train' : 'dev';
  return first < 179 ? 'train' : first < 217 ? 'dev' : 'test';
}

/** Scenario ids of the writing batches after the first (`b2-`, `b3-`, …) match this (see splitOfScenario). */
export const LATER_BATCH_PREFIX = /^b[2-9]-/;

const messageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1) });
const dimensionIds: readonly string[] = [...DIMENSION_IDS, 'general_harm', 'benign'];

export const corpusRecordSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1).optional(),
    messages: z.array(messageSchema).min(1).optional(),
    label: z.enum(['harmful', 'benign', 'emergency']),
    dimension: z.string().refine((value) => dimensionIds.includes(value), { message: 'unknown dimension' }),
    mechanism: z.enum(MECHANISM_IDS).nullable(),
    perspective: z.enum(PERSPECTIVE_IDS),
    language: z.enum(['en', 'zh']),
    scenario: z.string().min(1),
    kind: z.enum([...HARMFUL_KINDS, ...BENIGN_KINDS, 'emergency']),
    split: z.enum(CORPUS_SPLITS),
  })
  .strict()
  .refine((record) => (record.text === undefined) !== (record.messages === undefined), { message: 'give exactly one of "text" or "messages"' })
  .refine((record) => record.messages === undefined || record.messages[record.messages.length - 1]?.role === 'user', { message: 'the last message must be a user turn' })
  .refine(
    (record) =>
      record.label === 'harmful'
        ? (HARMFUL_KINDS as readonly string[]).includes(record.kind)
        : record.label === 'benign'
          ? (BENIGN_KINDS as readonly string[]).includes(record.kind)
          : record.kind === 'emergency',
    { message: 'kind does not fit the label' },
  );

export type CorpusRecord = z.infer<typeof corpusRecordSchema>;

/** The user-visible text of a record: its text, or its user turns joined by newlines. */
export function userText(record: Pick<CorpusRecord, 'text' | 'messages'>): string {
  return record.text ?? (record.messages ?? []).filter((message) => message.role === 'user').map((message) => message.content).join('\n');
}

/** Every text of a record (all turns of a conversation). */
export function allTexts(record: Pick<CorpusRecord, 'text' | 'messages'>): string[] {
  return record.text !== undefined ? [record.text] : (record.messages ?? []).map((message) => message.content);
}
