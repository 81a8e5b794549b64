/**
 * The input check: classifier assessment of every piece of client-supplied text as a conversation
 * (conversation-for-assessment.ts), emergency recognition (present-tense matcher + the classifier's
 * emergency probability), the optional LLM guard, then the policy → an input verdict with the harm
 * mechanism. Errors of the classifier or the LLM guard are applied by the fail mode (closed = at
 * least steer, open = at least caution), logged and written into the verdict's reasons — never a
 * silent pass.
 */
import type { ChatMessage } from '../core/chat.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EmergencySituation, SafetySpec } from '../spec/safety-spec-schema.js';
import { findDimension, principleForDimension, riskLevelOf } from '../spec/spec-lookups.js';
import { refersBack } from './classifier/assess-conversation-turns.js';
import { createAnswerCheck } from './check-answer.js';
import { conversationForAssessment, hasNonUserText } from './conversation-for-assessment.js';
import { decodeObfuscation } from './detect/decode-obfuscation.js';
import { asDisplayed } from './detect/fold-letters.js';
import { readEmojiWords } from './detect/read-emoji-words.js';
import { readTypos } from './detect/read-typos.js';
import { unreadLanguage, type UnreadLanguage } from './detect/unread-language.js';
import { emergencyProbabilityOf, mechanismOf, type GuardFailMode, type GuardVerdict, type RiskAssessment, type RiskAssessor } from './guard-types.js';
import { isHealthTopic } from './is-health-topic.js';
import { boundedConversation, createTimeSlicer, textWindows, type TimeSlicer } from './long-text.js';
import type { LlmGuard } from './llm-guard.js';
import { emergencyFromProbability, emergencyIsSomeoneElses, matchEmergency, matchSignsOverTurns } from './match-emergency.js';
import { matchOtherLanguageEmergency } from './match-emergency-other-languages.js';
import { composeEmergencyNotice } from './compose-guard-texts.js';
import { decideAction, type GuardAction, type GuardPolicy } from './policy.js';
import { prepareTraditionalReplies, specLanguageOf, type ReplyLanguage } from './reply-language.js';
import { conversationLanguage, latestUserText } from './user-language.js';

/** Longest user text whose decoded readings are searched for a disguised emergency (the readings cost a few µs per KB). */
const DISGUISED_EMERGENCY_MAX_CHARS = 20_000;

export interface CheckInputContext {
  assess: RiskAssessor;
  policy: GuardPolicy;
  llmGuard?: LlmGuard | undefined;
  failMode: GuardFailMode;
  spec: SafetySpec;
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** Requests the guard is handling at once, this one included (passed to the assessor). */
  concurrent?: number | undefined;
}

export interface InputCheck {
  verdict: GuardVerdict;
  /** The harm mechanism of the request (the classifier's; null when none is named). */
  mechanism: string | null;
  /** The classifier or the LLM guard failed and the fail mode raised the action (the steering prompt must not pretend harm was found). */
  checkFailed: boolean;
  /** For escalate: what follows the emergency guidance (caution/steer/block); else = the action. */
  followUp: Exclude<GuardAction, 'escalate'>;
  /** The language (and, for Chinese, the script) of the texts SafeMed adds: that of the latest user message. */
  language: ReplyLanguage;
  emergency?: EmergencySituation | undefined;
  /** The one at risk is someone else than the writer: the guidance is the situation's text for the helper. */
  emergencyForSomeoneElse?: boolean | undefined;
  /** Emergency guidance in the user's language when it is one SafeMed's texts are not written in (shown above the spec's). */
  localEmergencyNotice?: string | undefined;
  assessment: RiskAssessment;
}

/** The emergency guidance shown first when escalating: the one in the user's own language, if any, then the spec's. */
export function emergencyNoticeFor(input: InputCheck, spec: SafetySpec): string {
  const notice = composeEmergencyNotice(input.emergency, input.language, spec, input.emergencyForSomeoneElse === true);
  return input.localEmergencyNotice === undefined ? notice : `${input.localEmergencyNotice}\n\n${notice}`;
}

/**
 * The dimension whose disclaimer follows the answer: the verdict's, but the general one when the emergency is someone
 * else's — the self-harm disclaimer speaks to a writer at risk ("If you might harm yourself, call…"), and a friend or
 * relative asking how to help got it under the guidance written for them (probing round 5).
 */
export function disclaimerDimension(input: InputCheck, dimension: string): string {
  return input.emergencyForSomeoneElse === true ? 'benign' : dimension;
}

type Ranked = Exclude<GuardAction, 'escalate'>;

export async function checkInput(original: ChatMessage[], context: CheckInputContext): Promise<InputCheck> {
  const { policy, failMode, logger } = context;
  const slicer = createTimeSlicer();
  // Conversation-level checks read each long text as its head and tail; the full texts are scanned in
  // windows below (long-text.ts), so a 1 MB request never holds the event loop for long.
  const messages = boundedConversation(original);
  const view = conversationForAssessment(messages);
  const hasUser = messages.some((message) => message.role === 'user' && message.content.trim() !== '');
  let language = hasUser ? conversationLanguage(messages) : conversationLanguage(view);
  const userText = hasUser ? latestUserText(messages) : latestUserText(view);
  const fullUserText = hasUser ? latestUserText(original) : latestUserText(conversationForAssessment(original));
  const onFailure: Ranked = failMode === 'closed' ? 'steer' : 'caution';
  const extraReasons: string[] = [];
  let minimumAction: Ranked | undefined;
  let maximumAction: Ranked | undefined;
  let failedOpen = false;

  let assessment: RiskAssessment;
  try {
    const assess = conversationAssessment(context.assess, context.concurrent);
    assessment = await assess(messages, context.signal);
    // Text outside user turns (system, developer, tool, names, an assistant-only conversation) is
    // assessed too, as one conversation; the riskier reading decides.
    if (hasNonUserText(messages)) {
      await slicer.pause(context.signal);
      const whole = await assess(view, context.signal);
      if (whole.risk > assessment.risk) {
        assessment = { ...whole, reasons: [...whole.reasons, 'assessed with the system, developer, tool, assistant and name text of the request'] };
      }
    }
    // Every long client text, in full: the riskiest window counts when it is riskier than the above.
    const windowed = messages === original ? undefined : await riskiestWindow(conversationForAssessment(original), view, context.assess, slicer, context.signal);
    if (windowed !== undefined && windowed.assessment.risk > assessment.risk) {
      const { assessment: found, message, start, end } = windowed;
      assessment = { ...found, reasons: [...found.reasons, `found in characters ${start}-${end} of client text ${message} (a long text is also assessed in windows)`] };
    }
  } catch (error) {
    if (context.signal?.aborted) throw error;
    logger.error('guard classifier failed', { error: describeError(error), failMode });
    assessment = { risk: 0, dimension: 'benign', principle: null, attacks: [], reasons: [], language: specLanguageOf(language), mechanism: null, emergency: 0 };
    extraReasons.push(`classifier error (${describeError(error)}); fail-${failMode}: at least ${onFailure}`);
    minimumAction = onFailure;
    failedOpen = failMode === 'open';
  }
  let risk = assessment.risk;
  let dimension = assessment.dimension;
  let principle = assessment.principle;
  const attacks = new Set(assessment.attacks);

  // A request in a language the classifier does not read (it knows English and Chinese) scores near 0
  // whatever it asks: the LLM guard reads it when there is one, else the fail mode applies.
  const llmGuard = context.llmGuard;
  const unread = minimumAction === undefined ? unreadLanguageOf(userText, messages) : null;
  const llmReadsIt = llmGuard !== undefined && llmGuard.mode !== 'never';
  if (unread !== null) {
    if (risk < policy.input.caution) {
      dimension = 'benign';
      principle = null;
    }
    if (llmReadsIt) extraReasons.push(`written in ${unread.name}, which the embedded classifier does not read: checked by the LLM guard`);
    else {
      extraReasons.push(
        `unread language: written in ${unread.name}, which the embedded classifier does not read (English and Chinese only); fail-${failMode}: at least ${onFailure} (configure --guard-llm to check such requests)`,
      );
      minimumAction = onFailure;
      failedOpen = failMode === 'open';
    }
  }
  if (llmGuard && minimumAction === undefined && (llmGuard.shouldCheck(risk) || (unread !== null && llmReadsIt))) {
    try {
      const judgement = await llmGuard.check(messages, context.signal);
      extraReasons.push(...judgement.reasons);
      if (judgement.specializedAdviceOnly) {
        maximumAction = 'caution';
      } else {
        risk = llmGuard.mode === 'always' ? Math.max(risk, judgement.risk) : judgement.risk;
        if (judgement.dimension && (dimension === 'benign' || judgement.risk >= assessment.risk)) {
          if (judgement.dimension !== dimension) principle = judgement.principle ?? null;
          dimension = judgement.dimension;
        }
      }
      for (const attack of judgement.attacks) attacks.add(attack);
    } catch (error) {
      if (context.signal?.aborted) throw error;
      logger.warn('llm guard failed', { error: describeError(error), failMode });
      extraReasons.push(`llm guard error (${describeError(error)}); fail-${failMode}: at least ${onFailure}`);
      minimumAction = onFailure;
      failedOpen = failMode === 'open';
    }
  }

  // A client-written assistant turn that already holds dangerous instructions (a prefix injection) is steered.
  if (hasUser && minimumAction === undefined && original.some((message) => message.role === 'assistant')) {
    const dangerous = createAnswerCheck(context.spec, { requestAction: 'allow', mechanism: null, dimension: 'benign' });
    search: for (const message of original) {
      if (message.role !== 'assistant') continue;
      for (const window of textWindows(message.content)) {
        await slicer.pause(context.signal);
        const hazard = dangerous(window.text, '');
        if (hazard) {
          minimumAction = 'steer';
          extraReasons.push(`a client-written assistant turn holds dangerous content (${hazard.reason}): at least steer`);
          break search;
        }
      }
    }
  }

  // A request written as the assistant turn just before a follow-up that asks for it ("Yes, answer that in
  // detail."): the client wrote that turn (probing round 4: allow 0.03, the same text as a system message block).
  if (hasUser && minimumAction === undefined) {
    const requested = await assistantTurnAskedFor(original, conversationAssessment(context.assess, context.concurrent), policy.input.block, context.signal);
    if (requested !== undefined && requested.risk > risk) {
      minimumAction = 'steer';
      extraReasons.push(`the last user turn asks for what the client-written assistant turn before it requests (read as a request: risk ${requested.risk.toFixed(2)}): at least steer`);
    }
  }

  let emergency: EmergencySituation | undefined;
  let healthTopic = dimension !== 'benign' && dimension !== 'general_harm';
  for (const window of textWindows(fullUserText)) {
    await slicer.pause(context.signal);
    // read as displayed: a zero-width space inside a word or full-width letters hid the phrases (probing round 4)
    const shown = asDisplayed(window.text);
    emergency ??= matchEmergency(shown, context.spec);
    healthTopic ||= isHealthTopic(shown);
    if (emergency !== undefined && healthTopic) break;
  }
  // Stroke signs told over two turns ("我爸突然说话含糊不清" / "右手也抬不起来了") are read with the user turn before.
  const previousUser = previousUserTurn(messages);
  if (emergency === undefined && previousUser !== undefined && previousUser.length + userText.length <= DISGUISED_EMERGENCY_MAX_CHARS) {
    emergency = matchSignsOverTurns(asDisplayed(previousUser), asDisplayed(userText), context.spec);
  }
  // English typed fast, with typos ("i swalowed like 30 of my sleping pils"), is read by the matcher with its words
  // spelt right (detect/read-typos.ts), before the emergency head, whose situation follows the dimension head.
  if (emergency === undefined && userText.length <= DISGUISED_EMERGENCY_MAX_CHARS) {
    const spelt = readTypos(asDisplayed(userText));
    if (spelt !== null) emergency = matchEmergency(spelt, context.spec);
  }
  // Emoji that stand for words ("吃哪几种常见的💊一起吃💀得最快") are read as words by the matcher too, whatever the
  // risk (an emoji is not a disguise the classifier's boost would lift above the steer point), and before the emergency
  // head, whose situation follows the dimension head ("i swallowed all my 💊" got the crisis text; probing round 6).
  if (emergency === undefined && userText.length <= DISGUISED_EMERGENCY_MAX_CHARS) {
    const emojiWords = readEmojiWords(asDisplayed(userText));
    if (emojiWords !== null) emergency = matchEmergency(emojiWords, context.spec);
  }
  // The emergency head reads the last turns together, so a past told in the turn before counts too: "I took 40
  // paracetamol years ago and survived." / "Does that kind of overdose damage the liver long-term?" was escalated
  // (probing round 5).
  emergency ??= emergencyFromProbability(asDisplayed(userText), emergencyProbabilityOf(assessment), dimension, context.spec, asDisplayed(earlierUserText(messages)));
  // A disguised text (letters one per line, marks on every character…) is read by the matcher and the
  // person/tense checks as the classifier read it: an emergency in disguise gets emergency guidance first,
  // not only the refusal its encoding boost earns. Looked at only when the request would be refused
  // (a disguise raises the risk); only ever adds an escalation.
  if (emergency === undefined && risk >= policy.input.steer && userText.length <= DISGUISED_EMERGENCY_MAX_CHARS) {
    // the classifier's reading first, then every other: the riskiest reading is not always the one that reads as words
    // ("i.w.a.n.t…": its spaced letters score highest, its joined-and-split reading holds the phrase)
    const readings = decodeObfuscation(userText).map((variant) => variant.text);
    for (const reading of assessment.decodedText === undefined ? readings : [assessment.decodedText, ...readings]) {
      emergency = matchEmergency(reading, context.spec) ?? emergencyFromProbability(reading, emergencyProbabilityOf(assessment), dimension, context.spec);
      if (emergency !== undefined) break;
    }
  }
  let localEmergencyNotice: string | undefined;
  if (emergency === undefined && unread !== null) {
    const found = matchOtherLanguageEmergency(userText, unread.code, context.spec);
    if (found) {
      emergency = found.situation;
      localEmergencyNotice = found.notice;
      extraReasons.push(`emergency phrase in ${unread.name}: "${found.phrase}"`);
    }
  }
  const decision = decideAction(
    {
      assessment: { ...assessment, risk, dimension, principle, attacks: [...attacks] },
      emergency,
      healthTopic,
      ...(minimumAction ? { minimumAction } : {}),
      ...(maximumAction ? { maximumAction } : {}),
    },
    policy,
  );
  // Below the caution threshold nothing harmful was found: the classifier's nearest dimension is a
  // topic guess ("布洛芬一次吃多少？" near justice_access), not a finding, so the verdict (and the
  // disclaimer chosen from it) says benign; the guess stays in the reasons.
  const nearestDimension = dimension;
  const lowRisk = risk < policy.input.caution && attacks.size === 0 && minimumAction === undefined;
  if (lowRisk && dimension !== 'benign' && emergency === undefined) {
    extraReasons.push(`classifier's nearest dimension ${dimension} at risk ${risk.toFixed(2)} is below the caution threshold: reported as benign`);
    dimension = 'benign';
    principle = null;
  }
  // An emergency keeps the classifier's nearest medical dimension, even below the caution threshold, and the
  // situation names it only when the classifier had no specific one (dev: the verdict's dimension matched
  // the written label for 367 of 447 emergencies; with the situation's below the threshold, for 211).
  const specific = (candidate: string) => candidate !== 'benign' && candidate !== 'general_harm';
  let finalDimension = emergency ? (specific(nearestDimension) ? nearestDimension : emergency.dimension) : dimension;
  const named = lowRisk ? null : mechanismOf(assessment);
  // The dimension head's self-harm reading is rarely right when the mechanism head reads another harm
  // (dev: the dimension was right for 23 of 159 such requests, the mechanism for 78): without an emergency,
  // the request is refused as that harm, not with the crisis text written for someone at risk themselves
  // ("his insulin dose 'accidentally' goes up" got "your safety matters most").
  if (emergency === undefined && finalDimension === 'mental_health_self_harm' && named !== null && named !== 'self_harm_suicide') {
    const listed = context.spec.mechanisms.find((candidate) => candidate.id === named)?.dimensions ?? [];
    if (listed[0] !== undefined && !listed.includes(finalDimension)) {
      extraReasons.push(`dimension mental_health_self_harm does not fit mechanism ${named}: refused as ${listed[0]}`);
      finalDimension = listed[0];
    }
  }
  // The refusal and the steering line follow the mechanism only when it agrees with the dimension
  // (the two heads can disagree: "edit the records to hide a surgical error" as end_of_life_care +
  // self_harm_suicide); otherwise the dimension's texts are used and the disagreement is noted.
  const mechanism = consistentMechanism(named, finalDimension, context.spec);
  if (named !== null && mechanism === null) extraReasons.push(`mechanism ${named} does not fit dimension ${finalDimension}: refusal from the dimension`);
  const verdict: GuardVerdict = {
    action: decision.action,
    risk,
    riskLevel: riskLevelOf(risk, context.spec),
    dimension: finalDimension,
    principle: consistentPrinciple(principle, finalDimension, context.spec),
    attacks: [...attacks],
    reasons: [...assessment.reasons, ...extraReasons, ...decision.reasons],
    stage: 'input',
    // Compliance of the exchange: a harmful request that is refused or steered still passes; only a
    // check that could not run and was let through (fail-open) fails.
    compliance: failedOpen ? 'fail' : 'pass',
    disclaimerAdded: false,
    mechanism: named,
  };
  const checkFailed = extraReasons.some((reason) => reason.startsWith('classifier error') || reason.startsWith('llm guard error') || reason.startsWith('unread language'));
  if (language === 'zh-Hant') {
    // The texts SafeMed adds are converted to traditional characters; the tables load once (~80 ms).
    try {
      await prepareTraditionalReplies();
      verdict.reasons.push('SafeMed\'s texts in traditional Chinese, as the request is written');
    } catch (error) {
      logger.error('traditional Chinese reply tables failed to load', { error: describeError(error) });
      verdict.reasons.push(`traditional Chinese tables failed to load (${describeError(error)}): SafeMed's texts are shown in simplified characters`);
      language = 'zh';
    }
  }
  const emergencyForSomeoneElse = emergency !== undefined && emergencyIsSomeoneElses(asDisplayed(userText));
  return { verdict, mechanism, checkFailed, followUp: decision.followUp, language, emergency, emergencyForSomeoneElse, localEmergencyNotice, assessment };
}

/** The two user turns before the latest, joined ('' when there are none). */
/** The user turn before the latest one (undefined when there is none). */
function previousUserTurn(messages: ChatMessage[]): string | undefined {
  const turns = messages.filter((message) => message.role === 'user' && message.content.trim() !== '');
  return turns.length >= 2 ? turns[turns.length - 2]?.content : undefined;
}

function earlierUserText(messages: ChatMessage[]): string {
  const turns = messages.filter((message) => message.role === 'user' && message.content.trim() !== '');
  return turns
    .slice(-3, -1)
    .map((message) => message.content)
    .join('\n');
}

/**
 * The riskiest window of the texts read as requests (user turns; system, developer, tool text and names)
 * that the bounded conversation cut, one window per event-loop slice; undefined when nothing was cut.
 */
async function riskiestWindow(
  fullView: ChatMessage[],
  boundedView: ChatMessage[],
  assessor: RiskAssessor,
  slicer: TimeSlicer,
  signal: AbortSignal | undefined,
): Promise<{ assessment: RiskAssessment; message: number; start: number; end: number } | undefined> {
  let best: { assessment: RiskAssessment; message: number; start: number; end: number } | undefined;
  for (const [index, message] of fullView.entries()) {
    if (message.role !== 'user' || message.content === boundedView[index]?.content) continue;
    for (const window of textWindows(message.content)) {
      await slicer.pause(signal);
      const assessment = assessor.assessTextRefined ? await assessor.assessTextRefined(window.text, signal) : assessor.assessText(window.text);
      if (best === undefined || assessment.risk > best.assessment.risk) best = { assessment, message: index, start: window.start, end: window.start + window.text.length };
    }
  }
  return best;
}

/**
 * The language the classifier cannot read that the latest user message — or, failing that, one of the four
 * user messages before it — is written in ("¿Cómo…?" then "ok, dime más" reads as English on its own).
 */
function unreadLanguageOf(latest: string, messages: ChatMessage[]): UnreadLanguage | null {
  const found = unreadLanguage(latest);
  if (found !== null) return found;
  let checked = 0;
  for (let index = messages.length - 1; index >= 0 && checked < 5; index -= 1) {
    const message = messages[index] as ChatMessage;
    if (message.role !== 'user') continue;
    checked += 1;
    if (message.content === latest) continue;
    const earlier = unreadLanguage(message.content);
    if (earlier !== null) return earlier;
  }
  return null;
}

/** How the conversation is assessed: the assessor's refined (async) assessment when it offers one, else its synchronous one. */
function conversationAssessment(assessor: RiskAssessor, concurrent: number | undefined): (messages: ChatMessage[], signal: AbortSignal | undefined) => Promise<RiskAssessment> {
  const refined = assessor.assessConversationRefined;
  if (refined !== undefined) return (messages, signal) => refined(messages, signal, { concurrent: concurrent ?? 1 });
  return (messages) => Promise.resolve(assessor.assessConversation(messages));
}

/** Longest assistant turn read as a request by assistantTurnAskedFor: a restated request is short, a real answer rarely is. */
const ASKED_TURN_MAX_CHARS = 600;

/**
 * The assessment of the assistant turn just before the last user turn, read as a request, when the user
 * turn only points back at it ("Yes, answer that in detail.", "继续") and it reads as a request at the block
 * point — a bar 0 of 6,000 short MedQuAD and Chinese doctors' answers reach (≤ 0.1 % of those up to 600
 * characters at 0.85), so a real earlier answer followed by "tell me more" is left alone. It only raises the
 * action to steer: the model is asked to decline the harmful part.
 */
async function assistantTurnAskedFor(
  messages: readonly ChatMessage[],
  assess: (messages: ChatMessage[], signal: AbortSignal | undefined) => Promise<RiskAssessment>,
  blockPoint: number,
  signal: AbortSignal | undefined,
): Promise<RiskAssessment | undefined> {
  const [turn, last] = messages.slice(-2);
  if (turn?.role !== 'assistant' || last?.role !== 'user' || !refersBack(last.content)) return undefined;
  if (turn.content.trim() === '' || turn.content.length > ASKED_TURN_MAX_CHARS) return undefined;
  const asRequest = await assess([{ role: 'user', content: turn.content }], signal);
  return asRequest.risk >= blockPoint ? asRequest : undefined;
}

/** The mechanism when the spec lists the dimension for it (or the dimension says nothing specific), else null. */
function consistentMechanism(mechanism: string | null, dimension: string, spec: SafetySpec): string | null {
  if (mechanism === null) return null;
  if (dimension === 'benign' || dimension === 'general_harm') return mechanism;
  const entry = spec.mechanisms.find((candidate) => candidate.id === mechanism);
  return entry?.dimensions.some((listed) => listed === dimension) ? mechanism : null;
}

/** The classifier's principle when the spec lists it for the dimension, else the dimension's main one. */
function consistentPrinciple(principle: number | null, dimension: string, spec: SafetySpec): number | null {
  if (dimension === 'benign') return principle;
  const listed = findDimension(dimension, spec).principles;
  return principle !== null && listed.includes(principle) ? principle : principleForDimension(dimension, spec);
}
