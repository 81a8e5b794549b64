/**
 * The accuracy component of an exam item: the eval extractor reads the chosen letters from the answer
 * part and they must equal the label's letters exactly (1 or 0). Not applicable without an answer label.
 */
import { extractChoice, isCorrectChoice } from '../../eval/scoring/extract-choice.js';
import type { ComponentScore, RewardLabel } from '../reward-types.js';

const DEFAULT_OPTIONS = ['A', 'B', 'C', 'D', 'E'];

const recent = new Map<string, string[]>();

/** Option letters listed in a question ("A. …", "(B) …", "C、…" at line starts), at least two; else A–E. Remembers the last 1,024 prompts (the G samples of a group share one). */
export function optionLettersOf(prompt: string): string[] {
  const known = recent.get(prompt);
  if (known) return known;
  const letters = readOptionLetters(prompt);
  if (recent.size >= 1024) recent.clear();
  recent.set(prompt, letters);
  return letters;
}

function readOptionLetters(prompt: string): string[] {
  const letters = new Set<string>();
  for (const match of prompt.matchAll(/^\s*[(（]?([A-J])\s*[.．、:：)）]/gm)) letters.add(match[1] ?? '');
  letters.delete('');
  return letters.size >= 2 ? [...letters].sort() : DEFAULT_OPTIONS;
}

export function scoreAccuracy(answer: string, prompt: string, label: RewardLabel | undefined): ComponentScore {
  if (!label?.answer || label.answer.length === 0) return { value: null, source: 'not_applicable' };
  const options = label.options ?? [...new Set([...optionLettersOf(prompt), ...label.answer])].sort();
  const extracted = extractChoice(answer, options);
  const correct = isCorrectChoice(extracted, [...label.answer].sort());
  return { value: correct ? 1 : 0, source: 'rule', detail: `extracted ${extracted.join('') || '(none)'}, expected ${label.answer.join('')}` };
}
