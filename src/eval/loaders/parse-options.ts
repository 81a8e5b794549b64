/**
 * Option and answer parsing shared by the multiple-choice loaders: options from an object
 * ({A: …}), a list ("A.…" strings or plain texts) or one free-text cell with inline markers
 * (CMExam's "A 原发病\nB 出血部位", PediaBench's "A.…　　B．…"), and answers as letters.
 */
import { DataFormatError } from '../../core/errors.js';
import type { BenchmarkLanguage } from '../benchmark-types.js';
import { valueText } from './value-text.js';
import { isHanCharacter } from '../../guard/detect/detect-language.js';

export interface ChoiceOption {
  letter: string;
  text: string;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function optionsFromObject(value: Record<string, unknown>): ChoiceOption[] {
  return Object.entries(value)
    .filter(([letter]) => /^[A-Za-z]$/.test(letter))
    .map(([letter, text]) => ({ letter: letter.toUpperCase(), text: valueText(text).trim() }))
    .sort((left, right) => left.letter.localeCompare(right.letter));
}

/** A list of option strings; a leading "A." / "A、" marker is stripped, otherwise letters are assigned in order. */
export function optionsFromList(values: unknown[]): ChoiceOption[] {
  return values.map((value, index) => {
    const text = valueText(value).trim();
    const marked = /^([A-Za-z])\s*[.．。、:：)]\s*([\s\S]*)$/.exec(text);
    const letter = LETTERS[index] ?? String(index + 1);
    const [, mark = '', rest = ''] = marked ?? [];
    if (marked && mark.toUpperCase() === letter) return { letter, text: rest.trim() };
    return { letter, text };
  });
}

/** Python-style list literal as MedEthicEval writes it: "['A.…', 'B.…']". */
export function parsePythonStringList(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  const items: string[] = [];
  const pattern = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (const match of trimmed.slice(1, -1).matchAll(pattern)) {
    items.push((match[1] ?? match[2] ?? '').replace(/\\(['"\\])/g, '$1').replace(/\\n/g, '\n'));
  }
  return items.length > 0 ? items : undefined;
}

/** Finds option markers A, B, C… in order inside one free-text cell. */
export function optionsFromText(cell: string): ChoiceOption[] {
  const text = cell.replace(/\\n/g, '\n');
  const found: Array<{ letter: string; start: number; end: number }> = [];
  let position = 0;
  let misses = 0;
  for (const letter of LETTERS) {
    const lower = letter.toLowerCase();
    const pattern = new RegExp(
      `^[ \\t　]*${letter}(?![A-Za-z])\\s*[.．。、:：)）]?|(?:^|(?<=[\\s　]))[${letter}${lower}](?=[\\s　])|(?<![A-Za-z0-9·/])(?:${letter}\\s*[.．。、:：)）]|${lower}[.．])`,
      'gm',
    );
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) {
      // One missing letter in the source (e.g. no option B) is tolerated; two in a row end the list.
      misses += 1;
      if (misses >= 2) break;
      continue;
    }
    misses = 0;
    found.push({ letter, start: match.index, end: match.index + match[0].length });
    position = match.index + match[0].length;
  }
  return found.map((marker, index) => ({
    letter: marker.letter,
    text: text
      .slice(marker.end, found[index + 1]?.start ?? text.length)
      .trim()
      .replace(/^[.．。、，,:：\s]+/, ''),
  }));
}

/** Answer letters ("C", "ABD", "A、D", "a,b") → sorted unique upper-case letters, each an option. */
export function parseAnswerLetters(raw: unknown, options: ChoiceOption[], where: { file: string; line: number; column: string }): string[] {
  const text = valueText(raw).trim().toUpperCase();
  const letters = [...new Set(text.replace(/\bAND\b/g, ' ').match(/[A-Z]/g) ?? [])].sort();
  const valid = new Set(options.map((option) => option.letter));
  if (letters.length === 0 || letters.some((letter) => !valid.has(letter))) {
    throw new DataFormatError(
      `${where.file}:${where.line}: answer "${valueText(raw)}" in column "${where.column}" is not one of the options ${[...valid].join('')}.`,
      { ...where, fix: 'Give the answer as option letters (e.g. "C" or "ABD"), or drop the row.' },
    );
  }
  return letters;
}

export function requireOptions(options: ChoiceOption[], where: { file: string; line: number; column: string }): ChoiceOption[] {
  if (options.length < 2) {
    throw new DataFormatError(`${where.file}:${where.line}: column "${where.column}" has fewer than two options.`, {
      ...where,
      fix: 'Each question needs at least two options (A, B, …).',
    });
  }
  return options;
}


/**
 * A benchmark's language: 'zh' when more than 20 % of the sampled question characters are Chinese
 * (Han, by the guard's one definition of a Han character), else 'en'.
 */
export function detectLanguage(texts: string[]): BenchmarkLanguage {
  let cjk = 0;
  let total = 0;
  for (const text of texts.slice(0, 50)) {
    const sample = text.replace(/\s/g, '').slice(0, 200);
    for (const character of sample) {
      total += 1;
      if (isHanCharacter(character)) cjk += 1;
    }
  }
  return total > 0 && cjk / total > 0.2 ? 'zh' : 'en';
}
