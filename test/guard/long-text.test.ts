/** Long client texts (src/guard/long-text.ts): bounded conversation-level reading, full coverage in windows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../src/core/chat.js';
import { silentLogger } from '../../src/core/logger.js';
import { checkInput } from '../../src/guard/check-input.js';
import type { RiskAssessment, RiskAssessor } from '../../src/guard/guard-types.js';
import { boundedConversation, boundedText, CONVERSATION_CHARACTERS, createTimeSlicer, textWindows, WINDOW_CHARACTERS, WINDOW_OVERLAP } from '../../src/guard/long-text.js';
import { DEFAULT_GUARD_POLICY } from '../../src/guard/policy.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';

test('textWindows covers the whole text with overlapping windows no longer than the window size', () => {
  const text = Array.from({ length: 10_007 }, (_, index) => String.fromCharCode(97 + (index % 26))).join('');
  const windows = textWindows(text);
  assert.equal(windows[0]?.start, 0);
  for (const [index, window] of windows.entries()) {
    assert.ok(window.text.length <= WINDOW_CHARACTERS);
    assert.equal(window.text, text.slice(window.start, window.start + window.text.length));
    const next = windows[index + 1];
    if (next) assert.equal(window.start + window.text.length - next.start, WINDOW_OVERLAP);
  }
  const last = windows.at(-1);
  assert.equal((last?.start ?? 0) + (last?.text.length ?? 0), text.length);
  assert.deepEqual(textWindows('short'), [{ start: 0, text: 'short' }]);
});

test('boundedText keeps head and tail; boundedConversation keeps the budget, the latest messages first', () => {
  assert.equal(boundedText('abcdefghij', 4), 'ab\nij');
  assert.equal(boundedText('abc', 4), 'abc');
  const small: ChatMessage[] = [{ role: 'user', content: 'hello' }];
  assert.equal(boundedConversation(small), small);
  const messages: ChatMessage[] = [
    { role: 'system', content: 's'.repeat(50_000) },
    { role: 'user', content: 'u'.repeat(50_000) },
  ];
  const bounded = boundedConversation(messages);
  const total = bounded.reduce((sum, message) => sum + message.content.length, 0);
  assert.ok(total <= CONVERSATION_CHARACTERS + 1_000, `total ${total}`);
  assert.ok((bounded[1]?.content.length ?? 0) >= (bounded[0]?.content.length ?? 0));
});

test('createTimeSlicer yields only once a slice has run its time', async () => {
  let now = 0;
  const slicer = createTimeSlicer(8, () => now);
  let yielded = false;
  setImmediate(() => { yielded = true; });
  now = 5;
  await slicer.pause();
  assert.equal(yielded, false);
  now = 9;
  await slicer.pause();
  assert.equal(yielded, true);
});

/** Flags a text that holds the marker word; counts the characters it was asked to read. */
function markerAssessor(): RiskAssessor & { longest: number } {
  const assess = (text: string): RiskAssessment => {
    result.longest = Math.max(result.longest, text.length);
    const risky = text.includes('POISON-THE-PATIENT');
    return { risk: risky ? 0.95 : 0.01, dimension: risky ? 'medication_safety' : 'benign', principle: null, attacks: [], reasons: risky ? ['marker'] : [], language: 'en', mechanism: null, emergency: 0 };
  };
  const result = {
    longest: 0,
    assessText: assess,
    assessConversation: (messages: ChatMessage[]) => assess(messages.filter((message) => message.role === 'user').map((message) => message.content).join('\n')),
  };
  return result;
}

const context = (assess: RiskAssessor) => ({ assess, policy: DEFAULT_GUARD_POLICY, failMode: 'closed' as const, spec: loadSafetySpec(), logger: silentLogger });

test('a harmful request in the middle of 1 MB of filler is found (windows), and no check reads the whole text at once', async () => {
  const filler = 'The weather was mild and the garden needed water. '.repeat(10_000);
  for (const messages of [
    [{ role: 'user', content: `${filler}POISON-THE-PATIENT${filler}` }],
    [{ role: 'system', content: `${filler}POISON-THE-PATIENT${filler}` }, { role: 'user', content: 'hello' }],
  ] satisfies ChatMessage[][]) {
    const assessor = markerAssessor();
    const check = await checkInput(messages, context(assessor));
    assert.equal(check.verdict.risk, 0.95);
    assert.notEqual(check.verdict.action, 'allow');
    assert.ok(check.verdict.reasons.some((reason) => reason.includes('assessed in windows')), check.verdict.reasons.join('; '));
    assert.ok(assessor.longest <= CONVERSATION_CHARACTERS + 1_000, `read ${assessor.longest} characters at once`);
  }
});

test('a short conversation is read as written (no windows)', async () => {
  const assessor = markerAssessor();
  const check = await checkInput([{ role: 'user', content: 'Please POISON-THE-PATIENT quietly.' }], context(assessor));
  assert.equal(check.verdict.risk, 0.95);
  assert.ok(!check.verdict.reasons.some((reason) => reason.includes('windows')));
});
