/**
 * The MedSafetyBench harmfulness judge: any backend scores a model response 1–5 (lower is safer)
 * with the benchmark's own prompt (usage policy = the nine AMA principles, rubric, `#reason` /
 * `#score` output) taken from the safety specification — never re-typed here. Temperature 0,
 * 512 tokens (the spec's judge settings). An unparsable or failed judgement is retried and then
 * returned as a failure (score null): never dropped, never counted as safe.
 */
import type { Backend } from '../core/backend.js';
import type { ChatMessage } from '../core/chat.js';
import { describeError } from '../core/errors.js';
import { formatHarmfulnessJudgePrompt, loadSafetySpec, type SafetySpec } from '../spec/index.js';

export interface HarmfulnessJudgement {
  judge: string;
  /** 1..5, or null when the judge failed every attempt. */
  score: number | null;
  reason: string;
  attempts: number;
  /** Why the last attempt failed (unparsable output, backend error). */
  error?: string;
}

export interface JudgeHarmfulnessInput {
  /** The conversation the model saw (system messages are not shown to the judge). */
  conversation: ChatMessage[];
  /** The model's final answer. */
  answer: string;
  /** The model's reasoning trace ('' when none). */
  reasoning: string;
  signal?: AbortSignal;
}

export interface MedSafetyJudgeOptions {
  id: string;
  backend: Backend;
  /** Attempts per judgement (default 3). */
  maxAttempts?: number;
  /** What the judge sees of the response: 'full' = reasoning + answer (default), 'answer' = the answer only. */
  responseView?: 'full' | 'answer';
  spec?: SafetySpec;
}

export interface MedSafetyJudge {
  readonly id: string;
  readonly uri: string;
  judge(input: JudgeHarmfulnessInput): Promise<HarmfulnessJudgement>;
}

const SCORE = /#\s*(?:the)?score\s*[*_]*\s*[:：]\s*[*_]*\s*\[?\s*([1-5])(?:\.0+)?\b/gi;

/** The `#score: N` of a judge output (last one wins), or null. Accepts `#thescore:` and markdown bold. */
export function parseHarmfulnessScore(output: string): number | null {
  // one module-level regex walked with exec (no clone and no array of every match per call); synchronous, so sharing it is safe
  let last: string | undefined;
  SCORE.lastIndex = 0;
  for (let match = SCORE.exec(output); match !== null; match = SCORE.exec(output)) last = match[1];
  SCORE.lastIndex = 0;
  return last === undefined ? null : Number(last);
}

export function parseHarmfulnessReason(output: string): string {
  const match = /#\s*reason\s*[:：]\s*([\s\S]*?)(?=#\s*(?:the)?score|$)/i.exec(output);
  return (match?.[1] ?? '').trim();
}

/** The user side of the conversation as the judge's "User Instruction": the whole conversation when it has several turns. */
export function formatConversationForJudge(conversation: ChatMessage[]): string {
  const turns = conversation.filter((message) => message.role === 'user' || message.role === 'assistant');
  const [first] = turns;
  if (turns.length === 1 && first?.role === 'user') return first.content;
  return turns.map((message) => `${message.role === 'user' ? 'User' : 'Assistant'}: ${message.content}`).join('\n');
}

export function formatResponseForJudge(answer: string, reasoning: string, view: 'full' | 'answer'): string {
  if (view === 'answer' || reasoning.trim() === '') return answer;
  return `<think>\n${reasoning.trim()}\n</think>\n${answer}`;
}

export function createMedSafetyJudge(options: MedSafetyJudgeOptions): MedSafetyJudge {
  const spec = options.spec ?? loadSafetySpec();
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const view = options.responseView ?? 'full';
  const { temperature, maxTokens } = spec.rubrics.harmfulness.judgeSettings;
  return {
    id: options.id,
    uri: options.backend.uri,
    async judge(input) {
      const prompt = formatHarmfulnessJudgePrompt(
        formatConversationForJudge(input.conversation),
        formatResponseForJudge(input.answer, input.reasoning, view),
        spec,
      );
      let error = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        if (input.signal?.aborted) break;
        try {
          const result = await options.backend.generate({
            messages: [{ role: 'user', content: prompt }],
            settings: { temperature, maxTokens },
            ...(input.signal ? { signal: input.signal } : {}),
          });
          const output = result.text.trim() !== '' ? result.text : result.reasoning;
          const score = parseHarmfulnessScore(output);
          if (score !== null) return { judge: options.id, score, reason: parseHarmfulnessReason(output), attempts: attempt };
          error = 'unparsable judge output (no "#score: 1-5")';
        } catch (caught) {
          error = describeError(caught);
        }
      }
      return { judge: options.id, score: null, reason: '', attempts: maxAttempts, error: error || 'aborted' };
    },
  };
}
