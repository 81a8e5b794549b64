/**
 * An LLM guard that counts its calls, failures and latencies, for `safemed guard eval --guard-llm`: the
 * report says how often the LLM guard was asked (its cost) next to what it changed.
 */
import type { LlmGuard } from '../../guard/llm-guard.js';

export interface LlmGuardCallStats {
  calls: number;
  failures: number;
  /** Milliseconds per call (failed calls included), in order. */
  latenciesMs: number[];
}

export function countLlmGuardCalls(guard: LlmGuard): { guard: LlmGuard; stats: LlmGuardCallStats } {
  const stats: LlmGuardCallStats = { calls: 0, failures: 0, latenciesMs: [] };
  const counted: LlmGuard = {
    mode: guard.mode,
    format: guard.format,
    shouldCheck: (risk) => guard.shouldCheck(risk),
    check: async (messages, signal) => {
      stats.calls += 1;
      const started = performance.now();
      try {
        return await guard.check(messages, signal);
      } catch (error) {
        stats.failures += 1;
        throw error;
      } finally {
        stats.latenciesMs.push(performance.now() - started);
      }
    },
    close: () => guard.close(),
  };
  return { guard: counted, stats };
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}

/** One line: calls (share of records), failures, p50 / p95 ms. */
export function formatLlmGuardCalls(stats: LlmGuardCallStats, records: number, uri: string, mode: string): string {
  const sorted = [...stats.latenciesMs].sort((left, right) => left - right);
  const share = records === 0 ? 0 : (stats.calls / records) * 100;
  const timing = stats.calls === 0 ? '' : `; p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${percentile(sorted, 0.95).toFixed(0)} ms per call`;
  const failed = stats.failures === 0 ? '' : `, ${stats.failures} failed (the fail mode decided those)`;
  return `LLM guard ${uri} (mode ${mode}): asked for ${stats.calls} of ${records} records (${share.toFixed(1)} %)${failed}${timing}`;
}
