// Bundles the web console's browser code (console-web/src, Preact) with esbuild into
// dist/console-web (or the folder given as the first argument): index.html, one small entry script,
// one lazily loaded chunk per page, one stylesheet. Every asset is bundled: no CDN, nothing fetched
// at run time. Prints the JavaScript each page loads first (gzip-compressed bytes) and writes it to
// sizes.json next to the bundle.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, '..', 'dist', 'console-web'));
const PAGES = ['chat', 'audit', 'review', 'reports', 'playground', 'login'];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'assets'), { recursive: true });
const result = await build({
  entryPoints: { main: join(here, 'src', 'main.tsx'), styles: join(here, 'src', 'styles.css') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(outDir, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const nameOf = (path) => relative(outDir, resolve(path)).split('\\').join('/');
const entry = (name) => Object.keys(outputs).find((path) => outputs[path].entryPoint?.endsWith(`src/${name}`));
const mainJs = entry('main.tsx');
const css = Object.keys(outputs).find((path) => path.endsWith('.css'));
if (!mainJs || !css) throw new Error('esbuild did not produce main.js and the stylesheet');

const html = readFileSync(join(here, 'src', 'index.html'), 'utf8')
  .replace('%STYLES%', `/console/${nameOf(css)}`)
  .replace('%SCRIPT%', `/console/${nameOf(mainJs)}`);
writeFileSync(join(outDir, 'index.html'), html);

// First load of a page = the entry, its static imports, and the page's chunk with its static imports.
const closure = (path, seen = new Set()) => {
  if (seen.has(path)) return seen;
  seen.add(path);
  for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') closure(imported.path, seen);
  return seen;
};
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const sizes = {};
for (const page of PAGES) {
  const chunk = entry(`pages/${page}-page.tsx`);
  const files = new Set([...closure(mainJs), ...(chunk ? closure(chunk) : [])]);
  sizes[page] = { files: [...files].map(nameOf), gzipBytes: [...files].reduce((sum, file) => sum + gz(file), 0) };
}
sizes.stylesheet = { files: [nameOf(css)], gzipBytes: gz(css) };
writeFileSync(join(outDir, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
const line = PAGES.map((page) => `${page} ${(sizes[page].gzipBytes / 1024).toFixed(1)} KB`).join(', ');
process.stdout.write(`console-web → ${relative(process.cwd(), outDir) || '.'}: JavaScript per page, gzip: ${line}; CSS ${(sizes.stylesheet.gzipBytes / 1024).toFixed(1)} KB\n`);
