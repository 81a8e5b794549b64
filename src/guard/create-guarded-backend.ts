/**
 * The SafeMed guard as middleware around a Backend (wrapBackend), so serve, eval --guard and chat
 * run one guarded path. Input check → allow / caution / steer / block / escalate; an answer check
 * while streaming, conditioned on the request's verdict; disclaimers in the user's language.
 *
 * Yields `{ type: 'verdict' }` parts — the input verdict first, the output verdict at the end
 * (before `finish`) — and fills `GenerateResult.verdicts`. Verdicts are data (`GuardVerdict`), never
 * thrown. Order guarantee: reasoning never follows answer text (a client shows reasoning first).
 * With structured output (`responseFormat` json_object / json_schema) nothing is added to the
 * content: the disclaimer and the emergency guidance are only in the verdicts (the `safemed` object).
 */
import { setImmediate } from 'node:timers/promises';
import type { Backend } from '../core/backend.js';
import { isStructuredOutput, type ChatMessage, type FinishReason, type GenerateRequest, type GenerateResult, type SafetyVerdict, type StreamPart, type TokenUsage } from '../core/chat.js';
import { MODEL_CARD_SYSTEM_PROMPT } from '../core/defaults.js';
import { silentLogger } from '../core/logger.js';
import { wrapBackend } from '../backends/wrap-backend.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { riskLevelOf } from '../spec/spec-lookups.js';
import { createAnswerCheck } from './check-answer.js';
import { checkInput, disclaimerDimension, emergencyNoticeFor, type InputCheck } from './check-input.js';
import { composeGuardInstruction } from './compose-guard-instruction.js';
import { composeAuditSummary, composeDisclaimer, composeRefusal, findMechanism } from './compose-guard-texts.js';
import { createOutputGuard, type OutputGuardState } from './create-output-guard.js';
import type { GuardOptions, GuardVerdict, RiskAssessor } from './guard-types.js';
import { loadDefaultAssessor, prepareDefaultAssessor } from './load-default-assessor.js';
import { createTimeSlicer } from './long-text.js';
import { DEFAULT_GUARD_POLICY } from './policy.js';
import { settingsTextForAssessment } from './settings-text-for-assessment.js';

/** Puts the steering instruction into the (single, leading) system message. */
export function withSafetySystemPrompt(messages: ChatMessage[], instruction: string, baseSystemPrompt: string): ChatMessage[] {
  const first = messages[0];
  if (first && (first.role === 'system' || first.role === 'developer')) {
    return [{ ...first, content: `${first.content}\n\n${instruction}` }, ...messages.slice(1)];
  }
  const content = baseSystemPrompt.trim() === '' ? instruction : `${baseSystemPrompt}\n\n${instruction}`;
  return [{ role: 'system', content }, ...messages];
}

/**
 * A controller that also aborts, with the same reason, when `parent` does: what AbortSignal.any gives,
 * without its cost per request (Node 20 keeps weak references and a finalizer for every combined
 * signal: ~40 µs a request at 50 in flight). `release` detaches it from the parent.
 */
function linkedController(parent: AbortSignal | undefined): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, release: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => undefined };
  }
  const onAbort = () => { controller.abort(parent.reason); };
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, release: () => { parent.removeEventListener('abort', onAbort); } };
}

/** Deltas longer than this are checked in slices, yielding to the event loop between them. */
const SLICE_CHARS = 8192;
/** The stream loop reads the clock every this many parts, and yields once a slice has run this long. */
const PARTS_PER_CLOCK_READ = 64;
const SLICE_MS = 8;

const ZERO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

type Source = (request: GenerateRequest) => AsyncIterable<StreamPart>;

export function createGuardedBackend(backend: Backend, options: GuardOptions = {}): Backend {
  const spec = options.spec ?? loadSafetySpec();
  const policy = options.policy ?? DEFAULT_GUARD_POLICY;
  const failMode = options.failMode ?? 'closed';
  const logger = options.logger ?? silentLogger;
  const checkOutput = options.checkOutput ?? true;
  const disclaimers = options.disclaimers ?? true;
  const baseSystemPrompt = options.baseSystemPrompt ?? MODEL_CARD_SYSTEM_PROMPT;
  const assessor = (): Promise<RiskAssessor> => (options.assess ? Promise.resolve(options.assess) : loadDefaultAssessor());
  if (!options.assess) prepareDefaultAssessor();

  /** The dimension a refusal for a mechanism speaks for: the request's, or the mechanism's first when the request's is benign. */
  const dimensionFor = (input: InputCheck, mechanism: string | null): string => {
    const own = input.verdict.dimension;
    if (own !== 'benign' && own !== 'general_harm') return own;
    return findMechanism(mechanism, spec)?.dimensions[0] ?? own;
  };

  const outputVerdict = (
    input: InputCheck,
    output: OutputGuardState | undefined,
    extras: { disclaimer?: string | undefined; disclaimerAdded: boolean; templated: boolean; withheldReasoning: number },
  ): GuardVerdict => {
    const reasons: string[] = [];
    if (extras.templated) reasons.push('templated refusal from the safety specification; the model was not called');
    else if (!output) reasons.push('output check disabled');
    else reasons.push(`answer checked in ${output.checkedSegments} segment(s) after ${input.followUp}`, ...output.reasons);
    if (extras.withheldReasoning > 0) reasons.push(`${extras.withheldReasoning} characters of model reasoning after the answer had started were withheld (reasoning never follows the answer)`);
    if (extras.disclaimerAdded) reasons.push(`disclaimer added (${input.language})`);
    else if (extras.disclaimer !== undefined) reasons.push('disclaimer only in the safemed object (structured output)');
    const replacement = output?.replacement;
    const stopped = output?.stopped ?? false;
    const mechanism = replacement?.mechanism ?? input.mechanism;
    const verdict: GuardVerdict = {
      action: extras.templated || stopped ? 'block' : input.verdict.action,
      risk: stopped ? 1 : 0,
      riskLevel: riskLevelOf(stopped ? 1 : 0, spec),
      dimension: stopped ? dimensionFor(input, mechanism) : input.verdict.dimension,
      principle: input.verdict.principle,
      attacks: [],
      reasons,
      stage: 'output',
      compliance: stopped ? 'fail' : 'pass',
      disclaimerAdded: extras.disclaimerAdded,
      mechanism,
    };
    if (extras.templated) {
      verdict.replacement = { kind: 'refused_request', channel: 'text', reason: 'the request was refused before the model was called', mechanism: input.mechanism };
      verdict.compliance = 'pass';
    } else if (replacement) verdict.replacement = replacement;
    if (extras.disclaimer !== undefined) verdict.disclaimer = extras.disclaimer;
    return verdict;
  };

  /** Requests being guarded at once (the assessor may run a lone one in this thread and hand the rest to its own). */
  let active = 0;

  /**
   * `stoppable`: the source is a live stream the output guard may have to stop (its own linked signal).
   * A non-streamed answer has already arrived whole, so it runs on the request's signal (an
   * AbortController per request is measurable in `serve`).
   */
  async function* guarded(request: GenerateRequest, source: Source, stoppable: boolean): AsyncGenerator<StreamPart> {
    active += 1;
    try {
      const assess = await assessor();
      // Text the client put in the settings (chat_template_kwargs, a JSON schema) is assessed too, as a
      // system message the model never sees in this form.
      const settingsText = settingsTextForAssessment(request.settings);
      const assessed: ChatMessage[] = settingsText === '' ? request.messages : [{ role: 'system', content: settingsText }, ...request.messages];
      const input = await checkInput(assessed, {
        assess,
        policy,
        llmGuard: options.llmGuard,
        failMode,
        spec,
        logger,
        signal: request.signal,
        concurrent: active,
      });
      const { verdict, language } = input;
      const structured = isStructuredOutput(request.settings);
      const escalating = verdict.action === 'escalate';
      const notice = escalating ? emergencyNoticeFor(input, spec) : undefined;
      if (notice !== undefined) verdict.emergencyNotice = notice;
      // Debug only: `safemed serve` puts the verdict in its one log line per request (a second line per
      // request cost a write to stderr each: measurable throughput under load).
      logger.debug('guard input verdict', {
        requestId: request.requestId,
        action: verdict.action,
        risk: Number(verdict.risk.toFixed(3)),
        dimension: verdict.dimension,
        mechanism: input.mechanism,
        attacks: verdict.attacks,
      });
      yield { type: 'verdict', verdict };

      const summary = (): string =>
        composeAuditSummary(
          { dimension: verdict.dimension, principle: verdict.principle, riskLevel: verdict.riskLevel, attacks: verdict.attacks, emergency: input.emergency?.id, mechanism: input.mechanism },
          language,
          spec,
        );

      if (input.followUp === 'block') {
        // Reasoning first, then the answer: the audit summary, the emergency guidance, the refusal.
        yield { type: 'reasoning-delta', text: summary() };
        if (notice !== undefined && !structured) yield { type: 'text-delta', text: `${notice}\n\n` };
        yield { type: 'text-delta', text: composeRefusal(verdict.dimension, language, spec, input.mechanism), refusal: true };
        yield { type: 'verdict', verdict: outputVerdict(input, undefined, { disclaimerAdded: false, templated: true, withheldReasoning: 0 }) };
        yield { type: 'finish', finishReason: 'content_filter' };
        return;
      }

      let textStarted = false;
      let withheldReasoning = 0;
      if (notice !== undefined && !structured) {
        // Emergency guidance comes first in the answer; the guard's short reasoning precedes it.
        yield { type: 'reasoning-delta', text: summary().split('\n')[0] ?? '' };
        yield { type: 'text-delta', text: `${notice}\n\n` };
        textStarted = true;
      }

      const instruction = composeGuardInstruction(input, policy.input.steer, spec);
      const messages = instruction === undefined ? request.messages : withSafetySystemPrompt(request.messages, instruction, baseSystemPrompt);
      const { controller, release } = stoppable ? linkedController(request.signal) : { controller: undefined, release: () => undefined };
      const signal = controller?.signal ?? request.signal;
      const outputGuard = checkOutput
        ? createOutputGuard({
            check: createAnswerCheck(spec, { requestAction: input.followUp, mechanism: input.mechanism, dimension: verdict.dimension }),
            refusal: (hazard) => {
              const mechanism = hazard?.mechanism ?? input.mechanism;
              return composeRefusal(dimensionFor(input, mechanism), language, spec, mechanism);
            },
            language,
            failMode,
            spec,
            logger,
          })
        : undefined;
      let finishReason: FinishReason = 'stop';
      let usage: TokenUsage | undefined;
      /** Applies the order guarantee to what the output guard (or the model) releases. */
      function* emit(parts: Iterable<StreamPart>): Generator<StreamPart> {
        for (const part of parts) {
          if (part.type === 'reasoning-delta' && textStarted) {
            withheldReasoning += part.text.length;
            continue;
          }
          if (part.type === 'text-delta' && part.text !== '') textStarted = true;
          yield part;
        }
      }
      // An upstream burst (thousands of parts in one read) arrives in microtasks: every PARTS_PER_CLOCK_READ
      // parts, once a slice of SLICE_MS has run, the event loop gets a turn (other requests, /health).
      const slicer = createTimeSlicer(SLICE_MS);
      let parts = 0;
      try {
        for await (const part of source(signal === undefined ? { ...request, messages } : { ...request, messages, signal })) {
          parts += 1;
          if (parts % PARTS_PER_CLOCK_READ === 0) await slicer.pause(signal);
          if (part.type === 'reasoning-delta' || part.type === 'text-delta') {
            if (!outputGuard) {
              yield* emit([part]);
              continue;
            }
            // A huge delta is checked in slices, letting other requests run in between (no freeze).
            for (let offset = 0; offset < part.text.length && !outputGuard.state.stopped; offset += SLICE_CHARS) {
              if (offset > 0) await setImmediate();
              const text = part.text.length <= SLICE_CHARS ? part.text : part.text.slice(offset, offset + SLICE_CHARS);
              yield* emit(outputGuard.push({ ...part, text }));
            }
            if (outputGuard.state.stopped) {
              controller?.abort();
              break;
            }
          } else if (part.type === 'usage') usage = part.usage;
          else if (part.type === 'finish') finishReason = part.finishReason;
          else yield part;
        }
      } catch (error) {
        if (!(outputGuard?.state.stopped && (controller === undefined || controller.signal.aborted))) throw error;
      } finally {
        release();
      }
      if (outputGuard) yield* emit(outputGuard.end());
      const stopped = outputGuard?.state.stopped ?? false;
      const wantsDisclaimer = disclaimers && !stopped && (verdict.action === 'caution' || escalating || input.followUp === 'caution');
      const disclaimer = wantsDisclaimer ? composeDisclaimer(disclaimerDimension(input, verdict.dimension), language, spec) : undefined;
      const disclaimerAdded = disclaimer !== undefined && !structured;
      if (disclaimerAdded) yield { type: 'text-delta', text: `\n\n${disclaimer}` };
      if (usage) yield { type: 'usage', usage };
      const final = outputVerdict(input, outputGuard?.state, { disclaimer, disclaimerAdded, templated: false, withheldReasoning });
      if (final.action === 'block' || final.compliance === 'fail') {
        logger.warn('guard output verdict', { requestId: request.requestId, action: final.action, dimension: final.dimension, mechanism: final.mechanism ?? null });
      }
      yield { type: 'verdict', verdict: final };
      yield { type: 'finish', finishReason: stopped ? 'content_filter' : finishReason };
    } finally {
      active -= 1;
    }
  }

  /** Non-streaming: one upstream generate, then the same pipeline over its result. */
  async function* fromGenerate(generate: (request: GenerateRequest) => Promise<GenerateResult>, request: GenerateRequest): AsyncGenerator<StreamPart> {
    const result = await generate(request);
    if (result.reasoning !== '') yield { type: 'reasoning-delta', text: result.reasoning };
    if (result.text !== '') yield { type: 'text-delta', text: result.text };
    for (const verdict of result.verdicts) yield { type: 'verdict', verdict };
    yield { type: 'usage', usage: result.usage };
    yield { type: 'finish', finishReason: result.finishReason };
  }

  return wrapBackend(backend, {
    wrapStream: ({ request, doStream }) => guarded(request, doStream, true),
    wrapGenerate: ({ request, doGenerate }) => collectGenerateResult(guarded(request, (inner) => fromGenerate(doGenerate, inner), false)),
    close: async () => {
      await Promise.all([options.llmGuard?.close(), options.assess?.close?.()]);
    },
  });
}

/** Collects a stream of parts into a GenerateResult (verdicts in order). */
export async function collectGenerateResult(parts: AsyncIterable<StreamPart>): Promise<GenerateResult> {
  let reasoning = '';
  let text = '';
  let finishReason: FinishReason = 'stop';
  let usage = ZERO_USAGE;
  const verdicts: SafetyVerdict[] = [];
  for await (const part of parts) {
    if (part.type === 'reasoning-delta') reasoning += part.text;
    else if (part.type === 'text-delta') text += part.text;
    else if (part.type === 'usage') usage = part.usage;
    else if (part.type === 'verdict') verdicts.push(part.verdict);
    else finishReason = part.finishReason;
  }
  return { reasoning, text, finishReason, usage, verdicts };
}
