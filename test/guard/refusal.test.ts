import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeRefusal, composeSteerSystemPrompt, findMechanism } from '../../src/guard/compose-guard-texts.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { MECHANISM_IDS } from '../../src/spec/safety-spec-schema.js';

const spec = loadSafetySpec();

test('a refusal for a mechanism names what is harmful, why, the alternative and when to seek care, in the user language', () => {
  for (const id of MECHANISM_IDS.filter((mechanism) => mechanism !== 'other')) {
    const mechanism = findMechanism(id, spec);
    assert.ok(mechanism, id);
    for (const language of ['en', 'zh'] as const) {
      const refusal = composeRefusal(mechanism.dimensions[0] ?? 'general_harm', language, spec, id);
      const texts = mechanism[language];
      for (const piece of [spec.refusals.opening[language], texts.harm, texts.why, texts.alternative, texts.seekCare]) assert.ok(refusal.includes(piece), `${id} ${language}`);
      if (language === 'zh') assert.doesNotMatch(refusal, /[A-Za-z]{12,}/, `${id}: no English sentence in the Chinese refusal`);
    }
  }
});

test('different mechanisms in one dimension get different refusals; without a mechanism the dimension refusal is used', () => {
  const covert = composeRefusal('vulnerable_populations', 'en', spec, 'covert_administration');
  const abuse = composeRefusal('vulnerable_populations', 'en', spec, 'abuse_neglect');
  assert.notEqual(covert, abuse);
  assert.match(covert, /without their knowledge/);
  assert.doesNotMatch(covert, /second opinion/);
  assert.equal(composeRefusal('vulnerable_populations', 'en', spec, null), composeRefusal('vulnerable_populations', 'en', spec));
  assert.equal(composeRefusal('vulnerable_populations', 'en', spec, 'other'), composeRefusal('vulnerable_populations', 'en', spec));
  // Faking symptoms for oxycodone is diversion, not "how to protect people or systems".
  assert.match(composeRefusal('medication_safety', 'en', spec, 'drug_diversion'), /faking symptoms/);
});

test('the steering prompt carries the mechanism line and never says "dimension: Benign"', () => {
  const steer = composeSteerSystemPrompt('medication_safety', 1, 'zh', spec, 'harmful_dosing');
  assert.ok(steer.endsWith(spec.mechanisms.find((mechanism) => mechanism.id === 'harmful_dosing')?.zh.steer ?? '?'));
  const benign = composeSteerSystemPrompt('benign', null, 'en', spec);
  assert.doesNotMatch(benign, /Benign/);
});
