/**
 * Parses the eval command's structured arguments:
 *   --bench name:path | name@format:path | path        (format optional, detected otherwise)
 *   --columns name=question:<field>,options:<field>,answer:<field>[,id:<field>,subject:<field>]
 *   --judge [id=]<backend-uri>[#model]                 (id derived from the model when omitted)
 * A backend URI may end in `#<model>` to pick the upstream model (the fragment is never sent).
 */
import { basename, extname } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { ChoiceColumnMapping } from './loaders/choice-items-from-records.js';

export interface BenchSpec {
  name: string;
  format?: string;
  path: string;
}

const NAME = /^[\p{L}\p{N}_.()-]+$/u;

export function parseBenchSpec(text: string): BenchSpec {
  const [matched, name = '', format, path = ''] = /^([^:@/\\]+?)(?:@([a-z0-9-]+))?:(.+)$/u.exec(text) ?? [];
  if (matched !== undefined && NAME.test(name) && !/^[a-z]:[\\/]/i.test(text)) {
    return { name, ...(format ? { format } : {}), path };
  }
  if (text.includes(':') && !text.startsWith('/') && !text.startsWith('.')) {
    throw new ConfigError(`Cannot read --bench "${text}".`, { key: 'bench', fix: 'Write --bench name:path or --bench name@format:path (names: letters, digits, _ . - ( )).' });
  }
  const [first = text] = text.split(',');
  const stem = basename(first.replace(/\/+$/, ''), extname(first));
  return { name: stem, path: text };
}

export function parseColumnsSpec(text: string): { bench: string; mapping: Partial<ChoiceColumnMapping> } {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new ConfigError(`Cannot read --columns "${text}".`, { key: 'columns', fix: 'Write --columns <bench>=question:<field>,options:<field>,answer:<field>.' });
  const bench = text.slice(0, equals);
  const mapping: Partial<ChoiceColumnMapping> = {};
  for (const part of text.slice(equals + 1).split(',')) {
    const [field, column] = part.split(':');
    if (!field || column === undefined || !['id', 'question', 'options', 'answer', 'subject'].includes(field)) {
      throw new ConfigError(`Cannot read "${part}" in --columns ${text}.`, { key: 'columns', fix: 'Fields: id, question, options, answer, subject, as field:column; options may be A|B|C|D for letter columns.' });
    }
    if (field === 'options' && column.includes('|')) mapping.options = column.split('|');
    else (mapping as Record<string, string>)[field] = column;
  }
  return { bench, mapping };
}

export interface BackendSpec {
  uri: string;
  model?: string;
}

export function parseBackendSpec(text: string): BackendSpec {
  const hash = text.lastIndexOf('#');
  if (hash > 0) return { uri: text.slice(0, hash), model: text.slice(hash + 1) };
  return { uri: text };
}

export interface JudgeSpec extends BackendSpec {
  id?: string;
}

export function parseJudgeSpec(text: string): JudgeSpec {
  const [matched, id = '', backend = ''] = /^([\p{L}\p{N}_.-]+)=(.+)$/u.exec(text) ?? [];
  if (matched !== undefined && !id.includes(':')) return { id, ...parseBackendSpec(backend) };
  return parseBackendSpec(text);
}

/** A readable judge id from the model name (or the URI's host) — unique among `taken`. */
export function deriveJudgeId(spec: JudgeSpec, modelId: string, taken: Set<string>): string {
  const base = (spec.id ?? spec.model ?? modelId).trim() || hostOf(spec.uri);
  const clean = base.replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/^-+|-+$/g, '') || 'judge';
  let id = clean;
  for (let counter = 2; taken.has(id); counter += 1) id = `${clean}-${counter}`;
  taken.add(id);
  return id;
}

function hostOf(uri: string): string {
  try {
    return new URL(uri.slice(uri.indexOf(':') + 1)).host;
  } catch {
    return uri;
  }
}
