/**
 * The `safemed redteam` commands end to end (the CLI only parses flags): generate attacks from seeds,
 * run them against a target and write the reports, compare runs, export attacks for training.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createBackend } from '../backends/registry.js';
import type { Backend } from '../core/backend.js';
import { ConfigError, DataFormatError } from '../core/errors.js';
import { createProgressReporter } from '../eval/engine/create-progress-reporter.js';
import { createRateLimiter } from '../eval/engine/create-rate-limiter.js';
import { sampleItems } from '../eval/engine/sample-items.js';
import { deriveJudgeId, parseBackendSpec, parseJudgeSpec } from '../eval/parse-eval-arguments.js';
import { createMedSafetyJudge, type MedSafetyJudge } from '../judges/med-safety-judge.js';
import { loadSafetySpec, type SafetySpec } from '../spec/index.js';
import { exportGrpoPrompts, exportGuardRecords } from './export-attacks.js';
import { generateLlmAttacks, type AttackerFailure, type AttackerTask } from './generate-llm-attacks.js';
import { generateTemplateAttacks } from './generate-template-attacks.js';
import { loadRedteamSeeds, type SeedInference } from './load-redteam-seeds.js';
import { loadRedteamTemplates } from './load-redteam-templates.js';
import { readAttackFile } from './read-attack-file.js';
import type { RedteamResultRecord } from './redteam-result-record.js';
import type { AttackRecord, RedteamLanguage } from './redteam-types.js';
import { runRedteam, type GuardCheck, type RedteamTarget, type RunRedteamResult } from './run-redteam.js';
import { summarizeRedteam, type RedteamSummary } from './summarize-redteam.js';
import { formatRedteamComparison, writeRedteamReport } from './write-redteam-report.js';

export type ProgressMode = 'bars' | 'lines' | 'silent';

/** Writes a file whole or not at all (temporary file + rename). */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function toJsonLines(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join('\n') + (values.length > 0 ? '\n' : '');
}

export function parseStrategies(text: string, spec: SafetySpec): string[] {
  const known: string[] = spec.attackStrategies.map((strategy) => strategy.id);
  if (text.trim() === 'all') return known;
  const wanted = text.split(',').map((part) => part.trim().replace(/-/gu, '_')).filter((part) => part !== '');
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new ConfigError(`--strategies: unknown strategy ${unknown.map((id) => `"${id}"`).join(', ') || '(none given)'}.`, {
      key: '--strategies',
      fix: `Use all, or a comma-separated list of: ${known.map((id) => id.replace(/_/gu, '-')).join(', ')}.`,
    });
  }
  return [...new Set(wanted)];
}

export function parseLanguages(text: string): RedteamLanguage[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const bad = parts.filter((part) => part !== 'en' && part !== 'zh');
  if (parts.length === 0 || bad.length > 0) throw new ConfigError(`--languages: expected en and/or zh, got "${text}".`, { key: '--languages', fix: '--languages en,zh' });
  return [...new Set(parts)] as RedteamLanguage[];
}

/** Seed inference by the guard (loaded only when a seed lacks a dimension or language). */
async function guardInference(): Promise<SeedInference> {
  const [{ assessText }, { detectLanguage }] = await Promise.all([import('../guard/assess-risk.js'), import('../guard/detect/detect-language.js')]);
  return {
    dimension: (text) => {
      const dimension = assessText(text).dimension;
      return dimension === 'benign' ? 'general_harm' : dimension;
    },
    language: (text) => (detectLanguage(text) === 'zh' ? 'zh' : 'en'),
  };
}

export interface RedteamGenerateSettings {
  seeds: string[];
  strategies: string;
  languages: string;
  perSeed: number;
  turns?: number;
  attacker?: string;
  attackerApiKey?: string;
  seed: number;
  out: string;
  concurrency: number;
  rate?: number;
  retries: number;
  timeoutMs: number;
  progress: ProgressMode;
  signal?: AbortSignal;
}

export interface RedteamGenerateOutcome {
  attacks: number;
  seeds: number;
  skippedSeeds: string[];
  failures: AttackerFailure[];
  failuresFile?: string;
  elapsedMs: number;
}

export async function executeRedteamGenerate(settings: RedteamGenerateSettings): Promise<RedteamGenerateOutcome> {
  const started = Date.now();
  const spec = loadSafetySpec();
  const strategies = parseStrategies(settings.strategies, spec);
  const languages = parseLanguages(settings.languages);
  if (settings.seeds.length === 0) throw new ConfigError('No seed file given.', { key: '--seeds', fix: 'Add --seeds <file|dir> (CSV, JSONL, .txt or a MedSafetyBench folder).' });
  const seeds = loadRedteamSeeds(settings.seeds, { infer: await guardInference(), dimensions: new Set(spec.dimensions.map((dimension) => dimension.id)) });
  if (!settings.attacker) {
    const templates = loadRedteamTemplates(spec);
    const generated = generateTemplateAttacks({ seeds, strategies, languages, perSeed: settings.perSeed, ...(settings.turns !== undefined ? { turns: settings.turns } : {}), seed: settings.seed, templates, spec });
    writeAtomically(settings.out, toJsonLines(generated.attacks));
    return { attacks: generated.attacks.length, seeds: seeds.length, skippedSeeds: generated.skippedSeeds, failures: [], elapsedMs: Date.now() - started };
  }
  const attackerSpec = parseBackendSpec(settings.attacker);
  const attacker = await createBackend(attackerSpec.uri, {
    timeoutMs: settings.timeoutMs,
    maxRetries: 0,
    ...(attackerSpec.model ? { model: attackerSpec.model } : {}),
    ...(settings.attackerApiKey ? { apiKey: settings.attackerApiKey } : {}),
  });
  try {
    const tasks: AttackerTask[] = [];
    for (const seed of seeds) for (const strategy of strategies) for (const language of languages) for (let k = 0; k < settings.perSeed; k += 1) tasks.push({ seed, strategy, language, k });
    const controller = new AbortController();
    const signal = settings.signal ? AbortSignal.any([settings.signal, controller.signal]) : controller.signal;
    const generated = await generateLlmAttacks({
      tasks,
      attacker,
      spec,
      turns: settings.turns ?? 3,
      concurrency: settings.concurrency,
      maxAttempts: settings.retries + 1,
      limiter: createRateLimiter(settings.rate),
      timeoutMs: settings.timeoutMs,
      progress: createProgressReporter({ mode: settings.progress }),
      signal,
    });
    writeAtomically(settings.out, toJsonLines(generated.attacks));
    let failuresFile: string | undefined;
    if (generated.failures.length > 0) {
      failuresFile = settings.out.replace(/\.jsonl$/u, '') + '.failures.jsonl';
      writeAtomically(failuresFile, toJsonLines(generated.failures));
    }
    return { attacks: generated.attacks.length, seeds: seeds.length, skippedSeeds: [], failures: generated.failures, ...(failuresFile ? { failuresFile } : {}), elapsedMs: Date.now() - started };
  } finally {
    await attacker.close();
  }
}

export interface RedteamRunSettings {
  /** A backend URI (`vllm:http://…#model`) or `guard` (the embedded guard alone). */
  target: string;
  guard: boolean;
  attacks: string;
  judge: string[];
  judgeApiKey?: string;
  upstreamApiKey?: string;
  successThreshold: number;
  adaptive: boolean;
  attacker?: string;
  attackerApiKey?: string;
  maxRounds: number;
  out: string;
  concurrency: number;
  rate?: number;
  limit?: number;
  resume: boolean;
  timeoutMs: number;
  retries: number;
  progress: ProgressMode;
  /** Wraps a model with the guard (serve's guard); provided by the CLI when --guard on. */
  wrapGuard?: (backend: Backend) => Backend;
  /** The guard alone (for --target guard); provided by the CLI. */
  guardCheck?: GuardCheck;
  guardHashExtras?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface RedteamRunOutcome {
  result: RunRedteamResult;
  summary: RedteamSummary;
  files: string[];
}

export async function executeRedteamRun(settings: RedteamRunSettings): Promise<RedteamRunOutcome> {
  const spec = loadSafetySpec();
  const allAttacks = readAttackFile(settings.attacks);
  const attacks: AttackRecord[] = sampleItems(allAttacks, settings.limit, 0);
  const guardTarget = settings.target === 'guard';
  if (!guardTarget && settings.judge.length === 0) {
    throw new ConfigError('A model target needs at least one --judge to score its answers.', { key: '--judge', fix: 'Add --judge [id=]<backend-uri>[#model], or use --target guard to test the guard alone.' });
  }
  if (settings.adaptive && !settings.attacker) throw new ConfigError('--adaptive needs --attacker <uri>.', { key: '--attacker', fix: 'Add --attacker openai:http://…#model.' });
  if (settings.successThreshold < 1 || settings.successThreshold > 5) {
    throw new ConfigError(`--success-threshold must be between 1 and 5, got ${settings.successThreshold}.`, { key: '--success-threshold', fix: '--success-threshold 4' });
  }
  mkdirSync(settings.out, { recursive: true });
  if (existsSync(join(settings.out, 'results.jsonl')) && !settings.resume) {
    throw new ConfigError(`${join(settings.out, 'results.jsonl')} already exists.`, { key: '--out', fix: 'Add --resume to continue that run, or choose another --out.' });
  }
  const backends: Backend[] = [];
  try {
    let target: RedteamTarget;
    if (guardTarget) {
      if (!settings.guardCheck) throw new ConfigError('--target guard is not available in this build.', { key: '--target', fix: 'Give a backend URI.' });
      target = { kind: 'guard', id: 'guard', check: settings.guardCheck };
    } else {
      const spec0 = parseBackendSpec(settings.target);
      const model = await createBackend(spec0.uri, {
        timeoutMs: settings.timeoutMs,
        maxRetries: 0,
        ...(spec0.model ? { model: spec0.model } : {}),
        ...(settings.upstreamApiKey ? { apiKey: settings.upstreamApiKey } : {}),
      });
      backends.push(model);
      if (settings.guard && !settings.wrapGuard) throw new ConfigError('--guard on is not available in this build.', { key: '--guard', fix: 'Run with --guard off.' });
      const backend = settings.guard && settings.wrapGuard ? settings.wrapGuard(model) : model;
      target = { kind: 'model', id: `${settings.target}${settings.guard ? ' (guarded)' : ''}`, backend, guarded: settings.guard };
    }
    const judges: MedSafetyJudge[] = [];
    if (!guardTarget) {
      const taken = new Set<string>();
      for (const text of settings.judge) {
        const judgeSpec = parseJudgeSpec(text);
        const backend = await createBackend(judgeSpec.uri, {
          timeoutMs: settings.timeoutMs,
          ...(judgeSpec.model ? { model: judgeSpec.model } : {}),
          ...(settings.judgeApiKey ? { apiKey: settings.judgeApiKey } : {}),
        });
        backends.push(backend);
        judges.push(createMedSafetyJudge({ id: deriveJudgeId(judgeSpec, backend.modelId, taken), backend, maxAttempts: settings.retries + 1 }));
      }
    }
    let adaptive: { attacker: Backend; maxRounds: number } | undefined;
    if (settings.adaptive && settings.attacker) {
      const attackerSpec = parseBackendSpec(settings.attacker);
      const attacker = await createBackend(attackerSpec.uri, {
        timeoutMs: settings.timeoutMs,
        ...(attackerSpec.model ? { model: attackerSpec.model } : {}),
        ...(settings.attackerApiKey ? { apiKey: settings.attackerApiKey } : {}),
      });
      backends.push(attacker);
      adaptive = { attacker, maxRounds: settings.maxRounds };
    }
    const result = await runRedteam({
      target,
      attacks,
      outDir: settings.out,
      judges,
      successThreshold: settings.successThreshold,
      ...(adaptive ? { adaptive } : {}),
      spec,
      hashExtras: { guard: settings.guardHashExtras ?? {} },
      concurrency: settings.concurrency,
      ...(settings.rate ? { ratePerSecond: settings.rate } : {}),
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      progress: createProgressReporter({ mode: settings.progress }),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const summary = summarizeRedteam({
      records: result.records,
      target: target.id,
      runHash: result.runHash,
      judges: judges.map((judge) => ({ id: judge.id, uri: judge.uri })),
      successThreshold: settings.successThreshold,
      adaptiveRounds: adaptive ? adaptive.maxRounds : null,
      attacks: attacks.length,
      complete: result.complete,
      now: new Date(),
    });
    const files = [join(settings.out, 'results.jsonl'), ...(await writeRedteamReport(settings.out, summary, spec))];
    return { result, summary, files };
  } finally {
    await Promise.allSettled(backends.map((backend) => backend.close()));
  }
}

function readSummary(dir: string): RedteamSummary {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) throw new DataFormatError(`${dir} has no summary.json.`, { file: path, fix: 'Give folders written by `safemed redteam run`.' });
  const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<RedteamSummary>;
  if (typeof value.overall !== 'object' || typeof value.by_strategy !== 'object') {
    throw new DataFormatError(`${path} is not a red-team summary (no overall / by_strategy).`, { file: path, fix: 'Give folders written by `safemed redteam run`.' });
  }
  return value as RedteamSummary;
}

export function executeRedteamCompare(dirs: string[], out?: string): { markdown: string; file?: string } {
  if (dirs.length < 2) throw new ConfigError('Compare needs at least two run folders.', { fix: 'safemed redteam compare runs/raw runs/guarded' });
  const spec = loadSafetySpec();
  const markdown = formatRedteamComparison(dirs.map((dir) => ({ name: dir.replace(/\/+$/u, '').split('/').pop() ?? dir, summary: readSummary(dir) })), spec);
  if (!out) return { markdown };
  mkdirSync(out, { recursive: true });
  const file = join(out, 'compare.md');
  writeFileSync(file, markdown);
  return { markdown, file };
}

function readResults(dir: string): Map<string, RedteamResultRecord> {
  const path = join(dir, 'results.jsonl');
  if (!existsSync(path)) throw new DataFormatError(`${dir} has no results.jsonl.`, { file: path, fix: 'Give a folder written by `safemed redteam run`.' });
  const byAttack = new Map<string, RedteamResultRecord>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as RedteamResultRecord;
      byAttack.set(record.attack_id, record);
    } catch {
      // a torn last line of an interrupted run: skipped, as on --resume
    }
  }
  return byAttack;
}

export function executeRedteamExport(settings: { attacks: string; results?: string; format: string; out: string; limit?: number }): { records: number; out: string } {
  const attacks = readAttackFile(settings.attacks);
  let records: unknown[];
  if (settings.format === 'grpo') records = exportGrpoPrompts(attacks, settings.results ? readResults(settings.results) : new Map<string, RedteamResultRecord>(), settings.limit);
  else if (settings.format === 'guard') records = exportGuardRecords(attacks).slice(0, settings.limit ?? attacks.length);
  else throw new ConfigError(`--format must be grpo or guard, got "${settings.format}".`, { key: '--format', fix: '--format grpo' });
  writeAtomically(settings.out, toJsonLines(records));
  return { records: records.length, out: settings.out };
}
