/**
 * Chat: a conversation through the server's own guarded /v1/chat/completions (streaming). Each answer
 * shows emergency guidance first (escalations), the reasoning in a collapsible THINK block above the
 * ANSWER, a mark when the guard refused, replaced or cut the answer, and the verdict tags.
 */
import { useRef, useState } from 'preact/hooks';
import { streamChat, type ChatMessage, type SafemedObject } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import { VerdictTags } from '../components/verdict-tags.js';
import { useConsole } from '../console-context.js';
import type { Translate } from '../i18n.js';

interface UserTurn {
  role: 'user';
  content: string;
}

interface AssistantTurn {
  role: 'assistant';
  reasoning: string;
  content: string;
  streaming: boolean;
  finishReason: string | null;
  safemed?: SafemedObject;
  error?: unknown;
}

type Turn = UserTurn | AssistantTurn;

/** The emergency guidance of an escalation, and the answer without it when it was streamed first. */
function splitEmergency(turn: AssistantTurn): { emergency: string | null; answer: string } {
  const emergency = turn.safemed?.emergency ?? null;
  if (emergency === null) return { emergency: null, answer: turn.content };
  const answer = turn.content.trimStart();
  const notice = emergency.trim();
  return { emergency, answer: answer.startsWith(notice) ? answer.slice(notice.length).trimStart() : turn.content };
}

function answerMark(turn: AssistantTurn, t: Translate): { kind: string; text: string } | null {
  const safemed = turn.safemed;
  const input = safemed?.verdicts.find((verdict) => verdict.stage === 'input');
  if (input?.action === 'block') return { kind: 'blocked', text: t('chat.blocked') };
  if (safemed?.output?.replaced) return { kind: 'replaced', text: `${t('chat.replaced')}${safemed.output.reason ? `: ${safemed.output.reason}` : ''}` };
  if (turn.finishReason === 'content_filter') return { kind: 'replaced', text: t('chat.cut') };
  if (turn.finishReason === 'length') return { kind: 'cut', text: t('chat.cutLength') };
  return null;
}

function AssistantMessage({ turn }: { turn: AssistantTurn }) {
  const { t } = useConsole();
  const { emergency, answer } = splitEmergency(turn);
  const mark = turn.streaming ? null : answerMark(turn, t);
  const disclaimerShown = turn.safemed?.disclaimer !== undefined && !turn.content.includes(turn.safemed.disclaimer.trim());
  return (
    <article class="turn assistant" aria-busy={turn.streaming} data-testid="assistant-turn">
      <h2 class="speaker">{t('chat.assistant')}</h2>
      {emergency !== null ? (
        <section class="emergency" role="alert" data-testid="emergency">
          <h3>{t('chat.emergency')}</h3>
          <p class="pre">{emergency}</p>
        </section>
      ) : null}
      {turn.reasoning !== '' ? (
        <details class="think" open data-testid="think">
          <summary>{t('chat.think')}</summary>
          <div class="pre">{turn.reasoning}</div>
        </details>
      ) : null}
      <section class="answer" data-testid="answer">
        <h3>{t('chat.answer')}</h3>
        {mark ? (
          <p class={`mark mark-${mark.kind}`} data-testid="answer-mark">
            {mark.text}
          </p>
        ) : null}
        <div class="pre">{answer}</div>
        {turn.streaming ? <p class="muted">{t('chat.streaming')}</p> : null}
      </section>
      {disclaimerShown ? (
        <p class="disclaimer">
          {t('chat.disclaimer')}: {turn.safemed?.disclaimer}
        </p>
      ) : null}
      {turn.safemed ? <VerdictTags verdict={turn.safemed} /> : null}
      {turn.error !== undefined ? <ErrorNote error={turn.error} /> : null}
    </article>
  );
}

export default function ChatPage() {
  const { t, session } = useConsole();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [input, setInput] = useState('');
  const [status, setStatus] = useState('');
  const controller = useRef<AbortController | null>(null);
  const busy = turns.some((turn) => turn.role === 'assistant' && turn.streaming);

  const update = (change: (turn: AssistantTurn) => AssistantTurn) => { setTurns((current) => {
      const last = current.at(-1);
      if (!last || last.role !== 'assistant') return current;
      return [...current.slice(0, -1), change(last)];
    }); };

  const send = (event: Event) => {
    event.preventDefault();
    const text = input.trim();
    if (text === '' || busy) return;
    const history: ChatMessage[] = turns
      .filter((turn) => turn.role === 'user' || turn.error === undefined)
      .map((turn) => ({ role: turn.role, content: turn.content }));
    history.push({ role: 'user', content: text });
    setTurns((current) => [...current, { role: 'user', content: text }, { role: 'assistant', reasoning: '', content: '', streaming: true, finishReason: null }]);
    setInput('');
    setStatus(t('chat.streaming'));
    const abort = new AbortController();
    controller.current = abort;
    streamChat(
      session.servedModelName,
      history,
      {
        onReasoning: (delta) => { update((turn) => ({ ...turn, reasoning: turn.reasoning + delta })); },
        onContent: (delta) => { update((turn) => ({ ...turn, content: turn.content + delta })); },
        onFinish: (finishReason, safemed) => { update((turn) => ({ ...turn, finishReason, ...(safemed ? { safemed } : {}) })); },
      },
      abort.signal,
    )
      .catch((error: unknown) => { update((turn) => ({ ...turn, error })); })
      .finally(() => {
        update((turn) => ({ ...turn, streaming: false }));
        setStatus('');
        controller.current = null;
      });
  };

  return (
    <section class="page chat" aria-labelledby="page-title">
      <h1 id="page-title">{t('chat.title')}</h1>
      <p class="muted">{t('chat.intro')}</p>
      <div class="conversation" data-testid="conversation">
        {turns.length === 0 ? <p class="muted">{t('chat.empty')}</p> : null}
        {turns.map((turn, index) =>
          turn.role === 'user' ? (
            <article class="turn user" key={index}>
              <h2 class="speaker">{t('chat.you')}</h2>
              <div class="pre">{turn.content}</div>
            </article>
          ) : (
            <AssistantMessage turn={turn} key={index} />
          ),
        )}
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      <form class="composer" onSubmit={send}>
        <label for="chat-input">{t('chat.input')}</label>
        <textarea
          id="chat-input"
          rows={3}
          value={input}
          onInput={(event) => { setInput(event.currentTarget.value); }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) send(event);
          }}
        />
        <div class="buttons">
          <button type="submit" disabled={busy || input.trim() === ''}>
            {t('chat.send')}
          </button>
          {busy ? (
            <button type="button" class="secondary" onClick={() => controller.current?.abort()}>
              {t('chat.stop')}
            </button>
          ) : (
            <button type="button" class="secondary" disabled={turns.length === 0} onClick={() => { setTurns([]); }}>
              {t('chat.clear')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
