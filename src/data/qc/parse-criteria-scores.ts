/**
 * Reads a QC judge's reply: one JSON object `{criterion: {score, reason}}` (inside code fences or
 * prose is fine), or, failing that, lines `criterion: N — reason`. Every criterion must have a 1–5
 * score; otherwise the reply is unusable and the judgement is retried, then counted as a failure.
 */
import type { CriterionScore } from '../data-record.js';

function scoreOf(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= 5 ? number : undefined;
}

function fromJson(text: string, ids: string[]): Record<string, CriterionScore> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const object = value as Record<string, unknown>;
  const scores: Record<string, CriterionScore> = {};
  for (const id of ids) {
    const entry = object[id];
    if (typeof entry === 'object' && entry !== null) {
      const score = scoreOf((entry as Record<string, unknown>).score);
      if (score === undefined) return undefined;
      const reason = (entry as Record<string, unknown>).reason;
      scores[id] = { score, reason: typeof reason === 'string' ? reason : '' };
    } else {
      const score = scoreOf(entry);
      if (score === undefined) return undefined;
      scores[id] = { score, reason: '' };
    }
  }
  return scores;
}

function fromLines(text: string, ids: string[]): Record<string, CriterionScore> | undefined {
  const scores: Record<string, CriterionScore> = {};
  for (const id of ids) {
    const match = new RegExp(`${id}[^\\n0-9]{0,40}?([1-5])(?:\\s*/\\s*5)?\\b[\\s:：,，.。—-]*([^\\n]*)`, 'i').exec(text);
    if (!match) return undefined;
    scores[id] = { score: Number(match[1]), reason: (match[2] ?? '').trim() };
  }
  return scores;
}

export function parseCriteriaScores(text: string, ids: string[]): Record<string, CriterionScore> | undefined {
  return fromJson(text, ids) ?? fromLines(text, ids);
}
