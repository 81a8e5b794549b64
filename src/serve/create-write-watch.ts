import type { ServerResponse } from 'node:http';

export interface WriteWatch {
  /**
   * Watches a response that has bytes waiting for the client (a blocked stream, or an answer not yet
   * flushed when its handler ended). Watched until it closes; cheap to call again.
   */
  track: (response: ServerResponse) => void;
  /** Stops the timer (the server is closing). */
  close: () => void;
}

interface Watched {
  /** Bytes waiting at the last look (see waitingBytes). */
  pending: number;
  /** When the waiting bytes last went down (or started waiting), in ms. */
  since: number;
}

/**
 * Bytes not yet handed to the kernel: those queued in the response and its socket, plus what libuv still
 * holds of a write in progress. A single large write (a non-streamed answer) stays whole in
 * `writableLength` until libuv has written all of it, so only the handle's `writeQueueSize` shows that
 * it moves. It goes down in steps, each time the kernel's send buffer has room again (nginx's
 * `send_timeout` measures the same: the time between two successful writes).
 */
function waitingBytes(response: ServerResponse): number {
  const socket = response.socket as { _handle?: { writeQueueSize?: unknown } | null } | null;
  const handle = socket?._handle;
  const queued = typeof handle?.writeQueueSize === 'number' ? handle.writeQueueSize : 0;
  return response.writableLength + queued;
}

/**
 * Closes the connection of a client that stopped reading: a response whose waiting bytes have not gone
 * down for `timeoutMs` (no write reached the kernel in that time) is destroyed, and `onStall` is told. Without it, a client that never reads holds
 * its connection and its stream for the whole request timeout, and `--max-connections` such clients
 * deny service to everyone. Only waiting bytes count: a model thinking for minutes before its first
 * byte, or a non-streamed answer still being generated, is never cut. One unref'd timer runs while
 * something is watched; the per-request cost is nothing unless a write had to wait.
 */
export function createWriteWatch(timeoutMs: number, onStall: (response: ServerResponse) => void, now: () => number = () => performance.now()): WriteWatch {
  const watched = new Map<ServerResponse, Watched>();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const at = now();
    for (const [response, state] of watched) {
      if (response.destroyed || response.writableFinished) {
        watched.delete(response);
        continue;
      }
      const pending = waitingBytes(response);
      if (pending === 0 || pending < state.pending) state.since = at;
      state.pending = pending;
      if (pending > 0 && at - state.since >= timeoutMs) {
        watched.delete(response);
        response.destroy();
        onStall(response);
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    track: (response) => {
      if (watched.has(response) || response.destroyed || response.writableFinished) return;
      watched.set(response, { pending: waitingBytes(response), since: now() });
      response.once('close', () => watched.delete(response));
      if (!timer) {
        timer = setInterval(tick, Math.max(10, Math.min(1_000, timeoutMs / 4)));
        timer.unref();
      }
    },
    close: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      watched.clear();
    },
  };
}
