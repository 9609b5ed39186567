/**
 * docs/api.md is the API's reference: it must name every error code of src/errors.ts (with its
 * HTTP status, name and default hint) and every route the service registers (read from a real
 * server's route list), and must not document a route or a code the service does not have.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS, type ErrorSpec } from '../src/errors.js';
import { startServer, type RouteEntry } from '../src/service/index.js';
import { tempDir } from './support/fixtures.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const DOC = read('docs/api.md');

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rows of the error table: `| code | NAME | HTTP | meaning | hint |`. */
const errorRows = (doc: string): Map<number, { name: string; http: number; line: string }> => {
  const rows = new Map<number, { name: string; http: number; line: string }>();
  for (const m of doc.matchAll(/^\| (\d+) \| `?([A-Z_]+)`? \| (\d+) \|.*$/gm)) rows.set(Number(m[1]), { name: m[2]!, http: Number(m[3]), line: m[0] });
  return rows;
};

/** What the doc's error table gets wrong against the catalogue (empty: nothing). */
export const errorProblems = (doc: string, errors: readonly ErrorSpec[]): string[] => {
  const rows = errorRows(doc);
  const out: string[] = [];
  for (const e of errors) {
    const r = rows.get(e.code);
    if (!r) { out.push(`${e.code} ${e.name}: not in the error table`); continue; }
    if (r.name !== e.name) out.push(`${e.code}: named ${r.name}, the code says ${e.name}`);
    if (r.http !== e.http) out.push(`${e.code} ${e.name}: HTTP ${r.http} in the doc, ${e.http} in the code`);
    if (!r.line.includes(e.hint)) out.push(`${e.code} ${e.name}: the row does not give the hint "${e.hint}"`);
  }
  for (const code of rows.keys()) if (!errors.some((e) => e.code === code)) out.push(`${code}: in the doc, not in src/errors.ts`);
  return out;
};

/** A route's URL pattern as the doc may write it: `:user` as `me`, other parameters as `<name>` or `:name`. */
const docPattern = (url: string): string =>
  url.split('/').map((seg) => seg === ':user' ? '(?:me|<[^>]+>|:user)'
    : seg.startsWith(':') ? `(?:<[^>]+>|${escape(seg)})`
      : seg === '*' ? '(?:\\*|<[^>]+>)'
        : escape(seg)).join('/');

/** Routes the doc never names as `METHOD /path` in a code span (empty: all named). */
export const undocumentedRoutes = (doc: string, routes: readonly RouteEntry[]): string[] => {
  const out: string[] = [];
  for (const r of routes) {
    for (const method of r.methods) {
      const re = new RegExp(`\`${method} ${docPattern(r.url)}(?=[\`?\\s])`);
      if (!re.test(doc)) out.push(`${method} ${r.url}`);
    }
  }
  return out;
};

/** Routes the doc's headings (`### \`METHOD /path\``) describe that the service does not register. */
export const unknownDocumentedRoutes = (doc: string, routes: readonly RouteEntry[]): string[] => {
  const served = routes.flatMap((r) => r.methods.map((m) => ({ m, re: new RegExp(`^${r.url.split('/').map((s) => s.startsWith(':') ? '[^/]+' : s === '*' ? '.+' : escape(s)).join('/')}$`) })));
  const out: string[] = [];
  for (const h of doc.matchAll(/^#{2,4} .*?`([A-Z]+) (\/[^`\s?]*)/gm)) {
    const [method, path] = [h[1]!, h[2]!];
    const concrete = path.replace(/<[^>]+>/g, 'x').replace(/\*/g, 'x');
    if (!served.some((s) => s.m === method && s.re.test(concrete))) out.push(`${method} ${path}`);
  }
  return out;
};

test('docs/api.md lists every error code of src/errors.ts with its name, HTTP status and hint, and no other', () => {
  assert.deepEqual(errorProblems(DOC, Object.values(ERRORS)), []);
});

test('docs/api.md documents every route the service registers, and none it does not', async () => {
  const t = tempDir('stillmotion-docs-');
  const srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: t.dir, quiet: true, env: { PATH: process.env.PATH } });
  try {
    const routes = srv.routes;
    // The route list is real: the calls every client makes are in it.
    for (const [m, u] of [['POST', '/run_sse'], ['POST', '/api/auth/anonymous-token'], ['GET', '/api/render/proxy/:id/download']] as const) {
      assert.ok(routes.some((r) => r.url === u && r.methods.includes(m)), `the server registers ${m} ${u}: ${JSON.stringify(routes)}`);
    }
    assert.ok(!routes.some((r) => r.methods.includes('HEAD')), 'the HEAD routes Fastify adds by itself are not listed');
    assert.deepEqual(undocumentedRoutes(DOC, routes), [], 'routes the service registers that docs/api.md does not name');
    assert.deepEqual(unknownDocumentedRoutes(DOC, routes), [], 'routes docs/api.md describes that the service does not register');
  } finally {
    await srv.close();
    t.remove();
  }
});

test('the checks catch a missing or wrong error row and a missing or invented route', () => {
  const errors = Object.values(ERRORS);
  const row = errorRows(DOC).get(4011)!.line;
  assert.deepEqual(errorProblems(DOC.replace(row, ''), errors), ['4011 LIMIT_EXCEEDED: not in the error table']);
  assert.deepEqual(errorProblems(DOC.replace(row, row.replace('| 413 |', '| 400 |')), errors), ['4011 LIMIT_EXCEEDED: HTTP 400 in the doc, 413 in the code']);
  assert.deepEqual(errorProblems(`${DOC}\n| 4999 | MADE_UP | 400 | x | y |\n`, errors), ['4999: in the doc, not in src/errors.ts']);

  const routes: RouteEntry[] = [{ methods: ['DELETE'], url: '/api/auth/claim-token/:id' }, { methods: ['GET'], url: '/api/state/nemo_agent/:user/:sid/latest' }];
  assert.deepEqual(undocumentedRoutes(DOC, routes), []);
  const without = DOC.replaceAll('`DELETE /api/auth/claim-token/<claim_id>', '`DELETE /api/auth/claims');
  assert.deepEqual(undocumentedRoutes(without, routes), ['DELETE /api/auth/claim-token/:id']);
  assert.deepEqual(undocumentedRoutes(DOC, [{ methods: ['PUT'], url: '/api/something/:id' }]), ['PUT /api/something/:id']);
  assert.deepEqual(unknownDocumentedRoutes('### `GET /api/state/nemo_agent/me/<sid>/latest`\n### `POST /api/nothing`\n', routes), ['POST /api/nothing']);
});

test('README and web/README.md link docs/api.md, not a file outside the repository', () => {
  const readme = read('README.md');
  assert.match(readme, /\]\(docs\/api\.md(#[a-z0-9-]+)?\)/);
  assert.doesNotMatch(readme, /\]\(#api\)[^\n]*API\.md|\[API\.md\]\(#api\)/);
  const web = read('web/README.md');
  assert.match(web, /\]\(\.\.\/docs\/api\.md\)/);
  assert.doesNotMatch(web, /shared\/API\.md/);
});
