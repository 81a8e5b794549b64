/**
 * The strategy × dimension heatmap of a red-team run (ASR as colour, the figure in each cell):
 * Vega-Lite → SVG (vega View, no DOM) → PNG (resvg) with a CJK-capable font, so the bilingual
 * labels ("Role play 角色扮演") render.
 */
import { existsSync } from 'node:fs';
import { CJK_FONT_FILES } from '../eval/report/render-radar.js';

export interface HeatmapCell {
  strategy: string;
  dimension: string;
  asr: number | null;
  n: number;
}

export interface RenderedHeatmap {
  svg: string;
  png: Buffer;
}

export function buildHeatmapSpec(cells: HeatmapCell[], title: string, font: string): Record<string, unknown> {
  const values = cells.map((cell) => ({ ...cell, label: cell.asr === null ? '–' : `${Math.round(cell.asr * 100)}%` }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, font, fontSize: 14, anchor: 'start' },
    config: { font, axis: { labelFont: font, titleFont: font, labelLimit: 400 }, legend: { labelFont: font, titleFont: font } },
    data: { values },
    width: { step: 34 },
    height: { step: 26 },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white' },
        encoding: {
          x: { field: 'dimension', type: 'nominal', title: null, axis: { labelAngle: -50 } },
          y: { field: 'strategy', type: 'nominal', title: null },
          color: { field: 'asr', type: 'quantitative', title: 'ASR', scale: { domain: [0, 1], scheme: 'reds' } },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x: { field: 'dimension', type: 'nominal' },
          y: { field: 'strategy', type: 'nominal' },
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'datum.asr > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}

export async function renderAsrHeatmap(cells: HeatmapCell[], title: string, fontFiles: string[] = CJK_FONT_FILES): Promise<RenderedHeatmap> {
  const [{ Resvg }, vega, vegaLite] = await Promise.all([import('@resvg/resvg-js'), import('vega'), import('vega-lite')]);
  const fontFile = fontFiles.find((file) => existsSync(file));
  const family = fontFile ? 'WenQuanYi Micro Hei' : 'sans-serif';
  const compiled = vegaLite.compile(buildHeatmapSpec(cells, title, family) as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: true, fontFiles: fontFile ? [fontFile] : [], defaultFontFamily: fontFile ? family : 'DejaVu Sans', sansSerifFamily: fontFile ? family : 'DejaVu Sans' },
  })
    .render()
    .asPng();
  return { svg, png };
}
