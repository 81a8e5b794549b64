/**
 * Row builders and read-back validators, one per engine format. Each `toX` maps an ExportRecord to the
 * engine's row; each format's zod schema is what the read-back validator checks (strict: no extra keys).
 *
 *   llamafactory-alpaca    {instruction, input, output, system?, history?}                 (SFT)
 *   llamafactory-sharegpt  {messages: [{role, content}]} with OpenAI-style tags            (SFT)
 *   ms-swift               {messages: [...]} (SFT: ends with the assistant target) + solution (GRPO)
 *   trl                    SFT {messages}; GRPO {prompt: [messages], label, kind}
 *   verl                   {data_source, prompt, ability, reward_model: {style, ground_truth}, extra_info} (parquet)
 *   openai-jsonl           {messages: [..., {role: assistant}]}                            (SFT, OpenAI fine-tuning)
 */
import { z } from 'zod';
import { DataFormatError } from '../../core/errors.js';
import { labelString, lastUserTurn, renderTarget, type ExportRecord } from './export-record.js';

export const EXPORT_FORMATS = ['llamafactory-alpaca', 'llamafactory-sharegpt', 'ms-swift', 'trl', 'verl', 'openai-jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportStage = 'sft' | 'grpo';

const message = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const rowSchemas = {
  'llamafactory-alpaca': z.strictObject({
    instruction: z.string().min(1),
    input: z.string(),
    output: z.string().min(1),
    system: z.string().optional(),
    history: z.array(z.tuple([z.string(), z.string()])).optional(),
  }),
  'llamafactory-sharegpt': z.strictObject({ messages: z.array(message).min(2) }),
  'ms-swift': z.strictObject({ messages: z.array(message).min(1), solution: z.string().optional() }),
  trl: z.union([z.strictObject({ messages: z.array(message).min(2) }), z.strictObject({ prompt: z.array(message).min(1), label: z.string(), kind: z.string() })]),
  verl: z.strictObject({
    data_source: z.string().min(1),
    prompt: z.array(message).min(1),
    ability: z.string().min(1),
    reward_model: z.strictObject({ style: z.enum(['rule', 'model']), ground_truth: z.string() }),
    extra_info: z.strictObject({ split: z.string(), index: z.number().int(), id: z.string(), question: z.string(), kind: z.string().nullable() }),
  }),
  'openai-jsonl': z.strictObject({ messages: z.array(message).min(2).refine((list) => list.at(-1)?.role === 'assistant', 'the last message must be the assistant target') }),
} as const;

export type ExportRow = Record<string, unknown>;

function needTarget(record: ExportRecord, format: ExportFormat): { reasoning: string; answer: string } {
  if (!record.target) {
    throw new DataFormatError(`Record "${record.id}" has no target, which ${format} SFT data needs.`, { fix: 'Give every SFT record a target {reasoning, answer}, or export it for GRPO.' });
  }
  return record.target;
}

function withTarget(record: ExportRecord, format: ExportFormat) {
  return [...record.messages, { role: 'assistant' as const, content: renderTarget(needTarget(record, format)) }];
}

export function toRow(record: ExportRecord, format: ExportFormat, stage: ExportStage, index: number): ExportRow {
  switch (format) {
    case 'llamafactory-alpaca': {
      const system = record.messages.find((turn) => turn.role === 'system')?.content;
      const turns = record.messages.filter((turn) => turn.role !== 'system');
      const history: Array<[string, string]> = [];
      for (let position = 0; position + 1 < turns.length - 1; position += 2) {
        const user = turns[position];
        const assistant = turns[position + 1];
        if (user?.role !== 'user' || assistant?.role !== 'assistant') throw new DataFormatError(`Record "${record.id}": alpaca history needs alternating user/assistant turns.`, { fix: 'Use llamafactory-sharegpt for this conversation.' });
        history.push([user.content, assistant.content]);
      }
      return {
        instruction: lastUserTurn(record),
        input: '',
        output: renderTarget(needTarget(record, format)),
        ...(system !== undefined ? { system } : {}),
        ...(history.length > 0 ? { history } : {}),
      };
    }
    case 'llamafactory-sharegpt':
    case 'openai-jsonl':
      return { messages: withTarget(record, format) };
    case 'ms-swift':
      return stage === 'sft' ? { messages: withTarget(record, format) } : { messages: record.messages, solution: labelString(record) };
    case 'trl':
      return stage === 'sft' ? { messages: withTarget(record, format) } : { prompt: record.messages, label: labelString(record), kind: record.label?.kind ?? '' };
    case 'verl':
      return {
        data_source: record.source,
        prompt: record.messages,
        ability: record.label?.answer && record.label.answer.length > 0 ? 'medical_qa' : 'medical_safety',
        reward_model: { style: 'rule', ground_truth: labelString(record) },
        extra_info: { split: record.split, index, id: record.id, question: lastUserTurn(record), kind: record.label?.kind ?? null },
      };
  }
}

/** Checks rows read back from a file against the format's schema; the first problem names the row and field. */
export function validateRows(rows: unknown[], format: ExportFormat, file: string): void {
  const schema = rowSchemas[format];
  rows.forEach((row, index) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataFormatError(`${file} row ${index + 1} is not valid ${format}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
        file,
        line: index + 1,
        fix: 'Regenerate the file with safemed data export / safemed train recipe.',
      });
    }
  });
}
