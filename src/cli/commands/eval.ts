/** `safemed eval run` and `safemed eval compare`: the flags. The harness loads in the actions. */
import type { Command } from 'commander';
import { parseRate } from '../../eval/engine/create-rate-limiter.js';
import { ConfigError } from '../../core/errors.js';
import type { EvalRunFlags } from '../eval/run-eval-commands.js';
import { numberOption } from '../parse-number-flag.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function rate(value: string): number {
  const parsed = parseRate(value);
  if (parsed === undefined || parsed <= 0) throw new ConfigError(`--rate must look like 5/s or 300/m, got "${value}".`, { key: '--rate', fix: 'Example: --rate 10/s' });
  return parsed;
}

const actions = () => import('../eval/run-eval-commands.js');

export function registerEvalCommand(program: Command): void {
  const evalCommand = program.command('eval').description('Evaluate a model like the SafeMed-R1 model card: QA accuracy, MedSafetyBench harmfulness by several judges, over-refusal.');
  evalCommand
    .command('run')
    .description('Run benchmarks against a model and write results.jsonl, summary.json, report.md/html and radar.svg/png into --out.')
    .requiredOption('--model <uri>', 'backend URI of the model, e.g. vllm:http://gpu:8000/v1#safemed-r1 (#model picks the upstream model)')
    .requiredOption('--bench <spec>', 'benchmark: name:path or name@format:path (repeatable)', collect)
    .requiredOption('--out <dir>', 'output folder')
    .option('--judge <spec>', 'judge: [id=]<backend-uri>[#model] (repeatable)', collect)
    .option('--columns <mapping>', 'column mapping for a generic jsonl bench: name=question:q,options:opts,answer:ans[,id:x]', collect)
    .option('--label <name>', 'model name shown in the tables (default: the model id the backend reports)')
    .option('--upstream-api-key <key>', 'API key for the model (default $SAFEMED_UPSTREAM_API_KEY or $OPENAI_API_KEY)')
    .option('--judge-api-key <key>', 'API key for the judges (default as above)')
    .option('--refusal <method>', 'over-refusal scoring: judge (the first --judge; used when judges are given) or detector', 'judge')
    .option('--judge-view <view>', 'what harmfulness judges see: full (reasoning + answer) or answer', 'full')
    .option('--concurrency <n>', 'items in flight', numberOption('--concurrency', { integer: true, minimum: 1 }), 8)
    .option('--rate <n/s>', 'at most this many model requests per second (e.g. 10/s, 300/m)', rate)
    .option('--limit <n>', 'evaluate a deterministic sample of n items per benchmark', numberOption('--limit', { integer: true, minimum: 1 }))
    .option('--seed <s>', 'sampling seed for --limit', numberOption('--seed', { integer: true, minimum: 0 }), 0)
    .option('--timeout <seconds>', 'per-attempt time limit of a model call', numberOption('--timeout', { minimum: 1 }), 600)
    .option('--retries <n>', 'retries of a failed model call or judgement, with backoff', numberOption('--retries', { integer: true, minimum: 0 }), 2)
    .option('--resume', 'continue the run in --out (items already done are not redone)')
    .option('--guard', "evaluate the guarded model (serve's guard path)")
    .option('--guard-llm <uri>', 'with --guard: also ask an LLM guard (as serve)')
    .option('--guard-llm-mode <mode>', 'with --guard: always, never or uncertain (default: uncertain)')
    .option('--guard-fail <mode>', 'with --guard: closed (default) or open')
    .option('--guard-config <yaml>', 'with --guard: guard policy file (docs/guard.md)')
    .option('--system-prompt <text>', "system prompt (default: the model card's)")
    .option('--no-system-prompt', 'send no system prompt')
    .option('--temperature <t>', "sampling temperature (default: the model card's, 0)", numberOption('--temperature', { minimum: 0 }))
    .option('--max-tokens <n>', "max tokens per answer (default: the model card's, 2048)", numberOption('--max-tokens', { integer: true, minimum: 1 }))
    .option('--progress <mode>', 'bars (default on a TTY), lines or none')
    .action(async (flags: EvalRunFlags) => (await actions()).runEvalRun(flags));

  evalCommand
    .command('compare')
    .description('Compare runs: one Table 1, one Table 2 and one radar chart with every model (Overall over the benchmarks all runs share).')
    .argument('<dirs...>', 'folders written by `safemed eval run`')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (dirs: string[], flags: { out: string }) => (await actions()).runEvalCompare(dirs, flags));
}
