/**
 * Exam questions for the teacher, from any file the eval loaders read (CMExam, MedQA/medagents
 * JSONL, CMMLU CSV, PediaBench, JSONL with --columns), as CoT tasks. Non-multiple-choice
 * benchmarks are refused with the reason.
 */
import { ConfigError } from '../../core/errors.js';
import { loadBenchmark } from '../../eval/loaders/load-benchmark.js';
import { parseBenchSpec, parseColumnsSpec } from '../../eval/parse-eval-arguments.js';
import type { CotTask } from './write-cot.js';

export interface ExamItem {
  id: string;
  source: string;
  language: 'en' | 'zh';
  subject?: string;
  question: string;
  options: Record<string, string>;
  answer: string;
}

export async function loadExamItems(inputs: string[], columns: string[] = []): Promise<ExamItem[]> {
  if (inputs.length === 0) throw new ConfigError('No exam file given.', { key: '--input', fix: 'Add --input <exam file> (repeatable; name@format:path to name the format).' });
  const mappings = new Map(columns.map((text) => { const parsed = parseColumnsSpec(text); return [parsed.bench, parsed.mapping] as const; }));
  const items: ExamItem[] = [];
  const names = new Set<string>();
  for (const input of inputs) {
    const spec = parseBenchSpec(input);
    if (names.has(spec.name)) throw new ConfigError(`Two inputs are named "${spec.name}".`, { key: '--input', fix: `Name them: --input other-name:${spec.path}.` });
    names.add(spec.name);
    const mapping = mappings.get(spec.name);
    const benchmark = await loadBenchmark({ name: spec.name, path: spec.path, ...(spec.format ? { format: spec.format } : {}), ...(mapping ? { columns: mapping } : {}) });
    if (benchmark.kind !== 'multiple-choice') {
      throw new ConfigError(`--input ${input}: ${benchmark.format} items are ${benchmark.kind} prompts, not exam questions with an answer key.`, { key: '--input', fix: 'Give multiple-choice exam files (CMExam, MedQA, CMMLU, PediaBench MC, or JSONL with --columns).' });
    }
    for (const item of benchmark.items) {
      if (item.kind !== 'multiple-choice') continue;
      items.push({
        id: `${spec.name}/${item.id}`,
        source: spec.name,
        language: benchmark.language,
        ...(item.subject !== undefined ? { subject: item.subject } : {}),
        question: item.question,
        options: Object.fromEntries(item.options.map((option) => [option.letter, option.text])),
        answer: item.answer.join(''),
      });
    }
  }
  return items;
}

export function cotTasksOf(items: ExamItem[], samples: number): CotTask[] {
  const tasks: CotTask[] = [];
  for (const item of items) for (let sample = 0; sample < samples; sample += 1) tasks.push({ ...item, sample });
  return tasks;
}
