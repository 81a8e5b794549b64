/**
 * Audit trail: filter the hash-chained record of every exchange (time range, action, risk level,
 * dimension, model), open one exchange (redacted request, reasoning, answer, verdicts, timings), verify
 * the chain (the first broken record is shown and can be opened), export the filtered set as JSONL.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson, download, type SafemedObject, type VerdictJson } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import { VerdictTags } from '../components/verdict-tags.js';
import { useConsole } from '../console-context.js';
import { pickLabel } from '../i18n.js';

interface AuditListItem {
  id: number;
  requestId: string;
  receivedAt: string;
  model: string;
  servedModelName: string;
  status: number;
  finishReason: string | null;
  action: VerdictJson['action'] | null;
  riskLevel: VerdictJson['risk_level'] | null;
  dimension: string | null;
  preview: string;
}

interface AuditRecord {
  id: number;
  requestId: string;
  receivedAt: string;
  firstTokenAt: string | null;
  finishedAt: string;
  model: string;
  servedModelName: string;
  stream: boolean;
  messages: Array<{ role: string; content: string }>;
  reasoning: string;
  answer: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
  verdicts: Array<{ stage: string; action: VerdictJson['action']; riskLevel: VerdictJson['risk_level']; risk: number; dimension: string; principle: number | null; attacks: string[]; reasons: string[]; compliance: 'pass' | 'fail'; disclaimerAdded: boolean }>;
  status: number;
  error: string | null;
  prevHash: string;
  hash: string;
}

interface VerifyResult {
  ok: boolean;
  checked: number;
  headHash: string;
  firstBroken?: { id: number; problem: string };
  problems: Array<{ id: number; problem: string }>;
}

interface Filters {
  from: string;
  to: string;
  action: string;
  risk: string;
  dimension: string;
  model: string;
}

const EMPTY: Filters = { from: '', to: '', action: '', risk: '', dimension: '', model: '' };
const LIMIT = 100;

function toQuery(filters: Filters): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters) as Array<[string, string]>) {
    if (value === '') continue;
    // datetime-local has no zone: it is the reviewer's local time.
    query.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
  }
  query.set('limit', String(LIMIT));
  return query.toString();
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export default function AuditPage() {
  const { t, language, session } = useConsole();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [list, setList] = useState<{ records: AuditListItem[]; matched: number; total: number } | null>(null);
  const [open, setOpen] = useState<{ record: AuditRecord; summary: SafemedObject | null; timings: { firstTokenMs: number | null; totalMs: number } } | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const search = (current: Filters) => {
    setBusy(true);
    setError(null);
    apiJson<{ records: AuditListItem[]; matched: number; total: number }>(`audit?${toQuery(current)}`)
      .then(setList)
      .catch(setError)
      .finally(() => { setBusy(false); });
  };
  useEffect(() => {
    if (session.features.audit) search(EMPTY);
  }, []);

  const openRecord = (id: number) => {
    setError(null);
    apiJson<NonNullable<typeof open>>(`audit/${String(id)}`)
      .then((value) => {
        setOpen(value);
        requestAnimationFrame(() => document.getElementById('audit-detail')?.focus());
      })
      .catch(setError);
  };
  if (!session.features.audit) {
    return (
      <section class="page">
        <h1>{t('audit.title')}</h1>
        <p>{t('app.notConfigured')}</p>
      </section>
    );
  }
  const field = (name: keyof Filters) => ({
    value: filters[name],
    onInput: (event: Event) => { setFilters({ ...filters, [name]: (event.currentTarget as HTMLInputElement).value }); },
  });
  const dimensions = Object.entries(session.labels.dimensions);
  return (
    <section class="page audit" aria-labelledby="page-title">
      <h1 id="page-title">{t('audit.title')}</h1>
      <form
        class="filters"
        aria-label={t('audit.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          search(filters);
        }}
      >
        <div class="field">
          <label for="audit-from">{t('audit.from')}</label>
          <input id="audit-from" type="datetime-local" {...field('from')} />
        </div>
        <div class="field">
          <label for="audit-to">{t('audit.to')}</label>
          <input id="audit-to" type="datetime-local" {...field('to')} />
        </div>
        <div class="field">
          <label for="audit-action">{t('audit.action')}</label>
          <select id="audit-action" {...field('action')}>
            <option value="">{t('audit.any')}</option>
            {(['allow', 'caution', 'steer', 'block', 'escalate'] as const).map((action) => (
              <option value={action} key={action}>
                {t(`action.${action}`)}
              </option>
            ))}
            <option value="none">{t('audit.noVerdict')}</option>
          </select>
        </div>
        <div class="field">
          <label for="audit-risk">{t('audit.risk')}</label>
          <select id="audit-risk" {...field('risk')}>
            <option value="">{t('audit.any')}</option>
            {(['low', 'medium', 'high'] as const).map((level) => (
              <option value={level} key={level}>
                {t(`risk.${level}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-dimension">{t('audit.dimension')}</label>
          <select id="audit-dimension" {...field('dimension')}>
            <option value="">{t('audit.any')}</option>
            {dimensions.map(([id, label]) => (
              <option value={id} key={id}>
                {label[language]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-model">{t('audit.model')}</label>
          <input id="audit-model" type="text" {...field('model')} />
        </div>
        <div class="buttons">
          <button type="submit" disabled={busy}>
            {t('audit.search')}
          </button>
          <button type="button" class="secondary" onClick={() => void download(`audit/export?${toQuery(filters)}`, 'safemed-audit.jsonl').catch(setError)}>
            {t('audit.export')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void apiJson<VerifyResult>('audit/verify', { method: 'POST' })
                .then(setVerify)
                .catch(setError)
            }
          >
            {t('audit.verify')}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {verify ? (
        verify.ok ? (
          <p class="banner ok" role="status" data-testid="chain-result">
            {t('audit.chainOk', { checked: verify.checked, head: `${verify.headHash.slice(0, 16)}…` })}
          </p>
        ) : (
          <div class="banner broken" role="alert" data-testid="chain-result">
            <p>{t('audit.chainBroken', { id: verify.firstBroken?.id ?? '?', problem: verify.firstBroken?.problem ?? '' })}</p>
            {verify.problems.length > 1 ? <p>{t('audit.chainMore', { count: verify.problems.length })}</p> : null}
            {verify.firstBroken ? (
              <button type="button" onClick={() => {
                  if (verify.firstBroken) openRecord(verify.firstBroken.id);
                }}>
                {t('audit.openBroken', { id: verify.firstBroken.id })}
              </button>
            ) : null}
          </div>
        )
      ) : null}
      {list ? (
        <>
          <p class="muted" role="status">
            {t('audit.results', { matched: list.matched, total: list.total, limit: LIMIT })}
          </p>
          {list.records.length === 0 ? (
            <p>{t('audit.none')}</p>
          ) : (
            <div class="table-wrap">
              <table class="data" data-testid="audit-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('audit.time')}</th>
                    <th scope="col">{t('audit.action')}</th>
                    <th scope="col">{t('audit.risk')}</th>
                    <th scope="col">{t('audit.dimension')}</th>
                    <th scope="col">{t('audit.model')}</th>
                    <th scope="col">{t('audit.status')}</th>
                    <th scope="col">{t('audit.request')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.records.map((record) => (
                    <tr key={record.id}>
                      <td>
                        <button type="button" class="link" onClick={() => { openRecord(record.id); }} aria-label={`${t('audit.open')} #${String(record.id)}`}>
                          #{record.id}
                        </button>
                      </td>
                      <td>{formatTime(record.receivedAt)}</td>
                      <td>{record.action ? <span class={`tag action-${record.action}`}>{t(`action.${record.action}`)}</span> : '–'}</td>
                      <td>{record.riskLevel ? <span class={`tag risk-${record.riskLevel}`}>{t(`risk.${record.riskLevel}`)}</span> : '–'}</td>
                      <td>{record.dimension ? pickLabel(session.labels.dimensions[record.dimension], language, record.dimension) : '–'}</td>
                      <td>{record.model}</td>
                      <td>{record.status}</td>
                      <td class="preview">{record.preview}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
      {open ? <AuditDetail value={open} onClose={() => { setOpen(null); }} /> : null}
    </section>
  );
}

function AuditDetail({ value, onClose }: { value: { record: AuditRecord; summary: SafemedObject | null; timings: { firstTokenMs: number | null; totalMs: number } }; onClose: () => void }) {
  const { t } = useConsole();
  const { record, summary, timings } = value;
  return (
    <section id="audit-detail" class="detail" tabIndex={-1} aria-labelledby="audit-detail-title" data-testid="audit-detail">
      <div class="detail-head">
        <h2 id="audit-detail-title">{t('audit.record', { id: record.id })}</h2>
        <button type="button" class="secondary" onClick={onClose}>
          {t('audit.close')}
        </button>
      </div>
      <dl class="facts">
        <dt>{t('audit.time')}</dt>
        <dd>{formatTime(record.receivedAt)}</dd>
        <dt>{t('audit.model')}</dt>
        <dd>
          {record.model} ({record.servedModelName})
        </dd>
        <dt>{t('audit.status')}</dt>
        <dd>
          {record.status}
          {record.error ? ` · ${record.error}` : ''}
        </dd>
        <dt>{t('audit.finish')}</dt>
        <dd>{record.finishReason ?? '–'}</dd>
        <dt>{t('audit.timings')}</dt>
        <dd>
          {t('audit.firstToken')}: {timings.firstTokenMs === null ? '–' : `${String(timings.firstTokenMs)} ms`} · {t('audit.total')}: {timings.totalMs} ms
        </dd>
        <dt>{t('audit.hash')}</dt>
        <dd class="mono">{record.hash}</dd>
        <dt>{t('audit.prevHash')}</dt>
        <dd class="mono">{record.prevHash}</dd>
      </dl>
      <h3>{t('audit.messages')}</h3>
      <ol class="messages">
        {record.messages.map((message, index) => (
          <li key={index}>
            <strong>{message.role}</strong>: <span class="pre">{message.content}</span>
          </li>
        ))}
      </ol>
      {record.reasoning !== '' ? (
        <details class="think" open>
          <summary>{t('audit.reasoning')}</summary>
          <div class="pre">{record.reasoning}</div>
        </details>
      ) : null}
      <h3>{t('audit.answer')}</h3>
      <div class="pre answer-box">{record.answer}</div>
      <h3>{t('audit.verdicts')}</h3>
      {summary ? <VerdictTags verdict={summary} /> : <p>{t('tag.none')}</p>}
      {record.verdicts.map((verdict, index) => (
        <div key={index} class="verdict-stage">
          <h4>{verdict.stage}</h4>
          <ul class="reasons">
            {verdict.reasons.map((reason, reasonIndex) => (
              <li key={reasonIndex}>{reason}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
