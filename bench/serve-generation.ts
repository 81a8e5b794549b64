/**
 * Generation speed through `safemed serve`: tokens/s of a streamed chat completion over HTTP (SSE on
 * loopback, llama: backend on the tiny GGUF, audit trail on) vs node-llama-cpp called directly
 * (LlamaChat.generateResponse, same GGUF, same threads, same prompt and token limit). Target:
 * serve/direct ≥ 0.95. Runs alternate between the paths to cancel drift; medians are reported.
 * Two serve rows: `safemed serve` as deployed (its own process, spawned CLI with --guard off and
 * --no-system-prompt so the prompt matches; the client parses every SSE event in this process), and
 * the server in this process (client, server and llama.cpp callbacks share one JS thread); plus, as a
 * reference for what HTTP streaming itself costs, a minimal node:http SSE handler on the same backend.
 *
 *   node --import tsx bench/serve-generation.ts [--model file.gguf] [--threads 1] [--runs 7] [--tokens 300]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createDirectLlamaRunner, measureAlternating, printGenerationTable, readGenerationBenchOptions, type MeasuredPath, type Measurement } from './support/generation-bench.js';

// The modules under test are loaded inside main() with import().
async function main(): Promise<void> {
  const { createBackend } = await import('../src/backends/registry.js');
  const { createSafemedServer } = await import('../src/serve/create-safemed-server.js');
  const { openAuditTrail } = await import('../src/audit/audit-trail.js');
  const options = await readGenerationBenchOptions(7, 'safemed-serve-bench-');
  const { threads, maxTokens, folder, modelPath, prompt } = options;

  // 1. node-llama-cpp directly
  const direct = await createDirectLlamaRunner(options);

  // 2. safemed serve over HTTP: streamed SSE, audit trail on
  const backend = await createBackend(`llama:${modelPath}`, { threads, contextSize: 2048 });
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, audit });
  const { url } = await server.listen();
  // Reference: the least an HTTP SSE server can do (no validation, no audit, one write per part).
  const minimal = createServer(async (incoming, outgoing) => {
    const parts: Buffer[] = [];
    for await (const part of incoming) parts.push(part as Buffer);
    const body = JSON.parse(Buffer.concat(parts).toString()) as { messages: Array<{ role: 'user'; content: string }>; max_tokens: number };
    outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
    for await (const part of backend.stream({ messages: body.messages, settings: { temperature: 0, maxTokens: body.max_tokens } })) {
      if (part.type === 'text-delta') outgoing.write(`data: ${JSON.stringify({ choices: [{ delta: { content: part.text } }] })}\n\n`);
      else if (part.type === 'reasoning-delta') outgoing.write(`data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: part.text } }] })}\n\n`);
      else if (part.type === 'usage') outgoing.write(`data: ${JSON.stringify({ choices: [], usage: { completion_tokens: part.usage.completionTokens } })}\n\n`);
    }
    outgoing.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => minimal.listen(0, '127.0.0.1', resolve));
  const minimalUrl = `http://127.0.0.1:${(minimal.address() as { port: number }).port}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--model', `llama:${modelPath}`, '--threads', String(threads), '--context-size', '2048',
      '--port', '0', '--guard', 'off', '--no-system-prompt', '--audit-db', join(folder, 'child-audit.db'), '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const childUrl = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => { reject(new Error(`safemed serve exited (${code}) before listening`)); });
  });
  const runServe = (target: string) => async (): Promise<Measurement> => {
    const start = performance.now();
    let firstTokenMs = -1;
    let tokens = 0;
    const response = await fetch(`${target}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'safemed-r1',
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
        max_tokens: maxTokens,
      }),
    });
    if (response.status !== 200) throw new Error(`serve answered HTTP ${response.status}: ${await response.text()}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, boundary).slice(6);
        buffer = buffer.slice(boundary + 2);
        if (!event.startsWith('{')) continue;
        const parsed = JSON.parse(event) as { choices?: Array<{ delta?: Record<string, string> }>; usage?: { completion_tokens: number } };
        const delta = parsed.choices?.[0]?.delta;
        if (firstTokenMs < 0 && (delta?.content || delta?.reasoning_content)) firstTokenMs = performance.now() - start;
        if (parsed.usage) tokens = parsed.usage.completion_tokens;
      }
    }
    return { tokens, seconds: (performance.now() - start) / 1000, firstTokenMs };
  };

  const paths: MeasuredPath[] = [
    ['node-llama-cpp direct (LlamaChat)', direct.run],
    ['safemed serve (own process), HTTP stream, audit on', runServe(childUrl)],
    ['safemed serve (in this process), HTTP stream, audit on', runServe(url)],
    ['reference: minimal node:http SSE handler (in this process)', runServe(minimalUrl)],
  ];
  let results: Map<string, Measurement[]>;
  try {
    results = await measureAlternating(paths, options.runs, 3); // 3 warm-up rounds (JIT, caches)
  } finally {
    child.kill('SIGTERM');
    minimal.close();
    await server.close();
    audit.close();
    await backend.close();
    await direct.dispose();
    await rm(folder, { recursive: true, force: true });
  }
  printGenerationTable('serve generation', options, paths, results);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
