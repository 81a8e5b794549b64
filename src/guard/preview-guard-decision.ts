/**
 * The guard's input decision without calling a model: the verdict plus the texts SafeMed would
 * show (emergency guidance, templated refusal, disclaimer) or send (steering system prompt).
 * Used by `safemed guard check|scan` and by evaluations of the guard alone.
 */
import type { ChatMessage } from '../core/chat.js';
import { silentLogger } from '../core/logger.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { checkInput, disclaimerDimension, emergencyNoticeFor } from './check-input.js';
import { composeGuardInstruction } from './compose-guard-instruction.js';
import { composeDisclaimer, composeRefusal } from './compose-guard-texts.js';
import type { GuardOptions, GuardVerdict } from './guard-types.js';
import { loadDefaultAssessor } from './load-default-assessor.js';
import type { ReplyLanguage } from './reply-language.js';
import { DEFAULT_GUARD_POLICY } from './policy.js';

export interface GuardPreview {
  verdict: GuardVerdict;
  language: ReplyLanguage;
  /** Emergency guidance shown first (escalate). */
  emergency?: string;
  /** The templated refusal shown instead of a model answer (block, or escalate at block level). */
  refusal?: string;
  /** The disclaimer appended to the model's answer (caution, escalate). */
  disclaimer?: string;
  /** The system prompt the model would get (steer, escalate). */
  steerSystemPrompt?: string;
}

export async function previewGuardDecision(messages: ChatMessage[], options: GuardOptions = {}, signal?: AbortSignal): Promise<GuardPreview> {
  const spec = options.spec ?? loadSafetySpec();
  const policy = options.policy ?? DEFAULT_GUARD_POLICY;
  const input = await checkInput(messages, {
    assess: options.assess ?? (await loadDefaultAssessor()),
    policy,
    llmGuard: options.llmGuard,
    failMode: options.failMode ?? 'closed',
    spec,
    logger: options.logger ?? silentLogger,
    signal,
  });
  const { verdict, language } = input;
  const preview: GuardPreview = { verdict, language };
  if (verdict.action === 'escalate') preview.emergency = emergencyNoticeFor(input, spec);
  if (input.followUp === 'block') {
    preview.refusal = composeRefusal(verdict.dimension, language, spec, input.mechanism);
    return preview;
  }
  const instruction = composeGuardInstruction(input, policy.input.steer, spec);
  if (instruction !== undefined) preview.steerSystemPrompt = instruction;
  if ((options.disclaimers ?? true) && (verdict.action === 'caution' || verdict.action === 'escalate' || input.followUp === 'caution')) {
    preview.disclaimer = composeDisclaimer(disclaimerDimension(input, verdict.dimension), language, spec);
  }
  return preview;
}
