/**
 * Flag helpers shared by the long-running commands (redteam, data): repeatable flags, --progress,
 * --rate, and an AbortSignal for Ctrl-C / SIGTERM so an interrupted run keeps what it finished.
 */
import { ConfigError } from '../core/errors.js';

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function progressMode(flag: string | undefined): 'bars' | 'lines' | 'silent' {
  if (flag === 'none') return 'silent';
  if (flag === 'lines' || flag === 'bars') return flag;
  if (flag !== undefined) throw new ConfigError(`--progress must be bars, lines or none, got "${flag}".`, { key: '--progress', fix: '--progress lines' });
  return process.stderr.isTTY ? 'bars' : 'lines';
}

export async function parseRateFlag(value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const { parseRate } = await import('../eval/engine/create-rate-limiter.js');
  const parsed = parseRate(value);
  if (parsed === undefined || parsed <= 0) throw new ConfigError(`--rate must look like 5/s or 300/m, got "${value}".`, { key: '--rate', fix: 'Example: --rate 10/s' });
  return parsed;
}

/** Aborts on Ctrl-C / SIGTERM so an interrupted run keeps what it finished (--resume continues it). */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
