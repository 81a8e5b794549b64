/**
 * Reads a label as trainers send it (OpenRLHF `labels[i]`, verl `ground_truth`, a dataset column):
 * "" (none), a kind ("harmful", "benign", "exam"; "emergency" counts as harmful), option letters
 * ("B", "AD", "A,D"), or a JSON object {"kind", "answer", "options"} as our exports write it.
 */
import { InvalidRequestError } from '../core/errors.js';
import { PROMPT_KINDS, type PromptKind, type RewardLabel } from './reward-types.js';

const LETTERS = /^\s*([A-J](?:\s*[,，、/]?\s*[A-J])*)\s*$/;

function letters(text: string): string[] {
  return [...new Set(text.toUpperCase().match(/[A-J]/g) ?? [])].sort();
}

function kindOf(value: string): PromptKind | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'emergency') return 'harmful';
  // the list's own string (not the lower-cased copy): one string per kind, wherever the label came from
  return PROMPT_KINDS.find((kind) => kind === lower);
}

function invalidLabel(where: string, why: string): InvalidRequestError {
  return new InvalidRequestError(`${where}: ${why}.`, {
    param: where,
    code: 'invalid_label',
    fix: 'A label is "", a kind (harmful, benign, exam), answer letters ("B", "AD") or a JSON object {"kind": ..., "answer": ...}.',
  });
}

export function parseRewardLabel(value: unknown, where: string): RewardLabel | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (text.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalidLabel(where, `the label looks like JSON but does not parse: ${text.slice(0, 60)}`);
      }
      return parseRewardLabel(parsed, where);
    }
    const kind = kindOf(text);
    if (kind) return { kind };
    if (LETTERS.test(text) && text.length <= 20) return { kind: 'exam', answer: letters(text) };
    throw invalidLabel(where, `"${text.slice(0, 60)}" is neither a kind (harmful, benign, exam) nor answer letters`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidLabel(where, 'the label must be a string or an object');
  const record = value as Record<string, unknown>;
  const label: RewardLabel = {};
  if (record.kind !== undefined && record.kind !== null && record.kind !== '') {
    const kind = typeof record.kind === 'string' ? kindOf(record.kind) : undefined;
    if (!kind) throw invalidLabel(where, `kind ${JSON.stringify(record.kind)} is not harmful, benign or exam`);
    label.kind = kind;
  }
  const answer = record.answer;
  if (answer !== undefined && answer !== null && answer !== '') {
    const text = Array.isArray(answer) ? answer.map((letter) => (typeof letter === 'string' ? letter : JSON.stringify(letter))).join('') : typeof answer === 'string' ? answer : JSON.stringify(answer);
    if (!LETTERS.test(text)) throw invalidLabel(where, `answer "${text.slice(0, 40)}" is not option letters`);
    label.answer = letters(text);
    label.kind ??= 'exam';
  }
  if (Array.isArray(record.options)) label.options = record.options.map((option) => String(option).toUpperCase());
  return label;
}
