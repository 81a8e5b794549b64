/** Deterministic sampling for --limit/--seed: a seeded shuffle picks the items, which keep file order. */

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleItems<Item>(items: Item[], limit: number | undefined, seed: number): Item[] {
  if (limit === undefined || limit >= items.length) return items;
  const random = createSeededRandom(seed);
  const indexes = items.map((_, index) => index);
  for (let index = indexes.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [indexes[index], indexes[other]] = [indexes[other] ?? other, indexes[index] ?? index];
  }
  const chosen = new Set(indexes.slice(0, Math.max(0, limit)));
  return items.filter((_, index) => chosen.has(index)); // file order
}
