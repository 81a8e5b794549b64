/**
 * Counters of the reward (Prometheus text): items scored by kind, judge calls by judge and outcome,
 * cache hits, judge failures, fallbacks by component, and judge-call latency. The HTTP side
 * (requests, latency by route) is the server's own metrics, rendered next to these.
 */
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface RewardMetrics {
  item(kind: string): void;
  judgeCall(judge: string, outcome: 'ok' | 'error' | 'unparsable', seconds: number): void;
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

export function createRewardMetrics(): RewardMetrics {
  const items = new Map<string, number>();
  const calls = new Map<string, number>();
  const hits = new Map<string, number>();
  const failures = new Map<string, number>();
  const fallbacks = new Map<string, number>();
  const latency = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  // Label strings of the per-item and per-call counters are built once per distinct value.
  const itemLabels = new Map<string, string>();
  const hitLabels = new Map<string, string>();
  const callLabels = new Map<string, Record<'ok' | 'error' | 'unparsable', string>>();
  const labelOf = (cache: Map<string, string>, name: string, value: string): string => {
    let label = cache.get(value);
    if (label === undefined) {
      label = `${name}="${escapeLabel(value)}"`;
      cache.set(value, label);
    }
    return label;
  };
  const callLabel = (judge: string, outcome: 'ok' | 'error' | 'unparsable'): string => {
    let byOutcome = callLabels.get(judge);
    if (byOutcome === undefined) {
      const prefix = `judge="${escapeLabel(judge)}",outcome=`;
      byOutcome = { ok: `${prefix}"ok"`, error: `${prefix}"error"`, unparsable: `${prefix}"unparsable"` };
      callLabels.set(judge, byOutcome);
    }
    return byOutcome[outcome];
  };
  const sum = (map: Map<string, number>) => [...map.values()].reduce((total, value) => total + value, 0);
  return {
    item: (kind) => add(items, labelOf(itemLabels, 'kind', kind)),
    judgeCall: (judge, outcome, seconds) => {
      add(calls, callLabel(judge, outcome));
      for (let index = BUCKETS.length - 1; index >= 0 && seconds <= (BUCKETS[index] ?? 0); index -= 1) latency.counts[index] = (latency.counts[index] ?? 0) + 1;
      latency.sum += seconds;
      latency.count += 1;
    },
    cacheHit: (judge) => add(hits, labelOf(hitLabels, 'judge', judge)),
    judgeFailure: (judge, task) => add(failures, `judge="${escapeLabel(judge)}",task="${escapeLabel(task)}"`),
    fallback: (component, mode) => add(fallbacks, `component="${escapeLabel(component)}",mode="${escapeLabel(mode)}"`),
    snapshot: () => ({ items: sum(items), judgeCalls: sum(calls), cacheHits: sum(hits), judgeFailures: sum(failures), fallbacks: sum(fallbacks) }),
    render: () => {
      const lines: string[] = [];
      const counter = (name: string, help: string, map: Map<string, number>) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const [labels, value] of map) lines.push(`${name}{${labels}} ${value}`);
      };
      counter('safemed_reward_items_total', 'Items scored, by prompt kind.', items);
      counter('safemed_reward_judge_calls_total', 'Judge calls sent (each attempt), by judge and outcome.', calls);
      counter('safemed_reward_judge_cache_hits_total', 'Judge answers served from the content-addressed cache.', hits);
      counter('safemed_reward_judge_failures_total', 'Judgements that failed after every retry.', failures);
      counter('safemed_reward_fallbacks_total', 'Components that got the configured fallback because every judge failed.', fallbacks);
      lines.push('# HELP safemed_reward_judge_call_duration_seconds Judge call latency.', '# TYPE safemed_reward_judge_call_duration_seconds histogram');
      BUCKETS.forEach((bucket, index) => lines.push(`safemed_reward_judge_call_duration_seconds_bucket{le="${bucket}"} ${latency.counts[index] ?? 0}`));
      lines.push(`safemed_reward_judge_call_duration_seconds_bucket{le="+Inf"} ${latency.count}`);
      lines.push(`safemed_reward_judge_call_duration_seconds_sum ${latency.sum}`, `safemed_reward_judge_call_duration_seconds_count ${latency.count}`);
      return lines.join('\n') + '\n';
    },
  };
}
