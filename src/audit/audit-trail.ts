import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, DataFormatError } from '../core/errors.js';
import type { SafetyVerdict } from '../core/chat.js';
import type { AuditRecord, AuditRecordInput, AuditRequestEntry, AuditVerifyResult, HashedRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { checkAuditChain, type AuditRow } from './check-audit-chain.js';
import { toWellFormedValue } from './well-formed.js';

export interface AuditTrailOptions {
  /** The SQLite file; its parent folder is created. */
  path: string;
  /** Applied to every text before it is written (PHI redaction). Default: identity. */
  redact?: (text: string) => string;
  /** Fail instead of creating a new database (for verify / export). */
  mustExist?: boolean;
}

export interface AuditTrail {
  readonly path: string;
  /** Redacts, chains and commits one record (durably: WAL + synchronous=FULL) before returning. */
  append(record: AuditRecordInput): AuditRecord;
  /** Appends several records in one transaction (one fsync): group commit for a busy server. */
  appendMany(records: readonly AuditRecordInput[]): AuditRecord[];
  /**
   * One transaction (one fsync): remember accepted requests as pending (texts as given: redact them
   * first), append finished records, and drop the pending entries of the requests they complete.
   */
  commit(batch: { pending: readonly AuditRequestEntry[]; records: readonly AuditRecordInput[] }): AuditRecord[];
  /**
   * Turns requests left pending by a crash into chained records with status 0 ("interrupted"), so the
   * trail shows what was asked even when the server died mid-answer. Returns how many there were.
   */
  recoverInterrupted(now?: Date): number;
  verify(): AuditVerifyResult;
  export(options?: { since?: Date }): Iterable<AuditRecord>;
  count(): number;
  close(): void;
}

export const GENESIS_HASH = '0'.repeat(64);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_records (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  first_token_at TEXT,
  finished_at TEXT NOT NULL,
  model TEXT NOT NULL,
  served_model_name TEXT NOT NULL,
  stream INTEGER NOT NULL,
  user TEXT,
  messages TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  answer TEXT NOT NULL,
  finish_reason TEXT,
  usage TEXT,
  verdicts TEXT NOT NULL,
  status INTEGER NOT NULL,
  error TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_records_received_at ON audit_records (received_at);
CREATE TABLE IF NOT EXISTS audit_pending (
  request_id TEXT PRIMARY KEY,
  received_at TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
`;

export function hashRecord(prevHash: string, record: HashedRecord): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');
}

export function rowToRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    ...(row.client_request_id === null || row.client_request_id === undefined ? {} : { clientRequestId: row.client_request_id }),
    receivedAt: row.received_at,
    firstTokenAt: row.first_token_at,
    finishedAt: row.finished_at,
    model: row.model,
    servedModelName: row.served_model_name,
    stream: row.stream === 1,
    user: row.user,
    messages: JSON.parse(row.messages) as AuditRecord['messages'],
    reasoning: row.reasoning,
    answer: row.answer,
    finishReason: row.finish_reason,
    usage: row.usage === null ? null : (JSON.parse(row.usage) as NonNullable<AuditRecord['usage']>),
    verdicts: JSON.parse(row.verdicts) as AuditRecord['verdicts'],
    status: row.status,
    error: row.error,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Opens (or creates) the audit trail: an append-only, hash-chained SQLite table in WAL mode with
 * synchronous=FULL, so a record is on disk when `append` returns. Texts are redacted before writing.
 */
export function openAuditTrail(options: AuditTrailOptions): AuditTrail {
  const path = resolve(options.path);
  const redact = options.redact ?? ((text: string) => text);
  if (options.mustExist && !existsSync(path)) {
    throw new ConfigError(`No audit database at ${path}.`, { key: 'auditDb', fix: 'Pass --db <path> (serve writes .safemed/audit.db by default).' });
  }
  mkdirSync(dirname(path), { recursive: true });
  let database: Database.Database;
  try {
    database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.exec(SCHEMA);
    const columns = database.prepare<[], { name: string }>('PRAGMA table_info(audit_records)').all();
    if (!columns.some((column) => column.name === 'client_request_id')) database.exec('ALTER TABLE audit_records ADD COLUMN client_request_id TEXT');
  } catch (error) {
    throw new DataFormatError(`Cannot open the audit database ${path}: ${(error as Error).message}.`, {
      file: path,
      cause: error,
      fix: 'Check that the path is a SafeMed audit database (SQLite) and that it is writable.',
    });
  }

  const readHead = database.prepare<[], { last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_head WHERE singleton = 1');
  const writeHead = database.prepare('INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?) ON CONFLICT(singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash');
  const insert = database.prepare(`INSERT INTO audit_records (id, request_id, client_request_id, received_at, first_token_at, finished_at, model, served_model_name, stream, user,
    messages, reasoning, answer, finish_reason, usage, verdicts, status, error, prev_hash, hash)
    VALUES (@id, @request_id, @client_request_id, @received_at, @first_token_at, @finished_at, @model, @served_model_name, @stream, @user,
    @messages, @reasoning, @answer, @finish_reason, @usage, @verdicts, @status, @error, @prev_hash, @hash)`);
  const insertPending = database.prepare('INSERT OR REPLACE INTO audit_pending (request_id, received_at, entry) VALUES (?, ?, ?)');
  const deletePending = database.prepare('DELETE FROM audit_pending WHERE request_id = ?');
  const readPending = database.prepare<[], { request_id: string; entry: string }>('SELECT request_id, entry FROM audit_pending ORDER BY received_at, request_id');

  const redactVerdict = (verdict: SafetyVerdict): SafetyVerdict => ({ ...verdict, reasons: verdict.reasons.map(redact) });

  const appendOne = (input: AuditRecordInput): AuditRecord => {
    const head = readHead.get();
    const prevHash = head?.last_hash ?? GENESIS_HASH;
    const record: HashedRecord = {
      id: (head?.last_id ?? 0) + 1,
      requestId: input.requestId,
      ...(input.clientRequestId === null || input.clientRequestId === undefined ? {} : { clientRequestId: redact(input.clientRequestId) }),
      receivedAt: input.receivedAt.toISOString(),
      firstTokenAt: input.firstTokenAt ? input.firstTokenAt.toISOString() : null,
      finishedAt: input.finishedAt.toISOString(),
      model: input.model,
      servedModelName: input.servedModelName,
      stream: input.stream,
      user: input.user === null ? null : redact(input.user),
      messages: input.messages.map((message) => ({ ...message, content: redact(message.content) })),
      reasoning: redact(input.reasoning),
      answer: redact(input.answer),
      finishReason: input.finishReason,
      usage: input.usage,
      verdicts: input.verdicts.map(redactVerdict),
      status: input.status,
      error: input.error === null ? null : redact(input.error),
    };
    // Lone surrogates → U+FFFD, then a JSON round-trip, so the hashed value is exactly what a later read parses back.
    const stored = JSON.parse(JSON.stringify(toWellFormedValue(record))) as HashedRecord;
    const hash = hashRecord(prevHash, stored);
    insert.run({
      id: stored.id,
      request_id: stored.requestId,
      client_request_id: stored.clientRequestId ?? null,
      received_at: stored.receivedAt,
      first_token_at: stored.firstTokenAt,
      finished_at: stored.finishedAt,
      model: stored.model,
      served_model_name: stored.servedModelName,
      stream: stored.stream ? 1 : 0,
      user: stored.user,
      messages: canonicalJson(stored.messages),
      reasoning: stored.reasoning,
      answer: stored.answer,
      finish_reason: stored.finishReason,
      usage: stored.usage === null ? null : canonicalJson(stored.usage),
      verdicts: canonicalJson(stored.verdicts),
      status: stored.status,
      error: stored.error,
      prev_hash: prevHash,
      hash,
    });
    writeHead.run(stored.id, hash);
    return { ...stored, prevHash, hash };
  };
  const appendTransaction = database.transaction(appendOne);
  const appendManyTransaction = database.transaction((records: readonly AuditRecordInput[]) => records.map(appendOne));
  const commitTransaction = database.transaction((pending: readonly AuditRequestEntry[], records: readonly AuditRecordInput[]) => {
    for (const entry of pending) {
      const stored = toWellFormedValue({ ...entry, receivedAt: entry.receivedAt.toISOString() });
      insertPending.run(stored.requestId, stored.receivedAt, JSON.stringify(stored));
    }
    const appended = records.map(appendOne);
    for (const record of records) deletePending.run(record.requestId);
    return appended;
  });
  const recoverTransaction = database.transaction((now: Date) => {
    const rows = readPending.all();
    for (const row of rows) {
      const entry = JSON.parse(row.entry) as Omit<AuditRequestEntry, 'receivedAt'> & { receivedAt: string };
      appendOne({
        ...entry,
        receivedAt: new Date(entry.receivedAt),
        firstTokenAt: null,
        finishedAt: now,
        reasoning: '',
        answer: '',
        finishReason: null,
        usage: null,
        verdicts: [],
        status: 0,
        error: 'interrupted: the server stopped before this exchange ended (recorded at the next start)',
      });
      deletePending.run(row.request_id);
    }
    return rows.length;
  });

  return {
    path,
    append: (input) => appendTransaction.immediate(input),
    appendMany: (inputs) => (inputs.length === 0 ? [] : appendManyTransaction.immediate(inputs)),
    commit: ({ pending, records }) => (pending.length === 0 && records.length === 0 ? [] : commitTransaction.immediate(pending, records)),
    recoverInterrupted: (now = new Date()) => recoverTransaction.immediate(now),
    verify: () => {
      const rows = database.prepare<[], AuditRow>('SELECT * FROM audit_records ORDER BY id').iterate();
      return checkAuditChain(rows, readHead.get() ?? null, { genesisHash: GENESIS_HASH, hashRecord, rowToRecord });
    },
    export: (exportOptions = {}) => {
      const statement = exportOptions.since
        ? database.prepare<[string], AuditRow>('SELECT * FROM audit_records WHERE received_at >= ? ORDER BY id')
        : database.prepare<[], AuditRow>('SELECT * FROM audit_records ORDER BY id');
      const rows = exportOptions.since ? statement.iterate(exportOptions.since.toISOString()) : (statement as Database.Statement<[], AuditRow>).iterate();
      return (function* () {
        for (const row of rows) yield rowToRecord(row);
      })();
    },
    count: () => (database.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM audit_records').get()?.count ?? 0),
    close: () => {
      if (database.open) database.close();
    },
  };
}
