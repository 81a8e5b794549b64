import type { AuditProblem, AuditRecord, AuditVerifyResult, HashedRecord } from './audit-record.js';

/** A raw `audit_records` row. */
export interface AuditRow {
  id: number;
  request_id: string;
  /** Added in a later version: null (or absent in very old files) when the client sent no id. */
  client_request_id?: string | null;
  received_at: string;
  first_token_at: string | null;
  finished_at: string;
  model: string;
  served_model_name: string;
  stream: number;
  user: string | null;
  messages: string;
  reasoning: string;
  answer: string;
  finish_reason: string | null;
  usage: string | null;
  verdicts: string;
  status: number;
  error: string | null;
  prev_hash: string;
  hash: string;
}

export interface CheckAuditChainOptions {
  genesisHash: string;
  hashRecord(prevHash: string, record: HashedRecord): string;
  rowToRecord(row: AuditRow): AuditRecord;
}

/**
 * Walks the rows in id order and reports every broken record: a gap in the ids (deleted records), a
 * prev_hash that does not match the previous record, a hash that does not match the content (edited
 * record), unreadable JSON, or records missing after the last one (the head table remembers the last
 * id and hash written). It keeps going after a problem, linking on from the stored hash, so one
 * broken record cannot hide later tampering.
 */
export function checkAuditChain(
  rows: Iterable<AuditRow>,
  head: { last_id: number; last_hash: string } | null,
  options: CheckAuditChainOptions,
): AuditVerifyResult {
  let previousId = 0;
  let previousHash = options.genesisHash;
  let checked = 0;
  const problems: AuditProblem[] = [];

  for (const row of rows) {
    const problemsBefore = problems.length;
    const report = (problem: string) => {
      problems.push({ id: row.id, problem });
    };
    if (row.id !== previousId + 1) {
      const missing = row.id - 1 === previousId + 1 ? `record #${previousId + 1} is missing` : `records #${previousId + 1}–#${row.id - 1} are missing`;
      report(`${missing} (deleted?): the chain jumps from #${previousId} to #${row.id}`);
    }
    if (row.prev_hash !== previousHash) {
      report(`prev_hash ${row.prev_hash.slice(0, 12)}… does not match the hash of record #${previousId} (${previousHash.slice(0, 12)}…)`);
    }
    let record: AuditRecord | undefined;
    try {
      record = options.rowToRecord(row);
    } catch (error) {
      report(`unreadable JSON in the record: ${(error as Error).message}`);
    }
    if (record) {
      const { prevHash: _prevHash, hash: _hash, ...hashed } = record;
      const expected = options.hashRecord(row.prev_hash, hashed);
      if (expected !== row.hash) {
        report(`content does not match its hash (stored ${row.hash.slice(0, 12)}…, computed ${expected.slice(0, 12)}…): the record was changed after it was written`);
      }
    }
    previousId = row.id;
    previousHash = row.hash;
    if (problems.length === problemsBefore) checked += 1;
  }
  if (head && head.last_id > previousId) {
    const first = previousId + 1;
    const which = head.last_id === first ? `record #${first} is missing` : `records #${first}–#${head.last_id} are missing`;
    problems.push({ id: first, problem: `${which} at the end of the trail (deleted?): the last record written was #${head.last_id}` });
  } else if (head && head.last_id === previousId && head.last_hash !== previousHash) {
    problems.push({ id: previousId, problem: `the last record's hash does not match the one recorded when it was written` });
  }
  const headHash = previousId === 0 ? '' : previousHash;
  const first = problems[0];
  return first ? { ok: false, checked, headHash, firstBroken: first, problems } : { ok: true, checked, headHash, problems };
}
