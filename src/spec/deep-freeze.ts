/** Freezes a value and everything it holds (the specification is shared by every caller, read-only). */
export function deepFreeze<Value>(value: Value): Value {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
