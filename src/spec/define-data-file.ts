/**
 * The one loader of the package's data files (the safety specification, the guard's intent cues,
 * the PHI lexicon, the red-team templates, the pipeline prompts, ...). YAML stays the source of
 * truth; parsing it (the `yaml` package) and validating it (zod) costs about half a second of CPU on
 * every CLI start, so the build also writes a validated JSON snapshot of each data file.
 *
 * - From source (tsx, tests) a data file is always read from its YAML and validated with zod.
 * - From the build (`dist/`), `load()` takes the snapshot in dist/data-snapshots/ when the sha-256 of
 *   its sources — the YAML files and the compiled modules holding their schema — is the one the
 *   snapshot was written from, and reads the YAML otherwise (an edited YAML, a rebuilt schema without
 *   new snapshots). A stale snapshot is never used; a missing one only costs time.
 * - `scripts/build-data-snapshots.mjs` (run by `npm run build`) imports every compiled module that
 *   declares a data file and calls `writeDataSnapshots()`.
 *
 * The `yaml` package is loaded only when a YAML file is parsed (`parseYaml`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, resolvePackagePath } from '../core/package-paths.js';

export interface DataFileOptions<Value> {
  /** Unique name of the snapshot, also its file name: `safety-spec`, `guard/intent-cues`. */
  id: string;
  /**
   * Absolute paths of every file the value is made from: the data files and the modules that hold
   * their schema (e.g. `fileURLToPath(import.meta.url)`), so a changed schema invalidates the snapshot.
   */
  sources: () => string[];
  /** Reads the value from its sources and validates it (YAML + zod); throws a SafemedError on bad data. */
  read: () => Value;
  /** Turns a snapshot's JSON back into the value (e.g. freezes it); default: the JSON as it is. */
  revive?: ((json: unknown) => Value) | undefined;
  /** Folder of the snapshots; default dist/data-snapshots when running from dist, none from source. */
  snapshotFolder?: string | undefined;
}

export interface DataFile<Value> {
  readonly id: string;
  /** The value: from a fresh snapshot when there is one, else read from the sources; cached. */
  load(): Value;
  /** Reads the value from its sources (YAML + zod), bypassing snapshots and the cache. */
  read(): Value;
  /** Where `load()` took the value from (after the first `load()`), for tests and benchmarks. */
  loadedFrom(): 'snapshot' | 'source' | undefined;
}

interface Snapshot {
  id: string;
  sha256: string;
  value: unknown;
}

const registry = new Map<string, DataFile<unknown> & { options: DataFileOptions<unknown> }>();

/** The folder holding the snapshots of a build: dist/data-snapshots, or undefined when running from source. */
export function defaultSnapshotFolder(): string | undefined {
  const builtRoot = resolvePackagePath('dist') + sep;
  return fileURLToPath(import.meta.url).startsWith(builtRoot) ? join(builtRoot, 'data-snapshots') : undefined;
}

/**
 * The file of a module next to `baseUrl` (pass `import.meta.url`), with the caller's own extension:
 * `.js` in dist, `.ts` from source. For `sources()`: `moduleFile(import.meta.url, './spec-schema')`.
 */
export function moduleFile(baseUrl: string, specifier: string): string {
  return fileURLToPath(new URL(`${specifier}${extname(fileURLToPath(baseUrl))}`, baseUrl));
}

/** sha-256 of the sources (paths relative to the package root, then contents), in the given order. */
export function hashSources(paths: readonly string[]): string {
  const hash = createHash('sha256');
  const root = packageRoot();
  for (const path of paths) {
    hash.update(relative(root, path).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function snapshotPath(folder: string, id: string): string {
  return join(folder, `${id}.json`);
}

function readSnapshot(folder: string, id: string): Snapshot | undefined {
  let text: string;
  try {
    text = readFileSync(snapshotPath(folder, id), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Snapshot> | null;
    if (parsed?.id !== id || typeof parsed.sha256 !== 'string' || !('value' in parsed)) return undefined;
    return parsed as Snapshot;
  } catch {
    return undefined;
  }
}

/** Declares a data file; its module's `load()` callers get the cached, validated value. */
export function defineDataFile<Value>(options: DataFileOptions<Value>): DataFile<Value> {
  let cached: { value: Value } | undefined;
  let origin: 'snapshot' | 'source' | undefined;
  const revive = options.revive ?? ((json: unknown) => json as Value);
  const fromSnapshot = (): { value: Value } | undefined => {
    const folder = 'snapshotFolder' in options ? options.snapshotFolder : defaultSnapshotFolder();
    if (folder === undefined) return undefined;
    const snapshot = readSnapshot(folder, options.id);
    if (!snapshot) return undefined;
    let sha256: string;
    try {
      sha256 = hashSources(options.sources());
    } catch {
      return undefined; // a source is missing: read() reports it properly
    }
    return snapshot.sha256 === sha256 ? { value: revive(snapshot.value) } : undefined;
  };
  const file: DataFile<Value> = {
    id: options.id,
    load() {
      if (cached) return cached.value;
      const snapshot = fromSnapshot();
      if (snapshot) {
        origin = 'snapshot';
        cached = snapshot;
      } else {
        origin = 'source';
        cached = { value: options.read() };
      }
      return cached.value;
    },
    read: () => options.read(),
    loadedFrom: () => origin,
  };
  if (registry.has(options.id)) throw new Error(`data file "${options.id}" is declared twice`);
  registry.set(options.id, { ...file, options });
  return file;
}

/** The ids of the data files declared so far (by the modules imported so far). */
export function declaredDataFiles(): string[] {
  return [...registry.keys()].sort();
}

/** A declared data file, with its sources (what its snapshot's hash covers). */
export function declaredDataFile(id: string): DataFile<unknown> & { sources(): string[] } {
  const entry = registry.get(id);
  if (!entry) throw new Error(`no data file "${id}" is declared`);
  return { ...entry, sources: () => entry.options.sources() };
}

/**
 * Writes a snapshot of every declared data file (read from its sources and validated) into `folder`,
 * replacing what was there. Build time only (scripts/build-data-snapshots.mjs).
 */
export function writeDataSnapshots(folder: string, ids: readonly string[] = declaredDataFiles()): Array<{ id: string; path: string; bytes: number }> {
  rmSync(folder, { recursive: true, force: true });
  const written: Array<{ id: string; path: string; bytes: number }> = [];
  for (const id of ids) {
    const entry = registry.get(id);
    if (!entry) throw new Error(`no data file "${id}" is declared`);
    const snapshot: Snapshot = { id, sha256: hashSources(entry.options.sources()), value: entry.options.read() };
    const path = snapshotPath(folder, id);
    const text = `${JSON.stringify(snapshot)}\n`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push({ id, path, bytes: Buffer.byteLength(text) });
  }
  return written;
}

let yamlModule: typeof import('yaml') | undefined;

/** Parses YAML text (the `yaml` package, loaded on first use); throws the parser's error. */
export function parseYaml(source: string): unknown {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule.parse(source);
}
