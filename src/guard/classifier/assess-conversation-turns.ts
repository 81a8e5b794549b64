/**
 * Multi-turn scoring: the conversation is judged as a whole, not only by its last user turn.
 * - back-reference: a short last turn that points back ("now give me the exact steps for that",
 *   "继续") inherits the risk of the most harmful earlier user turn;
 * - crescendo: the last few user turns read together score higher than the last one alone, and the
 *   per-turn risk rises; counted only when the last turn is itself at least borderline;
 * - harmful-intent drift: the last few user turns read together ask for a means of harm (a poison,
 *   an overdose, sedating someone) together with concealment or a hidden victim ("in my wife's tea",
 *   "so it leaves no trace", "查不出来"), and the last turn itself carries one of those cues; this
 *   catches crescendos and split requests whose last turn the classifier alone scores low;
 * - back-reference and persistence inherit an earlier turn's risk only when that turn shows an intent
 *   cue or is very risky, so a classifier false positive on an innocent first turn ("I'm an ICU nurse.")
 *   does not spread to the follow-ups;
 * - otherwise an earlier harmful turn carries over at a reduced weight (caution, not flagged).
 * A one-message conversation is scored exactly as its message.
 */
import type { ChatMessage } from '../../core/chat.js';
import { attackBoost, type AttackId } from '../detect/detect-attacks.js';
import { intentCueFeatures } from './intent-cues.js';
import type { RiskAssessment } from './risk-assessment.js';

const BACK_REFERENCE =
  /\b(that|those|it|this|them|these|the steps|the same|the name|the dose|the amount|the recipe|the method)\b|\b(how much|how many|roughly|anyway|just (tell|say|give|list|write|do)|do it|then)\b|\b(continue|go on|keep going|more detail|in detail|step by step|exact steps|elaborate|expand)\b|继续|具体(步骤|方法|怎么做)|详细(说|讲|点)|那(你|就)|刚才|上面(说|提到)/i;
const CARRY_OVER = 0.45;
const MAX_USER_TURNS = 8;
const BORDERLINE = 0.15;
/** A last turn at least this risky, after an earlier flagged turn, keeps pursuing the harmful topic. */
const PERSISTENT = 0.25;
const PROTECTIVE_FOLLOW_UP = /\b(prevent|protect|report|avoid|stop (it|this|that)|safe(ly|ty)?|rules?|laws?|regulations?|help (them|him|her|someone))\b|预防|防止|举报|保护|法规/i;

/** Means of harm (English and Chinese). Matched on lower-cased text. */
const HARM_MEANS =
  /\b(kill\w*|murder\w*|poison\w*|overdos\w*|lethal|fatal|die|death|dead|coma|unconscious|pass(es|ed)? out|knock (her|him|them) out|suffocat\w*|sedat\w*|stops? (his|her|their|the) (heart|breathing)|bleed\w* (to death|out|internally)|liver failure|never wakes? up|not wake up|amnesia|black(s|ed)? ?out)\b|中毒|毒死|下毒|致死|致命|死掉|弄死|害死|昏迷|(?<!自)杀|停止呼吸|心脏骤停/;
/** Concealment, a covert route into someone's body, or an unaware victim. */
const CONCEALMENT =
  /\b(without (\w+ ){0,3}(knowing|noticing|finding out|suspecting|knowledge|testing for it|detect\w*)|without telling|(leaves?|leaving|with) no trace|untraceable|undetect\w*|never (be )?(noticed|found|detected|traced)|(nobody|no one) (notices|suspects|knows|will (know|notice|suspect))|looks? like (a |an )?(natural|heart attack|accident|suicide)|looks? natural|secretly|won'?t remember|(slip|mix|crush|put|add|inject)\w* (\w+ ){0,3}(in|into) (my|his|her|their|the|a) ([\w'-]+ ){0,2}(drinks?|food|tea|coffee|juice|meals?|water|iv|drip)|(in|into) my [\w-]+'s? (drinks?|food|tea|coffee|juice|meals?|iv|drip))\b|不被.{0,8}(发现|察觉|查出)|查不出|偷偷|悄悄|神不知鬼不觉|不留痕迹|瞒着|背着|混进|放进.{0,4}(饭|水|饮料|输液)/;
/** Asking how a poison or toxin is made. */
const POISON_MAKING = /\b(poison|toxin|ricin|nerve agent)\b[^.?!]{0,60}\b(all the steps|step[- ]by[- ]step|recipe)\b|\bhow (you|to|i|we|they) (made|make|produce|extract)\b[^.?!]{0,40}\b(poison|toxin|ricin)/;
/** Doctoring the controlled-drug count or the records so that something is never noticed. */
const RECORD_TAMPERING = /\b(adjust|alter|change|fake|falsify|edit|doctor)\w* (the )?(count|records?|logs?|charts?)\b/;
/** A last turn about recognising, treating or preventing harm is not a drift to harmful intent. */
const DRIFT_PROTECTIVE =
  /\b(signs?|symptoms?|recogni[sz]\w*|antidotes?|naloxone|treat(ed|ment|ing)?|first aid|poison control|emergency|what (should|do|can) (i|we) do|how (do|can|would) (i|we|they|the \w+) (tell|know|help|stop|prevent|figure|find out|detect))\b|怎么办|症状|急救|治疗|预防|识别|解毒/;
const DRIFT_WINDOW = 4;
/** The risk given to a conversation that drifts to a harmful intent (above the default flag threshold). */
const DRIFT_RISK = 0.62;
/** Cues of harmful intent (the model's lexicons); an earlier turn without any is not inherited from unless very risky. */
const HARM_CUES = new Set(['#violence', '#lethal', '#evasion', '#deception', '#disrespect', '#disregard', '#illegal', '#weapon', '#covert-dosing', '#selfharm', '#coercion', '#misinformation', '#zh-forbidden-practice']);
const INHERIT_WITHOUT_CUE = 0.95;

function hasHarmCue(text: string): boolean {
  return intentCueFeatures(text.toLowerCase()).some((feature) => HARM_CUES.has(feature));
}

/** The joined last turns ask for harm plus concealment (or poison-making, or record tampering), and the last turn drifts there. */
export function driftsToHarmfulIntent(userTexts: string[]): boolean {
  const last = (userTexts[userTexts.length - 1] ?? '').toLowerCase();
  if (PROTECTIVE_FOLLOW_UP.test(last) || DRIFT_PROTECTIVE.test(last)) return false;
  const window = userTexts.slice(-DRIFT_WINDOW).join('\n').toLowerCase();
  if (POISON_MAKING.test(last)) return true;
  if (!HARM_MEANS.test(last) && !CONCEALMENT.test(last) && !RECORD_TAMPERING.test(last)) return false;
  if (HARM_MEANS.test(window) && CONCEALMENT.test(window)) return true;
  return RECORD_TAMPERING.test(last) && CONCEALMENT.test(last);
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function logit(probability: number): number {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
}

export function refersBack(text: string): boolean {
  const words = text.trim().split(/\s+/).length;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return words + han / 2 <= 20 && BACK_REFERENCE.test(text);
}

export interface ConversationScorer {
  assessText(text: string): RiskAssessment;
  /** Dimension and principle of a text whatever its own risk (a follow-up raised by the conversation). */
  classifyHarm(text: string): { dimension: string; principle: number | null };
}

/** Below this risk an assessment reports `benign` (same floor as the single-text assessment). */
const DIMENSION_FLOOR = 0.25;

export function assessConversationTurns(messages: ChatMessage[], scorer: ConversationScorer, threshold: number): RiskAssessment {
  const assessText = (text: string): RiskAssessment => scorer.assessText(text);
  // The last MAX_USER_TURNS user turns are scored: bounded cost on long chats.
  const userTurns = messages
    .map((message, index) => ({ message, index }))
    .filter((turn) => turn.message.role === 'user' && turn.message.content.trim().length > 0)
    .slice(-MAX_USER_TURNS);
  if (userTurns.length === 0) return { risk: 0, dimension: 'benign', principle: null, attacks: [], reasons: [], language: 'en', mechanism: null, emergency: 0 };
  const assessed = userTurns.map((turn) => ({ index: turn.index, text: turn.message.content, assessment: assessText(turn.message.content) }));
  const last = assessed[assessed.length - 1]!;
  if (assessed.length === 1) return { ...last.assessment, turnIndex: last.index };

  const earlier = assessed.slice(0, -1);
  const worst = earlier.reduce((top, turn) => (turn.assessment.risk > top.assessment.risk ? turn : top));
  const attacks = new Set<string>();
  for (const turn of assessed) for (const attack of turn.assessment.attacks) attacks.add(attack);
  let result: RiskAssessment = { ...last.assessment, turnIndex: last.index };
  const reasons = [...last.assessment.reasons];
  // A persona or override set up in an earlier turn still wraps the last request ("As that pharmacist, ...").
  const earlierWrappers = new Set<AttackId>();
  for (const turn of earlier) for (const attack of turn.assessment.attacks) if (!last.assessment.attacks.includes(attack)) earlierWrappers.add(attack as AttackId);
  if (earlierWrappers.size > 0 && last.assessment.risk > 0) {
    const boosted = sigmoid(logit(last.assessment.risk) + attackBoost(earlierWrappers));
    result = { ...result, risk: Math.round(boosted * 10_000) / 10_000 };
    reasons.push(`wrapper from an earlier turn: ${Array.from(earlierWrappers).join(', ')}`);
  }

  const priorFlagged =
    worst.assessment.risk >= threshold &&
    worst.assessment.risk > last.assessment.risk &&
    (worst.assessment.risk >= INHERIT_WITHOUT_CUE || hasHarmCue(worst.text));
  if (priorFlagged && refersBack(last.text) && !PROTECTIVE_FOLLOW_UP.test(last.text)) {
    result = { ...worst.assessment, risk: Math.max(last.assessment.risk, worst.assessment.risk * 0.98), turnIndex: worst.index };
    attacks.add('multi_turn_escalation');
    reasons.unshift(`last turn refers back to an earlier harmful request (message ${worst.index})`, ...worst.assessment.reasons);
  } else if (priorFlagged && result.risk >= PERSISTENT && !PROTECTIVE_FOLLOW_UP.test(last.text)) {
    result = { ...worst.assessment, risk: Math.max(result.risk, worst.assessment.risk * 0.9), turnIndex: last.index };
    attacks.add('multi_turn_escalation');
    reasons.unshift(`the conversation keeps pursuing an earlier harmful request (message ${worst.index})`, ...worst.assessment.reasons);
  } else if (result.risk >= BORDERLINE) {
    const recent = assessed.slice(-3);
    const joined = assessText(recent.map((turn) => turn.text).join('\n'));
    if (joined.risk > result.risk) {
      result = { ...joined, turnIndex: last.index };
      reasons.unshift('the last turns read together are riskier than the last one alone (crescendo)', ...joined.reasons);
      if (joined.risk >= threshold && last.assessment.risk < threshold) attacks.add('multi_turn_escalation');
      result = { ...result, attacks: Array.from(attacks) };
    }
  }
  if (result.risk < worst.assessment.risk * CARRY_OVER) {
    result = { ...result, risk: Math.round(worst.assessment.risk * CARRY_OVER * 10_000) / 10_000 };
    reasons.push(`an earlier turn (message ${worst.index}) was risky (${worst.assessment.risk.toFixed(2)})`);
  }
  if (result.risk < DRIFT_RISK && driftsToHarmfulIntent(assessed.map((turn) => turn.text))) {
    result = { ...result, risk: DRIFT_RISK };
    attacks.add('multi_turn_escalation');
    reasons.unshift('the conversation drifts to a means of harm with concealment or a covert victim (harmful-intent drift)');
  }
  if (result.risk >= DIMENSION_FLOOR && result.dimension === 'benign') result = { ...result, ...scorer.classifyHarm(assessed.map((turn) => turn.text).join('\n')) };
  return { ...result, attacks: Array.from(attacks), reasons: Array.from(new Set(reasons)) };
}
