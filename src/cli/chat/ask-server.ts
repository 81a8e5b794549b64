/**
 * `safemed chat --server`: asks a running SafeMed server, or any OpenAI-compatible API, over the
 * project's one upstream transport (`sendUpstreamRequest`: timeouts, retries before the first byte,
 * keep-alive). Answers go through the reasoning normaliser, so a plain server's
 * `<think>…</think><answer>…</answer>` is split like SafeMed's own `reasoning_content`.
 */
import { z } from 'zod';
import { checkHeaderKey, normalizeBaseUrl } from '../../backends/openai-compatible/create-openai-compatible-backend.js';
import { readSseEvents } from '../../backends/openai-compatible/read-sse-events.js';
import { createUpstreamAgent, defaultSleep, sendUpstreamRequest, withoutCredentials, type UpstreamResponseHandle } from '../../backends/openai-compatible/send-upstream-request.js';
import { createChannelNormalizer, normalizeChannels } from '../../backends/reasoning-normalizer.js';
import type { ChatMessage, GenerationSettings, StreamPart } from '../../core/chat.js';
import { BackendError, ConfigError, TimeoutError } from '../../core/errors.js';
import type { Ask, ChatAnswer, ChatCallbacks, ChatSession } from './chat-session-types.js';

export interface ServerSessionOptions {
  server: string;
  apiKey: string | undefined;
  servedModelName: string | undefined;
  stream: boolean;
  settings: GenerationSettings;
  /** Per-attempt time limit until headers, then between chunks (default 600 s). */
  timeoutMs?: number;
  /** Largest answer + reasoning (characters) read from the server (default MAX_CHAT_ANSWER_CHARS). */
  maxAnswerChars?: number;
}

/**
 * Largest answer + reasoning taken from a server, as `serve --max-answer-size`'s default. A hostile or
 * broken server streaming without end was kept whole in memory (300 MB streamed: 450 MB resident, and
 * the conversation history kept it for the next question) (probing round 6).
 */
export const MAX_CHAT_ANSWER_CHARS = 4 * 1024 * 1024;
/** Largest non-streamed body read: the answer's characters as JSON-escaped UTF-8, with room for the rest. */
const bodyLimitFor = (maxAnswerChars: number) => 6 * maxAnswerChars + 64 * 1024;

function answerTooLarge(baseUrl: string, limit: number): BackendError {
  return new BackendError(`The server at ${baseUrl} sent an answer longer than ${limit} characters; the rest was not read.`, {
    url: baseUrl,
    status: 502,
    code: 'answer_too_large',
    fix: 'Ask for a shorter answer (--max-tokens), or check --server: it must point at `safemed serve` or another OpenAI-compatible API.',
  });
}

const usageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() });
const reasoningFields = { reasoning_content: z.string().nullish(), reasoning: z.string().nullish(), thinking: z.string().nullish() };
const modelsSchema = z.object({ data: z.array(z.object({ id: z.string() })) });
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish(), ...reasoningFields }), finish_reason: z.string().nullish() })).min(1),
  usage: usageSchema.nullish(),
  safemed: z.unknown().optional(),
});
const chunkSchema = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish(), ...reasoningFields }).nullish(), finish_reason: z.string().nullish() })).optional(),
  usage: usageSchema.nullish(),
  safemed: z.unknown().optional(),
  error: z.object({ message: z.string().optional() }).optional(),
});

type ReasoningCarrier = { reasoning_content?: string | null | undefined; reasoning?: string | null | undefined; thinking?: string | null | undefined };
const reasoningOf = (value: ReasoningCarrier | null | undefined): string | null => value?.reasoning_content ?? value?.reasoning ?? value?.thinking ?? null;

function emit(parts: StreamPart[], callbacks: ChatCallbacks, answer: { reasoning: string; answer: string }): void {
  for (const part of parts) {
    if (part.type === 'reasoning-delta') {
      answer.reasoning += part.text;
      callbacks.onReasoning(part.text);
    } else if (part.type === 'text-delta') {
      answer.answer += part.text;
      callbacks.onAnswer(part.text);
    }
  }
}

function malformed(baseUrl: string, what: string, cause?: unknown): BackendError {
  return new BackendError(`The server at ${baseUrl} sent ${what} that is not an OpenAI-compatible response.`, {
    url: baseUrl,
    status: 502,
    code: 'upstream_malformed',
    cause,
    fix: 'Check --server: it must point at `safemed serve` or another OpenAI-compatible API.',
  });
}

/** A transport error in the words of a chat user: a refused key is not an unreachable server. */
function explain(error: unknown, baseUrl: string): unknown {
  if (!(error instanceof BackendError)) return error;
  if (error.status === 401 || error.status === 403) {
    return new BackendError(`The server at ${baseUrl} refused the API key (HTTP ${error.status}).`, {
      url: baseUrl,
      status: error.status,
      cause: error,
      fix: 'Pass the key the server was started with: --api-key <key> or $SAFEMED_API_KEY.',
    });
  }
  if (error.status === 404 && (error.url ?? '').endsWith('/models')) {
    return new BackendError(`The server at ${baseUrl} does not list its models (HTTP 404 on /models).`, {
      url: baseUrl,
      status: 404,
      cause: error,
      fix: 'Name the model with --served-model-name <name>, or check --server (the base URL usually ends in /v1).',
    });
  }
  if (error.code === 'upstream_unreachable') {
    return new BackendError(`Cannot reach the server at ${baseUrl}.`, {
      url: baseUrl,
      status: error.status,
      cause: error,
      fix: 'Start it with `safemed serve --model <uri>`, or check --server.',
    });
  }
  return error;
}

export async function createServerSession(options: ServerSessionOptions): Promise<ChatSession> {
  if (!/^https?:\/\/[^/]/.test(options.server)) {
    throw new ConfigError(`--server "${options.server}" is not an http(s) URL.`, { key: 'server', fix: 'Example: --server http://127.0.0.1:8000' });
  }
  const baseUrl = normalizeBaseUrl(options.server, 'server');
  // messages never show the password of a `user:password@` URL
  const shownUrl = withoutCredentials(baseUrl);
  const agent = createUpstreamAgent(baseUrl);
  const apiKey = checkHeaderKey(options.apiKey, '--api-key (or $SAFEMED_API_KEY)'); // it was "Cannot reach the server"
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const timeoutMs = options.timeoutMs ?? 600_000;
  const send = async (path: string, method: 'GET' | 'POST', body: unknown, signal: AbortSignal | undefined): Promise<UpstreamResponseHandle> => {
    try {
      return await sendUpstreamRequest({
        url: `${baseUrl}${path}`,
        method,
        ...(body === undefined ? {} : { body }),
        headers,
        ...(signal ? { signal } : {}),
        timeoutMs,
        maxRetries: 1,
        sleep: defaultSleep,
        random: Math.random,
        agent,
      });
    } catch (error) {
      throw explain(error, shownUrl);
    }
  };
  const maxAnswerChars = options.maxAnswerChars ?? MAX_CHAT_ANSWER_CHARS;
  const readJson = async (handle: UpstreamResponseHandle, what: string): Promise<unknown> => {
    try {
      return await handle.response.json(bodyLimitFor(maxAnswerChars));
    } catch (error) {
      if (error instanceof BackendError && error.code === 'answer_too_large') throw answerTooLarge(shownUrl, maxAnswerChars);
      throw error instanceof SyntaxError ? malformed(shownUrl, what, error) : handle.failure(error);
    } finally {
      handle.done();
    }
  };

  let model = options.servedModelName;
  if (model === undefined) {
    const listed = modelsSchema.safeParse(await readJson(await send('/models', 'GET', undefined, AbortSignal.timeout(10_000)), 'a model list'));
    if (!listed.success) throw malformed(shownUrl, 'a model list');
    model = listed.data.data[0]?.id ?? 'safemed-r1';
  }
  const requestBody = (messages: ChatMessage[], stream: boolean) => ({
    model,
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
    ...(options.settings.maxTokens !== undefined ? { max_tokens: options.settings.maxTokens } : {}),
    ...(options.settings.temperature !== undefined ? { temperature: options.settings.temperature } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });

  /** One whole completion (a non-streamed answer, or a server that answered a stream request with one). */
  const completionAnswer = (json: unknown, callbacks: ChatCallbacks): ChatAnswer => {
    const parsed = completionSchema.safeParse(json);
    if (!parsed.success) throw malformed(shownUrl, 'an answer', parsed.error);
    const [choice] = parsed.data.choices;
    if (!choice) throw malformed(shownUrl, 'an answer');
    const split = normalizeChannels({ content: choice.message.content ?? null, reasoning: reasoningOf(choice.message) });
    if (split.answer.length + split.reasoning.length > maxAnswerChars) throw answerTooLarge(shownUrl, maxAnswerChars);
    callbacks.onReasoning(split.reasoning);
    callbacks.onAnswer(split.answer);
    return {
      reasoning: split.reasoning,
      answer: split.answer,
      usage: parsed.data.usage ?? null,
      finish_reason: choice.finish_reason ?? null,
      ...(parsed.data.safemed !== undefined ? { safemed: parsed.data.safemed } : {}),
    };
  };

  const ask: Ask = async (messages, callbacks, signal) => {
    if (!options.stream) return completionAnswer(await readJson(await send('/chat/completions', 'POST', requestBody(messages, false), signal), 'an answer'), callbacks);
    const handle = await send('/chat/completions', 'POST', requestBody(messages, true), signal);
    // A server (or a proxy) that ignores `stream: true` answers with one JSON completion: it was read as an
    // event stream with no events, and chat printed nothing and exited 0 (probing round 6).
    if (/^\s*application\/json/iu.test(handle.response.headers['content-type'] ?? '')) return completionAnswer(await readJson(handle, 'an answer'), callbacks);
    const normalizer = createChannelNormalizer();
    const result: ChatAnswer = { reasoning: '', answer: '', usage: null, finish_reason: null };
    let finished = false;
    let size = 0;
    try {
      for await (const data of readSseEvents(handle.response.body)) {
        handle.touch();
        if (data.trim() === '[DONE]') {
          finished = true;
          break;
        }
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch (error) {
          throw malformed(shownUrl, 'a stream event', error);
        }
        const chunk = chunkSchema.safeParse(json);
        if (!chunk.success) throw malformed(shownUrl, 'a stream event', chunk.error);
        if (chunk.data.error) throw new BackendError(`The server at ${shownUrl} reported an error mid-answer: ${chunk.data.error.message ?? 'unknown'}.`, { url: shownUrl, status: 502 });
        for (const choice of chunk.data.choices ?? []) {
          size += (choice.delta?.content?.length ?? 0) + (reasoningOf(choice.delta)?.length ?? 0);
          if (size > maxAnswerChars) throw answerTooLarge(shownUrl, maxAnswerChars);
          emit(normalizer.push({ content: choice.delta?.content ?? null, reasoning: reasoningOf(choice.delta) }), callbacks, result);
          if (choice.finish_reason) result.finish_reason = choice.finish_reason;
        }
        if (chunk.data.usage) result.usage = chunk.data.usage;
        if (chunk.data.safemed !== undefined) result.safemed ??= chunk.data.safemed;
      }
      emit(normalizer.end(), callbacks, result);
      // neither [DONE] nor a finish_reason: the answer was cut off, not complete
      if (!finished && result.finish_reason === null) {
        throw new BackendError(`The server at ${shownUrl} ended the answer before it finished (no finish_reason, no [DONE]).`, { url: shownUrl, status: 502, code: 'upstream_disconnected' });
      }
    } catch (error) {
      if (signal.aborted) throw new TimeoutError('The answer was stopped.', { cause: error });
      throw error instanceof BackendError ? error : handle.failure(error);
    } finally {
      handle.done(finished);
    }
    return result;
  };
  return {
    ask,
    close: () => {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
