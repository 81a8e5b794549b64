/** Runs the full assessment pipeline over dev sets and reports flag rates at a threshold. */
import { assessConversationWith } from '../../src/guard/assess-risk.js';
import type { RiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import type { DevSet } from './build-guard-datasets.js';
import { isFlagged } from '../../src/guard/is-flagged.js';

export interface DevSetFigure {
  name: string;
  description: string;
  /** 'recall' for harmful sets, 'false-positive rate' for benign ones. */
  metric: 'recall' | 'false-positive rate';
  count: number;
  flagged: number;
  rate: number;
}

/** Flag rates under the default guard policy (steer or above; see is-flagged.ts). */
export function evaluateDevSets(assessor: RiskAssessor, sets: DevSet[]): DevSetFigure[] {
  return sets.map((set) => {
    let flagged = 0;
    for (const item of set.items) {
      const assessment = item.messages ? assessConversationWith(assessor, item.messages) : assessor.assessText(item.text ?? '');
      if (isFlagged(assessment)) flagged += 1;
    }
    const harmful = set.items.every((item) => item.label === 1);
    return {
      name: set.name,
      description: set.description,
      metric: harmful ? 'recall' : 'false-positive rate',
      count: set.items.length,
      flagged,
      rate: set.items.length > 0 ? flagged / set.items.length : 0,
    };
  });
}

export function formatDevFigures(figures: DevSetFigure[]): string {
  const lines = ['dev set                          metric               n   flagged   rate'];
  for (const figure of figures) {
    lines.push(
      `${figure.name.padEnd(32)} ${figure.metric.padEnd(19)} ${String(figure.count).padStart(5)} ${String(figure.flagged).padStart(8)} ${(figure.rate * 100).toFixed(1).padStart(6)} %`,
    );
  }
  return lines.join('\n');
}
