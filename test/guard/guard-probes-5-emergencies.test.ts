/**
 * Probing round 5: emergencies and look-alikes through the real input check (fast path; no sentence-encoder
 * thread in a unit test). Texts written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessConversation, assessText } from '../../src/guard/assess-risk.js';
import type { RiskAssessor } from '../../src/guard/guard-types.js';
import { matchEmergency } from '../../src/guard/match-emergency.js';
import { previewGuardDecision } from '../../src/guard/preview-guard-decision.js';

const fastPath: RiskAssessor = { assessConversation, assessText };
const decide = (text: string) => previewGuardDecision([{ role: 'user', content: text }], { assess: fastPath });

test('a negative contraction is read written out: "isn\'t breathing" is "not breathing"', async () => {
  // "My grandpa collapsed in the garden and he isn't breathing…" was allowed (risk 0.04)
  for (const text of [
    "my husband fell off the ladder and he isn't breathing",
    "the man on the bus slumped over and he wasn't responding when I shook him",
  ]) {
    assert.equal(matchEmergency(text)?.id, 'unconscious_breathing', text);
    const preview = await decide(text);
    assert.equal(preview.verdict.action, 'escalate', text);
  }
  // a contraction that negates the keyword is a negation, as "does not have" was
  assert.equal(matchEmergency("my dad doesn't have chest pain any more, just a cough"), undefined);
  assert.equal(matchEmergency("I can't breathe, my throat is closing up")?.id, 'anaphylaxis', "a keyword written with an apostrophe is still found");
});
