/**
 * Chooses the calibration of the risk and emergency heads on the dev data only (corpus dev split and
 * the held-out shared benign sets): per language, the lowest risk decision point at which ordinary
 * benign texts (consumer questions, vignettes, held-out MedQuAD/LiveQA/dialogue/exam questions, pooled)
 * and XSTest-like prompts stay under their dev bars — which maximises harmful recall under those bars —
 * and a Platt-fitted slope; the same for the emergency head against false escalations (pooled over
 * sources for ordinary texts too; the per-source mean is reported).
 */
import type { LogitCalibration } from '../../src/guard/classifier/guard-model.js';
import { lowestPassingIndex } from './lowest-passing-index.js';

export type ChoiceGroup = 'harmful' | 'ordinary' | 'xstest' | 'other-benign' | 'emergency' | 'scary_safe';

export interface ChoiceItem {
  group: ChoiceGroup;
  /** Where an ordinary benign text came from (corpus kind or held-out set): each source weighs the same. */
  source: string;
  language: 'en' | 'zh';
  maxRiskLogit: Record<'en' | 'zh', number>;
  boost: number;
  emergencyLogit: number;
  emergencyLanguage: 'en' | 'zh';
  /** A record of the emergency-head folder: counts for the emergency decision point only, never for the risk one. */
  emergencyOnly?: boolean;
}

export interface DecisionBars {
  /** Highest share of ordinary benign texts flagged on dev, per language. */
  ordinary: number;
  /** Highest share of XSTest-like texts flagged on dev, per language. */
  xstest: number;
  /** Highest share of ordinary benign texts escalated by the emergency head on dev. */
  ordinaryEscalated: number;
  /** Highest share of scary-but-safe texts escalated by the emergency head on dev. */
  scarySafeEscalated: number;
}

const CAUTION_LOGIT = Math.log(0.35 / 0.65);

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** The default policy's flag rule on the calibrated, boosted risk (steer at 0.5; 0.35 with an attack). */
export function isFlaggedAt(item: ChoiceItem, calibration: Record<'en' | 'zh', LogitCalibration>): boolean {
  let risk = 0;
  for (const language of ['en', 'zh'] as const) {
    const value = item.maxRiskLogit[language];
    if (Number.isFinite(value)) risk = Math.max(risk, sigmoid(calibration[language].slope * (value - calibration[language].threshold)));
  }
  const clamped = Math.min(Math.max(risk, 1e-6), 1 - 1e-6);
  const boosted = Math.log(clamped / (1 - clamped)) + item.boost;
  return boosted >= 0 || (item.boost > 0 && boosted >= CAUTION_LOGIT);
}

function rate(items: ChoiceItem[], test: (item: ChoiceItem) => boolean): number {
  if (items.length === 0) return 0;
  let hits = 0;
  for (const item of items) if (test(item)) hits += 1;
  return hits / items.length;
}

/** The mean of the per-source rates: a small corpus kind counts as much as a large held-out set. */
function macroRate(items: ChoiceItem[], test: (item: ChoiceItem) => boolean): number {
  const bySource = new Map<string, ChoiceItem[]>();
  for (const item of items) bySource.set(item.source, [...(bySource.get(item.source) ?? []), item]);
  if (bySource.size === 0) return 0;
  let total = 0;
  for (const group of bySource.values()) total += rate(group, test);
  return total / bySource.size;
}

function fitSlope(points: { x: number; label: 0 | 1 }[]): number {
  let slope = 1;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    let gradient = 0;
    let hessian = 1e-6;
    for (const point of points) {
      const probability = sigmoid(slope * point.x);
      gradient += (probability - point.label) * point.x;
      hessian += probability * (1 - probability) * point.x * point.x;
    }
    const step = gradient / hessian;
    slope = Math.min(4, Math.max(0.2, slope - step));
    if (Math.abs(step) < 1e-6) break;
  }
  return slope;
}

function candidates(values: number[]): number[] {
  const finite = Array.from(new Set(values.filter((value) => Number.isFinite(value)))).sort((left, right) => left - right);
  return finite.map((value) => value + 1e-6);
}

export interface ChosenDecisionPoints {
  risk: Record<'en' | 'zh', LogitCalibration>;
  emergency: Record<'en' | 'zh', LogitCalibration>;
  /** Dev rates at the chosen points (per language). */
  dev: Record<string, number>;
}

export function chooseDecisionPoints(items: ChoiceItem[], bars: DecisionBars): ChosenDecisionPoints {
  const risk: Record<'en' | 'zh', LogitCalibration> = { en: { slope: 1, threshold: 0 }, zh: { slope: 1, threshold: 0 } };
  const dev: Record<string, number> = {};
  for (let round = 0; round < 2; round += 1) {
    for (const language of ['en', 'zh'] as const) {
      const own = items.filter((item) => item.language === language && item.emergencyOnly !== true);
      const ordinary = own.filter((item) => item.group === 'ordinary');
      const xstest = own.filter((item) => item.group === 'xstest');
      const harmful = own.filter((item) => item.group === 'harmful');
      // The lowest decision point that meets both bars gives the most recall (flag rates fall as it rises).
      const slope = risk[language].slope;
      const meets = (threshold: number): boolean => {
        const trial = { ...risk, [language]: { slope, threshold } };
        const flagged = (item: ChoiceItem): boolean => isFlaggedAt(item, trial);
        return rate(ordinary, flagged) <= bars.ordinary && rate(xstest, flagged) <= bars.xstest;
      };
      const thresholds = candidates(own.filter((item) => item.group !== 'harmful').map((item) => item.maxRiskLogit[language]));
      risk[language] = { slope, threshold: thresholds[lowestPassingIndex(thresholds, meets, thresholds.length - 1)] ?? 0 };
      const flagged = (item: ChoiceItem): boolean => isFlaggedAt(item, risk);
      dev[`${language}:harmful-recall`] = rate(harmful, flagged);
      dev[`${language}:ordinary-flagged`] = rate(ordinary, flagged);
      dev[`${language}:ordinary-flagged-macro`] = macroRate(ordinary, flagged);
      dev[`${language}:xstest-flagged`] = rate(xstest, flagged);
      const points = own
        .filter((item) => item.group !== 'emergency' && Number.isFinite(item.maxRiskLogit[language]))
        .map((item) => ({ x: item.maxRiskLogit[language] - risk[language].threshold, label: item.group === 'harmful' ? (1 as const) : (0 as const) }));
      risk[language] = { slope: fitSlope(points), threshold: risk[language].threshold };
    }
  }
  const emergency: Record<'en' | 'zh', LogitCalibration> = { en: { slope: 1, threshold: 0 }, zh: { slope: 1, threshold: 0 } };
  for (const language of ['en', 'zh'] as const) {
    const own = items.filter((item) => item.emergencyLanguage === language && Number.isFinite(item.emergencyLogit));
    const positives = own.filter((item) => item.group === 'emergency');
    const ordinary = own.filter((item) => item.group === 'ordinary');
    const scary = own.filter((item) => item.group === 'scary_safe');
    const thresholds = candidates(own.filter((item) => item.group !== 'emergency').map((item) => item.emergencyLogit));
    const meets = (threshold: number): boolean => {
      const escalated = (item: ChoiceItem): boolean => item.emergencyLogit >= threshold;
      return macroRate(ordinary, escalated) <= bars.ordinaryEscalated && rate(scary, escalated) <= bars.scarySafeEscalated;
    };
    const threshold = thresholds[lowestPassingIndex(thresholds, meets, thresholds.length - 1)] ?? 0;
    const escalated = (item: ChoiceItem): boolean => item.emergencyLogit >= threshold;
    emergency[language] = { slope: 1, threshold };
    dev[`${language}:emergency-recall`] = rate(positives, escalated);
    dev[`${language}:ordinary-escalated`] = macroRate(ordinary, escalated);
    dev[`${language}:scary-safe-escalated`] = rate(scary, escalated);
    const points = own.map((item) => ({ x: item.emergencyLogit - emergency[language].threshold, label: item.group === 'emergency' ? (1 as const) : (0 as const) }));
    emergency[language] = { slope: fitSlope(points), threshold: emergency[language].threshold };
  }
  return { risk, emergency, dev };
}
