/**
 * The review page's long reads, in their own thread (started through create-console-thread.ts): the
 * list (up to 2,000 items read and parsed), the decision log and its check, which walks the whole log
 * and every item. On the server's thread a 20,000-item queue held every client ~1.2-1.4 s for the log
 * page and for each decision, whose answer carries the check (probing round 5).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../core/errors.js';
import { openReviewQueue, type ReviewQueue } from '../data/review/index.js';
import type { ConsoleThreadReply } from './create-console-thread.js';
import { listReviewItems, type ReviewListStatus } from './list-review-items.js';

export interface ReviewReaderData {
  path: string;
}

export type ReviewReaderRequest =
  | { id: number; op: 'list'; status: ReviewListStatus; criterion: string | undefined }
  | { id: number; op: 'log' }
  | { id: number; op: 'verify' };

const { path } = workerData as ReviewReaderData;
let queue: ReviewQueue | undefined;

function open(): ReviewQueue {
  queue ??= openReviewQueue({ path, mustExist: true });
  return queue;
}

function read(request: ReviewReaderRequest): unknown {
  if (request.op === 'list') return listReviewItems(open(), request.status, request.criterion);
  if (request.op === 'log') {
    const log = open().log();
    return { entries: log.slice(-50).reverse(), total: log.length, verify: open().verify() };
  }
  return open().verify();
}

parentPort?.on('message', (request: ReviewReaderRequest) => {
  let reply: ConsoleThreadReply;
  try {
    reply = { id: request.id, ok: true, value: read(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, kind: error instanceof ConfigError ? 'missing' : 'damaged', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
