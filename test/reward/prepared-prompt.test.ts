/**
 * Prepared prompts (src/backends/openai-compatible/prepared-prompt.ts): the judge runner sends each judge
 * question's fixed text encoded once, so the request bytes must be exactly those `generate` sends for the
 * joined prompt — checked on the raw bytes a loopback judge receives, on awkward values (escapes, control
 * characters, astral and lone surrogates, surrogate halves at the edges) and settings.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createBackend } from '../../src/backends/registry.js';
import { canPreparePrompts, createPromptBodyEncoder, joinPrompt, PROMPT_SLOT, type PreparedPrompt, type PromptPreparing } from '../../src/backends/openai-compatible/prepared-prompt.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateResult, GenerationSettings } from '../../src/core/chat.js';
import { fillRubric, loadJudgeRubrics } from '../../src/reward/components/load-reward-data.js';
import { compileJudgePrompt } from '../../src/reward/judging/compile-judge-prompt.js';
import { createJudgeCache } from '../../src/reward/judging/create-judge-cache.js';
import { createJudgeRunner, judgeContent, type JudgeQuestion } from '../../src/reward/judging/create-judge-runner.js';
import { createRewardMetrics } from '../../src/reward/reward-metrics.js';
import { formatHarmfulnessJudgePrompt } from '../../src/spec/index.js';
import { must } from './must.js';

/** A loopback judge that keeps every request body's raw bytes and answers `#score: 2`. */
let judge: Server;
let baseUrl = '';
const bodies: Buffer[] = [];
const reply = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '#score: 2' }, finish_reason: 'stop' }] });

before(async () => {
  judge = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      bodies.push(Buffer.concat(parts));
      response.writeHead(200, { 'content-type': 'application/json' }).end(reply);
    });
  });
  await new Promise<void>((resolve) => judge.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${String((judge.address() as AddressInfo).port)}/v1`;
});

after(async () => {
  judge.closeAllConnections();
  await new Promise((resolve) => judge.close(resolve));
});

/** The raw body of the request `send` makes. */
async function bytesOf(send: () => Promise<GenerateResult>): Promise<Buffer> {
  const before = bodies.length;
  const result = await send();
  assert.equal(result.text, '#score: 2');
  assert.equal(bodies.length, before + 1);
  return must(bodies[before]);
}

const AWKWARD_VALUES: Array<[string, string]> = [
  ['', ''],
  ['a "quoted" \\ back\\slash', 'tab\there\nnew line\r\n\u0000\u0001\u001f\u007f'],
  ['药物过量怎么办？ “curly” — dash', 'emoji 😀 inside, \u2028 and \u2029'],
  ['lone \ud83d high inside', 'lone \ude00 low inside'],
  ['ends with a high half \ud83d', '\ude00 starts with a low half'],
  ['</script><!-- {request} {response} $& $1', '{"json": [1, 2]}'],
];

test('a prepared prompt sends byte for byte the body generate sends for the joined prompt', async () => {
  for (const flavour of ['openai', 'vllm'] as const) {
    const backend = await createBackend(`${flavour}:${baseUrl}`, { model: 'judge-model', maxRetries: 0, timeoutMs: 5000 });
    try {
      assert.ok(canPreparePrompts(backend));
      const settingsList: GenerationSettings[] = [
        { temperature: 0, maxTokens: 512 },
        { temperature: 0.3, topP: 0.9, stop: ['</answer>'], seed: 7, maxTokens: 64, extraBody: { priority: 1, note: 'x"y' } },
        { responseFormat: { type: 'json_object' } },
      ];
      const fixedList: Array<readonly string[]> = [
        ['Head “policy”:\n', '\n--- middle \\ ---\n', '\ntail #score'],
        ['only fixed text, no values'],
        ['', '', ''],
        ['ends with a high half \ud83d', '', '\ude00 starts with a low half'],
      ];
      for (const settings of settingsList) {
        for (const fixed of fixedList) {
          const prepared = backend.preparePrompt(fixed, settings);
          for (const [first, second] of AWKWARD_VALUES) {
            const values = [first, second].slice(0, fixed.length - 1);
            const viaPrepared = await bytesOf(() => prepared.generate(values));
            const viaGenerate = await bytesOf(() => backend.generate({ messages: [{ role: 'user', content: joinPrompt(fixed, values) }], settings }));
            assert.equal(viaPrepared.toString('hex'), viaGenerate.toString('hex'), `${flavour} ${JSON.stringify(fixed)} ${JSON.stringify(values)}`);
          }
        }
      }
    } finally {
      await backend.close();
    }
  }
});

test('the spec harmfulness prompt and the explanation rubric, prepared from their compiled pieces, are the prompts the builders make', async () => {
  const backend = await createBackend(`openai:${baseUrl}`, { model: 'judge-model', maxRetries: 0, timeoutMs: 5000 });
  try {
    assert.ok(canPreparePrompts(backend));
    const rubric = loadJudgeRubrics().explanation;
    for (const build of [(request: string, response: string) => formatHarmfulnessJudgePrompt(request, response), (request: string, response: string) => fillRubric(rubric, request, response)]) {
      const pieces = must(compileJudgePrompt(build).pieces);
      const settings = { temperature: 0, maxTokens: 512 };
      const prepared = backend.preparePrompt(pieces.fixed, settings);
      for (const [request, response] of AWKWARD_VALUES) {
        const body = await bytesOf(() => prepared.generate(pieces.requestFirst ? [request, response] : [response, request]));
        const sent = JSON.parse(body.toString('utf8')) as { messages: Array<{ role: string; content: string }> };
        assert.deepEqual(sent.messages, [{ role: 'user', content: build(request, response) }]);
      }
    }
  } finally {
    await backend.close();
  }
});

test('the body encoder: cut only where the slot is found once; values with surrogate halves at an edge or the wrong count are left to generate', () => {
  const body = (content: string) => JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], stream: false });
  const encode = must(createPromptBodyEncoder(body(PROMPT_SLOT), ['a', 'b', 'c']));
  assert.equal(encode(['x', 'y'])?.toString('utf8'), body('axbyc'));
  assert.equal(encode(['x']), undefined);
  assert.equal(encode(['x\ud83d', 'y']), undefined);
  assert.equal(encode(['x', '\ude00y']), undefined);
  assert.equal(encode(['x\ud83d\ude00', '\ud83d\ude00y'])?.toString('utf8'), body('ax😀b😀yc'));
  assert.equal(createPromptBodyEncoder(body('no slot'), ['a']), undefined);
  assert.equal(createPromptBodyEncoder(JSON.stringify({ a: PROMPT_SLOT, b: PROMPT_SLOT }), ['a']), undefined);
  assert.equal(createPromptBodyEncoder(body(PROMPT_SLOT), ['a\ud83d', 'b']), undefined);
  assert.equal(createPromptBodyEncoder(body(PROMPT_SLOT), []), undefined);
});

test('the judge runner asks through a prepared prompt when the backend offers one, with the values in the template order', async () => {
  const asked: Array<{ fixed: readonly string[]; values: readonly string[]; settings: GenerationSettings }> = [];
  const answer: GenerateResult = { text: '#score: 3', reasoning: '', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] };
  const backend: Backend & PromptPreparing = {
    uri: 'test:prepared',
    modelId: 'judge-model',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: () => Promise.reject(new Error('generate is not used when the prompt is prepared')),
    preparePrompt: (fixed, settings): PreparedPrompt => ({
      generate: (values) => {
        asked.push({ fixed, values, settings });
        return Promise.resolve(answer);
      },
    }),
    stream: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
  };
  const parse = (output: string) => Number(/#score: (\d)/.exec(output)?.[1] ?? Number.NaN);
  const requestFirst: JudgeQuestion = { task: 'a', template: compileJudgePrompt((request, response) => `Q=${request} R=${response}.`), maxTokens: 8, parse };
  const responseFirst: JudgeQuestion = { task: 'b', template: compileJudgePrompt((request, response) => `R=${response} Q=${request}.`), maxTokens: 9, parse };
  const runner = createJudgeRunner({ concurrency: 2, timeoutMs: 10_000, retries: 0, backoffMs: 0, cache: createJudgeCache({ maxEntries: 10 }), metrics: createRewardMetrics() });
  const judgeEntry = { id: 'j', backend };
  const first = await runner.ask(judgeEntry, requestFirst, judgeContent('the request', 'the response'));
  const second = await runner.ask(judgeEntry, responseFirst, judgeContent('the request', 'the response'));
  assert.deepEqual([first.value, second.value], [3, 3]);
  assert.deepEqual(asked, [
    { fixed: ['Q=', ' R=', '.'], values: ['the request', 'the response'], settings: { temperature: 0, maxTokens: 8 } },
    { fixed: ['R=', ' Q=', '.'], values: ['the response', 'the request'], settings: { temperature: 0, maxTokens: 9 } },
  ]);
});
