/**
 * `openai:<base-url>` and `vllm:<base-url>`: a backend that talks to an OpenAI-compatible
 * `/chat/completions` endpoint over node:http(s) with one keep-alive agent per backend (no SDK state), normalising reasoning from
 * `<think>` tags, `reasoning`, `reasoning_content` and `thinking` through the reasoning normaliser.
 * Besides the Backend interface it offers `preparePrompt` (prepared-prompt.ts): a prompt whose fixed
 * text is encoded for the wire once, which the reward's judge runner uses.
 */
import type { Backend, BackendCapabilities, BackendOptions } from '../../core/backend.js';
import type { FinishReason, GenerateRequest, GenerateResult, GenerationSettings, StreamPart, TokenUsage } from '../../core/chat.js';
import { BackendError, ConfigError, TimeoutError } from '../../core/errors.js';
import { createChannelNormalizer, normalizeChannels, type ChannelDelta } from '../reasoning-normalizer.js';
import { buildChatBody, type StructuredOutputsForm } from './build-chat-body.js';
import { choiceZeroOf, contentText, isChoiceZero } from './choice-zero.js';
import { createPromptBodyEncoder, joinPrompt, PROMPT_SLOT, type PreparedPrompt, type PromptPreparing } from './prepared-prompt.js';
import { readSseEvents } from './read-sse-events.js';
import { createUpstreamAgent, defaultSleep, sendUpstreamRequest, withoutCredentials, type Sleep, type UpstreamResponseHandle } from './send-upstream-request.js';
import { isHeaderSafeKey } from '../../core/header-safe-key.js';

export interface OpenAICompatibleBackendOptions extends BackendOptions {
  /** Defaults: `structured_outputs` for `vllm:`, `response_format` for `openai:`. Use `guided` for vLLM < 0.12. */
  structuredOutputs?: StructuredOutputsForm;
  /** Environment to read API keys from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Injected for tests (retry waits). */
  sleep?: Sleep;
  /** Injected for tests (backoff jitter). */
  random?: () => number;
}

export type OpenAICompatibleFlavour = 'openai' | 'vllm';

/** A caller's signal shared by calls in flight, and its one abort listener (see `link` below). */
interface LinkedSignal {
  signal: AbortSignal;
  controllers: Set<AbortController>;
  onAbort: () => void;
  /** Still in the map (not yet aborted or unlinked). */
  live: boolean;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_RETRIES = 2;

/**
 * An API key as an HTTP header can carry it: surrounding whitespace trimmed (a `.env` file with Windows line
 * ends gave `key\r`), anything but visible ASCII refused by name — it failed every call as "Cannot reach
 * upstream (ERR_INVALID_CHAR)" (probing round 6). Empty is no key.
 */
export function checkHeaderKey(key: string | undefined, name: string): string | undefined {
  const trimmed = key?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  if (!isHeaderSafeKey(trimmed)) {
    throw new ConfigError(`${name} holds a character an HTTP header cannot carry (a space, a control character or a non-ASCII character such as a typographic dash).`, {
      key: 'apiKey',
      fix: 'Copy the key again as plain text (check the file or variable it comes from).',
    });
  }
  return trimmed;
}

/** `http://host:8000` → `http://host:8000/v1`; a base URL with a path is kept as given. */
export function normalizeBaseUrl(target: string, scheme: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ConfigError(`"${scheme}:${target}" does not contain a valid base URL.`, {
      key: 'backend',
      fix: `Use ${scheme}:http://host:8000/v1 (http or https).`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`"${scheme}:${withoutCredentials(target)}" must use http or https.`, { key: 'backend', fix: `Use ${scheme}:http://host:8000/v1.` });
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path === '' ? '/v1' : path;
  return url.toString().replace(/\/+$/, '');
}

function mapFinishReason(reason: unknown): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return 'stop';
}

function toUsage(raw: unknown): TokenUsage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  // the upstream's JSON: any field may be missing or not a number, so each goes through Number()
  const usage = raw as { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown };
  const promptTokens = Number(usage.prompt_tokens ?? 0);
  const completionTokens = Number(usage.completion_tokens ?? 0);
  return { promptTokens, completionTokens, totalTokens: Number(usage.total_tokens ?? promptTokens + completionTokens) };
}

function reasoningOf(record: Record<string, unknown> | undefined): string | null {
  if (!record) return null;
  for (const field of ['reasoning', 'reasoning_content', 'thinking']) {
    const value = record[field];
    if (typeof value === 'string') return value;
  }
  return null;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof TimeoutError ? reason : new TimeoutError('The request was aborted.', { cause: reason });
}

/** Hold reasoning back when the upstream will likely put the answer there (thinking off, JSON output). */
function shouldHoldReasoning(request: GenerateRequest): boolean {
  const kwargs = request.settings.chatTemplateKwargs;
  const thinkingOff = kwargs?.enable_thinking === false || kwargs?.thinking === false;
  const format = request.settings.responseFormat?.type;
  return thinkingOff || format === 'json_object' || format === 'json_schema';
}

export async function createOpenAICompatibleBackend(
  flavour: OpenAICompatibleFlavour,
  target: string,
  options: OpenAICompatibleBackendOptions = {},
): Promise<Backend> {
  const baseUrl = normalizeBaseUrl(target, flavour);
  // for messages, logs and the backend's uri: never the password of a `user:password@` URL
  const shownUrl = withoutCredentials(baseUrl);
  const env = options.env ?? process.env;
  const apiKey = checkHeaderKey(options.apiKey ?? env.SAFEMED_UPSTREAM_API_KEY ?? env.OPENAI_API_KEY, options.apiKey !== undefined ? 'the upstream API key' : env.SAFEMED_UPSTREAM_API_KEY !== undefined ? '$SAFEMED_UPSTREAM_API_KEY' : '$OPENAI_API_KEY');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const structuredOutputs = options.structuredOutputs ?? (flavour === 'vllm' ? 'structured_outputs' : 'response_format');
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const inFlight = new Set<AbortController>();
  const agent = createUpstreamAgent(baseUrl);
  let closed = false;

  /** `body`: an object sent as JSON, or a Buffer holding the JSON already (a prepared prompt's). */
  const request = async (path: string, method: 'GET' | 'POST', body: unknown, signal: AbortSignal | undefined, requestId?: string) => {
    if (closed) throw new BackendError(`The ${flavour}:${shownUrl} backend is closed.`, { url: shownUrl });
    return sendUpstreamRequest({
      url: `${baseUrl}${path}`,
      method,
      ...(Buffer.isBuffer(body) ? { payload: body } : { body }),
      headers,
      ...(signal ? { signal } : {}),
      timeoutMs,
      maxRetries,
      ...(options.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: options.maxRetryAfterMs }),
      sleep,
      random,
      agent,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(requestId ? { requestId } : {}),
    });
  };

  /**
   * The calls in flight per caller signal, and the one abort listener each such signal gets: many calls
   * often share one signal (a batch, a request), and a listener per call costs an add and a remove that
   * each walk the signal's whole listener list.
   */
  const linked = new Map<AbortSignal, LinkedSignal>();
  /** The entry of the signal linked last: calls that share a signal come in runs, found without a map lookup. */
  let lastLinked: LinkedSignal | undefined;
  const entryOf = (signal: AbortSignal): LinkedSignal | undefined => (lastLinked?.signal === signal && lastLinked.live ? lastLinked : linked.get(signal));
  const forget = (entry: LinkedSignal) => {
    entry.live = false;
    linked.delete(entry.signal);
    if (lastLinked === entry) lastLinked = undefined;
  };
  const link = (signal: AbortSignal, controller: AbortController) => {
    let entry = entryOf(signal);
    if (!entry) {
      const controllers = new Set<AbortController>();
      const created: LinkedSignal = {
        signal,
        controllers,
        live: true,
        onAbort: () => {
          forget(created);
          for (const each of controllers) each.abort(signal.reason);
        },
      };
      entry = created;
      linked.set(signal, entry);
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    lastLinked = entry;
    entry.controllers.add(controller);
  };
  const unlink = (signal: AbortSignal, controller: AbortController) => {
    const entry = entryOf(signal);
    if (!entry) return;
    entry.controllers.delete(controller);
    if (entry.controllers.size > 0) return;
    forget(entry);
    signal.removeEventListener('abort', entry.onAbort);
  };

  /** Links the caller's signal with close(), so closing the backend aborts in-flight calls. */
  const track = (signal: AbortSignal | undefined) => {
    const controller = new AbortController();
    inFlight.add(controller);
    if (!signal) return { signal: controller.signal, release: () => inFlight.delete(controller) };
    // linked by hand: AbortSignal.any costs more per call and keeps the signals alive longer
    if (signal.aborted) controller.abort(signal.reason);
    else link(signal, controller);
    return {
      signal: controller.signal,
      release: () => {
        unlink(signal, controller);
        inFlight.delete(controller);
      },
    };
  };

  const resolveModel = async (): Promise<string> => {
    if (options.model) {
      await warnWhenNotListed(options.model);
      return options.model;
    }
    try {
      return await listFirstModel();
    } catch (error) {
      agent.destroy();
      throw error;
    }
  };
  /**
   * A model name the upstream does not list (`--upstream-model` with a typo) started serve without a word, and
   * every request was then a 404 `model_not_found` for a client that had sent the right name (probing round 6).
   * A warning, not an error: some gateways (LiteLLM wildcards, aliases) serve names they do not list.
   */
  const warnWhenNotListed = async (model: string): Promise<void> => {
    if (!options.logger) return;
    let ids: string[];
    try {
      const handle = await request('/models', 'GET', undefined, AbortSignal.timeout(5000));
      try {
        const listing = (await handle.response.json()) as { data?: Array<{ id?: unknown }> };
        ids = Array.isArray(listing.data) ? listing.data.map((entry) => entry.id).filter((id): id is string => typeof id === 'string') : [];
      } finally {
        handle.done();
      }
    } catch {
      return; // no model list (or none in time): nothing to compare with
    }
    if (ids.length === 0 || ids.includes(model)) return;
    options.logger.warn(`the upstream does not list the model "${model}": every request will fail if it does not serve it under that name`, {
      listed: ids.slice(0, 20),
      fix: 'Check --upstream-model ($SAFEMED_UPSTREAM_MODEL), or leave it out to use the first model the upstream lists.',
    });
  };
  const listFirstModel = async (): Promise<string> => {
    const handle = await request('/models', 'GET', undefined, undefined);
    try {
      const listing = (await handle.response.json()) as { data?: Array<{ id?: unknown }> };
      const id = listing.data?.[0]?.id;
      if (typeof id !== 'string') {
        throw new BackendError(`Upstream ${shownUrl}/models lists no model.`, {
          url: shownUrl,
          fix: "Name the upstream's model: --upstream-model <name> for serve, the backend's model option in code.",
        });
      }
      return id;
    } catch (error) {
      throw error instanceof BackendError ? error : handle.failure(error);
    } finally {
      handle.done();
    }
  };
  const modelId = await resolveModel();

  const capabilities: BackendCapabilities = { streaming: true, jsonSchema: true, seed: true, reasoningChannel: true };

  /** Reads a non-streamed completion body as JSON (a body that is not JSON is the upstream's 502). */
  async function readCompletionBody(handle: UpstreamResponseHandle): Promise<unknown> {
    try {
      return await handle.response.json();
    } catch (error) {
      const failure = handle.failure(error);
      if (failure instanceof BackendError && failure.code === 'upstream_disconnected' && error instanceof SyntaxError) {
        throw new BackendError(`Upstream ${shownUrl} returned a body that is not JSON.`, { url: shownUrl, status: 502, code: 'upstream_malformed', cause: error });
      }
      throw failure;
    }
  }

  /** A parsed completion body as a result; JSON that is not a completion (null, a string, no choices) is the upstream's 502. */
  function completionOf(body: unknown): GenerateResult {
    const choices: unknown = body !== null && typeof body === 'object' ? (body as { choices?: unknown }).choices : undefined;
    const first = choiceZeroOf(choices);
    if (first === undefined) throw new BackendError(`Upstream ${shownUrl} returned no choices.`, { url: shownUrl, status: 502, code: 'upstream_malformed' });
    const choice = first as { message?: Record<string, unknown>; finish_reason?: unknown };
    const content = contentText(choice.message?.content);
    const split = normalizeChannels({ content, reasoning: reasoningOf(choice.message) });
    return {
      reasoning: split.reasoning,
      text: split.answer,
      finishReason: mapFinishReason(choice.finish_reason),
      usage: toUsage((body as { usage?: unknown }).usage) ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      verdicts: [],
    };
  }

  function generate(generateRequest: GenerateRequest): Promise<GenerateResult> {
    let body: Record<string, unknown>;
    try {
      body = buildChatBody(generateRequest, { model: modelId, stream: false, structuredOutputs });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return complete(body, generateRequest.signal, generateRequest.requestId);
  }

  /** A non-streamed chat completion of `body` (an object, or its JSON as a Buffer). */
  async function complete(body: unknown, signal: AbortSignal | undefined, requestId: string | undefined): Promise<GenerateResult> {
    const tracked = track(signal);
    try {
      const handle = await request('/chat/completions', 'POST', body, tracked.signal, requestId);
      try {
        return completionOf(await readCompletionBody(handle));
      } finally {
        handle.done();
      }
    } finally {
      tracked.release();
    }
  }

  async function* stream(generateRequest: GenerateRequest): AsyncGenerator<StreamPart> {
    const body = buildChatBody(generateRequest, { model: modelId, stream: true, structuredOutputs });
    const tracked = track(generateRequest.signal);
    try {
      const handle = await request('/chat/completions', 'POST', body, tracked.signal, generateRequest.requestId);
      if (/^\s*application\/json/iu.test(handle.response.headers['content-type'] ?? '')) {
        // An upstream (or a proxy before it) that ignores `stream: true` answers with one JSON completion.
        // It was read as an event stream with no events: a 502 "ended the stream before it finished".
        let result: GenerateResult;
        try {
          result = completionOf(await readCompletionBody(handle));
        } finally {
          handle.done();
        }
        if (result.reasoning !== '') yield { type: 'reasoning-delta', text: result.reasoning };
        if (result.text !== '') yield { type: 'text-delta', text: result.text };
        yield { type: 'usage', usage: result.usage };
        yield { type: 'finish', finishReason: result.finishReason };
        return;
      }
      const normalizer = createChannelNormalizer({ holdReasoning: shouldHoldReasoning(generateRequest) });
      let finishReason: FinishReason | undefined;
      let usage: TokenUsage | undefined;
      let sawDone = false;
      let cleanEnd = false;
      try {
        const events = readSseEvents(handle.response.body);
        for (;;) {
          if (tracked.signal.aborted) throw abortReason(tracked.signal);
          let next: IteratorResult<string>;
          try {
            next = await events.next();
          } catch (error) {
            throw handle.failure(error);
          }
          if (next.done) break;
          handle.touch();
          const data = next.value.trim();
          if (data === '[DONE]') {
            sawDone = true;
            break;
          }
          let chunk: { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: unknown }>; usage?: unknown; error?: { message?: string } };
          try {
            chunk = JSON.parse(data) as typeof chunk;
          } catch (error) {
            throw new BackendError(`Upstream ${shownUrl} sent a malformed stream event (not JSON): ${data.slice(0, 80)}`, {
              url: shownUrl,
              status: 502,
              code: 'upstream_malformed',
              cause: error,
              fix: 'Check that the base URL points at an OpenAI-compatible server.',
            });
          }
          if ((chunk as unknown) === null || typeof chunk !== 'object') {
            throw new BackendError(`Upstream ${shownUrl} sent a stream event that is not a JSON object: ${data.slice(0, 80)}`, {
              url: shownUrl,
              status: 502,
              code: 'upstream_malformed',
              fix: 'Check that the base URL points at an OpenAI-compatible server.',
            });
          }
          if (chunk.error) {
            throw new BackendError(`Upstream ${shownUrl} reported an error mid-stream: ${chunk.error.message ?? 'unknown'}`, {
              url: shownUrl,
              status: 502,
              code: 'upstream_error',
            });
          }
          const chunkUsage = toUsage(chunk.usage);
          if (chunkUsage) usage = chunkUsage;
          for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
            if ((choice as unknown) === null || typeof choice !== 'object' || !isChoiceZero(choice)) continue;
            // Text after the upstream's own finish is not part of the answer (usage chunks still count above).
            if (finishReason !== undefined) continue;
            const delta: ChannelDelta = {
              reasoning: reasoningOf(choice.delta),
              content: contentText(choice.delta?.content),
            };
            yield* normalizer.push(delta);
            if (choice.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
          }
        }
        if (!sawDone && finishReason === undefined) {
          throw new BackendError(`Upstream ${shownUrl} ended the stream before it finished.`, {
            url: shownUrl,
            status: 502,
            code: 'upstream_disconnected',
          });
        }
        cleanEnd = true;
        yield* normalizer.end();
        if (usage) yield { type: 'usage', usage };
        yield { type: 'finish', finishReason: finishReason ?? 'stop' };
      } finally {
        handle.done(cleanEnd);
      }
    } finally {
      tracked.release();
    }
  }

  /** See prepared-prompt.ts: the fixed text and the rest of the body encoded once, the values per call. */
  const preparePrompt = (fixed: readonly string[], settings: GenerationSettings): PreparedPrompt => {
    const frozen = { ...settings };
    const bodyJson = JSON.stringify(buildChatBody({ messages: [{ role: 'user', content: PROMPT_SLOT }], settings: frozen }, { model: modelId, stream: false, structuredOutputs }));
    const encode = createPromptBodyEncoder(bodyJson, fixed);
    return {
      generate: (values, signal) => {
        const payload = encode?.(values);
        if (payload !== undefined) return complete(payload, signal, undefined);
        return generate({ messages: [{ role: 'user', content: joinPrompt(fixed, values) }], settings: frozen, ...(signal ? { signal } : {}) });
      },
    };
  };

  const backend: Backend & PromptPreparing = {
    uri: `${flavour}:${withoutCredentials(target)}`,
    modelId,
    capabilities,
    generate,
    preparePrompt,
    stream: (generateRequest) => stream(generateRequest),
    close: () => {
      closed = true;
      for (const controller of inFlight) controller.abort(new BackendError('The backend was closed.', { url: shownUrl }));
      inFlight.clear();
      agent.destroy();
      return Promise.resolve();
    },
  };
  return backend;
}
