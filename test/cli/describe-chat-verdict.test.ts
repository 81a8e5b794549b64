import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeChatVerdict } from '../../src/cli/chat/describe-chat-verdict.js';

const base = { action: 'allow', risk_level: 'low', dimension: 'benign', verdicts: [] };

test('the verdict line names action, risk level and dimension; a normal answer adds nothing', () => {
  assert.deepEqual(describeChatVerdict({ safemed: base, finishReason: 'stop', stopped: false }), ['guard: allow · risk low · dimension benign']);
  assert.deepEqual(describeChatVerdict({ safemed: undefined, finishReason: 'stop', stopped: false }), []);
});

test('a replaced or cut answer says so plainly, with the server\'s reason', () => {
  const replaced = { ...base, action: 'block', risk_level: 'high', output: { action: 'block', replaced: true, reason: 'dosing instructions for harm', kind: 'dangerous_content' } };
  assert.deepEqual(describeChatVerdict({ safemed: replaced, finishReason: 'content_filter', stopped: false }), [
    'guard: block · risk high · dimension benign',
    "replaced: the guard stopped the model's answer and replaced it with the text above (dosing instructions for harm).",
  ]);
  // finish_reason content_filter alone (any OpenAI-compatible server) is enough.
  assert.match(describeChatVerdict({ safemed: undefined, finishReason: 'content_filter', stopped: false })[0]!, /^replaced: /);
});

test('refusals, escalations, the token limit and a stopped answer each have their own line', () => {
  assert.match(describeChatVerdict({ safemed: { ...base, action: 'block' }, finishReason: 'stop', stopped: false })[1]!, /^refused: .*not asked/);
  assert.match(describeChatVerdict({ safemed: { ...base, action: 'escalate' }, finishReason: 'stop', stopped: false })[1]!, /^escalated: emergency guidance/);
  assert.match(describeChatVerdict({ safemed: base, finishReason: 'length', stopped: false })[1]!, /^cut: .*--max-tokens/);
  assert.match(describeChatVerdict({ safemed: base, finishReason: null, stopped: true })[1]!, /^stopped: /);
});
