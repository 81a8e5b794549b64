/**
 * The expert review page's routes, over the data pipeline's queue (src/data/review: one SQLite file,
 * decisions in its hash-chained log):
 *   GET  api/review?status=&criterion=              items, most strikes first, with the criteria that struck
 *   GET  api/review/item/<id>                       one item: scores per criterion and judge, reasons, strikes
 *   POST api/review/item/<id>/(accept|edit|reject)  {reviewer, note?} | {reviewer, changes, note?} | {reviewer, reason}
 *   GET  api/review/log                             the latest decisions and the chain check
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ConfigError, DataFormatError } from '../core/errors.js';
import { qcCriteria } from '../data/qc/qc-criteria.js';
import { openReviewQueue, type ReviewItem, type ReviewQueue } from '../data/review/index.js';
import { clientError } from '../serve/error-response.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { checkReviewQueueFile } from './check-review-queue-file.js';
import { ConsoleReadError, createConsoleThread } from './create-console-thread.js';
import { struckCriteria } from './list-review-items.js';
import { readConsoleJson } from './read-console-json.js';
import type { ReviewReaderData, ReviewReaderRequest } from './review-reader-worker.js';
import { sendJson } from './send-json.js';

const listQuerySchema = z.object({
  status: z.enum(['pending', 'accepted', 'edited', 'rejected', 'all']).default('pending'),
  criterion: z.string().max(100).optional(),
});
const reviewer = z.string().trim().min(1, 'enter your reviewer id').max(200);
const note = z.string().max(20_000).optional();
const decisionSchemas = {
  accept: z.object({ reviewer, note }),
  edit: z.object({
    reviewer,
    note,
    changes: z
      .object({
        question: z.string().max(100_000).optional(),
        answer: z.string().max(100).optional(),
        reasoning: z.string().max(200_000).optional(),
        answer_text: z.string().max(200_000).optional(),
      })
      .strict(),
  }),
  reject: z.object({ reviewer, reason: z.string().trim().min(1, 'say why the item is rejected').max(20_000) }),
};

function criteriaOf(item: ReviewItem) {
  const rubric = item.original.qc?.rubric ?? (item.original.kind === 'ethics' ? 'ethics' : 'cot');
  try {
    return qcCriteria(loadSafetySpec(), rubric).map((criterion) => ({ id: criterion.id, name: criterion.name, nameZh: criterion.nameZh, description: criterion.description }));
  } catch {
    return [];
  }
}

export function createReviewApi(options: { path: string }) {
  checkReviewQueueFile(options.path); // at start-up: serve refuses another database instead of writing into it
  let queue: ReviewQueue | undefined;
  const open = (): ReviewQueue => {
    try {
      if (queue === undefined) checkReviewQueueFile(options.path);
      queue ??= openReviewQueue({ path: options.path, mustExist: true });
    } catch (error) {
      if (error instanceof ConfigError && error.key === 'consoleReviewDb') throw clientError(409, 'not_a_review_queue', `${error.message} ${error.fix ?? ''}`);
      if (error instanceof ConfigError) throw clientError(404, 'not_configured', `${error.message} Run \`safemed data qc\` with this queue file first.`);
      throw error;
    }
    return queue;
  };
  // The list, the log and the chain check read the whole queue: in a thread of their own (review-reader-worker.ts).
  const thread = createConsoleThread('review-reader-worker', { path: options.path } satisfies ReviewReaderData, 'review queue');
  const read = (request: ReviewReaderRequest): Promise<unknown> => {
    open(); // checked (and opened) here before the thread opens it
    return thread.admit(async () => (await thread.ask(request)).value).catch((error: unknown) => {
      if (!(error instanceof ConsoleReadError)) throw error;
      if (error.kind === 'missing') throw clientError(404, 'not_configured', `${error.message} Run \`safemed data qc\` with this queue file first.`);
      throw new DataFormatError(`The review queue ${options.path} cannot be read: ${error.message}`, { file: options.path });
    });
  };
  const handle = async (request: IncomingMessage, response: ServerResponse, route: string, query: URLSearchParams, signal: AbortSignal): Promise<number> => {
    if (route === 'review' && request.method === 'GET') {
      const parsed = listQuerySchema.safeParse(Object.fromEntries(query));
      if (!parsed.success) throw clientError(400, 'invalid_filter', `Invalid review filter: ${parsed.error.issues[0]?.message ?? 'bad value'}.`);
      const { status, criterion } = parsed.data;
      return sendJson(response, 200, await read({ id: thread.nextId(), op: 'list', status, criterion }));
    }
    if (route === 'review/log' && request.method === 'GET') return sendJson(response, 200, await read({ id: thread.nextId(), op: 'log' }));
    const match = /^review\/item\/([^/]+)(?:\/(accept|edit|reject))?$/u.exec(route);
    if (!match) throw clientError(404, 'not_found', 'Unknown console route.');
    let id: string;
    try {
      id = decodeURIComponent(match[1] ?? '');
    } catch {
      throw clientError(400, 'invalid_request', 'The item id is not valid percent-encoding.');
    }
    const action = match[2] as 'accept' | 'edit' | 'reject' | undefined;
    const reviewQueue = open();
    if (action === undefined) {
      if (request.method !== 'GET') throw clientError(405, 'method_not_allowed', 'Use GET.');
      const item = reviewQueue.show(id);
      return sendJson(response, 200, { item, criteria: criteriaOf(item), struck: struckCriteria(item.original) });
    }
    if (request.method !== 'POST') throw clientError(405, 'method_not_allowed', 'Use POST.');
    const body = await readConsoleJson(request, { limitBytes: 1024 * 1024, timeoutMs: 30_000, signal });
    const parsed = decisionSchemas[action].safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw clientError(400, 'invalid_decision', `Invalid ${action}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'bad body'}.`.replace('  ', ' '), issue?.path.join('.'));
    }
    let item: ReviewItem;
    if (action === 'accept') {
      const data = decisionSchemas.accept.parse(body);
      item = reviewQueue.accept(id, { reviewer: data.reviewer, ...(data.note ? { note: data.note } : {}) });
    } else if (action === 'edit') {
      const data = decisionSchemas.edit.parse(body);
      const changes = Object.fromEntries(Object.entries(data.changes).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      item = reviewQueue.edit(id, { reviewer: data.reviewer, changes, ...(data.note ? { note: data.note } : {}) });
    } else {
      const data = decisionSchemas.reject.parse(body);
      item = reviewQueue.reject(id, { reviewer: data.reviewer, reason: data.reason });
    }
    return sendJson(response, 200, { item, verify: await read({ id: thread.nextId(), op: 'verify' }) });
  };
  return {
    handle,
    close: () => {
      queue?.close();
      void thread.close();
    },
  };
}
