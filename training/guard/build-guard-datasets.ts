/**
 * Assembles the training set, the calibration set and the leave-one-source-out dev sets. Whole sources
 * are held out for dev (MedSafetyBench gpt4 requests, HarmBench, StrongREJECT, LiveQA, MMLU medical and
 * CMMLU question texts, held-out template groups, half of the MedEthicEval scenarios, the
 * project-written probes and conversations) and 2,000 MedQuAD questions. The guard corpus is added
 * by corpus-training-examples.ts; decision points are chosen on the corpus dev split.
 */
import type { ChatMessage } from '../../src/core/chat.js';
import { createSeededRandom, shuffleInPlace } from './train-linear-model.js';
import type { GuardSources } from './read-training-sources.js';
import type { TrainingExample } from './training-example.js';
import { WRITTEN_BENIGN_EN, WRITTEN_HARMFUL_EN } from './written-contrast-pairs.js';
import {
  BENIGN_TASK_TEMPLATES_EN,
  DEV_WRAPPERS_EN,
  DEV_WRAPPERS_ZH,
  TRAIN_WRAPPERS_EN,
  TRAIN_WRAPPERS_ZH,
  WRITTEN_BENIGN_ZH,
  WRITTEN_HARMFUL_ZH,
} from './written-templates.js';
import { readProbeSet, type Probe } from './read-probe-sets.js';
import { obfuscateForDev } from './obfuscate-for-dev.js';
import { generateContrastRequests } from './generate-contrast-requests.js';
import { generateSafetyContrasts } from './generate-safety-contrasts.js';
import { generateZhContrasts, generateZhEthicsQuestions } from './generate-zh-contrasts.js';
import { WRITTEN_XSTEST_LIKE } from './written-xstest-like.js';
import { generateClinicalQuestions } from './generate-clinical-questions.js';
import { generateRightsQuestions } from './generate-rights-questions.js';
import { generateZhEthicsAttacks } from './generate-zh-ethics-attacks.js';
import { generateStyleVariants } from './generate-style-variants.js';
import { generateGenericHarm } from './generate-generic-harm.js';
import { generatePerspectiveContrasts } from './generate-perspective-contrasts.js';

export interface DevItem {
  text?: string;
  messages?: ChatMessage[];
  label: 0 | 1;
  language: 'en' | 'zh';
}

export interface DevSet {
  name: string;
  description: string;
  items: DevItem[];
}

export interface GuardDatasets {
  /** Shared training sources and the project's generated/phrase-table data (no corpus; see corpus-training-examples.ts). */
  train: TrainingExample[];
  /** Held-out shared sources and the probe sets: never trained on. */
  dev: DevSet[];
}

export interface BuildGuardDatasetsOptions {
  seed: number;
  /** Upper bound of med-harm-llama3 lines per AMA category. */
  medHarmPerCategory?: number;
}

function sample<T>(items: T[], count: number, random: () => number): T[] {
  return shuffleInPlace(items.slice(), random).slice(0, count);
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

function conversationItems(conversations: Probe[], label: 'harmful' | 'benign'): DevItem[] {
  return conversations
    .filter((item) => item.label === label)
    .map((item) => ({ messages: item.messages ?? [], label: label === 'harmful' ? 1 : 0, language: item.language }));
}

function textItems(probes: Probe[]): DevItem[] {
  return probes.map((probe) => ({ text: probe.text ?? '', label: probe.label === 'harmful' ? 1 : 0, language: probe.language }));
}

export function wrapRequest(template: string, request: string): string {
  if (template.includes('{request}')) return template.replace('{request}', request);
  const placeholder = /\[insert prompt here\]|\{prompt\}|\[prompt\]/i;
  return placeholder.test(template) ? template.replace(placeholder, request) : `${template}\n\n${request}`;
}

export function buildGuardDatasets(sources: GuardSources, options: BuildGuardDatasetsOptions): GuardDatasets {
  const random = createSeededRandom(options.seed);
  const perCategory = options.medHarmPerCategory ?? 100_000;
  const train: TrainingExample[] = [];

  // --- harmful, as written ---
  for (let category = 1; category <= 9; category += 1) {
    const lines = sources.medHarmLlama3.filter((example) => example.principle === category);
    train.push(...sample(lines, perCategory, random));
  }
  train.push(...sources.medSafetyBenchLlama2, ...sources.genericHarmful, ...sources.flamesZh);
  const scenarios = Array.from(new Set(sources.medEthicEvalViolation.map((example) => example.group ?? ''))).sort(
    (left, right) => hashString(left) - hashString(right),
  );
  const trainScenarios = new Set(scenarios.slice(0, Math.ceil(scenarios.length / 2)));
  const medEthicTrain = sources.medEthicEvalViolation.filter((example) => trainScenarios.has(example.group ?? ''));
  const medEthicDev = sources.medEthicEvalViolation.filter((example) => !trainScenarios.has(example.group ?? ''));
  train.push(...medEthicTrain);
  for (const text of WRITTEN_HARMFUL_EN) train.push({ text, label: 1, source: 'written:harmful-en', language: 'en' });
  for (const text of WRITTEN_HARMFUL_ZH) train.push({ text, label: 1, source: 'written:harmful-zh', language: 'zh' });

  // --- benign, as written ---
  const medquad = shuffleInPlace(sources.medquad.slice(), random);
  const medquadDev = medquad.slice(14000, 16000);
  train.push(...medquad.slice(0, 14000), ...sample(sources.alpaca, 10000, random));
  const zhDialogue = shuffleInPlace(sources.zhDialogue.slice(), random);
  const zhDialogueDev = zhDialogue.slice(0, 700);
  train.push(...zhDialogue.slice(700), ...sources.benchQuestionsTrain);
  for (const text of WRITTEN_BENIGN_EN) train.push({ text, label: 0, source: 'written:benign-en', language: 'en' });
  for (const text of WRITTEN_BENIGN_ZH) train.push({ text, label: 0, source: 'written:benign-zh', language: 'zh' });
  const englishSentences = sources.benignSentences.filter((example) => example.language === 'en');
  const chineseSentences = sources.benignSentences.filter((example) => example.source === 'zh-dialogue-answer');
  const chineseTitles = zhDialogue
    .slice(700)
    .filter((example) => example.group && example.group !== example.text)
    .map((example): TrainingExample => ({ text: example.group as string, label: 0, source: 'zh-dialogue-title', language: 'zh' }));
  train.push(...sample(englishSentences, 15000, random), ...sample(chineseSentences, 5000, random), ...chineseTitles);
  // Sentence windows of long bench questions (vignettes, abstracts): run time scores such windows too.
  for (const example of sources.benchQuestionsTrain) {
    if (example.text.length < 250) continue;
    const sentences = example.text.split(/(?<=[.!?。！？；])\s*|\n+/u).filter((sentence) => sentence.trim().length > 0);
    for (let index = 0; index < sentences.length; index += 1) {
      if (random() < 0.25) train.push({ ...example, text: sentences.slice(index, index + 1 + Math.floor(random() * 2)).join(' '), source: `${example.source}:window` });
    }
  }
  train.push(...generateContrastRequests(sources.medquadFocus, 8000, random), ...generateSafetyContrasts(random), ...generateZhContrasts(3000, random), ...generateZhEthicsQuestions(3000, random), ...generateClinicalQuestions(2500, random), ...generateRightsQuestions(1500, random));
  train.push(...generateZhEthicsAttacks(10000, random));
  // Style variants of training-source requests (never of dev sources), harmful and benign alike.
  const medHarmPool = train.filter((example) => example.source === 'med-harm-llama3' || example.source === 'medsafetybench-llama2');
  train.push(...generateStyleVariants(medHarmPool, 8000, random, 'written:style-harmful'));
  train.push(...generateStyleVariants(sources.genericHarmful, 2500, random, 'written:generic-style-variant'));
  train.push(...generateGenericHarm(3000, random));
  const benignStylePool = train.filter((example) => example.label === 0 && (example.source === 'alpaca' || example.source === 'medquad' || example.source === 'written:benign-task'));
  train.push(...generateStyleVariants(benignStylePool, 9000, random, 'written:style-benign'));
  for (const text of WRITTEN_XSTEST_LIKE) train.push({ text, label: 0, source: 'written:benign-xstest', language: 'en' });
  // Bare topic names ("Osteoclasts", "Iron overdose"): a short text without evidence must stay low on every head.
  for (const topic of sample(sources.medquadFocus, 3000, random)) train.push({ text: topic, label: 0, source: 'medquad-focus', language: 'en' });
  for (const topic of sample(sources.medquadFocus, 6000, random)) {
    const template = BENIGN_TASK_TEMPLATES_EN[Math.floor(random() * BENIGN_TASK_TEMPLATES_EN.length)] as string;
    train.push({ text: template.replace('{topic}', topic), label: 0, source: 'written:benign-task', language: 'en' });
  }

  // --- wrapped: the same wrappers around harmful (label 1) and benign (label 0) requests ---
  const templateGroups = Array.from(new Set(sources.jailbreakTemplates.map((template) => template.group))).sort(
    (left, right) => hashString(left) - hashString(right),
  );
  const devTemplateGroups = new Set(templateGroups.slice(0, Math.floor(templateGroups.length * 0.3)));
  const trainTemplates = sources.jailbreakTemplates.filter((template) => !devTemplateGroups.has(template.group)).map((template) => template.text);
  const devTemplates = sources.jailbreakTemplates.filter((template) => devTemplateGroups.has(template.group)).map((template) => template.text);
  const harmfulEn = train.filter((example) => example.label === 1 && example.language === 'en');
  const harmfulZh = train.filter((example) => example.label === 1 && example.language === 'zh');
  const benignEn = train.filter((example) => example.label === 0 && example.language === 'en' && example.text.length < 300);
  const benignZh = train.filter((example) => example.label === 0 && example.language === 'zh' && example.text.length < 200);
  const wrapped: TrainingExample[] = [];
  const wrapMany = (pool: TrainingExample[], templates: string[], count: number, source: string): void => {
    for (const example of sample(pool, count, random)) {
      const template = templates[Math.floor(random() * templates.length)] as string;
      wrapped.push({ ...example, text: wrapRequest(template, example.text), source });
    }
  };
  wrapMany(harmfulEn, TRAIN_WRAPPERS_EN, 2500, 'written:wrapped-harmful');
  wrapMany(benignEn, TRAIN_WRAPPERS_EN, 2500, 'written:wrapped-benign');
  wrapMany(harmfulZh, TRAIN_WRAPPERS_ZH, 1200, 'written:wrapped-harmful-zh');
  wrapMany(benignZh, TRAIN_WRAPPERS_ZH, 1200, 'written:wrapped-benign-zh');
  wrapMany(harmfulEn, trainTemplates, 1200, 'jailbreak-template:harmful');
  wrapMany(benignEn, trainTemplates, 800, 'jailbreak-template:benign');
  train.push(...wrapped);
  // Round 4: perspective contrasts (victim / carer / relative vs perpetrator) and dangerous diets; own seeded stream.
  train.push(...generatePerspectiveContrasts(225));

  shuffleInPlace(train, random);

  // --- dev sets (never trained on) ---
  const gpt4 = sources.medSafetyBenchGpt4;
  const asItems = (examples: TrainingExample[]): DevItem[] => examples.map((example) => ({ text: example.text, label: example.label, language: example.language }));
  const wrappedDev: DevItem[] = [];
  for (const [position, example] of gpt4.entries()) {
    const useTemplate = position % 2 === 0 && devTemplates.length > 0;
    const template = useTemplate ? (devTemplates[position % devTemplates.length] as string) : (DEV_WRAPPERS_EN[position % DEV_WRAPPERS_EN.length] as string);
    wrappedDev.push({ text: wrapRequest(template, example.text), label: 1, language: 'en' });
  }
  const benignWrappedDev: DevItem[] = sources.liveqa
    .map((example) => example.text)
    .concat(sources.benchQuestionsDev.filter((example) => example.source === 'bench:mmlu-medical').slice(0, 96).map((example) => example.text))
    .map((text, position) => ({ text: wrapRequest(DEV_WRAPPERS_EN[position % DEV_WRAPPERS_EN.length] as string, text), label: 0 as const, language: 'en' as const }));
  const zhWrappedDev: DevItem[] = medEthicDev.map((example, position) => ({
    text: wrapRequest(DEV_WRAPPERS_ZH[position % DEV_WRAPPERS_ZH.length] as string, example.text),
    label: 1,
    language: 'zh',
  }));
  const dev: DevSet[] = [
    { name: 'harmful-med-plain', description: 'MedSafetyBench train gpt4 subset (held-out generator), plain', items: asItems(gpt4) },
    { name: 'harmful-generic-plain', description: 'HarmBench (no copyright) + StrongREJECT, plain', items: asItems(sources.heldOutGenericHarmful) },
    { name: 'harmful-med-wrapped', description: 'gpt4 requests in held-out jailbreak template groups and dev-only wrappers', items: wrappedDev },
    { name: 'harmful-med-obfuscated', description: 'gpt4 requests in base64, rot13, leetspeak, split letters, reversed', items: obfuscateForDev(gpt4.slice(0, 100).map((example) => example.text)) },
    { name: 'harmful-zh-med-ethics', description: 'MedEthicEval violation rows of held-out scenarios', items: asItems(medEthicDev) },
    { name: 'harmful-zh-med-ethics-wrapped', description: 'the same in dev-only Chinese wrappers', items: zhWrappedDev },
    { name: 'multi-turn-harmful', description: 'project-written harmful conversations, set A (used while developing the rules)', items: conversationItems(readProbeSet('multi-turn-a'), 'harmful') },
    { name: 'multi-turn-benign', description: 'project-written benign conversations, set A', items: conversationItems(readProbeSet('multi-turn-a'), 'benign') },
    { name: 'benign-liveqa', description: 'LiveQA medical consumer questions (held-out source)', items: asItems(sources.liveqa) },
    { name: 'benign-medquad-holdout', description: '2,000 MedQuAD questions left out of training (same templated style as the 14,000 trained on)', items: asItems(medquadDev) },
    { name: 'benign-mmlu-medical', description: 'MMLU medical question texts (held-out bench file)', items: asItems(sources.benchQuestionsDev.filter((example) => example.source === 'bench:mmlu-medical')) },
    { name: 'benign-cmmlu', description: 'CMMLU medical question texts (held-out bench file)', items: asItems(sources.benchQuestionsDev.filter((example) => example.source === 'bench:cmmlu')) },
    { name: 'benign-zh-dialogue-holdout', description: '700 held-out Chinese patient questions', items: asItems(zhDialogueDev) },
    { name: 'benign-over-refusal-probes', description: 'project-written XSTest-like probes', items: textItems(readProbeSet('over-refusal-a')) },
    { name: 'benign-wrapped', description: 'LiveQA + MMLU questions in dev-only wrappers', items: benignWrappedDev },
    { name: 'fresh-multi-turn-harmful', description: 'project-written set B (one error-analysis round in v1)', items: conversationItems(readProbeSet('multi-turn-b'), 'harmful') },
    { name: 'fresh-multi-turn-benign', description: 'set B, benign conversations', items: conversationItems(readProbeSet('multi-turn-b'), 'benign') },
    { name: 'holdout-multi-turn-harmful', description: 'project-written set C (measured once in v1 before round 3)', items: conversationItems(readProbeSet('multi-turn-c'), 'harmful') },
    { name: 'holdout-multi-turn-benign', description: 'set C, benign conversations', items: conversationItems(readProbeSet('multi-turn-c'), 'benign') },
    { name: 'fresh-over-refusal-probes', description: 'second project-written XSTest-like set B (one error-analysis round in v1)', items: textItems(readProbeSet('over-refusal-b')) },
    { name: 'multi-turn-d-harmful', description: 'project-written conversations, set D (v1 fitted its drift rule to it; the rule is gone)', items: conversationItems(readProbeSet('multi-turn-d'), 'harmful') },
    { name: 'multi-turn-d-benign', description: 'set D, benign conversations', items: conversationItems(readProbeSet('multi-turn-d'), 'benign') },
    { name: 'perspective-probes-benign', description: 'v1 round-4 perspective probes (victims, carers, relatives; v1 generated contrasts for them)', items: textItems(readProbeSet('perspective').filter((probe) => probe.label === 'benign')) },
    { name: 'perspective-probes-harmful', description: 'v1 round-4 probes: dangerous diets for a child', items: textItems(readProbeSet('perspective').filter((probe) => probe.label === 'harmful')) },
  ];
  return { train, dev };
}
