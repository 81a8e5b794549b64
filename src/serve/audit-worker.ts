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
import { SafemedError } from '../core/errors.js';
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
  | { type: 'failed'; message: string; fix?: string | undefined }
  | { type: 'done'; results: Array<{ id: number; error: string | null }> }
  | { type: 'closed' };

/**
 * Redacted once before `ready`: the redactor's first texts pay its one-time set-up (word lists, the regular
 * expressions' compilation: 7–14 ms each for the first three texts, under 1 ms after), which otherwise delayed
 * the first clients' records, and so their answers, by ~20 ms.
 */
const WARM_UP_TEXTS = [
  'Patient John Smith, born 1963-07-22, phone 555-0100, took 2 tablets of ibuprofen 400 mg.',
  '我叫王小明，电话13812345678，住在北京市朝阳区，昨天吃了两片布洛芬。',
  'Dr. Lee said my MRN is 448812 and to email me at someone@example.com.',
];

/** The longest a non-streamed request's pending-entry acknowledgement waits for a reply to ride along with. */
const LATE_ACK_MS = 50;

const port = parentPort;
if (port) {
  const data = workerData as AuditWorkerData;
  const post = (reply: AuditWorkerReply) => { port.postMessage(reply); };
  try {
    const trail = openAuditTrail({ path: data.path });
    const recovered = trail.recoverInterrupted();
    const writer = createAuditWriter(trail, { durability: data.durability, ...(data.redact ? { createRedactor: () => createPhiRedactor() } : {}) });
    if (data.redact) {
      for (let round = 0; round < 2; round += 1) {
        const redact = createPhiRedactor();
        for (const text of WARM_UP_TEXTS) redact(text);
      }
    }
    let results: Array<{ id: number; error: string | null }> = [];
    let replying = false;
    let lateTimer: NodeJS.Timeout | undefined;
    const reply = () => {
      replying = false;
      clearTimeout(lateTimer);
      lateTimer = undefined;
      const batch = results;
      results = [];
      post({ type: 'done', results: batch });
    };
    /**
     * Nobody waits for a non-streamed request's pending entry (its record is committed with the answer),
     * so its acknowledgement rides along with the next reply instead of waking the server's thread on
     * its own (at most LATE_ACK_MS later); everything else is answered in the next turn.
     */
    const settle = (id: number, error: string | null, urgent: boolean) => {
      results.push({ id, error });
      if (replying) return;
      if (!urgent && error === null) {
        lateTimer ??= setTimeout(reply, LATE_ACK_MS);
        return;
      }
      replying = true;
      // after the writer's own setImmediate flush: one reply message per batch
      setImmediate(reply);
    };
    port.on('message', (messages: AuditWorkerRequest[]) => {
      for (const message of messages) {
        if (message.type === 'begin' || message.type === 'complete') {
          const urgent = message.type === 'complete' || message.entry.stream;
          (message.type === 'begin' ? writer.begin(message.entry) : writer.complete(message.outcome)).then(
            () => { settle(message.id, null, urgent); },
            (error: unknown) => { settle(message.id, error instanceof Error ? error.message : String(error), true); },
          );
        } else {
          void writer.close().finally(() => {
            if (results.length > 0) reply();
            trail.close();
            post({ type: 'closed' });
          });
        }
      }
    });
    post({ type: 'ready', path: trail.path, recovered });
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error), fix: error instanceof SafemedError ? error.fix : undefined });
  }
}
