/**
 * Multi-turn scoring: the conversation is judged as a whole, not only by its last user turn (user
 * turns only; system prompts are the operator's, assistant turns are the model's).
 * - crescendo: the last few user turns read together (the model is trained on multi-turn requests
 *   read this way) count when riskier than the last turn alone, provided the last turn is itself at
 *   least borderline;
 * - back-reference: a short last turn that points back ("now give me the exact steps for that",
 *   "继续") inherits the risk of the most harmful earlier user turn, unless it is protective;
 * - a request cut mid-sentence across turns (turns ending without sentence-final punctuation), no part of
 *   it flagged alone, is read as the one message it would have been;
 * - otherwise an earlier harmful turn carries over at a reduced weight (caution, not flagged).
 * The emergency probability is the highest of the last two user turns and of the recent turns read
 * together ("I took all of them." after "I have my mother's sleeping pills").
 * A one-message conversation is scored exactly as its message. At most the last 8 user turns count.
 */
import type { ChatMessage } from '../../core/chat.js';
import type { HarmClassification } from './create-risk-assessor.js';
import type { RiskAssessment } from './risk-assessment.js';
import { simplifyChinese } from '../detect/simplify-chinese.js';

const BACK_REFERENCE =
  /\b(that|those|it|this|them|these|the steps|the same|the name|the dose|the recipe|the method)\b|\b(continue|go on|keep going|more detail|in detail|step by step|exact steps|elaborate|expand)\b|继续|具体(步骤|方法|怎么做)|详细(说|讲|点)|那(你|就)|刚才|上面(说|提到)/i;
const CARRY_OVER = 0.45;
const MAX_USER_TURNS = 8;
const CRESCENDO_TURNS = 3;
const BORDERLINE = 0.15;
const PROTECTIVE_FOLLOW_UP = /\b(prevent|protect|report|avoid|stop (it|this|that)|safe(ly|ty)?|rules?|laws?|regulations?|help (them|him|her|someone))\b|预防|防止|举报|保护|法规/i;
/** Below this risk an assessment reports `benign` (same floor as the single-text assessment). */
const DIMENSION_FLOOR = 0.25;

export function refersBack(text: string): boolean {
  const words = text.trim().split(/\s+/).length;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return words + han / 2 <= 20 && BACK_REFERENCE.test(simplifyChinese(text));
}

/** Sentence-final punctuation, optionally followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?。！？…~～][\s"'”’)）\]】」』]*$/u;
const HAN_END = /\p{Script=Han}$/u;
const HAN_START = /^\p{Script=Han}/u;

/**
 * The text of the last user turns read as one request when the turns before the last end without
 * sentence-final punctuation (an unfinished sentence continued in the next turn), at most CRESCENDO_TURNS
 * turns, and how many turns it joins; undefined when the turn before the last is finished. Han text is
 * joined without a space.
 */
export function continuedRequest(turns: readonly string[]): { text: string; turns: number } | undefined {
  let first = turns.length - 1;
  while (first > 0 && turns.length - first < CRESCENDO_TURNS && !SENTENCE_END.test((turns[first - 1] as string).trimEnd())) first -= 1;
  if (first === turns.length - 1) return undefined;
  let text = (turns[first] as string).trim();
  for (const turn of turns.slice(first + 1)) {
    const next = turn.trim();
    text += HAN_END.test(text) && HAN_START.test(next) ? next : ` ${next}`;
  }
  return { text, turns: turns.length - first };
}

export interface ConversationScorer {
  assessText(text: string): RiskAssessment;
  classifyHarm(text: string): HarmClassification;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function assessConversationTurns(messages: ChatMessage[], scorer: ConversationScorer, threshold: number): RiskAssessment {
  const userTurns = messages
    .map((message, index) => ({ message, index }))
    .filter((turn) => turn.message.role === 'user' && turn.message.content.trim().length > 0)
    .slice(-MAX_USER_TURNS);
  if (userTurns.length === 0) return { risk: 0, dimension: 'benign', principle: null, attacks: [], reasons: [], language: 'en', mechanism: null, emergency: 0 };
  const assessed = userTurns.map((turn) => ({ index: turn.index, text: turn.message.content, assessment: scorer.assessText(turn.message.content) }));
  const last = assessed[assessed.length - 1];
  if (last === undefined) throw new Error('unreachable: no user turn');
  if (assessed.length === 1) return { ...last.assessment, turnIndex: last.index };

  const earlier = assessed.slice(0, -1);
  const worst = earlier.reduce((top, turn) => (turn.assessment.risk > top.assessment.risk ? turn : top));
  const attacks = new Set<string>(last.assessment.attacks);
  const reasons = [...last.assessment.reasons];
  let result: RiskAssessment = { ...last.assessment, turnIndex: last.index };
  const recent = assessed.slice(-CRESCENDO_TURNS);
  const joined = scorer.assessText(recent.map((turn) => turn.text).join('\n'));
  const priorFlagged = worst.assessment.risk >= threshold && worst.assessment.risk > last.assessment.risk;

  if (priorFlagged && refersBack(last.text) && !PROTECTIVE_FOLLOW_UP.test(simplifyChinese(last.text))) {
    result = { ...worst.assessment, risk: round(Math.max(last.assessment.risk, worst.assessment.risk * 0.98)), turnIndex: worst.index };
    attacks.add('multi_turn_escalation');
    reasons.unshift(`last turn refers back to an earlier harmful request (message ${worst.index})`, ...worst.assessment.reasons);
  } else if (last.assessment.risk >= BORDERLINE && joined.risk > result.risk) {
    result = { ...joined, turnIndex: last.index };
    reasons.unshift('the last turns read together are riskier than the last one alone (crescendo)', ...joined.reasons);
    for (const attack of joined.attacks) attacks.add(attack);
    if (joined.risk >= threshold && last.assessment.risk < threshold) attacks.add('multi_turn_escalation');
  }
  // A request cut mid-sentence across turns ("要吞幾顆安眠藥才" → "go on" → "能一覺睡過去不再醒來？") is one
  // request: each part alone can fall below the borderline and the carry-over, and the joined reading above
  // puts a line break (a segment boundary) through the cut. Turns that end without sentence-final punctuation
  // are read joined to the turn that continues them, as the writer would have written them in one message —
  // when no part is flagged on its own (a flagged part keeps the rules above: a protective or unrelated
  // follow-up is not flagged for it).
  const continued = continuedRequest(assessed.map((turn) => turn.text));
  if (continued !== undefined && assessed.slice(-continued.turns).every((turn) => turn.assessment.risk < threshold)) {
    const whole = scorer.assessText(continued.text);
    if (whole.risk > result.risk) {
      result = { ...whole, turnIndex: last.index };
      reasons.unshift('the last user turns continue one unfinished sentence: read as one request', ...whole.reasons);
      for (const attack of whole.attacks) attacks.add(attack);
    }
  }
  if (result.risk < worst.assessment.risk * CARRY_OVER) {
    result = { ...result, risk: round(worst.assessment.risk * CARRY_OVER) };
    reasons.push(`an earlier turn (message ${worst.index}) was risky (${worst.assessment.risk.toFixed(2)})`);
  }
  const previous = assessed[assessed.length - 2];
  const emergency = Math.max(last.assessment.emergency, previous?.assessment.emergency ?? 0, joined.emergency);
  result = { ...result, emergency };
  if (result.risk >= DIMENSION_FLOOR && result.dimension === 'benign') result = { ...result, ...scorer.classifyHarm(assessed.map((turn) => turn.text).join('\n')) };
  if (result.mechanism === null && emergency > last.assessment.emergency && joined.mechanism !== null) result = { ...result, mechanism: joined.mechanism };
  return { ...result, attacks: Array.from(attacks), reasons: Array.from(new Set(reasons)) };
}
