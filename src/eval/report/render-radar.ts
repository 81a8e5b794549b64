/**
 * Renders the radar chart: Vega-Lite → Vega → SVG (vega View, no DOM) → PNG (@resvg/resvg-js), with
 * the Noto Sans SC font shipped through npm (see load-chart-font.ts), so Chinese benchmark names
 * render on any machine; system fonts are not consulted, so every machine draws the same PNG.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { buildRadarSpec, type RadarData, type RadarSpecOptions } from './build-radar-spec.js';
import { loadChartFont, type LoadChartFontOptions } from './load-chart-font.js';

/**
 * System CJK font files (Debian/Ubuntu packages). Kept for charts outside src/eval that still look for
 * them; the radar itself uses the font shipped through npm (`loadChartFont`).
 */
export const CJK_FONT_FILES = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

export interface RenderedRadar {
  svg: string;
  png: Buffer;
  /** The TrueType files drawn with. */
  fontFiles: string[];
  /** Characters of the labels no shipped font covers (drawn as boxes); empty when all render. */
  missingGlyphs: string[];
}

/** Every text the chart shows: axis labels, model names (legend), the title. */
function chartText(data: RadarData, options: RadarSpecOptions): string {
  return [...data.axes.map((axis) => axis.label), ...data.models, options.title ?? '', '0123456789.'].join(' ');
}

export async function renderRadar(data: RadarData, options: RadarSpecOptions & LoadChartFontOptions = {}): Promise<RenderedRadar> {
  const font = await loadChartFont(chartText(data, options), options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const spec = buildRadarSpec(data, { ...options, font: options.font ?? font.family });
  const compiled = vegaLite.compile(spec as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: false, fontFiles: font.fontFiles, defaultFontFamily: font.family, sansSerifFamily: font.family },
  });
  const png = resvg.render().asPng();
  return { svg, png, fontFiles: font.fontFiles, missingGlyphs: font.missing };
}
