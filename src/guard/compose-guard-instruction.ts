/**
 * The system instruction the guard adds for one request, from its input check: the steering prompt
 * (with the mechanism's own line) on `steer`, the fail-closed prompt when the check could not run
 * and nothing harmful was found, the emergency prompt on `escalate` (followed by the steering
 * prompt when the follow-up is steer). Undefined for allow, caution and block.
 */
import type { SafetySpec } from '../spec/safety-spec-schema.js';
import type { InputCheck } from './check-input.js';
import { composeEscalateSystemPrompt, composeFailClosedSystemPrompt, composeSteerSystemPrompt } from './compose-guard-texts.js';

export function composeGuardInstruction(input: InputCheck, steerThreshold: number, spec: SafetySpec): string | undefined {
  const { verdict, language } = input;
  const steer =
    input.followUp !== 'steer'
      ? undefined
      : input.checkFailed && (verdict.dimension === 'benign' || verdict.risk < steerThreshold)
        ? composeFailClosedSystemPrompt(language, spec)
        : composeSteerSystemPrompt(verdict.dimension, verdict.principle, language, spec, input.mechanism);
  if (verdict.action !== 'escalate') return steer;
  const escalate = composeEscalateSystemPrompt(input.emergency, language, spec, input.emergencyForSomeoneElse === true);
  return steer === undefined ? escalate : `${escalate}\n\n${steer}`;
}
