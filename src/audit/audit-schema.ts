/**
 * The audit trail's SQLite schema: the tables, the upgrade a trail opened for writing gets (WAL, synchronous=FULL,
 * tables and columns added by later versions), and the check a trail opened read-only must pass as it is.
 */
import type Database from 'better-sqlite3';
import { DataFormatError } from '../core/errors.js';

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
CREATE TABLE IF NOT EXISTS audit_pending (
  request_id TEXT PRIMARY KEY,
  received_at TEXT NOT NULL,
  entry TEXT NOT NULL,
  owner TEXT
);
CREATE TABLE IF NOT EXISTS audit_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id INTEGER NOT NULL,
  last_hash TEXT NOT NULL
);
`;

/**
 * Files written before this version have an index on received_at. No query uses it (`export --since`
 * scans in id order: EXPLAIN QUERY PLAN shows SCAN audit_records), and it cost every insert a second
 * b-tree and every commit one more page: it is dropped. A read-only file, or one another connection is
 * writing to past the busy timeout, keeps it until a later open (nothing else depends on it).
 */
function dropReceivedAtIndex(database: Database.Database): void {
  const index = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'audit_records_received_at'").get();
  if (index === undefined) return;
  try {
    database.exec('DROP INDEX audit_records_received_at');
  } catch {
    // read-only or busy: the index stays (it only slows inserts down)
  }
}

/** Brings a trail opened for writing to the current schema (WAL, synchronous=FULL, new tables and columns). */
export function upgrade(database: Database.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.exec(SCHEMA);
  dropReceivedAtIndex(database);
  const columns = database.prepare<[], { name: string }>('PRAGMA table_info(audit_records)').all();
  if (!columns.some((column) => column.name === 'client_request_id')) database.exec('ALTER TABLE audit_records ADD COLUMN client_request_id TEXT');
  const pendingColumns = database.prepare<[], { name: string }>('PRAGMA table_info(audit_pending)').all();
  if (!pendingColumns.some((column) => column.name === 'owner')) database.exec('ALTER TABLE audit_pending ADD COLUMN owner TEXT');
}

/** A trail read as it is must already have the tables this module prepares statements for. */
export function checkReadableAsIs(database: Database.Database, path: string, tables: ReadonlyArray<{ name: string }>): void {
  const missing = ['audit_head', 'audit_pending'].filter((name) => !tables.some((table) => table.name === name));
  if (missing.length === 0) return;
  database.close();
  throw new DataFormatError(`${path} is an audit trail of an older SafeMed (no ${missing.join(', ')} table), which cannot be read without upgrading it.`, {
    file: path,
    fix: 'Run the command on a writable copy (cp the file, with its -wal and -shm, to a folder you may write), which upgrades the copy.',
  });
}
