/**
 * `safemed guard check` and `safemed guard scan`: the guard's input decision on a text, a
 * conversation or a JSONL file, without calling a model. The guard loads in the action.
 */
import type { Command } from 'commander';
import type { GuardFlags } from '../create-guard-from-flags.js';
import { registerGuardTrainingCommands } from './guard-training.js';

const actions = () => import('../guard/run-guard-commands.js');

/** Adds the guard's flags to a command (check, scan; serve and eval declare the same names). */
export function addGuardFlags(command: Command): Command {
  return command
    .option('--guard-llm <uri>', 'also ask an LLM guard (openai:/vllm:/llama: URI; Llama Guard 3, Qwen3Guard or any chat model)')
    .option('--guard-llm-mode <mode>', 'always, never or uncertain (default: only for risks in the uncertain band)')
    .option('--guard-fail <mode>', 'open or closed (default): what a guard error does')
    .option('--guard-config <yaml>', 'guard policy file: thresholds and per-dimension overrides (docs/guard.md)');
}

export function registerGuardCommand(program: Command): Command {
  const guardCommand = program.command('guard').description('The SafeMed guard: check texts and conversations, scan JSONL files.');
  addGuardFlags(
    guardCommand
      .command('check')
      .description('Show the guard decision for a text (or a conversation): action, risk, dimension, principle, attacks, reasons and the texts shown.')
      .argument('[text]', 'the user message to check')
      .option('--messages <file.json>', 'a conversation: [{"role","content"}] or {"messages": [...]}')
      .option('--json', 'print the verdict and texts as JSON'),
  ).action(async (text: string | undefined, flags: GuardFlags & { messages?: string; json?: boolean }) => (await actions()).runGuardCheck(text, flags));
  addGuardFlags(
    guardCommand
      .command('scan')
      .description('Scan a JSONL file ({"id","text"} or {"id","messages"} per line) and write one verdict line per input line.')
      .requiredOption('--input <file.jsonl>', 'input JSONL')
      .option('--output <file.jsonl>', 'output JSONL (default: stdout)'),
  ).action(async (flags: GuardFlags & { input: string; output?: string }) => (await actions()).runGuardScan(flags));
  registerGuardTrainingCommands(guardCommand);
  return guardCommand;
}
