/**
 * What the generation benchmarks share: their options, the tiny GGUF, node-llama-cpp called
 * directly (the baseline), the alternating measurement loop and the results table.
 */
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatHistoryItem } from 'node-llama-cpp';

export interface Measurement {
  tokens: number;
  seconds: number;
  firstTokenMs: number;
}

export type MeasuredPath = [name: string, run: () => Promise<Measurement>];

export interface GenerationBenchOptions {
  /** `--model` as given, or undefined for the generated tiny GGUF. */
  model: string | undefined;
  modelPath: string;
  /** A fresh temporary folder (the tiny GGUF lives here when no --model is given). */
  folder: string;
  threads: number;
  runs: number;
  maxTokens: number;
  prompt: string;
}

/** Reads `--model --threads --runs --tokens` and writes the tiny GGUF when no model is given. */
export async function readGenerationBenchOptions(defaultRuns: number, folderPrefix: string): Promise<GenerationBenchOptions> {
  const { writeTinyGguf } = await import('../../src/backends/tiny-gguf.js');
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      threads: { type: 'string', default: '1' },
      runs: { type: 'string', default: String(defaultRuns) },
      tokens: { type: 'string', default: '300' },
    },
  });
  const folder = await mkdtemp(join(tmpdir(), folderPrefix));
  const modelPath = values.model ?? join(folder, 'tiny.gguf');
  if (!values.model) await writeTinyGguf(modelPath, { seed: 1 });
  return {
    model: values.model,
    modelPath,
    folder,
    threads: Number(values.threads),
    runs: Number(values.runs),
    maxTokens: Number(values.tokens),
    prompt: 'List the warning signs of paracetamol overdose and what to do.',
  };
}

/** The baseline: node-llama-cpp's LlamaChat on the same GGUF, threads, prompt and token limit. */
export async function createDirectLlamaRunner(options: GenerationBenchOptions): Promise<{ run: () => Promise<Measurement>; dispose: () => Promise<void> }> {
  const { LlamaChat } = await import('node-llama-cpp');
  const { getCpuLlama } = await import('../../src/backends/llama/load-llama-model.js');
  const llama = await getCpuLlama();
  const model = await llama.loadModel({ modelPath: options.modelPath });
  const context = await model.createContext({ contextSize: 2048, threads: { ideal: options.threads, min: options.threads }, sequences: 1 });
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: 'auto' });
  const run = async (): Promise<Measurement> => {
    const history: ChatHistoryItem[] = [{ type: 'user', text: options.prompt }, { type: 'model', response: [] }];
    const before = chat.sequence.tokenMeter.usedOutputTokens;
    const start = performance.now();
    let firstTokenMs = -1;
    await chat.generateResponse(history, {
      maxTokens: options.maxTokens,
      temperature: 0,
      onTextChunk: () => {
        if (firstTokenMs < 0) firstTokenMs = performance.now() - start;
      },
    });
    return { tokens: chat.sequence.tokenMeter.usedOutputTokens - before, seconds: (performance.now() - start) / 1000, firstTokenMs };
  };
  const dispose = async () => {
    chat.dispose({ disposeSequence: true });
    await context.dispose();
    await model.dispose();
  };
  return { run, dispose };
}

/** Warm-up rounds, then `runs` rounds whose order alternates to cancel drift. */
export async function measureAlternating(paths: MeasuredPath[], runs: number, warmups: number): Promise<Map<string, Measurement[]>> {
  const measured = paths.map(([name, run]) => ({ name, run, measurements: [] as Measurement[] }));
  for (let warm = 0; warm < warmups; warm += 1) for (const [, run] of paths) await run();
  for (let round = 0; round < runs; round += 1) {
    const order = round % 2 === 0 ? measured : [...measured].reverse();
    for (const path of order) path.measurements.push(await path.run());
  }
  return new Map(measured.map(({ name, measurements }) => [name, measurements]));
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** Prints medians per path and the ratio to the first path (the direct baseline). */
export function printGenerationTable(title: string, options: GenerationBenchOptions, paths: MeasuredPath[], results: Map<string, Measurement[]>): void {
  const measurementsOf = (name: string) => results.get(name) ?? [];
  const directRate = median(measurementsOf(paths[0]?.[0] ?? '').map((m) => m.tokens / m.seconds));
  console.log(
    `${title}: model ${options.model ?? 'tiny GGUF (seed 1)'}, threads ${options.threads}, ${options.runs} runs, max ${options.maxTokens} tokens, load average ${(loadavg()[0] ?? 0).toFixed(2)}`,
  );
  console.log('| path | tokens/run | median tokens/s | min–max tokens/s | median first token ms | ratio vs direct |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const [name] of paths) {
    const measurements = measurementsOf(name);
    const rates = measurements.map((m) => m.tokens / m.seconds);
    const rate = median(rates);
    console.log(
      `| ${name} | ${[...new Set(measurements.map((m) => m.tokens))].join('/')} | ${rate.toFixed(0)} | ${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)} | ${median(measurements.map((m) => m.firstTokenMs)).toFixed(1)} | ${(rate / directRate).toFixed(3)} |`,
    );
  }
}
