import assert from 'node:assert/strict';

/** The value, asserted to be defined (instead of a non-null assertion). */
export function must<Value>(value: Value | undefined | null, what = 'value'): Value {
  assert.ok(value !== undefined && value !== null, `${what} is missing`);
  return value;
}
