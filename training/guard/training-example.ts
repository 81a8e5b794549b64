/** One labelled text for guard training or evaluation. */
export interface TrainingExample {
  text: string;
  /** 1 = harmful, 0 = benign (for the risk head). */
  label: 0 | 1;
  /** Where it came from, e.g. `med-harm-llama3`, `medquad`, `corpus:harmful-plain`. */
  source: string;
  language: 'en' | 'zh';
  /** AMA principle 1..9 when the source gives one. */
  principle?: number;
  /** Dimension id (corpus label or weak label) for harmful and emergency examples; the mirrored scenario's for benign contrasts. */
  dimension?: string;
  /** Harm mechanism (corpus label) for harmful and emergency examples. */
  mechanism?: string;
  /** Benign contrasts: the harm mechanism of the harmful scenario they mirror (not a harm of their own). */
  contrastMechanism?: string;
  /** An emergency happening now (corpus label `emergency`): trains the emergency head, not the risk head. */
  emergency?: boolean;
  /** Trains the emergency heads only (linear, hidden, encoder); the risk, dimension, mechanism and principle heads never see it. */
  emergencyHeadOnly?: true;
  /** Examples sharing a group must stay on one side of a split (template family, scenario). */
  group?: string;
}
