import { closeSync, createWriteStream, openSync, readSync, statSync, type Stats, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { parseIsoDate } from '../../console/parse-iso-date.js';
import { ConfigError, DataFormatError } from '../../core/errors.js';

const DEFAULT_DB = '.safemed/audit.db';

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseIsoDate(value);
  if (date === undefined) {
    throw new ConfigError(`--since "${value}" is not a date (an ISO date of a real day).`, { key: 'since', fix: 'Use an ISO date such as 2026-11-24 or 2026-11-24T10:00:00Z.' });
  }
  return date;
}

/**
 * An --output that is the audit database (or its -wal/-shm/-journal), or another SQLite database: the export
 * opened it for writing first, so `audit export --db x.db --output x.db` emptied the trail (then reported it
 * "damaged"), and a review queue named by mistake was overwritten (probing round 6).
 */
function checkOutputTarget(output: string, db: string): void {
  let target: Stats;
  try {
    target = statSync(output);
  } catch {
    return; // a new file
  }
  for (const file of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch {
      continue;
    }
    if (stats.dev === target.dev && stats.ino === target.ino) {
      throw new ConfigError(`--output ${output} is the audit database itself (${file}): the export would erase the trail it reads.`, {
        key: 'output',
        fix: 'Pass --output <another file>, e.g. audit.jsonl, or leave it out to write to stdout.',
      });
    }
  }
  if (!target.isFile()) return;
  const head = Buffer.alloc(16);
  let length = 0;
  try {
    const file = openSync(output, 'r');
    try {
      length = readSync(file, head, 0, head.length, 0);
    } finally {
      closeSync(file);
    }
  } catch {
    return; // unreadable: openOutput says what is wrong with it
  }
  if (length === 16 && head.toString('latin1') === 'SQLite format 3\u0000') {
    throw new ConfigError(`--output ${output} is an SQLite database; the export would overwrite it with JSON lines.`, {
      key: 'output',
      fix: 'Pass --output <a new file>, e.g. audit.jsonl (delete the database first if you really mean to replace it).',
    });
  }
}

/** The --output file, opened before anything is read: a folder or an unwritable path is one clear line, not "unexpected error". */
async function openOutput(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ConfigError(`Cannot write the export to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      key: 'output',
      fix: 'Pass --output <a file path in a folder you can write to>, or leave it out to write to stdout.',
    });
  }
  return stream;
}

/**
 * SQLite's own word that the file is damaged (a torn write, a disk error, bytes overwritten): it was
 * "unexpected error: database disk image is malformed", as if SafeMed had a bug.
 */
function isDamagedDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/u.test(code);
}

function damagedDatabase(path: string, error: unknown): DataFormatError {
  return new DataFormatError(`The audit database ${path} is damaged (SQLite: ${(error as Error).message}): its records cannot all be read, so the chain cannot be checked.`, {
    file: path,
    cause: error,
    fix: `Keep the file as evidence and restore the trail from a backup; \`sqlite3 ${path} .recover\` salvages the readable rows into a new database, which \`safemed audit verify\` can then check.`,
  });
}

/** A record the export cannot read (damaged JSON, a damaged file): it said "unexpected error: Unexpected token…" with no record named. */
function unreadableRecord(path: string, lastId: number | undefined, error: unknown): DataFormatError {
  if (isDamagedDatabase(error)) return damagedDatabase(path, error);
  const where = lastId === undefined ? 'The first record' : `The record after #${lastId}`;
  return new DataFormatError(`${where} of ${path} cannot be read (${(error as Error).message}); the records before it were written.`, {
    file: path,
    cause: error,
    fix: `Run \`safemed audit verify --db ${path}\` to list the damaged records; export the rest with --since <a time after the damaged one>.`,
  });
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('Check and export the audit trail that `safemed serve` writes.');

  audit
    .command('verify')
    .description('Check the hash chain; lists every broken record and exits 1 when the trail was tampered with.')
    .option('--db <file>', `audit database (default ${DEFAULT_DB}, or $SAFEMED_AUDIT_DB)`)
    .action(async (options: { db?: string }) => {
      const { openAuditTrail } = await import('../../audit/audit-trail.js');
      const trail = openAuditTrail({ path: options.db ?? process.env.SAFEMED_AUDIT_DB ?? DEFAULT_DB, mustExist: true, readOnly: true });
      try {
        let result;
        try {
          result = trail.verify();
        } catch (error) {
          if (!isDamagedDatabase(error)) throw error;
          // as broken as a tampered chain (exit 1, a BROKEN line), with what to do next
          const damaged = damagedDatabase(trail.path, error);
          process.stdout.write(`BROKEN: ${damaged.message}\n`);
          process.stderr.write(`  fix: ${damaged.fix ?? ''}\n`);
          process.exitCode = 1;
          return;
        }
        if (result.ok) {
          process.stdout.write(`OK: ${result.checked} records, chain intact${result.headHash ? ` (head ${result.headHash})` : ''} — ${trail.path}\n`);
          return;
        }
        for (const problem of result.problems) process.stdout.write(`BROKEN: record #${problem.id}: ${problem.problem}\n`);
        process.stdout.write(`  ${result.problems.length} problem(s); ${result.checked} records verified — ${trail.path}\n`);
        process.exitCode = 1;
      } finally {
        trail.close();
      }
    });

  audit
    .command('export')
    .description('Write the audit records as JSON lines (one record per line).')
    .option('--db <file>', `audit database (default ${DEFAULT_DB}, or $SAFEMED_AUDIT_DB)`)
    .option('--since <date>', 'only records received at or after this ISO date')
    .option('--output <file>', 'write to a file instead of stdout')
    .action(async (options: { db?: string; since?: string; output?: string }) => {
      const since = parseSince(options.since);
      const db = options.db ?? process.env.SAFEMED_AUDIT_DB ?? DEFAULT_DB;
      if (options.output) checkOutputTarget(options.output, db);
      const { openAuditTrail } = await import('../../audit/audit-trail.js');
      const trail = openAuditTrail({ path: db, mustExist: true, readOnly: true });
      let output: NodeJS.WritableStream;
      try {
        output = options.output ? await openOutput(options.output) : process.stdout;
      } catch (error) {
        trail.close();
        throw error;
      }
      // A write error (a reader that went away: `| head`; a full disk) stops the export instead of
      // surfacing as an uncaught "unexpected error: write EPIPE".
      let failure: NodeJS.ErrnoException | undefined;
      const onError = (error: NodeJS.ErrnoException) => { failure ??= error; };
      output.on('error', onError);
      let count = 0;
      let lastId: number | undefined;
      const records = trail.export(since ? { since } : {})[Symbol.iterator]();
      try {
        for (;;) {
          if (failure) break;
          let next: IteratorResult<{ id: number }>;
          try {
            next = records.next();
          } catch (error) {
            throw unreadableRecord(trail.path, lastId, error);
          }
          if (next.done) break;
          lastId = next.value.id;
          if (!output.write(JSON.stringify(next.value) + '\n')) {
            await new Promise<void>((resolve) => {
              const done = () => { output.off('drain', done); output.off('error', done); resolve(); };
              output.on('drain', done).on('error', done);
            });
          }
          count += 1;
        }
      } finally {
        // an export stopped early (a closed pipe) still holds its statement: end it before closing
        records.return?.();
        trail.close();
      }
      if (failure) {
        // The reader of stdout closed the pipe (`safemed audit export | head`): it has what it wanted.
        if (!options.output && failure.code === 'EPIPE') return;
        throw new ConfigError(`Writing the export failed after ${count} records: ${failure.code ?? failure.message}.`, {
          key: 'output',
          fix: 'Check the --output path and the free disk space, then run the export again.',
        });
      }
      if (options.output) {
        output.end();
        try {
          await once(output, 'finish');
        } catch (error) {
          throw new ConfigError(`Writing the export to ${options.output} failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
            key: 'output',
            fix: 'Check the --output path and the free disk space, then run the export again.',
          });
        }
        process.stderr.write(`wrote ${count} records to ${options.output}\n`);
      }
    });
}
