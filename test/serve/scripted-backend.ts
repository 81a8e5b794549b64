/** A small in-test Backend: yields scripted parts, records requests, honours the AbortSignal. */
import { EventEmitter } from 'node:events';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, GenerateResult, SafetyVerdict, StreamPart } from '../../src/core/chat.js';

export interface ScriptedBackendReply {
  reasoning?: string;
  text?: string;
  verdicts?: SafetyVerdict[];
  finishReason?: 'stop' | 'length';
  usage?: { promptTokens: number; completionTokens: number };
  /** Throw this instead of answering. */
  error?: Error;
  /** Wait for this promise before each delta (lets a test hold a stream open). */
  gate?: () => Promise<void>;
  /** Never answer until aborted. */
  hang?: boolean;
}

export interface ScriptedBackend extends Backend {
  requests: GenerateRequest[];
  aborted: number;
  /** Emits 'request' when a call starts and 'aborted' when a call sees its signal abort. */
  events: EventEmitter;
}

export const verdict = (overrides: Partial<SafetyVerdict> = {}): SafetyVerdict => ({
  action: 'caution',
  risk: 0.42,
  riskLevel: 'medium',
  dimension: 'medication_safety',
  principle: 1,
  attacks: [],
  reasons: ['dosage question'],
  stage: 'input',
  compliance: 'pass',
  disclaimerAdded: true,
  ...overrides,
});

/** The signal's reason (an Error: a DOMException, a TimeoutError), wrapped if someone aborted with something else. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

function abortable(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(abortReason(signal));
    signal?.addEventListener('abort', () => { reject(abortReason(signal)); }, { once: true });
  });
}

export function createScriptedBackend(reply: (request: GenerateRequest) => ScriptedBackendReply): ScriptedBackend {
  const backend: ScriptedBackend = {
    uri: 'scripted:test',
    modelId: 'scripted-test-model',
    capabilities: { streaming: true, jsonSchema: true, seed: true, reasoningChannel: true },
    requests: [],
    aborted: 0,
    events: new EventEmitter(),
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      backend.requests.push(request);
      backend.events.emit('request', request);
      const planned = reply(request);
      if (planned.hang) {
        try {
          await abortable(request.signal);
        } catch (error) {
          backend.aborted += 1;
          backend.events.emit('aborted');
          throw error;
        }
      }
      if (planned.error) throw planned.error;
      const usage = planned.usage ?? { promptTokens: 7, completionTokens: 3 };
      return {
        reasoning: planned.reasoning ?? '',
        text: planned.text ?? '',
        finishReason: planned.finishReason ?? 'stop',
        usage: { ...usage, totalTokens: usage.promptTokens + usage.completionTokens },
        verdicts: planned.verdicts ?? [],
      };
    },
    async *stream(request: GenerateRequest): AsyncIterable<StreamPart> {
      backend.requests.push(request);
      backend.events.emit('request', request);
      const planned = reply(request);
      try {
        if (planned.hang) await abortable(request.signal);
        if (planned.error) throw planned.error;
        for (const verdictPart of planned.verdicts ?? []) yield { type: 'verdict', verdict: verdictPart };
        for (const piece of (planned.reasoning ?? '').match(/.{1,3}/gs) ?? []) {
          if (planned.gate) await Promise.race([planned.gate(), abortable(request.signal)]);
          yield { type: 'reasoning-delta', text: piece };
        }
        for (const piece of (planned.text ?? '').match(/.{1,3}/gs) ?? []) {
          if (planned.gate) await Promise.race([planned.gate(), abortable(request.signal)]);
          yield { type: 'text-delta', text: piece };
        }
        const usage = planned.usage ?? { promptTokens: 7, completionTokens: 3 };
        yield { type: 'usage', usage: { ...usage, totalTokens: usage.promptTokens + usage.completionTokens } };
        yield { type: 'finish', finishReason: planned.finishReason ?? 'stop' };
      } catch (error) {
        if (request.signal?.aborted) {
          backend.aborted += 1;
          backend.events.emit('aborted');
        }
        throw error;
      }
    },
    async close() {},
  };
  return backend;
}
