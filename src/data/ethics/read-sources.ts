/**
 * Source passages for grounding ethics items: every .txt / .md file of a folder (textbook,
 * guideline and law excerpts the user is entitled to use), cut into passages at blank lines,
 * each with a citation `file §n`. A passage is chosen per dimension by word overlap with the
 * dimension's names, definition and examples (ties and near-ties broken by the seed).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { createSeededRandom } from '../../eval/engine/sample-items.js';
import { tokenTexts } from '../dedup/hash-tokens.js';

export interface SourcePassage {
  file: string;
  /** 1-based passage number in the file. */
  passage: number;
  citation: string;
  text: string;
}

export function readSources(folder: string, minLength = 60): SourcePassage[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ConfigError(`--sources ${folder}: not a folder.`, { key: '--sources', fix: 'Give a folder of .txt / .md files (textbook, guideline or law excerpts).' });
  const passages: SourcePassage[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (!['.txt', '.md'].includes(extname(name).toLowerCase())) continue;
    const text = readFileSync(join(folder, name), 'utf8').replace(/\r\n/gu, '\n');
    let number = 0;
    for (const block of text.split(/\n\s*\n/u)) {
      const clean = block.trim();
      if (clean.length < minLength) continue;
      number += 1;
      passages.push({ file: basename(name), passage: number, citation: `${basename(name)} §${number}`, text: clean.slice(0, 2000) });
    }
  }
  if (passages.length === 0) throw new ConfigError(`--sources ${folder}: no passage of at least ${minLength} characters in its .txt / .md files.`, { key: '--sources', fix: 'Add .txt or .md files with paragraphs separated by blank lines.' });
  return passages;
}

const STOP = new Set(['the', 'and', 'of', 'or', 'a', 'an', 'to', 'in', 'for', 'on', 'with', 'by', 'is', 'are', 'be', 'as', 'that', 'this', 'from', 'at', 'it', 'its']);

function keywords(text: string): Set<string> {
  return new Set(tokenTexts(text).filter((token) => !STOP.has(token) && (token.length > 2 || /[\u4e00-\u9fff]/u.test(token))));
}

export function choosePassage(passages: SourcePassage[], topicText: string, seed: number): SourcePassage {
  const wanted = keywords(topicText);
  const scored = passages.map((passage, index) => {
    let overlap = 0;
    for (const token of keywords(passage.text)) if (wanted.has(token)) overlap += 1;
    return { index, overlap };
  });
  const best = Math.max(...scored.map((entry) => entry.overlap));
  const pool = scored.filter((entry) => entry.overlap >= Math.max(1, best * 0.8));
  const candidates = pool.length > 0 ? pool : scored;
  const random = createSeededRandom(seed);
  const chosen = candidates[Math.floor(random() * candidates.length)] ?? scored[0];
  return passages[chosen?.index ?? 0] as SourcePassage;
}
