/**
 * `safemed data qc`: every judge scores every item on its rubric (the five CoT criteria, or the
 * ethics rubric for ethics items); strikes are counted (see count-strikes.ts); an item with at least
 * `limit` strikes goes to the expert review queue; an item with fewer is accepted, or — when a
 * criterion failed and a regenerator is given — regenerated once and judged again. Resumable,
 * concurrent, rate-limited like every stage; the figures of the run come from summarize-qc.ts.
 */
import { describeError } from '../../core/errors.js';
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import type { SafetySpec } from '../../spec/index.js';
import type { JudgeScores, PipelineRecord, QcResult } from '../data-record.js';
import { isAborted, modelIdentity } from '../engine/create-model-caller.js';
import { loadPipelinePrompts, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { runDataStage } from '../engine/run-data-stage.js';
import { settingsHash } from '../engine/settings-hash.js';
import { writeJsonlAtomically } from '../engine/write-jsonl.js';
import type { ReviewQueue } from '../review/review-queue.js';
import { countQcStrikes, hasFailedCriterion, meanScores, type StrikeRules } from './count-strikes.js';
import type { CriteriaJudge } from './create-criteria-judge.js';
import { qcCriteria, type QcRubric } from './qc-criteria.js';
import { summarizeQc, type QcSummary } from './summarize-qc.js';

export type Regenerator = (record: PipelineRecord, signal: AbortSignal) => Promise<PipelineRecord | { error: string }>;

export interface RunQcOptions {
  records: PipelineRecord[];
  judges: CriteriaJudge[];
  /** `uri#model` per judge, for the settings hash. */
  judgeLabels: string[];
  spec: SafetySpec;
  rules: StrikeRules;
  /** Regenerate once when a criterion fails (needs a teacher); undefined = never. */
  regenerate?: { run: Regenerator; label: string };
  out: string;
  queue?: ReviewQueue;
  resume: boolean;
  concurrency: number;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  stopAfter?: number;
  prompts?: PipelinePrompts;
}

type QcOutcome = { kind: 'done'; record: PipelineRecord } | { kind: 'error'; id: string; error: string };

export interface RunQcResult {
  accepted: PipelineRecord[];
  queued: PipelineRecord[];
  newlyQueued: number;
  summary: QcSummary;
  failures: Array<{ id: string; error: string }>;
  newRecords: number;
  reusedRecords: number;
  complete: boolean;
  settingsHash: string;
}

const rubricOf = (record: PipelineRecord): QcRubric => (record.kind === 'ethics' ? 'ethics' : 'cot');

export async function runQc(options: RunQcOptions): Promise<RunQcResult> {
  const prompts = options.prompts ?? loadPipelinePrompts();
  const criteria = { cot: qcCriteria(options.spec, 'cot'), ethics: options.records.some((record) => record.kind === 'ethics') ? qcCriteria(options.spec, 'ethics') : [] };
  const hash = settingsHash({ stage: 'qc', prompt: prompts.qcJudge.version, judges: options.judges.map((judge, index) => [judge.id, modelIdentity(options.judgeLabels[index] ?? '')]), rules: options.rules, regenerate: options.regenerate ? modelIdentity(options.regenerate.label) : null, spec: options.spec.version });

  const judgeAll = async (record: PipelineRecord, signal: AbortSignal): Promise<JudgeScores[]> => {
    const list = criteria[rubricOf(record)];
    return Promise.all(options.judges.map((judge) => judge.judge(record, list, signal)));
  };

  const assess = (record: PipelineRecord, judges: JudgeScores[]) => {
    const ids = criteria[rubricOf(record)].map((criterion) => criterion.id);
    const qcStrikes = countQcStrikes(record, judges, ids, options.rules);
    const strikes = [...record.strikes.filter((strike) => strike.stage !== 'qc'), ...qcStrikes];
    return { strikes, qcStrikes, ...meanScores(judges, ids) };
  };

  const check = async (input: PipelineRecord, signal: AbortSignal): Promise<QcOutcome> => {
    const judges = await judgeAll(input, signal);
    if (signal.aborted) return { kind: 'error', id: input.id, error: 'interrupted' };
    let first = assess(input, judges);
    let record: PipelineRecord = input;
    let finalJudges = judges;
    let previous: QcResult['previous'];
    if (first.strikes.length < options.rules.limit && hasFailedCriterion(first.qcStrikes) && options.regenerate) {
      let regenerated: PipelineRecord | { error: string };
      try {
        regenerated = await options.regenerate.run(input, signal);
      } catch (error) {
        regenerated = { error: describeError(error) };
      }
      if (isAborted(signal)) return { kind: 'error', id: input.id, error: 'interrupted' };
      if ('error' in regenerated) return { kind: 'error', id: input.id, error: `regeneration failed: ${regenerated.error}` };
      const second = await judgeAll(regenerated, signal);
      if (isAborted(signal)) return { kind: 'error', id: input.id, error: 'interrupted' };
      previous = { response: input.response, strikes: first.strikes, judges };
      record = regenerated;
      finalJudges = second;
      first = assess(regenerated, second);
    }
    const qc: QcResult = {
      rubric: rubricOf(record),
      judges: finalJudges,
      mean: first.mean,
      score: first.score,
      decision: first.strikes.length >= options.rules.limit ? 'queued' : 'accepted',
      regenerated: previous !== undefined,
      ...(previous ? { previous } : {}),
      settings_hash: hash,
    };
    return { kind: 'done', record: { ...record, strikes: first.strikes, qc } };
  };

  const stage = await runDataStage<PipelineRecord, QcOutcome>({
    label: 'qc',
    tasks: options.records,
    keyOf: (record) => `${record.id}\u0000${record.settings_hash}`,
    settingsHash: hash,
    logPath: `${options.out}.log.jsonl`,
    resume: options.resume,
    run: check,
    isFinal: (outcome) => outcome.kind === 'done',
    concurrency: options.concurrency,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
  });
  const done: PipelineRecord[] = [];
  const failures: Array<{ id: string; error: string }> = [];
  for (const outcome of stage.outputs) {
    if (outcome === undefined) continue;
    if (outcome.kind === 'done') done.push(outcome.record);
    else failures.push({ id: outcome.id, error: outcome.error });
  }
  const accepted = done.filter((record) => record.qc?.decision === 'accepted');
  const queued = done.filter((record) => record.qc?.decision === 'queued');
  writeJsonlAtomically(options.out, accepted);
  const newlyQueued = options.queue ? options.queue.enqueue(queued) : 0;
  const summary = summarizeQc(done, { cot: criteria.cot.map((criterion) => criterion.id), ethics: criteria.ethics.map((criterion) => criterion.id) }, options.judges.map((judge) => judge.id), options.rules.passMark, options.rules.limit);
  return { accepted, queued, newlyQueued, summary, failures, newRecords: stage.newOutputs, reusedRecords: stage.reusedOutputs, complete: stage.complete && failures.length === 0, settingsHash: hash };
}
