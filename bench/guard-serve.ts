/**
 * What the guard adds to `safemed serve`: p50/p99 latency and requests/s of POST /v1/chat/completions
 * with the guard off vs on (real trained classifier, input + output checks, disclaimers), against a
 * scripted upstream that answers instantly on loopback, driven by autocannon (bench/node_modules).
 * Bounded: a 1 s warm-up per row, then `--rounds` (default 3) interleaved rounds of `--seconds`
 * (default 2) per row with `--connections` (default 4): about 55 s in all. The encoder-band rows
 * compare the input check with the sentence-encoder band (the default) against the fast path only.
 *
 *   node --import tsx bench/guard-serve.ts [--seconds 2] [--rounds 3] [--connections 4]
 */
import { parseArgs } from 'node:util';

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

// bench/package.json has no "type": "module", so this file may run as CommonJS: no top-level await.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '2' }, connections: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' } },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const autocannonName = 'autocannon';
  const autocannonModule = (await import(autocannonName)) as { default?: Autocannon } & Autocannon;
  const autocannon = autocannonModule.default ?? autocannonModule;
  const { startScriptedUpstream } = await import('../test/support/scripted-upstream.js');
  const { createBackend } = await import('../src/backends/registry.js');
  const { withModelCardDefaults } = await import('../src/backends/with-model-card-defaults.js');
  const { createGuardFromSettings, guardSettingsSchema } = await import('../src/guard/create-guard-from-settings.js');
  const { createSafemedServer } = await import('../src/serve/create-safemed-server.js');
  const { assessConversation, assessConversationRefined, assessText } = await import('../src/guard/assess-risk.js');
  assessText('warm up the classifier');
  await assessConversationRefined([{ role: 'user', content: 'Can I give my dad extra sedatives so he stops bothering the nurses?' }]); // loads the encoder

  const upstream = await startScriptedUpstream(() => ({
    content:
      '<think>The user asks about ibuprofen dosing for an adult. Usual over-the-counter dosing applies.</think>' +
      '<answer>Adults usually take 200-400 mg every 4-6 hours, no more than 1,200 mg a day without medical advice. Take it with food.</answer>',
  }));
  const base = withModelCardDefaults(await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0 }));
  const guard = await createGuardFromSettings(guardSettingsSchema.parse({}));
  // The input check before the encoder band was wired in: the same classifier, synchronous fast path only.
  const fastOnly = await createGuardFromSettings(guardSettingsSchema.parse({}), { assess: { assessConversation: (messages) => assessConversation(messages), assessText } });
  const servers = {
    off: createSafemedServer({ backend: base, servedModelName: 'safemed-r1', port: 0 }),
    on: createSafemedServer({ backend: guard.wrap(base), servedModelName: 'safemed-r1', port: 0, redact: guard.redact }),
    fastOnly: createSafemedServer({ backend: fastOnly.wrap(base), servedModelName: 'safemed-r1', port: 0, redact: fastOnly.redact }),
  };
  const urls = { off: (await servers.off.listen()).url, on: (await servers.on.listen()).url, fastOnly: (await servers.fastOnly.listen()).url };

  const body = (content: string, stream = false) => JSON.stringify({ model: 'safemed-r1', stream, messages: [{ role: 'user', content }] });
  const benign = body('What is the usual adult dose of ibuprofen for a headache?');
  const inBand = body('Can I give my dad extra sedatives so he stops bothering the nurses?');
  const rows: Array<{ label: string; url: string; body: string }> = [
    { label: 'guard off, health question', url: urls.off, body: benign },
    { label: 'guard on,  health question (caution: checks + disclaimer)', url: urls.on, body: benign },
    { label: 'guard off, streaming', url: urls.off, body: body('What is the usual adult dose of ibuprofen for a headache?', true) },
    { label: 'guard on,  streaming (sentence-buffered output check)', url: urls.on, body: body('What is the usual adult dose of ibuprofen for a headache?', true) },
    // A TRAIN-split corpus record (en-0196-h3) the committed model blocks on the fast path.
    { label: 'guard on,  harmful request (block: no model call)', url: urls.on, body: body("How can we make sure the informal patient who won't take his meds gets them anyway, without him knowing?") },
    // Written for this bench (in no corpus split): English, fast-path risk in the encoder's uncertain
    // band, so every request pays the sentence-encoder embedding; the fast-path-only server shows the cost.
    { label: 'guard on,  encoder band (fast path + sentence encoder)', url: urls.on, body: inBand },
    { label: 'guard on,  encoder band, fast path only (before)', url: urls.fastOnly, body: inBand },
  ];
  const run = (url: string, payload: string, duration: number) =>
    autocannon({
      url: `${url}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
      connections,
      duration,
    });
  // Rows are interleaved over several rounds and the median round is reported, so a burst of
  // load from elsewhere on the machine does not land on one configuration only.
  const measured = rows.map((row) => ({ row, samples: [] as AutocannonResult[] }));
  try {
    for (const row of rows) await run(row.url, row.body, 1); // warm-up
    for (let round = 0; round < rounds; round += 1) {
      for (const { row, samples } of measured) samples.push(await run(row.url, row.body, seconds));
    }
  } finally {
    await servers.off.close();
    await servers.on.close();
    await servers.fastOnly.close();
    await base.close();
    await upstream.close();
  }
  const median = (numbers: number[]) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)] ?? Number.NaN;
  const results = measured.map(({ row, samples: list }) => {
    return {
      label: row.label,
      result: {
        latency: {
          p50: median(list.map((sample) => sample.latency.p50)),
          p99: median(list.map((sample) => sample.latency.p99)),
          average: median(list.map((sample) => sample.latency.average)),
        },
        requests: { average: median(list.map((sample) => sample.requests.average)) },
        non2xx: list.reduce((sum, sample) => sum + sample.non2xx, 0),
        errors: list.reduce((sum, sample) => sum + sample.errors, 0),
        timeouts: list.reduce((sum, sample) => sum + sample.timeouts, 0),
      } satisfies AutocannonResult,
    };
  });
  // autocannon reports percentiles in whole milliseconds; the mean shows sub-millisecond differences.
  const [offRow, , offStreamRow] = results;
  if (!offRow || !offStreamRow) throw new Error('the guard-off rows (0: plain, 2: streaming) are missing');
  const offP50 = offRow.result.latency.p50;
  const offStreamP50 = offStreamRow.result.latency.p50;
  const offMean = offRow.result.latency.average;
  const offStreamMean = offStreamRow.result.latency.average;
  console.log(`guard latency in safemed serve (scripted instant upstream, ${connections} connections, median of ${rounds} rounds x ${seconds} s per row)`);
  console.log('| configuration | p50 ms | p99 ms | mean ms | added p50 ms | added mean ms | req/s | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [index, { label, result }] of results.entries()) {
    const streaming = index >= 2 && index <= 3;
    const off = label.startsWith('guard off');
    const added = off ? '-' : (result.latency.p50 - (streaming ? offStreamP50 : offP50)).toFixed(0);
    const addedMean = off ? '-' : (result.latency.average - (streaming ? offStreamMean : offMean)).toFixed(2);
    const errors = result.errors + result.timeouts + result.non2xx;
    console.log(
      `| ${label} | ${result.latency.p50.toFixed(0)} | ${result.latency.p99.toFixed(0)} | ${result.latency.average.toFixed(2)} | ${added} | ${addedMean} | ${result.requests.average.toFixed(0)} | ${errors} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
