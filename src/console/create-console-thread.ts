/**
 * A worker thread for the console's long reads (the audit trail, the review queue's log): requests go to
 * it by id, replies come back by id, and at most MAX_CONSOLE_READS reads wait or run at once (beyond that
 * the console answers 503 at once), so a client that keeps asking cannot queue unbounded work. The thread
 * starts with the first read, is restarted after a crash, and does not keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../core/worker-entry.js';
import { clientError } from '../serve/error-response.js';

/** Reads waiting for or running in one thread beyond which the console is busy. */
export const MAX_CONSOLE_READS = 8;

/** What a console thread failed to read: `missing` (no file yet) or `damaged` (SQLite or a record's JSON). */
export type ConsoleReadFailureKind = 'missing' | 'damaged';

/** A request to a console thread: its id and whatever the thread reads. */
export type ConsoleThreadRequest = { id: number; [field: string]: unknown };

/** A reply from a console thread. */
export type ConsoleThreadReply = { id: number; ok: true; [field: string]: unknown } | { id: number; ok: false; kind: ConsoleReadFailureKind; message: string };

/** The file cannot be read: `missing` or `damaged`. */
export class ConsoleReadError extends Error {
  constructor(readonly kind: ConsoleReadFailureKind, message: string) {
    super(message);
  }
}

export interface ConsoleThread {
  /** A fresh request id. */
  nextId(): number;
  /** Sends one request (with its id) and awaits its reply; a failure reply becomes a ConsoleReadError. */
  ask(request: ConsoleThreadRequest): Promise<ConsoleThreadReply & { ok: true }>;
  /** Sends a message that gets no reply. */
  tell(message: ConsoleThreadRequest): void;
  /** Runs `run` as one admitted read (a 503 when MAX_CONSOLE_READS are already admitted). */
  admit<T>(run: () => Promise<T>): Promise<T>;
  /** Takes a read slot until `release` is called (for reads that span several asks, such as an export). */
  enter(): () => void;
  close(): Promise<void>;
}

/** A console thread running `<name>.ts|js` beside this module with `data` as its workerData. */
export function createConsoleThread(name: string, data: unknown, what: string): ConsoleThread {
  let worker: Worker | undefined;
  const waiting = new Map<number, { resolve: (reply: ConsoleThreadReply) => void; reject: (error: Error) => void }>();
  let lastId = 0;
  let reads = 0;

  const start = (): Worker => {
    if (worker) return worker;
    const { entry, eval: evaluated } = workerEntry(import.meta.url, name);
    const started = new Worker(entry, { eval: evaluated, workerData: data });
    started.on('message', (reply: ConsoleThreadReply) => {
      const waiter = waiting.get(reply.id);
      waiting.delete(reply.id);
      waiter?.resolve(reply);
    });
    const failAll = (error: Error) => {
      if (worker === started) worker = undefined;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    };
    started.on('error', failAll);
    started.on('exit', () => { failAll(new Error(`The console's ${what} reader stopped.`)); });
    started.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    worker = started;
    return started;
  };

  const enter = (): (() => void) => {
    if (reads >= MAX_CONSOLE_READS) {
      throw clientError(503, 'console_busy', `The console is already reading the ${what} ${MAX_CONSOLE_READS} times; try again when those are done.`);
    }
    reads += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      reads -= 1;
    };
  };

  return {
    nextId: () => (lastId += 1),
    ask: (request) =>
      new Promise<ConsoleThreadReply>((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        start().postMessage(request);
      }).then((reply) => {
        if (!reply.ok) throw new ConsoleReadError(reply.kind, reply.message);
        return reply;
      }),
    tell: (message) => { worker?.postMessage(message); },
    admit: async (run) => {
      const release = enter();
      try {
        return await run();
      } finally {
        release();
      }
    },
    enter,
    close: async () => {
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  };
}
