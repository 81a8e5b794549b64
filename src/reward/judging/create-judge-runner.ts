/**
 * Sends judge prompts to judge backends with everything a trainer needs around them: a concurrency
 * limit shared by all judges, a per-attempt timeout (default 30 s, far under OpenRLHF's 180 s), retries
 * with exponential backoff on errors and unparsable answers, the content-addressed cache, in-flight
 * de-duplication (the same prompt asked twice at once is sent once) and metrics. A judgement that fails
 * every attempt comes back as `value: null` with the error — the caller applies the fallback.
 * Per call it costs one SHA-256 of a few hundred bytes and no AbortController or timer of its own
 * (attempts share deadline windows, see create-attempt-deadlines.ts); the prompt is built only on a miss,
 * once per attempt, and not held while the judge answers.
 */
import type { Backend } from '../../core/backend.js';
import { abortableSleep, type Sleep } from '../../core/abortable-sleep.js';
import { describeError } from '../../core/errors.js';
import type { RewardMetrics } from '../reward-metrics.js';
import { createAttemptDeadlines, type AttemptDeadline } from './create-attempt-deadlines.js';
import { judgeCacheKey, type JudgeCache } from './create-judge-cache.js';
import { createSemaphore } from './create-semaphore.js';

export interface RewardJudge {
  id: string;
  backend: Backend;
}

export interface JudgeTask {
  /** Part of the cache key: harmfulness, helpfulness, explanation, over_refusal. */
  task: string;
  /**
   * What the prompt is made of, for the cache key: the template's digest (compileJudgePrompt) and the
   * values filled in (the conversation, the response). Two tasks with equal content have equal prompts.
   */
  content: readonly string[];
  /** Builds the prompt; called once per attempt, only when neither the cache nor an identical call in flight answers. */
  prompt: () => string;
  maxTokens: number;
  /** The judge's output → a number, or null when unparsable (retried). */
  parse: (output: string) => number | null;
}

export interface JudgeOutcome {
  value: number | null;
  cached: boolean;
  attempts: number;
  error?: string;
}

export interface JudgeRunnerOptions {
  concurrency: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  cache: JudgeCache;
  metrics: RewardMetrics;
  sleep?: Sleep;
  random?: () => number;
}

export interface JudgeRunner {
  ask(judge: RewardJudge, task: JudgeTask, signal?: AbortSignal): Promise<JudgeOutcome>;
}

export function createJudgeRunner(options: JudgeRunnerOptions): JudgeRunner {
  const semaphore = createSemaphore(options.concurrency);
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const inFlight = new Map<string, Promise<JudgeOutcome>>();
  const deadlines = createAttemptDeadlines({ timeoutMs: options.timeoutMs });

  const attemptAll = async (judge: RewardJudge, task: JudgeTask, key: string, signal: AbortSignal | undefined): Promise<JudgeOutcome> => {
    let error = '';
    const attempts = options.retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (signal?.aborted) return { value: null, cached: false, attempts: attempt - 1, error: 'aborted' };
      if (attempt > 1 && options.backoffMs > 0) {
        try {
          await sleep(options.backoffMs * 2 ** (attempt - 2) * (0.5 + random()), signal);
        } catch {
          return { value: null, cached: false, attempts: attempt - 1, error: 'aborted' };
        }
      }
      let release: (() => void) | undefined;
      let deadline: AttemptDeadline | undefined;
      const started = performance.now();
      try {
        release = semaphore.tryAcquire() ? semaphore.release : await semaphore.acquire(signal);
        deadline = deadlines.start(signal);
        // built per attempt and not kept across the call: a ~5 KB prompt held by each of 64 calls in flight is
        // copied by every young-generation GC (and promoted); a compiled prompt costs four concatenations
        const result = await judge.backend.generate({
          messages: [{ role: 'user', content: task.prompt() }],
          settings: { temperature: 0, maxTokens: task.maxTokens },
          signal: deadline.signal,
        });
        const output = result.text.trim() !== '' ? result.text : result.reasoning;
        const value = task.parse(output);
        options.metrics.judgeCall(judge.id, value === null ? 'unparsable' : 'ok', (performance.now() - started) / 1000);
        if (value !== null) {
          options.cache.set(key, value);
          return { value, cached: false, attempts: attempt };
        }
        error = `unparsable ${task.task} judgement`;
      } catch (caught) {
        options.metrics.judgeCall(judge.id, 'error', (performance.now() - started) / 1000);
        error = describeError(caught);
      } finally {
        if (deadline) deadlines.end(deadline);
        release?.();
      }
    }
    return { value: null, cached: false, attempts, error };
  };

  return {
    async ask(judge, task, signal) {
      const key = judgeCacheKey({ judgeId: judge.id, uri: judge.backend.uri, model: judge.backend.modelId, task: task.task, content: task.content });
      const cached = options.cache.get(key);
      if (cached !== undefined) {
        options.metrics.cacheHit(judge.id);
        return { value: cached, cached: true, attempts: 0 };
      }
      const pending = inFlight.get(key);
      if (pending) {
        const shared = await pending;
        if (shared.value !== null) options.metrics.cacheHit(judge.id);
        return { ...shared, cached: shared.value !== null };
      }
      const promise = attemptAll(judge, task, key, signal);
      inFlight.set(key, promise);
      try {
        const outcome = await promise;
        if (outcome.value === null) options.metrics.judgeFailure(judge.id, task.task);
        return outcome;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
