/**
 * SafetyBench: a JSON array of questions `{id, options[], category, question}` plus an answer file
 * `{id: {answer: <0-based index>}}`. The answer file is given after a comma
 * (`questions.json,answers.json`) or found next to the questions (a .json whose name contains "answer").
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataFormatError } from '../../core/errors.js';
import type { MultipleChoiceItem } from '../benchmark-types.js';
import { optionsFromList, requireOptions } from './parse-options.js';
import { readJsonFile } from './read-records.js';
import { valueText } from './value-text.js';

export function splitSafetyBenchPath(path: string): { questions: string; answers: string | undefined } {
  const [questions = path, answers] = path.split(',');
  return { questions, answers };
}

function findAnswerFile(questions: string): string | undefined {
  const folder = dirname(questions);
  const stem = basename(questions, '.json');
  const tokens = stem.split(/[_-]/).filter((token) => token !== 'test' && token !== 'subset');
  const candidates = readdirSync(folder).filter((name) => name.endsWith('.json') && /answer/i.test(name) && name !== basename(questions));
  const scored = candidates
    .map((name) => ({ name, score: tokens.filter((token) => name.includes(token)).length }))
    .sort((left, right) => right.score - left.score);
  return scored[0] ? join(folder, scored[0].name) : undefined;
}

export function loadSafetyBench(path: string): MultipleChoiceItem[] {
  const { questions, answers: explicit } = splitSafetyBenchPath(path);
  const answersFile = explicit ?? findAnswerFile(questions);
  if (!answersFile || !existsSync(answersFile)) {
    throw new DataFormatError(`${questions}: no SafetyBench answer file found next to it.`, {
      file: questions,
      fix: 'Give it after a comma: --bench medsafety@safetybench:test_zh_subset.json,test_answers_zh_subset.json',
    });
  }
  const list = readJsonFile(questions);
  if (!Array.isArray(list)) throw new DataFormatError(`${questions}: expected a JSON array of questions.`, { file: questions, fix: 'Give the SafetyBench questions file.' });
  const answerKey: unknown = readJsonFile(answersFile);
  if (answerKey === null || typeof answerKey !== 'object' || Array.isArray(answerKey)) {
    throw new DataFormatError(`${answersFile}: expected a JSON object {id: {answer}}.`, { file: answersFile, fix: 'Give the SafetyBench answer file.' });
  }
  const key = answerKey as Record<string, { answer?: unknown } | undefined>;
  return list.map((entry: Record<string, unknown>, index: number) => {
    const where = { file: questions, line: index + 1 };
    const id = valueText(entry.id);
    if (!id || typeof entry.question !== 'string' || !Array.isArray(entry.options)) {
      throw new DataFormatError(`${questions}: entry ${index + 1} lacks id, question or options.`, { ...where, column: 'question', fix: 'Each entry needs id, question and options[].' });
    }
    const options = requireOptions(optionsFromList(entry.options), { ...where, column: 'options' });
    const answerIndex = key[id]?.answer;
    const letter = typeof answerIndex === 'number' ? options[answerIndex]?.letter : undefined;
    if (!letter) {
      throw new DataFormatError(`${answersFile}: no valid answer for question id ${id}.`, { file: answersFile, line: index + 1, column: 'answer', fix: 'The answer file must hold a 0-based option index for every question.' });
    }
    return {
      kind: 'multiple-choice',
      id,
      question: entry.question.trim(),
      options,
      answer: [letter],
      ...(typeof entry.category === 'string' ? { subject: entry.category } : {}),
    };
  });
}
