/**
 * Lone UTF-16 surrogates (`"\ud800"`) cannot be stored as UTF-8: SQLite would keep a different text
 * than the one hashed, and `audit verify` would report tampering. Every string of a record goes
 * through this before it is hashed and stored: lone surrogates become U+FFFD.
 */
export function toWellFormedText(text: string): string {
  // ES2024 String methods (Node >= 20); typed by hand because the project's lib is ES2023.
  const wellFormed = text as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return wellFormed.isWellFormed() ? text : wellFormed.toWellFormed();
}

/** Deep copy of a JSON-like value with every string (keys included) made well-formed. */
export function toWellFormedValue<T>(value: T): T {
  if (typeof value === 'string') return toWellFormedText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => toWellFormedValue(item)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[toWellFormedText(key)] = toWellFormedValue(item);
  return out as T;
}

/** Whether every string of a JSON-like value (keys included) is well-formed: then it needs no copy. */
export function isWellFormedValue(value: unknown): boolean {
  if (typeof value === 'string') return toWellFormedText(value) === value;
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every((item: unknown) => isWellFormedValue(item));
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (toWellFormedText(key) !== key || !isWellFormedValue(item)) return false;
  }
  return true;
}

/**
 * JSON.stringify writes a lone surrogate as an escape (`\udXXX`, lower-case hex) and never writes one
 * otherwise (a surrogate pair is written as is); a literal backslash followed by "ud8…" in a text can
 * also match, which only costs the slow path.
 */
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/;

/** Whether a JSON text (from JSON.stringify or canonicalJson) may hold a lone surrogate of its value. */
export function mayHoldLoneSurrogate(json: string): boolean {
  return LONE_SURROGATE_ESCAPE.test(json);
}
