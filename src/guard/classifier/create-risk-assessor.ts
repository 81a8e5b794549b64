/**
 * Turns a loaded guard model into `assessText`: scores the whole text and, for long texts, windows of
 * a few sentences (so a harmful request inside a long jailbreak template is not diluted); re-scans
 * de-obfuscated variants; adds a bounded boost for detected wrappers; explains with top features.
 */
import { attackBoost, detectAttacks, type AttackId } from '../detect/detect-attacks.js';
import { decodeObfuscation } from '../detect/decode-obfuscation.js';
import { detectLanguage } from '../detect/detect-language.js';
import { extractFeatures, type TextFeatures } from './extract-features.js';
import {
  calibrateRisk,
  predictDimension,
  predictPrinciple,
  scoreRiskLogit,
  type FeatureContribution,
  type GuardModel,
} from './guard-model.js';
import type { RiskAssessment } from './risk-assessment.js';

export interface RiskAssessor {
  model: GuardModel;
  assessText(text: string): RiskAssessment;
  /** The dimension and principle heads on a text regardless of its risk (for conversation-level risk). */
  classifyHarm(text: string): { dimension: string; principle: number | null };
}

interface ScoredSegment {
  text: string;
  features: TextFeatures;
  logit: number;
  contributions: FeatureContribution[];
}

/** Below this calibrated risk the dimension is reported as `benign`. */
const DIMENSION_FLOOR = 0.25;
const WINDOW_MIN_WORDS = 40;
const MAX_TEXT_CHARACTERS = 20_000;

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？；;])\s*|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

function isLong(text: string): boolean {
  const words = text.split(/\s+/).length;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return words + han / 2 > WINDOW_MIN_WORDS;
}

/** Distinct windows of one or two consecutive sentences (at most 60; templates repeat themselves). */
function windowsOf(text: string): string[] {
  const sentences = splitSentences(text);
  if (sentences.length <= 1) return [];
  const windows = new Set<string>();
  for (let index = 0; index < sentences.length && windows.size < 60; index += 1) {
    windows.add(sentences[index] as string);
    const next = sentences[index + 1];
    if (next !== undefined) windows.add(`${sentences[index] as string} ${next}`);
  }
  return Array.from(windows);
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function logit(probability: number): number {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
}

function formatReason(contributions: FeatureContribution[]): string | null {
  const top = contributions
    .filter((item) => item.contribution > 0.05)
    .sort((left, right) => right.contribution - left.contribution)
    .slice(0, 3);
  if (top.length === 0) return null;
  const total = top.reduce((sum, item) => sum + item.contribution, 0);
  return `${top.map((item) => `"${item.name}"`).join(' + ')} (+${total.toFixed(1)})`;
}

export function createRiskAssessor(model: GuardModel): RiskAssessor {
  const scoreSegment = (text: string): ScoredSegment => {
    const features = extractFeatures(text);
    const score = scoreRiskLogit(model, features);
    return { text, features, logit: score.logit, contributions: score.contributions };
  };

  /**
   * Windows are scored only when a wrapper was detected: they find a harmful request inside a long
   * jailbreak template, but on ordinary long texts (exam vignettes, messy consumer messages) single
   * sentences out of context cause false positives.
   */
  const scoreBest = (text: string, wrapped: boolean): ScoredSegment => {
    let best = scoreSegment(text);
    if (wrapped && isLong(text)) {
      for (const window of windowsOf(text)) {
        const scored = scoreSegment(window);
        if (scored.logit > best.logit) best = scored;
      }
    }
    return best;
  };

  /** The content without the sentences that carry the wrapper, so the wrapper's words are not scored as harm. */
  const scoreContent = (text: string, wrapped: boolean): ScoredSegment => {
    const best = scoreBest(text, wrapped);
    if (!wrapped) return best;
    const sentences = splitSentences(text);
    const kept = sentences.filter((sentence) => detectAttacks(sentence).length === 0);
    if (kept.length === 0 || kept.length === sentences.length) return best;
    const stripped = scoreBest(kept.join(' '), true);
    return stripped.logit < best.logit ? stripped : best;
  };

  const assessText = (input: string): RiskAssessment => {
    const text = input.length > MAX_TEXT_CHARACTERS ? input.slice(0, MAX_TEXT_CHARACTERS) : input;
    const language = detectLanguage(text);
    const attacks = new Map<AttackId, string>();
    for (const match of detectAttacks(text)) attacks.set(match.attack, match.evidence);
    let best = scoreContent(text, attacks.size > 0);
    let decodedText: string | undefined;
    for (const variant of decodeObfuscation(text)) {
      const scored = scoreContent(variant.text, true);
      const strong = variant.kind === 'base64' || variant.kind === 'rot13' || variant.kind === 'reversed' || variant.kind === 'character_splitting';
      // A decoded variant only matters when it reads as more harmful than the text as written.
      if (scored.logit > best.logit + 0.5 || (strong && scored.logit > best.logit)) {
        best = scored;
        decodedText = variant.text;
        attacks.set('encoding_obfuscation', variant.kind);
        for (const match of detectAttacks(variant.text)) if (!attacks.has(match.attack)) attacks.set(match.attack, match.evidence);
      }
    }
    const baseRisk = calibrateRisk(model, best.logit, language);
    const boost = attackBoost(attacks.keys());
    const risk = boost > 0 ? sigmoid(logit(baseRisk) + boost) : baseRisk;

    let dimension = 'benign';
    let principle: number | null = null;
    if (risk >= DIMENSION_FLOOR) {
      dimension = predictDimension(model, best.features).label;
      if (dimension !== 'general_harm') principle = predictPrinciple(model, best.features).label;
    }
    const reasons: string[] = [];
    const featureReason = formatReason(best.contributions);
    if (featureReason && baseRisk >= 0.1) reasons.push(featureReason);
    for (const [attack, evidence] of attacks) reasons.push(`${attack}: "${evidence}"`);
    const assessment: RiskAssessment = {
      risk: Math.round(risk * 10_000) / 10_000,
      dimension,
      principle,
      attacks: Array.from(attacks.keys()),
      reasons,
      language,
      // TEMPORARY until the mechanism and emergency heads are trained (guard v2): no mechanism, no emergency.
      mechanism: null,
      emergency: 0,
    };
    if (decodedText !== undefined) assessment.decodedText = decodedText;
    return assessment;
  };

  const classifyHarm = (text: string): { dimension: string; principle: number | null } => {
    const features = scoreContent(text, detectAttacks(text).length > 0).features;
    const dimension = predictDimension(model, features).label;
    return { dimension, principle: dimension === 'general_harm' ? null : predictPrinciple(model, features).label };
  };

  return { model, assessText, classifyHarm };
}
