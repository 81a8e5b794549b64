/**
 * Guard playground: a request, or a pasted conversation, → what this server's guard decides (verdict,
 * reasons) and the texts it would show: emergency guidance, refusal, disclaimer, steering prompt.
 */
import { useState } from 'preact/hooks';
import { apiJson, type ChatMessage } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import { VerdictTags } from '../components/verdict-tags.js';
import { useConsole } from '../console-context.js';

interface GuardPreview {
  verdict: {
    action: 'allow' | 'caution' | 'steer' | 'block' | 'escalate';
    risk: number;
    riskLevel: 'low' | 'medium' | 'high';
    dimension: string;
    principle: number | null;
    attacks: string[];
    reasons: string[];
    compliance: 'pass' | 'fail';
    disclaimerAdded: boolean;
  };
  language: string;
  emergency?: string;
  refusal?: string;
  disclaimer?: string;
  steerSystemPrompt?: string;
}

/** JSON ([…] or {messages: […]}) or "User: … / Assistant: …" lines. */
export function parseConversation(text: string): ChatMessage[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const value = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(value) ? value : (value as { messages?: unknown }).messages;
    if (!Array.isArray(list)) throw new Error('expected a list of messages');
    return list.map((item: unknown) => {
      const message = item as { role?: unknown; content?: unknown };
      if ((message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') || typeof message.content !== 'string') {
        throw new Error('each message needs role user|assistant|system and a text content');
      }
      return { role: message.role, content: message.content };
    });
  }
  const messages: ChatMessage[] = [];
  for (const line of trimmed.split('\n')) {
    const match = /^\s*(user|assistant|system|用户|助手)\s*[:：]\s*(.*)$/iu.exec(line);
    if (match) {
      const speaker = (match[1] ?? '').toLowerCase();
      const role = speaker === 'assistant' || speaker === '助手' ? 'assistant' : speaker === 'system' ? 'system' : 'user';
      messages.push({ role, content: match[2] ?? '' });
    } else if (messages.length > 0) {
      const last = messages[messages.length - 1];
      if (last) last.content += `\n${line}`;
    } else messages.push({ role: 'user', content: line });
  }
  if (messages.length === 0) throw new Error('empty');
  return messages;
}

export default function PlaygroundPage() {
  const { t } = useConsole();
  const [mode, setMode] = useState<'single' | 'conversation'>('single');
  const [text, setText] = useState('');
  const [result, setResult] = useState<GuardPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const check = (event: Event) => {
    event.preventDefault();
    setError(null);
    let body: unknown;
    try {
      body = mode === 'single' ? { text } : { messages: parseConversation(text) };
    } catch (parseError) {
      setError(new Error(t('playground.badConversation', { error: parseError instanceof Error ? parseError.message : String(parseError) })));
      return;
    }
    setBusy(true);
    apiJson<GuardPreview>('playground', { json: body })
      .then(setResult)
      .catch(setError)
      .finally(() => { setBusy(false); });
  };
  const verdict = result?.verdict;
  return (
    <section class="page playground" aria-labelledby="page-title">
      <h1 id="page-title">{t('playground.title')}</h1>
      <p class="muted">{t('playground.intro')}</p>
      <form onSubmit={check} class="stack">
        <fieldset class="inline">
          <legend>{t('playground.mode')}</legend>
          <label>
            <input type="radio" name="mode" value="single" checked={mode === 'single'} onChange={() => { setMode('single'); }} /> {t('playground.single')}
          </label>
          <label>
            <input type="radio" name="mode" value="conversation" checked={mode === 'conversation'} onChange={() => { setMode('conversation'); }} /> {t('playground.conversation')}
          </label>
        </fieldset>
        <label for="playground-text">{mode === 'single' ? t('playground.request') : t('playground.conversationLabel')}</label>
        <textarea id="playground-text" rows={mode === 'single' ? 4 : 10} required value={text} onInput={(event) => { setText(event.currentTarget.value); }} />
        <div class="buttons">
          <button type="submit" disabled={busy || text.trim() === ''}>
            {t('playground.check')}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {result && verdict ? (
        <div class="result" data-testid="playground-result">
          <h2>{t('playground.verdict')}</h2>
          <VerdictTags
            verdict={{
              action: verdict.action,
              risk_level: verdict.riskLevel,
              risk: verdict.risk,
              dimension: verdict.dimension,
              principle: verdict.principle,
              attacks: verdict.attacks,
              compliance: verdict.compliance,
              disclaimer_added: verdict.disclaimerAdded || result.disclaimer !== undefined,
              reasons: verdict.reasons,
            }}
          />
          <p class="muted">
            {t('playground.language')}: {result.language}
          </p>
          {result.emergency ? (
            <section class="emergency" role="alert" data-testid="playground-emergency">
              <h3>{t('playground.emergency')}</h3>
              <p class="pre">{result.emergency}</p>
            </section>
          ) : null}
          {result.refusal ? (
            <section class="panel refusal" data-testid="playground-refusal">
              <h3>{t('playground.refusal')}</h3>
              <p class="pre">{result.refusal}</p>
            </section>
          ) : null}
          {result.disclaimer ? (
            <section class="panel" data-testid="playground-disclaimer">
              <h3>{t('playground.disclaimer')}</h3>
              <p class="pre">{result.disclaimer}</p>
            </section>
          ) : null}
          <h3>{t('playground.reasons')}</h3>
          <ul class="reasons">
            {verdict.reasons.map((reason, index) => (
              <li key={index}>{reason}</li>
            ))}
          </ul>
          {result.steerSystemPrompt ? (
            <details class="panel">
              <summary>{t('playground.steer')}</summary>
              <p class="pre">{result.steerSystemPrompt}</p>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
