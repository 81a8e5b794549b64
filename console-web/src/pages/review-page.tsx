/**
 * Expert review queue (the data pipeline's, src/data/review): items that collected strikes, most
 * strikes first, filtered by status and struck criterion. Open one: the five criterion scores of
 * each judge with their reasons, the strikes; accept, edit side by side with the original, or reject,
 * with the reviewer's id. Every decision goes into the queue's hash-chained log, checked after it.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import { useConsole } from '../console-context.js';

interface ItemSummary {
  id: string;
  kind: string;
  status: 'pending' | 'accepted' | 'edited' | 'rejected';
  strikes: number;
  score: number | null;
  question: string;
  criteria: string[];
  mean: Record<string, number>;
}

interface Record_ {
  kind: string;
  question: string;
  options?: Record<string, string>;
  answer?: string;
  reasoning: string;
  answer_text?: string;
  response: string;
  qc?: { judges: Array<{ judge: string; scores: Record<string, { score: number; reason: string }>; error?: string }>; mean: Record<string, number> };
}

interface Item extends ItemSummary {
  original: Record_;
  edited: Record_ | null;
  reasons: string[];
  note: string | null;
  reviewer: string | null;
  decided_at: string | null;
}

interface LogCheck {
  ok: boolean;
  checked: number;
  problems: Array<{ seq: number; problem: string }>;
}

const REVIEWER_KEY = 'safemed.console.reviewer';

/** The answer part of a `<think>…</think><answer>…</answer>` response. */
function answerOf(record: Record_): string {
  if (record.answer_text !== undefined) return record.answer_text;
  return /<answer>([\s\S]*?)<\/answer>/u.exec(record.response)?.[1]?.trim() ?? record.response;
}

export default function ReviewPage() {
  const { t, session } = useConsole();
  const [status, setStatus] = useState('pending');
  const [criterion, setCriterion] = useState('');
  const [list, setList] = useState<{ items: ItemSummary[]; counts: Record<string, number>; criteria: string[] } | null>(null);
  const [open, setOpen] = useState<{ item: Item; criteria: Array<{ id: string; name: string; nameZh: string }>; struck: string[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    const query = new URLSearchParams({ status, ...(criterion === '' ? {} : { criterion }) });
    apiJson<NonNullable<typeof list>>(`review?${query.toString()}`).then(setList).catch(setError);
  };
  useEffect(() => {
    if (session.features.review) load();
  }, [status, criterion]);
  const openItem = (id: string) => {
    setError(null);
    apiJson<NonNullable<typeof open>>(`review/item/${encodeURIComponent(id)}`)
      .then((value) => {
        setOpen(value);
        requestAnimationFrame(() => document.getElementById('review-detail')?.focus());
      })
      .catch(setError);
  };
  if (!session.features.review) {
    return (
      <section class="page">
        <h1>{t('review.title')}</h1>
        <p>{t('app.notConfigured')}</p>
      </section>
    );
  }
  return (
    <section class="page review" aria-labelledby="page-title">
      <h1 id="page-title">{t('review.title')}</h1>
      <form class="filters" onSubmit={(event) => { event.preventDefault(); }}>
        <div class="field">
          <label for="review-status">{t('review.status')}</label>
          <select id="review-status" value={status} onChange={(event) => { setStatus(event.currentTarget.value); }}>
            {(['pending', 'accepted', 'edited', 'rejected', 'all'] as const).map((value) => (
              <option value={value} key={value}>
                {t(`status.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="review-criterion">{t('review.criterion')}</label>
          <select id="review-criterion" value={criterion} onChange={(event) => { setCriterion(event.currentTarget.value); }}>
            <option value="">{t('review.any')}</option>
            {(list?.criteria ?? []).map((value) => (
              <option value={value} key={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={error} />
      {list ? (
        <>
          <p class="muted" role="status">
            {t('review.counts', { pending: list.counts.pending ?? 0, accepted: list.counts.accepted ?? 0, edited: list.counts.edited ?? 0, rejected: list.counts.rejected ?? 0 })}
          </p>
          {list.items.length === 0 ? (
            <p>{t('review.none')}</p>
          ) : (
            <div class="table-wrap">
              <table class="data" data-testid="review-table">
                <thead>
                  <tr>
                    <th scope="col">id</th>
                    <th scope="col">{t('review.strikes')}</th>
                    <th scope="col">{t('review.criteria')}</th>
                    <th scope="col">{t('review.score')}</th>
                    <th scope="col">{t('review.state')}</th>
                    <th scope="col">{t('review.question')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((item) => (
                    <tr key={item.id}>
                      <td>
                        <button type="button" class="link" onClick={() => { openItem(item.id); }}>
                          {item.id}
                        </button>
                      </td>
                      <td>{item.strikes}</td>
                      <td>{item.criteria.join(', ') || '–'}</td>
                      <td>{item.score === null ? '–' : item.score.toFixed(2)}</td>
                      <td>{t(`status.${item.status}`)}</td>
                      <td class="preview">{item.question.length > 120 ? `${item.question.slice(0, 120)}…` : item.question}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
      {open ? (
        <ReviewDetail
          key={open.item.id}
          value={open}
          onDecided={(item) => {
            setOpen({ ...open, item });
            load();
          }}
        />
      ) : null}
    </section>
  );
}

function ReviewDetail({ value, onDecided }: { value: { item: Item; criteria: Array<{ id: string; name: string; nameZh: string }>; struck: string[] }; onDecided: (item: Item) => void }) {
  const { t, language } = useConsole();
  const { item, criteria } = value;
  const original = item.original;
  const [reviewer, setReviewer] = useState(sessionStorage.getItem(REVIEWER_KEY) ?? '');
  const [note, setNote] = useState('');
  const [editing, setEditing] = useState(false);
  const [reasoning, setReasoning] = useState(original.reasoning);
  const [answer, setAnswer] = useState(answerOf(original));
  const [letter, setLetter] = useState(original.answer ?? '');
  const [error, setError] = useState<unknown>(null);
  const [log, setLog] = useState<LogCheck | null>(null);
  const judges = original.qc?.judges ?? [];
  const criterionIds = criteria.length > 0 ? criteria.map((criterion) => criterion.id) : Object.keys(original.qc?.mean ?? {});
  const decide = (action: 'accept' | 'edit' | 'reject') => {
    setError(null);
    if (reviewer.trim() !== '') sessionStorage.setItem(REVIEWER_KEY, reviewer.trim());
    const body =
      action === 'accept'
        ? { reviewer, ...(note === '' ? {} : { note }) }
        : action === 'reject'
          ? { reviewer, reason: note }
          : {
              reviewer,
              ...(note === '' ? {} : { note }),
              changes: {
                ...(reasoning !== original.reasoning ? { reasoning } : {}),
                ...(answer !== answerOf(original) ? { answer_text: answer } : {}),
                ...(original.answer !== undefined && letter !== original.answer ? { answer: letter } : {}),
              },
            };
    apiJson<{ item: Item; verify: LogCheck }>(`review/item/${encodeURIComponent(item.id)}/${action}`, { json: body })
      .then((result) => {
        setLog(result.verify);
        setEditing(false);
        onDecided(result.item);
      })
      .catch(setError);
  };
  const decided = item.status !== 'pending';
  return (
    <section id="review-detail" class="detail" tabIndex={-1} aria-labelledby="review-detail-title" data-testid="review-detail">
      <h2 id="review-detail-title">{t('review.item', { id: item.id })}</h2>
      <p>
        <strong>{t('review.question')}:</strong> <span class="pre">{original.question}</span>
      </p>
      {original.options ? (
        <ul class="options" aria-label={t('review.options')}>
          {Object.entries(original.options).map(([key, text]) => (
            <li key={key}>
              {key}. {text}
              {original.answer?.includes(key) ? ' ✓' : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>{t('review.scores')}</h3>
      <div class="table-wrap">
        <table class="data" data-testid="criterion-scores">
          <thead>
            <tr>
              <th scope="col">{t('review.criterion')}</th>
              {judges.map((judge) => (
                <th scope="col" key={judge.judge}>
                  {judge.judge}
                </th>
              ))}
              <th scope="col">{t('review.mean')}</th>
            </tr>
          </thead>
          <tbody>
            {criterionIds.map((id) => {
              const definition = criteria.find((criterion) => criterion.id === id);
              return (
                <tr key={id} class={value.struck.includes(id) ? 'struck' : undefined}>
                  <th scope="row">{definition ? (language === 'zh' ? definition.nameZh : definition.name) : id}</th>
                  {judges.map((judge) => {
                    const score = judge.scores[id];
                    return (
                      <td key={judge.judge} title={score?.reason}>
                        {score ? score.score : judge.error ? '!' : '–'}
                      </td>
                    );
                  })}
                  <td>{original.qc?.mean[id]?.toFixed(2) ?? '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>
        {t('review.reasons')} ({t('review.strikes')}: {item.strikes})
      </h3>
      <ul class="reasons">
        {item.reasons.map((reason, index) => (
          <li key={index}>{reason}</li>
        ))}
      </ul>
      <div class={editing ? 'side-by-side' : undefined}>
        <div>
          {editing ? <h3>{t('review.original')}</h3> : null}
          <details class="think" open>
            <summary>{t('review.reasoning')}</summary>
            <div class="pre">{original.reasoning}</div>
          </details>
          <h4>{t('review.answerText')}</h4>
          <div class="pre answer-box">{answerOf(original)}</div>
        </div>
        {editing ? (
          <div>
            <h3>{t('review.edited')}</h3>
            <label for="edit-reasoning">{t('review.reasoning')}</label>
            <textarea id="edit-reasoning" rows={10} value={reasoning} onInput={(event) => { setReasoning(event.currentTarget.value); }} />
            <label for="edit-answer">{t('review.answerText')}</label>
            <textarea id="edit-answer" rows={5} value={answer} onInput={(event) => { setAnswer(event.currentTarget.value); }} />
            {original.answer !== undefined ? (
              <>
                <label for="edit-letter">{t('review.answerLetter')}</label>
                <input id="edit-letter" type="text" value={letter} onInput={(event) => { setLetter(event.currentTarget.value); }} />
              </>
            ) : null}
          </div>
        ) : null}
      </div>
      {item.edited ? (
        <section class="panel">
          <h3>{t('review.edited')}</h3>
          <div class="pre">{item.edited.response}</div>
        </section>
      ) : null}
      {decided ? (
        <p class="banner ok" role="status" data-testid="review-decided">
          {t('review.decided', { status: t(`status.${item.status}`), reviewer: item.reviewer ?? '?', at: item.decided_at ?? '?' })}
        </p>
      ) : (
        <form class="decision stack" onSubmit={(event) => { event.preventDefault(); }}>
          <label for="reviewer-id">{t('review.reviewer')}</label>
          <input id="reviewer-id" type="text" required value={reviewer} onInput={(event) => { setReviewer(event.currentTarget.value); }} />
          <label for="review-note">{`${t('review.note')} / ${t('review.reason')}`}</label>
          <textarea id="review-note" rows={2} value={note} onInput={(event) => { setNote(event.currentTarget.value); }} />
          <div class="buttons">
            <button type="button" onClick={() => { decide('accept'); }} disabled={editing}>
              {t('review.accept')}
            </button>
            {editing ? (
              <>
                <button type="button" onClick={() => { decide('edit'); }}>
                  {t('review.saveEdit')}
                </button>
                <button type="button" class="secondary" onClick={() => { setEditing(false); }}>
                  {t('review.cancelEdit')}
                </button>
              </>
            ) : (
              <button type="button" class="secondary" onClick={() => { setEditing(true); }}>
                {t('review.edit')}
              </button>
            )}
            <button type="button" class="danger" onClick={() => { decide('reject'); }} disabled={editing}>
              {t('review.reject')}
            </button>
          </div>
        </form>
      )}
      <ErrorNote error={error} />
      {log ? (
        <p class={`banner ${log.ok ? 'ok' : 'broken'}`} role="status" data-testid="review-log">
          {log.ok ? t('review.logOk', { checked: log.checked }) : t('review.logBroken', { problem: log.problems[0]?.problem ?? '' })}
        </p>
      ) : null}
    </section>
  );
}
