import type { SafetyVerdict } from '../core/chat.js';
import type { AuditOutcome, AuditRecordInput, AuditRequestEntry } from './audit-record.js';
import type { AuditTrail } from './audit-trail.js';

/** A text redactor; one is created per exchange, so what it remembers never crosses requests. */
export type TextRedactor = (text: string) => string;

export interface AuditWriter {
  /**
   * The request was accepted: it is written (redacted) as pending in the next group commit, so a crash
   * mid-answer still leaves a record of what was asked (see recoverInterrupted). The promise resolves
   * once that entry is on disk: a stream waits for it before its first byte; others need not wait.
   */
  begin(entry: AuditRequestEntry): Promise<void>;
  /** The exchange ended: resolves once its chained record is committed (fsync); rejects if the commit failed. */
  complete(outcome: AuditOutcome): Promise<void>;
  /** Commits what is queued and stops. */
  close(): Promise<void>;
}

export interface AuditWriterOptions {
  /**
   * Makes the redactor of one exchange (PHI redaction); it sees the request's texts first, then the
   * answer, so values the request revealed are scrubbed from the answer too. Absent: texts are kept.
   * With a redactor, the `user` field and message `name` fields (identities by definition) are
   * replaced whole by `[USER]` / `[NAME]`.
   */
  createRedactor?: () => TextRedactor;
}

interface Open {
  entry: AuditRequestEntry;
  redact: TextRedactor | undefined;
}

function redactEntry(entry: AuditRequestEntry, redact: TextRedactor): AuditRequestEntry {
  return {
    ...entry,
    clientRequestId: entry.clientRequestId === null ? null : redact(entry.clientRequestId),
    user: entry.user === null ? null : '[USER]',
    messages: entry.messages.map((message) => ({
      ...message,
      content: redact(message.content),
      ...(message.name === undefined ? {} : { name: '[NAME]' }),
    })),
  };
}

function redactVerdict(verdict: SafetyVerdict, redact: TextRedactor): SafetyVerdict {
  return { ...verdict, reasons: verdict.reasons.map(redact) };
}

/**
 * Group commit over an AuditTrail: everything handed over in one event-loop turn (pending requests
 * and finished exchanges) is written in one transaction, so a busy server pays one fsync
 * (synchronous=FULL) per batch. Each `complete` still resolves only once its own record is on disk.
 * Runs in the server's thread (tests, library use) or inside the audit worker (`safemed serve`).
 */
export function createAuditWriter(trail: AuditTrail, options: AuditWriterOptions = {}): AuditWriter {
  const open = new Map<string, Open>();
  let pending: Array<{ entry: AuditRequestEntry; resolve: () => void; reject: (error: unknown) => void }> = [];
  let finished: Array<{ record: AuditRecordInput; resolve: () => void; reject: (error: unknown) => void }> = [];
  let scheduled = false;
  let closed = false;

  const flush = () => {
    scheduled = false;
    const entries = pending;
    const batch = finished;
    pending = [];
    finished = [];
    // A request that also ends in this batch needs no pending row: its record is written in the same transaction.
    const ending = new Set(batch.map((item) => item.record.requestId));
    try {
      trail.commit({ pending: entries.filter((item) => !ending.has(item.entry.requestId)).map((item) => item.entry), records: batch.map((item) => item.record) });
    } catch (error) {
      for (const item of entries) item.reject(error);
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of entries) item.resolve();
    for (const item of batch) item.resolve();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    begin: (entry) =>
      new Promise<void>((resolve, reject) => {
        if (closed) {
          reject(new Error('The audit trail is closed.'));
          return;
        }
        const redact = options.createRedactor?.();
        const stored = redact ? redactEntry(entry, redact) : entry;
        open.set(entry.requestId, { entry: stored, redact });
        pending.push({ entry: stored, resolve, reject });
        schedule();
      }),
    complete: (outcome) =>
      new Promise<void>((resolve, reject) => {
        if (closed) {
          reject(new Error('The audit trail is closed.'));
          return;
        }
        const started = open.get(outcome.requestId);
        if (!started) {
          reject(new Error(`No accepted request ${outcome.requestId} to complete in the audit trail.`));
          return;
        }
        open.delete(outcome.requestId);
        const { entry, redact } = started;
        const record: AuditRecordInput = redact
          ? {
              ...entry,
              ...outcome,
              reasoning: redact(outcome.reasoning),
              answer: redact(outcome.answer),
              error: outcome.error === null ? null : redact(outcome.error),
              verdicts: outcome.verdicts.map((verdict) => redactVerdict(verdict, redact)),
            }
          : { ...entry, ...outcome };
        finished.push({ record, resolve, reject });
        schedule();
      }),
    close: () => {
      if (!closed) {
        if (scheduled || pending.length > 0 || finished.length > 0) flush();
        closed = true;
      }
      return Promise.resolve();
    },
  };
}
