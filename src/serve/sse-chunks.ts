import type { TokenUsage } from '../core/chat.js';

/** Builds the SSE lines of one streamed chat completion, with the constant prefix computed once. */
export interface SseChunks {
  role(): string;
  content(text: string): string;
  reasoning(text: string): string;
  /** A delta of the refusal that stands in for a structured (JSON) answer (OpenAI's `refusal` field). */
  refusal(text: string): string;
  /** The chunk with finish_reason, carrying the `safemed` object when there is one. */
  finish(finishReason: string, safemed: unknown): string;
  usage(usage: TokenUsage): string;
  error(body: unknown): string;
  done(): string;
}

export function createSseChunks(id: string, created: number, model: string, reasoningField: string): SseChunks {
  const head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)}`;
  const prefix = `data: ${head},"choices":[{"index":0,"delta":`;
  const open = '{"content":';
  const openReasoning = `{${JSON.stringify(reasoningField)}:`;
  const tail = '},"logprobs":null,"finish_reason":null}]}\n\n';
  return {
    role: () => `${prefix}{"role":"assistant","content":""${tail}`,
    content: (text) => prefix + open + JSON.stringify(text) + tail,
    reasoning: (text) => prefix + openReasoning + JSON.stringify(text) + tail,
    refusal: (text) => `${prefix}{"refusal":${JSON.stringify(text)}${tail}`,
    finish: (finishReason, safemed) =>
      `${prefix}{},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]${safemed === undefined ? '' : `,"safemed":${JSON.stringify(safemed)}`}}\n\n`,
    usage: (usage) =>
      `data: ${head},"choices":[],"usage":{"prompt_tokens":${usage.promptTokens},"completion_tokens":${usage.completionTokens},"total_tokens":${usage.totalTokens}}}\n\n`,
    error: (body) => `data: ${JSON.stringify(body)}\n\n`,
    done: () => 'data: [DONE]\n\n',
  };
}
