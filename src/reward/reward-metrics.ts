/**
 * Counters of the reward (Prometheus text): items scored by kind, judge calls by judge and outcome,
 * cache hits, judge failures, fallbacks by component, and judge-call latency. The HTTP side
 * (requests, latency by route) is the server's own metrics, rendered next to these.
 */
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export type JudgeCallOutcome = 'ok' | 'error' | 'unparsable';

export interface RewardMetrics {
  item(kind: string): void;
  judgeCall(judge: string, outcome: JudgeCallOutcome, seconds: number): void;
  /** judgeCall for one judge, looked up once (the judge runner keeps one per judge): no map lookup per call. */
  judgeCallsOf(judge: string): (outcome: JudgeCallOutcome, seconds: number) => void;
  cacheHit(judge: string): void;
  judgeFailure(judge: string, task: string): void;
  fallback(component: string, mode: string): void;
  /** Totals for logs, tests and the bench. */
  snapshot(): { items: number; judgeCalls: number; cacheHits: number; judgeFailures: number; fallbacks: number };
  render(): string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** One judge's call counters by outcome. */
interface JudgeCalls {
  label: string;
  ok: number;
  error: number;
  unparsable: number;
}

export function createRewardMetrics(): RewardMetrics {
  const items = new Map<string, number>();
  const hits = new Map<string, number>();
  const failures = new Map<string, number>();
  const fallbacks = new Map<string, number>();
  /** Per judge, in the order judges were first counted. */
  const calls = new Map<string, JudgeCalls>();
  /** Calls per latency bucket (not cumulative: one increment per call; render adds them up), the last slot past the largest bucket. */
  const bucketCounts = new Float64Array(BUCKETS.length + 1);
  /** [sum of seconds, count] (a typed array: no boxed number per call). */
  const latency = new Float64Array(2);
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  // Label strings of the per-item and per-hit counters are built once per distinct value.
  const itemLabels = new Map<string, string>();
  const hitLabels = new Map<string, string>();
  const labelOf = (cache: Map<string, string>, name: string, value: string): string => {
    let label = cache.get(value);
    if (label === undefined) {
      label = `${name}="${escapeLabel(value)}"`;
      cache.set(value, label);
    }
    return label;
  };
  /** Items by kind: the usual kinds in fields (no map operation per item), any other in `items`. */
  const kinds = { harmful: 0, benign: 0, exam: 0 };
  const judgeCallsOf = (judge: string) => {
    let counters = calls.get(judge);
    if (counters === undefined) {
      counters = { label: `judge="${escapeLabel(judge)}",outcome=`, ok: 0, error: 0, unparsable: 0 };
      calls.set(judge, counters);
    }
    const mine = counters;
    return (outcome: JudgeCallOutcome, seconds: number) => {
      mine[outcome] += 1;
      let bucket = 0;
      while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] ?? 0)) bucket += 1;
      bucketCounts[bucket] = (bucketCounts[bucket] ?? 0) + 1;
      latency[0] = (latency[0] ?? 0) + seconds;
      latency[1] = (latency[1] ?? 0) + 1;
    };
  };
  const itemCounts = (): Map<string, number> => {
    const all = new Map<string, number>();
    for (const kind of ['harmful', 'benign', 'exam'] as const) if (kinds[kind] > 0) all.set(labelOf(itemLabels, 'kind', kind), kinds[kind]);
    for (const [label, value] of items) all.set(label, value);
    return all;
  };
  const callCounts = (): Map<string, number> => {
    const all = new Map<string, number>();
    for (const counters of calls.values()) {
      for (const outcome of ['ok', 'error', 'unparsable'] as const) if (counters[outcome] > 0) all.set(`${counters.label}"${outcome}"`, counters[outcome]);
    }
    return all;
  };
  const sum = (map: Map<string, number>) => [...map.values()].reduce((total, value) => total + value, 0);
  return {
    item: (kind) => {
      if (kind === 'harmful' || kind === 'benign' || kind === 'exam') kinds[kind] += 1;
      else add(items, labelOf(itemLabels, 'kind', kind));
    },
    judgeCall: (judge, outcome, seconds) => {
      judgeCallsOf(judge)(outcome, seconds);
    },
    judgeCallsOf,
    cacheHit: (judge) => add(hits, labelOf(hitLabels, 'judge', judge)),
    judgeFailure: (judge, task) => add(failures, `judge="${escapeLabel(judge)}",task="${escapeLabel(task)}"`),
    fallback: (component, mode) => add(fallbacks, `component="${escapeLabel(component)}",mode="${escapeLabel(mode)}"`),
    snapshot: () => ({ items: sum(itemCounts()), judgeCalls: sum(callCounts()), cacheHits: sum(hits), judgeFailures: sum(failures), fallbacks: sum(fallbacks) }),
    render: () => {
      const lines: string[] = [];
      const counter = (name: string, help: string, map: Map<string, number>) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const [labels, value] of map) lines.push(`${name}{${labels}} ${value}`);
      };
      counter('safemed_reward_items_total', 'Items scored, by prompt kind.', itemCounts());
      counter('safemed_reward_judge_calls_total', 'Judge calls sent (each attempt), by judge and outcome.', callCounts());
      counter('safemed_reward_judge_cache_hits_total', 'Judge answers served from the content-addressed cache.', hits);
      counter('safemed_reward_judge_failures_total', 'Judgements that failed after every retry.', failures);
      counter('safemed_reward_fallbacks_total', 'Components that got the configured fallback because every judge failed.', fallbacks);
      lines.push('# HELP safemed_reward_judge_call_duration_seconds Judge call latency.', '# TYPE safemed_reward_judge_call_duration_seconds histogram');
      let cumulative = 0;
      BUCKETS.forEach((bucket, index) => {
        cumulative += bucketCounts[index] ?? 0;
        lines.push(`safemed_reward_judge_call_duration_seconds_bucket{le="${bucket}"} ${cumulative}`);
      });
      lines.push(`safemed_reward_judge_call_duration_seconds_bucket{le="+Inf"} ${latency[1] ?? 0}`);
      lines.push(`safemed_reward_judge_call_duration_seconds_sum ${latency[0] ?? 0}`, `safemed_reward_judge_call_duration_seconds_count ${latency[1] ?? 0}`);
      return lines.join('\n') + '\n';
    },
  };
}
