/**
 * The whole text of any record shape the pipeline reads — `question` + `options` + `response`
 * (CoT and ethics items), `text` (guard corpus), `messages` (conversations), `instruction`/`input`/
 * `output` (Alpaca) — for dedup and decontamination, and the item's score for keeping the best one.
 */
import { DataFormatError } from '../../core/errors.js';

/** A string or number field as text; anything else as ''. */
export function fieldText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function optionsText(options: unknown): string {
  if (Array.isArray(options)) {
    return options
      .map((option) => (typeof option === 'string' ? option : typeof option === 'object' && option !== null ? `${fieldText((option as Record<string, unknown>).letter)} ${fieldText((option as Record<string, unknown>).text)}` : ''))
      .join('\n');
  }
  if (typeof options === 'object' && options !== null) {
    return Object.entries(options as Record<string, unknown>)
      .map(([letter, text]) => `${letter}. ${fieldText(text)}`)
      .join('\n');
  }
  return typeof options === 'string' ? options : '';
}

function messagesText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages.map((message) => (typeof message === 'object' && message !== null ? fieldText((message as Record<string, unknown>).content ?? (message as Record<string, unknown>).value) : '')).join('\n');
}

/** The record's text, or undefined when it has none of the known shapes. */
export function recordText(record: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  if (typeof record.question === 'string') {
    parts.push(record.question, optionsText(record.options));
    if (typeof record.response === 'string') parts.push(record.response);
    else if (typeof record.answer_text === 'string') parts.push(record.answer_text);
  } else if (typeof record.text === 'string') parts.push(record.text);
  else if (Array.isArray(record.messages)) parts.push(messagesText(record.messages));
  else if (Array.isArray(record.conversations)) parts.push(messagesText(record.conversations));
  else if (typeof record.instruction === 'string') parts.push(record.instruction, fieldText(record.input), fieldText(record.output));
  else if (typeof record.prompt === 'string') parts.push(record.prompt, typeof record.response === 'string' ? record.response : '');
  else return undefined;
  return parts.filter((part) => part !== '').join('\n');
}

export function requireRecordText(record: Record<string, unknown>, file: string, line: number): string {
  const text = recordText(record);
  if (text === undefined) {
    throw new DataFormatError(`${file}:${line}: no text to compare (expected question + options + response, text, messages or instruction).`, {
      file,
      line,
      fix: 'Give records written by `safemed data cot|expand|ethics`, guard corpus records ({text}) or chat records ({messages}).',
    });
  }
  return text;
}

/** The item's quality score: the QC mean when present, else a numeric `score`, else null. */
export function recordScore(record: Record<string, unknown>): number | null {
  const qc = record.qc;
  if (typeof qc === 'object' && qc !== null && typeof (qc as Record<string, unknown>).score === 'number') return (qc as { score: number }).score;
  return typeof record.score === 'number' ? record.score : null;
}

export function recordId(record: Record<string, unknown>, line: number): string {
  const id = record.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : `line-${line}`;
}
