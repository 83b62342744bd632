import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { repoRoot } from './helpers/vectors.js';

/**
 * DESIGN.md's layers: each imports only from those before it. src/smtp and
 * src/mta reach tls, x509 and prng only through their index.ts.
 */
const LAYERS = ['src/prng', 'src/crypto', 'src/x509', 'src/tls', 'src/smtp', 'src/mta', 'src/cli'];
const SURFACES: ReadonlySet<string> = new Set([
  'src/tls/index.ts',
  'src/tls/session/stores/sqlite.ts',
  'src/tls/session/stores/redis.ts',
  'src/x509/index.ts',
  'src/prng/index.ts',
]);
const THROUGH_SURFACE: ReadonlySet<string> = new Set(['src/smtp', 'src/mta']);
const BEHIND_SURFACE: ReadonlySet<string> = new Set(['src/tls', 'src/x509', 'src/prng']);

/**
 * The folders of src/tls by role, each importing only from itself and those
 * before it (index.ts may import all). policy/defaults.ts imports only the
 * registry, so every folder may read the defaults.
 */
const TLS_FOLDERS = [
  'registry',
  'policy/defaults.ts',
  'error',
  'wire',
  'codec',
  'keys',
  'record',
  'session',
  'session/stores',
  'policy',
  'engine',
  'negotiate',
  'tls12',
  'tls13',
  'hello',
  'node',
].map((f) => `src/tls/${f}`);

export interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`, type-only ones included. */
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]|(?:^|[\s;])import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative specifiers of one file's source, resolved to repository paths of .ts files. */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec === undefined || !spec.startsWith('.')) continue;
    out.push(posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
  }
  return out;
}

function importGraph(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles('src')) {
    for (const to of importsOf(file, readFileSync(join(repoRoot, file), 'utf8')))
      edges.push({ from: file, to });
  }
  return edges;
}

/** The entry of `order` a file lies in: the longest folder that contains it. */
function placeIn(order: readonly string[], file: string): number {
  let best = -1;
  for (let i = 0; i < order.length; i++) {
    const folder = order[i] as string;
    if (
      (file === folder || file.startsWith(`${folder}/`)) &&
      (best < 0 || folder.length > (order[best] as string).length)
    )
      best = i;
  }
  return best;
}

/** Every edge that goes against the layer order, the surface rule or the TLS folder order, in words. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const a = placeIn(LAYERS, from);
    const b = placeIn(LAYERS, to);
    if (a < 0 || b < 0) continue;
    if (b > a)
      problems.push(
        `${from} imports ${to}: ${LAYERS[a]} may not import ${LAYERS[b]} (DESIGN.md, Layers)`,
      );
    const fromLayer = LAYERS[a] as string;
    const toLayer = LAYERS[b] as string;
    if (THROUGH_SURFACE.has(fromLayer) && BEHIND_SURFACE.has(toLayer) && !SURFACES.has(to)) {
      problems.push(
        `${from} imports ${to}: ${fromLayer} reaches ${toLayer} only through ${toLayer}/index.ts`,
      );
    }
    if (fromLayer === 'src/tls' && toLayer === 'src/tls' && from !== 'src/tls/index.ts') {
      if (to === 'src/tls/index.ts')
        problems.push(`${from} imports the public surface src/tls/index.ts from inside the layer`);
      const fa = placeIn(TLS_FOLDERS, from);
      const fb = placeIn(TLS_FOLDERS, to);
      if (fa < 0) problems.push(`${from} is in no folder of TLS_FOLDERS`);
      else if (fb > fa)
        problems.push(`${from} imports ${to}: ${TLS_FOLDERS[fa]} comes before ${TLS_FOLDERS[fb]}`);
    }
  }
  return problems;
}

/** Every import cycle, each once, as the files around it. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      const s = state.get(to);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (s === undefined) visit(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

test('the import graph of src/ finds every kind of specifier', () => {
  const source =
    "import { a } from './a.js';\nimport type { B } from '../b/b.js';\nexport { c } from './c.js';\nexport * from './d.js';\nimport './e.js';\nconst f = await import('./f.js');\nimport x from 'node:fs';";
  assert.deepEqual(importsOf('src/tls/x/y.ts', source), [
    'src/tls/x/a.ts',
    'src/tls/b/b.ts',
    'src/tls/x/c.ts',
    'src/tls/x/d.ts',
    'src/tls/x/e.ts',
    'src/tls/x/f.ts',
  ]);
});

test('the checks catch an import against the order, around a surface, and a cycle', () => {
  const bad: ImportEdge[] = [
    { from: 'src/crypto/dh.ts', to: 'src/tls/registry/alert.ts' },
    { from: 'src/mta/tls/x.ts', to: 'src/tls/session/store.ts' },
    { from: 'src/tls/wire/reader.ts', to: 'src/tls/codec/alert.ts' },
  ];
  assert.equal(layerViolations(bad).length, 3);
  assert.deepEqual(
    importCycles([
      { from: 'a', to: 'b' },
      { from: 'b', to: 'a' },
    ]),
    [['a', 'b', 'a']],
  );
});

test('src/ follows the layer order of DESIGN.md and the order of the TLS folders', () => {
  assert.deepEqual(layerViolations(importGraph()), []);
});

test('src/ has no import cycle', () => {
  assert.deepEqual(importCycles(importGraph()), []);
});
