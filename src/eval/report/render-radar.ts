/**
 * Renders the radar chart: Vega-Lite → Vega → SVG (vega View, no DOM) → PNG (@resvg/resvg-js), with
 * the Noto Sans SC font shipped through npm (see load-chart-font.ts), so Chinese benchmark names
 * render on any machine; system fonts are not consulted, so every machine draws the same PNG.
 */
import { buildRadarSpec, type RadarData, type RadarSpecOptions } from './build-radar-spec.js';
import type { LoadChartFontOptions } from './load-chart-font.js';
import { renderChart, type RenderedChart } from './render-chart.js';

export type RenderedRadar = RenderedChart;

/** Every text the chart shows: axis labels, model names (legend), the title. */
function chartText(data: RadarData, options: RadarSpecOptions): string {
  return [...data.axes.map((axis) => axis.label), ...data.models, options.title ?? '', '0123456789.'].join(' ');
}

export async function renderRadar(data: RadarData, options: RadarSpecOptions & LoadChartFontOptions = {}): Promise<RenderedRadar> {
  const build = (family: string) => buildRadarSpec(data, { ...options, font: options.font ?? family });
  return renderChart(build, chartText(data, options), options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
}
