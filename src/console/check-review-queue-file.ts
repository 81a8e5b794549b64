/**
 * Whether a file is a review queue (`safemed data qc` writes one) before the console opens it for
 * writing. Opening makes the queue's tables in any SQLite file: `--console-review-db` pointed at the
 * audit database (or another application's) silently added review_items, review_log and review_head to
 * it (probing round 5). A file that does not exist yet is left to the console's 404 `not_configured`.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ConfigError } from '../core/errors.js';

const FIX = 'Pass --console-review-db the queue file `safemed data qc --queue <file>` wrote (not the audit database).';

/** Throws a ConfigError (key `consoleReviewDb`) when `path` exists and is not a review queue. */
export function checkReviewQueueFile(path: string): void {
  if (!existsSync(path)) return;
  let tables: string[];
  try {
    const database = new Database(path, { readonly: true, fileMustExist: true });
    try {
      tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name);
    } finally {
      database.close();
    }
  } catch (error) {
    throw new ConfigError(`The review queue ${path} cannot be opened: ${(error as Error).message}.`, { key: 'consoleReviewDb', cause: error, fix: FIX });
  }
  if (tables.length > 0 && !tables.includes('review_items')) {
    throw new ConfigError(`${path} is not a review queue: it holds other tables (${tables.slice(0, 4).join(', ')}${tables.length > 4 ? ', …' : ''}) and no review_items.`, {
      key: 'consoleReviewDb',
      fix: FIX,
    });
  }
}
