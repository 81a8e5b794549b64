/**
 * The review queue's decision log: append-only, hash-chained exactly like the audit trail (each
 * entry's hash = sha256(previous hash + canonical JSON of the entry), the chain starting at the audit
 * trail's genesis hash, a head row remembering the last entry) so deleted, edited or reordered
 * decisions are found by `verifyReviewLog`.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH } from '../../audit/audit-trail.js';
import { canonicalJson } from '../../audit/canonical-json.js';

export const REVIEW_GENESIS_HASH = GENESIS_HASH;

export type ReviewAction = 'enqueue' | 'accept' | 'edit' | 'reject';

/** One logged decision as hashed (everything except prev_hash and hash). */
export interface ReviewLogEntryBody {
  seq: number;
  item_id: string;
  action: ReviewAction;
  /** Reviewer id; `pipeline` for the enqueue entries written by `data qc`. */
  reviewer: string;
  /** ISO-8601 time. */
  at: string;
  payload: Record<string, unknown>;
}

export interface ReviewLogEntry extends ReviewLogEntryBody {
  prev_hash: string;
  hash: string;
}

export function hashReviewEntry(prevHash: string, body: ReviewLogEntryBody): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(body)).digest('hex');
}

/** A stable hash of a record's content (what the enqueue entry pins). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export interface ReviewLogProblem {
  seq: number;
  problem: string;
}

export interface ReviewLogVerifyResult {
  ok: boolean;
  checked: number;
  headHash: string;
  problems: ReviewLogProblem[];
}

/** Walks the entries in seq order; keeps going after a problem so later tampering is not hidden. */
export function checkReviewChain(entries: Iterable<ReviewLogEntry>, head: { last_seq: number; last_hash: string } | null): ReviewLogVerifyResult {
  let previousSeq = 0;
  let previousHash = REVIEW_GENESIS_HASH;
  let checked = 0;
  const problems: ReviewLogProblem[] = [];
  for (const entry of entries) {
    const before = problems.length;
    const report = (problem: string) => {
      problems.push({ seq: entry.seq, problem });
    };
    if (entry.seq !== previousSeq + 1) report(`entries #${previousSeq + 1}–#${entry.seq - 1} are missing (deleted?)`);
    if (entry.prev_hash !== previousHash) report(`prev_hash does not match the hash of entry #${previousSeq}`);
    const body: ReviewLogEntryBody = { seq: entry.seq, item_id: entry.item_id, action: entry.action, reviewer: entry.reviewer, at: entry.at, payload: entry.payload };
    if (hashReviewEntry(entry.prev_hash, body) !== entry.hash) report('content does not match its hash: the decision was changed after it was written');
    previousSeq = entry.seq;
    previousHash = entry.hash;
    if (problems.length === before) checked += 1;
  }
  if (head && head.last_seq > previousSeq) problems.push({ seq: previousSeq + 1, problem: `entries #${previousSeq + 1}–#${head.last_seq} are missing at the end of the log (deleted?)` });
  else if (head && head.last_seq === previousSeq && head.last_hash !== previousHash) problems.push({ seq: previousSeq, problem: "the last entry's hash does not match the one recorded when it was written" });
  return { ok: problems.length === 0, checked, headHash: previousSeq === 0 ? '' : previousHash, problems };
}
