/**
 * canonicalJson feeds every hash of the audit trail and the review log: a faster version must write
 * exactly what the plain algorithm wrote. The reference below is that algorithm (as of commit 5eb6f93);
 * seeded random values of every shape are written by both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/audit/canonical-json.js';

function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      const item: unknown = value[index];
      text += item === undefined ? 'null' : reference(item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${reference(item)}`;
  }
  return `${text}}`;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'B', 'action', 'reasons', 'risk', '', '10', '9', '0', '01', '__proto__', 'é', 'e\u0301', 'z\ud800', '中文', '😀', 'a"b', 'back\\slash', 'x'.repeat(80)];
const PRIMITIVES: unknown[] = [null, undefined, true, false, 0, -0, 1, 0.1, 0.0009, 1e21, -1.5e-7, Number.NaN, Number.POSITIVE_INFINITY, '', 'text', 'a "quoted" \\ text', 'line\nbreak', '\u2028', '\ud800', '😀', () => 1, Symbol('s'), new Date(0)];

function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  if (depth >= 4 || roll < 0.45) return pick(PRIMITIVES);
  if (roll < 0.65) return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
  const record: Record<string, unknown> = {};
  const count = Math.floor(random() * 8);
  for (let index = 0; index < count; index += 1) {
    // defineProperty: an own "__proto__" member, as JSON.parse makes it
    Object.defineProperty(record, pick(KEYS), { value: randomValue(random, depth + 1), enumerable: true, configurable: true, writable: true });
  }
  return record;
}

test('canonicalJson writes exactly what the plain algorithm writes, for 5,000 seeded random values', () => {
  const random = seededRandom(20261127);
  for (let round = 0; round < 5000; round += 1) {
    const value = randomValue(random, 0);
    assert.equal(canonicalJson(value), reference(value), `round ${round}`);
  }
});

test('canonicalJson: keys in code-unit order whatever their insertion order, integer-like keys included', () => {
  const value = { b: 1, '9': 2, '10': 3, a: { d: 4, c: 5 }, B: 6 };
  assert.equal(canonicalJson(value), '{"10":3,"9":2,"B":6,"a":{"c":5,"d":4},"b":1}');
  assert.equal(canonicalJson(value), reference(value));
});
