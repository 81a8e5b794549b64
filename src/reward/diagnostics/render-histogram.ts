/** A histogram as SVG: a Vega-Lite bar chart compiled and rendered headless (vega View, no DOM), as the eval report renders its radar. */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

/** Counts values into `bins` equal bins over [0, 1] (1 falls in the last bin). */
export function binUnitValues(values: number[], bins = 10): HistogramBin[] {
  const result = Array.from({ length: bins }, (_, index) => ({ start: index / bins, end: (index + 1) / bins, count: 0 }));
  for (const value of values) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor(value * bins)));
    const bin = result[index];
    if (bin) bin.count += 1;
  }
  return result;
}

export async function renderHistogramSvg(title: string, bins: HistogramBin[]): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 320,
    height: 160,
    background: 'white',
    data: { values: bins.map((bin) => ({ start: bin.start, end: bin.end, count: bin.count })) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      x: { field: 'start', type: 'quantitative', bin: { binned: true, step: bins.length > 0 ? 1 / bins.length : 0.1 }, title: 'reward', scale: { domain: [0, 1] } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'items' },
    },
  };
  const compiled = vegaLite.compile(spec as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
