/**
 * The request body's shape check (nesting depth and members per object) against a plain
 * character-by-character reference,
 * on seeded random texts made of the characters that matter (quotes, backslashes, brackets) and on
 * hand-picked cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonShapeProblem } from '../../src/serve/read-json-body.js';

/** Depth alone: the shape check without a member limit. */
const jsonDeeperThan = (text: string, limit: number): boolean => findJsonShapeProblem(text, limit) === 'too_deep';

/** The reference for depth: the members reference without a member limit. */
function referenceDeeperThan(text: string, limit: number): boolean {
  return referenceMembers(text, limit, Number.POSITIVE_INFINITY) === 'too_deep';
}

test('jsonDeeperThan agrees with the character-by-character reference on 20,000 seeded random texts', () => {
  let seed = 20261127;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = ['"', '\\', '{', '}', '[', ']', 'a', ' ', ':', ','];
  let deep = 0;
  for (let round = 0; round < 20_000; round += 1) {
    const length = Math.floor(random() * 40);
    let text = '';
    for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    const limit = Math.floor(random() * 4);
    const expected = referenceDeeperThan(text, limit);
    if (expected) deep += 1;
    assert.equal(jsonDeeperThan(text, limit), expected, `text ${JSON.stringify(text)} limit ${limit}`);
  }
  assert.ok(deep > 1000, 'the random texts exercise both answers');
});

test('jsonDeeperThan: brackets inside strings and escaped quotes do not count', () => {
  assert.equal(jsonDeeperThan('{"a":"[[[[{{{{"}', 1), false);
  assert.equal(jsonDeeperThan('{"a":"\\"[[[["}', 1), false);
  assert.equal(jsonDeeperThan('{"a":"\\\\"}', 1), false);
  assert.equal(jsonDeeperThan('{"a":"\\\\",[[1]]}', 2), true);
  assert.equal(jsonDeeperThan(JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }), 3), false);
  assert.equal(jsonDeeperThan('['.repeat(65) + ']'.repeat(65), 64), true);
  assert.equal(jsonDeeperThan('['.repeat(64) + ']'.repeat(64), 64), false);
});

/**
 * The reference: every character in turn; inside a string a backslash skips the next character; a stack
 * of containers, where a comma directly inside an object adds a member.
 */
function referenceMembers(text: string, maxDepth: number, maxMembers: number): string | undefined {
  const stack: { object: boolean; commas: number }[] = [];
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{' || character === '[') {
      depth += 1;
      if (depth > maxDepth) return 'too_deep';
      if (depth > 0) stack[depth] = { object: character === '{', commas: 0 };
    } else if (character === '}' || character === ']') depth -= 1;
    else if (character === ',' && depth > 0) {
      const top = stack[depth];
      if (top?.object === true) {
        top.commas += 1;
        if (top.commas >= maxMembers) return 'too_many_members';
      }
    }
  }
  return undefined;
}

test('findJsonShapeProblem agrees with the reference on 20,000 seeded random texts', () => {
  let seed = 20261128;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const alphabet = ['"', '\\', '{', '}', '[', ']', 'a', ',', ',', ','];
  const seen = new Map<string, number>();
  for (let round = 0; round < 20_000; round += 1) {
    const length = Math.floor(random() * 40);
    let text = '';
    for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(random() * alphabet.length)] ?? '';
    const maxDepth = 1 + Math.floor(random() * 4);
    const maxMembers = 1 + Math.floor(random() * 4);
    const expected = referenceMembers(text, maxDepth, maxMembers);
    seen.set(String(expected), (seen.get(String(expected)) ?? 0) + 1);
    assert.equal(findJsonShapeProblem(text, maxDepth, maxMembers), expected, `text ${JSON.stringify(text)} depth ${maxDepth} members ${maxMembers}`);
  }
  assert.ok((seen.get('too_many_members') ?? 0) > 1000 && (seen.get('too_deep') ?? 0) > 1000 && (seen.get('undefined') ?? 0) > 1000, 'the random texts exercise every answer');
});

test('findJsonShapeProblem: members of one object, not of the body', () => {
  const object = (count: number) => `{${Array.from({ length: count }, (_, index) => `"k${index}":[1,2,3]`).join(',')}}`;
  assert.equal(findJsonShapeProblem(object(100), 64, 100), undefined);
  assert.equal(findJsonShapeProblem(object(101), 64, 100), 'too_many_members');
  assert.equal(findJsonShapeProblem(`[${Array.from({ length: 50 }, () => object(100)).join(',')}]`, 64, 100), undefined);
  assert.equal(findJsonShapeProblem(`{"a":"${','.repeat(500)}"}`, 64, 100), undefined);
});
