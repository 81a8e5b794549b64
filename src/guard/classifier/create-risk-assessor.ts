/**
 * Turns a loaded guard model into `assessText`. The text is split into segments at punctuation and
 * every span of up to MAX_SPAN consecutive segments is scored (features: the union of its segments');
 * the risk is the highest calibrated risk of any span, so a request inside a wrapper, a story or a long
 * template is scored on its own, exactly as it would be without the wrapper. A format-3 model's hidden
 * layer (hidden-layer.ts) is read by the heads its metadata names (v2.6: the emergency head only). De-obfuscated variants
 * (base64, rot13, leetspeak, split letters, homoglyphs) are scored the same way and the maximum is
 * kept. A detected wrapper then adds a bounded boost. Hence wrapping or encoding a request never
 * lowers its risk when the wrapper ends, starts or quotes the request at punctuation (every wrapper
 * template of the corpus does; tested as a property over the corpus).
 */
import { detectAttacks, attackBoost, type AttackId } from '../detect/detect-attacks.js';
import { decodeObfuscation, type DecodedVariant } from '../detect/decode-obfuscation.js';
import { detectLanguage } from '../detect/detect-language.js';
import { simplifyChinese } from '../detect/simplify-chinese.js';
import { withPlainApostrophes } from '../detect/fold-letters.js';
import { cueConjunction, featureValue, hashFeature, spanFeatures, textSegmentFeatures, type ChineseWordSegmenter, type SegmentFeatures, type SpanHashes } from './extract-features.js';
import { binaryHeadContributions, calibrate, softmaxHead, type FeatureContribution, type GuardModel } from './guard-model.js';
import { createHashSeen, type HashSeen } from './create-hash-seen.js';
import { createHiddenPartsReader, type HiddenParts } from './create-hidden-parts.js';
import { blendLogits, createHiddenLayer, softmaxBest, type HiddenLayer } from './hidden-layer.js';
import type { RiskAssessment } from './risk-assessment.js';

export interface HarmClassification {
  dimension: string;
  principle: number | null;
  mechanism: string | null;
}

/** Uncalibrated scores of a text, for choosing decision points at training time. */
export interface RawScores {
  /** The highest raw risk logit of any English (resp. Chinese) span, -Infinity when there is none. */
  maxRiskLogit: Record<'en' | 'zh', number>;
  emergencyLogit: number;
  emergencyLanguage: 'en' | 'zh';
  /** The wrapper boost the text gets (calibrated-logit units). */
  boost: number;
}

export interface RiskAssessor {
  model: GuardModel;
  assessText(text: string): RiskAssessment;
  /** The dimension, principle and mechanism heads on a text regardless of its risk (conversation-level risk). */
  classifyHarm(text: string): HarmClassification;
  rawScores(text: string): RawScores;
}

export interface CreateRiskAssessorOptions {
  /** Chinese word segmenter, required when the model was trained with Chinese word features. */
  segmenter?: ChineseWordSegmenter;
}

/** Encodings a text does not fall into by accident: decoding one to riskier text is an attack by itself. */
const EXPLICIT_ENCODINGS: ReadonlySet<string> = new Set(['base64', 'rot13', 'reversed']);

/**
 * The decodings of a text to re-score: each variant decodeObfuscation finds and, inside a decoded
 * explicit encoding, its heuristic decodings too (leetspeak or homoglyphs in the hidden text), under
 * the explicit kind. The hidden text is then read exactly as it would be read unencoded, so an
 * encoding never lowers the risk.
 */
function decodedCandidates(text: string): DecodedVariant[] {
  const candidates: DecodedVariant[] = [];
  for (const found of decodeObfuscation(text)) {
    // Decoded text in traditional characters (hex or percent-encoding of a traditional request) is read in
    // simplified ones, as the text as written is: it read as unknown n-grams (probing round 4: block → caution).
    const variant = { ...found, text: simplifyChinese(found.text) };
    candidates.push(variant);
    if (!EXPLICIT_ENCODINGS.has(variant.kind)) continue;
    for (const inner of decodeObfuscation(variant.text)) if (!EXPLICIT_ENCODINGS.has(inner.kind)) candidates.push({ kind: variant.kind, text: inner.text });
  }
  return candidates;
}

/** Readings that are not a disguise: they raise the risk by what they read, without the encoding boost. */
const NOT_A_DISGUISE: ReadonlySet<string> = new Set(['dialect', 'emoji_words']);

/** Below this calibrated risk the dimension is reported as `benign`. */
const DIMENSION_FLOOR = 0.25;
/** The emergency head also reads each segment and pair of segments (see emergencyOf), counting one only at or above this probability (dev: 0.9 and 0.97 escalated more ordinary texts). */
const EMERGENCY_SPAN_FLOOR = 0.99;
/** A pair is scored only when one of its segments alone reaches this probability. */
const EMERGENCY_PAIR_GATE = 0.2;
/** The longest span of consecutive segments scored as one unit. */
export const MAX_SPAN = 32;
const MAX_TEXT_CHARACTERS = 20_000;

interface BestSpan {
  risk: number;
  start: number;
  end: number;
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function logit(probability: number): number {
  const clamped = Math.min(Math.max(probability, 1e-6), 1 - 1e-6);
  return Math.log(clamped / (1 - clamped));
}

function spanLanguage(han: number, latin: number): 'en' | 'zh' {
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

function formatReason(contributions: FeatureContribution[]): string | null {
  // The three largest positive contributions, by one linear pass (this runs on most checks).
  const top: FeatureContribution[] = [];
  for (const item of contributions) {
    if (item.contribution <= 0.05) continue;
    if (top.length < 3) top.push(item);
    else if (item.contribution > (top[2] as FeatureContribution).contribution) top[2] = item;
    else continue;
    top.sort((left, right) => right.contribution - left.contribution);
  }
  if (top.length === 0) return null;
  const total = top.reduce((sum, item) => sum + item.contribution, 0);
  return `${top.map((item) => `"${item.name}"`).join(' + ')} (+${total.toFixed(1)})`;
}

export function createRiskAssessor(model: GuardModel, options: CreateRiskAssessorOptions = {}): RiskAssessor {
  const { metadata } = model;
  if (metadata.chineseWords && options.segmenter === undefined) throw new Error('This guard model was trained with Chinese word features: pass a segmenter.');
  const segmenter = metadata.chineseWords ? options.segmenter : undefined;
  const riskMask = (1 << metadata.risk.bits) - 1;
  const conjunctionHashes = new Map<string, number>();
  const hidden: HiddenLayer | undefined = metadata.hidden !== undefined && model.hidden !== undefined ? createHiddenLayer(metadata.hidden, model.hidden) : undefined;
  /**
   * Adds one segment's features to a span (its new hashed n-grams, and the conjunctions of its new cues
   * with the cues already in the span) and returns the weight they add under `mask`.
   */
  const addSegment = (segment: SegmentFeatures, seen: HashSeen, cues: string[], weights: ArrayLike<number>, mask: number): number => {
    let sum = 0;
    for (const hash of segment.hashes) if (seen.add(hash)) sum += weights[hash & mask] as number;
    for (const cue of segment.cues) {
      if (cues.includes(cue)) continue;
      for (const other of cues) {
        const hash = conjunctionHash(other, cue);
        if (seen.add(hash)) sum += weights[hash & mask] as number;
      }
      cues.push(cue);
    }
    return sum;
  };
  const conjunctionHash = (left: string, right: string): number => {
    const name = cueConjunction(left, right);
    let hash = conjunctionHashes.get(name);
    if (hash === undefined) {
      hash = hashFeature(name);
      conjunctionHashes.set(name, hash);
    }
    return hash;
  };

  const segmentsOf = (text: string): SegmentFeatures[] => textSegmentFeatures(text, segmenter);

  // The span scorers run synchronously and never re-enter, so each keeps one seen-set.
  const spanSeen = createHashSeen();
  const emergencySeen = createHashSeen();
  const segmentSeen = createHashSeen();
  const riskLayer = hidden?.uses('risk') === true ? hidden : undefined;
  const riskParts = riskLayer ? createHiddenPartsReader(riskLayer, segmentSeen, conjunctionHash) : undefined;
  const emergencyLayer = hidden?.uses('emergency') === true ? hidden : undefined;
  const emergencyParts = emergencyLayer ? createHiddenPartsReader(emergencyLayer, segmentSeen, conjunctionHash) : undefined;

  /**
   * The span with the highest calibrated risk (incremental: each start extends one segment at a time).
   * `raw`, when given, also collects the highest raw logit per span language.
   */
  const bestSpan = (segments: SegmentFeatures[], raw?: Record<'en' | 'zh', number>): BestSpan => {
    let best: BestSpan = { risk: 0, start: 0, end: -1 };
    const seen = spanSeen;
    const cues: string[] = [];
    const weights = model.risk;
    const layer = riskLayer;
    const blend = layer?.metadata.blend.risk;
    const parts = riskParts?.(segments);
    const hiddenSum = layer?.createSum();
    const activations = layer?.createSum();
    for (let start = 0; start < segments.length; start += 1) {
      seen.clear();
      cues.length = 0;
      hiddenSum?.fill(0);
      let sum = 0;
      let han = 0;
      let latin = 0;
      const last = Math.min(segments.length, start + MAX_SPAN);
      for (let end = start; end < last; end += 1) {
        const segment = segments[end] as SegmentFeatures;
        sum += parts && hiddenSum ? parts.add(end, seen, cues, weights, riskMask, hiddenSum) : addSegment(segment, seen, cues, weights, riskMask);
        han += segment.han;
        latin += segment.latin;
        if (seen.size === 0) continue;
        const language = spanLanguage(han, latin);
        const linear = metadata.risk.bias + sum * metadata.risk.scale * featureValue(seen.size);
        const value = layer && hiddenSum && activations && blend ? blendLogits(blend[language], layer.binaryLogit(layer.metadata.risk, layer.activate(hiddenSum, seen.size, activations)), linear) : linear;
        if (raw) raw[language] = Math.max(raw[language], value);
        const risk = calibrate(metadata.calibration.risk[language], value);
        if (risk > best.risk) best = { risk, start, end };
      }
    }
    return best;
  };

  const emergencyMask = (1 << metadata.emergency.bits) - 1;
  // Buffers of the emergency head's hidden pass (synchronous, never re-entered).
  const emergencySum = new Float64Array(hidden?.units ?? 0);
  const emergencyActivations = new Float64Array(hidden?.units ?? 0);
  /** The emergency head on segments `start` to `end` (exclusive) read as one text (no feature names: this runs on every check). */
  const emergencyLogitOf = (segments: SegmentFeatures[], parts: HiddenParts | undefined, start: number, end: number): { logit: number; language: 'en' | 'zh' } => {
    const seen = emergencySeen;
    seen.clear();
    const cues: string[] = [];
    const weights = model.emergency;
    const blend = emergencyLayer?.metadata.blend.emergency;
    let sum = 0;
    let han = 0;
    let latin = 0;
    emergencySum.fill(0);
    for (let index = start; index < end; index += 1) {
      const segment = segments[index] as SegmentFeatures;
      sum += parts ? parts.add(index, seen, cues, weights, emergencyMask, emergencySum) : addSegment(segment, seen, cues, weights, emergencyMask);
      han += segment.han;
      latin += segment.latin;
    }
    const language = spanLanguage(han, latin);
    const linear = metadata.emergency.bias + sum * metadata.emergency.scale * featureValue(seen.size);
    const logit = emergencyLayer && blend ? blendLogits(blend[language], emergencyLayer.binaryLogit(emergencyLayer.metadata.emergency, emergencyLayer.activate(emergencySum, seen.size, emergencyActivations)), linear) : linear;
    return { logit, language };
  };
  const emergencyProbability = (segments: SegmentFeatures[], parts: HiddenParts | undefined, start: number, end: number): number => {
    const { logit: value, language } = emergencyLogitOf(segments, parts, start, end);
    return calibrate(metadata.calibration.emergency[language], value);
  };
  /**
   * The emergency probability of a text: the head on the whole text, raised by any span of one or two
   * segments that alone scores at least EMERGENCY_SPAN_FLOOR. The whole-text head is diluted by what
   * surrounds an emergency ("Hi, sorry to bother you. I took 30 of my pills an hour ago." and a paragraph of
   * context); a short span on its own is not, but short spans of ordinary text also reach the decision point
   * more often, hence the higher bar for them (chosen on dev: see docs/guard-classifier.md).
   */
  const emergencyOf = (segments: SegmentFeatures[]): number => {
    if (segments.length === 0) return 0;
    const parts = emergencyParts?.(segments);
    let best = emergencyProbability(segments, parts, 0, segments.length);
    if (segments.length === 1) return best;
    // Each segment alone, then each pair whose parts are not both far from an emergency (a pair of two
    // ordinary sentences is not scored: it costs a hidden pass and rarely clears the floor).
    const singles = segments.map((_, index) => emergencyProbability(segments, parts, index, index + 1));
    for (const [index, probability] of singles.entries()) {
      if (probability >= EMERGENCY_SPAN_FLOOR && probability > best) best = probability;
      const next = singles[index + 1];
      if (next === undefined || (probability < EMERGENCY_PAIR_GATE && next < EMERGENCY_PAIR_GATE) || segments.length === 2) continue;
      const pairProbability = emergencyProbability(segments, parts, index, index + 2);
      if (pairProbability >= EMERGENCY_SPAN_FLOOR && pairProbability > best) best = pairProbability;
    }
    return best;
  };

  /**
   * The distinct hashes of a span and their feature value, as spanFeatures counts them (segments' features,
   * then their cue conjunctions, first-seen order), without the names: the class heads read hashes only.
   */
  const classSeen = createHashSeen();
  const spanHashes = (segments: SegmentFeatures[]): SpanHashes => {
    classSeen.clear();
    const hashes: number[] = [];
    const cues: string[] = [];
    for (const segment of segments) {
      for (const hash of segment.hashes) if (classSeen.add(hash)) hashes.push(hash);
      for (const cue of segment.cues) {
        if (cues.includes(cue)) continue;
        for (const other of cues) {
          const hash = conjunctionHash(other, cue);
          if (classSeen.add(hash)) hashes.push(hash);
        }
        cues.push(cue);
      }
    }
    return { hashes, value: featureValue(hashes.length) };
  };
  /** The hidden activations of a whole feature set (distinct hashes), for the class heads. */
  const hiddenActivations = (layer: HiddenLayer, features: SpanHashes): Float64Array => {
    const sum = layer.createSum();
    for (let index = 0; index < features.hashes.length; index += 1) layer.addRow(sum, features.hashes[index] as number, 1);
    return layer.activate(sum, features.hashes.length, sum);
  };
  const classifyFeatures = (features: SpanHashes): HarmClassification => {
    const activations = hidden && (hidden.uses('dimension') || hidden.uses('mechanism')) ? hiddenActivations(hidden, features) : undefined;
    const dimension =
      hidden && activations && hidden.uses('dimension')
        ? softmaxBest(hidden.metadata.dimension.labels, hidden.softmaxScores(hidden.metadata.dimension, activations)).label
        : softmaxHead(metadata.dimension, model.dimension, features).label;
    const mechanism =
      hidden && activations && hidden.uses('mechanism')
        ? softmaxBest(hidden.metadata.mechanism.labels, hidden.softmaxScores(hidden.metadata.mechanism, activations)).label
        : softmaxHead(metadata.mechanism, model.mechanism, features).label;
    return {
      dimension,
      principle: dimension === 'general_harm' ? null : softmaxHead(metadata.principle, model.principle, features).label,
      mechanism,
    };
  };

  const assessText = (input: string): RiskAssessment => {
    const written = input.length > MAX_TEXT_CHARACTERS ? input.slice(0, MAX_TEXT_CHARACTERS) : input;
    // traditional Chinese is read in simplified characters, the ones the model and its lexicons know
    // and an apostrophe typed as "’" as the "'" the model learnt (the segmenter takes "’" for a closing quote)
    const text = simplifyChinese(withPlainApostrophes(written));
    const language = detectLanguage(text);
    const attacks = new Map<AttackId, string>();
    for (const match of detectAttacks(text)) attacks.set(match.attack, match.evidence);
    let segments = segmentsOf(text);
    let best = bestSpan(segments);
    let emergency = emergencyOf(segments);
    const whole = segments;
    let decodedText: string | undefined;
    for (const variant of decodedCandidates(text)) {
      const variantSegments = segmentsOf(variant.text);
      const scored = bestSpan(variantSegments);
      emergency = Math.max(emergency, emergencyOf(variantSegments));
      // obfuscation that shows on its own (leetspeak throughout) counts even when the text as written scores
      // higher: the model also learnt leet tokens themselves, and the reading must not lose the boost for it
      if (variant.deliberate === true) attacks.set('encoding_obfuscation', variant.kind);
      if (scored.risk <= best.risk) continue;
      // The variant reads as more harmful than the text as written: it was hiding something. An explicit
      // encoding (base64, rot13, reversed) that decodes to riskier text counts at once — the model also
      // learnt to score rot13 gibberish itself — a heuristic one (leetspeak, homoglyphs…) needs a margin.
      // Cantonese read in Mandarin words is a language, not a disguise, and emoji read as words are also decoration:
      // they raise the risk but are no attack.
      if (!NOT_A_DISGUISE.has(variant.kind) && (EXPLICIT_ENCODINGS.has(variant.kind) || scored.risk - best.risk > 0.05)) attacks.set('encoding_obfuscation', variant.kind);
      // The decoded text's own wrappers count as they would unencoded (so encoding never lowers the risk).
      for (const match of detectAttacks(variant.text)) if (!attacks.has(match.attack)) attacks.set(match.attack, match.evidence);
      best = scored;
      segments = variantSegments;
      decodedText = variant.text;
    }
    const boost = attackBoost(attacks.keys());
    const risk = boost > 0 ? sigmoid(logit(best.risk) + boost) : best.risk;

    // Dimension and mechanism read the whole text (or its decoded form): the best span alone is often one clause.
    let harm: HarmClassification = { dimension: 'benign', principle: null, mechanism: null };
    if (risk >= DIMENSION_FLOOR || emergency >= metadata.recommendedEmergencyThreshold) harm = classifyFeatures(spanHashes(decodedText === undefined ? whole : segments));
    const reasons: string[] = [];
    if (best.risk >= 0.1) {
      const featureReason = formatReason(binaryHeadContributions(metadata.risk, model.risk, spanFeatures(segments.slice(best.start, best.end + 1))));
      if (featureReason) reasons.push(featureReason);
    }
    if (emergency >= metadata.recommendedEmergencyThreshold) reasons.push(`emergency probability ${emergency.toFixed(2)}`);
    for (const [attack, evidence] of attacks) reasons.push(`${attack}: "${evidence}"`);
    if (text !== written) reasons.push('read in simplified characters (written in traditional ones)');
    const assessment: RiskAssessment = {
      ...(boost > 0 ? { riskBeforeWrapper: Math.round(best.risk * 10_000) / 10_000 } : {}),
      risk: Math.round(risk * 10_000) / 10_000,
      dimension: harm.dimension,
      principle: harm.principle,
      attacks: Array.from(attacks.keys()),
      reasons,
      language,
      mechanism: harm.mechanism,
      emergency: Math.round(emergency * 10_000) / 10_000,
    };
    if (decodedText !== undefined) assessment.decodedText = decodedText;
    return assessment;
  };

  const classifyHarm = (text: string): HarmClassification => classifyFeatures(spanHashes(segmentsOf(simplifyChinese(text))));

  const rawScores = (input: string): RawScores => {
    const text = input.length > MAX_TEXT_CHARACTERS ? input.slice(0, MAX_TEXT_CHARACTERS) : input;
    const maxRiskLogit = { en: -Infinity, zh: -Infinity };
    const attacks = new Set<AttackId>(detectAttacks(text).map((match) => match.attack));
    const segments = segmentsOf(text);
    const original = bestSpan(segments, maxRiskLogit);
    let emergency = segments.length > 0 ? emergencyLogitOf(segments, emergencyParts?.(segments), 0, segments.length) : { logit: -Infinity, language: 'en' as const };
    for (const variant of decodedCandidates(text)) {
      const variantSegments = segmentsOf(variant.text);
      const before = { ...maxRiskLogit };
      const scored = bestSpan(variantSegments, maxRiskLogit);
      if (variant.deliberate === true) attacks.add('encoding_obfuscation');
      if (scored.risk > original.risk) {
        if (EXPLICIT_ENCODINGS.has(variant.kind) || scored.risk - original.risk > 0.05 || before.en !== maxRiskLogit.en || before.zh !== maxRiskLogit.zh) attacks.add('encoding_obfuscation');
        for (const match of detectAttacks(variant.text)) attacks.add(match.attack);
      }
      if (variantSegments.length > 0) {
        const candidate = emergencyLogitOf(variantSegments, emergencyParts?.(variantSegments), 0, variantSegments.length);
        if (candidate.logit > emergency.logit) emergency = candidate;
      }
    }
    return { maxRiskLogit, emergencyLogit: emergency.logit, emergencyLanguage: emergency.language, boost: attackBoost(attacks) };
  };

  return { model, assessText, classifyHarm, rawScores };
}

