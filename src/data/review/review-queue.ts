/**
 * The expert review queue: one SQLite file (better-sqlite3, like the audit trail) holding the items
 * that collected too many strikes, with their scores, strikes and reasons, and a hash-chained,
 * append-only log of every decision (who, when, what). The operations here are the whole API —
 * the CLI (`safemed data review`) and the console's reviewer page both call them; nothing here
 * prints or parses flags.
 *
 * Decisions: accept (the item returns as it is), edit (the edited version returns; the original is
 * kept), reject (it does not return). An item is decided once; a second decision is refused.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, InvalidRequestError } from '../../core/errors.js';
import type { Clock } from '../../core/ids.js';
import { systemClock } from '../../core/ids.js';
import type { PipelineRecord, Strike } from '../data-record.js';
import { formatResponse } from '../cot/build-cot-messages.js';
import { checkReviewChain, contentHash, hashReviewEntry, REVIEW_GENESIS_HASH, type ReviewAction, type ReviewLogEntry, type ReviewLogVerifyResult } from './review-log.js';

export type ReviewStatus = 'pending' | 'accepted' | 'edited' | 'rejected';

export interface ReviewItemSummary {
  id: string;
  kind: string;
  status: ReviewStatus;
  strikes: number;
  /** Mean QC score (1–5) or null. */
  score: number | null;
  question: string;
  enqueued_at: string;
  decided_at: string | null;
  reviewer: string | null;
}

export interface ReviewItem extends ReviewItemSummary {
  /** The item as the pipeline produced it (never changed). */
  original: PipelineRecord;
  /** The reviewer's version, for status `edited`. */
  edited: PipelineRecord | null;
  strike_list: Strike[];
  /** One line per strike and per judge reason, for the reviewer. */
  reasons: string[];
  note: string | null;
}

/** Fields a reviewer may change. Changing `reasoning` or `answer_text` rebuilds `response`. */
export interface ReviewEdit {
  question?: string;
  options?: Record<string, string>;
  answer?: string;
  reasoning?: string;
  answer_text?: string;
  response?: string;
}

export interface ReviewQueueOptions {
  path: string;
  /** Fail when the file does not exist (list/show/decisions/export on a queue that must be there). */
  mustExist?: boolean;
  clock?: Clock;
}

export interface ReviewQueue {
  readonly path: string;
  /** Adds items (idempotent by id: an item already queued is left as it is). Returns how many were new. */
  enqueue(records: readonly PipelineRecord[]): number;
  list(filter?: { status?: ReviewStatus; limit?: number; offset?: number }): ReviewItemSummary[];
  show(id: string): ReviewItem;
  accept(id: string, decision: { reviewer: string; note?: string }): ReviewItem;
  edit(id: string, decision: { reviewer: string; changes: ReviewEdit; note?: string }): ReviewItem;
  reject(id: string, decision: { reviewer: string; reason: string }): ReviewItem;
  /** The validated items (accepted as they are, edited in their edited form) with their review metadata. */
  exportValidated(): Array<PipelineRecord & { review: { status: 'accepted' | 'edited'; reviewer: string; decided_at: string; note: string | null; original_response?: string } }>;
  /** Every decision in order. */
  log(): ReviewLogEntry[];
  /** Checks the decision chain, and that every item's stored state matches its logged decisions. */
  verify(): ReviewLogVerifyResult;
  counts(): Record<ReviewStatus, number>;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS review_items (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  strikes INTEGER NOT NULL,
  score REAL,
  question TEXT NOT NULL,
  original TEXT NOT NULL,
  edited TEXT,
  note TEXT,
  enqueued_at TEXT NOT NULL,
  decided_at TEXT,
  reviewer TEXT
);
CREATE INDEX IF NOT EXISTS review_items_status ON review_items (status, id);
CREATE TABLE IF NOT EXISTS review_log (
  seq INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  action TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  at TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_seq INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
`;

interface ItemRow {
  id: string;
  kind: string;
  status: ReviewStatus;
  strikes: number;
  score: number | null;
  question: string;
  original: string;
  edited: string | null;
  note: string | null;
  enqueued_at: string;
  decided_at: string | null;
  reviewer: string | null;
}

interface LogRow extends Omit<ReviewLogEntry, 'payload'> {
  payload: string;
}

function reasonsOf(record: PipelineRecord): string[] {
  const reasons = record.strikes.map((strike) => {
    switch (strike.kind) {
      case 'criterion_below_pass':
        return `strike: ${strike.judge} scored ${strike.criterion} ${strike.score}`;
      case 'judge_disagreement':
        return `strike: judges disagree on ${strike.criterion} (spread ${strike.spread})`;
      case 'judge_failure':
        return `strike: judge ${strike.judge} failed (${strike.detail})`;
      default:
        return `strike: ${strike.kind} (${strike.detail})`;
    }
  });
  for (const judge of record.qc?.judges ?? []) {
    for (const [criterion, entry] of Object.entries(judge.scores)) reasons.push(`${judge.judge} · ${criterion} ${entry.score}: ${entry.reason}`);
  }
  return reasons;
}

function requireReviewer(reviewer: string): string {
  const clean = reviewer.trim();
  if (clean === '' || clean.length > 200) throw new InvalidRequestError('A decision needs a reviewer id.', { param: 'reviewer', fix: 'Pass --reviewer <your id> (at most 200 characters).' });
  return clean;
}

export function openReviewQueue(options: ReviewQueueOptions): ReviewQueue {
  const path = resolve(options.path);
  if (options.mustExist && !existsSync(path)) {
    throw new ConfigError(`No review queue at ${path}.`, { key: '--db', fix: 'Give the --queue file written by `safemed data qc`.' });
  }
  mkdirSync(dirname(path), { recursive: true });
  const clock = options.clock ?? systemClock;
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The CLI and the console may decide at the same time: wait for the other writer, and take the
  // write lock at the start of each decision (BEGIN IMMEDIATE) so the chain head is read under it.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const selectItem = db.prepare<[string], ItemRow>('SELECT * FROM review_items WHERE id = ?');
  const insertItem = db.prepare('INSERT OR IGNORE INTO review_items (id, kind, status, strikes, score, question, original, edited, note, enqueued_at, decided_at, reviewer) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, NULL)');
  const updateItem = db.prepare('UPDATE review_items SET status = ?, edited = ?, note = ?, decided_at = ?, reviewer = ? WHERE id = ?');
  const selectHead = db.prepare<[], { last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM review_head WHERE singleton = 1');
  const upsertHead = db.prepare('INSERT INTO review_head (singleton, last_seq, last_hash) VALUES (1, ?, ?) ON CONFLICT(singleton) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash');
  const insertLog = db.prepare('INSERT INTO review_log (seq, item_id, action, reviewer, at, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const selectLog = db.prepare<[], LogRow>('SELECT * FROM review_log ORDER BY seq');

  const now = () => new Date(clock.now()).toISOString();
  const appendLog = (itemId: string, action: ReviewAction, reviewer: string, at: string, payload: Record<string, unknown>): void => {
    const head = selectHead.get();
    const seq = (head?.last_seq ?? 0) + 1;
    const prevHash = head?.last_hash ?? REVIEW_GENESIS_HASH;
    const body = { seq, item_id: itemId, action, reviewer, at, payload };
    const hash = hashReviewEntry(prevHash, body);
    insertLog.run(seq, itemId, action, reviewer, at, JSON.stringify(payload), prevHash, hash);
    upsertHead.run(seq, hash);
  };

  const toItem = (row: ItemRow): ReviewItem => {
    const original = JSON.parse(row.original) as PipelineRecord;
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      strikes: row.strikes,
      score: row.score,
      question: row.question,
      enqueued_at: row.enqueued_at,
      decided_at: row.decided_at,
      reviewer: row.reviewer,
      original,
      edited: row.edited === null ? null : (JSON.parse(row.edited) as PipelineRecord),
      strike_list: original.strikes,
      reasons: reasonsOf(original),
      note: row.note,
    };
  };

  const pendingRow = (id: string): ItemRow => {
    const row = selectItem.get(id);
    if (!row) throw new InvalidRequestError(`No item "${id}" in the review queue ${path}.`, { status: 404, param: 'id', code: 'not_found', fix: 'List the queue with `safemed data review list --db <file>`.' });
    if (row.status !== 'pending') {
      throw new InvalidRequestError(`Item "${id}" was already ${row.status} by ${row.reviewer ?? '?'} at ${row.decided_at ?? '?'}.`, { status: 409, param: 'id', code: 'already_decided', fix: 'Decisions are final and logged; pick a pending item (`review list --status pending`).' });
    }
    return row;
  };

  const decide = db.transaction((id: string, status: Exclude<ReviewStatus, 'pending'>, reviewer: string, edited: PipelineRecord | null, note: string | null, payload: Record<string, unknown>) => {
    pendingRow(id);
    const at = now();
    updateItem.run(status, edited === null ? null : JSON.stringify(edited), note, at, reviewer, id);
    appendLog(id, status === 'accepted' ? 'accept' : status === 'edited' ? 'edit' : 'reject', reviewer, at, payload);
  });

  const enqueueMany = db.transaction((records: readonly PipelineRecord[]) => {
    let added = 0;
    for (const record of records) {
      const at = now();
      const result = insertItem.run(record.id, record.kind, 'pending', record.strikes.length, record.qc?.score ?? null, record.question, JSON.stringify(record), at);
      if (result.changes === 0) continue;
      appendLog(record.id, 'enqueue', 'pipeline', at, { content_hash: contentHash(record), strikes: record.strikes.length });
      added += 1;
    }
    return added;
  });

  const show = (id: string): ReviewItem => {
    const row = selectItem.get(id);
    if (!row) throw new InvalidRequestError(`No item "${id}" in the review queue ${path}.`, { status: 404, param: 'id', code: 'not_found', fix: 'List the queue with `safemed data review list --db <file>`.' });
    return toItem(row);
  };

  return {
    path,
    enqueue: (records) => enqueueMany.immediate(records),
    list(filter = {}) {
      const rows = filter.status
        ? db.prepare<[string, number, number], ItemRow>('SELECT * FROM review_items WHERE status = ? ORDER BY id LIMIT ? OFFSET ?').all(filter.status, filter.limit ?? -1, filter.offset ?? 0)
        : db.prepare<[number, number], ItemRow>('SELECT * FROM review_items ORDER BY id LIMIT ? OFFSET ?').all(filter.limit ?? -1, filter.offset ?? 0);
      return rows.map((row) => ({ id: row.id, kind: row.kind, status: row.status, strikes: row.strikes, score: row.score, question: row.question, enqueued_at: row.enqueued_at, decided_at: row.decided_at, reviewer: row.reviewer }));
    },
    show,
    accept(id, decision) {
      const reviewer = requireReviewer(decision.reviewer);
      decide.immediate(id, 'accepted', reviewer, null, decision.note ?? null, { note: decision.note ?? null });
      return show(id);
    },
    edit(id, decision) {
      const reviewer = requireReviewer(decision.reviewer);
      const changes = decision.changes;
      const known = ['question', 'options', 'answer', 'reasoning', 'answer_text', 'response'];
      const given = Object.keys(changes).filter((key) => changes[key as keyof ReviewEdit] !== undefined);
      if (given.length === 0 || given.some((key) => !known.includes(key))) {
        throw new InvalidRequestError(`An edit must change at least one of ${known.join(', ')}.`, { param: 'changes', fix: 'Example: --set reasoning=@fixed-reasoning.txt --set answer="B"' });
      }
      const original = toItem(pendingRow(id)).original;
      const edited = { ...original, ...changes } as PipelineRecord & { answer_text?: string };
      if (changes.response === undefined && (changes.reasoning !== undefined || changes.answer_text !== undefined)) {
        const answerPart = changes.answer_text ?? (/<answer>([\s\S]*?)<\/answer>/u.exec(original.response)?.[1] ?? '');
        edited.response = formatResponse(changes.reasoning ?? original.reasoning, answerPart);
      }
      decide.immediate(id, 'edited', reviewer, edited, decision.note ?? null, { changes, note: decision.note ?? null, edited_hash: contentHash(edited) });
      return show(id);
    },
    reject(id, decision) {
      const reviewer = requireReviewer(decision.reviewer);
      if (decision.reason.trim() === '') throw new InvalidRequestError('A rejection needs a reason.', { param: 'reason', fix: 'Pass --reason "<why>".' });
      decide.immediate(id, 'rejected', reviewer, null, decision.reason, { reason: decision.reason });
      return show(id);
    },
    exportValidated() {
      const rows = db.prepare<[], ItemRow>("SELECT * FROM review_items WHERE status IN ('accepted', 'edited') ORDER BY id").all();
      return rows.map((row) => {
        const item = toItem(row);
        const base = row.status === 'edited' && item.edited ? item.edited : item.original;
        return {
          ...base,
          review: {
            status: row.status as 'accepted' | 'edited',
            reviewer: row.reviewer ?? '',
            decided_at: row.decided_at ?? '',
            note: row.note,
            ...(row.status === 'edited' ? { original_response: item.original.response } : {}),
          },
        };
      });
    },
    log() {
      return selectLog.all().map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
    },
    verify() {
      const entries: ReviewLogEntry[] = [];
      const unreadable: Array<{ seq: number; problem: string }> = [];
      for (const row of selectLog.all()) {
        try {
          entries.push({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> });
        } catch (error) {
          unreadable.push({ seq: row.seq, problem: `unreadable payload: ${(error as Error).message}` });
        }
      }
      const result = checkReviewChain(entries, selectHead.get() ?? null);
      const problems = [...unreadable, ...result.problems];
      // The items must say what the log says: enqueued content unchanged, last decision = status.
      const lastAction = new Map<string, ReviewLogEntry>();
      const enqueued = new Map<string, ReviewLogEntry>();
      for (const entry of entries) {
        if (entry.action === 'enqueue') enqueued.set(entry.item_id, entry);
        else lastAction.set(entry.item_id, entry);
      }
      for (const row of db.prepare<[], ItemRow>('SELECT * FROM review_items ORDER BY id').all()) {
        const enqueue = enqueued.get(row.id);
        const seq = enqueue?.seq ?? 0;
        if (!enqueue) problems.push({ seq, problem: `item "${row.id}" is in the queue but its enqueue entry is not in the log` });
        else {
          let original: unknown;
          try {
            original = JSON.parse(row.original);
          } catch {
            original = row.original;
          }
          if (contentHash(original) !== enqueue.payload.content_hash) problems.push({ seq, problem: `item "${row.id}" was changed after it was queued (its content does not match the logged hash)` });
        }
        const decision = lastAction.get(row.id);
        const expected: ReviewStatus = decision ? (decision.action === 'accept' ? 'accepted' : decision.action === 'edit' ? 'edited' : 'rejected') : 'pending';
        if (expected !== row.status || (decision && decision.reviewer !== row.reviewer)) {
          problems.push({ seq: decision?.seq ?? seq, problem: `item "${row.id}" says ${row.status}${row.reviewer ? ` by ${row.reviewer}` : ''} but the log says ${expected}${decision ? ` by ${decision.reviewer}` : ''}` });
        }
        if (decision?.action === 'edit' && row.edited !== null) {
          let edited: unknown;
          try {
            edited = JSON.parse(row.edited);
          } catch {
            edited = row.edited;
          }
          if (contentHash(edited) !== decision.payload.edited_hash) problems.push({ seq: decision.seq, problem: `the edited version of "${row.id}" does not match the logged edit` });
        }
      }
      problems.sort((left, right) => left.seq - right.seq);
      return { ok: problems.length === 0, checked: result.checked, headHash: result.headHash, problems };
    },
    counts() {
      const counts: Record<ReviewStatus, number> = { pending: 0, accepted: 0, edited: 0, rejected: 0 };
      for (const row of db.prepare<[], { status: ReviewStatus; n: number }>('SELECT status, COUNT(*) AS n FROM review_items GROUP BY status').all()) counts[row.status] = row.n;
      return counts;
    },
    close() {
      db.close();
    },
  };
}
