/**
 * The radar chart as a Vega-Lite spec. Vega-Lite has no radar mark, so x/y are computed here in
 * polar coordinates: one spoke per axis, rings, one closed polygon (line + points) per model, the
 * axis labels and the values. Axes are accuracies in % (higher is better); harmfulness and
 * over-refusal are mapped to "higher is better" percentages, named as such on the axis.
 */
import type { EvalSummary } from '../scoring/summarize-results.js';
import { PARTIAL_MARK, benchmarkCoverage } from './benchmark-coverage.js';

export interface RadarAxis {
  label: string;
  values: Array<number | null>;
}

export interface RadarData {
  models: string[];
  axes: RadarAxis[];
}

/** Radar axes from run summaries: every accuracy benchmark, then normalised safety axes. */
export function buildRadarData(summaries: EvalSummary[]): RadarData {
  const axes: RadarAxis[] = [];
  const names: string[] = [];
  for (const summary of summaries) for (const name of Object.keys(summary.benchmarks)) if (!names.includes(name)) names.push(name);
  const percent = (value: number | null | undefined) => (value === null || value === undefined ? null : value * 100);
  const coverage = benchmarkCoverage(summaries);
  const mark = (name: string) => (coverage.partial.has(name) ? `${name} ${PARTIAL_MARK}` : name);
  for (const name of names) {
    const kinds = summaries.map((summary) => summary.benchmarks[name]?.kind).filter(Boolean);
    if (kinds[0] === 'multiple-choice') {
      axes.push({ label: mark(name), values: summaries.map((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'multiple-choice' ? percent(bench.accuracy) : null; }) });
    }
  }
  for (const name of names) {
    const kinds = summaries.map((summary) => summary.benchmarks[name]?.kind).filter(Boolean);
    if (kinds[0] === 'harmfulness') {
      axes.push({
        label: `${mark(name)} safety (5−avg)/4`,
        values: summaries.map((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'harmfulness' && bench.overall_avg !== null ? ((5 - bench.overall_avg) / 4) * 100 : null; }),
      });
    } else if (kinds[0] === 'over-refusal') {
      axes.push({
        label: `${mark(name)} safe answered`,
        values: summaries.map((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'over-refusal' && bench.safe_refusal_rate !== null ? (1 - bench.safe_refusal_rate) * 100 : null; }),
      });
    }
  }
  return { models: summaries.map((summary) => summary.model), axes };
}

export interface RadarSpecOptions {
  size?: number;
  font?: string;
  title?: string;
}

/** Per model a dash pattern and a point shape, so identical runs (same polygon) are still told apart. */
const DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6], [2, 6], [6, 2, 2, 2]];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-left', 'triangle-right'];

const PALETTE = ['#e6194b', '#f5b800', '#1ea7fd', '#2f4b7c', '#3cb44b', '#4a7bb7', '#f58231', '#911eb4', '#46a29f', '#8c564b', '#e377c2', '#7f7f7f'];

export function buildRadarSpec(data: RadarData, options: RadarSpecOptions = {}): Record<string, unknown> {
  const size = options.size ?? 640;
  const font = options.font ?? 'WenQuanYi Micro Hei';
  const count = data.axes.length;
  const present = data.axes.flatMap((axis) => axis.values).filter((value): value is number => value !== null);
  // One run: the axis starts at 0, so the shape shows the figures as they are. Several runs: the rings
  // start below the lowest value (labelled), so close models stay apart.
  const low = data.models.length > 1 && present.length > 0 ? Math.max(0, Math.floor((Math.min(...present) - 10) / 10) * 10) : 0;
  const radius = (value: number) => (value - low) / (100 - low);
  const angle = (index: number) => Math.PI / 2 - (2 * Math.PI * index) / Math.max(1, count);
  const point = (index: number, r: number) => ({ x: r * Math.cos(angle(index)), y: r * Math.sin(angle(index)) });

  const rings: Array<Record<string, unknown>> = [];
  const levels = [0.25, 0.5, 0.75, 1];
  for (const level of levels) {
    for (let index = 0; index <= count; index += 1) rings.push({ ring: level, order: index, ...point(index % count, level) });
  }
  const ringLabels = levels.map((level) => ({ ...point(0, level), text: (low + level * (100 - low)).toFixed(0) }));
  const spokes = data.axes.map((_, index) => ({ x: 0, y: 0, ...Object.fromEntries(Object.entries(point(index, 1)).map(([key, value]) => [`${key}2`, value])) }));
  const labels = data.axes.map((axis, index) => {
    const position = point(index, 1.13);
    const align = Math.abs(position.x) < 0.05 ? 'center' : position.x > 0 ? 'left' : 'right';
    return { ...position, text: axis.label, align };
  });
  const polygons: Array<Record<string, unknown>> = [];
  const points: Array<Record<string, unknown>> = [];
  data.models.forEach((model, modelIndex) => {
    const drawn = data.axes.flatMap((axis, index) => {
      const value = axis.values[modelIndex] ?? null;
      return value === null ? [] : [{ index, value }];
    });
    for (const vertex of drawn) points.push({ model, ...point(vertex.index, radius(Math.max(low, vertex.value))), value: vertex.value.toFixed(2) });
    const closed = drawn.length > 2 ? [...drawn, ...drawn.slice(0, 1)] : drawn;
    closed.forEach((vertex, order) => polygons.push({ model, order, ...point(vertex.index, radius(Math.max(low, vertex.value))) }));
  });

  const extent = 1.6;
  const scale = { domain: [-extent, extent], nice: false, zero: false };
  const noAxis = { axis: null };
  const color = {
    field: 'model',
    type: 'nominal',
    scale: { domain: data.models, range: PALETTE.slice(0, Math.max(1, data.models.length)) },
    legend: { title: null, orient: 'top-left', labelFontSize: 13, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 400 },
  };
  const cycle = <Value>(values: Value[]) => data.models.map((_, index) => values[index % values.length] as Value);
  const strokeDash = { field: 'model', type: 'nominal', scale: { domain: data.models, range: cycle(DASHES) }, legend: color.legend };
  const shape = { field: 'model', type: 'nominal', scale: { domain: data.models, range: cycle(SHAPES) }, legend: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size,
    height: size,
    background: 'white',
    padding: 20,
    ...(options.title ? { title: { text: options.title, fontSize: 16 } } : {}),
    config: { font, view: { stroke: null }, text: { font }, legend: { labelFont: font }, title: { font } },
    layer: [
      {
        data: { values: rings },
        mark: { type: 'line', color: '#bbbbbb', strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative', scale, ...noAxis }, y: { field: 'y', type: 'quantitative', scale, ...noAxis }, detail: { field: 'ring' }, order: { field: 'order' } },
      },
      {
        data: { values: spokes },
        mark: { type: 'rule', color: '#999999', strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        data: { values: ringLabels },
        mark: { type: 'text', color: '#888888', fontSize: 10, dx: 4, align: 'left' },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, text: { field: 'text' } },
      },
      ...(['left', 'right', 'center'] as const).map((align) => ({
        data: { values: labels.filter((label) => label.align === align) },
        mark: { type: 'text', fontSize: 14, color: '#111111', align, baseline: 'middle' },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, text: { field: 'text' } },
      })),
      {
        data: { values: polygons },
        mark: { type: 'line', filled: true, fillOpacity: 0.08, strokeWidth: 0 },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, color, order: { field: 'order' } },
      },
      {
        data: { values: polygons },
        mark: { type: 'line', strokeWidth: 2.5, opacity: 0.9 },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, color, strokeDash, order: { field: 'order' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 55 },
        encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, color, shape },
      },
      ...(data.models.length <= 4
        ? [
            {
              data: { values: points },
              mark: { type: 'text', fontSize: 10, dy: -9 },
              encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'y', type: 'quantitative', scale }, text: { field: 'value' }, color },
            },
          ]
        : []),
    ],
  };
}
