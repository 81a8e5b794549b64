#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { reportCliError } from './report-cli-error.js';
import { registerServeCommand } from './commands/serve.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerChatCommand } from './commands/chat.js';
import { registerDataCommand } from './commands/data.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerGuardCommand } from './commands/guard.js';
import { registerModelCommand } from './commands/model.js';
import { registerRewardCommand } from './commands/reward.js';
import { registerTrainCommand } from './commands/train.js';
import { registerRedteamCommand } from './commands/redteam.js';
// Each command group registers itself; keep this list sorted.
// (command registrations are added below by each area)

const program = new Command('safemed')
  .description('Trustworthy medical reasoning with LLMs: guarded serving, evaluation, red-teaming and rewards.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

// register: start
registerAuditCommand(program);
registerChatCommand(program);
registerDataCommand(program);
registerEvalCommand(program);
registerGuardCommand(program);
registerModelCommand(program);
registerRedteamCommand(program);
registerRewardCommand(program);
registerServeCommand(program);
registerTrainCommand(program);

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
