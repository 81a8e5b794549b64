/**
 * createHashSeen against a Set<number>: the same answers for seeded random hashes, through growth,
 * colliding slots and many clears.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHashSeen } from '../../src/guard/classifier/create-hash-seen.js';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return (value ^ (value >>> 14)) >>> 0;
  };
}

test('createHashSeen answers as a Set<number> would, through growth and clears', () => {
  const next = random(7);
  const seen = createHashSeen();
  for (let round = 0; round < 60; round += 1) {
    const reference = new Set<number>();
    seen.clear();
    // rounds of very different sizes: some grow the table far past its first 1,024 slots
    const count = round % 10 === 0 ? 5_000 : next() % 300;
    // a small pool makes repeats (and their `false` answers) frequent
    const pool = Array.from({ length: Math.max(1, count >> 1) }, () => next());
    for (let index = 0; index < count; index += 1) {
      const hash = pool[next() % pool.length] as number;
      assert.equal(seen.has(hash), reference.has(hash));
      assert.equal(seen.add(hash), !reference.has(hash));
      reference.add(hash);
      assert.equal(seen.size, reference.size);
    }
    for (const hash of pool) assert.equal(seen.has(hash), reference.has(hash));
    assert.equal(seen.has(next()), false);
  }
});

test('createHashSeen takes the edge values of unsigned 32-bit hashes (0, the sign bit, all ones)', () => {
  const seen = createHashSeen();
  const values = [0, 0x8000_0000, 0xffff_ffff, 1, 0x0000_0400, 0x0010_0000];
  for (const value of values) assert.equal(seen.add(value), true);
  for (const value of values) assert.equal(seen.add(value), false);
  assert.equal(seen.size, values.length);
  seen.clear();
  assert.equal(seen.size, 0);
  for (const value of values) assert.equal(seen.has(value), false);
});
