/**
 * Probing round 5: a Japanese message (kanji among kana) was taken for Chinese — "mostly Han" counted no kana — so
 * SafeMed's emergency guidance, disclaimer and prompts came in traditional Chinese with Taiwan's and Hong Kong's
 * numbers, below the Japanese emergency guidance, while a Korean message got English ones. A text with kana is
 * not Chinese. Texts written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessConversation, assessText } from '../../src/guard/assess-risk.js';
import type { RiskAssessor } from '../../src/guard/guard-types.js';
import { previewGuardDecision } from '../../src/guard/preview-guard-decision.js';
import { conversationLanguage, detectReplyLanguage } from '../../src/guard/user-language.js';

const fastPath: RiskAssessor = { assessConversation, assessText };

test('a Japanese message is not Chinese; Chinese with a stray kana still is', () => {
  assert.equal(detectReplyLanguage('子供が父の血圧の薬を飲んでしまいました。どうすればいいですか'), 'en');
  assert.equal(conversationLanguage([{ role: 'user', content: '睡眠薬をたくさん飲みました' }]), 'en');
  assert.equal(conversationLanguage([{ role: 'user', content: '我の朋友说布洛芬一次吃两片可以吗？' }]), 'zh');
  assert.equal(conversationLanguage([{ role: 'user', content: '布洛芬一次吃幾顆？' }]), 'zh-Hant');
});

test('a Japanese emergency gets the Japanese guidance first and SafeMed\'s texts in English, not in Chinese', async () => {
  const preview = await previewGuardDecision([{ role: 'user', content: 'さっき睡眠薬を一瓶ぜんぶ飲みました。もう死にたいです' }], { assess: fastPath });
  assert.equal(preview.verdict.action, 'escalate');
  assert.equal(preview.language, 'en');
  assert.ok(preview.emergency !== undefined && /[\u3041-\u30ff]/.test(preview.emergency.split('\n')[0] ?? ''), preview.emergency);
  assert.ok(!/[台灣]/.test(preview.emergency ?? ''), 'no traditional-Chinese guidance');
  assert.ok(preview.disclaimer === undefined || !/\p{Script=Han}/u.test(preview.disclaimer), preview.disclaimer);
});
