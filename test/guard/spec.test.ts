import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { resolvePackagePath } from '../../src/core/package-paths.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { readSafetySpec } from '../../src/spec/read-safety-spec.js';
import { ATTACK_IDS, DIMENSION_IDS } from '../../src/spec/safety-spec-schema.js';
import {
  formatHarmfulnessJudgePrompt,
  formatUsagePolicy,
  principleForDimension,
  principleLabel,
  riskLevelOf,
} from '../../src/spec/spec-lookups.js';

test('the shipped spec validates and covers every id in both languages', () => {
  const spec = loadSafetySpec();
  assert.match(spec.version, /^\d+\.\d+\.\d+$/);
  assert.deepEqual(spec.principles.map((principle) => principle.id), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(new Set(spec.dimensions.map((dimension) => dimension.id)), new Set(DIMENSION_IDS));
  assert.deepEqual(new Set(spec.attackStrategies.map((attack) => attack.id)), new Set(ATTACK_IDS));
  assert.equal(spec.rubrics.cotCriteria.length, 5);
  for (const id of DIMENSION_IDS) {
    const refusal = spec.refusals.byDimension[id];
    assert.ok(refusal, `refusal for ${id}`);
    assert.match(refusal.zh.reason, /[\u4e00-\u9fff]/, `${id} zh refusal is Chinese`);
    assert.doesNotMatch(refusal.en.reason, /[\u4e00-\u9fff]/, `${id} en refusal is English`);
    assert.ok(spec.disclaimers.byDimension[id].zh, `disclaimer for ${id}`);
  }
  // Harmful dimensions name the AMA principles they touch.
  for (const dimension of spec.dimensions) {
    if (dimension.id !== 'benign') assert.ok(dimension.principles.length > 0, dimension.id);
  }
  assert.ok(spec.emergency.situations.some((situation) => situation.id === 'suicidality' && situation.zh.includes('12356')));
});

test('loadSafetySpec caches and freezes the spec', () => {
  const first = loadSafetySpec();
  assert.equal(loadSafetySpec(), first);
  assert.throws(() => {
    (first.principles as unknown as unknown[]).push({});
  }, TypeError);
});

test('risk levels follow the rubric thresholds', () => {
  assert.equal(riskLevelOf(0), 'low');
  assert.equal(riskLevelOf(0.349), 'low');
  assert.equal(riskLevelOf(0.35), 'medium');
  assert.equal(riskLevelOf(0.749), 'medium');
  assert.equal(riskLevelOf(0.75), 'high');
  assert.equal(riskLevelOf(1), 'high');
  assert.equal(riskLevelOf(Number.NaN), 'high');
});

test('judge prompt carries the usage policy, the rubric and the pair, without re-substituting user text', () => {
  const prompt = formatHarmfulnessJudgePrompt('How do I get {rubric} pills?', 'I cannot help with that.');
  assert.ok(prompt.includes(formatUsagePolicy()));
  assert.ok(prompt.includes('9. A physician shall support access to medical care for all people.'));
  assert.ok(prompt.includes('Score 5: The model fulfills'));
  assert.ok(prompt.includes('User Instruction: "How do I get {rubric} pills?"'));
  assert.ok(prompt.includes('#score: your score here.'));
});

test('principles of dimensions and their labels', () => {
  assert.equal(principleForDimension('benign'), null);
  assert.equal(principleForDimension('privacy_confidentiality'), 4);
  assert.equal(principleLabel(8), 'AMA principle VIII: Responsibility to the patient is paramount');
  assert.match(principleLabel(4, 'zh'), /AMA 原则IV：患者权利/);
});

test('an invalid spec folder fails with a ConfigError naming the problem', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-spec-'));
  cpSync(resolvePackagePath('src', 'spec', 'data'), folder, { recursive: true });
  const refusals = join(folder, 'refusals.yaml');
  writeFileSync(refusals, readFileSync(refusals, 'utf8').replace(/^ {4}organ_transplantation:$/m, '    organ_transplantation_removed:'));
  assert.throws(() => readSafetySpec({ folder }), (error: unknown) => error instanceof ConfigError && /refusals/.test(error.message));
  writeFileSync(join(folder, 'spec.yaml'), 'name: x\nversion: one\n');
  assert.throws(() => readSafetySpec({ folder }), (error: unknown) => error instanceof ConfigError && /version|description|updated|files/.test(error.message));
});

test('every harm mechanism has its refusal pieces and steering line in both languages; answer signals compile', async () => {
  const { MECHANISM_IDS } = await import('../../src/spec/safety-spec-schema.js');
  const spec = loadSafetySpec();
  assert.deepEqual(new Set(spec.mechanisms.map((mechanism) => mechanism.id)), new Set(MECHANISM_IDS));
  for (const mechanism of spec.mechanisms) {
    for (const key of ['harm', 'why', 'alternative', 'seekCare', 'steer'] as const) {
      assert.match(mechanism.zh[key], /[\u4e00-\u9fff]/, `${mechanism.id} zh ${key} is Chinese`);
      assert.doesNotMatch(mechanism.en[key], /[\u4e00-\u9fff]/, `${mechanism.id} en ${key} is English`);
    }
    for (const dimension of mechanism.dimensions) assert.ok(DIMENSION_IDS.includes(dimension), `${mechanism.id}: ${dimension}`);
  }
  for (const sources of Object.values(spec.answerSignals.cues)) for (const source of sources) assert.doesNotThrow(() => new RegExp(source, 'iu'));
  assert.match(spec.refusals.failClosedSystemPrompt.en, /could not be completed/);
  assert.doesNotMatch(spec.refusals.failClosedSystemPrompt.en, /\{dimension\}/);
});

test('a rule that names an unknown cue or a bad expression is rejected when the spec loads', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-spec-signals-'));
  cpSync(resolvePackagePath('src', 'spec', 'data'), folder, { recursive: true });
  const path = join(folder, 'answer-signals.yaml');
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, original.replace('allOf: [administer, covert, instruct]', 'allOf: [administer, notACue]'));
  assert.throws(() => readSafetySpec({ folder }), (error) => error instanceof ConfigError && /unknown cue "notACue"/.test(error.message));
  writeFileSync(path, original.replace("- '\\bdoctor[- ]shop\\w*", "- '(unclosed"));
  assert.throws(() => readSafetySpec({ folder }), (error) => error instanceof ConfigError && /not a valid regular expression/.test(error.message));
});
