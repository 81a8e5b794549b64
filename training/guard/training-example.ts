/** One labelled text for guard training or evaluation. */
export interface TrainingExample {
  text: string;
  /** 1 = harmful, 0 = benign. */
  label: 0 | 1;
  /** Where it came from, e.g. `med-harm-llama3`, `medquad`, `written:contrast`. */
  source: string;
  language: 'en' | 'zh';
  /** AMA principle 1..9 when the source gives one. */
  principle?: number;
  /** Dimension id (weak label) for harmful examples. */
  dimension?: string;
  /** Examples sharing a group must stay on one side of a split (template family, scenario). */
  group?: string;
}
