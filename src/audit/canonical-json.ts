/** `"key":` of keys seen before: records and settings repeat a few dozen member names. Bounded, never cleared. */
const memberPrefixes = new Map<string, string>();
const MEMBER_PREFIXES_MAX = 512;
const MEMBER_PREFIX_MAX_CHARS = 64;

function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `${JSON.stringify(key)}:`;
    if (memberPrefixes.size < MEMBER_PREFIXES_MAX && key.length <= MEMBER_PREFIX_MAX_CHARS) memberPrefixes.set(key, prefix);
  }
  return prefix;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped (`undefined` array
 * items become null, as in JSON). Two equal values always give the same string, so a hash over it is
 * stable across writes and re-reads. Built in one pass of string appends (it runs for every column and
 * every hash of the audit trail); keys already in order are not sorted again, and quoted member names
 * are remembered.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify gives undefined (despite its type) for undefined, functions and symbols.
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      const item: unknown = value[index];
      text += item === undefined ? 'null' : canonicalJson(item);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // String comparison with < is the code-unit order Array#sort uses by default.
  for (let index = 1; index < keys.length; index += 1) {
    if ((keys[index - 1] as string) > (keys[index] as string)) {
      keys.sort();
      break;
    }
  }
  let text = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (text.length > 1) text += ',';
    text += memberPrefix(key) + canonicalJson(item);
  }
  return `${text}}`;
}
