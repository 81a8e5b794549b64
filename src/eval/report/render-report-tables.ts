/** Markdown and HTML renderings of the report tables (best per column red, second blue in HTML; bold / italic in Markdown). */
import { formatValue, shortLabel, type ReportTable } from './build-report-tables.js';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdownTable(table: ReportTable): string {
  if (table.columns.length === 0) return '';
  const header = ['Model', ...table.columns.map((column) => escapeMarkdown(column.label))];
  const lines = [`### ${table.title}`, '', `| ${header.join(' | ')} |`, `|${header.map((_, index) => (index === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of table.rows) {
    const cells = row.values.map((value, index) => {
      const text = formatValue(value, table.columns[index]?.unit ?? 'score');
      const mark = row.ranks[index];
      return mark === 'best' ? `**${text}**` : mark === 'second' ? `_${text}_` : text;
    });
    lines.push(`| ${escapeMarkdown(row.model)} | ${cells.join(' | ')} |`);
  }
  lines.push('', ...table.notes.map((note) => `- ${note.replace('in red', 'in red (bold here)').replace('in blue', 'in blue (italic here)')}`), '');
  return lines.join('\n');
}

export function renderHtmlTable(table: ReportTable): string {
  if (table.columns.length === 0) return '';
  const groupRows = table.groups.map(
    (row, rowIndex) =>
      `<tr>${rowIndex === 0 ? `<th rowspan="${table.groups.length + 1}" class="model">Model</th>` : ''}${row
        .map((cell) => `<th colspan="${cell.span}" class="group">${escapeHtml(cell.label)}</th>`)
        .join('')}</tr>`,
  );
  const labelRow = `<tr>${table.groups.length === 0 ? '<th class="model">Model</th>' : ''}${table.columns
    .map((column) => `<th title="${escapeHtml(column.label)}">${escapeHtml(shortLabel(column))}</th>`)
    .join('')}</tr>`;
  const body = table.rows
    .map((row) => {
      const cells = row.values
        .map((value, index) => {
          const mark = row.ranks[index];
          const className = mark === 'best' ? ' class="best"' : mark === 'second' ? ' class="second"' : '';
          return `<td${className}>${formatValue(value, table.columns[index]?.unit ?? 'score')}</td>`;
        })
        .join('');
      return `<tr><td class="model">${escapeHtml(row.model)}</td>${cells}</tr>`;
    })
    .join('\n');
  const notes = table.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  return `<h2>${escapeHtml(table.title)}</h2>\n<table>\n<thead>\n${[...groupRows, labelRow].join('\n')}\n</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n<ul class="notes">${notes}</ul>`;
}

export const REPORT_CSS = `body{font-family:"Times New Roman",Georgia,"WenQuanYi Micro Hei",serif;margin:2em;color:#111}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{padding:4px 10px;text-align:center}
thead tr:first-child th{border-top:2px solid #000}
thead tr:last-child th{border-bottom:1px solid #000}
tbody tr:last-child td{border-bottom:2px solid #000}
th.group{border-bottom:1px solid #666}
td.model,th.model{text-align:left}
td.best{color:#e00000;font-weight:bold}
td.second{color:#0020e0;font-weight:bold}
ul.notes{font-size:13px;color:#333}
img{max-width:760px}`;
