/**
 * The reports page's charts, drawn in their own thread (started through create-console-thread.ts):
 * vega lays a chart out and resvg rasterises it, ~100-400 ms of CPU per uncached chart, and any
 * combination and order of up to 12 runs is a new chart. On the server's thread each held every client
 * that long (probing round 5).
 */
import { parentPort } from 'node:worker_threads';
import type { RadarData } from '../eval/report/build-radar-spec.js';
import type { HeatmapCell } from '../redteam/render-asr-heatmap.js';
import type { ConsoleThreadReply } from './create-console-thread.js';

export type ChartRenderRequest = { id: number; op: 'radar'; data: RadarData } | { id: number; op: 'heatmap'; cells: HeatmapCell[]; title: string };

async function render(request: ChartRenderRequest): Promise<string> {
  if (request.op === 'radar') {
    const { renderRadar } = await import('../eval/report/render-radar.js');
    return (await renderRadar(request.data)).svg;
  }
  const { renderAsrHeatmap } = await import('../redteam/render-asr-heatmap.js');
  return (await renderAsrHeatmap(request.cells, request.title)).svg;
}

// One chart at a time, in order (they share the thread's CPU anyway).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (request: ChartRenderRequest) => {
  queue = queue.then(async () => {
    let reply: ConsoleThreadReply;
    try {
      reply = { id: request.id, ok: true, value: await render(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, kind: 'damaged', message: error instanceof Error ? error.message : String(error) };
    }
    parentPort?.postMessage(reply);
  });
});
