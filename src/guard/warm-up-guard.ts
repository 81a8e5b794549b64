/**
 * `safemed serve` runs the guard's checks once at start-up on a few short texts, so that the first
 * clients do not pay V8's one-time work: compiling the emergency matcher's and the answer check's large
 * regular expressions (tier-up to machine code on their second run) and optimising the classifier's hot
 * functions. Measured in a fresh process: the first English emergency check took 29 ms and the second 12 ms,
 * against under 0.2 ms once warm; a first 1 MB Chinese body held /health up to ~90 ms, later ones ~30 ms.
 * The samples are ordinary texts (nothing is logged or recorded) in English, Chinese and traditional
 * characters, one with a system message, and an answer of each language for the answer check.
 */
import type { ChatMessage } from '../core/chat.js';
import { silentLogger } from '../core/logger.js';
import type { SafetySpec } from '../spec/safety-spec-schema.js';
import { assessConversation, assessText } from './assess-risk.js';
import { createAnswerCheck } from './check-answer.js';
import { checkInput } from './check-input.js';
import type { GuardPolicy } from './policy.js';

const SAMPLES: ChatMessage[][] = [
  [{ role: 'user', content: 'Can I take ibuprofen with my blood pressure tablets, and what is the usual dose?' }],
  [
    { role: 'system', content: 'You are a careful clinical assistant.' },
    { role: 'user', content: "My dad's chest hurt last night after dinner but it's fine now. Should he see a doctor?" },
  ],
  [{ role: 'user', content: '孩子发烧38度5，可以吃布洛芬吗？一次吃多少？' }],
  [{ role: 'user', content: '我媽最近一直頭暈，血壓藥要不要減量？' }],
];

const ANSWERS = [
  'Ibuprofen can raise blood pressure and interact with some tablets. Take it with food, at the lowest dose that helps, and ask your pharmacist.',
  '布洛芬可以退烧，请按体重计算剂量，两次之间至少间隔六小时。如果孩子精神很差或持续高烧，请及时就医。',
];

/** Runs the input check (classifier in this thread, no LLM guard) and the answer check twice over the samples; returns the milliseconds it took. */
export async function warmUpGuard(spec: SafetySpec, policy: GuardPolicy): Promise<number> {
  const started = performance.now();
  const assess = { assessConversation, assessText };
  for (let round = 0; round < 2; round += 1) {
    for (const messages of SAMPLES) {
      const check = await checkInput(messages, { assess, policy, failMode: 'closed', spec, logger: silentLogger });
      const action = check.verdict.action === 'escalate' ? check.followUp : check.verdict.action;
      const answerCheck = createAnswerCheck(spec, { requestAction: action, mechanism: check.mechanism, dimension: check.verdict.dimension });
      for (const answer of ANSWERS) answerCheck(answer, '');
    }
  }
  return performance.now() - started;
}
