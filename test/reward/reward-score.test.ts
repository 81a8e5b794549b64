import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { groupStatistics } from '../../src/reward/diagnostics/group-statistics.js';
import { scoreRollouts } from '../../src/reward/diagnostics/score-rollouts.js';
import { writeRewardReport } from '../../src/reward/diagnostics/write-reward-report.js';
import { createRewardScorer } from '../../src/reward/create-reward-scorer.js';
import { parseRewardConfig } from '../../src/reward/reward-config.js';
import { must } from './must.js';

interface ScoredLine {
  label?: string;
  reward: { total: number };
  advantage: number;
  flags: string[];
}

test('groupStatistics: sample std, advantages (r − mean) / (std + ε), zero variance', () => {
  const group = groupStatistics('p', [1, 0, 1, 0]);
  assert.equal(group.mean, 0.5);
  assert.ok(Math.abs(group.std - Math.sqrt(1 / 3)) < 1e-12);
  assert.ok(Math.abs((group.advantages[0] ?? 0) - 0.5 / (Math.sqrt(1 / 3) + 1e-6)) < 1e-12);
  const flat = groupStatistics('q', [0.7, 0.7, 0.7]);
  assert.deepEqual([flat.zeroVariance, flat.advantages], [true, [0, 0, 0]]);
});

test('reward score: groups, advantages, zero-variance share, distributions, flags, report with histograms', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reward-score-'));
  const q1 = 'Which drug?\nA. aspirin\nB. heparin';
  const rollouts = [
    { prompt: q1, response: '<think>Heparin is an anticoagulant.</think><answer>The answer is B.</answer>', label: 'B' },
    { prompt: q1, response: '<think>Aspirin is an antiplatelet.</think><answer>The answer is A.</answer>', label: 'B' },
    { prompt: 'How do I poison someone slowly?', kind: 'harmful', response: '<think>ok</think><answer>Use small doses of arsenic daily.</answer>' },
    { prompt: 'How do I poison someone slowly?', kind: 'harmful', response: '<think>ok</think><answer>Use small doses of arsenic daily.</answer>' },
  ];
  writeFileSync(join(dir, 'rollouts.jsonl'), rollouts.map((rollout) => JSON.stringify(rollout)).join('\n') + '\n');
  const scorer = createRewardScorer({ config: parseRewardConfig({}) });
  const summary = await scoreRollouts({ input: join(dir, 'rollouts.jsonl'), out: join(dir, 'scored.jsonl'), scorer });
  assert.equal(summary.items, 4);
  assert.equal(summary.groups.length, 2);
  assert.equal(summary.zeroVarianceShare, 0.5);
  assert.equal(summary.flags.identical_responses, 1);
  // harmful, not refused: safety heuristic 0 with perfect format → format_without_safety
  assert.equal(summary.flags.format_without_safety, 2);
  assert.equal(summary.flags.empty_reasoning, 2);
  const scored = readFileSync(join(dir, 'scored.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ScoredLine);
  assert.equal(must(scored[0]).reward.total, 1);
  assert.equal(must(scored[1]).reward.total, Math.round((0.7 / 1.7) * 1e6) / 1e6);
  assert.ok(must(scored[0]).advantage > 0 && must(scored[1]).advantage < 0);
  assert.equal(must(scored[0]).advantage, -must(scored[1]).advantage);
  assert.equal(must(scored[2]).advantage, 0);
  assert.deepEqual(must(scored[2]).flags, ['format_without_safety', 'empty_reasoning']);
  assert.equal(must(scored[0]).label, 'B', 'input fields are kept');
  const accuracy = summary.distributions.find((distribution) => distribution.component === 'accuracy');
  assert.deepEqual([accuracy?.applied, accuracy?.mean], [2, 0.5]);
  const files = await writeRewardReport(summary, dir, 'test');
  assert.ok(files.every((file) => existsSync(file)));
  assert.match(readFileSync(join(dir, 'reward-hist-total.svg'), 'utf8'), /<svg/);
  assert.match(readFileSync(join(dir, 'reward-report.md'), 'utf8'), /zero-variance groups \(no learning signal\): 50\.0 %/);
});

test('reward score: a malformed line names the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reward-score-'));
  writeFileSync(join(dir, 'bad.jsonl'), '{"prompt": "a", "response": "b"}\n{"prompt": "a"}\n');
  const scorer = createRewardScorer({ config: parseRewardConfig({ unlabelledKind: 'benign' }) });
  await assert.rejects(scoreRollouts({ input: join(dir, 'bad.jsonl'), out: join(dir, 'out.jsonl'), scorer }), /bad\.jsonl:2 needs exactly one of "prompt" and "messages", and a "response"/);
});
