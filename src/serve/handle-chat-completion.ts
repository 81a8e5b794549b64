import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditWriter } from '../audit/create-audit-writer.js';
import type { Backend } from '../core/backend.js';
import { isStructuredOutput, type FinishReason, type SafetyVerdict, type StreamPart, type TokenUsage } from '../core/chat.js';
import { BackendError, TimeoutError, describeError } from '../core/errors.js';
import type { Clock } from '../core/ids.js';
import { AuditUnavailableError, clientError, echo, toErrorResponse, type ErrorBody } from './error-response.js';
import { parseChatRequest, type ParsedChatRequest } from './parse-chat-request.js';
import { readJsonBody } from './read-json-body.js';
import { guardFields, toSafemedResponseObject } from './safemed-response-object.js';
import type { ServerMetrics } from './server-metrics.js';
import { createSseChunks } from './sse-chunks.js';
import { createSseWriter } from './create-sse-writer.js';
import type { WriteWatch } from './create-write-watch.js';

export interface ChatHandlerContext {
  backend: Backend;
  servedModelName: string;
  reasoningField: 'reasoning_content' | 'reasoning';
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
  maxJsonDepth: number;
  maxJsonMembers: number;
  /** Largest answer + reasoning (characters) taken from the backend; beyond it the call is aborted with a 502. */
  maxAnswerChars: number;
  requestTimeoutMs: number;
  audit: AuditWriter | undefined;
  metrics: ServerMetrics;
  clock: Clock;
  /** Cuts clients that stopped reading (see createWriteWatch). */
  writeWatch: WriteWatch;
  /** SSE coalescing window (see createSseWriter); 0 writes every event at once. */
  streamCoalesceMs: number;
  /** Aborted when the server gives up on in-flight requests at the end of the shutdown grace period. */
  shutdownSignal: AbortSignal;
}

/** What the caller logs and counts. */
export interface ChatOutcome {
  status: number;
  promptTokens: number;
  completionTokens: number;
  errorType: string | undefined;
  /** For the log line of a failure (server-side only; may hold upstream details, never bodies of the client). */
  cause?: string;
  /** The guard's decision for the request log line (no texts): one line per request, not one per verdict. */
  guard?: GuardLogFields;
}

/** What the request log line says about the guard: the input verdict and whether the answer was replaced. */
export interface GuardLogFields {
  action: SafetyVerdict['action'];
  risk: number;
  dimension: string;
  mechanism: string | null;
  attacks: string[];
  /** The output check's action when it differs from the input's (an answer replaced or cut). */
  outputAction?: SafetyVerdict['action'];
}

function guardLogFields(verdicts: SafetyVerdict[]): GuardLogFields | undefined {
  const input = verdicts.find((verdict) => verdict.stage === 'input');
  if (input === undefined) return undefined;
  const fields: GuardLogFields = {
    action: input.action,
    risk: Math.round(input.risk * 1000) / 1000,
    dimension: input.dimension,
    mechanism: guardFields(input).mechanism ?? null,
    attacks: input.attacks,
  };
  const output = verdicts.find((verdict) => verdict.stage === 'output');
  if (output !== undefined && output.action !== input.action) fields.outputAction = output.action;
  return fields;
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/**
 * Token counts as a backend reported them, made safe to send and count: an upstream's usage is its own
 * JSON (a string, an object, a negative or huge number becomes NaN or worse), and one NaN would break the
 * streamed usage chunk's JSON and stick in the Prometheus counters. Unchanged (same object) when valid.
 */
function safeUsage(usage: TokenUsage): TokenUsage {
  const { promptTokens, completionTokens, totalTokens } = usage;
  if (Number.isSafeInteger(promptTokens) && promptTokens >= 0 && Number.isSafeInteger(completionTokens) && completionTokens >= 0 && Number.isSafeInteger(totalTokens) && totalTokens >= 0) return usage;
  const count = (value: number) => (Number.isSafeInteger(value) && value >= 0 ? value : 0);
  const prompt = count(promptTokens);
  const completion = count(completionTokens);
  return { promptTokens: prompt, completionTokens: completion, totalTokens: Number.isSafeInteger(totalTokens) && totalTokens >= 0 ? totalTokens : prompt + completion };
}

function toOpenAiFinish(reason: FinishReason | null): string {
  return reason === null || reason === 'error' ? 'stop' : reason;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Thrown (as an abort reason) when the client disconnected. */
class ClientGone extends Error {
  constructor() {
    super('client disconnected');
  }
}

/**
 * `POST /v1/chat/completions`: validate, record the accepted request in the audit trail, call the
 * backend (stream or not) with an AbortSignal tied to client disconnect, the per-request timeout and
 * shutdown, and commit the completed audit record before the last byte of the response is written.
 */
export async function handleChatCompletion(
  context: ChatHandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  clientRequestId: string | null,
  receivedAt: number,
): Promise<ChatOutcome> {
  const raw = await readJsonBody(request, { limitBytes: context.bodyLimitBytes, timeoutMs: context.bodyTimeoutMs, maxDepth: context.maxJsonDepth, maxMembers: context.maxJsonMembers });
  const parsed = parseChatRequest(raw);
  if (parsed.model !== context.servedModelName) {
    throw clientError(404, 'model_not_found', `The model ${echo(parsed.model)} does not exist; this server serves "${context.servedModelName}".`, 'model');
  }

  const controller = new AbortController();
  const timer = setTimeout(
    () => { controller.abort(
        new TimeoutError(`No complete answer within ${context.requestTimeoutMs} ms (raise it with --timeout).`, { context: { clientFacing: true } }),
      ); },
    context.requestTimeoutMs,
  );
  const onShutdown = () => { controller.abort(new TimeoutError('The server shut down before the answer was complete.', { context: { clientFacing: true, retryable: true } })); };
  context.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  let clientGone = false;
  const onClose = () => {
    if (!response.writableFinished) {
      clientGone = true;
      controller.abort(new ClientGone());
    }
  };
  response.on('close', onClose);

  const exchange: Exchange = {
    parsed,
    requestId,
    receivedAt,
    firstTokenAt: null,
    reasoning: '',
    answer: '',
    finishReason: null,
    usage: null,
    verdicts: [],
  };
  const accepted = context.audit?.begin({
    requestId,
    clientRequestId,
    receivedAt: new Date(receivedAt),
    model: context.backend.modelId,
    servedModelName: context.servedModelName,
    stream: parsed.stream,
    user: parsed.user ?? null,
    messages: parsed.messages,
  });
  // A non-streamed answer is committed with its request anyway; a failed pending write shows up there.
  accepted?.catch(() => undefined);
  try {
    const outcome = parsed.stream
      ? await streamCompletion(context, response, exchange, controller, () => clientGone, accepted)
      : await generateCompletion(context, response, exchange, controller.signal, () => clientGone);
    const guard = guardLogFields(exchange.verdicts);
    return guard === undefined ? outcome : { ...outcome, guard };
  } finally {
    clearTimeout(timer);
    context.shutdownSignal.removeEventListener('abort', onShutdown);
    response.off('close', onClose);
  }
}

interface Exchange {
  parsed: ParsedChatRequest;
  requestId: string;
  receivedAt: number;
  firstTokenAt: number | null;
  reasoning: string;
  answer: string;
  finishReason: FinishReason | null;
  usage: TokenUsage | null;
  verdicts: SafetyVerdict[];
}

/** The guard refused the request (or replaced the answer): the text is a refusal, not the model's answer. */
function isGuardRefusal(verdicts: SafetyVerdict[]): boolean {
  return verdicts.some((verdict) => verdict.stage === 'output' && guardFields(verdict).replacement !== undefined);
}

/** Commits the exchange's audit record; a failure is an AuditUnavailableError (503: the answer is withheld). */
async function recordAudit(context: ChatHandlerContext, exchange: Exchange, status: number, error: string | null): Promise<void> {
  if (!context.audit) return;
  await context.audit.complete({
    requestId: exchange.requestId,
    firstTokenAt: exchange.firstTokenAt === null ? null : new Date(exchange.firstTokenAt),
    finishedAt: new Date(context.clock.now()),
    reasoning: exchange.reasoning,
    answer: exchange.answer,
    finishReason: exchange.finishReason,
    usage: exchange.usage,
    verdicts: exchange.verdicts,
    status,
    error,
  }).catch((failure: unknown) => {
    throw failure instanceof AuditUnavailableError ? failure : new AuditUnavailableError(failure);
  });
}

interface Failure {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** What the audit record keeps. */
  message: string;
  /** What the server log keeps (the internal cause). */
  cause: string;
}

function failureOf(error: unknown, signal: AbortSignal, clientGone: boolean): Failure {
  if (clientGone) {
    return {
      status: 499,
      body: { error: { message: 'client disconnected', type: 'client_closed_request', param: null, code: 'client_closed_request' } },
      headers: {},
      message: 'client disconnected',
      cause: 'client disconnected',
    };
  }
  const reason: unknown = signal.reason;
  const cause = signal.aborted && (reason instanceof TimeoutError || reason instanceof BackendError) ? reason : error;
  const mapped = toErrorResponse(cause);
  return { status: mapped.status, body: mapped.body, headers: mapped.headers ?? {}, message: mapped.body.error.message, cause: describeError(cause) };
}

function answerTooLarge(limit: number): BackendError {
  return new BackendError(`The model's answer grew past the ${limit}-character limit (--max-answer-size); it was cut off.`, { status: 502, code: 'answer_too_large' });
}

async function generateCompletion(
  context: ChatHandlerContext,
  response: ServerResponse,
  exchange: Exchange,
  signal: AbortSignal,
  clientGone: () => boolean,
): Promise<ChatOutcome> {
  try {
    const result = await context.backend.generate({
      messages: exchange.parsed.messages,
      settings: exchange.parsed.settings,
      signal,
      requestId: exchange.requestId,
    });
    exchange.firstTokenAt = context.clock.now();
    if (result.reasoning.length + result.text.length > context.maxAnswerChars) throw answerTooLarge(context.maxAnswerChars);
    exchange.reasoning = result.reasoning;
    exchange.answer = result.text;
    exchange.finishReason = result.finishReason;
    exchange.usage = safeUsage(result.usage);
    exchange.verdicts = result.verdicts;
  } catch (error) {
    const failure = failureOf(error, signal, clientGone());
    await recordAudit(context, exchange, failure.status, failure.message);
    if (!clientGone()) sendJson(response, failure.status, failure.body, failure.headers);
    return { status: failure.status, promptTokens: 0, completionTokens: 0, errorType: failure.body.error.type, cause: failure.cause };
  }
  for (const verdict of exchange.verdicts) context.metrics.verdict(verdict);
  const usage = exchange.usage; // set from the backend's result above (the catch returns)
  // With structured output a refusal is no JSON answer: content null and the text in `refusal`, as OpenAI's
  // structured outputs report a refusal (the client's JSON parser never sees prose).
  const refused = isStructuredOutput(exchange.parsed.settings) && isGuardRefusal(exchange.verdicts);
  const message: Record<string, unknown> = refused ? { role: 'assistant', content: null, refusal: exchange.answer } : { role: 'assistant', content: exchange.answer };
  if (exchange.reasoning !== '') message[context.reasoningField] = exchange.reasoning;
  const body: Record<string, unknown> = {
    id: `chatcmpl-${exchange.requestId}`,
    object: 'chat.completion',
    created: Math.floor(exchange.receivedAt / 1000),
    model: context.servedModelName,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenAiFinish(exchange.finishReason) }],
    usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens },
  };
  const safemed = toSafemedResponseObject(exchange.verdicts);
  if (safemed) body.safemed = safemed;
  await recordAudit(context, exchange, 200, null);
  sendJson(response, 200, body);
  return { status: 200, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, errorType: undefined };
}

async function streamCompletion(
  context: ChatHandlerContext,
  response: ServerResponse,
  exchange: Exchange,
  controller: AbortController,
  clientGone: () => boolean,
  accepted: Promise<void> | undefined,
): Promise<ChatOutcome> {
  const signal = controller.signal;
  const chunks = createSseChunks(`chatcmpl-${exchange.requestId}`, Math.floor(exchange.receivedAt / 1000), context.servedModelName, context.reasoningField);
  let headersSent = false;
  // The role chunk goes out with the first delta (or the tail), so coalescing never holds the first token.
  let role = chunks.role();
  const writer = createSseWriter(response, signal, context.streamCoalesceMs, context.writeWatch.track);
  let size = 0;
  const grow = (text: string) => {
    size += text.length;
    if (size > context.maxAnswerChars) {
      const error = answerTooLarge(context.maxAnswerChars);
      controller.abort(error);
      throw error;
    }
  };
  // With structured output, the text after an input verdict that refuses the request, and the output guard's
  // replacement of an answer it stopped midway, are the refusal (OpenAI's `refusal` delta), not JSON content.
  const structured = isStructuredOutput(exchange.parsed.settings);
  let refusing = false;
  const take = (part: StreamPart): string | undefined => {
    switch (part.type) {
      case 'text-delta':
        if (part.text === '') return undefined;
        grow(part.text);
        exchange.firstTokenAt ??= context.clock.now();
        exchange.answer += part.text;
        return refusing || (structured && part.refusal === true) ? chunks.refusal(part.text) : chunks.content(part.text);
      case 'reasoning-delta':
        if (part.text === '') return undefined;
        grow(part.text);
        exchange.firstTokenAt ??= context.clock.now();
        exchange.reasoning += part.text;
        return chunks.reasoning(part.text);
      case 'usage':
        exchange.usage = safeUsage(part.usage);
        return undefined;
      case 'verdict':
        exchange.verdicts.push(part.verdict);
        context.metrics.verdict(part.verdict);
        if (structured && part.verdict.stage === 'input' && part.verdict.action === 'block') refusing = true;
        return undefined;
      case 'finish':
        exchange.finishReason = part.finishReason;
        return undefined;
    }
  };
  const iterator = context.backend
    .stream({ messages: exchange.parsed.messages, settings: exchange.parsed.settings, signal, requestId: exchange.requestId })
    [Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        finished = true;
        break;
      }
      const line = take(next.value);
      // Hold the status line until the backend produced something to send (or finished): a guard
      // verdict alone is not an answer, so an upstream that fails at once still gets a real 502/504.
      if (line === undefined && next.value.type !== 'finish') continue;
      if (!headersSent) {
        // The request is on disk before the client sees a byte: a crash from here on leaves it in the trail.
        if (accepted) await accepted.catch((failure: unknown) => { throw new AuditUnavailableError(failure); });
        response.writeHead(200, SSE_HEADERS);
        headersSent = true;
      }
      if (line !== undefined) {
        const pending = writer.write(role + line);
        role = '';
        if (pending) {
          await pending;
          if (signal.aborted) throw signal.reason;
        }
      }
    }
    if (signal.aborted) throw signal.reason;
  } catch (error) {
    const failure = failureOf(error, signal, clientGone());
    await recordAudit(context, exchange, failure.status, failure.message);
    if (!clientGone()) {
      if (!headersSent) sendJson(response, failure.status, failure.body, failure.headers);
      else writer.end(role + chunks.error(failure.body) + chunks.done());
    } else {
      writer.cancel();
    }
    return { status: failure.status, promptTokens: 0, completionTokens: 0, errorType: failure.body.error.type, cause: failure.cause };
  } finally {
    // An abandoned generator keeps its timers and sockets until it is closed: close it now.
    if (!finished) void iterator.return?.().catch(() => undefined);
  }
  if (!headersSent) {
    response.writeHead(200, SSE_HEADERS);
    headersSent = true;
  }
  const usage = exchange.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  // Commit the audit record before the final chunk, so a crash after the response loses nothing.
  try {
    await recordAudit(context, exchange, 200, null);
  } catch (error) {
    const mapped = toErrorResponse(error);
    writer.end(role + chunks.error(mapped.body) + chunks.done());
    return { status: mapped.status, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, errorType: 'audit_error', cause: describeError(error) };
  }
  let tail = chunks.finish(toOpenAiFinish(exchange.finishReason), toSafemedResponseObject(exchange.verdicts));
  if (exchange.parsed.includeUsage) tail += chunks.usage(usage);
  writer.end(role + tail + chunks.done());
  return { status: 200, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, errorType: undefined };
}
