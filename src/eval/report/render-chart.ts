/**
 * Any Vega-Lite chart → SVG (vega View, no DOM) → PNG (@resvg/resvg-js), with the Noto Sans SC font
 * shipped through npm (load-chart-font.ts) so Chinese labels render on any machine; system fonts are
 * not consulted, so every machine draws the same PNG. Used by the radar and the red-team heatmap.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { loadChartFont, type ChartFont, type LoadChartFontOptions } from './load-chart-font.js';

export interface RenderedChart {
  svg: string;
  png: Buffer;
  /** The TrueType files drawn with. */
  fontFiles: string[];
  /** Characters of the labels no shipped font covers (drawn as boxes); empty when all render. */
  missingGlyphs: string[];
}

/** resvg's font options for the chart font: only the shipped files, never system fonts. */
export function chartFontOptions(font: Pick<ChartFont, 'family' | 'fontFiles'>): ResvgRenderOptions {
  return { font: { loadSystemFonts: false, fontFiles: font.fontFiles, defaultFontFamily: font.family, sansSerifFamily: font.family } };
}

/** Renders the spec `build(fontFamily)` returns; `text` is every label the chart shows (for the font subset). */
export async function renderChart(build: (fontFamily: string) => Record<string, unknown>, text: string, options: LoadChartFontOptions = {}): Promise<RenderedChart> {
  const font = await loadChartFont(text, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const compiled = vegaLite.compile(build(font.family) as never, { logger: vega.logger(vega.None) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    ...chartFontOptions(font),
  });
  return { svg, png: resvg.render().asPng(), fontFiles: font.fontFiles, missingGlyphs: font.missing };
}
