/**
 * One model call with the engine's policy: rate limit, a time limit per attempt, retries with
 * exponential backoff on transport failures (the backend itself is created with maxRetries 0).
 */
import type { Backend } from '../../core/backend.js';
import type { ChatMessage, GenerateResult, GenerationSettings } from '../../core/chat.js';
import { describeError } from '../../core/errors.js';
import { defaultSleep, type RateLimiter, type Sleep } from '../../eval/engine/create-rate-limiter.js';

export interface ModelCaller {
  readonly backend: Backend;
  call(messages: ChatMessage[], settings: GenerationSettings, signal: AbortSignal): Promise<GenerateResult>;
}

export interface ModelCallerOptions {
  backend: Backend;
  limiter: RateLimiter;
  timeoutMs: number;
  /** Retries of a failed call (default 2). */
  retries?: number;
  backoffMs?: number;
  sleep?: Sleep;
}

/** Read through a function so a check after an await is not narrowed away by the type checker. */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

export function createModelCaller(options: ModelCallerOptions): ModelCaller {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 500;
  const sleep = options.sleep ?? defaultSleep;
  return {
    backend: options.backend,
    async call(messages, settings, signal) {
      let lastError: unknown;
      for (let attempt = 0; attempt <= retries; attempt += 1) {
        if (signal.aborted) throw new Error('aborted');
        try {
          await options.limiter.acquire(signal);
          return await options.backend.generate({ messages, settings, signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]) });
        } catch (error) {
          lastError = error;
          if (isAborted(signal)) break;
          if (attempt < retries) await sleep(backoffMs * 2 ** attempt, signal).catch(() => undefined);
        }
      }
      throw lastError instanceof Error ? lastError : new Error(describeError(lastError));
    },
  };
}

/** The backend's identity for provenance: `uri#model`. */
export function teacherLabel(backend: Backend): string {
  return backend.modelId && !backend.uri.endsWith(`#${backend.modelId}`) ? `${backend.uri}#${backend.modelId}` : backend.uri;
}

/**
 * What identifies a model for the settings hash: the model name after `#` (so a resumed run against
 * the same model on another host or port reuses its work), else the whole label. Provenance keeps
 * the full label.
 */
export function modelIdentity(label: string): string {
  const hash = label.lastIndexOf('#');
  return hash >= 0 ? label.slice(hash + 1) : label;
}
