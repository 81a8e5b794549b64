/**
 * Writes assets/guard/traditional-reply-phrases.txt: the entries of OpenCC's simplified → traditional
 * phrase table (opencc-js STPhrases, 1 MB) that the guard's Chinese texts use, so a guarded server can
 * answer in traditional characters with the small character table and these few phrases instead of
 * loading the whole phrase table (src/guard/reply-language.ts). Run it after editing the spec's Chinese
 * texts (a test fails until then):
 *
 *   node --import tsx training/guard/build-traditional-reply-phrases.ts
 */
import { writeFileSync } from 'node:fs';
import * as openccCore from 'opencc-js/core';
import * as openccPreset from 'opencc-js/preset/cn2t';
import { resolvePackagePath } from '../../src/core/package-paths.js';
import { guardReplyTexts } from './guard-reply-texts.js';

/** The phrase entries (two or more characters) the full simplified → traditional table matches in the texts. */
type DictGroup = readonly (string | readonly (readonly [string, string])[])[];
interface PhraseTrie {
  loadDictGroup(group: DictGroup): void;
  matchPrefix(text: string, offset: number): { end: number; value: string } | null;
}
// Typed locally: opencc-js's subpath types do not resolve under every tool.
const { Trie } = openccCore as unknown as { Trie: new () => PhraseTrie };
const { from } = openccPreset as unknown as { from: Partial<Record<string, readonly DictGroup[]>> };

export function usedPhrases(texts: readonly string[]): Map<string, string> {
  const group = from.cn?.[0];
  if (group === undefined) throw new Error('opencc-js lacks its simplified → traditional tables; reinstall the dependencies (npm ci).');
  const trie = new Trie();
  trie.loadDictGroup(group);
  const phrases = new Map<string, string>();
  for (const text of texts) {
    for (let index = 0; index < text.length; ) {
      const match = trie.matchPrefix(text, index);
      if (match === null) {
        index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
        continue;
      }
      const source = text.slice(index, match.end);
      if (Array.from(source).length > 1) phrases.set(source, match.value);
      index = match.end;
    }
  }
  return phrases;
}

function main(): void {
  const texts = guardReplyTexts();
  const phrases = usedPhrases(texts);
  const lines = [...phrases].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([source, target]) => `${source} ${target}`);
  const header = [
    "# The entries of OpenCC's simplified → traditional phrase table (opencc-js, STPhrases; Apache-2.0) that the",
    "# guard's Chinese texts use. Written by training/guard/build-traditional-reply-phrases.ts; do not edit by hand.",
    `# ${texts.length} texts, ${lines.length} phrases.`,
  ];
  const path = resolvePackagePath('assets', 'guard', 'traditional-reply-phrases.txt');
  writeFileSync(path, `${[...header, ...lines].join('\n')}\n`);
  console.log(`wrote ${path}: ${lines.length} phrases used by ${texts.length} texts`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) main();
