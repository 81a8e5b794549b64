/**
 * The one input shape of every export: a conversation, an optional SFT target (reasoning + answer)
 * and an optional RL label. The data pipeline (CoT items, ethics items) and the red-team exports map
 * their records to this and hand them to `exportRecords`.
 */
import { z } from 'zod';

export const exportRecordSchema = z.strictObject({
  id: z.string().min(1),
  /** The conversation up to (and including) the last user turn; a system message may come first. */
  messages: z
    .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
    .min(1)
    .refine((messages) => messages.at(-1)?.role === 'user', 'the last message must be the user turn to answer'),
  /** The SFT target: rendered as `<think>reasoning</think><answer>answer</answer>` (the model card's format). */
  target: z.strictObject({ reasoning: z.string(), answer: z.string().min(1) }).optional(),
  /** The RL label the reward reads: the prompt's kind and, for an exam question, its answer letters. */
  label: z
    .strictObject({
      kind: z.enum(['harmful', 'benign', 'exam']).optional(),
      answer: z.array(z.string().regex(/^[A-J]$/)).optional(),
      options: z.array(z.string().regex(/^[A-J]$/)).optional(),
    })
    .optional(),
  /** Where it came from (dataset or generator), for data_source and filtering. */
  source: z.string().default('safemed'),
  dimension: z.string().optional(),
  language: z.enum(['en', 'zh']).optional(),
  split: z.enum(['train', 'dev', 'test']).default('train'),
});

export type ExportRecord = z.output<typeof exportRecordSchema>;
export type ExportRecordInput = z.input<typeof exportRecordSchema>;

export type ChatTurn = ExportRecord['messages'][number];

/** `<think>…</think><answer>…</answer>`, as SafeMed-R1 answers. */
export function renderTarget(target: { reasoning: string; answer: string }): string {
  return `<think>\n${target.reasoning.trim()}\n</think>\n<answer>\n${target.answer.trim()}\n</answer>`;
}

/** The label as one string (what OpenRLHF labels, verl ground_truth and MS-Swift solution carry): JSON the reward's label parser reads. */
export function labelString(record: ExportRecord): string {
  const label = record.label ?? {};
  const kind = label.kind ?? (label.answer && label.answer.length > 0 ? 'exam' : undefined);
  const value: Record<string, unknown> = {};
  if (kind) value.kind = kind;
  if (label.answer && label.answer.length > 0) value.answer = [...label.answer].sort().join('');
  if (label.options) value.options = label.options;
  return Object.keys(value).length === 0 ? '' : JSON.stringify(value);
}

/** The text of the last user turn. */
export function lastUserTurn(record: ExportRecord): string {
  return record.messages.at(-1)?.content ?? '';
}
