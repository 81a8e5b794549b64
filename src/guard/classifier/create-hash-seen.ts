/**
 * The set of feature hashes a span scorer has already counted. The span scorers ask it once per feature
 * of every segment of every span, so it is an open-addressing table of 32-bit keys with a generation
 * stamp per slot: `clear` is one increment, and membership costs a multiply and a probe or two (a
 * `Set<number>` cost about half of a whole check on multi-sentence texts).
 */
export interface HashSeen {
  /** Distinct hashes added since the last clear. */
  readonly size: number;
  has(hash: number): boolean;
  /** Adds `hash`; true when it was not there yet. */
  add(hash: number): boolean;
  clear(): void;
}

const INITIAL_BITS = 10;
/** Golden-ratio multiplier (Fibonacci hashing): spreads FNV-style hashes over the high bits. */
const SPREAD = 0x9e3779b1;

export function createHashSeen(): HashSeen {
  let bits = INITIAL_BITS;
  let keys = new Int32Array(1 << bits);
  let stamps = new Uint32Array(1 << bits);
  let generation = 1;
  let size = 0;

  /** The slot holding `key`, or the empty slot where it would go. */
  const slotOf = (key: number): number => {
    const mask = (1 << bits) - 1;
    let slot = Math.imul(key, SPREAD) >>> (32 - bits);
    while (stamps[slot] === generation && keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  };
  /** Doubles the table when it is half full, keeping this generation's keys. */
  const grow = (): void => {
    const oldKeys = keys;
    const oldStamps = stamps;
    bits += 1;
    keys = new Int32Array(1 << bits);
    stamps = new Uint32Array(1 << bits);
    for (let index = 0; index < oldKeys.length; index += 1) {
      if (oldStamps[index] !== generation) continue;
      const slot = slotOf(oldKeys[index] as number);
      keys[slot] = oldKeys[index] as number;
      stamps[slot] = generation;
    }
  };

  return {
    get size() {
      return size;
    },
    has: (hash) => stamps[slotOf(hash | 0)] === generation,
    add: (hash) => {
      const key = hash | 0;
      const slot = slotOf(key);
      if (stamps[slot] === generation) return false;
      keys[slot] = key;
      stamps[slot] = generation;
      size += 1;
      if (size * 2 > keys.length) grow();
      return true;
    },
    clear: () => {
      size = 0;
      generation += 1;
      if (generation === 0xffff_ffff) {
        stamps.fill(0);
        generation = 1;
      }
    },
  };
}
