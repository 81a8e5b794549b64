import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

export interface SseWriter {
  /**
   * Sends (or briefly holds) one SSE event; returns a promise only when the client is not keeping up.
   * The promise settles when the client drained or the call was aborted (check the signal after it).
   */
  write(text: string): Promise<unknown> | undefined;
  /** Ends the response with what is held plus `tail`. */
  end(tail: string): void;
  /** Drops any pending flush timer (the response is being abandoned). */
  cancel(): void;
}

/**
 * Writes SSE events with adaptive coalescing: an event is written at once when nothing was written in
 * the last `coalesceMs`; events that come faster are held and written together at the end of that
 * window. A model producing fewer than 1000/coalesceMs tokens per second (every real model on real
 * hardware) sees every token written immediately; a very fast one costs one syscall and one client
 * wake-up per window instead of per token. The first event is never delayed. 0 disables coalescing.
 * `onBlocked` hears of every write the client was not ready for.
 */
export function createSseWriter(
  response: ServerResponse,
  signal: AbortSignal,
  coalesceMs: number,
  onBlocked: (response: ServerResponse) => void = () => {},
  now: () => number = () => performance.now(),
): SseWriter {
  let held = '';
  let lastWrite = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let blocked: Promise<unknown> | undefined;

  const push = (text: string) => {
    lastWrite = now();
    // Once the call is aborted nobody waits for a drain: the response is about to end or be destroyed.
    // (events.once throws at once on an aborted signal, and a flush timer firing while the handler
    // awaits the audit record made that an uncaught exception that took the server down.)
    if (!response.write(text) && !response.writableEnded && !response.destroyed && !signal.aborted) {
      // Settles on drain or abort, never rejects: a flush timer's wait has no one to catch a rejection,
      // and the stream loop checks the signal itself after waiting.
      blocked = once(response, 'drain', { signal }).then(settle, settle);
      onBlocked(response); // a client that never drains is cut by the write watch (--write-timeout)
    }
  };
  const settle = () => {
    blocked = undefined;
    if (held !== '' && !signal.aborted) timer ??= setTimeout(flush, 0);
  };
  const flush = () => {
    timer = undefined;
    if (held === '' || response.writableEnded || response.destroyed) return;
    const text = held;
    held = '';
    push(text);
  };

  return {
    write: (text) => {
      if (blocked) {
        held += text; // sent, in order, once the client has drained
        return blocked;
      }
      const elapsed = now() - lastWrite;
      if (coalesceMs <= 0 || (held === '' && elapsed >= coalesceMs)) {
        const combined = held + text;
        held = '';
        push(combined);
        return blocked;
      }
      held += text;
      timer ??= setTimeout(flush, Math.max(0, coalesceMs - elapsed));
      return undefined;
    },
    end: (tail) => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const text = held + tail;
      held = '';
      response.end(text);
    },
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      held = '';
    },
  };
}
