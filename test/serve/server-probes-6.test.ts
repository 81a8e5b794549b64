/**
 * Issue 8, sixth probing round: the OpenAI API surface real clients send, the CLI around serve and its
 * operator faults. One test per defect; each fails on the code before its fix. Real sockets on 127.0.0.1:0,
 * the tiny GGUF for the llama backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createBackend } from '../../src/backends/registry.js';
import { toGrammarSchema } from '../../src/backends/llama/to-grammar-schema.js';
import { usableCpus } from '../../src/backends/llama/usable-cpus.js';
import { createConsoleRoutes } from '../../src/console/create-console-routes.js';
import { createServerSession } from '../../src/cli/chat/ask-server.js';
import { createLogger } from '../../src/core/logger.js';
import { resolveSettings } from '../../src/core/config.js';
import { SERVE_SETTING_SOURCES, serveSettingsSchema } from '../../src/serve/serve-settings.js';
import type { Backend } from '../../src/core/backend.js';
import type { ResponseFormat } from '../../src/core/chat.js';
import { ConfigError, InvalidRequestError } from '../../src/core/errors.js';
import { tinyModelPath } from '../support/tiny-model.js';
import { startTestServer } from './start-test-server.js';

type After = { after(fn: () => unknown): void };

function temporaryFolder(t: After): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-probes-6-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

/** Runs a module (`@src/` = this checkout's src) in a child process, killed after `limitMs`. */
async function runScript(t: After, script: string, limitMs: number): Promise<{ stdout: string; stderr: string; code: number | null; ms: number }> {
  const file = join(temporaryFolder(t), 'script.mts');
  writeFileSync(file, script.replaceAll('@src/', pathToFileURL(join(process.cwd(), 'src')).href + '/'));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { stdout, stderr, code, ms: Date.now() - started };
}

async function tinyBackend(t: After): Promise<Backend> {
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  t.after(() => backend.close());
  return backend;
}

function schemaFormat(schema: Record<string, unknown>, strict: boolean): ResponseFormat {
  return { type: 'json_schema', json_schema: { name: 'answer', schema, strict } };
}

test('the llama backend answers a JSON schema as written: anyOf, allOf, no type, type lists and unknown formats are not forced to null or "" (probing round 6)', async (t) => {
  const backend = await tinyBackend(t);
  const ask = async (schema: Record<string, unknown>, strict: boolean, seed: number) => {
    const result = await backend.generate({
      messages: [{ role: 'user', content: 'Give JSON' }],
      settings: { seed, temperature: 1, maxTokens: 400, responseFormat: schemaFormat(schema, strict) },
    });
    return JSON.parse(result.text) as unknown;
  };
  for (const seed of [1, 2, 3]) {
    // every Pydantic Optional[...] field is an anyOf: it was always answered null, which the schema forbids
    const union = (await ask({ type: 'object', properties: { a: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] } }, required: ['a'] }, true, seed)) as { a: unknown };
    assert.ok(typeof union.a === 'number' || typeof union.a === 'boolean', `anyOf answered ${JSON.stringify(union)}`);
    const wrapped = (await ask({ allOf: [{ type: 'object', properties: { b: { type: 'boolean' } } }] }, true, seed)) as { b: unknown };
    assert.equal(typeof wrapped.b, 'boolean', `allOf answered ${JSON.stringify(wrapped)}`);
    const untyped = (await ask({ properties: { c: { type: 'boolean' } } }, true, seed)) as { c: unknown };
    assert.equal(typeof untyped.c, 'boolean', `a schema without type answered ${JSON.stringify(untyped)}`);
    const either = await ask({ type: ['object', 'null'], properties: { d: { enum: ['x', 'y'] } } }, true, seed);
    assert.ok(either === null || ['x', 'y'].includes((either as { d: string }).d), `a type list answered ${JSON.stringify(either)}`);
  }
  // an unknown format forced the empty string; without strict it is left out (any string)
  const lengths = [];
  for (const seed of [1, 2, 3]) lengths.push(((await ask({ type: 'object', properties: { e: { type: 'string', format: 'email', maxLength: 20 } } }, false, seed)) as { e: string }).e.length);
  assert.ok(lengths.some((length) => length > 0), `format: email answered only "" (${lengths.join(', ')})`);
});

test('a JSON schema with type lists nested in each other is converted in linear time and size (probing round 6)', () => {
  // each level's children were converted once per type of the list: 2^depth (a 770-character schema took 300 ms)
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < 18; level += 1) schema = { type: ['object', 'array', 'null'], properties: { a: schema }, items: { type: 'integer' } };
  const size = JSON.stringify(schema).length;
  const converted = JSON.stringify(toGrammarSchema(schema, true));
  assert.ok(converted.length < 4 * size, `${size} characters became ${converted.length}`);
  assert.match(converted, /"oneOf":\[\{"type":"object","properties":\{"a":\{"oneOf"/);
});

test('a strict JSON schema with a keyword the llama grammar cannot enforce is a 400 naming it; without strict it is answered (probing round 6)', async (t) => {
  const backend = await tinyBackend(t);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ type: 'object', properties: { code: { type: 'string', pattern: '^[0-9]{3}$' } } }, 'schema.properties.code.pattern'],
    [{ type: 'object', properties: { mail: { type: 'string', format: 'email' } } }, 'schema.properties.mail.format'],
    [{ type: 'object', properties: { dose: { type: 'integer', minimum: 5, maximum: 7 } } }, 'schema.properties.dose.minimum'],
    [{ type: 'array', items: { type: 'integer' }, uniqueItems: true }, 'schema.uniqueItems'],
  ];
  for (const [schema, path] of cases) {
    await assert.rejects(
      backend.generate({ messages: [{ role: 'user', content: 'Give JSON' }], settings: { maxTokens: 20, responseFormat: schemaFormat(schema, true) } }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError, String(error));
        assert.equal(error.status, 400);
        assert.equal(error.code, 'unsupported_schema');
        assert.equal(error.param, 'response_format');
        assert.match(error.message, new RegExp(path.replace(/[.[\]$]/g, '\\$&')));
        assert.match(error.message, /"strict": false/);
        return true;
      },
    );
    const loose = await backend.generate({ messages: [{ role: 'user', content: 'Give JSON' }], settings: { maxTokens: 20, responseFormat: schemaFormat(schema, false) } });
    assert.equal(typeof loose.text, 'string');
  }
});

test('serve --config on a FIFO nobody writes is a clear error after a wait, not a hang; a FIFO written in time is read (probing round 6)', async (t) => {
  const folder = temporaryFolder(t);
  const fifo = join(folder, 'settings.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const script = `
    import { loadConfigFile } from '@src/serve/load-config-file.ts';
    try { loadConfigFile(${JSON.stringify(fifo)}, 500); process.stdout.write('read'); }
    catch (error) { process.stdout.write(JSON.stringify({ message: error.message, fix: error.fix, key: error.key })); }
  `;
  const silent = await runScript(t, script, 8000);
  assert.equal(silent.code, 0, `killed after ${silent.ms} ms (the open waited for a writer): ${silent.stderr.slice(0, 300)}`);
  const error = JSON.parse(silent.stdout) as { message: string; fix: string; key: string };
  assert.equal(error.key, 'config');
  assert.match(error.message, /settings\.fifo: a pipe that gave no settings within 1 s/);
  assert.match(error.fix, /Write the settings into the pipe/);
  // a writer that comes a little later is read
  const writer = spawn('sh', ['-c', `sleep 0.2; printf 'port: 0\\n' > ${JSON.stringify(fifo)}`]);
  const writerDone = new Promise((resolve) => writer.on('close', resolve));
  const written = await runScript(t, script.replace(', 500)', ', 5000)'), 8000);
  await writerDone;
  assert.equal(written.stdout, 'read', written.stderr.slice(0, 300));
});

test('credentials in an upstream URL (https://user:secret@gateway/v1) are sent as basic auth and never shown in the uri, errors or logs (probing round 6)', async (t) => {
  const seen: Array<string | undefined> = [];
  let fail = false;
  const upstream = createServer((request, response) => {
    seen.push(request.headers.authorization);
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url?.endsWith('/models')) return response.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
      if (fail) {
        response.statusCode = 500;
        return response.end(JSON.stringify({ error: { message: 'overloaded' } }));
      }
      response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.after(() => { upstream.closeAllConnections(); upstream.close(); });
  const port = (upstream.address() as AddressInfo).port;
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const backend = await createBackend(`openai:http://alice:s3cret@127.0.0.1:${port}/v1`, { logger, maxRetries: 1, sleep: () => Promise.resolve() });
  t.after(() => backend.close());
  assert.equal(backend.uri, `openai:http://127.0.0.1:${port}/v1`);
  const answer = await backend.generate({ messages: [{ role: 'user', content: 'hi' }], settings: {} });
  assert.equal(answer.text, 'ok');
  const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
  assert.ok(seen.length > 0 && seen.every((header) => header === basic), JSON.stringify(seen));
  fail = true;
  const error = await backend.generate({ messages: [{ role: 'user', content: 'hi' }], settings: {} }).then(() => undefined, (caught: unknown) => caught as Error & { url?: string });
  assert.ok(error, 'the upstream 500 was not an error');
  assert.doesNotMatch(`${error.message} ${error.url ?? ''} ${lines.join('\n')}`, /s3cret|alice/);
  // safemed chat --server likewise
  const session = await createServerSession({ server: 'http://bob:hunter2@127.0.0.1:1', apiKey: undefined, servedModelName: 'm', stream: false, settings: {} });
  t.after(() => session.close());
  const unreachable = await session.ask([{ role: 'user', content: 'hi' }], { onReasoning: () => undefined, onAnswer: () => undefined }, new AbortController().signal).then(() => undefined, (caught: unknown) => caught as Error);
  assert.match(String(unreachable?.message), /Cannot reach the server at http:\/\/127\.0\.0\.1:1\/v1/);
});

test('the console names what a filter may be and reads any run of digits as a record id (probing round 6)', async (t) => {
  const auditDb = join(temporaryFolder(t), 'audit.db');
  const at = new Date(Date.UTC(2026, 10, 1));
  const trail = openAuditTrail({ path: auditDb });
  trail.appendMany([{
    requestId: 'req_000000000000000000000001', receivedAt: at, firstTokenAt: at, finishedAt: at, model: 'tiny', servedModelName: 'safemed-r1',
    stream: false, user: null, messages: [{ role: 'user', content: 'Hi' }], reasoning: '', answer: 'Hello.', finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [], status: 200, error: null,
  }]);
  trail.close();
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, auditDb, guardEnabled: false });
  t.after(() => { routes.close(); });
  const { url } = await startTestServer(t, { extraRoutes: [routes] });
  const get = async (path: string) => {
    const response = await fetch(`${url}/console/api/${path}`);
    return { status: response.status, error: ((await response.json()) as { error?: { message: string; code: string } }).error };
  };
  // "Invalid filter risk: Invalid input." said nothing of what it may be
  assert.deepEqual(await get('audit?risk=2'), { status: 400, error: { message: 'Invalid filter risk: must be one of low, medium, high.', type: 'invalid_request_error', param: 'risk', code: 'invalid_filter' } });
  assert.match((await get('audit?action=allowed')).error?.message ?? '', /^Invalid filter action: must be one of allow, caution, steer, block, escalate, none\.$/);
  for (const limit of ['abc', '0', '1001', '1e3', '-1', '']) {
    assert.equal((await get(`audit?limit=${limit}`)).error?.message, 'Invalid filter limit: must be a whole number from 1 to 1000.', `limit=${limit}`);
  }
  assert.equal((await get('audit?limit=1&risk=&action=')).status, 200);
  // a record id with 16 digits or more was "Unknown console route."
  assert.deepEqual(await get('audit/99999999999999999999'), { status: 404, error: { message: 'No audit record #99999999999999999999.', type: 'invalid_request_error', param: null, code: 'not_found' } });
  assert.equal((await get('audit/1')).status, 200);
});

test('API keys an HTTP header cannot carry are refused by name at start-up; a trailing CR or space is trimmed (probing round 6)', async (t) => {
  const settings = (env: Record<string, string>) => resolveSettings(serveSettingsSchema, SERVE_SETTING_SOURCES, { flags: { model: 'vllm:http://gpu:8000/v1' }, env, file: {} });
  // a .env file with Windows line ends: every upstream call failed as "Cannot reach the upstream (ERR_INVALID_CHAR)"
  assert.equal(settings({ SAFEMED_UPSTREAM_API_KEY: 'sk-abc\r' }).upstreamApiKey, 'sk-abc');
  for (const env of [{ SAFEMED_API_KEY: 'abc\u2013def' }, { SAFEMED_API_KEY: 'abc def' }, { SAFEMED_UPSTREAM_API_KEY: 'sk\u00a0abc' }]) {
    assert.throws(() => settings(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /holds a character an HTTP header cannot carry/);
      assert.doesNotMatch(error.message, /abc/, 'the key is not echoed');
      return true;
    });
  }
  // the backend's own variables (OPENAI_API_KEY) and chat --api-key likewise
  const seen: Array<string | undefined> = [];
  const upstream = createServer((request, response) => {
    seen.push(request.headers.authorization);
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.after(() => { upstream.closeAllConnections(); upstream.close(); });
  const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  const backend = await createBackend(`openai:${base}`, { env: { OPENAI_API_KEY: 'sk-abc\r\n' } });
  t.after(() => backend.close());
  assert.deepEqual(seen, ['Bearer sk-abc']);
  await assert.rejects(createBackend(`openai:${base}`, { env: { OPENAI_API_KEY: 'sk\u2013abc' } }), /\$OPENAI_API_KEY holds a character an HTTP header cannot carry/);
  await assert.rejects(createServerSession({ server: base, apiKey: 'abc\u2013def', servedModelName: 'm', stream: false, settings: {} }), /--api-key \(or \$SAFEMED_API_KEY\) holds a character/);
});

test('an upstream model name the upstream does not list is a start-up warning naming --upstream-model (probing round 6)', async (t) => {
  const upstream = createServer((request, response) => {
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ object: 'list', data: [{ id: 'real-model' }, { id: 'other-model' }] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.after(() => { upstream.closeAllConnections(); upstream.close(); });
  const uri = `openai:http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  for (const model of ['typo-model', 'real-model']) {
    const backend = await createBackend(uri, { model, logger });
    await backend.close();
  }
  // serve started without a word, and every request was a 404 model_not_found for a client that sent the right name
  assert.equal(lines.length, 1, lines.join('\n'));
  const warning = JSON.parse(lines[0] ?? '{}') as { level: string; message: string; listed: string[]; fix: string };
  assert.equal(warning.level, 'warn');
  assert.match(warning.message, /does not list the model "typo-model"/);
  assert.deepEqual(warning.listed, ['real-model', 'other-model']);
  assert.match(warning.fix, /--upstream-model/);
});

test('a JSON-schema bound that is not a number is a 400, and the schema\'s text never reaches stderr (llama.cpp printed the grammar) (probing round 6)', async (t) => {
  const marker = 'Mary Smith born 1960-03-04';
  const schemas = [
    { type: 'object', properties: { [marker]: { type: 'string', maxLength: 'x' } } },
    { type: 'array', items: { enum: [marker] }, maxItems: 'x' },
    { type: 'object', properties: { [marker]: { type: 'string', minLength: true } } },
  ];
  const script = `
    import { createBackend } from '@src/backends/registry.ts';
    const backend = await createBackend('llama:' + ${JSON.stringify(await tinyModelPath())}, { threads: 1, contextSize: 1024 });
    const results = [];
    for (const schema of ${JSON.stringify(schemas)}) {
      try {
        await backend.generate({ messages: [{ role: 'user', content: 'Hi' }], settings: { maxTokens: 2, responseFormat: { type: 'json_schema', json_schema: { name: 'a', schema } } } });
        results.push('answered');
      } catch (error) { results.push(error.code + ': ' + error.message); }
    }
    await backend.close();
    process.stdout.write(JSON.stringify(results));
  `;
  const { stdout, stderr, code } = await runScript(t, script, 60_000);
  assert.equal(code, 0, stderr.slice(0, 1500));
  for (const result of JSON.parse(stdout) as string[]) assert.match(result, /^unsupported_schema: The JSON schema's (maxLength|maxItems|minLength) is a (string|boolean); it must be a number\.$/);
  assert.ok(!stderr.includes('Mary Smith'), `client text on stderr: ${stderr.slice(0, 300)}`);
});

test('a llama context far beyond what the model was trained for is refused, one beyond it is a warning (probing round 6)', async (t) => {
  const path = await tinyModelPath(); // trained for 4,096 tokens
  // it took 4 GB with the 0.5 MB model, and a 5-token answer did not finish in 25 s
  await assert.rejects(createBackend(`llama:${path}`, { threads: 1, contextSize: 10_000_000 }), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.key, 'contextSize');
    assert.match(error.message, /context size 10000000 is more than 4× the 4096 tokens .* was trained for/);
    assert.match(error.fix ?? '', /--context-size 4096 or less/);
    return true;
  });
  const lines: string[] = [];
  const backend = await createBackend(`llama:${path}`, { threads: 1, contextSize: 8192, logger: createLogger({ write: (line) => lines.push(line) }) });
  t.after(() => backend.close());
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /"level":"warn".*more than the 4096 tokens the model was trained for/);
});

test('llama threads follow a container\'s CPU quota, not only the host\'s CPUs (probing round 6)', () => {
  const files = (entries: Record<string, string>) => (path: string) => {
    const text = entries[path];
    if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  };
  // docker run --cpus 2 on a 64-core host: availableParallelism() stays 64, and so did the default thread count
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '200000 100000\n' }), 64), 2);
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '150000 100000' }), 64), 2);
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }), 64), 64);
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }), 8), 1);
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }), 8), 8);
  assert.equal(usableCpus(files({}), 8), 8);
  assert.equal(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '800000 100000' }), 4), 4, 'a quota above the CPUs the process may use changes nothing');
});
