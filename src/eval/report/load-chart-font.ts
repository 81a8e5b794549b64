/**
 * The font the radar chart is drawn with, shipped through npm so `npm ci` alone renders Chinese:
 * Noto Sans SC (variable, SIL Open Font License 1.1) from `@fontsource-variable/noto-sans-sc`, which
 * splits the font into ~100 WOFF2 files by Unicode range. resvg reads TrueType, so the files covering
 * the chart's text are decompressed (wawoff2) into a cache folder once; the rest are never touched.
 * Characters no file covers are reported, so the caller can warn instead of drawing boxes.
 *
 * resvg has no font merging: it shapes a text with one file and, for the characters that file lacks,
 * shapes the whole text again with the next file that has them, taking glyphs over one for one. It
 * gives up (and draws the rest as boxes) when the two shapings have different glyph counts — which a
 * ligature does: "fi" or "office" next to Chinese characters. So the decompressed files keep no
 * OpenType layout tables (GSUB, GPOS; `withoutLayoutTables`): one character is one glyph in every
 * file and the per-character fallback across the subset files always lines up. Chart labels lose
 * Latin ligatures and kerning, which they do not need.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** The family name resvg sees in the decompressed files. */
export const CHART_FONT_FAMILY = 'Noto Sans SC Variable';
const PACKAGE = '@fontsource-variable/noto-sans-sc';

export interface ChartFont {
  family: string;
  /** TrueType files covering the text, for resvg's `fontFiles`. */
  fontFiles: string[];
  /** Characters of the text that no shipped font file covers (each once, in order). */
  missing: string[];
}

export interface LoadChartFontOptions {
  /** Where decompressed files are kept (default: <tmpdir>/safemed-fonts/<package version>). */
  cacheDir?: string;
}

interface FontPackage {
  root: string;
  version: string;
  /** Subset key as in unicode.json ("[114]", "latin") → its code point ranges. */
  subsets: Array<{ key: string; ranges: Array<[number, number]> }>;
}

let loaded: FontPackage | undefined;

const unicodeSchema = z.record(z.string(), z.string());
const manifestSchema = z.object({ version: z.string() });

function parseRanges(text: string): Array<[number, number]> {
  return text.split(',').map((range) => {
    const [start = '', end] = range.trim().replace(/^U\+/i, '').split('-');
    const low = Number.parseInt(start, 16);
    return [low, end === undefined ? low : Number.parseInt(end, 16)];
  });
}

function fontPackage(): FontPackage {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve(`${PACKAGE}/package.json`));
  const version = manifestSchema.parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).version;
  const unicode = unicodeSchema.parse(JSON.parse(readFileSync(join(root, 'unicode.json'), 'utf8')));
  loaded = { root, version, subsets: Object.entries(unicode).map(([key, ranges]) => ({ key, ranges: parseRanges(ranges) })) };
  return loaded;
}

/** Tables that make one character more or less than one glyph (ligatures) or move glyphs (kerning). */
const LAYOUT_TABLES = new Set(['GSUB', 'GPOS', 'morx', 'mort', 'kerx', 'kern']);

/**
 * A TrueType file with its layout tables hidden: each such table's tag in the table directory gets
 * its last letter lower-cased ("GSUB" → "GSUb"), a tag no reader knows. The directory stays sorted
 * (readers binary-search it): the new tag sorts right after the old one and before the next tag.
 */
export function withoutLayoutTables(font: Uint8Array): Uint8Array {
  const copy = Buffer.from(font);
  const tableCount = copy.readUInt16BE(4);
  const tags = Array.from({ length: tableCount }, (_, index) => copy.toString('latin1', 12 + 16 * index, 16 + 16 * index));
  tags.forEach((tag, index) => {
    if (!LAYOUT_TABLES.has(tag)) return;
    const hidden = tag.slice(0, 3) + tag.slice(3).toLowerCase();
    const next = tags[index + 1];
    if (hidden === tag || (next !== undefined && hidden >= next)) throw new Error(`cannot hide the ${tag} table of a chart font (next table ${next ?? 'none'})`);
    copy.write(hidden, 12 + 16 * index, 4, 'latin1');
    tags[index] = hidden;
  });
  return copy;
}

/** "[114]" → "114"; "latin" stays. */
const fileStem = (key: string) => key.replace(/^\[(.*)\]$/, '$1');

/** Whitespace and control characters need no glyph. */
const needsGlyph = (character: string) => !/^[\s\p{Cc}\p{Cf}]$/u.test(character);

export async function loadChartFont(text: string, options: LoadChartFontOptions = {}): Promise<ChartFont> {
  const fonts = fontPackage();
  const needed = new Set<string>();
  const missing: string[] = [];
  for (const character of new Set(text)) {
    if (!needsGlyph(character)) continue;
    const point = character.codePointAt(0) ?? 0;
    const subset = fonts.subsets.find((entry) => entry.ranges.some(([low, high]) => point >= low && point <= high));
    if (subset) needed.add(subset.key);
    else missing.push(character);
  }
  const cacheDir = options.cacheDir ?? join(tmpdir(), 'safemed-fonts', fonts.version);
  const fontFiles: string[] = [];
  let decompress: ((woff2: Uint8Array) => Promise<Uint8Array>) | undefined;
  for (const key of [...needed].sort()) {
    const target = join(cacheDir, `noto-sans-sc-${fileStem(key)}-no-layout.ttf`);
    if (!existsSync(target)) {
      decompress ??= (await import('wawoff2/decompress.js')).default;
      const woff2 = readFileSync(join(fonts.root, 'files', `noto-sans-sc-${fileStem(key)}-wght-normal.woff2`));
      mkdirSync(cacheDir, { recursive: true });
      const partial = `${target}.${process.pid}.partial`;
      writeFileSync(partial, withoutLayoutTables(await decompress(woff2)));
      renameSync(partial, target); // atomic: concurrent renders never read half a file
    }
    fontFiles.push(target);
  }
  return { family: CHART_FONT_FAMILY, fontFiles, missing };
}
