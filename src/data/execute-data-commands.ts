/**
 * The `safemed data` commands end to end (the CLI only parses flags): backends from URIs, the
 * engine's rate limit and progress, the stage, the output files and a one-paragraph outcome.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createBackend } from '../backends/registry.js';
import type { Backend } from '../core/backend.js';
import { ConfigError, DataFormatError } from '../core/errors.js';
import { createProgressReporter } from '../eval/engine/create-progress-reporter.js';
import { createRateLimiter, type RateLimiter } from '../eval/engine/create-rate-limiter.js';
import { deriveJudgeId, parseBackendSpec, parseJudgeSpec } from '../eval/parse-eval-arguments.js';
import { loadSafetySpec } from '../spec/index.js';
import { cotTasksOf, loadExamItems } from './cot/load-exam-items.js';
import { runCot } from './cot/run-cot.js';
import { DEFAULT_TEMPERATURES, writeCot } from './cot/write-cot.js';
import type { PipelineRecord } from './data-record.js';
import { buildBenchmarkIndex } from './decontam/build-benchmark-index.js';
import { decontaminateItems } from './decontam/decontaminate-items.js';
import { dedupItems } from './dedup/dedup-items.js';
import { createModelCaller, type ModelCaller } from './engine/create-model-caller.js';
import { loadPipelinePrompts } from './engine/load-pipeline-prompts.js';
import { assertInputFile, readJsonl } from './engine/read-jsonl.js';
import { writeJsonlAtomically } from './engine/write-jsonl.js';
import { ethicsSettings, generateEthics, parseDimensions } from './ethics/generate-ethics.js';
import { readSources } from './ethics/read-sources.js';
import { writeEthicsItem } from './ethics/write-ethics-item.js';
import { expandItems, type SeedItem } from './expand/expand-items.js';
import { exportPipelineRecords } from './export-pipeline-records.js';
import type { ExportFormat } from './export/index.js';
import { mixDatasets, parseRatios, type MixSource } from './mix/mix-datasets.js';
import { DEFAULT_STRIKE_RULES } from './qc/count-strikes.js';
import { createCriteriaJudge, type CriteriaJudge } from './qc/create-criteria-judge.js';
import { runQc, type Regenerator } from './qc/run-qc.js';
import { formatQcSummary } from './qc/summarize-qc.js';
import { openReviewQueue } from './review/review-queue.js';

export type ProgressMode = 'bars' | 'lines' | 'silent';

export interface EngineSettings {
  concurrency: number;
  rate?: number;
  timeoutMs: number;
  retries: number;
  resume: boolean;
  progress: ProgressMode;
  signal?: AbortSignal;
}

export interface DataOutcome {
  lines: string[];
  /** Non-zero when items failed (the run is resumable). */
  exitCode: number;
}

interface OpenedBackend {
  caller: ModelCaller;
  label: string;
  backend: Backend;
}

async function openCaller(spec: string, apiKey: string | undefined, engine: EngineSettings, limiter: RateLimiter): Promise<OpenedBackend> {
  const parsed = parseBackendSpec(spec);
  const backend = await createBackend(parsed.uri, { timeoutMs: engine.timeoutMs, maxRetries: 0, ...(parsed.model ? { model: parsed.model } : {}), ...(apiKey ? { apiKey } : {}) });
  const label = parsed.model ? `${parsed.uri}#${parsed.model}` : backend.modelId ? `${parsed.uri}#${backend.modelId}` : parsed.uri;
  return { backend, label, caller: createModelCaller({ backend, limiter, timeoutMs: engine.timeoutMs, retries: engine.retries }) };
}

function progressOf(engine: EngineSettings) {
  return createProgressReporter({ mode: engine.progress });
}

function failuresLine(failures: Array<{ id: string; error: string }>, out: string): string[] {
  if (failures.length === 0) return [];
  const file = `${out}.failures.jsonl`;
  writeJsonlAtomically(file, failures);
  return [`  ${failures.length} item(s) failed (teacher/judge unreachable or interrupted); reasons in ${file}. Run again with --resume to retry only those.`];
}

export function parseTemperatures(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_TEMPERATURES;
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < 0 || value > 2)) {
    throw new ConfigError(`--temperatures: expected comma-separated numbers between 0 and 2, got "${text}".`, { key: '--temperatures', fix: '--temperatures 0,0.4,0.7,1' });
  }
  return values;
}

export interface CotSettings extends EngineSettings {
  inputs: string[];
  columns: string[];
  teacher: string;
  teacherApiKey?: string;
  samples: number;
  maxAttempts: number;
  temperatures?: string;
  maxTokens: number;
  seed: number;
  limit?: number;
  out: string;
}

export async function executeCot(settings: CotSettings): Promise<DataOutcome> {
  const items = await loadExamItems(settings.inputs, settings.columns);
  const { sampleItems } = await import('../eval/engine/sample-items.js');
  const chosen = sampleItems(items, settings.limit, settings.seed);
  const limiter = createRateLimiter(settings.rate);
  const teacher = await openCaller(settings.teacher, settings.teacherApiKey, settings, limiter);
  try {
    const result = await runCot({
      tasks: cotTasksOf(chosen, settings.samples),
      teacher: teacher.caller,
      teacherLabel: teacher.label,
      temperatures: parseTemperatures(settings.temperatures),
      maxAttempts: settings.maxAttempts,
      maxTokens: settings.maxTokens,
      seed: settings.seed,
      out: settings.out,
      resume: settings.resume,
      concurrency: settings.concurrency,
      progress: progressOf(settings),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const lines = [
      `wrote ${result.records.length} CoT items → ${settings.out}: ${result.verified} verified, ${result.records.length - result.verified} unverified (kept with a strike) — ${result.newRecords} new, ${result.reusedRecords} from the resume log (settings ${result.settingsHash})`,
      ...failuresLine(result.failures, settings.out),
    ];
    if (!result.complete && result.failures.length === 0) lines.push('  interrupted: run again with --resume to finish.');
    return { lines, exitCode: result.complete ? 0 : 1 };
  } finally {
    await teacher.backend.close();
  }
}

export interface ExpandSettings extends EngineSettings {
  input: string;
  columns: string[];
  teacher: string;
  teacherApiKey?: string;
  verifier?: string;
  topics?: string;
  difficulties: string;
  perTopic: number;
  optionCount: number;
  examples: number;
  temperature: number;
  maxAttempts: number;
  maxTokens: number;
  seed: number;
  out: string;
}

function readSeedItems(input: string): Promise<SeedItem[]> | SeedItem[] {
  assertInputFile(input, '--input');
  const first = input.toLowerCase().endsWith('.jsonl') ? readJsonl(input)[0]?.record : undefined;
  if (first?.kind === 'cot') {
    return readJsonl(input).map(({ record }) => ({ question: String(record.question), language: record.language === 'zh' ? 'zh' : 'en', ...(typeof record.subject === 'string' ? { subject: record.subject } : {}) }));
  }
  return [];
}

export async function executeExpand(settings: ExpandSettings): Promise<DataOutcome> {
  let seeds = await readSeedItems(settings.input);
  if (seeds.length === 0) seeds = (await loadExamItems([settings.input], settings.columns)).map((item) => ({ question: item.question, language: item.language, ...(item.subject !== undefined ? { subject: item.subject } : {}) }));
  const topics = settings.topics?.split(',').map((topic) => topic.trim()).filter(Boolean);
  if ((!topics || topics.length === 0) && !seeds.some((seed) => seed.subject !== undefined)) {
    throw new ConfigError(`${settings.input}: the seed items have no subject to take topics from.`, { key: '--topics', fix: 'Name the topics: --topics cardiology,pharmacology (or give seeds with a subject column).' });
  }
  const difficulties = settings.difficulties.split(',').map((value) => value.trim()).filter(Boolean);
  const prompts = loadPipelinePrompts();
  const unknown = difficulties.filter((value) => !(value in prompts.expand.difficulties));
  if (unknown.length > 0 || difficulties.length === 0) throw new ConfigError(`--difficulties: unknown "${unknown.join(', ')}".`, { key: '--difficulties', fix: `Use some of: ${Object.keys(prompts.expand.difficulties).join(', ')}.` });
  const limiter = createRateLimiter(settings.rate);
  const teacher = await openCaller(settings.teacher, settings.teacherApiKey, settings, limiter);
  const verifier = settings.verifier ? await openCaller(settings.verifier, settings.teacherApiKey, settings, limiter) : teacher;
  try {
    const result = await expandItems({
      seeds,
      ...(topics && topics.length > 0 ? { topics } : {}),
      difficulties,
      perTopic: settings.perTopic,
      optionCount: settings.optionCount,
      examplesPerTask: settings.examples,
      teacher: teacher.caller,
      teacherLabel: teacher.label,
      verifier: verifier.caller,
      verifierLabel: verifier.label,
      temperature: settings.temperature,
      maxAttempts: settings.maxAttempts,
      maxTokens: settings.maxTokens,
      seed: settings.seed,
      out: settings.out,
      resume: settings.resume,
      concurrency: settings.concurrency,
      progress: progressOf(settings),
      prompts,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const lines = [`wrote ${result.records.length} new QA items → ${settings.out}: ${result.verified} confirmed by a blind answer, ${result.records.length - result.verified} with a disagreement strike; ${result.rejected.length} unusable question(s) dropped — ${result.newRecords} new, ${result.reusedRecords} from the resume log`];
    if (result.rejected.length > 0) {
      writeJsonlAtomically(`${settings.out}.rejected.jsonl`, result.rejected);
      lines.push(`  reasons for the dropped ones: ${settings.out}.rejected.jsonl`);
    }
    lines.push(...failuresLine(result.failures, settings.out));
    return { lines, exitCode: result.complete ? 0 : 1 };
  } finally {
    await Promise.allSettled([teacher.backend.close(), verifier.backend.close()]);
  }
}

export interface QcSettings extends EngineSettings {
  input: string;
  judges: string[];
  judgeApiKey?: string;
  teacher?: string;
  teacherApiKey?: string;
  regenerate: 'once' | 'never';
  passMark: number;
  disagreement: number;
  strikeLimit: number;
  queue?: string;
  out: string;
  summary?: string;
}

function readPipelineRecords(input: string): PipelineRecord[] {
  assertInputFile(input, '--input');
  return readJsonl(input).map(({ line, record }) => {
    if ((record.kind !== 'cot' && record.kind !== 'ethics') || typeof record.id !== 'string' || typeof record.response !== 'string' || !Array.isArray(record.strikes)) {
      throw new DataFormatError(`${input}:${line}: not a pipeline item (expected a record written by \`safemed data cot|expand|ethics\`: kind, id, response, strikes).`, { file: input, line, fix: 'Run `safemed data cot` (or expand / ethics) first and give its --out file.' });
    }
    return record as unknown as PipelineRecord;
  });
}

export async function executeQc(settings: QcSettings): Promise<DataOutcome> {
  if (settings.judges.length === 0) throw new ConfigError('QC needs at least one --judge.', { key: '--judge', fix: 'Add --judge name=<backend-uri>[#model] (repeatable).' });
  if (settings.passMark < 1 || settings.passMark > 5) throw new ConfigError(`--pass-mark must be between 1 and 5, got ${settings.passMark}.`, { key: '--pass-mark', fix: '--pass-mark 3' });
  const records = readPipelineRecords(settings.input);
  if (records.length === 0) throw new DataFormatError(`${settings.input} has no items.`, { file: settings.input, fix: 'Give the --out file of `safemed data cot`, `expand` or `ethics` (it is empty when every item failed; see its .failures.jsonl).' });
  const spec = loadSafetySpec();
  const prompts = loadPipelinePrompts();
  const limiter = createRateLimiter(settings.rate);
  const opened: OpenedBackend[] = [];
  const queue = settings.queue ? openReviewQueue({ path: settings.queue }) : undefined;
  try {
    const judges: CriteriaJudge[] = [];
    const labels: string[] = [];
    const taken = new Set<string>();
    for (const text of settings.judges) {
      const judgeSpec = parseJudgeSpec(text);
      const backend = await openCaller(judgeSpec.model ? `${judgeSpec.uri}#${judgeSpec.model}` : judgeSpec.uri, settings.judgeApiKey, settings, limiter);
      opened.push(backend);
      judges.push(createCriteriaJudge({ id: deriveJudgeId(judgeSpec, backend.backend.modelId, taken), caller: backend.caller, prompts, maxAttempts: settings.retries + 1 }));
      labels.push(backend.label);
    }
    let regenerate: { run: Regenerator; label: string } | undefined;
    if (settings.regenerate === 'once' && settings.teacher) {
      const teacher = await openCaller(settings.teacher, settings.teacherApiKey, settings, limiter);
      opened.push(teacher);
      const run: Regenerator = async (record, signal) => {
        if (record.kind === 'cot') {
          const outcome = await writeCot(
            { id: record.id, source: record.source, language: record.language, ...(record.subject !== undefined ? { subject: record.subject } : {}), ...(record.difficulty !== undefined ? { difficulty: record.difficulty } : {}), question: record.question, options: record.options, answer: record.answer, sample: record.attempts, strikes: record.strikes.filter((strike) => strike.stage === 'expand') },
            { teacher: teacher.caller, teacherLabel: teacher.label, prompts, temperatures: DEFAULT_TEMPERATURES, maxAttempts: 2, maxTokens: 2048, seed: 1, settingsHash: record.settings_hash },
            signal,
          );
          return outcome.kind === 'error' ? { error: outcome.error } : { ...outcome, id: record.id };
        }
        const dimension = spec.dimensions.find((entry) => entry.id === record.dimension);
        if (!dimension) return { error: `unknown dimension ${record.dimension}` };
        const { write } = ethicsSettings({ teacherLabel: teacher.label, temperature: 0.9, maxAttempts: 2, maxTokens: 2048, seed: 1 }, prompts);
        const outcome = await writeEthicsItem(
          { id: record.id, dimension, perspective: record.perspective, case: record.case, language: record.language, ...(record.grounding ? { passage: { file: record.grounding.file, passage: record.grounding.passage, citation: record.grounding.citation, text: record.grounding.excerpt } } : {}) },
          { ...write, teacher: teacher.caller, settingsHash: record.settings_hash },
          signal,
        );
        return outcome.kind === 'done' ? outcome.record : { error: outcome.kind === 'error' ? outcome.error : outcome.reason };
      };
      regenerate = { run, label: teacher.label };
    }
    const rules = { passMark: settings.passMark, disagreement: settings.disagreement, limit: settings.strikeLimit };
    const result = await runQc({
      records,
      judges,
      judgeLabels: labels,
      spec,
      rules: { ...DEFAULT_STRIKE_RULES, ...rules },
      ...(regenerate ? { regenerate } : {}),
      out: settings.out,
      ...(queue ? { queue } : {}),
      resume: settings.resume,
      concurrency: settings.concurrency,
      progress: progressOf(settings),
      prompts,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const summaryFile = settings.summary ?? settings.out.replace(/\.jsonl$/u, '') + '.summary.json';
    writeFileSync(summaryFile, JSON.stringify(result.summary, null, 2) + '\n');
    const lines = [formatQcSummary(result.summary), `accepted → ${settings.out}; figures → ${summaryFile}`];
    if (result.queued.length > 0) {
      lines.push(queue ? `${result.queued.length} item(s) for the expert panel (${result.newlyQueued} newly queued) → ${queue.path}; review with \`safemed data review list --db ${settings.queue ?? ''}\`` : `${result.queued.length} item(s) reached the strike limit but no --queue was given: they are in neither output. Add --queue review.db and run again with --resume.`);
    }
    if (settings.regenerate === 'once' && !settings.teacher) lines.push('  (no --teacher: failed criteria were not regenerated)');
    lines.push(...failuresLine(result.failures, settings.out));
    return { lines, exitCode: result.complete ? 0 : 1 };
  } finally {
    queue?.close();
    await Promise.allSettled(opened.map((entry) => entry.backend.close()));
  }
}

export interface EthicsSettings extends EngineSettings {
  dimensions: string;
  perDimension: number;
  languages: string;
  teacher: string;
  teacherApiKey?: string;
  sources?: string;
  temperature: number;
  maxAttempts: number;
  maxTokens: number;
  seed: number;
  out: string;
}

export async function executeEthics(settings: EthicsSettings): Promise<DataOutcome> {
  const spec = loadSafetySpec();
  const dimensions = parseDimensions(settings.dimensions, spec);
  const languages = settings.languages.split(',').map((part) => part.trim()).filter(Boolean);
  if (languages.length === 0 || languages.some((language) => language !== 'en' && language !== 'zh')) throw new ConfigError(`--languages: expected en and/or zh, got "${settings.languages}".`, { key: '--languages', fix: '--languages en,zh' });
  const passages = settings.sources ? readSources(settings.sources) : undefined;
  const limiter = createRateLimiter(settings.rate);
  const teacher = await openCaller(settings.teacher, settings.teacherApiKey, settings, limiter);
  try {
    const result = await generateEthics({
      spec,
      dimensions,
      languages: [...new Set(languages)] as Array<'en' | 'zh'>,
      perDimension: settings.perDimension,
      ...(passages ? { passages } : {}),
      teacher: teacher.caller,
      teacherLabel: teacher.label,
      temperature: settings.temperature,
      maxAttempts: settings.maxAttempts,
      maxTokens: settings.maxTokens,
      seed: settings.seed,
      out: settings.out,
      resume: settings.resume,
      concurrency: settings.concurrency,
      progress: progressOf(settings),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const lines = [
      `wrote ${result.records.length} ethics items → ${settings.out} (${Object.entries(result.byCase).map(([name, count]) => `${name} ${count}`).join(', ')}) over ${dimensions.length} dimension(s)${passages ? `, grounded in ${passages.length} source passages` : ''}; ${result.rejected.length} unusable`,
      `  audit them: safemed data qc --input ${settings.out} --judge <uri> --queue review.db --out ethics.qc.jsonl`,
    ];
    if (result.rejected.length > 0) {
      writeJsonlAtomically(`${settings.out}.rejected.jsonl`, result.rejected);
      lines.push(`  reasons for the unusable ones: ${settings.out}.rejected.jsonl`);
    }
    lines.push(...failuresLine(result.failures, settings.out));
    return { lines, exitCode: result.complete ? 0 : 1 };
  } finally {
    await teacher.backend.close();
  }
}

export async function executeDedup(settings: { input: string; out: string; removed?: string; threshold: number; permutations: number; wordShingle: number; charShingle: number; progress: ProgressMode }): Promise<DataOutcome> {
  assertInputFile(settings.input, '--input');
  if (settings.threshold <= 0 || settings.threshold > 1) throw new ConfigError(`--threshold must be in (0, 1], got ${settings.threshold}.`, { key: '--threshold', fix: '--threshold 0.8' });
  const started = Date.now();
  const result = await dedupItems({ input: settings.input, out: settings.out, ...(settings.removed ? { removed: settings.removed } : {}), threshold: settings.threshold, permutations: settings.permutations, shingles: { word: settings.wordShingle, char: settings.charShingle }, progress: createProgressReporter({ mode: settings.progress }) });
  return {
    lines: [`kept ${result.kept} of ${result.items} items → ${settings.out}; removed ${result.removedExact} exact and ${result.removedNear} near duplicates (Jaccard ≥ ${settings.threshold}) in ${result.clusters} clusters${settings.removed ? ` → ${settings.removed}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`],
    exitCode: 0,
  };
}

export async function executeDecontam(settings: { input: string; bench: string[]; out: string; removed?: string; report?: string; ngram: number; minMatches: number; progress: ProgressMode }): Promise<DataOutcome> {
  assertInputFile(settings.input, '--input');
  if (settings.bench.length === 0) throw new ConfigError('No benchmark given.', { key: '--bench', fix: 'Add --bench <file|dir> (repeatable): any file the eval loaders read.' });
  for (const bench of settings.bench) {
    const path = bench.includes(':') && !existsSync(bench) ? bench.slice(bench.indexOf(':') + 1) : bench;
    if (!existsSync(path)) throw new ConfigError(`--bench ${bench}: no such file or folder.`, { key: '--bench', fix: 'Give an existing benchmark file or folder.' });
  }
  const index = await buildBenchmarkIndex(settings.bench, { n: settings.ngram });
  if (index.items.length === 0) throw new DataFormatError(`No benchmark item could be read from ${settings.bench.join(', ')}.`, { fix: `Files skipped: ${index.skipped.map((entry) => `${entry.file} (${entry.reason})`).join('; ')}` });
  const report = settings.report ?? settings.out.replace(/\.jsonl$/u, '') + '.contamination.json';
  mkdirSync(dirname(report), { recursive: true });
  const result = await decontaminateItems({ input: settings.input, out: settings.out, ...(settings.removed ? { removed: settings.removed } : {}), report, index, minMatches: settings.minMatches, progress: createProgressReporter({ mode: settings.progress }) });
  const lines = [
    `kept ${result.kept} of ${result.items} items → ${settings.out}; removed ${result.removed} sharing a ${settings.ngram}-gram with a benchmark item (report naming each match → ${report})`,
    `  indexed ${index.items.length} items from ${index.files.length} benchmark file(s)${index.skipped.length > 0 ? `; skipped ${index.skipped.length} file(s) no loader reads (listed in the report)` : ''}`,
  ];
  for (const [benchmark, count] of Object.entries(result.byBenchmark)) lines.push(`  ${benchmark}: ${count}`);
  return { lines, exitCode: 0 };
}

export function executeMix(settings: { sources: string[]; ratio: string; total?: number; stratifyBy: string; seed: number; out: string }): DataOutcome {
  const ratios = parseRatios(settings.ratio);
  const files = new Map<string, string[]>();
  for (const text of settings.sources) {
    const equals = text.indexOf('=');
    if (equals <= 0) throw new ConfigError(`--source: cannot read "${text}".`, { key: '--source', fix: '--source knowledge=cot.jsonl (repeatable; the same name twice adds a file to that source)' });
    const name = text.slice(0, equals);
    files.set(name, [...(files.get(name) ?? []), text.slice(equals + 1)]);
  }
  const missing = [...files.keys()].filter((name) => !ratios.has(name));
  const extra = [...ratios.keys()].filter((name) => !files.has(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new ConfigError(`--ratio and --source name different sources (${[...missing.map((name) => `no ratio for ${name}`), ...extra.map((name) => `no file for ${name}`)].join('; ')}).`, { key: '--ratio', fix: 'Give one ratio per source name, e.g. --ratio knowledge=0.6,guard=0.2,ethics=0.2.' });
  }
  const sources: MixSource[] = [...files.entries()].map(([name, paths]) => ({
    name,
    ratio: ratios.get(name) ?? 0,
    records: paths.flatMap((path) => {
      assertInputFile(path, '--source');
      return readJsonl(path).map((entry) => entry.record);
    }),
  }));
  const result = mixDatasets({ sources, ...(settings.total !== undefined ? { total: settings.total } : {}), stratifyBy: settings.stratifyBy, seed: settings.seed });
  writeJsonlAtomically(settings.out, result.records);
  return {
    lines: [
      `wrote ${result.total} records → ${settings.out} (seed ${settings.seed})`,
      ...Object.entries(result.bySource).map(([name, entry]) => `  ${name}: ${entry.drawn} of ${entry.available}${entry.stratifiedBy ? ` stratified by ${entry.stratifiedBy} (${Object.keys(entry.strata).length} strata)` : ''}`),
    ],
    exitCode: 0,
  };
}

export async function executeExport(settings: { inputs: string[]; format: string; stage: string; outDir: string; name?: string; includeUnverified: boolean }): Promise<DataOutcome> {
  const { EXPORT_FORMATS } = await import('./export/index.js');
  if (!(EXPORT_FORMATS as readonly string[]).includes(settings.format)) throw new ConfigError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${settings.format}".`, { key: '--format', fix: '--format llamafactory-sharegpt' });
  if (settings.stage !== 'sft' && settings.stage !== 'grpo') throw new ConfigError(`--stage must be sft or grpo, got "${settings.stage}".`, { key: '--stage', fix: '--stage sft' });
  for (const input of settings.inputs) assertInputFile(input, '--input');
  const result = await exportPipelineRecords({ inputs: settings.inputs, format: settings.format as ExportFormat, stage: settings.stage, outDir: settings.outDir, ...(settings.name ? { name: settings.name } : {}), includeUnverified: settings.includeUnverified });
  const skipped = Object.entries(result.skipped);
  return {
    lines: [
      `exported ${result.rows} rows (${settings.format}, ${settings.stage}) → ${result.files.join(', ')}; read back and validated ${result.readBack} rows`,
      ...skipped.map(([reason, count]) => `  skipped ${count}: ${reason}`),
    ],
    exitCode: 0,
  };
}

