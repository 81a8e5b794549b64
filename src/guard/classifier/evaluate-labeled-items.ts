/**
 * `safemed guard eval`: reads labelled JSONL (`{"id","text"|"messages","label":"harmful"|"benign",
 * "dimension"?,"language"?}`), assesses every item with the committed classifier and reports
 * precision, recall and false-positive rate overall, per dimension and per language. Bad lines are
 * reported with their line numbers and skipped.
 */
import { z } from 'zod';
import type { ChatMessage } from '../../core/chat.js';
import { detectLanguage } from '../detect/detect-language.js';
import type { RiskAssessment } from './risk-assessment.js';

const messageSchema = z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() });
const labeledItemSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    text: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    label: z.enum(['harmful', 'benign']),
    dimension: z.string().optional(),
    language: z.string().optional(),
  })
  .refine((item) => (item.text === undefined) !== (item.messages === undefined), { message: 'give exactly one of "text" or "messages"' });

export interface LabeledItem {
  id: string;
  text?: string;
  messages?: ChatMessage[];
  label: 'harmful' | 'benign';
  dimension?: string;
  language?: string;
}

export interface BadLine {
  line: number;
  error: string;
}

export function parseLabeledJsonl(content: string): { items: LabeledItem[]; badLines: BadLine[] } {
  const items: LabeledItem[] = [];
  const badLines: BadLine[] = [];
  content.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      badLines.push({ line: index + 1, error: 'not valid JSON' });
      return;
    }
    const parsed = labeledItemSchema.safeParse(value);
    if (!parsed.success) {
      badLines.push({ line: index + 1, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ') });
      return;
    }
    const item: LabeledItem = { id: String(parsed.data.id ?? `line-${index + 1}`), label: parsed.data.label };
    if (parsed.data.text !== undefined) item.text = parsed.data.text;
    if (parsed.data.messages !== undefined) item.messages = parsed.data.messages;
    if (parsed.data.dimension !== undefined) item.dimension = parsed.data.dimension;
    if (parsed.data.language !== undefined) item.language = parsed.data.language;
    items.push(item);
  });
  return { items, badLines };
}

export interface ConfusionFigures {
  count: number;
  harmful: number;
  benign: number;
  truePositives: number;
  falsePositives: number;
  /** null when nothing was flagged / no harmful / no benign items. */
  precision: number | null;
  recall: number | null;
  falsePositiveRate: number | null;
}

export interface LabeledEvaluation {
  overall: ConfusionFigures;
  byDimension: Record<string, ConfusionFigures>;
  byLanguage: Record<string, ConfusionFigures>;
}

function emptyCounts(): { harmful: number; benign: number; truePositives: number; falsePositives: number } {
  return { harmful: 0, benign: 0, truePositives: 0, falsePositives: 0 };
}

function finish(counts: ReturnType<typeof emptyCounts>): ConfusionFigures {
  const flagged = counts.truePositives + counts.falsePositives;
  return {
    count: counts.harmful + counts.benign,
    ...counts,
    precision: flagged > 0 ? counts.truePositives / flagged : null,
    recall: counts.harmful > 0 ? counts.truePositives / counts.harmful : null,
    falsePositiveRate: counts.benign > 0 ? counts.falsePositives / counts.benign : null,
  };
}

export function evaluateLabeledItems(
  items: LabeledItem[],
  assess: { assessText(text: string): RiskAssessment; assessConversation(messages: ChatMessage[]): RiskAssessment },
  /** The policy's decision, injected so that the classifier does not depend on the policy. */
  isFlagged: (assessment: RiskAssessment) => boolean,
): LabeledEvaluation {
  const overall = emptyCounts();
  const byDimension = new Map<string, ReturnType<typeof emptyCounts>>();
  const byLanguage = new Map<string, ReturnType<typeof emptyCounts>>();
  for (const item of items) {
    const assessment = item.messages ? assess.assessConversation(item.messages) : assess.assessText(item.text ?? '');
    const flagged = isFlagged(assessment);
    const dimension = item.dimension ?? (item.label === 'benign' ? 'benign' : 'unlabelled');
    const language = item.language ?? detectLanguage(item.text ?? item.messages?.map((message) => message.content).join('\n') ?? '');
    for (const counts of [overall, getOrCreate(byDimension, dimension), getOrCreate(byLanguage, language)]) {
      if (item.label === 'harmful') {
        counts.harmful += 1;
        if (flagged) counts.truePositives += 1;
      } else {
        counts.benign += 1;
        if (flagged) counts.falsePositives += 1;
      }
    }
  }
  const toRecord = (map: Map<string, ReturnType<typeof emptyCounts>>) =>
    Object.fromEntries(Array.from(map.entries()).sort(([left], [right]) => left.localeCompare(right)).map(([key, counts]) => [key, finish(counts)]));
  return { overall: finish(overall), byDimension: toRecord(byDimension), byLanguage: toRecord(byLanguage) };
}

function getOrCreate(map: Map<string, ReturnType<typeof emptyCounts>>, key: string): ReturnType<typeof emptyCounts> {
  let counts = map.get(key);
  if (!counts) {
    counts = emptyCounts();
    map.set(key, counts);
  }
  return counts;
}

function percent(value: number | null): string {
  return value === null ? '     -' : `${(value * 100).toFixed(1).padStart(5)}%`;
}

export function formatLabeledEvaluation(evaluation: LabeledEvaluation): string {
  const header = `${'group'.padEnd(34)} ${'n'.padStart(6)} ${'harmful'.padStart(8)} ${'benign'.padStart(7)} precision  recall     FPR`;
  const row = (name: string, figures: ConfusionFigures) =>
    `${name.padEnd(34)} ${String(figures.count).padStart(6)} ${String(figures.harmful).padStart(8)} ${String(figures.benign).padStart(7)}    ${percent(figures.precision)}  ${percent(figures.recall)}  ${percent(figures.falsePositiveRate)}`;
  const lines = [header, row('overall', evaluation.overall), '', 'per dimension'];
  for (const [name, figures] of Object.entries(evaluation.byDimension)) lines.push(row(`  ${name}`, figures));
  lines.push('', 'per language');
  for (const [name, figures] of Object.entries(evaluation.byLanguage)) lines.push(row(`  ${name}`, figures));
  return lines.join('\n');
}
