/**
 * An open-addressing hash table from 64-bit n-gram keys (two 32-bit halves) to the index of the
 * first benchmark item holding that n-gram: typed arrays only, so millions of benchmark n-grams fit
 * in tens of megabytes.
 */
export interface NgramTable {
  add(high: number, low: number, value: number): void;
  /** The stored value, or -1. */
  get(high: number, low: number): number;
  readonly size: number;
}

export function createNgramTable(expected: number): NgramTable {
  let capacity = 1024;
  while (capacity < expected * 2) capacity *= 2;
  let highs = new Uint32Array(capacity);
  let lows = new Uint32Array(capacity);
  let values = new Int32Array(capacity).fill(-1);
  let size = 0;
  const slot = (high: number, low: number, mask: number) => (Math.imul(high ^ Math.imul(low, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
  const insert = (high: number, low: number, value: number) => {
    const mask = capacity - 1;
    let position = slot(high, low, mask);
    for (;;) {
      if (values[position] === -1) {
        highs[position] = high;
        lows[position] = low;
        values[position] = value;
        size += 1;
        return;
      }
      if (highs[position] === high && lows[position] === low) return; // first item wins
      position = (position + 1) & mask;
    }
  };
  const grow = () => {
    const oldHighs = highs;
    const oldLows = lows;
    const oldValues = values;
    capacity *= 2;
    highs = new Uint32Array(capacity);
    lows = new Uint32Array(capacity);
    values = new Int32Array(capacity).fill(-1);
    size = 0;
    for (let index = 0; index < oldValues.length; index += 1) {
      const value = oldValues[index] ?? -1;
      if (value !== -1) insert(oldHighs[index] ?? 0, oldLows[index] ?? 0, value);
    }
  };
  return {
    add(high, low, value) {
      if ((size + 1) * 2 > capacity) grow();
      insert(high >>> 0, low >>> 0, value);
    },
    get(high, low) {
      const mask = capacity - 1;
      const h = high >>> 0;
      const l = low >>> 0;
      let position = slot(h, l, mask);
      for (;;) {
        const value = values[position] ?? -1;
        if (value === -1) return -1;
        if (highs[position] === h && lows[position] === l) return value;
        position = (position + 1) & mask;
      }
    },
    get size() {
      return size;
    },
  };
}
