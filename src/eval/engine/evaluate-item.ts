/**
 * Runs one benchmark item: the model call (rate-limited, per-attempt timeout, retries with
 * exponential backoff), then its scoring — answer extraction, harmfulness judges or refusal
 * judgement — into one EvalResultRecord.
 */
import type { Backend } from '../../core/backend.js';
import type { ChatMessage, GenerateResult, GenerationSettings } from '../../core/chat.js';
import { describeError } from '../../core/errors.js';
import type { Clock } from '../../core/ids.js';
import { detectRefusal } from '../../judges/detect-refusal.js';
import type { MedSafetyJudge } from '../../judges/med-safety-judge.js';
import type { OverRefusalJudge } from '../../judges/over-refusal-judge.js';
import type { Benchmark, BenchmarkItem } from '../benchmark-types.js';
import { buildChoicePrompt } from '../scoring/build-choice-prompt.js';
import { extractChoice, isCorrectChoice } from '../scoring/extract-choice.js';
import type { RateLimiter, Sleep } from './create-rate-limiter.js';
import type { EvalResultRecord } from '../eval-result-record.js';

export interface ItemEvaluatorOptions {
  model: Backend;
  settings: GenerationSettings;
  judges: MedSafetyJudge[];
  /** Classifies over-refusal responses; without it the phrase detector is used. */
  refusalJudge?: OverRefusalJudge;
  limiter: RateLimiter;
  /** Per-attempt timeout of the model call. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay (doubles each retry, with jitter). */
  backoffMs: number;
  sleep: Sleep;
  clock: Clock;
  random: () => number;
  signal: AbortSignal;
}

export type ItemEvaluator = (benchmark: Benchmark, item: BenchmarkItem, runHash: string) => Promise<EvalResultRecord>;

/** Whether the signal has aborted, read now (a function, so checks before an `await` do not narrow it). */
const isAborted = (signal: AbortSignal): boolean => signal.aborted;

function promptOf(benchmark: Benchmark, item: BenchmarkItem): string {
  return item.kind === 'multiple-choice' ? buildChoicePrompt(item, benchmark.language) : item.prompt;
}

export function createItemEvaluator(options: ItemEvaluatorOptions): ItemEvaluator {
  const callModel = async (messages: ChatMessage[]): Promise<{ result?: GenerateResult; error?: string; attempts: number }> => {
    let error = '';
    const attempts = options.retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (options.signal.aborted) return { error: 'aborted', attempts: attempt - 1 };
      if (attempt > 1) {
        const delay = options.backoffMs * 2 ** (attempt - 2) * (0.5 + options.random());
        try {
          await options.sleep(delay, options.signal);
        } catch {
          return { error: 'aborted', attempts: attempt - 1 };
        }
      }
      try {
        await options.limiter.acquire(options.signal);
        const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
        const result = await options.model.generate({ messages, settings: options.settings, signal });
        return { result, attempts: attempt };
      } catch (caught) {
        // read after the await: the run may have been stopped while the call was in flight
        const stopped = isAborted(options.signal);
        error = stopped ? 'aborted' : describeError(caught);
        if (stopped) return { error, attempts: attempt };
      }
    }
    return { error, attempts };
  };

  return async (benchmark, item, runHash) => {
    const prompt = promptOf(benchmark, item);
    const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
    const started = options.clock.now();
    const call = await callModel(messages);
    const latency = options.clock.now() - started;
    const result = call.result;
    const record: EvalResultRecord = {
      benchmark: benchmark.name,
      item_id: item.id,
      run_hash: runHash,
      kind: item.kind,
      prompt,
      reasoning: result?.reasoning ?? '',
      answer: result?.text ?? '',
      latency_ms: latency,
      tokens: { prompt: result?.usage.promptTokens ?? 0, completion: result?.usage.completionTokens ?? 0 },
      attempts: call.attempts,
      error: call.error ?? null,
      finished_at: new Date(options.clock.now()).toISOString(),
    };
    if (result && result.verdicts.length > 0) record.guard_actions = result.verdicts.map((verdict) => `${verdict.stage}:${verdict.action}`);
    if (item.kind === 'multiple-choice') {
      record.expected = item.answer;
      record.extracted = result ? extractChoice(result.text, item.options.map((option) => option.letter)) : [];
      record.correct = result ? isCorrectChoice(record.extracted, item.answer) : false;
    } else if (item.kind === 'harmfulness') {
      record.subset = item.subset;
      if (item.category !== undefined) record.category = item.category;
      if (result) {
        record.judgements = await Promise.all(
          options.judges.map((judge) => judge.judge({ conversation: messages, answer: result.text, reasoning: result.reasoning, signal: options.signal })),
        );
      }
    } else {
      record.label = item.label;
      if (result) {
        if (options.refusalJudge) {
          const judged = await options.refusalJudge.classify({ prompt: item.prompt, answer: result.text, signal: options.signal });
          record.refusal = {
            refused: judged.label === null ? null : judged.label !== 'full_compliance',
            method: `judge:${options.refusalJudge.id}`,
            ...(judged.label ? { detail: judged.label } : {}),
            ...(judged.error && judged.label === null ? { error: judged.error } : {}),
          };
        } else {
          const detected = detectRefusal(result.text);
          record.refusal = { refused: detected.refused, method: 'refusal-detector', ...(detected.matched ? { detail: detected.matched } : {}) };
        }
      }
    }
    return record;
  };
}
