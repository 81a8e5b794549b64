/**
 * The audit worker thread (started by createAuditWorker): opens the trail, records requests a crash
 * left pending as interrupted, then redacts, hashes and commits (fsync) off the server's event loop.
 * Messages: {type: 'begin', entry} | {type: 'complete', id, outcome} | {type: 'close'}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditOutcome, AuditRequestEntry } from '../audit/audit-record.js';
import { openAuditTrail } from '../audit/audit-trail.js';
import { createAuditWriter } from '../audit/create-audit-writer.js';
import { createPhiRedactor } from '../guard/redact-phi.js';

export interface AuditWorkerData {
  path: string;
  redact: boolean;
}

export type AuditWorkerRequest =
  | { type: 'begin'; id: number; entry: AuditRequestEntry }
  | { type: 'complete'; id: number; outcome: AuditOutcome }
  | { type: 'close' };

export type AuditWorkerReply =
  | { type: 'ready'; path: string; recovered: number }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; error: string | null }
  | { type: 'closed' };

const port = parentPort;
if (port) {
  const data = workerData as AuditWorkerData;
  const post = (reply: AuditWorkerReply) => port.postMessage(reply);
  try {
    const trail = openAuditTrail({ path: data.path });
    const recovered = trail.recoverInterrupted();
    const writer = createAuditWriter(trail, data.redact ? { createRedactor: () => createPhiRedactor() } : {});
    port.on('message', (message: AuditWorkerRequest) => {
      if (message.type === 'begin' || message.type === 'complete') {
        (message.type === 'begin' ? writer.begin(message.entry) : writer.complete(message.outcome)).then(
          () => post({ type: 'done', id: message.id, error: null }),
          (error: unknown) => post({ type: 'done', id: message.id, error: error instanceof Error ? error.message : String(error) }),
        );
      } else {
        void writer.close().finally(() => {
          trail.close();
          post({ type: 'closed' });
        });
      }
    });
    post({ type: 'ready', path: trail.path, recovered });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
