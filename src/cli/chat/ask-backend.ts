/**
 * `safemed chat --model`: asks an embedded or upstream backend built as `serve` builds it (model card
 * defaults, the guard on by default).
 */
import { createBackend } from '../../backends/registry.js';
import { withModelCardDefaults } from '../../backends/with-model-card-defaults.js';
import type { FinishReason, GenerationSettings, SafetyVerdict, TokenUsage } from '../../core/chat.js';
import { toUsageJson } from '../../core/usage-json.js';
import { createGuardFromSettings, guardSettingsSchema } from '../../guard/create-guard-from-settings.js';
import { checkBackendTarget } from '../../serve/check-upstream.js';
import { toSafemedResponseObject } from '../../serve/safemed-response-object.js';
import type { Ask, ChatSession } from './chat-session-types.js';

export interface BackendSessionOptions {
  model: string;
  stream: boolean;
  guard: boolean;
  /** undefined: the model card's; null: none. */
  systemPrompt: string | null | undefined;
  threads?: number;
  contextSize?: number;
  settings: GenerationSettings;
}

export async function createBackendSession(options: BackendSessionOptions): Promise<ChatSession> {
  await checkBackendTarget(options.model);
  const base = await createBackend(options.model, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.contextSize !== undefined ? { contextSize: options.contextSize } : {}),
  });
  const { systemPrompt } = options;
  // The same guard construction as `safemed serve` (on by default); --guard off talks to the raw model.
  const guard = await createGuardFromSettings(
    guardSettingsSchema.parse({ guard: options.guard }),
    systemPrompt !== undefined ? { baseSystemPrompt: systemPrompt ?? '' } : {},
  );
  const backend = guard.wrap(withModelCardDefaults(base, systemPrompt === undefined ? {} : { systemPrompt }));
  const settings = options.settings;
  const ask: Ask = async (messages, callbacks, signal) => {
    if (!options.stream) {
      const result = await backend.generate({ messages, settings, signal });
      callbacks.onReasoning(result.reasoning);
      callbacks.onAnswer(result.text);
      const safemed = toSafemedResponseObject(result.verdicts);
      return { reasoning: result.reasoning, answer: result.text, usage: toUsageJson(result.usage), finish_reason: result.finishReason, ...(safemed ? { safemed } : {}) };
    }
    let reasoning = '';
    let answer = '';
    let usage: TokenUsage | null = null;
    let finishReason: FinishReason | null = null;
    const verdicts: SafetyVerdict[] = [];
    for await (const part of backend.stream({ messages, settings, signal })) {
      if (part.type === 'reasoning-delta') {
        reasoning += part.text;
        callbacks.onReasoning(part.text);
      } else if (part.type === 'text-delta') {
        answer += part.text;
        callbacks.onAnswer(part.text);
      } else if (part.type === 'usage') usage = part.usage;
      else if (part.type === 'verdict') verdicts.push(part.verdict);
      else finishReason = part.finishReason;
    }
    const safemed = toSafemedResponseObject(verdicts);
    return { reasoning, answer, usage: usage ? toUsageJson(usage) : null, finish_reason: finishReason, ...(safemed ? { safemed } : {}) };
  };
  return {
    ask,
    close: async () => {
      await backend.close();
      await guard.close();
    },
  };
}
