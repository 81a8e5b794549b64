/**
 * `safemed serve`: the flags only. Everything the server needs (backends, guard, audit, console) loads
 * inside the action (src/cli/serve/run-serve-command.ts), so `safemed --help` stays fast.
 */
import type { Command } from 'commander';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Only the options the user actually typed count as flags (so env and file can fill the rest). */
export function typedFlags(command: Command): Record<string, unknown> {
  const options = command.opts();
  return Object.fromEntries(Object.entries(options).filter(([key]) => command.getOptionValueSource(key) === 'cli'));
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve a model as an OpenAI-compatible API (chat completions, models, health, metrics) with an audit trail.')
    .option('--config <file>', 'YAML config file (flag > env > file > default)')
    .option('--model <uri>', 'backend URI: llama:<file.gguf>, hf:<user>/<repo>/<file.gguf>, openai:<base-url>, vllm:<base-url>')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8000; 0 = any free port)')
    .option('--served-model-name <name>', 'model name clients use (default safemed-r1)')
    .option('--api-key <key>', 'accepted API key for /v1/* (repeatable or comma-separated)', collect)
    .option('--upstream-api-key <key>', 'API key sent to an openai:/vllm: upstream')
    .option('--upstream-model <name>', 'model name at the upstream (default: the first it lists)')
    .option('--reasoning-field <field>', 'reasoning_content (default) or reasoning')
    .option('--body-limit <size>', 'largest request body, e.g. 1mb (default 1 MiB)')
    .option('--timeout <seconds>', 'per-request time limit (default 600)')
    .option('--header-timeout <seconds>', 'time for the request line and headers (default 10; 408 after)')
    .option('--body-timeout <seconds>', 'time for the request body once the headers are in (default 30; 408 after)')
    .option('--write-timeout <seconds>', 'a client that reads nothing of its waiting answer for this long is disconnected (default 60)')
    .option('--max-connections <n>', 'open connections accepted at once (default 1024)')
    .option('--max-answer-size <size>', 'largest answer + reasoning taken from the model, e.g. 4mb (default); over → 502')
    .option('--shutdown-grace <seconds>', 'how long in-flight requests may finish on SIGINT/SIGTERM (default 10)')
    .option('--threads <n>', 'llama.cpp threads')
    .option('--context-size <tokens>', 'llama.cpp context size')
    .option('--system-prompt <text>', "system prompt added when a conversation has none (default: the model card's)")
    .option('--no-system-prompt', 'never add a system prompt')
    .option('--audit-db <file>', 'audit trail SQLite file (default .safemed/audit.db)')
    .option('--no-audit', 'do not write the audit trail')
    .option('--no-audit-redact', 'write texts to the audit trail without PHI redaction')
    .option('--audit-thread <worker|main>', 'where redaction, hashing and the fsync run (default worker)')
    .option('--guard-thread <worker|main>', 'where the guard\'s classifier runs (default worker: its own thread)')
    .option('--audit-durability <full|normal>', 'full (default): a response ends once its record is fsynced; normal: once it is written (survives kill -9, not a power loss)')
    .option('--log-level <level>', 'debug, info (default), warn or error')
    .option('--guard <on|off>', 'the SafeMed input/output guard (default on)')
    .option('--guard-llm <uri>', 'also ask an LLM guard (Llama Guard 3, Qwen3Guard or any chat model URI)')
    .option('--guard-llm-mode <mode>', 'always, never or uncertain (default: only for risks in the uncertain band)')
    .option('--guard-fail <mode>', 'closed (default: a guard error steers) or open (allow with caution)')
    .option('--guard-config <yaml>', 'guard policy: thresholds and per-dimension overrides (docs/guard.md)')
    .option('--redact-upstream', 'redact PHI from messages before they reach the upstream model and the LLM guard')
    .option('--console <on|off>', 'the web console under /console (default: on when listening on loopback only)')
    .option('--console-runs <dir>', 'folder of eval / red-team run folders for the console\'s reports page')
    .option('--console-review-db <file>', 'expert review queue (written by `safemed data qc`) for the console\'s review page')
    .action(async (_options: unknown, command: Command) => {
      const flags = typedFlags(command);
      const { runServeCommand } = await import('../serve/run-serve-command.js');
      await runServeCommand(flags);
    });
}
