/** The criteria a QC judge scores, from the safety specification: the five CoT criteria or the ethics rubric. */
import { ConfigError } from '../../core/errors.js';
import type { SafetySpec } from '../../spec/index.js';

export interface QcCriterion {
  id: string;
  name: string;
  nameZh: string;
  description: string;
  descriptionZh?: string | undefined;
  scale: string;
  scaleZh?: string | undefined;
}

export type QcRubric = 'cot' | 'ethics';

export function qcCriteria(spec: SafetySpec, rubric: QcRubric): QcCriterion[] {
  if (rubric === 'cot') return spec.rubrics.cotCriteria;
  const ethics = spec.rubrics.ethicsCriteria;
  if (!ethics) throw new ConfigError('The safety specification has no ethics rubric (rubrics.ethicsCriteria).', { key: 'src/spec/data/rubrics.yaml', fix: 'Use a SafeMed version whose specification defines rubrics.ethicsCriteria.' });
  return ethics;
}

export function formatCriteria(criteria: QcCriterion[], language: 'en' | 'zh'): string {
  return criteria
    .map((criterion) =>
      language === 'zh'
        ? `- ${criterion.id}（${criterion.nameZh}）：${criterion.descriptionZh ?? criterion.description} 评分：${criterion.scaleZh ?? criterion.scale}`
        : `- ${criterion.id} (${criterion.name}): ${criterion.description} Scale: ${criterion.scale}`,
    )
    .join('\n');
}
