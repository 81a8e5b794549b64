/**
 * Per-attempt judge timeouts without an AbortController and a timer per call (in Node 20 a controller
 * costs several µs of CPU, more than the rest of the judge runner's bookkeeping): up to
 * `attemptsPerWindow` attempts that start within the same short window (`slackMs`) and carry the same
 * caller signal share one controller, whose one timer fires `timeoutMs + slackMs` after the window opened. So an attempt is aborted with a
 * TimeoutError never before `timeoutMs` and at most `slackMs` after it; a caller abort aborts the
 * attempts of that caller only. A window's timer and its listener on the caller's signal are dropped as
 * soon as its last attempt ends (nothing keeps the process alive once the calls are done).
 */
import { setMaxListeners } from 'node:events';
// the module's binding, not the global getter (read two or three times per judge call)
import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../../core/errors.js';

/** The signal an attempt passes to its backend call. */
export interface AttemptDeadline {
  readonly signal: AbortSignal;
}

export interface AttemptDeadlines {
  start(caller: AbortSignal | undefined): AttemptDeadline;
  /** Call exactly once per start(), when the attempt ended (answered, failed or aborted). */
  end(deadline: AttemptDeadline): void;
  /** Windows with attempts still running (for tests). */
  readonly open: number;
}

export interface AttemptDeadlinesOptions {
  timeoutMs: number;
  /** Default: timeoutMs / 20, at most 1 s. */
  slackMs?: number;
  /**
   * Attempts per window (default 16): each in-flight call hangs a listener on its window's signal, and
   * adding or removing one walks the signal's listener list, so a window shared by every call in flight
   * would trade the controller's cost for listener walks.
   */
  attemptsPerWindow?: number;
  message?: string;
  now?: () => number;
}

interface Window extends AttemptDeadline {
  controller: AbortController;
  openedAt: number;
  active: number;
  /** Attempts started in this window so far. */
  started: number;
  timer: NodeJS.Timeout;
  caller: AbortSignal | undefined;
  onCallerAbort: (() => void) | undefined;
  /** Whether new attempts of its caller join it (it is its caller's entry in `current`). */
  isCurrent: boolean;
}

export function createAttemptDeadlines(options: AttemptDeadlinesOptions): AttemptDeadlines {
  const slackMs = options.slackMs ?? Math.min(1000, options.timeoutMs / 20);
  const attemptsPerWindow = options.attemptsPerWindow ?? 16;
  const now = options.now ?? (() => performance.now());
  const message = options.message ?? `The judge did not answer within ${String(options.timeoutMs)} ms.`;
  /** The window new attempts join, per caller signal (undefined: no caller signal). */
  const current = new Map<AbortSignal | undefined, Window>();
  const windows = new Set<Window>();
  /** The window the last attempt joined (so a batch's attempts find theirs without a map lookup). */
  let last: Window | undefined;
  /** `window` stops taking new attempts. */
  const retire = (window: Window) => {
    if (!window.isCurrent) return;
    window.isCurrent = false;
    current.delete(window.caller);
  };

  const dispose = (window: Window) => {
    clearTimeout(window.timer);
    if (window.onCallerAbort) window.caller?.removeEventListener('abort', window.onCallerAbort);
    retire(window);
    windows.delete(window);
    if (last === window) last = undefined;
  };

  const open = (caller: AbortSignal | undefined, at: number): Window => {
    const controller = new AbortController();
    // every attempt of the window links its backend call to this one signal
    setMaxListeners(0, controller.signal);
    const window: Window = {
      signal: controller.signal,
      controller,
      openedAt: at,
      active: 0,
      started: 0,
      timer: setTimeout(() => {
        retire(window);
        controller.abort(new TimeoutError(message));
      }, options.timeoutMs + slackMs),
      caller,
      onCallerAbort: undefined,
      isCurrent: true,
    };
    const previous = current.get(caller);
    if (previous) previous.isCurrent = false;
    current.set(caller, window);
    windows.add(window);
    if (caller) {
      window.onCallerAbort = () => {
        retire(window);
        controller.abort(caller.reason);
      };
      if (caller.aborted) window.onCallerAbort();
      else caller.addEventListener('abort', window.onCallerAbort, { once: true });
    }
    return window;
  };

  return {
    start(caller) {
      const at = now();
      // the usual case: the same caller (one batch's signal) as the last attempt, in the window it opened
      let window = last !== undefined && last.caller === caller && last.isCurrent ? last : current.get(caller);
      if (!window || at - window.openedAt >= slackMs || window.started >= attemptsPerWindow || window.controller.signal.aborted) window = open(caller, at);
      last = window;
      window.active += 1;
      window.started += 1;
      return window;
    },
    end(deadline) {
      const window = deadline as Window;
      window.active -= 1;
      if (window.active === 0) dispose(window);
    },
    get open() {
      return windows.size;
    },
  };
}
