/** At most `limit` holders at a time; waiters are served in arrival order and leave (rejected with the signal's reason) when their signal aborts. */
export interface Semaphore {
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Takes a free slot at once when there is one (no promise); give it back with `release`. */
  tryAcquire(): boolean;
  /** Gives back a slot taken by tryAcquire (the same function acquire resolves to). */
  readonly release: () => void;
  readonly active: number;
  readonly waiting: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
}

export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const queue: Waiter[] = [];
  /** Waiters per caller signal: one abort listener per signal, not one per waiter. */
  const waitersOf = new Map<AbortSignal, number>();
  const forget = (signal: AbortSignal) => {
    const left = (waitersOf.get(signal) ?? 1) - 1;
    if (left > 0) {
      waitersOf.set(signal, left);
      return;
    }
    waitersOf.delete(signal);
    signal.removeEventListener('abort', onAbort);
  };
  function onAbort(this: AbortSignal): void {
    waitersOf.delete(this);
    this.removeEventListener('abort', onAbort);
    for (let position = queue.length - 1; position >= 0; position -= 1) {
      const waiter = queue[position];
      if (waiter?.signal === this) {
        queue.splice(position, 1);
        waiter.reject(this.reason);
      }
    }
  }
  const release = () => {
    active -= 1;
    const next = queue.shift();
    if (next) {
      active += 1;
      if (next.signal) forget(next.signal);
      next.resolve(release);
    }
  };
  return {
    release,
    tryAcquire() {
      if (active >= limit) return false;
      active += 1;
      return true;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (active < limit) {
        active += 1;
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        if (signal) {
          const waiting = waitersOf.get(signal) ?? 0;
          if (waiting === 0) signal.addEventListener('abort', onAbort);
          waitersOf.set(signal, waiting + 1);
        }
        queue.push({ resolve, reject, signal });
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
