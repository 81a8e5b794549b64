/**
 * The audit worker thread (started by createAuditWorker): opens the trail, records requests a crash
 * left pending as interrupted, then redacts, hashes and commits (fsync) off the server's event loop.
 * Messages come in batches (one postMessage per event-loop turn each way): AuditWorkerRequest[] in,
 * {type: 'done', results} out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditOutcome, AuditRequestEntry } from '../audit/audit-record.js';
import { openAuditTrail } from '../audit/audit-trail.js';
import { createAuditWriter, type AuditDurability } from '../audit/create-audit-writer.js';
import { createPhiRedactor } from '../guard/redact-phi.js';

export interface AuditWorkerData {
  path: string;
  redact: boolean;
  durability: AuditDurability;
}

export type AuditWorkerRequest =
  | { type: 'begin'; id: number; entry: AuditRequestEntry }
  | { type: 'complete'; id: number; outcome: AuditOutcome }
  | { type: 'close' };

export type AuditWorkerReply =
  | { type: 'ready'; path: string; recovered: number }
  | { type: 'failed'; message: string }
  | { type: 'done'; results: Array<{ id: number; error: string | null }> }
  | { type: 'closed' };

const port = parentPort;
if (port) {
  const data = workerData as AuditWorkerData;
  const post = (reply: AuditWorkerReply) => { port.postMessage(reply); };
  try {
    const trail = openAuditTrail({ path: data.path });
    const recovered = trail.recoverInterrupted();
    const writer = createAuditWriter(trail, { durability: data.durability, ...(data.redact ? { createRedactor: () => createPhiRedactor() } : {}) });
    let results: Array<{ id: number; error: string | null }> = [];
    let replying = false;
    const settle = (id: number, error: string | null) => {
      results.push({ id, error });
      if (replying) return;
      replying = true;
      // after the writer's own setImmediate flush: one reply message per batch
      setImmediate(() => {
        replying = false;
        const batch = results;
        results = [];
        post({ type: 'done', results: batch });
      });
    };
    port.on('message', (messages: AuditWorkerRequest[]) => {
      for (const message of messages) {
        if (message.type === 'begin' || message.type === 'complete') {
          (message.type === 'begin' ? writer.begin(message.entry) : writer.complete(message.outcome)).then(
            () => { settle(message.id, null); },
            (error: unknown) => { settle(message.id, error instanceof Error ? error.message : String(error)); },
          );
        } else {
          void writer.close().finally(() => {
            trail.close();
            post({ type: 'closed' });
          });
        }
      }
    });
    post({ type: 'ready', path: trail.path, recovered });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
