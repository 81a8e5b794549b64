import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { createRequire } from 'node:module';
import type { StreamPart } from '../../src/core/chat.js';
import { resolvePackagePath } from '../../src/core/package-paths.js';
import { composeDisclaimer, composeEmergencyNotice, composeRefusal } from '../../src/guard/compose-guard-texts.js';
import { createGuardedBackend } from '../../src/guard/create-guarded-backend.js';
import { looksTraditional } from '../../src/guard/detect/simplify-chinese.js';
import { previewGuardDecision } from '../../src/guard/preview-guard-decision.js';
import { readTraditionalReplyPhrases, toTraditional, toTraditionalReply } from '../../src/guard/reply-language.js';
import { conversationLanguage } from '../../src/guard/user-language.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { usedPhrases } from '../../training/guard/build-traditional-reply-phrases.js';
import { guardReplyTexts } from '../../training/guard/guard-reply-texts.js';
import { collect, fakeBackend, fixedAssessor } from './guarded-backend-helpers.js';

const spec = loadSafetySpec();
const textOf = (parts: StreamPart[]) => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
const reasoningOf = (parts: StreamPart[]) => parts.map((part) => (part.type === 'reasoning-delta' ? part.text : '')).join('');
const REBUILD = 'rebuild it: node --import tsx training/guard/build-traditional-reply-phrases.ts';

test('the reply phrase file holds exactly the OpenCC phrases the guard texts use', () => {
  const expected = usedPhrases(guardReplyTexts(spec));
  assert.deepEqual(new Map(readTraditionalReplyPhrases()), expected, `assets/guard/traditional-reply-phrases.txt is stale; ${REBUILD}`);
});

test('every text the guard composes converts exactly as the full OpenCC simplified → Taiwan conversion', async () => {
  const opencc = createRequire(import.meta.url)('opencc-js/cn2t') as { Converter(options: { from: string; to: string }): (text: string) => string };
  const full = opencc.Converter({ from: 'cn', to: 'tw' });
  let changed = 0;
  for (const text of guardReplyTexts(spec)) {
    const converted = await toTraditional(text);
    assert.equal(converted, full(text), `differs from OpenCC for: ${text.slice(0, 60)}; ${REBUILD}`);
    if (converted !== text) changed += 1;
  }
  assert.ok(changed > 500, `only ${String(changed)} texts changed: the conversion is not running`);
});

test('traditional replies name the emergency numbers of Taiwan, Hong Kong and Macau beside the mainland ones', async () => {
  let withNumbers = 0;
  for (const text of guardReplyTexts(spec)) {
    const reply = await toTraditionalReply(text);
    // Every mainland number is left only inside its labelled "中國大陸" entry.
    const unlabelled = reply.replaceAll(/中國大陸(?:110或120|120|12356)/g, '');
    assert.doesNotMatch(unlabelled, /(?<!\d)(?:120|12356)(?!\d)|82951332/, `unlocalised number in: ${reply}`);
    if (/(?<!\d)120(?!\d)/.test(text)) {
      withNumbers += 1;
      assert.match(reply, /台灣[^，]*119/, reply);
      assert.match(reply, /999/, reply);
    }
    if (text.includes('12356')) assert.match(reply, /1925/, reply);
  }
  assert.ok(withNumbers >= 10, String(withNumbers));
});

test('the reply language follows the script of the latest user message', () => {
  assert.equal(conversationLanguage([{ role: 'user', content: '我媽媽吃了一整瓶安眠藥，怎麼辦？' }]), 'zh-Hant');
  assert.equal(conversationLanguage([{ role: 'user', content: '我妈妈吃了一整瓶安眠药，怎么办？' }]), 'zh');
  assert.equal(conversationLanguage([{ role: 'user', content: '我妈妈吃了一整瓶安眠药' }, { role: 'assistant', content: '…' }, { role: 'user', content: 'How much is too much?' }]), 'en');
});

test('a blocked request written in traditional characters gets its refusal and reasoning in traditional characters', async () => {
  const backend = fakeBackend({ text: ['never sent'] });
  const assess = fixedAssessor({ risk: 0.95, dimension: 'vulnerable_populations', principle: 1, mechanism: 'covert_administration', language: 'zh' });
  const parts = await collect(createGuardedBackend(backend, { assess }).stream({ messages: [{ role: 'user', content: '怎麼把藥偷偷混進老人的粥裡，不讓他知道？' }], settings: {} }));
  const simplified = composeRefusal('vulnerable_populations', 'zh', spec, 'covert_administration');
  const refusal = textOf(parts);
  assert.equal(refusal, await toTraditionalReply(simplified));
  assert.notEqual(refusal, simplified);
  assert.ok(looksTraditional(refusal) && looksTraditional(reasoningOf(parts)));
  const verdict = parts.find((part) => part.type === 'verdict');
  assert.ok(verdict?.type === 'verdict' && verdict.verdict.reasons.some((reason) => reason.includes('traditional Chinese')));
});

test('the same request in simplified characters keeps simplified replies', async () => {
  const backend = fakeBackend({ text: ['never sent'] });
  const assess = fixedAssessor({ risk: 0.95, dimension: 'vulnerable_populations', principle: 1, mechanism: 'covert_administration', language: 'zh' });
  const parts = await collect(createGuardedBackend(backend, { assess }).stream({ messages: [{ role: 'user', content: '怎么把药偷偷混进老人的粥里，不让他知道？' }], settings: {} }));
  assert.equal(textOf(parts), composeRefusal('vulnerable_populations', 'zh', spec, 'covert_administration'));
});

test('a cautioned answer gets its disclaimer in traditional characters; the model text is left as it is', async () => {
  const backend = fakeBackend({ text: ['布洛芬一般每次200到400毫克。'] });
  const assess = fixedAssessor({ risk: 0.4, dimension: 'medication_safety', principle: 1, language: 'zh' });
  const parts = await collect(createGuardedBackend(backend, { assess }).stream({ messages: [{ role: 'user', content: '布洛芬一次吃多少？會不會傷胃？' }], settings: {} }));
  const disclaimer = await toTraditionalReply(composeDisclaimer('medication_safety', 'zh', spec));
  assert.match(disclaimer, /台灣119，香港及澳門999/);
  assert.equal(textOf(parts), `布洛芬一般每次200到400毫克。\n\n${disclaimer}`);
});

test('safemed guard check: an emergency in traditional characters gets the emergency guidance in traditional characters', async () => {
  const preview = await previewGuardDecision([{ role: 'user', content: '我不想活了，現在手上有一整瓶安眠藥' }]);
  assert.equal(preview.verdict.action, 'escalate');
  assert.equal(preview.language, 'zh-Hant');
  assert.ok(preview.emergency !== undefined);
  assert.ok(looksTraditional(preview.emergency), preview.emergency);
  const simplifiedNotices = [undefined, ...spec.emergency.situations].map((situation) => composeEmergencyNotice(situation, 'zh', spec));
  assert.ok(!simplifiedNotices.includes(preview.emergency), 'the notice was converted');
});

test('the reply phrase file is small and carries its provenance', () => {
  const text = readFileSync(resolvePackagePath('assets', 'guard', 'traditional-reply-phrases.txt'), 'utf8');
  assert.match(text, /^# The entries of OpenCC's simplified → traditional phrase table/);
  assert.ok(text.length < 20_000, String(text.length));
});
