/**
 * A content-addressed cache of judge answers: the key is a SHA-256 of the judge (id, backend URI,
 * model), the task and what the prompt is made of — the digest of the prompt template (with the spec's
 * policy and rubric in it, see compile-judge-prompt.ts) and the values filled in (the conversation and
 * the response) — so the same prompt + response + judge is never asked twice. Hashing these few hundred
 * bytes instead of the ~5 KB rendered prompt keeps the key cheap (the prompt is built only on a miss).
 * In memory (LRU, bounded), optionally appended to a JSONL file and reloaded from it, so offline
 * re-scoring reuses earlier answers.
 *
 * The LRU is a Map in recency order (a hit moves its key to the end). The least recently used key is
 * read from ONE long-lived iterator over the Map, not from a fresh `keys()` each eviction: a Map
 * iterator skips entries deleted since it was made and visits entries added after it (ECMAScript
 * Map iteration), so it always yields the oldest key still present, and it never walks the same
 * deleted slot twice. A fresh iterator per eviction starts at the table's first slot and walks every
 * slot deleted since the table was last compacted (tens of thousands once the cache is full and hits
 * move keys): ~30 µs per new answer in a long run.
 */
import { hash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface JudgeCache {
  get(key: string): number | undefined;
  set(key: string, value: number): void;
  readonly size: number;
}

export interface JudgeCacheKeyParts {
  judgeId: string;
  uri: string;
  model: string;
  task: string;
  /** The prompt's template digest and the values filled in, in order. */
  content: readonly string[];
}

export function judgeCacheKey(parts: JudgeCacheKeyParts): string {
  return hash('sha256', JSON.stringify([parts.judgeId, parts.uri, parts.model, parts.task, ...parts.content]));
}

/**
 * The same key in two steps, for callers that ask many keys of one judge and template and share the
 * content's JSON between tasks (an item's harmfulness and explanation prompts are filled with the same
 * conversation and response): `judgeCacheKeyHead` once per judge, task and leading content parts (the
 * template digest) — the JSON text of that array without its closing bracket — then
 * `judgeCacheKeyFromJson(head, json)` with `json` the JSON texts of the remaining parts joined by
 * commas (`JSON.stringify(a) + ',' + JSON.stringify(b)`). The hashed text is byte for byte the one
 * `judgeCacheKey` hashes (the JSON of an array is its elements' JSON joined by commas), so keys — and
 * cache files — do not change.
 */
export function judgeCacheKeyHead(parts: JudgeCacheKeyParts): string {
  return JSON.stringify([parts.judgeId, parts.uri, parts.model, parts.task, ...parts.content]).slice(0, -1);
}

export function judgeCacheKeyFromJson(head: string, json: string): string {
  return hash('sha256', `${head},${json}]`);
}

export function createJudgeCache(options: { maxEntries: number; file?: string }): JudgeCache {
  const entries = new Map<string, number>();
  /** Yields the least recently used key still present (see the header); made once, on the first eviction. */
  let oldestFirst: Iterator<string> | undefined;
  const remember = (key: string, value: number) => {
    if (options.maxEntries <= 0) return;
    // a new key (the usual case: the runner stores an answer after a miss) costs one Map operation; a key
    // already present is moved to the end (most recently used) with its new value
    const size = entries.size;
    entries.set(key, value);
    if (entries.size === size) {
      entries.delete(key);
      entries.set(key, value);
    }
    if (entries.size > options.maxEntries) {
      oldestFirst ??= entries.keys();
      const oldest = oldestFirst.next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
  };
  if (options.file !== undefined && existsSync(options.file)) {
    for (const line of readFileSync(options.file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as { key?: unknown; value?: unknown };
        if (typeof record.key === 'string' && typeof record.value === 'number') remember(record.key, record.value);
      } catch {
        // a torn last line from an interrupted run: skipped
      }
    }
  }
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      remember(key, value);
      if (options.file !== undefined) appendFileSync(options.file, JSON.stringify({ key, value }) + '\n');
    },
    get size() {
      return entries.size;
    },
  };
}
