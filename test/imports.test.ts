/**
 * The import graph, read from the sources: the engine is reached only through its one face
 * (src/engine/index.ts), and each layer imports only the layers below it. Reads src/ as text, so it
 * sees type-only and lazy (`import()`) imports too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const src = join(root, 'src');

/** Every import of every .ts file under `dir`: [importing file, imported file], both relative to the repository. */
export const importEdges = (dir: string): Array<[string, string]> => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) { if (!p.endsWith(join('render', 'wasm'))) walk(p); } else if (n.endsWith('.ts')) files.push(p);
    }
  };
  walk(dir);
  const edges: Array<[string, string]> = [];
  const spec = /(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g;
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(spec)) {
      edges.push([relative(root, f), relative(root, resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')))]);
    }
  }
  return edges;
};

/** The top-level part of src a file belongs to: `engine`, `timeline`, … or the file itself (`errors.ts`). */
const layerOf = (file: string): string => file.split('/')[1]!.replace(/\.ts$/, '');

/** What each part of src may import besides itself. The service and what sits on it (client, cli) are at the top. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  engine: ['errors'],
  language: ['errors'],
  timeline: ['errors', 'engine', 'language'],
  jobs: ['errors', 'engine', 'store'],
  store: ['errors', 'engine', 'jobs'],
  agent: ['errors', 'engine', 'language', 'timeline', 'jobs', 'store'],
  local: ['errors', 'engine', 'language', 'timeline'],
  'media-storage': ['errors'],
  service: ['errors', 'engine', 'language', 'timeline', 'jobs', 'store', 'agent', 'media-storage'],
  // A render worker: the queue, the store and the render handler the service uses, without the HTTP edge.
  worker: ['errors', 'engine', 'jobs', 'store', 'service', 'media-storage'],
  // The client starts a built-in server when none is named (docs/decisions.md).
  client: ['errors', 'service'],
  cli: ['errors', 'engine', 'language', 'timeline', 'local', 'agent', 'service', 'client', 'worker'],
  index: ['errors', 'engine', 'timeline', 'local'],
};

/** The rules broken by a list of edges, in words. */
export const violations = (edges: ReadonlyArray<readonly [string, string]>): string[] => {
  const out: string[] = [];
  for (const [from, to] of edges) {
    const a = layerOf(from), b = layerOf(to);
    if (a !== 'engine' && b === 'engine' && to !== 'src/engine/index.ts') out.push(`${from} reaches into the engine (${to}); import src/engine/index.ts`);
    if (a === b) continue;
    const allowed = MAY_IMPORT[a];
    if (!allowed) out.push(`${from}: src/${a} is not in the layer table`);
    else if (!allowed.includes(b)) out.push(`${from} imports ${to}: src/${a} may not import src/${b}`);
  }
  return out;
};

test('the engine is imported only through src/engine/index.ts, and no layer imports one above it', () => {
  const edges = importEdges(src);
  assert.ok(edges.length > 200, `the import reader found ${edges.length} imports`);
  assert.ok(edges.some(([f, t]) => f.startsWith('src/service/') && t === 'src/engine/index.ts'), 'the service uses the engine (through its index)');
  assert.deepEqual(violations(edges), []);
  // Nothing below the service reads the service (the render worker is a process beside it, sharing its render handler and settings).
  for (const [from, to] of edges) {
    if (layerOf(to) === 'service') assert.ok(['service', 'worker', 'client', 'cli'].includes(layerOf(from)), `${from} imports the service`);
  }
});

test('the checker catches each kind of break', () => {
  assert.equal(violations([['src/service/render-job.ts', 'src/engine/compose/render-plan.ts']]).length, 1, 'an engine internal');
  assert.equal(violations([['src/timeline/plan.ts', 'src/engine/plan/plan-shot.ts']]).length, 1, 'an engine internal from the timeline');
  assert.equal(violations([['src/timeline/resolve.ts', 'src/service/media.ts']]).length, 1, 'the service from below');
  assert.equal(violations([['src/engine/prepare-still.ts', 'src/timeline/types.ts']]).length, 1, 'the engine knows no drafts');
  assert.equal(violations([['src/store/store.ts', 'src/agent/turn.ts']]).length, 1, 'the store knows no turns');
  assert.deepEqual(violations([['src/engine/compose/render-plan.ts', 'src/engine/plan/render-plan.ts'], ['src/agent/turn.ts', 'src/engine/index.ts']]), []);
});
