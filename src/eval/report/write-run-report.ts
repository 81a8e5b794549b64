/**
 * Writes the report files of one run or of a comparison: summary tables as report.md and
 * report.html, and the radar chart as radar.svg and radar.png.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalSummary } from '../scoring/summarize-results.js';
import { buildKnowledgeTable, buildSafetyTable } from './build-report-tables.js';
import { buildRadarData } from './build-radar-spec.js';
import { renderRadar } from './render-radar.js';
import { REPORT_CSS, renderHtmlTable, renderMarkdownTable } from './render-report-tables.js';

export interface WriteReportOptions {
  outDir: string;
  summaries: EvalSummary[];
  title: string;
  /** Extra lines for the report (run settings, totals). */
  details?: string[];
}

export interface WriteReportResult {
  files: string[];
  radarAxes: number;
  /** Font files the radar was drawn with. */
  fontFiles: string[];
  /** Things the reader should know (e.g. label characters no font covers). */
  warnings: string[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function writeReport(options: WriteReportOptions): Promise<WriteReportResult> {
  const knowledge = buildKnowledgeTable(options.summaries);
  const safety = buildSafetyTable(options.summaries);
  const tables = [knowledge, safety].filter((table) => table.columns.length > (table === knowledge ? 1 : 0));
  const details = options.details ?? [];
  const radar = buildRadarData(options.summaries);
  const markdown = [
    `# ${options.title}`,
    '',
    ...details.map((line) => `- ${line}`),
    '',
    ...tables.map(renderMarkdownTable),
    radar.axes.length > 0 ? '![radar chart](radar.png)\n' : '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title><style>${REPORT_CSS}</style></head>
<body>
<h1>${escapeHtml(options.title)}</h1>
<ul>${details.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
${tables.map(renderHtmlTable).join('\n')}
${radar.axes.length > 0 ? '<h2>Radar</h2>\n<img src="radar.svg" alt="radar chart">' : ''}
</body></html>
`;
  const markdownFile = join(options.outDir, 'report.md');
  const htmlFile = join(options.outDir, 'report.html');
  writeFileSync(markdownFile, markdown);
  writeFileSync(htmlFile, html);
  const files = [markdownFile, htmlFile];
  let fontFiles: string[] = [];
  const warnings: string[] = [];
  if (radar.axes.length > 0) {
    const rendered = await renderRadar(radar, { title: options.title });
    fontFiles = rendered.fontFiles;
    if (rendered.missingGlyphs.length > 0) {
      const labels = [...radar.axes.map((axis) => axis.label), ...radar.models].filter((label) => rendered.missingGlyphs.some((character) => label.includes(character)));
      warnings.push(
        `the radar chart draws ${rendered.missingGlyphs.map((character) => `"${character}" (U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`).join(', ')} as boxes: no shipped font has ${rendered.missingGlyphs.length === 1 ? 'that character' : 'those characters'} (in ${labels.map((label) => `"${label}"`).join(', ') || 'the title'}); rename the benchmark or model to change the label.`,
      );
    }
    writeFileSync(join(options.outDir, 'radar.svg'), rendered.svg);
    writeFileSync(join(options.outDir, 'radar.png'), rendered.png);
    files.push(join(options.outDir, 'radar.svg'), join(options.outDir, 'radar.png'));
  }
  return { files, radarAxes: radar.axes.length, fontFiles, warnings };
}
