/** The engine's bounded pool: runs `worker` over `items` with at most `concurrency` in flight, stopping early on abort. */
export async function runPool<Item>(items: readonly Item[], concurrency: number, worker: (item: Item) => Promise<void>, signal: AbortSignal): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length && !signal.aborted) {
      const item = items[next] as Item;
      next += 1;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}
