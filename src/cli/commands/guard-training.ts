/**
 * `safemed guard train` (rebuild the embedded classifier from the shared data, the same code as
 * `npm run train:guard`) and `safemed guard eval` (precision / recall / false-positive rate of the
 * committed classifier on a labelled JSONL file, at the default policy threshold).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DataFormatError, InvalidRequestError } from '../../core/errors.js';
import { assessConversation, assessText } from '../../guard/assess-risk.js';
import { evaluateLabeledItems, formatLabeledEvaluation, parseLabeledJsonl } from '../../guard/classifier/evaluate-labeled-items.js';
import { isFlagged } from '../../guard/is-flagged.js';

interface TrainFlags {
  dataDir: string;
  out: string;
  seed: string;
}

interface EvalFlags {
  input: string;
  json?: boolean;
}

/** The training code's entry point (training/guard/train-guard-model.ts), typed here without importing it. */
type TrainGuardModel = (options: { dataDir: string; outDir?: string; seed?: number; log?: (line: string) => void }) => unknown;

/**
 * Training is build-time code outside src/ (training/guard/), not shipped in dist: it is loaded only
 * inside this action, from a source checkout run with tsx (`npm run train:guard` does the same).
 */
async function loadTrainer(): Promise<TrainGuardModel> {
  const location = new URL('../../../training/guard/train-guard-model.js', import.meta.url).href;
  try {
    const loaded = (await import(location)) as { trainGuardModel?: unknown };
    if (typeof loaded.trainGuardModel === 'function') return loaded.trainGuardModel as TrainGuardModel;
  } catch (error) {
    throw new InvalidRequestError('`safemed guard train` needs the training code of a source checkout (training/guard/), which is not part of the installed package.', {
      cause: error,
      fix: 'Run it from a clone of the repository: `npm run train:guard` or `node --import tsx src/cli/main.ts guard train`.',
    });
  }
  throw new InvalidRequestError('training/guard/train-guard-model.ts does not export trainGuardModel.', { fix: 'Restore training/guard/ from git.' });
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
  const trainGuardModel = await loadTrainer();
  const started = Date.now();
  trainGuardModel({
    dataDir,
    outDir: resolve(flags.out),
    seed,
    log: (line) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
  });
}

function runEval(flags: EvalFlags): void {
  let content: string;
  try {
    content = readFileSync(flags.input, 'utf8');
  } catch (error) {
    throw new DataFormatError(`Cannot read ${flags.input}.`, { cause: error, file: flags.input, fix: 'Pass --input with a readable JSONL file.' });
  }
  const { items, badLines } = parseLabeledJsonl(content);
  for (const bad of badLines) process.stderr.write(`${flags.input}:${bad.line}: ${bad.error}\n`);
  if (items.length === 0) {
    throw new DataFormatError(`No valid labelled lines in ${flags.input}.`, {
      file: flags.input,
      fix: 'Each line must be {"id","text"|"messages","label":"harmful"|"benign","dimension"?,"language"?}.',
    });
  }
  const evaluation = evaluateLabeledItems(items, { assessText, assessConversation }, isFlagged);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...evaluation, badLines }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatLabeledEvaluation(evaluation)}\n`);
    if (badLines.length > 0) process.stdout.write(`\n${badLines.length} bad line(s) skipped: ${badLines.map((bad) => bad.line).join(', ')}\n`);
  }
  if (badLines.length > 0) process.exitCode = 1;
}

/** Adds `train` and `eval` to the `safemed guard` command group. */
export function registerGuardTrainingCommands(guardCommand: Command): Command {
  guardCommand
    .command('train')
    .description('Train the embedded risk classifier from the shared data and write assets/guard/ (deterministic for a seed).')
    .option('--data-dir <dir>', 'the shared data folder (safety/, benign/, bench/)', '../shared/data')
    .option('--out <dir>', 'where to write guard-model.json and guard-model.bin', 'assets/guard')
    .option('--seed <n>', 'random seed', '20261124')
    .action((flags: TrainFlags) => runTrain(flags));
  guardCommand
    .command('eval')
    .description('Precision, recall and false-positive rate of the classifier on labelled JSONL, overall, per dimension and per language.')
    .requiredOption('--input <file.jsonl>', 'lines of {"id","text"|"messages","label":"harmful"|"benign","dimension"?,"language"?}')
    .option('--json', 'print the figures as JSON')
    .action((flags: EvalFlags) => runEval(flags));
  return guardCommand;
}
