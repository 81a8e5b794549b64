import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidRequestError } from '../../src/core/errors.js';
import { MAX_ITEMS_PER_REQUEST, parseOpenRlhfRequest } from '../../src/reward/server/reward-requests.js';
import { splitChatQuery } from '../../src/reward/split-chat-query.js';

const turn = (role: string, content: string) => `<|im_start|>${role}\n${content}<|im_end|>\n`;
const QUERY = `${turn('system', 'Be safe.')}${turn('user', 'Q1')}${turn('assistant', 'A1')}${turn('user', 'Q2')}<|im_start|>assistant\n<think>r</think><answer>a</answer><|im_end|>`;

test('parseOpenRlhfRequest: the usual body is read as the schema reads it (extra keys dropped, null labels kept)', () => {
  const parsed = parseOpenRlhfRequest({ query: [QUERY, QUERY], labels: ['harmful', null], extra: 1 }, 'auto');
  assert.equal(parsed.items.length, 2);
  assert.deepEqual(parsed.items[0], {
    messages: [
      { role: 'system', content: 'Be safe.' },
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ],
    response: '<think>r</think><answer>a</answer>',
    label: { kind: 'harmful' },
  });
  assert.equal(parsed.items[1]?.label, undefined);
  assert.deepEqual(parsed.templates, ['chatml', 'chatml']);
});

test('parseOpenRlhfRequest: every malformed body is a 400 that names the field (the schema still reports it)', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /Invalid request body/],
    [[QUERY], /Invalid request body/],
    [{}, /at "query"/],
    [{ query: [] }, /at "query"/],
    [{ query: QUERY }, /at "query"/],
    [{ query: [QUERY, 3] }, /at "query\.1"/],
    [{ query: Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => QUERY) }, /at "query"/],
    [{ query: [QUERY], prompts: null }, /at "prompts"/],
    [{ query: [QUERY], prompts: [1] }, /at "prompts\.0"/],
    [{ query: [QUERY], labels: [1] }, /at "labels\.0"/],
    [{ query: [QUERY], labels: 'harmful' }, /at "labels"/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => parseOpenRlhfRequest(body, 'auto'),
      (error: unknown) => error instanceof InvalidRequestError && message.test(error.message),
      JSON.stringify(body).slice(0, 80),
    );
  }
});

test('splitChatQuery gives the same turns on every call (its shared regexes keep no position between queries)', () => {
  const first = splitChatQuery(QUERY, undefined, 'q');
  for (let index = 0; index < 3; index += 1) assert.deepEqual(splitChatQuery(QUERY, undefined, 'q'), first);
  const llama = '<|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nA<|eot_id|>';
  for (let index = 0; index < 2; index += 1) assert.deepEqual(splitChatQuery(llama, undefined, 'q').messages, [{ role: 'user', content: 'Q' }]);
  assert.equal(first.messages.length, 4);
});
