/**
 * Reads `--data` (files or folders of .jsonl) into export records. Accepted lines:
 *   the export record itself {id, messages, target?, label?, …} (src/data/export);
 *   {prompt | question, response | answer, reasoning?, label?, kind?, id?} (data pipeline and red-team exports);
 *   {messages: [..., {role: assistant}], label?, kind?} — the last assistant turn becomes the target;
 *   {prompt: [messages], kind, data_source, attack_id, …} — `safemed redteam export --format grpo`.
 * The card's system prompt is added to every conversation that has no system message.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportRecordInput } from '../data/export/index.js';
import { DataFormatError } from '../core/errors.js';

type Turn = { role: 'system' | 'user' | 'assistant'; content: string };

function files(paths: string[]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new DataFormatError(`--data ${path} does not exist.`, { file: path, fix: 'Pass JSONL files or folders that hold them.' });
    }
    if (stats.isDirectory()) {
      found.push(...readdirSync(path).filter((name) => name.endsWith('.jsonl')).sort().map((name) => join(path, name)));
    } else found.push(path);
  }
  if (found.length === 0) throw new DataFormatError(`No .jsonl files in ${paths.join(', ')}.`, { fix: 'Pass JSONL files or folders that hold them.' });
  return found;
}

function splitTarget(text: string): { reasoning: string; answer: string } {
  const think = /<think>([\s\S]*?)<\/think>/.exec(text);
  const answer = /<answer>([\s\S]*?)<\/answer>/.exec(text);
  if (think || answer) return { reasoning: (think?.[1] ?? '').trim(), answer: (answer?.[1] ?? text.replace(/<think>[\s\S]*?<\/think>/, '')).trim() };
  return { reasoning: '', answer: text.trim() };
}

function labelOf(record: Record<string, unknown>): ExportRecordInput['label'] {
  const label: NonNullable<ExportRecordInput['label']> = {};
  const raw = record.label;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) Object.assign(label, raw);
  else if (typeof raw === 'string' && /^[A-J]+$/.test(raw.trim())) label.answer = raw.trim().split('');
  else if (typeof raw === 'string' && ['harmful', 'benign', 'exam'].includes(raw)) label.kind = raw as 'harmful';
  const kind = record.kind ?? record.label_kind;
  if (kind === 'emergency') label.kind = 'harmful';
  else if (kind === 'harmful' || kind === 'benign' || kind === 'exam') label.kind = kind;
  if (Array.isArray(record.answer_letters)) label.answer = record.answer_letters.map(String);
  return Object.keys(label).length === 0 ? undefined : label;
}

export function toExportRecord(record: Record<string, unknown>, fallbackId: string, systemPrompt: string): ExportRecordInput {
  const id = typeof record.id === 'string' && record.id !== '' ? record.id : typeof record.attack_id === 'string' && record.attack_id !== '' ? record.attack_id : fallbackId;
  let messages: Turn[];
  let target = record.target as ExportRecordInput['target'];
  const conversation = Array.isArray(record.messages) ? record.messages : Array.isArray(record.prompt) ? record.prompt : undefined;
  if (conversation !== undefined) {
    messages = (conversation as Turn[]).map((turn) => ({ role: turn.role, content: turn.content }));
    const last = messages.at(-1);
    if (last?.role === 'assistant' && target === undefined) {
      target = splitTarget(last.content);
      messages = messages.slice(0, -1);
    }
  } else {
    const prompt = record.prompt ?? record.question ?? record.instruction;
    if (typeof prompt !== 'string') throw new DataFormatError(`Record ${id} has no prompt, question or messages.`, { fix: 'Each line needs messages, prompt or question.' });
    messages = [{ role: 'user', content: prompt }];
    const response = record.response ?? record.output;
    const answer = typeof record.answer === 'string' && record.answer.length > 2 ? record.answer : undefined;
    if (target === undefined && typeof response === 'string') target = splitTarget(response);
    else if (target === undefined && answer !== undefined) target = { reasoning: typeof record.reasoning === 'string' ? record.reasoning : '', answer };
  }
  if (!messages.some((turn) => turn.role === 'system')) messages = [{ role: 'system', content: systemPrompt }, ...messages];
  const label = labelOf(record);
  return {
    id,
    messages,
    ...(target ? { target } : {}),
    ...(label ? { label } : {}),
    ...(typeof record.source === 'string' ? { source: record.source } : typeof record.data_source === 'string' ? { source: record.data_source } : {}),
    ...(typeof record.dimension === 'string' ? { dimension: record.dimension } : {}),
    ...(record.language === 'en' || record.language === 'zh' ? { language: record.language } : {}),
    ...(record.split === 'train' || record.split === 'dev' || record.split === 'test' ? { split: record.split } : {}),
  };
}

export function readTrainingRecords(paths: string[], systemPrompt: string): ExportRecordInput[] {
  const records: ExportRecordInput[] = [];
  for (const file of files(paths)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          throw new DataFormatError(`${file}:${index + 1} is not valid JSON.`, { file, line: index + 1 });
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DataFormatError(`${file}:${index + 1} is not a JSON object.`, { file, line: index + 1 });
        records.push(toExportRecord(value as Record<string, unknown>, `${file.replace(/^.*\//, '')}:${index + 1}`, systemPrompt));
      });
  }
  return records;
}
