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
 * the request ("I can't help…", "The user asks…") do not fire. Traditional Chinese is read in
 * simplified characters (the cues' script). Each call costs time linear in the length of the text it is given.
 */
import type { AnswerSignals, SafetySpec } from '../spec/safety-spec-schema.js';
import { simplifyChinese } from './detect/simplify-chinese.js';
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
  cues: string[];
  prohibitionsCount: boolean;
  hazard: AnswerHazard;
}

interface CompiledSignals {
  cues: Map<string, RegExp[]>;
  dangerous: CompiledRule[];
  compliance: Map<string, CompiledRule[]>;
}

const compiledBySpec = new WeakMap<AnswerSignals, CompiledSignals>();

/** Compiles the cues once per spec. Case-insensitive without the `u` flag: the cues need no Unicode
 * classes, and V8's Unicode case folding made every test an order of magnitude slower. */
function compile(signals: AnswerSignals): CompiledSignals {
  const cached = compiledBySpec.get(signals);
  if (cached) return cached;
  const cues = new Map(Object.entries(signals.cues).map(([name, sources]) => [name, sources.map((source) => new RegExp(source, 'i'))]));
  const known = (names: string[]): string[] => {
    for (const name of names) if (!cues.has(name)) throw new Error(`answer signals: unknown cue ${name}`);
    return names;
  };
  const compiled: CompiledSignals = {
    cues,
    dangerous: signals.dangerous.map((rule) => ({
      cues: known(rule.allOf),
      prohibitionsCount: rule.prohibitionsCount,
      hazard: { kind: 'dangerous_content', rule: rule.id, mechanism: rule.mechanism, reason: rule.reason },
    })),
    compliance: new Map(
      Object.entries(signals.compliance).map(([mechanism, rules]) => [
        mechanism,
        rules.map((rule) => ({
          cues: known(rule.allOf),
          prohibitionsCount: rule.prohibitionsCount,
          hazard: { kind: 'compliance' as const, rule: `compliance:${mechanism}`, mechanism, reason: rule.reason },
        })),
      ]),
    ),
  };
  compiledBySpec.set(signals, compiled);
  return compiled;
}

/** The mechanisms whose compliance rules apply after `steer`. */
export function complianceMechanisms(context: AnswerCheckContext, spec: SafetySpec): string[] {
  if (context.mechanism !== null) return [context.mechanism];
  return spec.mechanisms.filter((mechanism) => mechanism.dimensions.some((dimension) => dimension === context.dimension)).map((mechanism) => mechanism.id);
}

/** A segment that ended at a semicolon: the next one is another clause of the same sentence. */
const SEMICOLON_END = /[;；]\s*$/;

/** Whether a segment can hold any cue at all: words separated by spaces, or Han text. */
const HAS_WORDS = /\S\s+\S|[\u3400-\u9fff]/;

export function createAnswerCheck(spec: SafetySpec, context: AnswerCheckContext): AnswerCheck {
  const signals = compile(spec.answerSignals);
  const complianceRules =
    context.requestAction === 'steer' ? complianceMechanisms(context, spec).flatMap((mechanism) => signals.compliance.get(mechanism) ?? []) : [];
  /** Each cue is tested at most once per segment; the last segment's results are kept for the next call's context. */
  const memo = (text: string) => {
    const results = new Map<string, boolean>();
    return (cue: string): boolean => {
      let result = results.get(cue);
      if (result === undefined) {
        result = (signals.cues.get(cue) ?? []).some((pattern) => pattern.test(text));
        results.set(cue, result);
      }
      return result;
    };
  };
  let last: { text: string; has: (cue: string) => boolean } = { text: '', has: () => false };
  return (written, writtenPrevious) => {
    if (!HAS_WORDS.test(written)) return undefined;
    // The cues are written in simplified characters: an answer in traditional ones is read in them, as the
    // input check reads a request ("把藥磨成粉偷偷拌進她的粥裡" passed while its simplified form was cut).
    const sentence = simplifyChinese(written);
    const previous = simplifyChinese(writtenPrevious);
    const has = memo(sentence);
    const before = previous === last.text ? last.has : memo(previous);
    last = { text: sentence, has };
    const exempt = (rule: CompiledRule): boolean => isSafetyStatement(sentence) || (!rule.prohibitionsCount && has('prohibition'));
    // Plainly dangerous content must be stated within one sentence — clauses joined by a semicolon are one sentence
    // ("Grind four into a powder and stir it into her cocoa; she won't notice", probing round 6), unless the clause
    // before is a prohibition or a refusal.
    const sameSentence = SEMICOLON_END.test(previous) && !before('prohibition') && !isSafetyStatement(previous);
    for (const rule of signals.dangerous) {
      const fires = rule.cues.every(has) || (sameSentence && rule.cues.every((cue) => has(cue) || before(cue)));
      if (fires && !exempt(rule)) return rule.hazard;
    }
    if (complianceRules.length === 0) return undefined;
    // Compliance may be split over two sentences ("Crush three tablets. Stir them into her tea."):
    // every cue in this sentence or in the one before, unless that one was a prohibition or a refusal.
    const usePrevious = previous.trim() !== '' && !before('prohibition') && !isSafetyStatement(previous);
    for (const rule of complianceRules) {
      const fires = rule.cues.every(has) || (usePrevious && rule.cues.every((cue) => has(cue) || before(cue)));
      if (fires && !exempt(rule)) return rule.hazard;
    }
    return undefined;
  };
}
