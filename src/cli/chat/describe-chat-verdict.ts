/**
 * The line `safemed chat` prints under each answer: the guard's verdict (action, risk level,
 * dimension) and, in plain words, whether the answer was replaced or cut by the guard.
 */
import { z } from 'zod';

const verdictSchema = z.looseObject({
  action: z.string(),
  risk_level: z.string().optional(),
  dimension: z.string().optional(),
  finish_reason: z.string().optional(),
  /** The server's account of the answer check: replaced or cut, and why. */
  output: z.looseObject({ replaced: z.boolean().optional(), reason: z.string().nullish(), kind: z.string().nullish() }).optional(),
  verdicts: z.array(z.looseObject({ stage: z.string().optional(), action: z.string(), reasons: z.array(z.string()).optional() })).optional(),
});

/** A string the server may give for why an answer was replaced (the first present wins). */
const REASON_FIELDS = ['replacement_reason', 'output_reason', 'reason'] as const;

export interface ChatVerdictInput {
  safemed: unknown;
  finishReason: string | null;
  stopped: boolean;
}

/** Lines to show under the answer; empty when there is nothing to say (no guard, normal end). */
export function describeChatVerdict(input: ChatVerdictInput): string[] {
  const lines: string[] = [];
  const parsed = verdictSchema.safeParse(input.safemed);
  const verdict = parsed.success ? parsed.data : undefined;
  if (verdict) {
    const parts = [`guard: ${verdict.action}`];
    if (verdict.risk_level) parts.push(`risk ${verdict.risk_level}`);
    if (verdict.dimension) parts.push(`dimension ${verdict.dimension}`);
    lines.push(parts.join(' · '));
  }
  const finishReason = input.finishReason ?? verdict?.finish_reason ?? null;
  const blockedOutput = verdict?.verdicts?.find((entry) => entry.stage === 'output' && (entry.action === 'block' || entry.action === 'escalate'));
  const output = verdict?.output?.replaced === true || blockedOutput !== undefined;
  const namedReason = [verdict?.output?.reason, ...REASON_FIELDS.map((field) => verdict?.[field])].find((value): value is string => typeof value === 'string' && value !== '');
  const reason = namedReason ?? blockedOutput?.reasons?.[0];
  if (input.stopped) {
    lines.push('stopped: you ended this answer before it was complete.');
  } else if (finishReason === 'content_filter' || output) {
    lines.push(`replaced: the guard stopped the model's answer and replaced it with the text above${reason ? ` (${reason})` : ''}.`);
  } else if (verdict?.action === 'block') {
    lines.push('refused: the guard answered instead of the model (the model was not asked).');
  } else if (verdict?.action === 'escalate') {
    lines.push('escalated: emergency guidance comes first in this answer.');
  } else if (finishReason === 'length') {
    lines.push('cut: the answer reached the token limit (--max-tokens).');
  }
  return lines;
}
