/**
 * Sentence-encoder embeddings with an on-disk cache (os.tmpdir()/safemed-guard-embeddings.jsonl, keyed
 * by the SHA-1 of the text): embedding the corpus takes minutes on a busy machine, and reruns with the
 * same texts should not pay again. Training time only; never committed.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentenceEncoder } from '../../src/guard/classifier/sentence-encoder.js';

export interface CachedEmbedder {
  embedAll(texts: string[], log?: (line: string) => void): Promise<Float32Array[]>;
}

function key(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function createCachedEmbedder(encoder: SentenceEncoder, file: string = join(tmpdir(), 'safemed-guard-embeddings.jsonl')): CachedEmbedder {
  const cache = new Map<string, Float32Array>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const row = JSON.parse(line) as { k: string; e: number[] };
        cache.set(row.k, Float32Array.from(row.e));
      } catch {
        // A line cut short by an interrupted run: embedded again when needed.
      }
    }
  }
  return {
    async embedAll(texts, log) {
      const missing = Array.from(new Set(texts.filter((text) => !cache.has(key(text)))));
      if (missing.length > 0) log?.(`embedding ${missing.length} texts with the sentence encoder (${texts.length - missing.length} cached)`);
      const started = Date.now();
      for (let index = 0; index < missing.length; index += 32) {
        const batch = missing.slice(index, index + 32);
        const vectors = await encoder.embed(batch);
        const lines: string[] = [];
        batch.forEach((text, position) => {
          const vector = vectors[position];
          if (vector === undefined) return;
          // Rounded the same way whether fresh or read back, so reruns are byte-identical.
          const rounded = Array.from(vector, (value) => Math.round(value * 1e5) / 1e5);
          cache.set(key(text), Float32Array.from(rounded));
          lines.push(JSON.stringify({ k: key(text), e: rounded }));
        });
        appendFileSync(file, `${lines.join('\n')}\n`);
        if (log && index % 640 === 0 && index > 0) log(`  ${index}/${missing.length} embedded (${((Date.now() - started) / index).toFixed(0)} ms per text)`);
      }
      return texts.map((text) => {
        const vector = cache.get(key(text));
        if (vector === undefined) throw new Error('embedding missing after embedding');
        return vector;
      });
    },
  };
}
