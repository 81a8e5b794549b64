/**
 * The `safemed` object of a response: which verdict decides, how risks, attacks and reasons are
 * summarised, and the exact JSON clients get (member order included), pinned for three verdict lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SafetyVerdict } from '../../src/core/chat.js';
import { toSafemedResponseObject } from '../../src/serve/safemed-response-object.js';

const cases: Record<string, Array<Record<string, unknown>>> = {
  caution: [
    { action: 'caution', risk: 0.0003, riskLevel: 'low', dimension: 'benign', principle: null, attacks: [], reasons: ['risk 0.00 is low'], stage: 'input', compliance: 'pass', disclaimerAdded: false, mechanism: null },
    { action: 'caution', risk: 0, riskLevel: 'low', dimension: 'benign', principle: null, attacks: [], reasons: ['answer checked', 'disclaimer added (en)'], stage: 'output', compliance: 'pass', disclaimerAdded: true, mechanism: null, disclaimer: 'Not medical advice.' },
  ],
  escalateReplaced: [
    { action: 'escalate', risk: 0.91, riskLevel: 'high', dimension: 'mental_health_self_harm', principle: 1, attacks: ['roleplay', 'roleplay'], reasons: ['emergency', 'risk high'], stage: 'input', compliance: 'pass', disclaimerAdded: false, mechanism: 'self_harm_suicide', emergencyNotice: 'Call 112 now.' },
    { action: 'block', risk: 0.5, riskLevel: 'medium', dimension: 'benign', principle: null, attacks: ['encoding'], reasons: ['risk high', 'answer replaced'], stage: 'output', compliance: 'fail', disclaimerAdded: false, replacement: { reason: 'dangerous content', kind: 'dangerous_content' } },
  ],
  tie: [
    { action: 'steer', risk: 0.4, riskLevel: 'medium', dimension: 'a', principle: 2, attacks: [], reasons: ['first'], stage: 'input', compliance: 'pass', disclaimerAdded: false },
    { action: 'steer', risk: 0.2, riskLevel: 'low', dimension: 'b', principle: 3, attacks: [], reasons: ['second'], stage: 'output', compliance: 'pass', disclaimerAdded: false, mechanism: 'other' },
  ],
};

const PINNED: Record<string, string> = {
  caution:
    '{"action":"caution","risk_level":"low","risk":0.0003,"dimension":"benign","principle":null,"attacks":[],"compliance":"pass","disclaimer_added":true,"reasons":["risk 0.00 is low","answer checked","disclaimer added (en)"],"mechanism":null,"verdicts":[{"stage":"input","action":"caution","risk_level":"low","risk":0.0003,"dimension":"benign","principle":null,"attacks":[],"compliance":"pass","disclaimer_added":false,"reasons":["risk 0.00 is low"],"mechanism":null},{"stage":"output","action":"caution","risk_level":"low","risk":0,"dimension":"benign","principle":null,"attacks":[],"compliance":"pass","disclaimer_added":true,"reasons":["answer checked","disclaimer added (en)"],"mechanism":null}],"output":{"action":"caution","replaced":false,"reason":null,"kind":null},"disclaimer":"Not medical advice."}',
  escalateReplaced:
    '{"action":"escalate","risk_level":"high","risk":0.91,"dimension":"mental_health_self_harm","principle":1,"attacks":["roleplay","encoding"],"compliance":"fail","disclaimer_added":false,"reasons":["emergency","risk high","answer replaced"],"mechanism":"self_harm_suicide","verdicts":[{"stage":"input","action":"escalate","risk_level":"high","risk":0.91,"dimension":"mental_health_self_harm","principle":1,"attacks":["roleplay","roleplay"],"compliance":"pass","disclaimer_added":false,"reasons":["emergency","risk high"],"mechanism":"self_harm_suicide"},{"stage":"output","action":"block","risk_level":"medium","risk":0.5,"dimension":"benign","principle":null,"attacks":["encoding"],"compliance":"fail","disclaimer_added":false,"reasons":["risk high","answer replaced"],"mechanism":null}],"output":{"action":"block","replaced":true,"reason":"dangerous content","kind":"dangerous_content"},"emergency":"Call 112 now."}',
  tie:
    '{"action":"steer","risk_level":"medium","risk":0.4,"dimension":"b","principle":3,"attacks":[],"compliance":"pass","disclaimer_added":false,"reasons":["first","second"],"mechanism":"other","verdicts":[{"stage":"input","action":"steer","risk_level":"medium","risk":0.4,"dimension":"a","principle":2,"attacks":[],"compliance":"pass","disclaimer_added":false,"reasons":["first"],"mechanism":null},{"stage":"output","action":"steer","risk_level":"low","risk":0.2,"dimension":"b","principle":3,"attacks":[],"compliance":"pass","disclaimer_added":false,"reasons":["second"],"mechanism":"other"}],"output":{"action":"steer","replaced":false,"reason":null,"kind":null}}',
};

test('no verdicts, no safemed object', () => {
  assert.equal(toSafemedResponseObject([]), undefined);
});

for (const [name, verdicts] of Object.entries(cases)) {
  test(`the safemed object of ${name} verdicts is exactly the pinned JSON`, () => {
    assert.equal(JSON.stringify(toSafemedResponseObject(verdicts as unknown as SafetyVerdict[])), PINNED[name]);
  });
}
