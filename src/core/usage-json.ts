import type { TokenUsage } from './chat.js';

/** Token counts in the OpenAI wire format's snake_case. */
export interface UsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** `TokenUsage` (camelCase, inside SafeMed) → the wire format's `usage` object. */
export function toUsageJson(usage: TokenUsage): UsageJson {
  return { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
}
