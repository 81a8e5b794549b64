/**
 * The reports page's routes, over run folders found by findReportRuns and read and drawn by the
 * eval and red-team modules themselves:
 *   GET api/reports                           the runs (eval and red team)
 *   GET api/reports/eval?run=<id>&run=<id>    Table 1, Table 2 (best / second marked) and the radar SVG
 *   GET api/reports/redteam?run=<id>&run=…    each run's summary and ASR heatmap SVG, for side-by-side
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { readRunSummary } from '../eval/execute-eval-compare.js';
import { benchmarkCoverage, coverageWarnings } from '../eval/report/benchmark-coverage.js';
import { buildRadarData } from '../eval/report/build-radar-spec.js';
import { buildKnowledgeTable, buildSafetyTable } from '../eval/report/build-report-tables.js';
import type { RedteamSummary } from '../redteam/summarize-redteam.js';
import { heatmapCells } from '../redteam/write-redteam-report.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { clientError } from '../serve/error-response.js';
import { findReportRuns, type ReportRun } from './find-report-runs.js';
import type { ChartRenderRequest } from './chart-render-worker.js';
import { createConsoleThread } from './create-console-thread.js';
import { sendJson } from './send-json.js';

export interface ReportsApiOptions {
  /** The runs folder; undefined = no reports configured. */
  runsDir?: string;
}

async function pickRuns(runsDir: string, query: URLSearchParams, kind: ReportRun['kind']): Promise<ReportRun[]> {
  const wanted = query.getAll('run');
  if (wanted.length === 0) throw clientError(400, 'invalid_request', 'Name at least one run: ?run=<id>.', 'run');
  if (wanted.length > 12) throw clientError(400, 'invalid_request', 'At most 12 runs at once.', 'run');
  const runs = (await findReportRuns(runsDir)).filter((run) => run.kind === kind);
  return wanted.map((id) => {
    const run = runs.find((candidate) => candidate.id === id);
    if (!run) throw clientError(404, 'not_found', `No ${kind} run ${JSON.stringify(id.slice(0, 100))} under the runs folder.`, 'run');
    return run;
  });
}

/** A run's cache key: its id and when its summary was last written (a resumed run is drawn again). */
function versionOf(run: ReportRun): string {
  return `${run.id}@${String(statSync(join(run.directory, 'summary.json')).mtimeMs)}`;
}

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

export function createReportsApi(options: ReportsApiOptions) {
  // Charts are drawn in a thread of their own (vega and resvg load there, on the first chart).
  const charts = createConsoleThread('chart-render-worker', undefined, 'charts');
  const draw = (request: ChartRenderRequest): Promise<string> => charts.admit(async () => (await charts.ask(request)).value as string);
  // Drawn reports and heatmaps, kept while the server runs (bounded: the oldest go first).
  const cache = new Map<string, unknown>();
  const remember = (key: string, value: unknown) => {
    cache.set(key, value);
    for (const oldest of cache.keys()) {
      if (cache.size <= 64) break;
      cache.delete(oldest);
    }
  };
  const handle = async (request: IncomingMessage, response: ServerResponse, route: string, query: URLSearchParams): Promise<number> => {
    if (request.method !== 'GET') throw clientError(405, 'method_not_allowed', 'Use GET.');
    const runsDir = options.runsDir;
    if (route === 'reports') {
      const runs = runsDir === undefined ? [] : (await findReportRuns(runsDir)).map((run) => ({ id: run.id, kind: run.kind, name: run.name, created: run.created, complete: run.complete }));
      return sendJson(response, 200, { configured: runsDir !== undefined, runs });
    }
    if (runsDir === undefined) throw clientError(404, 'not_configured', 'No runs folder: start serve with --console-runs <dir>.');
    if (route === 'reports/eval') {
      const runs = await pickRuns(runsDir, query, 'eval');
      const key = `eval:${runs.map(versionOf).join('\n')}`;
      let body = cache.get(key);
      if (body === undefined) {
        const summaries = runs.map((run) => readRunSummary(run.directory));
        const seen = new Map<string, number>();
        summaries.forEach((summary, index) => {
          const count = seen.get(summary.model) ?? 0;
          seen.set(summary.model, count + 1);
          if (count > 0) summary.model = `${summary.model} (${runs[index]?.id ?? String(index)})`;
        });
        const radar = await draw({ id: charts.nextId(), op: 'radar', data: buildRadarData(summaries) });
        body = {
          runs: runs.map((run) => run.id),
          models: summaries.map((summary) => summary.model),
          tables: [buildKnowledgeTable(summaries), buildSafetyTable(summaries)],
          warnings: coverageWarnings(benchmarkCoverage(summaries)),
          radar: svgDataUrl(radar),
        };
        remember(key, body);
      }
      return sendJson(response, 200, body);
    }
    if (route === 'reports/redteam') {
      const runs = await pickRuns(runsDir, query, 'redteam');
      const spec = loadSafetySpec();
      const result = [];
      for (const run of runs) {
        const summary = JSON.parse(readFileSync(join(run.directory, 'summary.json'), 'utf8')) as RedteamSummary;
        const file = join(run.directory, 'heatmap.svg');
        const heatmapKey = `heatmap:${versionOf(run)}`;
        let heatmap = cache.get(heatmapKey) as string | undefined;
        if (heatmap === undefined) {
          let svg: string;
          if (existsSync(file)) svg = readFileSync(file, 'utf8');
          else svg = await draw({ id: charts.nextId(), op: 'heatmap', cells: heatmapCells(summary, spec), title: `Attack success rate — ${summary.target}` });
          heatmap = svgDataUrl(svg);
          remember(heatmapKey, heatmap);
        }
        result.push({ id: run.id, summary, heatmap });
      }
      const strategies = Object.fromEntries(spec.attackStrategies.map((strategy) => [strategy.id, { en: strategy.name, zh: strategy.nameZh }]));
      return sendJson(response, 200, { runs: result, strategies });
    }
    throw clientError(404, 'not_found', 'Unknown console route.');
  };
  return Object.assign(handle, { close: () => charts.close() });
}
