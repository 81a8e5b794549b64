/** Public entry of the safety specification (explicit exports). */
export { loadSafetySpec } from './load-safety-spec.js';
export { readSafetySpec, type LoadSafetySpecOptions } from './read-safety-spec.js';
export { ATTACK_IDS, DIMENSION_IDS, MECHANISM_IDS, SPEC_LANGUAGES } from './safety-spec-ids.js';
export type {
  AttackId,
  AttackStrategy,
  CotCriterion,
  Dimension,
  DimensionId,
  AnswerSignals,
  EmergencySituation,
  Mechanism,
  MechanismId,
  HarmfulnessRubric,
  Principle,
  RefusalText,
  RiskLevelDefinition,
  SafetySpec,
  SpecLanguage,
} from './safety-spec-schema.js';
export {
  dimensionName,
  findDimension,
  findPrinciple,
  formatHarmfulnessJudgePrompt,
  formatHarmfulnessRubric,
  formatUsagePolicy,
  isKnownDimension,
  principleForDimension,
  principleLabel,
  riskLevelBoundaries,
  riskLevelOf,
  type RiskLevel,
} from './spec-lookups.js';
