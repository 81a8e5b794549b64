/**
 * The strategy × dimension heatmap of a red-team run (ASR as colour, the figure in each cell):
 * Vega-Lite → SVG → PNG through the eval reports' chart renderer (the CJK font shipped through npm),
 * so the bilingual labels ("Role play 角色扮演") render on any machine.
 */
import { renderChart } from '../eval/report/render-chart.js';

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

export async function renderAsrHeatmap(cells: HeatmapCell[], title: string): Promise<RenderedHeatmap> {
  const text = [title, 'ASR%–0123456789.', ...cells.flatMap((cell) => [cell.strategy, cell.dimension])].join(' ');
  const chart = await renderChart((family) => buildHeatmapSpec(cells, title, family), text);
  return { svg: chart.svg, png: chart.png };
}
