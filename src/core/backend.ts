import type { GenerateRequest, GenerateResult, StreamPart } from './chat.js';

/** What a backend can do; callers check these instead of the backend's type. */
export interface BackendCapabilities {
  streaming: boolean;
  /** Constrained output: JSON schema / json_object (llama.cpp grammars, vLLM structured outputs). */
  jsonSchema: boolean;
  /** The backend honours `seed`. */
  seed: boolean;
  /** The backend returns a separate reasoning channel (vLLM reasoning parser, Ollama thinking). */
  reasoningChannel: boolean;
}

/**
 * A model backend: the small interface every part of SafeMed calls (serve, guard, eval, judges).
 * `stream` yields reasoning and text deltas already split by the reasoning normaliser, so callers
 * never see `<think>` tags.
 */
export interface Backend {
  /** The URI it was created from, e.g. `llama:./models/tiny.gguf` or `vllm:http://gpu:8000/v1`. */
  readonly uri: string;
  /** The model name the backend reports (upstream model id or GGUF name). */
  readonly modelId: string;
  readonly capabilities: BackendCapabilities;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  stream(request: GenerateRequest): AsyncIterable<StreamPart>;
  close(): Promise<void>;
}

/** Options common to every backend factory; each scheme may read more from `options`. */
export interface BackendOptions {
  /** API key for OpenAI-compatible upstreams. */
  apiKey?: string;
  /** Upstream model name (defaults to the first model the upstream lists). */
  model?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Retries on 408/429/5xx before the first streamed byte. */
  maxRetries?: number;
  /**
   * Longest upstream `Retry-After` waited out before a retry (default 60 s). A longer one fails the call
   * at once with the upstream's status and its Retry-After (`serve` uses 2 s: its client is waiting).
   */
  maxRetryAfterMs?: number;
  /** llama.cpp threads (default: the number of cores). */
  threads?: number;
  /** llama.cpp context size in tokens. */
  contextSize?: number;
  /** Where `hf:` downloads go. */
  cacheDir?: string;
  /** Emit progress for long work (downloads); silent when undefined. */
  onProgress?: (event: { label: string; done: number; total?: number }) => void;
  logger?: import('./logger.js').Logger;
}

export type BackendFactory = (target: string, options: BackendOptions) => Promise<Backend>;
