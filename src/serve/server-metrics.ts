import type { SafetyVerdict } from '../core/chat.js';

/** Latency buckets in seconds (Prometheus convention). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export interface ServerMetrics {
  requestStarted(): void;
  requestFinished(route: string, status: number, seconds: number): void;
  tokens(prompt: number, completion: number): void;
  error(type: string): void;
  verdict(verdict: SafetyVerdict): void;
  /** Prometheus text exposition format (version 0.0.4). */
  render(): string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** In-memory counters for `GET /metrics`; labels are bounded (routes are normalised by the caller). */
export function createServerMetrics(): ServerMetrics {
  const requests = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  const errors = new Map<string, number>();
  const decisions = new Map<string, number>();
  let promptTokens = 0;
  let completionTokens = 0;
  let inFlight = 0;

  const increment = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  return {
    requestStarted: () => {
      inFlight += 1;
    },
    requestFinished: (route, status, seconds) => {
      inFlight -= 1;
      increment(requests, `route="${escapeLabel(route)}",status="${status}"`);
      let histogram = latency.get(route);
      if (!histogram) {
        histogram = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
        latency.set(route, histogram);
      }
      const { counts } = histogram;
      LATENCY_BUCKETS.forEach((bucket, index) => {
        if (seconds <= bucket) counts[index] = (counts[index] ?? 0) + 1;
      });
      histogram.sum += seconds;
      histogram.count += 1;
    },
    tokens: (prompt, completion) => {
      promptTokens += prompt;
      completionTokens += completion;
    },
    error: (type) => increment(errors, `type="${escapeLabel(type)}"`),
    verdict: (verdict) => increment(decisions, `action="${verdict.action}",stage="${verdict.stage}"`),
    render: () => {
      const lines: string[] = [];
      const counter = (name: string, help: string, map: Map<string, number>) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const [labels, value] of map) lines.push(`${name}{${labels}} ${value}`);
      };
      counter('safemed_http_requests_total', 'HTTP requests by route and status.', requests);
      lines.push('# HELP safemed_http_request_duration_seconds Request latency by route.', '# TYPE safemed_http_request_duration_seconds histogram');
      for (const [route, histogram] of latency) {
        const label = escapeLabel(route);
        LATENCY_BUCKETS.forEach((bucket, index) =>
          lines.push(`safemed_http_request_duration_seconds_bucket{route="${label}",le="${bucket}"} ${histogram.counts[index]}`),
        );
        lines.push(`safemed_http_request_duration_seconds_bucket{route="${label}",le="+Inf"} ${histogram.count}`);
        lines.push(`safemed_http_request_duration_seconds_sum{route="${label}"} ${histogram.sum}`);
        lines.push(`safemed_http_request_duration_seconds_count{route="${label}"} ${histogram.count}`);
      }
      lines.push('# HELP safemed_prompt_tokens_total Prompt tokens processed.', '# TYPE safemed_prompt_tokens_total counter');
      lines.push(`safemed_prompt_tokens_total ${promptTokens}`);
      lines.push('# HELP safemed_completion_tokens_total Completion tokens generated.', '# TYPE safemed_completion_tokens_total counter');
      lines.push(`safemed_completion_tokens_total ${completionTokens}`);
      counter('safemed_errors_total', 'Failed requests by error type.', errors);
      lines.push('# HELP safemed_requests_in_flight Requests being handled now.', '# TYPE safemed_requests_in_flight gauge');
      lines.push(`safemed_requests_in_flight ${inFlight}`);
      counter('safemed_guard_decisions_total', 'Guard verdicts by action and stage.', decisions);
      return lines.join('\n') + '\n';
    },
  };
}
