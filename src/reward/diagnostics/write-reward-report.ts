/**
 * The GRPO diagnostics as text (printed by the CLI) and as a report: reward-report.md and
 * reward-report.html with one histogram per component (SVG files beside them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_CSS } from '../../eval/report/render-report-tables.js';
import { binUnitValues, renderHistogramSvg } from './render-histogram.js';
import type { ScoreRolloutsSummary } from './score-rollouts.js';

function fixed(value: number | null, digits = 3): string {
  return value === null ? '—' : value.toFixed(digits);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function shortKey(key: string): string {
  const flat = key.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** The summary as Markdown lines (also what the CLI prints). */
export function formatRewardSummary(summary: ScoreRolloutsSummary, maxGroups = 20): string[] {
  const lines = [
    `- items: ${summary.items}; groups: ${summary.groups.length}; kinds: ${Object.entries(summary.kinds).map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    `- mean reward: ${fixed(summary.meanReward)}`,
    `- zero-variance groups (no learning signal): ${(summary.zeroVarianceShare * 100).toFixed(1)} % (${summary.groups.filter((group) => group.zeroVariance).length} of ${summary.groups.length})`,
    `- judge failures: ${summary.judgeFailures}`,
    '',
    '| component | items applied | mean |',
    '| --- | ---: | ---: |',
    ...summary.distributions.map((distribution) => `| ${distribution.component} | ${distribution.applied} | ${fixed(distribution.mean)} |`),
    '',
    '| reward-hacking flag | items |',
    '| --- | ---: |',
    ...Object.entries(summary.flags).map(([flag, count]) => `| ${flag} | ${count} |`),
    '',
    '| group | n | mean | std | advantages |',
    '| --- | ---: | ---: | ---: | --- |',
    ...summary.groups.slice(0, maxGroups).map((group) => `| ${shortKey(group.key).replace(/\|/g, '\\|')} | ${group.size} | ${fixed(group.mean)} | ${fixed(group.std)} | ${group.advantages.map((value) => value.toFixed(2)).join(' ')} |`),
  ];
  if (summary.groups.length > maxGroups) lines.push('', `(${summary.groups.length - maxGroups} more groups in the scored file)`);
  return lines;
}

export async function writeRewardReport(summary: ScoreRolloutsSummary, outDir: string, title: string): Promise<string[]> {
  const files: string[] = [];
  const charts: string[] = [];
  for (const distribution of summary.distributions) {
    if (distribution.applied === 0) continue;
    const svg = await renderHistogramSvg(`${distribution.component} (n = ${distribution.applied})`, binUnitValues(distribution.values));
    const name = `reward-hist-${distribution.component}.svg`;
    writeFileSync(join(outDir, name), svg);
    files.push(join(outDir, name));
    charts.push(name);
  }
  const lines = formatRewardSummary(summary, 200);
  const markdown = [`# ${title}`, '', ...lines, '', '## Histograms', '', ...charts.map((name) => `![${name}](${name})`), ''].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<pre>${escapeHtml(lines.join('\n'))}</pre>
<h2>Histograms</h2>
${charts.map((name) => `<img src="${name}" alt="${name}">`).join('\n')}
</body></html>
`;
  writeFileSync(join(outDir, 'reward-report.md'), markdown);
  writeFileSync(join(outDir, 'reward-report.html'), html);
  return [join(outDir, 'reward-report.md'), join(outDir, 'reward-report.html'), ...files];
}
