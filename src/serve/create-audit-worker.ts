import { resolve as resolvePath } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AuditDurability, AuditWriter } from '../audit/create-audit-writer.js';
import { DataFormatError } from '../core/errors.js';
import { workerEntry } from '../core/worker-entry.js';
import type { AuditWorkerData, AuditWorkerReply, AuditWorkerRequest } from './audit-worker.js';

export interface AuditWorker extends AuditWriter {
  readonly path: string;
  /** Requests a previous run left pending, now recorded as interrupted (status 0). */
  readonly recovered: number;
}

export interface AuditWorkerOptions {
  path: string;
  /** PHI redaction with a fresh redactor per exchange (default true). */
  redact?: boolean;
  /** When a record counts as written (default `full`: fsynced); see AuditWriterOptions.durability. */
  durability?: AuditDurability;
}

/** Under load, the shortest time between two messages to the worker (see `send`). */
const POST_INTERVAL_MS = 2;
/** Records waiting for the worker above which the server counts as under load. */
const BUSY_WAITING = 8;

function startWorker(data: AuditWorkerData): Worker {
  const { entry, eval: evaluated } = workerEntry(import.meta.url, 'audit-worker');
  return new Worker(entry, { eval: evaluated, workerData: data });
}

/**
 * The audit trail in its own thread: PHI redaction, hashing, SQLite writes and the fsync of
 * synchronous=FULL happen off the server's event loop, so a 1 MB request cannot stall other clients
 * and the commit does not cost the server's CPU. Same guarantees as createAuditWriter: `complete`
 * resolves once the record is durable (as `durability` defines it); records of one batch share one fsync.
 */
export async function createAuditWorker(options: AuditWorkerOptions): Promise<AuditWorker> {
  const worker = startWorker({ path: options.path, redact: options.redact ?? true, durability: options.durability ?? 'full' });
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  let onClosed: (() => void) | undefined;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const item of waiting.values()) item.reject(error);
    waiting.clear();
    onClosed?.();
  };
  const ready = new Promise<{ path: string; recovered: number }>((resolve, reject) => {
    worker.on('message', (reply: AuditWorkerReply) => {
      if (reply.type === 'ready') resolve(reply);
      else if (reply.type === 'failed') {
        // The worker's message already names the file when openAuditTrail wrote it: not said twice.
        const named = reply.message.includes(options.path) || reply.message.includes(resolvePath(options.path));
        const message = named ? reply.message : `Cannot open the audit database ${options.path}: ${reply.message}`;
        reject(new DataFormatError(message, { file: options.path, fix: reply.fix ?? 'Check that the path is a SafeMed audit database (SQLite) and that it is writable.' }));
      }
      else if (reply.type === 'done') {
        for (const result of reply.results) {
          const item = waiting.get(result.id);
          waiting.delete(result.id);
          if (result.error === null) item?.resolve();
          else item?.reject(new Error(`audit commit failed: ${result.error}`));
        }
      } else onClosed?.();
    });
    worker.on('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.on('exit', () => { failAll(new Error('The audit worker stopped.')); });
  });
  let opened: { path: string; recovered: number };
  try {
    opened = await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // One postMessage per event-loop turn: requests finishing together cross to the worker together. Under
  // load (more than BUSY_WAITING records in flight and a message sent within POST_INTERVAL_MS) the next
  // one waits out the interval, so more exchanges share one message: each postMessage wakes the worker
  // thread, which costs ~15 µs of CPU on a quiet machine and far more on a busy one. A server with few
  // requests in flight never waits (single-connection latency is unchanged).
  let outbox: AuditWorkerRequest[] = [];
  let lastPost = Number.NEGATIVE_INFINITY;
  const flush = () => {
    const batch = outbox;
    outbox = [];
    lastPost = performance.now();
    worker.postMessage(batch);
  };
  const send = (message: AuditWorkerRequest) => {
    outbox.push(message);
    if (outbox.length > 1) return;
    const wait = waiting.size > BUSY_WAITING ? POST_INTERVAL_MS - (performance.now() - lastPost) : 0;
    if (wait <= 0) setImmediate(flush);
    else setTimeout(flush, wait);
  };
  let closing: Promise<void> | undefined;
  return {
    path: opened.path,
    recovered: opened.recovered,
    begin: (entry) =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        const id = nextId;
        nextId += 1;
        waiting.set(id, { resolve, reject });
        send({ type: 'begin', id, entry });
      }),
    complete: (outcome) =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        const id = nextId;
        nextId += 1;
        waiting.set(id, { resolve, reject });
        send({ type: 'complete', id, outcome });
      }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        if (failure) {
          resolve();
          return;
        }
        onClosed = resolve;
        send({ type: 'close' });
      }).then(() => worker.terminate().then(() => undefined))),
  };
}
