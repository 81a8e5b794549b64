/**
 * Progress per benchmark with ETA: cli-progress bars on a TTY, plain periodic lines otherwise
 * (every `intervalMs`, and when a benchmark finishes). Writes to stderr by default.
 */
import cliProgress from 'cli-progress';
import type { Clock } from '../../core/ids.js';
import { systemClock } from '../../core/ids.js';

export interface ProgressReporter {
  start(benchmark: string, total: number, alreadyDone: number): void;
  tick(benchmark: string): void;
  finish(benchmark: string): void;
  stop(): void;
}

export interface ProgressReporterOptions {
  mode: 'bars' | 'lines' | 'silent';
  write?: (text: string) => void;
  stream?: NodeJS.WritableStream;
  clock?: Clock;
  intervalMs?: number;
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  if (options.mode === 'silent') return { start: () => {}, tick: () => {}, finish: () => {}, stop: () => {} };
  if (options.mode === 'bars') {
    const multibar = new cliProgress.MultiBar(
      {
        stream: options.stream ?? process.stderr,
        format: ' {benchmark} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      start: (benchmark, total, done) => bars.set(benchmark, multibar.create(total, done, { benchmark })),
      tick: (benchmark) => bars.get(benchmark)?.increment(),
      finish: (benchmark) => bars.get(benchmark)?.stop(),
      stop: () => { multibar.stop(); },
    };
  }
  const write = options.write ?? ((text: string) => process.stderr.write(text + '\n'));
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 5000;
  const state = new Map<string, { total: number; done: number; startDone: number; started: number; lastPrint: number }>();
  const print = (benchmark: string) => {
    const entry = state.get(benchmark);
    if (!entry) return;
    const elapsed = clock.now() - entry.started;
    const newlyDone = entry.done - entry.startDone;
    const rate = newlyDone > 0 ? newlyDone / elapsed : 0;
    const eta = rate > 0 ? (entry.total - entry.done) / rate : Number.NaN;
    const percent = entry.total === 0 ? 100 : (entry.done / entry.total) * 100;
    write(`${benchmark}: ${entry.done}/${entry.total} (${percent.toFixed(1)}%) elapsed ${formatDuration(elapsed)} ETA ${entry.done >= entry.total ? '0s' : formatDuration(eta)}`);
    entry.lastPrint = clock.now();
  };
  return {
    start: (benchmark, total, done) => {
      state.set(benchmark, { total, done, startDone: done, started: clock.now(), lastPrint: clock.now() });
      print(benchmark);
    },
    tick: (benchmark) => {
      const entry = state.get(benchmark);
      if (!entry) return;
      entry.done += 1;
      if (clock.now() - entry.lastPrint >= interval) print(benchmark);
    },
    finish: (benchmark) => { print(benchmark); },
    stop: () => {},
  };
}
