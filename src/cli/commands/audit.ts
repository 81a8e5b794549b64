import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';

const DEFAULT_DB = '.safemed/audit.db';

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(`--since "${value}" is not a date.`, { key: 'since', fix: 'Use an ISO date such as 2026-11-24 or 2026-11-24T10:00:00Z.' });
  }
  return date;
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

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('Check and export the audit trail that `safemed serve` writes.');

  audit
    .command('verify')
    .description('Check the hash chain; lists every broken record and exits 1 when the trail was tampered with.')
    .option('--db <file>', `audit database (default ${DEFAULT_DB}, or $SAFEMED_AUDIT_DB)`)
    .action(async (options: { db?: string }) => {
      const { openAuditTrail } = await import('../../audit/audit-trail.js');
      const trail = openAuditTrail({ path: options.db ?? process.env.SAFEMED_AUDIT_DB ?? DEFAULT_DB, mustExist: true });
      try {
        const result = trail.verify();
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
      const { openAuditTrail } = await import('../../audit/audit-trail.js');
      const trail = openAuditTrail({ path: options.db ?? process.env.SAFEMED_AUDIT_DB ?? DEFAULT_DB, mustExist: true });
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
      try {
        for (const record of trail.export(since ? { since } : {})) {
          if (failure) break;
          if (!output.write(JSON.stringify(record) + '\n')) {
            await new Promise<void>((resolve) => {
              const done = () => { output.off('drain', done); output.off('error', done); resolve(); };
              output.on('drain', done).on('error', done);
            });
          }
          count += 1;
        }
      } finally {
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
