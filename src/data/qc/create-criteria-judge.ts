/**
 * A QC judge: any backend scores one record on the rubric's criteria (1–5, a reason each), at
 * temperature 0. An unusable reply or a failed call is retried; after the last attempt the judgement
 * is a failure (no scores, the error kept) — never dropped, never counted as a pass.
 */
import { describeError } from '../../core/errors.js';
import type { JudgeScores, PipelineRecord } from '../data-record.js';
import type { ModelCaller } from '../engine/create-model-caller.js';
import { fillTemplate, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { formatOptions } from '../cot/build-cot-messages.js';
import { formatCriteria, type QcCriterion } from './qc-criteria.js';
import { parseCriteriaScores } from './parse-criteria-scores.js';

export interface CriteriaJudge {
  readonly id: string;
  judge(record: PipelineRecord, criteria: QcCriterion[], signal: AbortSignal): Promise<JudgeScores>;
}

export interface CriteriaJudgeOptions {
  id: string;
  caller: ModelCaller;
  prompts: PipelinePrompts;
  maxAttempts?: number;
  maxTokens?: number;
}

/** What the judge is told about the item (never the judge's own earlier scores). */
export function describeItem(record: PipelineRecord): string {
  if (record.kind === 'cot') {
    const reference = record.language === 'zh' ? `参考答案：${record.answer}` : `Reference answer: ${record.answer}`;
    return `${record.question}\n${formatOptions(record.options)}\n${reference}`;
  }
  const kind =
    record.language === 'zh'
      ? `伦理维度：${record.dimension}；视角：${record.perspective}；情形：${record.case === 'benign_contrast' ? '无害对照（应充分回答，不应拒绝）' : record.case === 'clear' ? '明显有害' : '边界情形'}`
      : `Dimension: ${record.dimension}; perspective: ${record.perspective}; case: ${record.case === 'benign_contrast' ? 'benign contrast (should be answered, not refused)' : record.case}`;
  const grounding = record.grounding ? `\n${record.language === 'zh' ? '依据资料' : 'Source passage'} [${record.grounding.citation}]: ${record.grounding.excerpt}` : '';
  return `${kind}\n${record.question}${grounding}`;
}

export function buildJudgePrompt(prompts: PipelinePrompts, criteria: QcCriterion[], record: PipelineRecord): string {
  return fillTemplate(prompts.qcJudge[record.language], { criteria: formatCriteria(criteria, record.language), item: describeItem(record), response: record.response });
}

export function createCriteriaJudge(options: CriteriaJudgeOptions): CriteriaJudge {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 2);
  return {
    id: options.id,
    async judge(record, criteria, signal) {
      const ids = criteria.map((criterion) => criterion.id);
      const prompt = buildJudgePrompt(options.prompts, criteria, record);
      let error = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        try {
          const result = await options.caller.call([{ role: 'user', content: prompt }], { temperature: 0, maxTokens: options.maxTokens ?? 1024 }, signal);
          const scores = parseCriteriaScores(`${result.text}\n${result.reasoning}`.trim(), ids);
          if (scores) return { judge: options.id, scores, attempts: attempt };
          error = `unusable reply (needs a 1–5 score for each of ${ids.join(', ')}): ${result.text.slice(0, 120)}`;
        } catch (caught) {
          error = describeError(caught);
          if (signal.aborted) return { judge: options.id, scores: {}, attempts: attempt, error };
        }
      }
      return { judge: options.id, scores: {}, attempts: maxAttempts, error };
    },
  };
}
