/**
 * Reports: eval and red-team runs found under the server's runs folder. Eval runs: Table 1 and
 * Table 2 (best per column red, second blue, as in the model card) and the radar; red-team runs: the
 * ASR heatmap of each, and with two or more a side-by-side table per strategy.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson } from '../api.js';
import { ErrorNote } from '../components/error-note.js';
import { useConsole } from '../console-context.js';
import { pickLabel } from '../i18n.js';

interface Run {
  id: string;
  kind: 'eval' | 'redteam';
  name: string;
  created: string | null;
  complete: boolean | null;
}

interface ReportTable {
  title: string;
  groups: Array<Array<{ label: string; span: number }>>;
  columns: Array<{ label: string; better: 'higher' | 'lower'; unit: 'percent' | 'score' }>;
  rows: Array<{ model: string; values: Array<number | null>; ranks: Array<'best' | 'second' | null> }>;
  notes: string[];
}

interface EvalReport {
  runs: string[];
  models: string[];
  tables: ReportTable[];
  warnings: string[];
  radar: string;
}

interface AsrEntry {
  n: number;
  asr: number | null;
}

interface RedteamReport {
  runs: Array<{ id: string; summary: { target: string; overall: AsrEntry; by_strategy: Record<string, AsrEntry>; by_language: Record<string, AsrEntry> }; heatmap: string }>;
  strategies: Record<string, { en: string; zh: string }>;
}

function formatValue(value: number | null, unit: 'percent' | 'score'): string {
  if (value === null) return '–';
  return unit === 'percent' ? (value * 100).toFixed(2) : value.toFixed(2);
}

function percent(entry: AsrEntry | undefined): string {
  return entry === undefined || entry.asr === null ? '–' : `${(entry.asr * 100).toFixed(1)}% (${String(entry.n)})`;
}

function Table({ table }: { table: ReportTable }) {
  const { t } = useConsole();
  if (table.columns.length === 0) return null;
  return (
    <>
      <h3>{table.title}</h3>
      <div class="table-wrap">
        <table class="data report" data-testid="report-table">
          <thead>
            {table.groups.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {rowIndex === 0 ? (
                  <th scope="col" rowSpan={table.groups.length + 1}>
                    {t('reports.model')}
                  </th>
                ) : null}
                {row.map((cell, index) => (
                  <th scope="colgroup" colSpan={cell.span} key={index}>
                    {cell.label}
                  </th>
                ))}
              </tr>
            ))}
            <tr>
              {table.groups.length === 0 ? <th scope="col">{t('reports.model')}</th> : null}
              {table.columns.map((column, index) => (
                <th scope="col" key={index} title={column.label}>
                  {column.label.split(' · ').at(-1)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.model}>
                <th scope="row">{row.model}</th>
                {row.values.map((value, index) => {
                  const rank = row.ranks[index];
                  return (
                    <td key={index} class={rank ?? undefined}>
                      {formatValue(value, table.columns[index]?.unit ?? 'score')}
                      {rank ? <span class="visually-hidden"> ({rank === 'best' ? t('reports.best') : t('reports.second')})</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="notes">
        {table.notes.map((note, index) => (
          <li key={index}>{note}</li>
        ))}
      </ul>
    </>
  );
}

export default function ReportsPage() {
  const { t, language, session } = useConsole();
  const [runs, setRuns] = useState<{ configured: boolean; runs: Run[] } | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [evalReport, setEvalReport] = useState<EvalReport | null>(null);
  const [redteamReport, setRedteamReport] = useState<RedteamReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    apiJson<{ configured: boolean; runs: Run[] }>('reports').then(setRuns).catch(setError);
  }, []);

  const show = (event: Event) => {
    event.preventDefault();
    if (!runs) return;
    const chosen = runs.runs.filter((run) => selected.has(`${run.kind}:${run.id}`));
    const evalRuns = chosen.filter((run) => run.kind === 'eval');
    const redteamRuns = chosen.filter((run) => run.kind === 'redteam');
    const query = (list: Run[]) => list.map((run) => `run=${encodeURIComponent(run.id)}`).join('&');
    setError(null);
    setBusy(true);
    Promise.all([
      evalRuns.length > 0 ? apiJson<EvalReport>(`reports/eval?${query(evalRuns)}`) : Promise.resolve(null),
      redteamRuns.length > 0 ? apiJson<RedteamReport>(`reports/redteam?${query(redteamRuns)}`) : Promise.resolve(null),
    ])
      .then(([evalValue, redteamValue]) => {
        setEvalReport(evalValue);
        setRedteamReport(redteamValue);
      })
      .catch(setError)
      .finally(() => { setBusy(false); });
  };
  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setSelected(next);
  };
  const group = (kind: Run['kind'], title: string) => {
    const list = runs?.runs.filter((run) => run.kind === kind) ?? [];
    return (
      <fieldset class="runs">
        <legend>{title}</legend>
        {list.length === 0 ? <p class="muted">{t('reports.none')}</p> : null}
        {list.map((run) => {
          const key = `${run.kind}:${run.id}`;
          return (
            <label key={key} class="run">
              <input type="checkbox" checked={selected.has(key)} onChange={() => { toggle(key); }} /> <strong>{run.name}</strong> <span class="muted">{run.id}</span>
              {run.created ? (
                <span class="muted">
                  {' '}
                  · {t('reports.created')} {run.created.slice(0, 10)}
                </span>
              ) : null}
              {run.complete === false ? <span class="tag risk-medium">{t('reports.incomplete')}</span> : null}
            </label>
          );
        })}
      </fieldset>
    );
  };
  const strategyIds = redteamReport ? [...new Set(redteamReport.runs.flatMap((run) => Object.keys(run.summary.by_strategy)))] : [];
  return (
    <section class="page reports" aria-labelledby="page-title">
      <h1 id="page-title">{t('reports.title')}</h1>
      <ErrorNote error={error} />
      {runs && !runs.configured ? <p>{t('reports.notConfigured')}</p> : null}
      {runs?.configured ? (
        <form onSubmit={show} class="stack">
          {group('eval', t('reports.eval'))}
          {group('redteam', t('reports.redteam'))}
          <div class="buttons">
            <button type="submit" disabled={busy || selected.size === 0}>
              {t('reports.show')}
            </button>
          </div>
        </form>
      ) : null}
      {evalReport ? (
        <section aria-label={t('reports.eval')} data-testid="eval-report">
          <h2>{evalReport.models.join(' · ')}</h2>
          <p class="muted">
            <span class="best legend-swatch">{t('reports.best')}</span> <span class="second legend-swatch">{t('reports.second')}</span> {t('reports.legend')}
          </p>
          {evalReport.warnings.map((warning, index) => (
            <p class="banner warn" key={index}>
              {warning}
            </p>
          ))}
          {evalReport.tables.map((table) => (
            <Table table={table} key={table.title} />
          ))}
          <h3>{t('reports.radar')}</h3>
          <img class="chart" src={evalReport.radar} alt={`${t('reports.radar')}: ${evalReport.models.join(', ')}`} data-testid="radar" />
        </section>
      ) : null}
      {redteamReport ? (
        <section aria-label={t('reports.redteam')} data-testid="redteam-report">
          {redteamReport.runs.length >= 2 ? (
            <>
              <h2>{t('reports.compare')}</h2>
              <div class="table-wrap">
                <table class="data" data-testid="redteam-compare">
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.strategy')}</th>
                      {redteamReport.runs.map((run) => (
                        <th scope="col" key={run.id}>
                          {run.summary.target} <span class="muted">({run.id})</span>
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <th scope="row">{t('reports.overall')}</th>
                      {redteamReport.runs.map((run) => (
                        <td key={run.id}>{percent(run.summary.overall)}</td>
                      ))}
                    </tr>
                    {strategyIds.map((strategy) => (
                      <tr key={strategy}>
                        <th scope="row">{pickLabel(redteamReport.strategies[strategy] ?? session.labels.attacks[strategy], language, strategy)}</th>
                        {redteamReport.runs.map((run) => (
                          <td key={run.id}>{percent(run.summary.by_strategy[strategy])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
          {redteamReport.runs.map((run) => (
            <div key={run.id}>
              <h2>{t('reports.heatmap', { name: run.summary.target })}</h2>
              <p>
                {t('reports.overall')}: {percent(run.summary.overall)}
              </p>
              <img class="chart" src={run.heatmap} alt={t('reports.heatmap', { name: run.summary.target })} data-testid="heatmap" />
            </div>
          ))}
        </section>
      ) : null}
    </section>
  );
}
