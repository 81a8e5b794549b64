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
  /**
   * When `complete` resolves (default `full`):
   * - `full`: once the record is fsynced (SQLite synchronous=FULL): nothing a client was answered is
   *   lost, even by a power loss or an operating-system crash.
   * - `normal`: once the record is written to the WAL (synchronous=NORMAL, no fsync on the way): nothing
   *   is lost when the server process crashes or is killed (kill -9); a power loss or an OS crash can lose
   *   the records of the last `syncIntervalMs`, which are fsynced together in the background.
   * Either way the hash chain is the same and pending requests are written before they complete.
   */
  durability?: AuditDurability;
  /** With durability `normal`: the longest time a written record waits for its fsync (default 1000 ms). */
  syncIntervalMs?: number;
}

export type AuditDurability = 'full' | 'normal';
export const AUDIT_DURABILITIES: readonly AuditDurability[] = ['full', 'normal'];

interface Open {
  entry: AuditRequestEntry;
  redact: TextRedactor | undefined;
}

function redactEntry(entry: AuditRequestEntry, redact: TextRedactor): AuditRequestEntry {
  return {
    ...entry,
    clientRequestId: entry.clientRequestId === null ? null : redact(entry.clientRequestId),
    user: entry.user === null ? null : '[USER]',
    messages: entry.messages.map((message) => {
      const content = redact(message.content);
      // unchanged (the usual case): the message itself, no copy
      if (content === message.content && message.name === undefined) return message;
      return { ...message, content, ...(message.name === undefined ? {} : { name: '[NAME]' }) };
    }),
  };
}

/** The verdict with its reasons redacted; the verdict itself when no reason changed (the guard's reasons rarely hold PHI). */
function redactVerdict(verdict: SafetyVerdict, redact: TextRedactor): SafetyVerdict {
  let reasons: string[] | undefined;
  for (let index = 0; index < verdict.reasons.length; index += 1) {
    const reason = verdict.reasons[index] ?? '';
    const redacted = redact(reason);
    if (redacted !== reason) (reasons ??= verdict.reasons.slice())[index] = redacted;
  }
  return reasons === undefined ? verdict : { ...verdict, reasons };
}

/**
 * The record of a finished exchange: the request as accepted and how it ended (texts redacted). An
 * object literal, not `{ ...entry, ...outcome }`: V8 spreads two objects that share a key into a slow
 * dictionary object, ≈ 20 µs per record against 0.2 µs.
 */
function toRecord(entry: AuditRequestEntry, outcome: AuditOutcome, redact: TextRedactor | undefined): AuditRecordInput {
  // In this order: the exchange's redactor scrubs later texts with what earlier ones revealed.
  const reasoning = redact ? redact(outcome.reasoning) : outcome.reasoning;
  const answer = redact ? redact(outcome.answer) : outcome.answer;
  const error = outcome.error === null || !redact ? outcome.error : redact(outcome.error);
  const verdicts = redact ? outcome.verdicts.map((verdict) => redactVerdict(verdict, redact)) : outcome.verdicts;
  return {
    requestId: entry.requestId,
    clientRequestId: entry.clientRequestId,
    receivedAt: entry.receivedAt,
    firstTokenAt: outcome.firstTokenAt,
    finishedAt: outcome.finishedAt,
    model: entry.model,
    servedModelName: entry.servedModelName,
    stream: entry.stream,
    user: entry.user,
    messages: entry.messages,
    reasoning,
    answer,
    finishReason: outcome.finishReason,
    usage: outcome.usage,
    verdicts,
    status: outcome.status,
    error,
  };
}

/**
 * Group commit over an AuditTrail: everything handed over in one event-loop turn (pending requests
 * and finished exchanges) is written in one transaction, so a busy server pays one fsync
 * (synchronous=FULL) per batch. Each `complete` still resolves only once its own record is on disk
 * (durability `full`), or written through to the operating system (durability `normal`).
 * Runs in the server's thread (tests, library use) or inside the audit worker (`safemed serve`).
 */
export function createAuditWriter(trail: AuditTrail, options: AuditWriterOptions = {}): AuditWriter {
  const open = new Map<string, Open>();
  let pending: Array<{ entry: AuditRequestEntry; resolve: () => void; reject: (error: unknown) => void }> = [];
  let finished: Array<{ record: AuditRecordInput; resolve: () => void; reject: (error: unknown) => void }> = [];
  let scheduled = false;
  let closed = false;

  const durability = options.durability ?? 'full';
  const syncIntervalMs = options.syncIntervalMs ?? 1000;
  let syncTimer: NodeJS.Timeout | undefined;
  const syncLater = () => {
    syncTimer ??= setTimeout(() => {
      syncTimer = undefined;
      try {
        trail.sync();
      } catch {
        // The next commit or sync tries again; the records are already in the WAL.
      }
    }, syncIntervalMs).unref();
  };

  const flush = () => {
    scheduled = false;
    const entries = pending;
    const batch = finished;
    pending = [];
    finished = [];
    // A request that also ends in this batch needs no pending row: its record is written in the same transaction.
    const ending = entries.length === 0 || batch.length === 0 ? undefined : new Set(batch.map((item) => item.record.requestId));
    // Finished records (and a stream's pending entry: its first byte waits for it) are fsynced with
    // durability full. A batch of non-streamed pending entries only is written without an fsync: it
    // survives a crash of the process, and the next durable commit's fsync covers it too; until then
    // no client has been answered on its strength.
    const sync = durability === 'full' && (batch.length > 0 || entries.some((item) => item.entry.stream));
    try {
      const pendingEntries = (ending === undefined ? entries : entries.filter((item) => !ending.has(item.entry.requestId))).map((item) => item.entry);
      trail.commit({ pending: pendingEntries, records: batch.map((item) => item.record) }, { sync });
    } catch (error) {
      for (const item of entries) item.reject(error);
      for (const item of batch) item.reject(error);
      return;
    }
    if (durability === 'normal') syncLater();
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
        finished.push({ record: toRecord(entry, outcome, redact), resolve, reject });
        schedule();
      }),
    close: () => {
      if (!closed) {
        if (scheduled || pending.length > 0 || finished.length > 0) flush();
        closed = true;
        clearTimeout(syncTimer);
        syncTimer = undefined;
        trail.sync();
      }
      return Promise.resolve();
    },
  };
}
