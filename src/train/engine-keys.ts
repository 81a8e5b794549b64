/**
 * The documented keys of each engine, kept as data in data/train/<engine>-keys.yaml (with source URL and
 * version). Every key a recipe writes is checked here; an unknown key is an error.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';

export const TRAIN_ENGINES = ['llamafactory', 'ms-swift', 'verl', 'openrlhf', 'trl'] as const;
export type TrainEngine = (typeof TRAIN_ENGINES)[number];

const keyFileSchema = z.looseObject({ engine: z.string(), version: z.string(), source: z.array(z.string()).min(1) });

export interface EngineKeys {
  engine: TrainEngine;
  version: string;
  source: string[];
  file: string;
  sections: Map<string, Set<string>>;
}

const cache = new Map<TrainEngine, EngineKeys>();

export function loadEngineKeys(engine: TrainEngine): EngineKeys {
  const cached = cache.get(engine);
  if (cached) return cached;
  const file = resolvePackagePath('data', 'train', `${engine}-keys.yaml`);
  const parsed = keyFileSchema.parse(parse(readFileSync(file, 'utf8')));
  const sections = new Map<string, Set<string>>();
  for (const [name, value] of Object.entries(parsed)) {
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string') && name !== 'source') sections.set(name, new Set(value));
  }
  const keys: EngineKeys = { engine, version: parsed.version, source: parsed.source, file: `data/train/${engine}-keys.yaml`, sections };
  cache.set(engine, keys);
  return keys;
}

/** Throws when any key is not documented in the section (keys of nested objects are given dotted by the caller). */
export function assertDocumentedKeys(engine: TrainEngine, section: string, keys: Iterable<string>, where: string): void {
  const documented = loadEngineKeys(engine);
  const known = documented.sections.get(section);
  if (!known) throw new ConfigError(`No "${section}" key list for ${engine} in ${documented.file}.`, { key: section });
  for (const key of keys) {
    if (!known.has(key)) {
      throw new ConfigError(`"${key}" in ${where} is not a documented ${engine} key (${section}, ${documented.version}).`, {
        key,
        fix: `Check the engine's documentation (${documented.source[0] ?? ''}) and add the key to ${documented.file} with its source, or drop it.`,
      });
    }
  }
}

/** The dotted keys of a nested object: {a: {b: 1}} → ["a.b"]. Arrays are leaves. */
export function flattenKeys(value: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) keys.push(...flattenKeys(child as Record<string, unknown>, path));
    else keys.push(path);
  }
  return keys;
}
