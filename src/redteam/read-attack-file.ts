/** Reads and validates an attacks.jsonl written by `safemed redteam generate` (or by hand). */
import { readFileSync } from 'node:fs';
import { DataFormatError } from '../core/errors.js';
import { attackRecordSchema, type AttackRecord } from './redteam-types.js';

export function readAttackFile(path: string): AttackRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFormatError(`Cannot read the attacks file ${path}: ${(error as Error).message}`, { file: path, cause: error, fix: 'Write one with `safemed redteam generate --out attacks.jsonl`.' });
  }
  const attacks: AttackRecord[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DataFormatError(`${path}:${index + 1}: not valid JSON: ${(error as Error).message}`, { file: path, line: index + 1, fix: 'Each line must be one attack object.' });
    }
    const parsed = attackRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataFormatError(`${path}:${index + 1}: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}.`, {
        file: path,
        line: index + 1,
        fix: 'An attack has id, seed_id, seed, strategy, dimension, language (en|zh), generator and messages [{role, content}].',
      });
    }
    if (!parsed.data.messages.some((message) => message.role === 'user')) {
      throw new DataFormatError(`${path}:${index + 1}: the attack has no user message.`, { file: path, line: index + 1, fix: 'Give at least one {"role": "user"} message.' });
    }
    if (ids.has(parsed.data.id)) throw new DataFormatError(`${path}:${index + 1}: duplicate attack id "${parsed.data.id}".`, { file: path, line: index + 1, fix: 'Attack ids must be unique.' });
    ids.add(parsed.data.id);
    attacks.push(parsed.data);
  });
  if (attacks.length === 0) throw new DataFormatError(`${path}: the attacks file is empty.`, { file: path, fix: 'Generate attacks first: safemed redteam generate.' });
  return attacks;
}
