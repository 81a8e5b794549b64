/**
 * `safemed guard train` (rebuild the embedded classifier from the shared data and the guard corpus, the
 * same code as `npm run train:guard`) and `safemed guard eval` (the guard on labelled records in the
 * guard-corpus format: recall per language, kind, perspective and mechanism, benign flagged per kind,
 * emergencies escalated, dimension and mechanism accuracy — decided by the real input check and
 * default policy). Heavy modules load inside the actions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { GuardFlags } from '../create-guard-from-flags.js';
import { collect, progressMode } from '../long-run-flags.js';
import { DataFormatError, InvalidRequestError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/chat.js';
import type { EvaluationRecord, GuardDecisionAction } from '../../guard/classifier/evaluate-corpus.js';
import type { RiskAssessment } from '../../guard/classifier/risk-assessment.js';

interface TrainFlags {
  dataDir: string;
  out: string;
  seed: string;
}

interface EvalFlags extends GuardFlags {
  input: string[];
  split: string;
  json?: boolean;
  errors?: boolean;
  fastOnly?: boolean;
  traditional?: boolean;
  concurrency?: string;
  progress?: string;
}

/** The training code's entry points (training/guard/), typed here without importing them. */
type TrainGuardModel = (options: { dataDir: string; outDir?: string; seed?: number; log?: (line: string) => void }) => Promise<unknown>;
type BuildGeneratedCorpus = (seed: number, log?: (line: string) => void) => unknown;

/**
 * Training is build-time code outside src/ (training/guard/), not shipped in dist: it is loaded only
 * inside this action, from a source checkout run with tsx (`npm run train:guard` does the same).
 */
async function loadTrainingModule(name: string, exported: string): Promise<unknown> {
  const location = new URL(`../../../training/guard/${name}.js`, import.meta.url).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(location)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidRequestError('`safemed guard train` needs the training code of a source checkout (training/guard/), which is not part of the installed package.', {
      cause: error,
      fix: 'Run it from a clone of the repository: `npm run train:guard` or `node --import tsx src/cli/main.ts guard train`.',
    });
  }
  const value = loaded[exported];
  if (typeof value !== 'function') throw new InvalidRequestError(`training/guard/${name}.ts does not export ${exported}.`, { fix: 'Restore training/guard/ from git.' });
  return value;
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const dataDir = resolve(flags.dataDir);
  if (!existsSync(dataDir)) {
    throw new InvalidRequestError(`The training data folder ${dataDir} does not exist.`, {
      param: 'data-dir',
      fix: 'Pass --data-dir pointing at the shared data folder (it holds safety/, benign/ and bench/).',
    });
  }
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed)) throw new InvalidRequestError(`--seed must be an integer, got ${flags.seed}.`, { param: 'seed', fix: 'Pass e.g. --seed 20261124.' });
  const buildGeneratedCorpus = (await loadTrainingModule('build-generated-corpus', 'buildGeneratedCorpus')) as BuildGeneratedCorpus;
  const trainGuardModel = (await loadTrainingModule('train-guard-model', 'trainGuardModel')) as TrainGuardModel;
  const started = Date.now();
  const log = (line: string): void => {
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  };
  buildGeneratedCorpus(seed, log);
  await trainGuardModel({ dataDir, outDir: resolve(flags.out), seed, log });
}

function jsonlFilesUnder(path: string): string[] {
  if (!existsSync(path)) throw new DataFormatError(`${path} does not exist.`, { file: path, fix: 'Pass --input with JSONL files or folders of them (default data/guard/corpus in a source checkout).' });
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      return statSync(child).isDirectory() ? jsonlFilesUnder(child) : name.endsWith('.jsonl') ? [child] : [];
    });
}

/** Chinese records rewritten in traditional characters (OpenCC, Taiwan standard with its phrases); others as they are. */
function inTraditionalCharacters(records: EvaluationRecord[]): EvaluationRecord[] {
  const opencc = createRequire(import.meta.url)('opencc-js/cn2t') as { Converter(options: { from: string; to: string }): (text: string) => string };
  const convert = opencc.Converter({ from: 'cn', to: 'tw' });
  return records.map((record) => {
    if (record.language !== 'zh') return record;
    const converted: EvaluationRecord = { ...record };
    if (record.text !== undefined) converted.text = convert(record.text);
    if (record.messages !== undefined) converted.messages = record.messages.map((message) => ({ ...message, content: convert(message.content) }));
    return converted;
  });
}

async function runEval(flags: EvalFlags): Promise<void> {
  const { evaluateCorpus, formatCorpusEvaluation, parseEvaluationJsonl } = await import('../../guard/classifier/evaluate-corpus.js');
  const { assessConversation, assessConversationRefined, configureSentenceEncoder, OFFLINE_ENCODER, recommendedRiskThreshold } = await import('../../guard/assess-risk.js');
  // Every record in the band is embedded: the serving budget would leave most of a batch to the fast path.
  configureSentenceEncoder(OFFLINE_ENCODER);
  const { checkInput } = await import('../../guard/check-input.js');
  const { DEFAULT_GUARD_POLICY } = await import('../../guard/policy.js');
  const { loadSafetySpec } = await import('../../spec/load-safety-spec.js');
  const { silentLogger } = await import('../../core/logger.js');
  const { createGuardFromFlags } = await import('../create-guard-from-flags.js');
  const { countLlmGuardCalls, formatLlmGuardCalls } = await import('../guard/count-llm-guard-calls.js');
  const { createProgressReporter } = await import('../../eval/engine/create-progress-reporter.js');
  const splits = flags.split === 'all' ? undefined : new Set(flags.split.split(','));
  const records: EvaluationRecord[] = [];
  let badCount = 0;
  for (const file of flags.input.flatMap((input) => jsonlFilesUnder(resolve(input)))) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DataFormatError(`Cannot read ${file}.`, { cause: error, file, fix: 'Pass --input with readable JSONL files.' });
    }
    const parsed = parseEvaluationJsonl(content);
    for (const bad of parsed.badLines) process.stderr.write(`${file}:${bad.line}: ${bad.error}\n`);
    badCount += parsed.badLines.length;
    records.push(...parsed.records.filter((record) => splits === undefined || record.split === undefined || splits.has(record.split)));
  }
  if (records.length === 0) {
    throw new DataFormatError(`No valid labelled records in ${flags.input.join(', ')}${splits ? ` for split ${flags.split}` : ''}.`, {
      fix: 'Each line must be {"id","text"|"messages","label":"harmful"|"benign"|"emergency",...} (the guard corpus format, data/guard/README.md).',
    });
  }
  if (flags.traditional === true) records.splice(0, records.length, ...inTraditionalCharacters(records));
  const spec = loadSafetySpec();
  // The guard as serve builds it from the same flags: policy file, fail mode, LLM guard (optional).
  const configured = flags.guardLlm !== undefined || flags.guardConfig !== undefined || flags.guardFail !== undefined;
  const setup = configured ? (await createGuardFromFlags(flags, true, 'safemed guard eval')).setup : undefined;
  const counted = setup?.options?.llmGuard ? countLlmGuardCalls(setup.options.llmGuard) : undefined;
  const concurrency = wholeNumberFlag('--concurrency', flags.concurrency ?? (counted ? '8' : '1'));
  // The real input check decides (default policy unless --guard-config); the assessment is the one already computed.
  const decide = async (assessment: RiskAssessment, messages: ChatMessage[]): Promise<{ action: GuardDecisionAction; dimension: string }> => {
    const check = await checkInput(messages, {
      assess: { assessConversation: () => assessment, assessText: () => assessment },
      policy: setup?.policy ?? DEFAULT_GUARD_POLICY,
      failMode: setup?.options?.failMode ?? 'closed',
      spec,
      logger: silentLogger,
      ...(counted ? { llmGuard: counted.guard } : {}),
    });
    return { action: check.verdict.action, dimension: check.verdict.dimension };
  };
  const assess = flags.fastOnly === true ? assessConversation : (messages: ChatMessage[]) => assessConversationRefined(messages);
  const progress = createProgressReporter({ mode: progressMode(flags.progress) });
  progress.start('guard eval', records.length, 0);
  let evaluation: Awaited<ReturnType<typeof evaluateCorpus>>;
  try {
    evaluation = await evaluateCorpus(records, { assess, decide, concurrency, onRecord: () => { progress.tick('guard eval'); } });
  } finally {
    progress.finish('guard eval');
    progress.stop();
    await setup?.close();
  }
  const llmGuardLine = counted ? formatLlmGuardCalls(counted.stats, records.length, flags.guardLlm ?? '', counted.guard.mode) : undefined;
  if (flags.json) {
    const llmGuard = counted ? { uri: flags.guardLlm, mode: counted.guard.mode, calls: counted.stats.calls, failures: counted.stats.failures } : undefined;
    process.stdout.write(`${JSON.stringify({ ...evaluation, threshold: recommendedRiskThreshold(), badLines: badCount, ...(llmGuard ? { llmGuard } : {}) }, null, 2)}\n`);
  } else {
    const reader = `${flags.fastOnly === true ? 'fast path only' : 'fast path + sentence encoder in the uncertain band'}${counted ? ' + LLM guard' : ''}`;
    process.stdout.write(`${formatCorpusEvaluation(evaluation, `guard evaluation, split ${flags.split}, ${reader}`)}\n`);
    if (llmGuardLine !== undefined) process.stdout.write(`\n${llmGuardLine}\n`);
    if (flags.errors === true) process.stdout.write(`\nmisclassified ids (first 20 per group)\n${JSON.stringify(evaluation.errors, null, 2)}\n`);
    if (badCount > 0) process.stdout.write(`\n${badCount} bad line(s) skipped (see stderr)\n`);
  }
  if (badCount > 0) process.exitCode = 1;
}

function wholeNumberFlag(flag: string, value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value)) throw new InvalidRequestError(`${flag} must be a whole number from 1 to 9999, got "${value}".`, { param: flag.slice(2), fix: `Pass e.g. ${flag} 8.` });
  return Number(value);
}

/** Adds `train` and `eval` to the `safemed guard` command group. */
export function registerGuardTrainingCommands(guardCommand: Command): Command {
  guardCommand
    .command('train')
    .description('Regenerate the generated guard corpus and train the embedded classifier (needs a source checkout and ../shared/data; deterministic for a seed).')
    .option('--data-dir <dir>', 'the shared data folder (safety/, benign/, bench/)', '../shared/data')
    .option('--out <dir>', 'where to write guard-model.json and guard-model.bin', 'assets/guard')
    .option('--seed <n>', 'random seed', '20261124')
    .action((flags: TrainFlags) => runTrain(flags));
  guardCommand
    .command('eval')
    .description('The guard on labelled records (guard-corpus JSONL, or {"prompt","label":"safe"|"unsafe"} as other safety sets write them): recall per language, kind, perspective and mechanism; benign flagged per kind; emergencies escalated; dimension and mechanism accuracy.')
    .option('--input <path>', 'a JSONL file or a folder of them, repeatable (default: data/guard/corpus)', collect)
    .option('--split <names>', 'train, dev, test (comma-separated) or all; records without a split are always kept', 'all')
    .option('--json', 'print the figures as JSON')
    .option('--errors', 'also print the ids of misclassified records (for error analysis on dev, never on test)')
    .option('--fast-only', 'the fast path alone, without the sentence-encoder head in the uncertain band')
    .option('--traditional', 'rewrite the Chinese records in traditional characters first (OpenCC, Taiwan standard): the guard on traditional-script requests')
    .option('--guard-llm <uri>', 'also ask an LLM guard, as serve does (openai:/vllm:/llama: URI; Llama Guard 3, Qwen3Guard or any chat model); the report counts its calls')
    .option('--guard-llm-mode <mode>', 'always, never or uncertain (default: only for risks in the uncertain band)')
    .option('--guard-fail <mode>', 'open or closed (default): what a guard error does')
    .option('--guard-config <yaml>', 'guard policy file: thresholds and per-dimension overrides (docs/guard.md)')
    .option('--concurrency <n>', 'records checked at once (default 8 with --guard-llm, else 1)')
    .option('--progress <mode>', 'bars, lines or none (default: bars on a terminal, else lines)')
    .action((flags: Omit<EvalFlags, 'input'> & { input?: string[] }) => runEval({ ...flags, input: flags.input ?? ['data/guard/corpus'] }));
  return guardCommand;
}
