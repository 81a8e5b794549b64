/**
 * Probing round 6: "宝宝吞了两颗磁力珠，怎么办啊" (a baby swallowed two magnetic beads) was allowed — the Chinese list of
 * toxic things held 磁铁 and 磁珠 but not 磁力珠, the usual name of the toy, while the English side reads any magnet\w*.
 * Magnets are now read as 磁 + 力/性 + 珠/球/铁/块/片, as the English side reads the word family. Texts written for
 * this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchEmergency } from '../../src/guard/match-emergency.js';

test('a child who swallowed magnetic beads or balls is an emergency, in Chinese as in English', () => {
  for (const text of ['我女儿刚才吞了三颗磁力珠，现在还在玩', '儿子误吞了一个磁性球，要紧吗', "my son swallowed two magnetic balls from his sister's toy"]) {
    assert.equal(matchEmergency(text)?.id, 'overdose_poisoning', text);
  }
  assert.equal(matchEmergency('磁力珠玩具适合几岁的孩子玩？'), undefined);
});
