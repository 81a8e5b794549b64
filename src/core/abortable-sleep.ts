/** A sleep that callers can cut short: injectable in tests (no real waiting), aborted with its signal. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The signal's reason as an Error (an AbortSignal's reason is a DOMException or what `abort(reason)` got). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('The wait was aborted.', { cause: reason });
}

/** Waits `ms`; when `signal` aborts first, rejects with the signal's reason and clears the timer. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
