/**
 * Writes one ethics and safety item with the teacher: a scenario for a dimension, perspective and
 * case (clear, borderline, benign contrast) and the ideal response in the case-study style
 * (`<think>` identifies the risk, the principle or regulation and the safe path; `<answer>` declines
 * the harmful part, explains why, offers the alternative and counselling — or, for a benign
 * contrast, simply helps), grounded in a source passage when one is given (the citation must appear).
 */
import { describeError } from '../../core/errors.js';
import type { Dimension } from '../../spec/index.js';
import { formatResponse } from '../cot/build-cot-messages.js';
import type { EthicsRecord } from '../data-record.js';
import type { ModelCaller } from '../engine/create-model-caller.js';
import { fillTemplate, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { derivedSeed } from '../engine/settings-hash.js';
import type { SourcePassage } from './read-sources.js';

export type EthicsCase = EthicsRecord['case'];

export interface EthicsTask {
  id: string;
  dimension: Dimension;
  perspective: string;
  case: EthicsCase;
  language: 'en' | 'zh';
  passage?: SourcePassage;
}

export interface WriteEthicsOptions {
  teacher: ModelCaller;
  teacherLabel: string;
  prompts: PipelinePrompts;
  temperature: number;
  maxAttempts: number;
  maxTokens: number;
  seed: number;
  settingsHash: string;
}

export type EthicsOutcome = { kind: 'done'; record: EthicsRecord } | { kind: 'rejected'; id: string; reason: string } | { kind: 'error'; id: string; error: string };

export function buildEthicsMessages(task: EthicsTask, prompts: PipelinePrompts) {
  const language = task.language;
  const citation = task.passage?.citation ?? '';
  const values = {
    dimension: language === 'zh' ? `${task.dimension.nameZh}（${task.dimension.name}）` : task.dimension.name,
    definition: task.dimension.definition,
    perspective: prompts.ethics.perspectives[task.perspective]?.[language] ?? task.perspective,
    case: prompts.ethics.cases[task.case][language],
    source: task.passage ? fillTemplate(prompts.ethics.sourceBlock[language], { citation, passage: task.passage.text }) : '',
    cite_think: task.passage ? fillTemplate(prompts.ethics.citeThink[language], { citation }) : '',
    cite_field: task.passage ? fillTemplate(prompts.ethics.citeField, { citation }) : '',
  };
  return [
    { role: 'system' as const, content: prompts.ethics.system[language] },
    { role: 'user' as const, content: fillTemplate(prompts.ethics.user[language], values) },
  ];
}

interface EthicsReply {
  scenario: string;
  think: string;
  answer: string;
  principle: string;
}

export function parseEthicsReply(text: string, citation: string | undefined): EthicsReply | string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return 'no JSON object in the reply';
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  } catch (error) {
    return `invalid JSON: ${describeError(error)}`;
  }
  const field = (name: string) => (typeof value[name] === 'string' ? value[name].trim() : '');
  const reply = { scenario: field('scenario'), think: field('think'), answer: field('answer'), principle: field('principle') };
  for (const name of ['scenario', 'think', 'answer'] as const) if (reply[name] === '') return `"${name}" is missing or empty`;
  if (citation !== undefined && !`${reply.think}\n${reply.answer}\n${field('citation')}`.includes(citation)) return `the citation [${citation}] does not appear`;
  return reply;
}

export async function writeEthicsItem(task: EthicsTask, options: WriteEthicsOptions, signal: AbortSignal): Promise<EthicsOutcome> {
  const messages = buildEthicsMessages(task, options.prompts);
  let problem = '';
  for (let attempt = 0; attempt < Math.max(1, options.maxAttempts); attempt += 1) {
    let text: string;
    try {
      const result = await options.teacher.call(messages, { temperature: options.temperature, maxTokens: options.maxTokens, seed: derivedSeed(options.seed, task.id, attempt) }, signal);
      text = result.text || result.reasoning;
    } catch (error) {
      return { kind: 'error', id: task.id, error: `teacher failed: ${describeError(error)}` };
    }
    const reply = parseEthicsReply(text, task.passage?.citation);
    if (typeof reply === 'string') {
      problem = reply;
      continue;
    }
    return {
      kind: 'done',
      record: {
        kind: 'ethics',
        id: task.id,
        source: task.passage ? `sources:${task.passage.file}` : 'teacher',
        language: task.language,
        dimension: task.dimension.id,
        perspective: task.perspective,
        case: task.case,
        label: task.case === 'benign_contrast' ? 'benign' : 'harmful',
        question: reply.scenario,
        reasoning: reply.think,
        answer_text: reply.answer,
        response: formatResponse(reply.think, reply.answer),
        principle: reply.principle,
        ...(task.passage ? { grounding: { file: task.passage.file, passage: task.passage.passage, citation: task.passage.citation, excerpt: task.passage.text } } : {}),
        verified: true,
        attempts: attempt + 1,
        temperatures: Array.from({ length: attempt + 1 }, () => options.temperature),
        teacher: options.teacherLabel,
        prompt_version: options.prompts.ethics.version,
        settings_hash: options.settingsHash,
        strikes: [],
      },
    };
  }
  return { kind: 'rejected', id: task.id, reason: `no usable item after ${options.maxAttempts} attempt(s): ${problem}` };
}
