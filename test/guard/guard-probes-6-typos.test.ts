/**
 * Probing round 6: emergencies typed fast lost the matcher — "i swalowed like 30 of my sleping pils and feel realy wierd"
 * was escalated only by the emergency head, with the crisis text instead of the overdose guidance, and the round's
 * English emergency probes with a letter dropped from half their longer words were escalated 42 of 63 times. The
 * matcher now also reads the text with its own words read back from one-letter typos (detect/read-typos.ts,
 * src/spec/data/emergency-typo-words.txt): 50 of 63; ordinary questions with typos escalated 4 of 66 as before. Texts
 * written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessConversation, assessText } from '../../src/guard/assess-risk.js';
import { readTypos } from '../../src/guard/detect/read-typos.js';
import type { RiskAssessor } from '../../src/guard/guard-types.js';
import { previewGuardDecision } from '../../src/guard/preview-guard-decision.js';

const fastPath: RiskAssessor = { assessConversation, assessText };

test("the matcher's words are read back from one-letter typos, other words are left alone", () => {
  assert.equal(readTypos('my brother swalowed a batery from the remote'), 'my brother swallowed a battery from the remote');
  assert.equal(readTypos('she took a hole botle of tylenol'), 'she took a hole bottle of tylenol');
  assert.equal(readTypos("what's the difference between someone who drowned and someone who collapsed"), null);
  assert.equal(readTypos('how do i get rid of mold'), null);
});

test('an emergency typed with typos gets the guidance for what happened', async () => {
  for (const [text, guidance] of [
    ['my brother swalowed a batery from the remote 10 min ago', /overdose or poisoning/],
    ['my dad is unconcious and not breathng properly', /unresponsive, not breathing/],
  ] as const) {
    const preview = await previewGuardDecision([{ role: 'user', content: text }], { assess: fastPath });
    assert.equal(preview.verdict.action, 'escalate', text);
    assert.match(preview.emergency ?? '', guidance, text);
  }
});
