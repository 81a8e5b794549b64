/** Test doubles for the guard tests: a deterministic assessor and an in-memory backend. */
import type { Backend } from '../../src/core/backend.js';
import type { ChatMessage, GenerateRequest, StreamPart } from '../../src/core/chat.js';
import type { RiskAssessment, RiskAssessor } from '../../src/guard/guard-types.js';

export function assessment(overrides: Partial<RiskAssessment> = {}): RiskAssessment {
  return { risk: 0.05, dimension: 'benign', principle: null, attacks: [], reasons: [], language: 'en', mechanism: null, emergency: 0, ...overrides };
}

/** An assessor that flags any conversation in which some message contains the marker (for the all-roles input check). */
export function markerAssessor(marker: string, flagged: Partial<RiskAssessment>): RiskAssessor & { conversations: ChatMessage[][] } {
  const conversations: ChatMessage[][] = [];
  return {
    conversations,
    assessConversation: (messages: ChatMessage[]) => {
      conversations.push(messages);
      return messages.some((message) => message.content.includes(marker)) ? assessment(flagged) : assessment({ risk: 0.02 });
    },
    assessText: (text: string) => (text.includes(marker) ? assessment(flagged) : assessment({ risk: 0.02 })),
  };
}

/** An assessor whose conversation verdict is fixed and whose text verdict flags a marker word. */
export function fixedAssessor(conversation: Partial<RiskAssessment>, options: { unsafeMarker?: string; textRisk?: number } = {}): RiskAssessor & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    assessConversation: (_messages: ChatMessage[]) => assessment(conversation),
    assessText: (text: string) => {
      texts.push(text);
      const unsafe = options.unsafeMarker !== undefined && text.includes(options.unsafeMarker);
      return assessment(unsafe ? { risk: 0.97, dimension: 'medication_safety', principle: 1 } : { risk: options.textRisk ?? 0.02 });
    },
  };
}

export interface FakeBackend extends Backend {
  requests: GenerateRequest[];
  /** Set when the consumer stopped or aborted the stream early. */
  aborted: boolean;
  /** How many non-streaming calls were made. */
  readonly generateCalls: number;
}

/** A backend that streams the given parts (text split into chunks) and records its requests. */
export function fakeBackend(script: { reasoning?: string[]; text: string[] }): FakeBackend {
  const requests: GenerateRequest[] = [];
  let generateCalls = 0;
  const backend: FakeBackend = {
    get generateCalls() {
      return generateCalls;
    },
    uri: 'fake:test',
    modelId: 'fake-model',
    capabilities: { streaming: true, jsonSchema: false, seed: false, reasoningChannel: true },
    requests,
    aborted: false,
    generate(request) {
      requests.push(request);
      generateCalls += 1;
      return Promise.resolve({
        reasoning: (script.reasoning ?? []).join(''),
        text: script.text.join(''),
        finishReason: 'stop',
        usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
        verdicts: [],
      });
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- a fake of Backend.stream (an AsyncIterable) with nothing to await
    async *stream(request) {
      requests.push(request);
      let finished = false;
      try {
        for (const text of script.reasoning ?? []) yield { type: 'reasoning-delta', text } satisfies StreamPart;
        for (const text of script.text) {
          if (request.signal?.aborted) {
            backend.aborted = true;
            return;
          }
          yield { type: 'text-delta', text } satisfies StreamPart;
        }
        yield { type: 'usage', usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 } };
        yield { type: 'finish', finishReason: 'stop' };
        finished = true;
      } finally {
        if (!finished) backend.aborted = true;
      }
    },
    async close() {},
  };
  return backend;
}

export async function collect(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}
