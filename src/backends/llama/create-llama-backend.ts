/**
 * `llama:<file.gguf>`: embedded llama.cpp through node-llama-cpp (CPU, prebuilt binary).
 * The GGUF is validated before loading, the chat template comes from the GGUF itself (node-llama-cpp
 * resolves its chat wrapper from the model's jinja template), and the output goes through the
 * reasoning normaliser. Requests on one backend are serialised on its context sequence.
 */
import { randomInt } from 'node:crypto';
import type { ChatHistoryItem, LlamaChatResponseChunk, LlamaGrammar, GbnfJsonSchema } from 'node-llama-cpp';
import { LlamaChat } from 'node-llama-cpp';
import type { Backend, BackendOptions } from '../../core/backend.js';
import type { ChatMessage, FinishReason, GenerateRequest, GenerateResult, GenerationSettings, StreamPart } from '../../core/chat.js';
import { BackendError, ConfigError, InvalidRequestError, TimeoutError } from '../../core/errors.js';
import { collectReasoning, createReasoningSplitter } from '../reasoning-normalizer.js';
import { checkGrammarSchema } from './check-grammar-schema.js';
import { usableCpus } from './usable-cpus.js';
import { toGrammarSchema } from './to-grammar-schema.js';
import { checkPromptSize } from './check-prompt-size.js';
import { createPartChannel } from './create-part-channel.js';
import { createSerialLock } from './create-serial-lock.js';
import { loadLlamaModel } from './load-llama-model.js';

export const DEFAULT_LLAMA_CONTEXT_SIZE = 2048;
export const MINIMUM_LLAMA_CONTEXT_SIZE = 1024;
/**
 * Grammars kept for reuse (one per JSON schema, least recently used dropped first). The cache was
 * unbounded: every distinct schema a client sent (an enum value changed per request) stayed in memory
 * with its JSON as the key — up to a body's 1 MB each, for good.
 */
export const GRAMMAR_CACHE_SIZE = 16;
/** Most a context may exceed the length the model was trained for (RoPE scaling such as YaRN reaches about 4×). */
export const MAX_CONTEXT_OVER_TRAINED = 4;

/**
 * A context far beyond the model's trained length: llama.cpp reserves memory for all of it and answers past
 * the trained length degrade. `--context-size 10000000` (a typo) took 4 GB with the 0.5 MB tiny model and a
 * 5-token answer did not finish in 25 s, without a word (probing round 6). Over MAX_CONTEXT_OVER_TRAINED×
 * it is refused; over the trained length it is a warning (a model may scale its RoPE that far).
 */
function checkContextSize(contextSize: number, trained: number, path: string, logger: LlamaBackendOptions['logger']): void {
  if (!(trained > 0) || contextSize <= trained) return;
  if (contextSize > trained * MAX_CONTEXT_OVER_TRAINED) {
    throw new ConfigError(
      `The llama context size ${contextSize} is more than ${MAX_CONTEXT_OVER_TRAINED}× the ${trained} tokens ${path} was trained for: llama.cpp reserves memory for all of it, and answers past ${trained} tokens degrade.`,
      { key: 'contextSize', fix: `Use --context-size ${trained} or less (at most ${trained * MAX_CONTEXT_OVER_TRAINED} for a model that scales its RoPE).` },
    );
  }
  logger?.warn(`the llama context size ${contextSize} is more than the ${trained} tokens the model was trained for: answers past that degrade unless the model scales its RoPE`, {
    contextSize,
    trainedContextLength: trained,
  });
}

export type LlamaBackendOptions = BackendOptions;

function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') history.push({ type: 'system', text: message.content });
    else if (message.role === 'assistant') history.push({ type: 'model', response: [message.content] });
    else history.push({ type: 'user', text: message.content });
  }
  history.push({ type: 'model', response: [] });
  return history;
}

function finishReasonOf(stopReason: string): FinishReason {
  return stopReason === 'maxTokens' ? 'length' : 'stop';
}

export async function createLlamaBackend(path: string, options: LlamaBackendOptions = {}): Promise<Backend> {
  const contextSize = options.contextSize ?? DEFAULT_LLAMA_CONTEXT_SIZE;
  if (!Number.isInteger(contextSize) || contextSize < MINIMUM_LLAMA_CONTEXT_SIZE) {
    throw new ConfigError(`The llama context size must be an integer of at least ${MINIMUM_LLAMA_CONTEXT_SIZE} tokens (got ${contextSize}).`, {
      key: 'contextSize',
      fix: `Use --context-size ${DEFAULT_LLAMA_CONTEXT_SIZE} or more.`,
    });
  }
  const cpus = usableCpus(); // the affinity mask's CPUs, capped by a container's CPU quota
  const threads = options.threads ?? cpus;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ConfigError(`llama threads must be a positive integer (got ${threads}).`, { key: 'threads', fix: `Use --threads ${cpus}.` });
  }
  // More threads than CPUs only make llama.cpp slower, and --threads 5000 (a typo) started 5,000 threads:
  // a 20-token answer took over 30 s, the machine's load average reached 4,000, SIGTERM did not stop it.
  if (threads > cpus) {
    throw new ConfigError(`llama threads must be at most ${cpus}, the CPUs this process may use (got ${threads}): more threads than CPUs make llama.cpp slower, not faster.`, {
      key: 'threads',
      fix: `Use --threads ${cpus} or fewer (on a busy machine 1-2 is often fastest).`,
    });
  }
  const loaded = await loadLlamaModel(path, options.logger ? { logger: options.logger } : {});
  const { llama, model, summary } = loaded;
  try {
    checkContextSize(contextSize, summary.contextLength, path, options.logger);
  } catch (error) {
    await loaded.release();
    throw error;
  }
  let context;
  try {
    context = await model.createContext({ contextSize, threads: { ideal: threads, min: threads }, sequences: 1 });
  } catch (error) {
    await loaded.release();
    throw new BackendError(`Cannot create a llama.cpp context of ${contextSize} tokens for ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      fix: 'Lower --context-size or free memory.',
    });
  }
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: 'auto' });
  const lock = createSerialLock();
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  const inFlight = new Set<AbortController>();
  let closed = false;

  const grammarFor = (settings: GenerationSettings): Promise<LlamaGrammar> | undefined => {
    const format = settings.responseFormat;
    if (!format || format.type === 'text') return undefined;
    let key = 'json';
    let schema: Record<string, unknown> | undefined;
    if (format.type === 'json_schema') {
      // bounded before it is walked, then in the form the grammar builder reads (to-grammar-schema.ts)
      checkGrammarSchema(format.json_schema.schema, JSON.stringify(format.json_schema.schema));
      schema = toGrammarSchema(format.json_schema.schema, format.json_schema.strict === true);
      key = JSON.stringify(schema);
      checkGrammarSchema(schema, key);
    }
    let grammar = grammars.get(key);
    if (grammar) {
      // most recently used last: the oldest is the first key of the Map
      grammars.delete(key);
      grammars.set(key, grammar);
    } else {
      grammar =
        schema === undefined
          ? llama.getGrammarFor('json')
          : llama.createGrammarForJsonSchema(schema as GbnfJsonSchema as never).catch((error: unknown) => {
              grammars.delete(key);
              throw new InvalidRequestError(`This JSON schema cannot be turned into a llama.cpp grammar: ${error instanceof Error ? error.message : String(error)}`, {
                param: 'response_format',
                cause: error,
              });
            });
      grammars.set(key, grammar);
      const oldest = grammars.keys().next().value;
      if (grammars.size > GRAMMAR_CACHE_SIZE && oldest !== undefined) grammars.delete(oldest);
    }
    return grammar;
  };

  /** Runs one generation, pushing parts as they come; resolves when the sequence is free again. */
  const run = async (request: GenerateRequest, emit: (parts: StreamPart[]) => void, signal: AbortSignal): Promise<void> => {
    if (closed) throw new BackendError(`The llama backend for ${path} is closed.`);
    const settings = request.settings;
    const grammar = await grammarFor(settings);
    const release = await lock.acquire(signal);
    try {
      checkPromptSize(request.messages, contextSize);
      const history = toHistory(request.messages);
      const promptTokens = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer).length;
      if (promptTokens >= contextSize) {
        // As vLLM answers: a prompt that does not fit is the client's 400, never a silent truncation.
        throw new InvalidRequestError(
          `This model's maximum context length is ${contextSize} tokens, but the messages take ${promptTokens} tokens. Shorten the conversation.`,
          { status: 400, code: 'context_length_exceeded', param: 'messages' },
        );
      }
      const splitter = createReasoningSplitter();
      const outputTokensBefore = chat.sequence.tokenMeter.usedOutputTokens;
      const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
        if (chunk.text === '') return;
        if (chunk.type === 'segment') {
          if (chunk.segmentType === 'thought') emit([{ type: 'reasoning-delta', text: chunk.text }]);
          return; // comment segments are not part of the answer
        }
        emit(splitter.push(chunk.text));
      };
      const repetitionPenalty = settings.repetitionPenalty;
      const response = await chat.generateResponse(history, {
        onResponseChunk,
        signal,
        stopOnAbortSignal: false,
        // No more tokens than the context has room for after the prompt: past it node-llama-cpp shifts the
        // context — erases the start of the conversation and goes on answering what is left of it — where
        // vLLM stops (finish_reason "length"). An answer to a half-forgotten question was a silent 200.
        maxTokens: Math.min(settings.maxTokens ?? Number.POSITIVE_INFINITY, contextSize - promptTokens),
        ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
        ...(settings.topP !== undefined ? { topP: settings.topP } : {}),
        ...(settings.topK !== undefined ? { topK: settings.topK } : {}),
        ...(settings.minP !== undefined ? { minP: settings.minP } : {}),
        // node-llama-cpp's own default seed is the current second: every unseeded request in the same second
        // sampled the same answer (five temperature-1 samples for an evaluation were one answer five times).
        // llama.cpp's seed is 32-bit unsigned (node-llama-cpp turned every negative seed into 0: -2 and -3 gave the
        // same answer); any integer is taken modulo 2^32, so distinct small seeds stay distinct, and -1 becomes
        // 0xFFFFFFFF, llama.cpp's "random seed" (as its own server reads seed -1).
        seed: settings.seed === undefined ? randomInt(0, 2 ** 32 - 1) : Number(BigInt.asUintN(32, BigInt(settings.seed))),
        repeatPenalty: repetitionPenalty !== undefined && repetitionPenalty !== 1 ? { penalty: repetitionPenalty } : false,
        ...(settings.stop && settings.stop.length > 0 ? { customStopTriggers: settings.stop } : {}),
        ...(grammar ? { grammar } : {}),
      });
      emit(splitter.end());
      const completionTokens = chat.sequence.tokenMeter.usedOutputTokens - outputTokensBefore;
      emit([
        { type: 'usage', usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } },
        { type: 'finish', finishReason: finishReasonOf(response.metadata.stopReason) },
      ]);
    } catch (error) {
      if (signal.aborted) throw new TimeoutError('The generation was aborted.', { cause: signal.reason });
      if (error instanceof BackendError || error instanceof InvalidRequestError) throw error;
      throw new BackendError(`llama.cpp generation failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      release();
    }
  };

  const track = (signal: AbortSignal | undefined) => {
    const controller = new AbortController();
    const onAbort = () => { controller.abort(signal?.reason); };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    inFlight.add(controller);
    return {
      controller,
      release: () => {
        signal?.removeEventListener('abort', onAbort);
        inFlight.delete(controller);
      },
    };
  };

  async function* stream(request: GenerateRequest): AsyncGenerator<StreamPart> {
    const tracked = track(request.signal);
    const channel = createPartChannel<StreamPart>();
    const running = run(request, (parts) => { channel.push(...parts); }, tracked.controller.signal).then(
      () => { channel.close(); },
      (error: unknown) => { channel.fail(error); },
    );
    try {
      yield* channel;
    } finally {
      if (!tracked.controller.signal.aborted) tracked.controller.abort(new TimeoutError('The consumer stopped reading the stream.'));
      await running; // the sequence is free before the next request starts
      tracked.release();
    }
  }

  async function generate(request: GenerateRequest): Promise<GenerateResult> {
    const parts: StreamPart[] = [];
    for await (const part of stream(request)) parts.push(part);
    const split = collectReasoning(parts);
    const usage = parts.find((part) => part.type === 'usage');
    const finish = parts.find((part) => part.type === 'finish');
    return {
      reasoning: split.reasoning,
      text: split.answer,
      finishReason: finish?.type === 'finish' ? finish.finishReason : 'stop',
      usage: usage?.type === 'usage' ? usage.usage : { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      verdicts: [],
    };
  }

  return {
    uri: `llama:${path}`,
    modelId: summary.name ?? path.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, ''),
    capabilities: { streaming: true, jsonSchema: true, seed: true, reasoningChannel: false },
    generate,
    stream: (request) => stream(request),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const controller of inFlight) controller.abort(new TimeoutError('The backend was closed.'));
      const free = await lock.acquire();
      try {
        chat.dispose({ disposeSequence: true });
        await context.dispose();
        await loaded.release();
      } finally {
        free();
      }
    },
  };
}
