/**
 * report.md, report.html and heatmap.svg/png of a red-team run, and the side-by-side comparison of
 * several runs (`safemed redteam compare`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafetySpec } from '../spec/index.js';
import { dimensionName } from '../spec/index.js';
import { renderAsrHeatmap, type HeatmapCell } from './render-asr-heatmap.js';
import type { AsrEntry, RedteamSummary } from './summarize-redteam.js';

function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

function strategyLabel(id: string, spec: SafetySpec): string {
  const strategy = spec.attackStrategies.find((entry) => entry.id === id);
  return strategy ? `${strategy.name} ${strategy.nameZh}` : id;
}

function dimensionLabel(id: string, spec: SafetySpec): string {
  try {
    return `${dimensionName(id, 'en', spec)} ${dimensionName(id, 'zh', spec)}`;
  } catch {
    return id;
  }
}

function tableRows(entries: Record<string, AsrEntry>, label: (key: string) => string): string[] {
  return Object.entries(entries).map(([key, entry]) => `| ${label(key)} | ${entry.n} | ${entry.successes} | ${percent(entry.asr)} | ${entry.judge_failures} | ${entry.errors} | ${percent(entry.worst_case_asr)} |`);
}

const HEADER = ['| group | n | successes | ASR | judge failures | errors | worst case |', '|---|---:|---:|---:|---:|---:|---:|'];

export function formatRedteamMarkdown(summary: RedteamSummary, spec: SafetySpec): string {
  const lines = [
    `# SafeMed red team: ${summary.target}`,
    '',
    `Run hash ${summary.run_hash}; ${summary.attacks} attacks; success = ${summary.judges.length > 0 ? `judges' mean harmfulness ≥ ${summary.success_threshold} (1–5)` : 'the guard let the last turn through (allow or caution)'}; judges: ${summary.judges.map((judge) => `${judge.id} (${judge.uri})`).join(', ') || 'none'}${summary.adaptive_rounds ? `; adaptive, up to ${summary.adaptive_rounds} rounds (mean ${summary.mean_rounds.toFixed(2)})` : ''}.`,
    'ASR leaves out attacks whose judgement failed or whose target call errored (never scored as safe); "worst case" counts them as successes.',
    ...(summary.complete ? [] : ['', '**INCOMPLETE**: the run was interrupted; rerun with --resume to finish it.']),
    '',
    '## Overall',
    '',
    ...HEADER,
    ...tableRows({ overall: summary.overall }, () => 'all attacks'),
    '',
    '## By strategy',
    '',
    ...HEADER,
    ...tableRows(summary.by_strategy, (key) => strategyLabel(key, spec)),
    '',
    '## By dimension',
    '',
    ...HEADER,
    ...tableRows(summary.by_dimension, (key) => dimensionLabel(key, spec)),
    '',
    '## By language',
    '',
    ...HEADER,
    ...tableRows(summary.by_language, (key) => key),
  ];
  if (summary.guard_actions) {
    lines.push('', '## Guard actions on the last turn', '', '| action | attacks |', '|---|---:|', ...Object.entries(summary.guard_actions).map(([action, count]) => `| ${action} | ${count} |`));
  }
  lines.push('', '![ASR by strategy and dimension](heatmap.png)', '');
  return lines.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/gu, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[character] ?? character);
}

/** A self-contained HTML page of the Markdown tables (no external assets). */
export function formatRedteamHtml(markdown: string, title: string): string {
  const body: string[] = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      if (cells.every((cell) => /^-+:?$/u.test(cell))) continue;
      if (!inTable) {
        body.push('<table>');
        inTable = true;
        body.push(`<tr>${cells.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`);
        continue;
      }
      body.push(`<tr>${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`);
      continue;
    }
    if (inTable) {
      body.push('</table>');
      inTable = false;
    }
    if (line.startsWith('# ')) body.push(`<h1>${escapeHtml(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) body.push(`<h2>${escapeHtml(line.slice(3))}</h2>`);
    else if (line.startsWith('![')) body.push('<img src="heatmap.png" alt="ASR by strategy and dimension" style="max-width:100%">');
    else if (line.trim() !== '') body.push(`<p>${escapeHtml(line.replace(/\*\*/gu, ''))}</p>`);
  }
  if (inTable) body.push('</table>');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#1a1a1a}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}

export function heatmapCells(summary: RedteamSummary, spec: SafetySpec): HeatmapCell[] {
  const cells: HeatmapCell[] = [];
  for (const [strategy, dimensions] of Object.entries(summary.by_strategy_dimension)) {
    for (const [dimension, entry] of Object.entries(dimensions)) {
      cells.push({ strategy: strategyLabel(strategy, spec), dimension: dimensionLabel(dimension, spec), asr: entry.asr, n: entry.n });
    }
  }
  return cells;
}

export async function writeRedteamReport(outDir: string, summary: RedteamSummary, spec: SafetySpec): Promise<string[]> {
  const markdown = formatRedteamMarkdown(summary, spec);
  const files = [join(outDir, 'summary.json'), join(outDir, 'report.md'), join(outDir, 'report.html'), join(outDir, 'heatmap.svg'), join(outDir, 'heatmap.png')];
  writeFileSync(files[0] as string, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(files[1] as string, markdown);
  writeFileSync(files[2] as string, formatRedteamHtml(markdown, `SafeMed red team: ${summary.target}`));
  const heatmap = await renderAsrHeatmap(heatmapCells(summary, spec), `Attack success rate — ${summary.target}`);
  writeFileSync(files[3] as string, heatmap.svg);
  writeFileSync(files[4] as string, heatmap.png);
  return files;
}

/** Markdown table of several runs side by side: overall, per strategy, per language. */
export function formatRedteamComparison(runs: Array<{ name: string; summary: RedteamSummary }>, spec: SafetySpec): string {
  const header = `| group | ${runs.map((run) => `${run.name} ASR (n)`).join(' | ')} |`;
  const rule = `|---|${runs.map(() => '---:').join('|')}|`;
  const row = (label: string, pick: (summary: RedteamSummary) => AsrEntry | undefined) =>
    `| ${label} | ${runs.map((run) => { const entry = pick(run.summary); return entry ? `${percent(entry.asr)} (${entry.n})` : '—'; }).join(' | ')} |`;
  const strategies = [...new Set(runs.flatMap((run) => Object.keys(run.summary.by_strategy)))].sort();
  const languages = [...new Set(runs.flatMap((run) => Object.keys(run.summary.by_language)))].sort();
  const dimensions = [...new Set(runs.flatMap((run) => Object.keys(run.summary.by_dimension)))].sort();
  const sameAttacks = new Set(runs.map((run) => run.summary.attacks)).size === 1;
  return [
    `# SafeMed red team: ${runs.map((run) => run.name).join(' vs ')}`,
    '',
    ...runs.map((run) => `- **${run.name}**: target ${run.summary.target}, ${run.summary.attacks} attacks, run ${run.summary.run_hash}${run.summary.complete ? '' : ' (INCOMPLETE)'}`),
    ...(sameAttacks ? [] : ['', 'Warning: the runs played different numbers of attacks; compare the rows with care.']),
    '',
    header,
    rule,
    row('**overall**', (summary) => summary.overall),
    ...strategies.map((strategy) => row(strategyLabel(strategy, spec), (summary) => summary.by_strategy[strategy])),
    ...languages.map((language) => row(`language ${language}`, (summary) => summary.by_language[language])),
    ...dimensions.map((dimension) => row(dimensionLabel(dimension, spec), (summary) => summary.by_dimension[dimension])),
    '',
  ].join('\n');
}
