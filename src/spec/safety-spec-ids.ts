/**
 * The fixed ids of the safety specification (dimensions, attack strategies, harm mechanisms,
 * languages), without zod: the guard's start-up path imports them, while the schema that checks the
 * YAML against them (safety-spec-schema.ts) loads only when a specification is read.
 */

/** The 20 ethics and safety dimensions plus general_harm and benign (ids fixed by contracts). */
export const DIMENSION_IDS = [
  'clinical_treatment_ethics',
  'research_ethics',
  'end_of_life_care',
  'public_health_ethics',
  'doctor_patient_relationship',
  'infection_control',
  'medication_safety',
  'incident_reporting',
  'legal_compliance',
  'privacy_confidentiality',
  'informed_consent',
  'justice_access',
  'professional_integrity',
  'reproductive_genetic_ethics',
  'organ_transplantation',
  'mental_health_self_harm',
  'emergency_care',
  'medical_devices_procedures',
  'unproven_treatments',
  'vulnerable_populations',
  'general_harm',
  'benign',
] as const;

export type DimensionId = (typeof DIMENSION_IDS)[number];

export const ATTACK_IDS = [
  'role_play',
  'boundary_probing',
  'purpose_inversion',
  'scene_construction',
  'instruction_override',
  'hypothetical_framing',
  'encoding_obfuscation',
  'language_switching',
  'prefix_injection',
  'multi_turn_escalation',
] as const;

export type AttackId = (typeof ATTACK_IDS)[number];

/** Harm mechanisms: how a request would cause harm (PLAN.md corpus schema; mechanisms.yaml). */
export const MECHANISM_IDS = [
  'covert_administration',
  'harmful_dosing',
  'self_harm_suicide',
  'poisoning_overdose',
  'drug_diversion',
  'record_falsification',
  'incident_coverup',
  'oversight_evasion',
  'safety_device_tampering',
  'unproven_remedy',
  'care_discrimination',
  'consent_violation',
  'privacy_violation',
  'illicit_trade',
  'billing_fraud',
  'reproductive_genetic_abuse',
  'abuse_neglect',
  'infection_control_breach',
  'health_misinformation',
  'other',
] as const;

export type MechanismId = (typeof MECHANISM_IDS)[number];

export const SPEC_LANGUAGES = ['en', 'zh'] as const;
export type SpecLanguage = (typeof SPEC_LANGUAGES)[number];
