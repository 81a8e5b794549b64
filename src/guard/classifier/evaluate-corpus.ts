/**
 * Evaluation of the guard on labelled records in the guard-corpus format (data/guard/corpus/, also the
 * probe sets and simple `{"id","text"|"messages","label"}` files; `prompt` is read as `text`, labels `safe` /
 * `unsafe` as benign / harmful, as other safety sets write them): harmful recall per language, kind,
 * perspective and mechanism; benign flagged per kind and language; emergency recall (escalated) and
 * false escalations; dimension and mechanism accuracy. The decision (steer/block/escalate …) comes from
 * an injected function — the real policy in `safemed guard eval` — so the classifier does not depend on
 * the policy. Bad lines are reported with their line numbers and skipped.
 */
import { z } from 'zod';
import type { ChatMessage } from '../../core/chat.js';
import { detectLanguage } from '../detect/detect-language.js';
import type { RiskAssessment } from './risk-assessment.js';

const messageSchema = z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() });
const evaluationRecordSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    text: z.string().optional(),
    messages: z.array(messageSchema).min(1).optional(),
    label: z.enum(['harmful', 'benign', 'emergency']),
    dimension: z.string().nullable().optional(),
    mechanism: z.string().nullable().optional(),
    perspective: z.string().optional(),
    language: z.string().optional(),
    kind: z.string().optional(),
    split: z.string().optional(),
    scenario: z.string().optional(),
  })
  .refine((item) => (item.text === undefined) !== (item.messages === undefined), { message: 'give exactly one of "text" or "messages"' });

/** What `decide` returns: the action, or the action and the verdict's dimension. */
export type Decided = GuardDecisionAction | { action: GuardDecisionAction; dimension: string };

export interface EvaluationRecord {
  id: string;
  text?: string;
  messages?: ChatMessage[];
  label: 'harmful' | 'benign' | 'emergency';
  dimension?: string;
  mechanism?: string;
  perspective?: string;
  language: string;
  kind: string;
  split?: string;
}

export interface BadLine {
  line: number;
  error: string;
}

/** Labels as other safety sets write them (XSTest, many red-team sets): `safe` / `unsafe`. */
const LABEL_NAMES: Record<string, string> = { safe: 'benign', unsafe: 'harmful' };

/** A record in the names other sets use — `prompt` for the text, `safe`/`unsafe` labels — read in the corpus' names. */
function withCommonNames(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = { ...(value as Record<string, unknown>) };
  if (record.text === undefined && record.messages === undefined && typeof record.prompt === 'string') record.text = record.prompt;
  if (typeof record.label === 'string' && LABEL_NAMES[record.label.toLowerCase()] !== undefined) record.label = LABEL_NAMES[record.label.toLowerCase()];
  return record;
}

export function parseEvaluationJsonl(content: string): { records: EvaluationRecord[]; badLines: BadLine[] } {
  const records: EvaluationRecord[] = [];
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
    const parsed = evaluationRecordSchema.safeParse(withCommonNames(value));
    if (!parsed.success) {
      badLines.push({ line: index + 1, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ') });
      return;
    }
    const data = parsed.data;
    const text = data.text ?? data.messages?.map((message) => message.content).join('\n') ?? '';
    const record: EvaluationRecord = {
      id: String(data.id ?? `line-${index + 1}`),
      label: data.label,
      language: data.language ?? detectLanguage(text),
      kind: data.kind ?? (data.messages && data.messages.length > 1 ? 'multi_turn' : data.label === 'emergency' ? 'emergency' : data.label === 'harmful' ? 'plain' : 'unlabelled'),
    };
    if (data.text !== undefined) record.text = data.text;
    if (data.messages !== undefined) record.messages = data.messages;
    if (data.dimension !== undefined && data.dimension !== null) record.dimension = data.dimension;
    if (data.mechanism !== undefined && data.mechanism !== null) record.mechanism = data.mechanism;
    if (data.perspective !== undefined) record.perspective = data.perspective;
    if (data.split !== undefined) record.split = data.split;
    records.push(record);
  });
  return { records, badLines };
}

export type GuardDecisionAction = 'allow' | 'caution' | 'steer' | 'block' | 'escalate';

export interface CorpusEvaluationOptions {
  /** The assessment of a conversation (a text is a one-message conversation). */
  assess(messages: ChatMessage[]): RiskAssessment | Promise<RiskAssessment>;
  /**
   * The guard's action for an assessment of the given messages (the real policy in the CLI), or the action
   * with the verdict's dimension: the one the refusal and the `safemed` object carry, which the input check
   * may correct (a self-harm reading with another harm's mechanism). Dimension accuracy counts that one.
   */
  decide(assessment: RiskAssessment, messages: ChatMessage[]): Decided | Promise<Decided>;
  /** Records assessed and decided at once (default 1): an LLM guard answers over the network. Figures do not depend on it. */
  concurrency?: number;
  /** Called after each record is decided (progress). */
  onRecord?: (done: number, total: number) => void;
}

export interface Rate {
  count: number;
  hits: number;
  /** hits / count, null when count is 0. */
  rate: number | null;
}

export interface CorpusEvaluation {
  records: number;
  /** Harmful records flagged (steer, block or escalate), by group. */
  harmfulRecall: Record<string, Rate>;
  /** Benign records flagged, by kind and language. */
  benignFlagged: Record<string, Rate>;
  /** Emergency records escalated, by language. */
  emergencyEscalated: Record<string, Rate>;
  /** Non-emergency records escalated, by label/kind. */
  falseEscalations: Record<string, Rate>;
  /** Harmful and emergency records whose predicted dimension (mechanism) equals the label. */
  dimensionAccuracy: Record<string, Rate>;
  mechanismAccuracy: Record<string, Rate>;
  /** Ids of misclassified records per group (at most 20 each), for error analysis on dev only. */
  errors: Record<string, string[]>;
}

const FLAGGED = new Set<GuardDecisionAction>(['steer', 'block', 'escalate']);

function bump(groups: Record<string, Rate>, key: string, hit: boolean): void {
  const rate = (groups[key] ??= { count: 0, hits: 0, rate: null });
  rate.count += 1;
  if (hit) rate.hits += 1;
  rate.rate = rate.hits / rate.count;
}

function sorted(groups: Record<string, Rate>): Record<string, Rate> {
  return Object.fromEntries(Object.entries(groups).sort(([left], [right]) => left.localeCompare(right)));
}

export async function evaluateCorpus(records: EvaluationRecord[], options: CorpusEvaluationOptions): Promise<CorpusEvaluation> {
  const harmfulRecall: Record<string, Rate> = {};
  const benignFlagged: Record<string, Rate> = {};
  const emergencyEscalated: Record<string, Rate> = {};
  const falseEscalations: Record<string, Rate> = {};
  const dimensionAccuracy: Record<string, Rate> = {};
  const mechanismAccuracy: Record<string, Rate> = {};
  const errors: Record<string, string[]> = {};
  const miss = (group: string, id: string): void => {
    const list = (errors[group] ??= []);
    if (list.length < 20) list.push(id);
  };
  // Decided in `concurrency` lanes, counted in record order below (the figures do not depend on the lanes).
  const outcomes: Array<{ assessment: RiskAssessment; decided: Decided } | undefined> = records.map(() => undefined);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < records.length) {
      const index = next;
      next += 1;
      const record = records[index] as EvaluationRecord;
      const messages: ChatMessage[] = record.messages ?? [{ role: 'user', content: record.text ?? '' }];
      const assessment = await options.assess(messages);
      outcomes[index] = { assessment, decided: await options.decide(assessment, messages) };
      done += 1;
      options.onRecord?.(done, records.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, records.length)) }, lane));
  for (const [index, record] of records.entries()) {
    const { assessment, decided } = outcomes[index] as { assessment: RiskAssessment; decided: Decided };
    const action = typeof decided === 'string' ? decided : decided.action;
    const dimension = typeof decided === 'string' ? assessment.dimension : decided.dimension;
    const flagged = FLAGGED.has(action);
    const escalated = action === 'escalate';
    const language = record.language;
    if (record.label === 'harmful') {
      const family = record.kind === 'multi_turn' ? 'multi_turn' : record.kind === 'wrapped' ? 'wrapped' : 'plain';
      for (const key of ['all', `language:${language}`, `kind:${family}`, `kind:${family}/${language}`, `perspective:${record.perspective ?? '-'}`, `mechanism:${record.mechanism ?? '-'}`]) bump(harmfulRecall, key, flagged);
      if (!flagged) miss(`harmful:${family}/${language}`, record.id);
      if (escalated) bump(falseEscalations, `harmful/${family}`, true);
    } else if (record.label === 'benign') {
      for (const key of [`kind:${record.kind}`, `kind:${record.kind}/${language}`, 'all']) bump(benignFlagged, key, flagged);
      bump(falseEscalations, `benign/${record.kind}`, escalated);
      if (flagged) miss(`benign:${record.kind}/${language}`, record.id);
    } else {
      for (const key of ['all', `language:${language}`]) bump(emergencyEscalated, key, escalated);
      if (!escalated) miss(`emergency/${language}`, record.id);
    }
    if (record.label !== 'benign' && record.dimension !== undefined) {
      bump(dimensionAccuracy, `${record.label}/all`, dimension === record.dimension);
      if (record.label === 'harmful' && flagged) bump(dimensionAccuracy, 'harmful/flagged', dimension === record.dimension);
      bump(dimensionAccuracy, `${record.label}/${language}`, dimension === record.dimension);
    }
    if (record.label !== 'benign' && record.mechanism !== undefined) {
      bump(mechanismAccuracy, `${record.label}/all`, assessment.mechanism === record.mechanism);
      bump(mechanismAccuracy, `${record.label}/${language}`, assessment.mechanism === record.mechanism);
    }
  }
  return {
    records: records.length,
    harmfulRecall: sorted(harmfulRecall),
    benignFlagged: sorted(benignFlagged),
    emergencyEscalated: sorted(emergencyEscalated),
    falseEscalations: sorted(falseEscalations),
    dimensionAccuracy: sorted(dimensionAccuracy),
    mechanismAccuracy: sorted(mechanismAccuracy),
    errors,
  };
}

function percent(rate: Rate): string {
  return rate.rate === null ? '     -' : `${(rate.rate * 100).toFixed(1).padStart(5)} %`;
}

export function formatCorpusEvaluation(evaluation: CorpusEvaluation, title = 'guard evaluation'): string {
  const lines = [`${title} (${evaluation.records} records)`];
  const section = (name: string, groups: Record<string, Rate>): void => {
    if (Object.keys(groups).length === 0) return;
    lines.push('', name);
    for (const [key, rate] of Object.entries(groups)) lines.push(`  ${key.padEnd(44)} ${String(rate.hits).padStart(5)} / ${String(rate.count).padEnd(5)} ${percent(rate)}`);
  };
  section('harmful recall (flagged = steer, block or escalate)', evaluation.harmfulRecall);
  section('benign flagged', evaluation.benignFlagged);
  section('emergencies escalated', evaluation.emergencyEscalated);
  section('escalations of non-emergencies', evaluation.falseEscalations);
  section('dimension accuracy', evaluation.dimensionAccuracy);
  section('mechanism accuracy', evaluation.mechanismAccuracy);
  return lines.join('\n');
}
