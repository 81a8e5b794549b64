/**
 * One judged component of the reward (safety by the harmfulness or helpfulness rubric, explanation,
 * over-refusal by the XSTest judge): its question asked of every judge, the answers turned into the
 * component's score — the mean of the judges that answered, or, when every judge failed, the configured
 * fallback (counted in metrics and logged; never a silent value).
 *
 * Made once per scorer and component: the askers (one per judge, see JudgeRunner.asker) and the notes
 * of the usual outcomes (`<judge id>: <score>`) are looked up or built here, not per call. With one judge
 * (the usual case) an ask is the runner's promise and one callback: no async frame, no fan-out arrays.
 */
import { BackendError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { RewardConfig } from '../reward-config.js';
import type { RewardMetrics } from '../reward-metrics.js';
import type { ComponentScore, RewardComponent } from '../reward-types.js';
import type { JudgeAsker, JudgeContent, JudgeOutcome, JudgeQuestion, JudgeRunner, RewardJudge } from './create-judge-runner.js';

/** Every judge failed and the config says `onFailure: error`: the request fails (HTTP 502) so the trainer retries. */
export class JudgeUnavailableError extends BackendError {
  constructor(message: string) {
    super(message, { code: 'judge_unavailable', retryable: true, fix: 'Check the judge backends, or set judge.onFailure to skip, value or heuristic.' });
  }
}

/** What a judged component reads and updates on the item being scored. */
export interface JudgedItem {
  /** Judge answers served from the cache for this item. */
  hits: number;
  /** Judge calls of this item that failed after every retry. */
  failures: number;
  readonly signal: AbortSignal | undefined;
}

export interface JudgedComponentOptions<Item extends JudgedItem> {
  component: RewardComponent;
  question: JudgeQuestion;
  /** The judges asked (in the order their notes are listed). */
  judges: readonly RewardJudge[];
  runner: JudgeRunner;
  /** A judge's score → the component's value. */
  toReward: (score: number) => number;
  /** What `onFailure: heuristic` falls back to. */
  heuristic: (item: Item) => ComponentScore;
  judge: Pick<RewardConfig['judge'], 'onFailure' | 'failureValue'>;
  metrics: RewardMetrics;
  logger: Logger;
}

export interface JudgedComponent<Item extends JudgedItem> {
  /** Judge calls one `ask` makes. */
  readonly calls: number;
  ask(item: Item, content: JudgeContent): Promise<ComponentScore>;
}

/** A judge's asker and its notes of integer scores (made on first use). */
interface Asking {
  asker: JudgeAsker;
  notes: Array<string | undefined>;
}

const MAX_NOTED_SCORE = 64;

function noteOf(asking: Asking, value: number): string {
  if (Number.isInteger(value) && value >= 0 && value < MAX_NOTED_SCORE) return (asking.notes[value] ??= `${asking.asker.judge.id}: ${String(value)}`);
  return `${asking.asker.judge.id}: ${String(value)}`;
}

export function createJudgedComponent<Item extends JudgedItem>(options: JudgedComponentOptions<Item>): JudgedComponent<Item> {
  const { component, question, toReward, heuristic, metrics, logger } = options;
  const askings: Asking[] = options.judges.map((judge) => ({ asker: options.runner.asker(judge, question), notes: [] }));
  const only = askings.length === 1 ? askings[0] : undefined;

  /** Every judge's answers → the component: the mean of the answers, or the fallback. */
  const combine = (item: Item, outcomes: readonly JudgeOutcome[]): ComponentScore => {
    let sum = 0;
    let answered = 0;
    let detail = '';
    for (let index = 0; index < outcomes.length; index += 1) {
      const outcome = outcomes[index];
      const asking = askings[index];
      if (!outcome || !asking) continue;
      if (outcome.cached) item.hits += 1;
      const note = outcome.value === null ? `${asking.asker.judge.id}: failed (${outcome.error ?? 'unknown'})` : noteOf(asking, outcome.value);
      detail = index === 0 ? note : `${detail}; ${note}`;
      if (outcome.value === null) {
        item.failures += 1;
      } else {
        sum += outcome.value;
        answered += 1;
      }
    }
    if (answered > 0) return { value: toReward(sum / answered), source: 'judge', detail };
    const mode = options.judge.onFailure;
    metrics.fallback(component, mode);
    logger.warn('every judge failed; fallback applied', { component, task: question.task, fallback: mode, errors: detail });
    if (mode === 'error') throw new JudgeUnavailableError(`Every judge failed for ${component} (${detail}).`);
    if (mode === 'value') return { value: options.judge.failureValue, source: 'fallback', detail: `judges failed; failureValue ${options.judge.failureValue} (${detail})` };
    if (mode === 'heuristic') {
      const fallback = heuristic(item);
      return { value: fallback.value, source: 'fallback', detail: `judges failed; heuristic: ${fallback.detail ?? ''} (${detail})` };
    }
    return { value: null, source: 'fallback', detail: `judges failed; skipped (${detail})` };
  };

  /** One judge's outcome (combine's single-judge case, without an array unless it failed). */
  const combineOne = (item: Item, asking: Asking, outcome: JudgeOutcome): ComponentScore => {
    if (outcome.value === null) return combine(item, [outcome]);
    if (outcome.cached) item.hits += 1;
    return { value: toReward(outcome.value), source: 'judge', detail: noteOf(asking, outcome.value) };
  };

  return {
    calls: askings.length,
    ask(item, content) {
      if (only) return only.asker.ask(content, item.signal).then((outcome) => combineOne(item, only, outcome));
      return Promise.all(askings.map((asking) => asking.asker.ask(content, item.signal))).then((outcomes) => combine(item, outcomes));
    },
  };
}
