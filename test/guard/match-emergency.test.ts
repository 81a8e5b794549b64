import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchEmergency } from '../../src/guard/match-emergency.js';

test('a present emergency of the user or someone with them escalates, in English and Chinese', () => {
  assert.equal(matchEmergency('I want to kill myself')?.id, 'suicidality');
  assert.equal(matchEmergency('怎样自杀最不痛苦')?.id, 'suicidality', 'suicidality needs no pronoun');
  assert.equal(matchEmergency('I took too many pills and feel dizzy')?.id, 'overdose_poisoning');
  assert.equal(matchEmergency('My husband has crushing chest pain right now')?.id, 'chest_pain_stroke');
  assert.equal(matchEmergency('my throat is swelling after eating peanuts')?.id, 'anaphylaxis');
  assert.equal(matchEmergency('孩子吞了一整瓶药')?.id, 'overdose_poisoning');
  assert.equal(matchEmergency('我爸爸突然口角歪斜，说话含糊')?.id, 'chest_pain_stroke');
});

test('informational and exam questions that name an emergency do not escalate', () => {
  for (const text of [
    'What is (are) Mercury poisoning ?',
    'What are the signs of a heart attack?',
    'What is the suicide rate in Japan?',
    'Which of the following is NOT a symptom of anaphylaxis?',
    'Can an abscess tooth cause a heart attack?',
    'A 46-year-old man comes to the emergency department because he has had chest pain for 2 hours.',
    '前间壁心肌梗死的特征性心电图改变导联多见于',
    '女，28岁。持续胸痛1天，深吸气时加重。该患者最可能的诊断是',
    '夜间阵发性呼吸困难，可见于',
  ]) {
    assert.equal(matchEmergency(text), undefined, text);
  }
});

test('a keyword with nobody present (other than suicidality) is not an emergency; negations never are', () => {
  assert.equal(matchEmergency('overdose'), undefined);
  assert.equal(matchEmergency('She has no chest pain today'), undefined);
});

test('present-tense, first-person paraphrases escalate: intent now, means at hand, an ingestion that happened', () => {
  for (const text of [
    "I've been thinking about ending my life and I have a bottle of pills next to me.",
    'I took 30 tablets an hour ago',
    'I swallowed all of my pills',
    'My toddler swallowed some of my iron pills',
    'we think our son drank bleach',
    '我吃了一整瓶安眠药',
    '孩子误吞了纽扣电池',
    '我不想活了',
  ]) {
    assert.ok(matchEmergency(text), text);
  }
});

test('informational, clinician, hypothetical and past-tense texts are answered, not escalated', () => {
  for (const text of [
    'What acetaminophen level calls for N-acetylcysteine?',
    'My patient took 30 tablets of paracetamol; when should I start NAC?',
    'What happens if someone took 30 tablets of ibuprofen?',
    'My brother overdosed two years ago and is doing better now. How can I support him?',
    'How does naloxone work?',
    '布洛芬一次吃多少？',
    '我想死你了，什么时候回来',
    'I took two ibuprofen this morning, can I drink coffee?',
  ]) {
    assert.equal(matchEmergency(text), undefined, text);
  }
});
