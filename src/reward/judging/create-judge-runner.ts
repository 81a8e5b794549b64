/**
 * Sends judge prompts to judge backends with everything a trainer needs around them: a concurrency
 * limit shared by all judges, a per-attempt timeout (default 30 s, far under OpenRLHF's 180 s), retries
 * with exponential backoff on errors and unparsable answers, the content-addressed cache, in-flight
 * de-duplication (the same prompt asked twice at once is sent once) and metrics. A judgement that fails
 * every attempt comes back as `value: null` with the error — the caller applies the fallback.
 * Per call it costs one SHA-256 of a few hundred bytes and no AbortController or timer of its own
 * (attempts share deadline windows, see create-attempt-deadlines.ts); the prompt is built only on a miss,
 * once per attempt, and not held while the judge answers. Nothing is made per call that could be made
 * once: the question (rubric, template, parser) is a long-lived object, the content (what is filled in,
 * and its JSON for the key) is shared by the tasks that use it, and the key's head (judge, task,
 * template digest) is computed once per judge and question. A judge backend that can prepare prompts
 * (the `openai:` / `vllm:` backend, see prepared-prompt.ts) gets each question's fixed text once and,
 * per attempt, only the request and the response: same request bytes, without a flat copy, JSON
 * escape and UTF-8 encoding of the whole ~5,000-character prompt per call.
 */
import type { Backend } from '../../core/backend.js';
import { canPreparePrompts, type PreparedPrompt } from '../../backends/openai-compatible/prepared-prompt.js';
import { performance } from 'node:perf_hooks';
import { abortableSleep, type Sleep } from '../../core/abortable-sleep.js';
import { describeError } from '../../core/errors.js';
import type { JudgeCallOutcome, RewardMetrics } from '../reward-metrics.js';
import { createAttemptDeadlines, type AttemptDeadline } from './create-attempt-deadlines.js';
import type { CompiledJudgePrompt } from './compile-judge-prompt.js';
import { judgeCacheKeyFromJson, judgeCacheKeyHead, type JudgeCache } from './create-judge-cache.js';
import { createSemaphore } from './create-semaphore.js';

export interface RewardJudge {
  id: string;
  backend: Backend;
}

/** One kind of judge question, made once (per rubric), not per call. */
export interface JudgeQuestion {
  /** Part of the cache key: harmfulness, helpfulness, explanation, over_refusal. */
  task: string;
  /** Builds the prompt (called once per attempt, only when neither the cache nor an identical call in flight answers); its digest stands for the template in the cache key. */
  template: CompiledJudgePrompt;
  maxTokens: number;
  /** The judge's output → a number, or null when unparsable (retried). */
  parse: (output: string) => number | null;
}

/**
 * What a question is filled with: the conversation (request) and the response, and for the cache key
 * their JSON texts joined by a comma. Two asks of one judge and question with equal content have equal
 * prompts (and share one key); an item's harmfulness and explanation questions share one content.
 */
export interface JudgeContent {
  readonly request: string;
  readonly response: string;
  readonly json: string;
}

export function judgeContent(request: string, response: string): JudgeContent {
  return { request, response, json: `${JSON.stringify(request)},${JSON.stringify(response)}` };
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

/** One judge asked one kind of question, made once (see JudgeRunner.asker). */
export interface JudgeAsker {
  readonly judge: RewardJudge;
  readonly question: JudgeQuestion;
  ask(content: JudgeContent, signal?: AbortSignal): Promise<JudgeOutcome>;
}

export interface JudgeRunner {
  ask(judge: RewardJudge, question: JudgeQuestion, content: JudgeContent, signal?: AbortSignal): Promise<JudgeOutcome>;
  /**
   * The asker of `question` to `judge`, with the cache key's head and the judge's metrics counters looked
   * up once: a scorer keeps one per judge and question and asks through it (no lookups per call).
   */
  asker(judge: RewardJudge, question: JudgeQuestion): JudgeAsker;
}

/** What an asker keeps: the judge and question, the cache key's head (see judgeCacheKeyHead) and the judge's call counter. */
interface AskerState {
  judge: RewardJudge;
  question: JudgeQuestion;
  head: string;
  countCall: (outcome: JudgeCallOutcome, seconds: number) => void;
  /** The request settings of every call (read by the backend, never changed). */
  settings: { temperature: number; maxTokens: number };
  /** The question's prompt prepared by the judge backend (fixed text encoded once), when it can (see prepared-prompt.ts). */
  prepared: PreparedPrompt | undefined;
  /** Whether the prepared prompt takes the request first (else the response first). */
  requestFirst: boolean;
}

export function createJudgeRunner(options: JudgeRunnerOptions): JudgeRunner {
  const semaphore = createSemaphore(options.concurrency);
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const inFlight = new Map<string, Promise<JudgeOutcome>>();
  const deadlines = createAttemptDeadlines({ timeoutMs: options.timeoutMs });
  /** Askers made by ask() (callers that keep none), per judge and question. */
  const askers = new Map<RewardJudge, Map<JudgeQuestion, JudgeAsker>>();
  /** Calls ended so far; ask reads it to catch a call that ended before attemptAll returned. */
  let endedCalls = 0;

  /** A call's end: it leaves the in-flight map, and a judgement that failed every attempt is counted. */
  const ended = (state: AskerState, key: string, outcome: JudgeOutcome): JudgeOutcome => {
    inFlight.delete(key);
    endedCalls += 1;
    if (outcome.value === null) options.metrics.judgeFailure(state.judge.id, state.question.task);
    return outcome;
  };

  // takes the two filled-in texts, not the content: the content's JSON (only needed for the key) is not kept while the judge answers
  const attemptAll = async (state: AskerState, request: string, response: string, key: string, signal: AbortSignal | undefined): Promise<JudgeOutcome> => {
    const { judge, question } = state;
    let error = '';
    const attempts = options.retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (signal?.aborted) return ended(state, key, { value: null, cached: false, attempts: attempt - 1, error: 'aborted' });
      if (attempt > 1 && options.backoffMs > 0) {
        try {
          await sleep(options.backoffMs * 2 ** (attempt - 2) * (0.5 + random()), signal);
        } catch {
          return ended(state, key, { value: null, cached: false, attempts: attempt - 1, error: 'aborted' });
        }
      }
      let release: (() => void) | undefined;
      let deadline: AttemptDeadline | undefined;
      const started = performance.now();
      try {
        release = semaphore.tryAcquire() ? semaphore.release : await semaphore.acquire(signal);
        deadline = deadlines.start(signal);
        // a prepared prompt: the backend encodes only the two values per attempt (the ~5,000 characters of
        // fixed text were encoded once), and no prompt string is built or held while the judge answers.
        // Otherwise the prompt is built per attempt and not kept across the call: a ~5 KB prompt held by each
        // of 64 calls in flight is copied by every young-generation GC (and promoted).
        const result = await (state.prepared
          ? state.prepared.generate(state.requestFirst ? [request, response] : [response, request], deadline.signal)
          : judge.backend.generate({
              messages: [{ role: 'user', content: question.template.fill(request, response) }],
              settings: state.settings,
              signal: deadline.signal,
            }));
        const output = result.text.trim() !== '' ? result.text : result.reasoning;
        const value = question.parse(output);
        state.countCall(value === null ? 'unparsable' : 'ok', (performance.now() - started) / 1000);
        if (value !== null) {
          options.cache.set(key, value);
          return ended(state, key, { value, cached: false, attempts: attempt });
        }
        error = `unparsable ${question.task} judgement`;
      } catch (caught) {
        state.countCall('error', (performance.now() - started) / 1000);
        error = describeError(caught);
      } finally {
        if (deadline) deadlines.end(deadline);
        release?.();
      }
    }
    return ended(state, key, { value: null, cached: false, attempts, error });
  };

  const shareOutcome = (judge: RewardJudge, shared: JudgeOutcome): JudgeOutcome => {
    if (shared.value !== null) options.metrics.cacheHit(judge.id);
    return { ...shared, cached: shared.value !== null };
  };

  const askThrough = (state: AskerState, content: JudgeContent, signal: AbortSignal | undefined): Promise<JudgeOutcome> => {
    const key = judgeCacheKeyFromJson(state.head, content.json);
    const cached = options.cache.get(key);
    if (cached !== undefined) {
      options.metrics.cacheHit(state.judge.id);
      return Promise.resolve({ value: cached, cached: true, attempts: 0 });
    }
    const pending = inFlight.get(key);
    if (pending) return pending.then((shared) => shareOutcome(state.judge, shared));
    // attemptAll's promise is the caller's (no wrapping async layer): it leaves the in-flight map itself
    // when it ends (`ended`). It ends before returning only when every attempt fails without awaiting
    // anything (an aborted signal, a backend that throws synchronously, no backoff); then it is not added.
    const endedBefore = endedCalls;
    const promise = attemptAll(state, content.request, content.response, key, signal);
    if (endedCalls === endedBefore) inFlight.set(key, promise);
    return promise;
  };

  const makeAsker = (judge: RewardJudge, question: JudgeQuestion): JudgeAsker => {
    const settings = { temperature: 0, maxTokens: question.maxTokens };
    const pieces = question.template.pieces;
    const state: AskerState = {
      judge,
      question,
      head: judgeCacheKeyHead({ judgeId: judge.id, uri: judge.backend.uri, model: judge.backend.modelId, task: question.task, content: [question.template.digest] }),
      countCall: options.metrics.judgeCallsOf(judge.id),
      settings,
      prepared: pieces && canPreparePrompts(judge.backend) ? judge.backend.preparePrompt(pieces.fixed, settings) : undefined,
      requestFirst: pieces?.requestFirst ?? true,
    };
    return { judge, question, ask: (content, signal) => askThrough(state, content, signal) };
  };

  const asker = (judge: RewardJudge, question: JudgeQuestion): JudgeAsker => {
    let byQuestion = askers.get(judge);
    if (byQuestion === undefined) {
      byQuestion = new Map();
      askers.set(judge, byQuestion);
    }
    let made = byQuestion.get(question);
    if (made === undefined) {
      made = makeAsker(judge, question);
      byQuestion.set(question, made);
    }
    return made;
  };

  return {
    ask: (judge, question, content, signal) => asker(judge, question).ask(content, signal),
    asker,
  };
}
