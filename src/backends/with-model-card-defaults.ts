/**
 * Middleware that applies SafeMed-R1's model card to every request: its system prompt when the
 * conversation has none, and its generation settings (temperature 0, top_p 0.95, max_tokens 2048)
 * for every setting the caller left unset. serve, chat and eval wrap their backend with it.
 */
import type { Backend } from '../core/backend.js';
import type { GenerateRequest, GenerationSettings } from '../core/chat.js';
import { MODEL_CARD_GENERATION, MODEL_CARD_SYSTEM_PROMPT } from '../core/defaults.js';
import { wrapBackend } from './wrap-backend.js';

export interface ModelCardDefaultsOptions {
  /** The system prompt to prepend (default: the model card's); `null` never adds one. */
  systemPrompt?: string | null;
  /** Overrides of the model card's generation settings (still only applied where the request sets nothing). */
  generation?: Partial<GenerationSettings>;
}

export function applyModelCardDefaults(request: GenerateRequest, options: ModelCardDefaultsOptions = {}): GenerateRequest {
  const systemPrompt = options.systemPrompt === undefined ? MODEL_CARD_SYSTEM_PROMPT : options.systemPrompt;
  const hasSystem = request.messages.some((message) => message.role === 'system' || message.role === 'developer');
  const messages =
    systemPrompt !== null && !hasSystem ? [{ role: 'system' as const, content: systemPrompt }, ...request.messages] : request.messages;
  const defaults: GenerationSettings = { ...MODEL_CARD_GENERATION, ...options.generation };
  const settings: GenerationSettings = { ...request.settings };
  for (const [key, value] of Object.entries(defaults) as Array<[keyof GenerationSettings, unknown]>) {
    if (settings[key] === undefined && value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  return { ...request, messages, settings };
}

export function withModelCardDefaults(backend: Backend, options: ModelCardDefaultsOptions = {}): Backend {
  return wrapBackend(backend, { transformRequest: (request) => applyModelCardDefaults(request, options) });
}
