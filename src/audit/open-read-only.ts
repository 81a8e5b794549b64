/**
 * Opens an audit database without writing to it, for verify and export of an evidence copy (a file the user may
 * read but not write, on a read-only mount or in a folder they may not write). SQLite reads a WAL-mode file only
 * with its -shm index beside it, which it cannot create in a read-only folder (SQLITE_READONLY_DIRECTORY): then
 * the file (and its -wal) is copied to a temporary folder and the copy is read; `cleanup` removes it.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';

const CANNOT_OPEN_IN_PLACE = new Set(['SQLITE_READONLY_DIRECTORY', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY']);

export interface ReadOnlyDatabase {
  database: Database.Database;
  /** Set when the file was read from a temporary copy. */
  copiedTo: string | undefined;
  cleanup: () => void;
}

function openInPlace(path: string): Database.Database {
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    database.prepare('SELECT count(*) FROM sqlite_master').get(); // opens the WAL index, where a read-only folder fails
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

export function openReadOnly(path: string): ReadOnlyDatabase {
  try {
    return { database: openInPlace(path), copiedTo: undefined, cleanup: () => undefined };
  } catch (error) {
    if (!CANNOT_OPEN_IN_PLACE.has((error as { code?: string }).code ?? '')) throw error;
  }
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-read-'));
  const cleanup = () => { rmSync(folder, { recursive: true, force: true }); };
  try {
    const copy = join(folder, basename(path));
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    return { database: openInPlace(copy), copiedTo: copy, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
