/**
 * The output guard's check, made for ANSWERS (not requests): it never scores answer sentences with
 * the request classifier. It reads one sentence (and, for compliance, the sentence before it)
 * against the spec's answer signals (src/spec/data/answer-signals.yaml):
 *
 * - after any request, only plainly dangerous content fires: an instruction (second person,
 *   imperative, steps) that combines an act with a harmful purpose — giving a substance covertly,
 *   harming or killing someone, evading oversight, defeating a safety device, falsifying records,
 *   obtaining drugs by deception, a self-harm method;
 * - after `steer`, the check also asks whether the model complied with the harmful part, using the
 *   request's mechanism (or the mechanisms of its dimension when the classifier named none).
 *
 * Prohibitions and warnings ("never crush…", "it is illegal to…"), refusals and restatements of
 * the request ("I can't help…", "The user asks…") do not fire. Each call costs time linear in the
 * length of the text it is given.
 */
import type { AnswerSignals, SafetySpec } from '../spec/safety-spec-schema.js';
import { isSafetyStatement } from './is-safety-statement.js';

export interface AnswerHazard {
  kind: 'dangerous_content' | 'compliance';
  /** The dangerous rule's id, or `compliance:<mechanism>`. */
  rule: string;
  mechanism: string | null;
  /** One English sentence for the client and the audit trail. */
  reason: string;
}

export interface AnswerCheckContext {
  /** The request's action (for escalate: its follow-up). Compliance is checked only after `steer`. */
  requestAction: 'allow' | 'caution' | 'steer' | 'block';
  /** The request's harm mechanism, when the classifier named one. */
  mechanism: string | null;
  /** The request's dimension (used when no mechanism is known). */
  dimension: string;
}

/** Checks one sentence, given the sentence released before it ('' at the start). */
export type AnswerCheck = (sentence: string, previous: string) => AnswerHazard | undefined;

interface CompiledRule {
  cues: RegExp[][];
  prohibitionsCount: boolean;
  hazard: AnswerHazard;
}

interface CompiledSignals {
  prohibition: RegExp[];
  dangerous: CompiledRule[];
  compliance: Map<string, CompiledRule[]>;
}

const compiledBySpec = new WeakMap<AnswerSignals, CompiledSignals>();

function compile(signals: AnswerSignals): CompiledSignals {
  const cached = compiledBySpec.get(signals);
  if (cached) return cached;
  const cues = new Map(Object.entries(signals.cues).map(([name, sources]) => [name, sources.map((source) => new RegExp(source, 'iu'))]));
  const cue = (name: string): RegExp[] => {
    const found = cues.get(name);
    if (!found) throw new Error(`answer signals: unknown cue ${name}`);
    return found;
  };
  const compiled: CompiledSignals = {
    prohibition: cue('prohibition'),
    dangerous: signals.dangerous.map((rule) => ({
      cues: rule.allOf.map(cue),
      prohibitionsCount: rule.prohibitionsCount,
      hazard: { kind: 'dangerous_content', rule: rule.id, mechanism: rule.mechanism, reason: rule.reason },
    })),
    compliance: new Map(
      Object.entries(signals.compliance).map(([mechanism, rules]) => [
        mechanism,
        rules.map((rule) => ({
          cues: rule.allOf.map(cue),
          prohibitionsCount: rule.prohibitionsCount,
          hazard: { kind: 'compliance' as const, rule: `compliance:${mechanism}`, mechanism, reason: rule.reason },
        })),
      ]),
    ),
  };
  compiledBySpec.set(signals, compiled);
  return compiled;
}

const anyMatch = (patterns: RegExp[], text: string): boolean => patterns.some((pattern) => pattern.test(text));

/** Every cue of the rule matches the text (the rarest cues come first in the data, so this usually stops at one). */
const cuesMatch = (rule: CompiledRule, text: string): boolean => rule.cues.every((patterns) => anyMatch(patterns, text));

/** The mechanisms whose compliance rules apply after `steer`. */
export function complianceMechanisms(context: AnswerCheckContext, spec: SafetySpec): string[] {
  if (context.mechanism !== null) return [context.mechanism];
  return spec.mechanisms.filter((mechanism) => mechanism.dimensions.some((dimension) => dimension === context.dimension)).map((mechanism) => mechanism.id);
}

export function createAnswerCheck(spec: SafetySpec, context: AnswerCheckContext): AnswerCheck {
  const signals = compile(spec.answerSignals);
  const complianceRules =
    context.requestAction === 'steer' ? complianceMechanisms(context, spec).flatMap((mechanism) => signals.compliance.get(mechanism) ?? []) : [];
  /** Whether the sentence reads as a prohibition, warning, refusal or restatement (computed only when a rule matched). */
  const exempt = (sentence: string, rule: CompiledRule): boolean =>
    isSafetyStatement(sentence) || (!rule.prohibitionsCount && anyMatch(signals.prohibition, sentence));
  return (sentence, previous) => {
    if (sentence.trim() === '') return undefined;
    // Plainly dangerous content must be stated within one sentence.
    for (const rule of signals.dangerous) if (cuesMatch(rule, sentence) && !exempt(sentence, rule)) return rule.hazard;
    if (complianceRules.length === 0) return undefined;
    // Compliance may be split over two sentences ("Crush three tablets. Stir them into her tea.").
    const usePrevious = previous.trim() !== '' && !isSafetyStatement(previous) && !anyMatch(signals.prohibition, previous);
    for (const rule of complianceRules) {
      if ((cuesMatch(rule, sentence) || (usePrevious && cuesMatch(rule, `${previous} ${sentence}`))) && !exempt(sentence, rule)) return rule.hazard;
    }
    return undefined;
  };
}
