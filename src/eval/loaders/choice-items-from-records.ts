/**
 * Turns records of any multiple-choice release into MultipleChoiceItems, driven by a column
 * mapping. Options may be an object ({A: …}), a list, a Python list string, a free-text cell or a
 * set of letter columns (A, B, C, D); answers may be letters or a 0-based index.
 */
import { DataFormatError } from '../../core/errors.js';
import type { MultipleChoiceItem } from '../benchmark-types.js';
import type { SourceRecord } from './read-records.js';
import {
  optionsFromList,
  optionsFromObject,
  optionsFromText,
  parseAnswerLetters,
  parsePythonStringList,
  requireOptions,
  type ChoiceOption,
} from './parse-options.js';
import { requireText } from './read-records.js';
import { valueText } from './value-text.js';

export interface ChoiceColumnMapping {
  /** Column with the item id; the line number is used when absent. */
  id?: string;
  question: string;
  /** One column holding all options, or the letter columns (['A', 'B', 'C', 'D']). */
  options: string | string[];
  answer: string;
  subject?: string;
  /** Prefix for ids built from line numbers. */
  idPrefix?: string;
}

export interface ChoiceItemsResult {
  items: MultipleChoiceItem[];
  skipped: number;
}

function parseOptionValue(value: unknown): ChoiceOption[] {
  if (Array.isArray(value)) return optionsFromList(value);
  if (value !== null && typeof value === 'object') return optionsFromObject(value as Record<string, unknown>);
  const text = valueText(value);
  const list = parsePythonStringList(text);
  if (list) return optionsFromList(list);
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return parseOptionValue(JSON.parse(trimmed));
    } catch {
      // not JSON: fall through to free text
    }
  }
  return optionsFromText(text);
}

function isMissing(value: unknown): boolean {
  return value === undefined || value === null || valueText(value).trim() === '' || valueText(value).trim().toLowerCase() === 'nan';
}

export function choiceItemsFromRecords(rows: SourceRecord[], file: string, mapping: ChoiceColumnMapping): ChoiceItemsResult {
  const items: MultipleChoiceItem[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const row of rows) {
    const question = requireText(row, mapping.question, file).trim();
    const optionsColumn = Array.isArray(mapping.options) ? mapping.options.join(',') : mapping.options;
    let options: ChoiceOption[];
    if (Array.isArray(mapping.options)) {
      options = mapping.options
        .filter((column) => !isMissing(row.record[column]))
        .map((column) => ({ letter: column.toUpperCase(), text: valueText(row.record[column]).trim() }));
    } else {
      const value = row.record[mapping.options];
      if (value === undefined || value === null) {
        throw new DataFormatError(`${file}:${row.line}: missing value in column "${mapping.options}".`, {
          file,
          line: row.line,
          column: mapping.options,
          fix: `Every row needs options in "${mapping.options}".`,
        });
      }
      options = parseOptionValue(value);
    }
    requireOptions(options, { file, line: row.line, column: optionsColumn });
    const rawAnswer = row.record[mapping.answer];
    if (!(mapping.answer in row.record)) {
      throw new DataFormatError(`${file}:${row.line}: missing column "${mapping.answer}".`, {
        file,
        line: row.line,
        column: mapping.answer,
        fix: `Every row needs an answer in "${mapping.answer}".`,
      });
    }
    if (isMissing(rawAnswer)) {
      // The release has no answer key for this row (CMExam has one): it cannot be scored.
      skipped += 1;
      continue;
    }
    const answerValue =
      typeof rawAnswer === 'number' && Number.isInteger(rawAnswer) ? options[rawAnswer]?.letter ?? `#${rawAnswer}` : rawAnswer;
    const answer = parseAnswerLetters(answerValue, options, { file, line: row.line, column: mapping.answer });
    const rawId = mapping.id !== undefined ? row.record[mapping.id] : undefined;
    let id = isMissing(rawId) ? `${mapping.idPrefix ?? 'line'}-${row.line}` : valueText(rawId).trim();
    if (seen.has(id)) id = `${id}#${row.line}`;
    seen.add(id);
    const subject = mapping.subject ? row.record[mapping.subject] : undefined;
    items.push({
      kind: 'multiple-choice',
      id,
      question,
      options,
      answer,
      ...(isMissing(subject) ? {} : { subject: valueText(subject).trim() }),
    });
  }
  return { items, skipped };
}
