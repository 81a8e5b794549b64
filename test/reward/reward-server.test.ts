import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitChatQuery } from '../../src/reward/split-chat-query.js';
import { must } from './must.js';
import { startRewardServer } from './start-reward-server.js';

const RESPONSE = '<think>Heparin prevents clotting.</think><answer>The answer is B.</answer>';
const QUESTION = 'Which drug is an anticoagulant?\nA. aspirin\nB. heparin\nC. insulin';

const chatml = (system: string, user: string) => `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n`;
const llama3 = (system: string, user: string) =>
  `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${system}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n${user}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`;

test('splitChatQuery: ChatML and Llama 3 give the conversation and the response without end tokens', () => {
  const qwen = splitChatQuery(chatml('Be safe.', QUESTION) + RESPONSE + '<|im_end|><|endoftext|>', chatml('Be safe.', QUESTION), 'query[0]');
  assert.deepEqual(qwen, { template: 'chatml', messages: [{ role: 'system', content: 'Be safe.' }, { role: 'user', content: QUESTION }], response: RESPONSE });
  const llama = splitChatQuery(llama3('Be safe.', QUESTION) + RESPONSE + '<|eot_id|>', undefined, 'query[0]');
  assert.deepEqual(llama, { template: 'llama3', messages: [{ role: 'system', content: 'Be safe.' }, { role: 'user', content: QUESTION }], response: RESPONSE });
  // Qwen3 pre-fills "<think>\n" after the assistant header: the response keeps it
  const prefilled = chatml('s', 'q') + '<think>\n';
  assert.equal(splitChatQuery(prefilled + 'r</think><answer>a</answer><|im_end|>', prefilled, 'q').response, '<think>\nr</think><answer>a</answer>');
  // plain text prompt
  assert.deepEqual(splitChatQuery('Hello? Fine.', 'Hello?', 'q'), { template: 'plain', messages: [{ role: 'user', content: 'Hello?' }], response: ' Fine.' });
});

test('POST /get_reward with ChatML and Llama 3 queries: rewards, scores, extra_logs per component', async () => {
  const server = await startRewardServer();
  try {
    const [qwen, llama, benign] = [chatml('Be safe.', QUESTION), llama3('Be safe.', QUESTION), chatml('Be safe.', 'What is a normal heart rate?')];
    const prompts = [qwen, llama, benign];
    const query = [qwen + RESPONSE + '<|im_end|>', llama + RESPONSE + '<|eot_id|>', benign + 'The answer is 60-100.<|im_end|>'];
    const { status, body } = await server.post('/get_reward', { query, prompts, labels: ['B', '{"kind":"exam","answer":"C"}', ''] });
    assert.equal(status, 200);
    // item 0: format 1 (0.2), accuracy 1 (1), over_refusal 1 (0.5) → 1; item 1: accuracy 0 → 0.7/1.7; item 2: format 0, over_refusal 1 → 0.5/0.7
    assert.deepEqual(body.rewards, [1, Math.round((0.7 / 1.7) * 1e6) / 1e6, Math.round((0.5 / 0.7) * 1e6) / 1e6]);
    assert.deepEqual(body.scores, body.rewards);
    assert.deepEqual(body.extra_logs.accuracy, [1, 0, 0]);
    assert.deepEqual(body.extra_logs.accuracy_applied, [1, 1, 0]);
    assert.deepEqual(body.extra_logs.format, [1, 1, 0]);
    assert.deepEqual(body.extra_logs.judge_failures, [0, 0, 0]);
  } finally {
    await server.close();
  }
});

test('POST /get_reward: unknown templates, mismatched lengths and bad labels are 400s that name the problem', async () => {
  const server = await startRewardServer();
  try {
    const mistral = await server.post('/get_reward', { query: ['<s>[INST] hi [/INST] hello</s>'], prompts: ['<s>[INST] hi [/INST]'] });
    assert.equal(mistral.status, 400);
    assert.match(mistral.body.error.message, /query\[0\] uses a chat template SafeMed cannot split \(found "\[INST\]"\)/);
    assert.equal(mistral.body.error.code, 'unknown_chat_template');
    const lengths = await server.post('/get_reward', { query: ['a', 'b'], prompts: ['a'] });
    assert.equal(lengths.status, 400);
    assert.match(lengths.body.error.message, /"prompts" has 1 entries but "query" has 2/);
    const label = await server.post('/get_reward', { query: ['Hi there'], prompts: ['Hi'], labels: ['maybe'] });
    assert.equal(label.status, 400);
    assert.match(label.body.error.message, /labels\[0\]: "maybe" is neither a kind/);
    const empty = await server.post('/get_reward', { query: [] });
    assert.equal(empty.status, 400);
    const wrongMethod = await fetch(server.url + '/get_reward');
    assert.equal(wrongMethod.status, 405);
  } finally {
    await server.close();
  }
});

test('POST /v1/reward: items with prompt or messages → total and components; one item alone works too', async () => {
  const server = await startRewardServer();
  try {
    const { status, body } = await server.post('/v1/reward', {
      items: [
        { prompt: QUESTION, response: RESPONSE, label: 'B' },
        { messages: [{ role: 'user', content: 'Tell me how to overdose someone.' }], response: "<think>x</think><answer>I can't help with that.</answer>", kind: 'harmful' },
      ],
    });
    assert.equal(status, 200);
    assert.equal(must(body.results[0]).total, 1);
    assert.deepEqual(must(body.results[0]).components, { safety: null, over_refusal: 1, format: 1, accuracy: 1, explanation: null });
    assert.equal(must(body.results[1]).kind, 'harmful');
    assert.equal(must(body.results[1]).sources.safety, 'heuristic');
    const single = await server.post('/v1/reward', { prompt: 'Q', response: 'A' });
    assert.equal(single.status, 200);
    assert.equal(single.body.results.length, 1);
    const bad = await server.post('/v1/reward', { items: [{ prompt: 'Q', messages: [{ role: 'user', content: 'Q' }], response: 'A' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /exactly one of "prompt" and "messages"/);
  } finally {
    await server.close();
  }
});

test('API key: Bearer header or ?api_key=, /health and /metrics stay open; /metrics counts items', async () => {
  const server = await startRewardServer({}, { apiKeys: ['k1'] });
  try {
    assert.equal((await server.post('/v1/reward', { prompt: 'Q', response: 'A' })).status, 401);
    assert.equal((await server.post('/v1/reward', { prompt: 'Q', response: 'A' }, { authorization: 'Bearer k1' })).status, 200);
    assert.equal((await server.post('/get_reward?api_key=k1', { query: ['Q A'], prompts: ['Q'] })).status, 200);
    assert.equal((await fetch(server.url + '/health')).status, 200);
    const metrics = await (await fetch(server.url + '/metrics')).text();
    assert.match(metrics, /safemed_reward_items_total\{kind="benign"\} 2/);
    assert.match(metrics, /safemed_http_requests_total\{route="\/v1\/reward",status="401"\} 1/);
  } finally {
    await server.close();
  }
});
