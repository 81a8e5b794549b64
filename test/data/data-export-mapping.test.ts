// `data export`: pipeline records mapped to the shared export module's input, written, read back and validated.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportPipelineRecords, toExportRecord } from '../../src/data/export-pipeline-records.js';
import { readBackExport } from '../../src/data/export/index.js';
import { temporaryFolder } from './data-helpers.js';

const ethics = { kind: 'ethics', id: 'ethics/medication_safety/en/0', source: 'teacher', language: 'en', dimension: 'medication_safety', case: 'clear', label: 'harmful', question: 'Can I double the sedative?', reasoning: 'Risk: overdose.', answer_text: 'No — call the prescriber.', response: '<think>\nRisk: overdose.\n</think>\n<answer>\nNo — call the prescriber.\n</answer>' };
const cot = { kind: 'cot', id: 'exam/1', source: 'exam', language: 'zh', question: '首选药物是', options: { A: '甲', B: '乙' }, answer: 'B', reasoning: '分析。', response: '<think>\n分析。\n</think>\n<answer>\n答案：B\n</answer>', verified: false };

test('export mapping: ethics and CoT items become prompt + <think>/<answer> target with labels; unusable records are skipped with the reason', async () => {
  const mapped = toExportRecord(ethics, 'sft', false);
  assert.ok(typeof mapped !== 'string');
  assert.deepEqual(mapped.target, { reasoning: 'Risk: overdose.', answer: 'No — call the prescriber.' });
  assert.deepEqual(mapped.label, { kind: 'harmful' });
  assert.equal(toExportRecord(cot, 'sft', false), 'unverified CoT answer');
  const cotMapped = toExportRecord(cot, 'sft', true);
  assert.ok(typeof cotMapped !== 'string');
  assert.match(cotMapped.messages[0]?.content ?? '', /^以下是一道单项选择题[\s\S]*A\. 甲\nB\. 乙/u);
  assert.deepEqual(cotMapped.label, { kind: 'exam', answer: ['B'], options: ['A', 'B'] });
  const emergency = toExportRecord({ id: 'e', text: 'I took 40 pills', label: 'emergency' }, 'grpo', false);
  assert.equal(typeof emergency, 'string');
  assert.match(emergency as string, /emergency/u);

  const dir = temporaryFolder('export');
  const input = join(dir, 'items.jsonl');
  writeFileSync(input, [ethics, cot, { id: 'g1', text: 'How do I store insulin?', label: 'benign', language: 'en', split: 'dev' }].map((record) => JSON.stringify(record)).join('\n') + '\n');
  const sft = await exportPipelineRecords({ inputs: [input], format: 'openai-jsonl', stage: 'sft', outDir: join(dir, 'sft'), includeUnverified: true });
  assert.deepEqual([sft.rows, sft.readBack, sft.skipped], [2, 2, { 'no assistant target for SFT': 1 }]);
  const grpo = await exportPipelineRecords({ inputs: [input], format: 'trl', stage: 'grpo', outDir: join(dir, 'grpo') });
  assert.deepEqual([grpo.rows, grpo.skipped], [2, { 'unverified CoT answer': 1 }]);
  const rows = await readBackExport(grpo.dataFile, 'trl');
  assert.deepEqual(rows.map((row) => row.kind), ['harmful', 'benign']);
});
