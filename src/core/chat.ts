/** The chat types every part of SafeMed shares: messages, generation settings and stream parts. */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  content: string;
  name?: string | undefined;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name?: string; schema: Record<string, unknown>; strict?: boolean } };

/** Settings for one generation. Anything left undefined falls back to the backend's defaults. */
export interface GenerationSettings {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  repetitionPenalty?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  responseFormat?: ResponseFormat;
  /** vLLM's chat_template_kwargs, e.g. `{ enable_thinking: false }` for Qwen3. Forwarded as is. */
  chatTemplateKwargs?: Record<string, unknown>;
  /** Extra vendor fields forwarded untouched to OpenAI-compatible upstreams. */
  extraBody?: Record<string, unknown>;
}

/** Whether the settings ask for structured output (json_object / json_schema): nothing may be added to the content, and a refusal cannot be it. */
export function isStructuredOutput(settings: GenerationSettings): boolean {
  return settings.responseFormat !== undefined && settings.responseFormat.type !== 'text';
}

export interface GenerateRequest {
  messages: ChatMessage[];
  settings: GenerationSettings;
  /** Aborted on client disconnect, timeout or shutdown; every backend must honour it. */
  signal?: AbortSignal;
  /** The request id, for logs. */
  requestId?: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'error';

/**
 * One SafeMed safety verdict (see src/guard). Verdicts are data: they are attached to results and
 * stream parts and written to the audit trail, never thrown.
 */
export interface SafetyVerdict {
  action: 'allow' | 'caution' | 'steer' | 'block' | 'escalate';
  /** Calibrated probability that the input (or output) is harmful, 0..1. */
  risk: number;
  riskLevel: 'low' | 'medium' | 'high';
  /** Id of one of the 20 ethics and safety dimensions, or 'benign'. */
  dimension: string;
  /** AMA principle number 1..9 when one applies. */
  principle: number | null;
  /** Ids of detected attack strategies. */
  attacks: string[];
  reasons: string[];
  /** Which stage produced it: the input check, the output check or an LLM guard. */
  stage: 'input' | 'output';
  compliance: 'pass' | 'fail';
  disclaimerAdded: boolean;
}

/** The parts a backend stream yields, in order: deltas, then usage (optional), then finish. */
export type StreamPart =
  | { type: 'reasoning-delta'; text: string }
  /** `refusal`: the guard's text standing in for the answer (structured output sends it as `refusal`). */
  | { type: 'text-delta'; text: string; refusal?: true }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'verdict'; verdict: SafetyVerdict }
  | { type: 'finish'; finishReason: FinishReason };

export interface GenerateResult {
  /** The reasoning trace (think part), '' when the model gave none. */
  reasoning: string;
  /** The answer text shown to the user. */
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  verdicts: SafetyVerdict[];
}
