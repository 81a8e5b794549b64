/**
 * `safemed data export`: maps the pipeline's records (CoT items, ethics items, reviewed items,
 * guard corpus records, chat records) to the shared export module's input shape and writes them
 * with `exportRecords` (src/data/export, owned by the RL glue): one module for every trainer format.
 * Records the chosen stage cannot use are skipped and counted with the reason, never silently.
 */
import { DataFormatError } from '../core/errors.js';
import { buildChoicePrompt } from '../eval/scoring/build-choice-prompt.js';
import { exportRecords, readBackExport, type ExportFormat, type ExportRecordInput, type ExportResult, type ExportStage } from './export/index.js';
import { readJsonl } from './engine/read-jsonl.js';
import { fieldText } from './engine/record-text.js';

export interface PipelineExportOptions {
  inputs: string[];
  format: ExportFormat;
  stage: ExportStage;
  outDir: string;
  name?: string;
  /** Keep CoT items whose answer was not verified (default: skip them). */
  includeUnverified?: boolean;
}

export interface PipelineExportResult extends ExportResult {
  skipped: Record<string, number>;
  /** Rows read back from the written file and validated against the format's schema. */
  readBack: number;
}

function answerPart(response: string): string {
  return (/<answer>([\s\S]*?)(?:<\/answer>|$)/u.exec(response)?.[1] ?? response.replace(/<think>[\s\S]*?<\/think>/u, '')).trim();
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** One pipeline record as an export record, or the reason it cannot be one. */
export function toExportRecord(record: Record<string, unknown>, stage: ExportStage, includeUnverified: boolean): ExportRecordInput | string {
  const id = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : undefined;
  if (id === undefined) return 'no id';
  const language: 'en' | 'zh' | undefined = record.language === 'zh' ? 'zh' : record.language === 'en' ? 'en' : undefined;
  const split: 'train' | 'dev' | 'test' = record.split === 'dev' ? 'dev' : record.split === 'test' ? 'test' : 'train';
  const base = { id, source: text(record.source) ?? text(record.mix_source) ?? 'safemed', split, ...(language ? { language } : {}), ...(text(record.dimension) ? { dimension: fieldText(record.dimension) } : {}) };
  if (record.kind === 'cot') {
    if (record.verified !== true && !includeUnverified) return 'unverified CoT answer';
    const options = (record.options ?? {}) as Record<string, string>;
    const letters = Object.keys(options);
    const answer = fieldText(record.answer).split('').filter((letter) => letters.includes(letter));
    const prompt = buildChoicePrompt({ kind: 'multiple-choice', id, question: fieldText(record.question), options: Object.entries(options).map(([letter, optionText]) => ({ letter, text: optionText })), answer }, language ?? 'en');
    const response = fieldText(record.response);
    return { ...base, messages: [{ role: 'user', content: prompt }], target: { reasoning: fieldText(record.reasoning), answer: answerPart(response) }, label: { kind: 'exam', answer, options: letters } };
  }
  if (record.kind === 'ethics') {
    return { ...base, messages: [{ role: 'user', content: fieldText(record.question) }], target: { reasoning: fieldText(record.reasoning), answer: (typeof record.answer_text === 'string' ? record.answer_text : answerPart(fieldText(record.response))) }, label: { kind: record.label === 'benign' ? 'benign' : 'harmful' } };
  }
  // Guard corpus records ({text | messages, label}) and plain chat records: prompts with a label, for GRPO.
  const kind = record.label === 'harmful' || record.label === 'benign' ? record.label : undefined;
  const messages = Array.isArray(record.messages)
    ? (record.messages as Array<{ role: string; content: string }>).filter((message) => ['system', 'user', 'assistant'].includes(message.role)).map((message) => ({ role: message.role as 'system' | 'user' | 'assistant', content: fieldText(message.content) }))
    : text(record.text)
      ? [{ role: 'user' as const, content: fieldText(record.text) }]
      : undefined;
  if (!messages || messages.length === 0) return 'no question, text or messages';
  if (record.label === 'emergency') return 'emergency records (to be escalated, not refused) have no export label';
  const last = messages.at(-1);
  if (stage === 'sft') {
    if (last?.role !== 'assistant') return 'no assistant target for SFT';
    return { ...base, messages: messages.slice(0, -1), target: { reasoning: '', answer: last.content }, ...(kind ? { label: { kind } } : {}) };
  }
  if (last?.role !== 'user') return 'the last message is not a user turn';
  if (!kind) return 'no harmful/benign label for GRPO';
  return { ...base, messages, label: { kind } };
}

export async function exportPipelineRecords(options: PipelineExportOptions): Promise<PipelineExportResult> {
  const records: ExportRecordInput[] = [];
  const skipped: Record<string, number> = {};
  for (const input of options.inputs) {
    for (const { line, record } of readJsonl(input)) {
      const mapped = toExportRecord(record, options.stage, options.includeUnverified ?? false);
      if (typeof mapped === 'string') skipped[mapped] = (skipped[mapped] ?? 0) + 1;
      else {
        if (typeof mapped.id !== 'string') throw new DataFormatError(`${input}:${line}: record without id.`, { file: input, line, fix: 'Every record needs an id.' });
        records.push(mapped);
      }
    }
  }
  if (records.length === 0) {
    throw new DataFormatError(`Nothing to export from ${options.inputs.join(', ')} for ${options.stage}: ${Object.entries(skipped).map(([reason, count]) => `${count} × ${reason}`).join('; ') || 'no records'}.`, {
      fix: options.stage === 'sft' ? 'SFT needs CoT or ethics items (with a target); use --stage grpo for labelled prompts, or --include-unverified.' : 'GRPO needs prompts with a label (CoT, ethics or guard corpus records).',
    });
  }
  const result = await exportRecords(records, { format: options.format, stage: options.stage, outDir: options.outDir, ...(options.name ? { name: options.name } : {}) });
  const readBack = (await readBackExport(result.dataFile, options.format)).length;
  if (readBack !== result.rows) throw new DataFormatError(`${result.dataFile}: wrote ${result.rows} rows but read back ${readBack}.`, { file: result.dataFile, fix: 'Check the disk and write the export again.' });
  return { ...result, skipped, readBack };
}
