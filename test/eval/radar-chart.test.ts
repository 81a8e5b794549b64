// The radar chart: the shipped CJK font, a warning for characters no font has, the single-run axis
// from 0, and identical runs told apart by dash and marker.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { buildRadarSpec, type RadarData } from '../../src/eval/report/build-radar-spec.js';
import { CHART_FONT_FAMILY, loadChartFont } from '../../src/eval/report/load-chart-font.js';
import { renderRadar } from '../../src/eval/report/render-radar.js';
import { writeReport } from '../../src/eval/report/write-run-report.js';
import type { EvalSummary } from '../../src/eval/scoring/summarize-results.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'chart-fonts-'));

/** Pixels drawn by a text in the given fonts (0 when every glyph is missing and nothing renders). */
function inkOf(text: string, fontFiles: string[]): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="50"><text x="4" y="36" font-family="${CHART_FONT_FAMILY}" font-size="28">${text}</text></svg>`;
  const pixels = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles, defaultFontFamily: CHART_FONT_FAMILY } }).render().pixels;
  let ink = 0;
  for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) ink += 1;
  return ink;
}

test('the npm-shipped Noto Sans SC renders Chinese with no system font; only the files the text needs are used', async () => {
  const font = await loadChartFont('儿科 医学 safety', { cacheDir });
  assert.deepEqual(font.missing, []);
  assert.ok(font.fontFiles.length >= 2 && font.fontFiles.length < 10, `${font.fontFiles.length} files`);
  assert.ok(inkOf('儿科医学', font.fontFiles) > 200, 'Chinese glyphs are drawn');
  assert.equal(inkOf('儿科医学', []), 0, 'without the shipped font nothing would be drawn');
  const again = await loadChartFont('儿科', { cacheDir });
  assert.ok(again.fontFiles.every((file) => font.fontFiles.includes(file)), 'decompressed once, then reused from the cache');
});

const summary = (model: string, label: string): EvalSummary => ({
  model,
  model_uri: 'openai:http://x',
  run_hash: 'h',
  created_at: '2026-11-27T00:00:00.000Z',
  guard: false,
  judges: [],
  benchmarks: { [label]: { kind: 'multiple-choice', category: 'knowledge', format: 'jsonl', language: 'zh', n: 2, correct: 1, accuracy: 0.5, unanswered: 0, errors: 0, skipped_in_source: 0 } },
  overall: { accuracy: 0.5, accuracy_micro: 0.5, benchmarks: [label], definition: '' },
  totals: { items: 2, prompt_tokens: 0, completion_tokens: 0, model_time_ms: 0, wall_time_ms: 0 },
});

test('a label character no shipped font covers is reported as a warning (not silently drawn as a box)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'radar-warn-'));
  const plain = await writeReport({ outDir: out, summaries: [summary('m', '儿科')], title: 't' });
  assert.deepEqual(plain.warnings, []);
  const odd = await writeReport({ outDir: out, summaries: [summary('m', 'bench𝔘')], title: 't' });
  assert.equal(odd.warnings.length, 1);
  assert.match(odd.warnings[0]!, /"𝔘" \(U\+1D518\) as boxes.*"bench𝔘"/);
});

const ringLabels = (spec: Record<string, unknown>) => {
  const layers = spec.layer as Array<{ data: { values: Array<{ text?: string }> }; mark: { color?: string } }>;
  return layers.find((layer) => layer.mark.color === '#888888')!.data.values.map((value) => value.text);
};

test('a single run: the radar axis starts at 0 (rings 25/50/75/100), whatever the lowest value', () => {
  const data: RadarData = { models: ['one'], axes: [{ label: 'a', values: [62] }, { label: 'b', values: [71] }, { label: 'c', values: [90] }] };
  assert.deepEqual(ringLabels(buildRadarSpec(data)), ['25', '50', '75', '100']);
});

test('identical runs stay distinguishable: each model has its own dash pattern and point shape', async () => {
  const data: RadarData = { models: ['A', 'A (copy)'], axes: [{ label: 'a', values: [62, 62] }, { label: 'b', values: [71, 71] }, { label: 'c', values: [90, 90] }] };
  const spec = buildRadarSpec(data);
  const layers = spec.layer as Array<{ mark: { type: string; strokeWidth?: number }; encoding: Record<string, { scale?: { range?: unknown[] } }> }>;
  const outline = layers.find((layer) => layer.mark.type === 'line' && layer.mark.strokeWidth === 2.5)!;
  const dashes = outline.encoding.strokeDash!.scale!.range!;
  assert.notDeepEqual(dashes[0], dashes[1]);
  const shapes = layers.find((layer) => layer.mark.type === 'point')!.encoding.shape!.scale!.range!;
  assert.notEqual(shapes[0], shapes[1]);
  const rendered = await renderRadar(data, { cacheDir });
  assert.match(rendered.svg, /stroke-dasharray="8,4"/);
});
