#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { reportCliError } from './report-cli-error.js';

const program = new Command('safemed')
  .description('Trustworthy medical reasoning with LLMs: guarded serving, evaluation, red-teaming and rewards.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

// register: start
/** Each command group's module and its register function, sorted; a group loads when it is named. */
const GROUPS: Array<[name: string, load: () => Promise<(program: Command) => unknown>]> = [
  ['audit', async () => (await import('./commands/audit.js')).registerAuditCommand],
  ['chat', async () => (await import('./commands/chat.js')).registerChatCommand],
  ['data', async () => (await import('./commands/data.js')).registerDataCommand],
  ['eval', async () => (await import('./commands/eval.js')).registerEvalCommand],
  ['guard', async () => (await import('./commands/guard.js')).registerGuardCommand],
  ['model', async () => (await import('./commands/model.js')).registerModelCommand],
  ['redteam', async () => (await import('./commands/redteam.js')).registerRedteamCommand],
  ['reward', async () => (await import('./commands/reward.js')).registerRewardCommand],
  ['serve', async () => (await import('./commands/serve.js')).registerServeCommand],
  ['train', async () => (await import('./commands/train.js')).registerTrainCommand],
];
// `safemed guard check …` registers the guard group only (what it runs and its help need nothing else);
// anything else — `--help`, `help <group>`, a typo that commander should answer with a suggestion —
// registers every group, in this order.
const named = process.argv[2];
const chosen = GROUPS.some(([name]) => name === named) ? GROUPS.filter(([name]) => name === named) : GROUPS;
for (const register of await Promise.all(chosen.map(([, load]) => load()))) register(program);

// register: end

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    process.exitCode = reportCliError(error);
  }
}
