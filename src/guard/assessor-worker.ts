/**
 * The classifier's thread (started by createAssessorWorker): loads the committed model (and starts the
 * sentence encoder's own thread, as the server thread would) and assesses what the server posts, off the
 * server's event loop. Messages come in batches (one postMessage per event-loop turn each way):
 * AssessorWorkerRequest[] in, AssessorWorkerReply[] out.
 */
import { parentPort } from 'node:worker_threads';
import type { ChatMessage } from '../core/chat.js';
import { assessConversationRefined, assessText } from './assess-risk.js';
import type { RiskAssessment } from './guard-types.js';
import { prepareDefaultAssessor } from './load-default-assessor.js';

export type AssessorWorkerRequest = { id: number; messages: ChatMessage[] } | { id: number; text: string };

export type AssessorWorkerReply = { id: number; assessment: RiskAssessment } | { id: number; error: string };

const port = parentPort;
if (port) {
  let replies: AssessorWorkerReply[] = [];
  let flushing = false;
  const flush = () => {
    flushing = false;
    const batch = replies;
    replies = [];
    port.postMessage(batch);
  };
  const reply = (answer: AssessorWorkerReply) => {
    replies.push(answer);
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  };
  const failed = (id: number, error: unknown) => {
    reply({ id, error: error instanceof Error ? error.message : String(error) });
  };
  try {
    prepareDefaultAssessor();
  } catch {
    // The first request's assessment reports the load error (and the fail mode applies in the server).
  }
  port.on('message', (batch: AssessorWorkerRequest[]) => {
    for (const request of batch) {
      if ('text' in request) {
        try {
          reply({ id: request.id, assessment: assessText(request.text) });
        } catch (error) {
          failed(request.id, error);
        }
        continue;
      }
      assessConversationRefined(request.messages).then(
        (assessment) => { reply({ id: request.id, assessment }); },
        (error: unknown) => { failed(request.id, error); },
      );
    }
  });
}
