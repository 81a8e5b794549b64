import { hash as oneShotHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, DataFormatError } from '../core/errors.js';
import type { SafetyVerdict } from '../core/chat.js';
import type { AuditRecord, AuditRecordInput, AuditRequestEntry, AuditVerifyResult, HashedRecord } from './audit-record.js';
import { checkReadableAsIs, upgrade } from './audit-schema.js';
import { openReadOnly } from './open-read-only.js';
import { canonicalJson } from './canonical-json.js';
import { checkAuditChain, type AuditRow } from './check-audit-chain.js';
import { isWellFormedValue, mayHoldLoneSurrogate, toWellFormedText, toWellFormedValue } from './well-formed.js';

export interface AuditTrailOptions {
  /** The SQLite file; its parent folder is created. */
  path: string;
  /** Applied to every text before it is written (PHI redaction). Default: identity. */
  redact?: (text: string) => string;
  /** Fail instead of creating a new database (for verify / export). */
  mustExist?: boolean;
  /**
   * Open without writing anything (verify / export of an evidence copy: chmod 444, a read-only mount, a file
   * owned by the service user). Implies mustExist; nothing is created or upgraded, and every write throws.
   */
  readOnly?: boolean;
  /**
   * Who writes this trail's pending rows, `<host>:<pid>` (default: this process). recoverInterrupted
   * leaves the rows of another live process on this host alone. Tests pass another process's pid.
   */
  owner?: string;
}

export interface AuditTrail {
  readonly path: string;
  /** Redacts, chains and commits one record (durably: WAL + synchronous=FULL) before returning. */
  append(record: AuditRecordInput): AuditRecord;
  /** Appends several records in one transaction (one fsync): group commit for a busy server. */
  appendMany(records: readonly AuditRecordInput[]): AuditRecord[];
  /**
   * One transaction: remember accepted requests as pending (texts as given: redact them first), append
   * finished records, and drop the pending entries of the requests they complete. Returns how many
   * records were appended. `sync: true` (default) commits with synchronous=FULL (fsync: on disk when it
   * returns, even across a power loss); `sync: false` with synchronous=NORMAL (written to the WAL
   * through the operating system: survives a crash or kill -9 of this process, not a power loss, until
   * the next synced commit or `sync()`, which fsyncs everything written before it).
   */
  commit(batch: { pending: readonly AuditRequestEntry[]; records: readonly AuditRecordInput[] }, options?: { sync?: boolean }): number;
  /** Makes every earlier commit durable (one fsync of the WAL); a no-op when nothing is waiting for one. */
  sync(): void;
  /**
   * Turns requests left pending by a crash into chained records with status 0 ("interrupted"), so the
   * trail shows what was asked even when the server died mid-answer. Returns how many there were. Rows
   * of another process on this host that is still running (a second server on the same file) are left
   * to it; rows from before owners were recorded, or from another host, are recovered.
   */
  recoverInterrupted(now?: Date): number;
  /** The connection's `PRAGMA synchronous` now, which the next commit uses (FULL after a durable commit). */
  synchronousLevel(): 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' | 'unknown';
  verify(): AuditVerifyResult;
  export(options?: { since?: Date }): Iterable<AuditRecord>;
  /** One record by its id (the primary key: no walk of the trail); undefined when there is none. */
  record(id: number): AuditRecord | undefined;
  count(): number;
  close(): void;
}

export const GENESIS_HASH = '0'.repeat(64);
const SYNCHRONOUS_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
/** A pending-table key no request id can have (ids are printable); written and removed by sync(). */
const SYNC_MARKER = '\u0000sync';

/** sha256(prevHash + text) in hex: one call, no Hash object (crypto.hash, Node >= 20.12). */
function chainHash(prevHash: string, text: string): string {
  return oneShotHash('sha256', prevHash + text, 'hex');
}

export function hashRecord(prevHash: string, record: HashedRecord): string {
  return chainHash(prevHash, canonicalJson(record));
}

type InsertParameters = [
  id: number, requestId: string, clientRequestId: string | null, receivedAt: string, firstTokenAt: string | null, finishedAt: string, model: string,
  servedModelName: string, stream: number, user: string | null, messages: string, reasoning: string, answer: string, finishReason: string | null,
  usage: string | null, verdicts: string, status: number, error: string | null, prevHash: string, hash: string,
];

const nullableText = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/**
 * canonicalJson(rowToRecord(row)) minus prevHash and hash, built from the row's own strings (its JSON
 * columns are already canonical), so nothing is serialised twice. Members in canonical (sorted) key
 * order: answer, clientRequestId (only when present), error, finishReason, finishedAt, firstTokenAt, id,
 * messages, model, reasoning, receivedAt, requestId, servedModelName, status, stream, usage, user, verdicts.
 */
export function hashedText(row: AuditRow): string {
  const clientRequestId = row.client_request_id === null || row.client_request_id === undefined ? '' : `"clientRequestId":${JSON.stringify(row.client_request_id)},`;
  return (
    `{"answer":${JSON.stringify(row.answer)},${clientRequestId}"error":${nullableText(row.error)},"finishReason":${nullableText(row.finish_reason)}` +
    `,"finishedAt":${JSON.stringify(row.finished_at)},"firstTokenAt":${nullableText(row.first_token_at)},"id":${JSON.stringify(row.id)}` +
    `,"messages":${row.messages},"model":${JSON.stringify(row.model)},"reasoning":${JSON.stringify(row.reasoning)}` +
    `,"receivedAt":${JSON.stringify(row.received_at)},"requestId":${JSON.stringify(row.request_id)},"servedModelName":${JSON.stringify(row.served_model_name)}` +
    `,"status":${JSON.stringify(row.status)},"stream":${row.stream === 1 ? 'true' : 'false'},"usage":${row.usage ?? 'null'}` +
    `,"user":${nullableText(row.user)},"verdicts":${row.verdicts}}`
  );
}

/**
 * Canonical JSON of a value with lone surrogates replaced: serialised once, and again from a well-formed
 * copy only when the text shows an escaped lone surrogate (same text as canonicalJson(toWellFormedValue(value))).
 */
function wellFormedJson(value: unknown): string {
  const text = canonicalJson(value);
  return mayHoldLoneSurrogate(text) ? canonicalJson(toWellFormedValue(value)) : text;
}

/**
 * The pending row's JSON of an accepted request: the entry with receivedAt as ISO text, strings
 * well-formed (a well-formed copy is made only when the text shows an escaped lone surrogate).
 */
function pendingJson(entry: AuditRequestEntry, receivedAt: string): string {
  const shaped = { ...entry, receivedAt };
  const text = JSON.stringify(shaped);
  return mayHoldLoneSurrogate(text) ? JSON.stringify(isWellFormedValue(shaped) ? shaped : toWellFormedValue(shaped)) : text;
}

/**
 * True when `owner` (`<host>:<pid>`) is another process on this host that is still running. A pid
 * reused after a crash keeps its old rows pending until a later start finds it gone (never lost).
 */
function ownedByAnotherLiveProcess(owner: string | null): boolean {
  if (owner === null) return false;
  const colon = owner.lastIndexOf(':');
  const pid = Number(owner.slice(colon + 1));
  if (owner.slice(0, colon) !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
 * mkdir -p, one level at a time from the deepest folder that exists. Node's recursive mkdir never returns
 * under /proc (ENOENT there makes it retry the parent, which exists, forever); a plain mkdir fails at once.
 */
function makeFolders(folder: string): void {
  const missing: string[] = [];
  let current = folder;
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  // a file where a folder of the path should be: mkdir would not be called for it, so say so here
  if (!statSync(current).isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR' });
  for (const part of missing) mkdirSync(part);
}

/**
 * Opens (or creates) the audit trail: an append-only, hash-chained SQLite table in WAL mode with
 * synchronous=FULL, so a record is on disk when `append` returns. Texts are redacted before writing.
 */
export function openAuditTrail(options: AuditTrailOptions): AuditTrail {
  const path = resolve(options.path);
  const redact = options.redact ?? ((text: string) => text);
  const readOnly = options.readOnly === true;
  if ((options.mustExist || readOnly) && !existsSync(path)) {
    // Its write-ahead log alone is no trail: the records in it are unreadable without the main file.
    if (existsSync(`${path}-wal`)) {
      throw new ConfigError(`No audit database at ${path}: only its write-ahead log ${path}-wal is there (the main file was moved or deleted).`, {
        key: 'auditDb',
        fix: `Put the main file back beside ${path}-wal (copy both together, with -shm if present), then run the command again.`,
      });
    }
    throw new ConfigError(`No audit database at ${path}.`, { key: 'auditDb', fix: 'Pass --db <path> (serve writes .safemed/audit.db by default).' });
  }
  try {
    if (!readOnly) makeFolders(dirname(path));
  } catch (error) {
    // e.g. a file where a folder of the path should be: Node says EEXIST, which hides what is wrong.
    throw new ConfigError(`Cannot create the folder ${dirname(path)} for the audit database: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (a part of the path is a file, or not writable).`, {
      key: 'auditDb',
      fix: 'Pass --audit-db <file> in a folder that exists or can be created.',
    });
  }
  let database: Database.Database;
  let cleanup = (): void => undefined;
  try {
    if (readOnly) {
      const opened = openReadOnly(path);
      database = opened.database;
      cleanup = opened.cleanup;
    } else database = new Database(path);
    // A trail that must exist (verify, export) is read, never made: an empty file or another SQLite
    // database is not "0 records, chain intact", and nothing is written into it.
    const tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    if (!tables.some((table) => table.name === 'audit_records') && (options.mustExist || readOnly || tables.length > 0)) {
      database.close();
      throw new DataFormatError(
        `${path} is not a SafeMed audit database (${tables.length === 0 ? 'it is empty' : `it holds other tables: ${tables.slice(0, 5).map((table) => table.name).join(', ')}`}); it was left as it is.`,
        {
          file: path,
          fix: options.mustExist ? 'Pass the --db that safemed serve writes (--audit-db, default .safemed/audit.db).' : 'Choose a new file (or an existing SafeMed audit database) for --audit-db.',
        },
      );
    }
    if (readOnly) checkReadableAsIs(database, path, tables);
    else upgrade(database);
  } catch (error) {
    cleanup();
    if (error instanceof DataFormatError) throw error;
    throw new DataFormatError(`Cannot open the audit database ${path}: ${(error as Error).message}.`, {
      file: path,
      cause: error,
      fix: readOnly
        ? 'Check that the path is a SafeMed audit database (SQLite) you may read (with its -wal file beside it, if it has one).'
        : 'Check that the path is a SafeMed audit database (SQLite) and that it is writable.',
    });
  }

  // The file this trail writes: a write after it was deleted or replaced (rm, a restore over it) would go to
  // an unlinked file and be lost at exit, with every client answered as usual. Checked before each write.
  const opened = statSync(path);
  const assertStillThere = () => {
    if (readOnly) throw new ConfigError(`The audit database ${path} was opened read-only; nothing can be written to it.`, { key: 'auditDb' });
    const now = statSync(path, { throwIfNoEntry: false });
    const gone = now === undefined || now.ino !== opened.ino || now.dev !== opened.dev ? `${path} was deleted or replaced` : !existsSync(`${path}-wal`) ? `its write-ahead log ${path}-wal was deleted` : undefined;
    if (gone === undefined) return;
    throw new ConfigError(`The audit database is gone: ${gone} while the server was running; nothing more is written until it is restarted.`, {
      key: 'auditDb',
      fix: 'Restart safemed serve (it opens a new trail at --audit-db, or the restored file); never delete or move the audit files of a running server.',
    });
  };
  const readHead = database.prepare<[], { last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_head WHERE singleton = 1');
  const writeHead = database.prepare('INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?) ON CONFLICT(singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash');
  // Positional parameters: binding 20 named ones looks each name up in the row object (≈ 5 µs more per record).
  const insert = database.prepare<InsertParameters>(`INSERT INTO audit_records (id, request_id, client_request_id, received_at, first_token_at, finished_at, model, served_model_name, stream, user,
    messages, reasoning, answer, finish_reason, usage, verdicts, status, error, prev_hash, hash)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertRow = (row: AuditRow) =>
    insert.run(row.id, row.request_id, row.client_request_id ?? null, row.received_at, row.first_token_at, row.finished_at, row.model, row.served_model_name, row.stream, row.user,
      row.messages, row.reasoning, row.answer, row.finish_reason, row.usage, row.verdicts, row.status, row.error, row.prev_hash, row.hash);
  const owner = options.owner ?? `${hostname()}:${process.pid}`;
  const insertPending = database.prepare('INSERT OR REPLACE INTO audit_pending (request_id, received_at, entry, owner) VALUES (?, ?, ?, ?)');
  const deletePending = database.prepare('DELETE FROM audit_pending WHERE request_id = ?');
  const readPending = database.prepare<[], { request_id: string; entry: string; owner: string | null }>('SELECT request_id, entry, owner FROM audit_pending ORDER BY received_at, request_id');

  const redactVerdict = (verdict: SafetyVerdict): SafetyVerdict => ({ ...verdict, reasons: verdict.reasons.map(redact) });
  const redacting = options.redact !== undefined;
  /** Request ids this connection wrote as pending and has not completed yet (others need no DELETE). */
  const pendingIds = new Set<string>();
  let synchronous: 'FULL' | 'NORMAL' = 'FULL';
  /** A commit with synchronous=NORMAL happened since the last fsync. */
  let unsynced = false;
  // Not a statement prepared once: SQLite applies `PRAGMA synchronous = X` when the statement is
  // compiled, and a run of an already-compiled one does nothing the first time (preparing a NORMAL
  // statement at open left every commit unsynced until the statements had been re-run). exec()
  // compiles and runs it each time, so the level is always the one asked for.
  const setSynchronous = (mode: 'FULL' | 'NORMAL') => {
    if (mode === synchronous) return;
    database.exec(`PRAGMA synchronous = ${mode}`);
    synchronous = mode;
  };

  /**
   * The row of one record, chained to `prevHash`. Every text is made well-formed once and every JSON
   * column serialised once; the hashed text is assembled from those same strings, so it is exactly
   * canonicalJson() of the record a later read parses back (what verify recomputes).
   */
  const toRow = (input: AuditRecordInput, id: number, prevHash: string): AuditRow => {
    const clientRequestId = input.clientRequestId === null || input.clientRequestId === undefined ? null : toWellFormedText(redact(input.clientRequestId));
    const messages = redacting ? input.messages.map((message) => ({ ...message, content: redact(message.content) })) : input.messages;
    const verdicts = redacting ? input.verdicts.map(redactVerdict) : input.verdicts;
    const row: AuditRow = {
      id,
      request_id: toWellFormedText(input.requestId),
      client_request_id: clientRequestId,
      received_at: input.receivedAt.toISOString(),
      first_token_at: input.firstTokenAt ? input.firstTokenAt.toISOString() : null,
      finished_at: input.finishedAt.toISOString(),
      model: toWellFormedText(input.model),
      served_model_name: toWellFormedText(input.servedModelName),
      stream: input.stream ? 1 : 0,
      user: input.user === null ? null : toWellFormedText(redact(input.user)),
      messages: wellFormedJson(messages),
      reasoning: toWellFormedText(redact(input.reasoning)),
      answer: toWellFormedText(redact(input.answer)),
      finish_reason: input.finishReason === null ? null : toWellFormedText(input.finishReason),
      usage: input.usage === null ? null : wellFormedJson(input.usage),
      verdicts: wellFormedJson(verdicts),
      status: input.status,
      error: input.error === null ? null : toWellFormedText(redact(input.error)),
      prev_hash: prevHash,
      hash: '',
    };
    row.hash = chainHash(prevHash, hashedText(row));
    return row;
  };

  /** Appends records after the stored head (read once per transaction, written once). */
  const appendRows = (records: readonly AuditRecordInput[]): AuditRow[] => {
    if (records.length === 0) return [];
    const head = readHead.get();
    let lastId = head?.last_id ?? 0;
    let lastHash = head?.last_hash ?? GENESIS_HASH;
    const rows: AuditRow[] = [];
    for (const input of records) {
      const row = toRow(input, lastId + 1, lastHash);
      insertRow(row);
      lastId = row.id;
      lastHash = row.hash;
      rows.push(row);
    }
    writeHead.run(lastId, lastHash);
    return rows;
  };
  const appendTransaction = database.transaction((records: readonly AuditRecordInput[]) => appendRows(records));
  const commitTransaction = database.transaction((pending: readonly AuditRequestEntry[], records: readonly AuditRecordInput[]) => {
    for (const entry of pending) {
      const receivedAt = entry.receivedAt.toISOString();
      insertPending.run(toWellFormedText(entry.requestId), receivedAt, pendingJson(entry, receivedAt), owner);
    }
    appendRows(records);
    const writtenNow = pending.length === 0 ? undefined : new Set(pending.map((entry) => entry.requestId));
    for (const record of records) {
      if (pendingIds.has(record.requestId) || writtenNow?.has(record.requestId)) deletePending.run(record.requestId);
    }
  });
  // SQLite skips writing a row rewritten with the same bytes, and a transaction that changed no page
  // commits (and fsyncs) nothing: insert and drop a marker row, so the commit writes a frame and syncs.
  const touchTransaction = database.transaction(() => {
    insertPending.run(SYNC_MARKER, '', '', null);
    deletePending.run(SYNC_MARKER);
  });
  const recoverTransaction = database.transaction((now: Date) => {
    const rows = readPending.all().filter((row) => !ownedByAnotherLiveProcess(row.owner));
    appendRows(
      rows.map((row) => {
        const entry = JSON.parse(row.entry) as Omit<AuditRequestEntry, 'receivedAt'> & { receivedAt: string };
        return {
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
        };
      }),
    );
    for (const row of rows) deletePending.run(row.request_id);
    return rows.length;
  });
  /** A durable commit: synchronous=FULL (its fsync also covers every NORMAL commit before it). */
  const durably = <T>(run: () => T): T => {
    setSynchronous('FULL');
    const result = run();
    unsynced = false;
    return result;
  };

  return {
    path,
    append: (input) => {
      assertStillThere();
      const [row] = durably(() => appendTransaction.immediate([input]));
      if (row === undefined) throw new Error('audit append wrote no record');
      return rowToRecord(row);
    },
    appendMany: (inputs) => {
      if (inputs.length === 0) return [];
      assertStillThere();
      return durably(() => appendTransaction.immediate(inputs)).map(rowToRecord);
    },
    commit: ({ pending, records }, commitOptions = {}) => {
      if (pending.length === 0 && records.length === 0) return 0;
      assertStillThere();
      if (commitOptions.sync ?? true) durably(() => { commitTransaction.immediate(pending, records); });
      else {
        setSynchronous('NORMAL');
        commitTransaction.immediate(pending, records);
        unsynced = true;
      }
      for (const entry of pending) pendingIds.add(entry.requestId);
      for (const record of records) pendingIds.delete(record.requestId);
      return records.length;
    },
    sync: () => {
      if (unsynced && database.open) durably(() => { touchTransaction.immediate(); });
    },
    recoverInterrupted: (now = new Date()) => durably(() => recoverTransaction.immediate(now)),
    synchronousLevel: () => SYNCHRONOUS_LEVELS[database.pragma('synchronous', { simple: true }) as number] ?? 'unknown',
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
    record: (id) => {
      const row = database.prepare<[number], AuditRow>('SELECT * FROM audit_records WHERE id = ?').get(id);
      return row === undefined ? undefined : rowToRecord(row);
    },
    count: () => (database.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM audit_records').get()?.count ?? 0),
    close: () => {
      if (database.open) database.close();
      cleanup();
    },
  };
}
