/**
 * Probing round 6: the matcher's means-at-hand reading ("someone … pills … now") took medicine already swallowed for
 * means at hand — "My grandma took her blood pressure pill this morning and now she's a bit dizzy, is that normal?" got
 * the guidance for someone about to end their life, and an overdose that had happened ("my dad took his pill twice
 * and now he is dizzy") the crisis text instead of the overdose and poison-control guidance. And Chinese hyperbole
 * with a degree complement ("今天热得我想死", "这道题做得我想跳楼") was read as intent. Now (match-emergency.ts): means
 * that were taken are the ingestion, unless an intent or a farewell is stated; a mild effect after a usual dose is
 * the question, not a danger sign; "V得我想死" is hyperbole as "V得想死" already was. Train/dev fast path: 7 such
 * hyperboles (and 3 wrapped copies) de-escalated, 20 emergencies get the overdose guidance instead of the crisis text, none lost. Texts
 * written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchEmergency } from '../../src/guard/match-emergency.js';

test('medicine already taken is an ingestion, not means at hand', () => {
  assert.equal(matchEmergency('My grandpa took his heart pill at breakfast and now he is a little dizzy, is that normal?'), undefined);
  assert.equal(matchEmergency('my mum took her water tablet twice this morning and now she is dizzy and confused, is that bad?')?.id, 'overdose_poisoning');
  assert.equal(matchEmergency('我弟刚才故意吃了一大把安眠药，现在叫不太醒')?.id, 'overdose_poisoning');
});

test('a stated intent keeps the crisis guidance even with pills taken', () => {
  assert.equal(matchEmergency("I took some of the pills already and I'm going to take the rest tonight, I want to die")?.id, 'suicidality');
});

test('Chinese hyperbole with a degree complement is not an intent to die', () => {
  for (const text of ['今天热得我想死，有什么解暑的办法', '这篇论文改得我想跳楼，导师还不满意', '排队排得人想死']) assert.equal(matchEmergency(text), undefined, text);
  for (const text of ['我不想活了，今晚就想死', '我真的想死，药已经准备好了']) assert.equal(matchEmergency(text)?.id, 'suicidality', text);
});
