/**
 * The actions of `safemed guard check` and `safemed guard scan` (loaded only when one runs): the
 * guard's input decision on a text, a conversation or a JSONL file, without calling a model. zod
 * loads only where something needs validating: guard settings given, a --messages file, scan lines.
 */
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { ChatMessage } from '../../core/chat.js';
import type { GuardFlags } from '../create-guard-from-flags.js';
import { DataFormatError, InvalidRequestError, describeError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { guardOptionsFromSettings, resolveGuardSettings } from '../../guard/guard-options-from-settings.js';
import type { GuardOptions } from '../../guard/guard-types.js';
import { previewGuardDecision, type GuardPreview } from '../../guard/preview-guard-decision.js';
import { loadSafetySpec } from '../../spec/load-safety-spec.js';
import { dimensionName, principleLabel } from '../../spec/spec-lookups.js';


async function guardOptionsFrom(flags: GuardFlags): Promise<{ options: GuardOptions; close(): Promise<void> }> {
  const settings = await resolveGuardSettings({
    flags: { guard: true, ...Object.fromEntries(Object.entries(flags).filter(([key, value]) => key.startsWith('guard') && value !== undefined)) },
    env: process.env,
  });
  const setup = await guardOptionsFromSettings(settings, { logger: createLogger({ level: 'warn' }) });
  const { options } = setup;
  if (!options) throw new Error('the guard is on here, so guardOptionsFromSettings returns its options');
  return { options, close: () => setup.close() };
}

async function readMessagesFile(path: string): Promise<ChatMessage[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataFormatError(`Cannot read the conversation ${path}: ${describeError(error)}.`, {
      file: path,
      fix: 'Pass a JSON file holding [{"role":"user","content":"..."}] or {"messages":[...]}.',
    });
  }
  const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'messages' in raw ? (raw).messages : raw;
  const { chatMessagesSchema } = await import('../../guard/scan-guard-input.js');
  const parsed = chatMessagesSchema.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataFormatError(`Invalid conversation in ${path} at ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}.`, {
      file: path,
      fix: 'Each message needs a role (system, user, assistant) and a string content.',
    });
  }
  return parsed.data;
}

/** The human-readable verdict of `guard check`. */
export function formatGuardPreview(preview: GuardPreview): string {
  const { verdict } = preview;
  const spec = loadSafetySpec();
  const attackNames = verdict.attacks.map((id) => spec.attackStrategies.find((attack) => attack.id === id)?.name ?? id);
  const lines = [
    `action:     ${verdict.action}`,
    `risk:       ${verdict.risk.toFixed(3)} (${verdict.riskLevel})`,
    `dimension:  ${verdict.dimension} (${dimensionName(verdict.dimension, 'en', spec)} / ${dimensionName(verdict.dimension, 'zh', spec)})`,
    `principle:  ${principleLabel(verdict.principle, 'en', spec)}`,
    `attacks:    ${attackNames.length > 0 ? attackNames.join(', ') : 'none'}`,
    `compliance: ${verdict.compliance}`,
    'reasons:',
    ...verdict.reasons.map((reason) => `  - ${reason}`),
  ];
  const shown = (label: string, text: string | undefined) => {
    if (text) lines.push(`${label} (${preview.language}):`, ...text.split('\n').map((line) => `  ${line}`));
  };
  shown('emergency guidance shown first', preview.emergency);
  shown('refusal shown instead of a model answer', preview.refusal);
  shown('system prompt the model would get', preview.steerSystemPrompt);
  shown('disclaimer appended to the answer', preview.disclaimer);
  if (verdict.action === 'allow') lines.push('the model answers as is.');
  return lines.join('\n');
}

export async function runGuardCheck(text: string | undefined, flags: GuardFlags & { messages?: string; json?: boolean }): Promise<void> {
  if ((text === undefined) === (flags.messages === undefined)) {
    throw new InvalidRequestError('Give either a text or --messages <file.json>.', { fix: 'safemed guard check "How much ibuprofen can I take?"' });
  }
  const messages = flags.messages ? await readMessagesFile(flags.messages) : [{ role: 'user' as const, content: text ?? '' }];
  const guard = await guardOptionsFrom(flags);
  try {
    const preview = await previewGuardDecision(messages, guard.options);
    process.stdout.write(flags.json ? `${JSON.stringify(preview, null, 2)}\n` : `${formatGuardPreview(preview)}\n`);
  } finally {
    await guard.close();
  }
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function runGuardScan(flags: GuardFlags & { input: string; output?: string }): Promise<void> {
  let size: number;
  try {
    size = statSync(flags.input).size;
  } catch (error) {
    throw new InvalidRequestError(`Cannot read --input ${flags.input}: ${describeError(error)}.`, { fix: 'Pass a JSONL file: one {"id","text"} or {"id","messages"} per line.' });
  }
  const { scanGuardLine } = await import('../../guard/scan-guard-input.js');
  const guard = await guardOptionsFrom(flags);
  const output: Writable = flags.output ? createWriteStream(flags.output) : process.stdout;
  const cliProgress = process.stderr.isTTY ? (await import('cli-progress')).default : undefined;
  const bar = cliProgress
    ? new cliProgress.SingleBar({ format: 'guard scan |{bar}| {percentage}% {value}/{total} bytes | {lines} lines', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(size, 0, { lines: 0 });
  const counts: Record<string, number> = { allow: 0, caution: 0, steer: 0, block: 0, escalate: 0 };
  const badLines: number[] = [];
  let bytes = 0;
  let lineNumber = 0;
  const report = (line: string) => {
    if (bar) bar.stop();
    process.stderr.write(`${line}\n`);
    if (bar) bar.start(size, bytes, { lines: lineNumber });
  };
  try {
    const reader = createInterface({ input: createReadStream(flags.input, 'utf8'), crlfDelay: Infinity });
    for await (const line of reader) {
      lineNumber += 1;
      bytes += Buffer.byteLength(line, 'utf8') + 1;
      const outcome = await scanGuardLine(line, lineNumber, guard.options);
      if ('error' in outcome) {
        badLines.push(lineNumber);
        report(`${flags.input}:${lineNumber}: skipped: ${outcome.error.message}`);
      } else if ('result' in outcome) {
        counts[outcome.result.action] = (counts[outcome.result.action] ?? 0) + 1;
        await write(output, `${JSON.stringify(outcome.result)}\n`);
      }
      bar?.update(Math.min(bytes, size), { lines: lineNumber });
    }
  } finally {
    bar?.stop();
    if (output !== process.stdout) {
      output.end();
      await once(output, 'finish');
    }
    await guard.close();
  }
  const scanned = Object.values(counts).reduce((sum, count) => sum + count, 0);
  process.stderr.write(
    `guard scan: ${scanned} scanned (${Object.entries(counts).map(([action, count]) => `${action} ${count}`).join(', ')}); ` +
      `${badLines.length} bad line(s)${badLines.length > 0 ? ` skipped: ${badLines.slice(0, 20).join(', ')}${badLines.length > 20 ? ', ...' : ''}` : ''}` +
      `${flags.output ? `; written to ${flags.output}` : ''}\n`,
  );
  if (badLines.length > 0) process.exitCode = 1;
}
