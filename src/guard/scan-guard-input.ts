/**
 * `safemed guard scan` as a library: each JSONL line `{"id","text"}` or
 * `{"id","messages":[{role,content}]}` → `{"id","action","risk","riskLevel","dimension","principle","attacks","reasons"}`.
 * A malformed line yields a `ScanLineError` with its 1-based line number instead of a result — never skipped silently.
 */
import { z } from 'zod';
import type { ChatMessage } from '../core/chat.js';
import type { GuardOptions } from './guard-types.js';
import { previewGuardDecision } from './preview-guard-decision.js';

const messageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.string(),
  name: z.string().optional(),
});

export const chatMessagesSchema = z
  .array(messageSchema)
  .min(1, 'messages must not be empty')
  .refine((messages) => messages.some((message) => message.role === 'user'), 'messages need at least one user message');

const lineSchema = z.union([
  z.object({ id: z.union([z.string(), z.number()]), text: z.string().min(1, 'text must not be empty') }),
  z.object({ id: z.union([z.string(), z.number()]), messages: chatMessagesSchema }),
]);

export interface ScanResult {
  id: string | number;
  action: string;
  risk: number;
  riskLevel: string;
  dimension: string;
  principle: number | null;
  attacks: string[];
  reasons: string[];
}

export interface ScanLineError {
  line: number;
  message: string;
}

export type ScanLineOutcome = { line: number; result: ScanResult } | { line: number; error: ScanLineError } | { line: number; empty: true };

/** Parses one JSONL line into messages; throws nothing. */
export function parseScanLine(text: string, line: number): { id: string | number; messages: ChatMessage[] } | ScanLineError | undefined {
  if (text.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { line, message: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = lineSchema.safeParse(raw);
  if (!parsed.success) {
    const hasId = raw !== null && typeof raw === 'object' && 'id' in raw;
    const issue = parsed.error.issues[0];
    const detail = issue && 'errors' in issue && Array.isArray(issue.errors) ? (issue.errors as Array<Array<{ path: PropertyKey[]; message: string }>>).flat()[0] : issue;
    const where = detail !== undefined && detail.path.length > 0 ? `${detail.path.map(String).join('.')}: ` : '';
    return { line, message: hasId ? `expected {"id","text"} or {"id","messages"} (${where}${detail?.message ?? 'invalid'})` : 'missing "id"' };
  }
  const value = parsed.data;
  return 'text' in value ? { id: value.id, messages: [{ role: 'user', content: value.text }] } : { id: value.id, messages: value.messages };
}

/** Scans one line: parse, then the guard's input decision. */
export async function scanGuardLine(text: string, line: number, options: GuardOptions, signal?: AbortSignal): Promise<ScanLineOutcome> {
  const parsed = parseScanLine(text, line);
  if (parsed === undefined) return { line, empty: true };
  if ('message' in parsed) return { line, error: parsed };
  const { verdict } = await previewGuardDecision(parsed.messages, options, signal);
  return {
    line,
    result: {
      id: parsed.id,
      action: verdict.action,
      risk: Number(verdict.risk.toFixed(4)),
      riskLevel: verdict.riskLevel,
      dimension: verdict.dimension,
      principle: verdict.principle,
      attacks: verdict.attacks,
      reasons: verdict.reasons,
    },
  };
}
