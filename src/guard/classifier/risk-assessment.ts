import type { GuardLanguage } from '../detect/detect-language.js';

/** The classifier's verdict on a text or a conversation (see docs/contracts.md). */
export interface RiskAssessment {
  /** Calibrated probability that the request is harmful, 0..1. */
  risk: number;
  /** One of the 20 dimension ids, `general_harm`, or `benign`. */
  dimension: string;
  /** Nearest AMA principle 1..9, null for benign and general harm. */
  principle: number | null;
  /** Detected attack strategy ids (docs/contracts.md). */
  attacks: string[];
  /** Human-readable reasons: top features with their contribution, wrappers with their evidence. */
  reasons: string[];
  language: GuardLanguage;
  /**
   * The harm mechanism (ids in the guard corpus schema: covert_administration, harmful_dosing,
   * self_harm_suicide, poisoning_overdose, drug_diversion, record_falsification, incident_coverup,
   * oversight_evasion, safety_device_tampering, unproven_remedy, care_discrimination,
   * consent_violation, privacy_violation, illicit_trade, billing_fraud, reproductive_genetic_abuse,
   * abuse_neglect, infection_control_breach, health_misinformation, other), null when benign.
   * TEMPORARY: always null until the mechanism head is trained (guard v2, issue 7).
   */
  mechanism: string | null;
  /**
   * Probability (0..1) that an emergency is happening now (suicide/self-harm intent, an overdose or
   * poisoning that has happened). The policy escalates from it together with its own matcher.
   * TEMPORARY: always 0 until the emergency head is trained (guard v2, issue 7).
   */
  emergency: number;
  /** The de-obfuscated text when decoding changed the verdict. */
  decodedText?: string;
  /** In a conversation: the index of the message that drove the risk. */
  turnIndex?: number;
  /**
   * The risk before a detected wrapper's boost, when there was one: the sentence encoder's band is tested on it, so
   * a wrapper that lifts a request above the band does not keep the encoder from reading it (the encoder can only
   * raise the risk; without this a request the encoder blocks as written was only steered inside many wrappers).
   */
  riskBeforeWrapper?: number;
}
