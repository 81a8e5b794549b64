import { createWriteStream } from 'node:fs';
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
      const output = options.output ? createWriteStream(options.output) : process.stdout;
      let count = 0;
      try {
        for (const record of trail.export(since ? { since } : {})) {
          if (!output.write(JSON.stringify(record) + '\n')) await once(output, 'drain');
          count += 1;
        }
      } finally {
        trail.close();
      }
      if (options.output) {
        output.end();
        await once(output, 'finish');
        process.stderr.write(`wrote ${count} records to ${options.output}\n`);
      }
    });
}
