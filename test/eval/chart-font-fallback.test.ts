// Labels whose characters come from several of the npm font's subset files (Chinese from different
// Unicode-range files, Latin with ligature pairs such as "fi") render every glyph: no box.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT_FAMILY, loadChartFont, withoutLayoutTables } from '../../src/eval/report/load-chart-font.js';
import { chartFontOptions } from '../../src/eval/report/render-chart.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'chart-font-fallback-'));

/** Alpha-weighted ink of a text drawn as the chart renderer draws it. */
function inkOf(text: string, fontFiles: string[]): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${40 * Array.from(text).length + 20}" height="60"><text x="10" y="42" font-family="${CHART_FONT_FAMILY}" font-size="32">${text}</text></svg>`;
  const pixels = new Resvg(svg, { ...chartFontOptions({ family: CHART_FONT_FAMILY, fontFiles }), logLevel: 'off' }).render().pixels;
  let ink = 0;
  for (let index = 3; index < pixels.length; index += 4) ink += pixels[index] ?? 0;
  return ink;
}

const LABELS = ['用药安全fi患者', '临床伦理 office', '知情同意（Consent）', '医疗伦理与患者隐私保护', 'MedQA 安全 safety (5−avg)/4'];

for (const label of LABELS) {
  test(`"${label}": every glyph is drawn (label ink = sum of its characters' ink, none a box)`, async () => {
    const font = await loadChartFont(label, { cacheDir });
    assert.deepEqual(font.missing, []);
    const box = inkOf('\uE000', font.fontFiles); // a private-use character: the .notdef box
    assert.ok(box > 0, 'the box glyph is drawn, so a missing glyph would show in the ink');
    const characters = Array.from(label).filter((character) => character.trim() !== '');
    let sum = 0;
    for (const character of characters) {
      const ink = inkOf(character, font.fontFiles);
      assert.ok(Math.abs(ink - box) > box * 0.02, `"${character}" alone is not the box`);
      sum += ink;
    }
    const whole = inkOf(label, font.fontFiles);
    assert.ok(Math.abs(whole - sum) <= sum * 0.03, `label ink ${whole} vs characters ${sum}`);
  });
}

test('subsets with their layout tables would draw boxes for ligature pairs next to Chinese (the test can fail)', async () => {
  const label = '用药安全fi患者';
  const font = await loadChartFont(label, { cacheDir });
  const { readFileSync, writeFileSync } = await import('node:fs');
  // Undo the fix on copies: put the GSUB/GPOS tags back.
  const restored = font.fontFiles.map((file, index) => {
    const bytes = Buffer.from(readFileSync(file));
    for (const [hidden, tag] of [['GSUb', 'GSUB'], ['GPOs', 'GPOS']] as const) {
      const at = bytes.indexOf(hidden, 12, 'latin1');
      if (at >= 0 && at < 12 + 16 * bytes.readUInt16BE(4)) bytes.write(tag, at, 4, 'latin1');
    }
    const path = join(cacheDir, `restored-${index}.ttf`);
    writeFileSync(path, bytes);
    return path;
  });
  const characters = Array.from(label);
  const sum = characters.reduce((total, character) => total + inkOf(character, restored), 0);
  const whole = inkOf(label, restored);
  assert.ok(Math.abs(whole - sum) > sum * 0.03, `with ligatures the label draws boxes: ${whole} vs ${sum}`);
});

test('withoutLayoutTables keeps the table directory sorted and hides only layout tables', () => {
  const tags = ['BASE', 'GPOS', 'GSUB', 'HVAR', 'OS/2', 'cmap'];
  const font = Buffer.alloc(12 + 16 * tags.length);
  font.writeUInt16BE(tags.length, 4);
  tags.forEach((tag, index) => font.write(tag, 12 + 16 * index, 4, 'latin1'));
  const out = Buffer.from(withoutLayoutTables(font));
  const after = tags.map((_, index) => out.toString('latin1', 12 + 16 * index, 16 + 16 * index));
  assert.deepEqual(after, ['BASE', 'GPOs', 'GSUb', 'HVAR', 'OS/2', 'cmap']);
  assert.deepEqual([...after].sort(), after);
  assert.equal(font.toString('latin1', 28, 32), 'GPOS', 'the input is not changed');
});
