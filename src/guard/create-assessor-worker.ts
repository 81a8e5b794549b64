/**
 * The guard's classifier in its own thread, as a RiskAssessor: `safemed serve` posts each request's
 * conversation to it and awaits the assessment, so the classifier's CPU (tens of microseconds a request,
 * more for long texts) runs beside the event loop instead of on it, on another core when there is one.
 * The same committed model and code run in the thread, so the assessments are the ones the server's own
 * thread would make. Requests and replies travel in batches (one postMessage per event-loop turn).
 *
 * A lone request (the guard handles no other at the time and nothing waits for the thread) is assessed in
 * the calling thread instead, unless the sentence encoder must read it: the hand-off would cost an idle
 * server more latency than it saves. So the calling thread holds a copy of the model too. A long
 * conversation always goes to the thread: the fast path's cost grows faster than the text on dense or
 * unusual writing (punctuation every few characters, long unbroken runs, base64: 10–20 ms for the
 * 4,000-character reading of a 1 MB request on a quiet 2-core VM, several times that on a busy one), and
 * that would hold every other client's request (and /health) on the event loop.
 *
 * If the thread dies, the waiting assessments reject (the guard's fail mode applies and the error is
 * logged) and the next one starts a new thread. The synchronous methods (not used by the guard's input
 * check) run in the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { ChatMessage } from '../core/chat.js';
import { workerEntry } from '../core/worker-entry.js';
import { assessConversation, assessText, loadCommittedModel, loadEncoderHeadNow, wouldRefine } from './assess-risk.js';
import type { AssessorWorkerReply, AssessorWorkerRequest } from './assessor-worker.js';
import type { AssessmentLoad, RiskAssessment, RiskAssessor } from './guard-types.js';
import { prepareGuardLanguageTables } from './load-default-assessor.js';

export interface AssessorWorker extends RiskAssessor {
  assessConversationRefined(messages: ChatMessage[], signal?: AbortSignal, load?: AssessmentLoad): Promise<RiskAssessment>;
  assessTextRefined(text: string, signal?: AbortSignal): Promise<RiskAssessment>;
  /** Stops the thread; later assessments start a new one. */
  close(): Promise<void>;
}

function startThread(): Worker {
  const { entry, eval: evaluated } = workerEntry(import.meta.url, 'assessor-worker');
  return new Worker(entry, { eval: evaluated });
}

interface Waiting {
  resolve: (assessment: RiskAssessment) => void;
  reject: (error: Error) => void;
}

/** A conversation with more client text than this is assessed in the thread even when the server is idle. */
export const INLINE_MAX_CHARACTERS = 1_500;

/** Client text in a conversation (contents and names), counted up to `limit`. */
function charactersUpTo(messages: ChatMessage[], limit: number): number {
  let total = 0;
  for (const message of messages) {
    total += message.content.length + (message.name?.length ?? 0);
    if (total > limit) break;
  }
  return total;
}

export interface AssessorWorkerOptions {
  /** Assess a lone request in the calling thread (default true). */
  inlineWhenIdle?: boolean;
}

export function createAssessorWorker(options: AssessorWorkerOptions = {}): AssessorWorker {
  prepareGuardLanguageTables();
  const inlineWhenIdle = options.inlineWhenIdle ?? true;
  // The calling thread's copy of the model, for lone requests: loaded now, not on the first request.
  if (inlineWhenIdle) {
    loadCommittedModel();
    loadEncoderHeadNow();
  }
  let worker: Worker | undefined;
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let queued: AssessorWorkerRequest[] = [];
  let flushing = false;

  const failAll = (error: Error) => {
    for (const item of waiting.values()) item.reject(error);
    waiting.clear();
    worker?.unref();
  };
  const thread = (): Worker => {
    if (worker) return worker;
    const started = startThread();
    started.on('message', (replies: AssessorWorkerReply[]) => {
      for (const reply of replies) {
        const item = waiting.get(reply.id);
        if (item === undefined) continue;
        waiting.delete(reply.id);
        if ('assessment' in reply) item.resolve(reply.assessment);
        else item.reject(new Error(reply.error));
      }
      if (waiting.size === 0) started.unref();
    });
    started.on('error', (error) => {
      if (worker !== started) return;
      worker = undefined;
      failAll(new Error(`the guard classifier's thread failed: ${error.message}`));
    });
    started.on('exit', (code) => {
      if (worker !== started) return;
      worker = undefined;
      failAll(new Error(`the guard classifier's thread stopped (exit code ${String(code)})`));
    });
    // After the listeners (they ref it): an idle thread must not keep the process alive (a CLI error exit,
    // a stopped server); while assessments wait, it does (see ask).
    if (waiting.size === 0) started.unref();
    worker = started;
    return started;
  };
  const flush = () => {
    flushing = false;
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    try {
      thread().postMessage(batch);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const request of batch) {
        waiting.get(request.id)?.reject(failure);
        waiting.delete(request.id);
      }
    }
  };
  const ask = (request: AssessorWorkerRequest, signal: AbortSignal | undefined): Promise<RiskAssessment> => {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      if (waiting.size === 0) thread().ref();
      waiting.set(request.id, { resolve, reject });
      queued.push(request);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    });
  };

  // The thread starts now, so the model is loaded before the first request.
  thread();
  return {
    assessConversation,
    assessText,
    assessConversationRefined: (messages, signal, load) => {
      signal?.throwIfAborted();
      // A lone request (the guard handles no other, nothing waits for the thread) is assessed here: the
      // hand-off (two thread wake-ups, ~0.5 ms on a small VM) would cost it more than the classifier's CPU.
      if (inlineWhenIdle && waiting.size === 0 && (load?.concurrent ?? 1) <= 1 && charactersUpTo(messages, INLINE_MAX_CHARACTERS) <= INLINE_MAX_CHARACTERS) {
        // The fast path here; a text in the sentence encoder's band goes to the thread (whose encoder reads it).
        const assessment = assessConversation(messages);
        if (!wouldRefine(assessment, messages)) return Promise.resolve(assessment);
      }
      return ask({ id: nextId++, messages }, signal);
    },
    assessTextRefined: (text, signal) => ask({ id: nextId++, text }, signal),
    async close() {
      const running = worker;
      worker = undefined;
      queued = [];
      failAll(new Error('the guard classifier\'s thread was closed'));
      if (running) await running.terminate();
    },
  };
}
