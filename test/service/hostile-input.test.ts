/**
 * What a request carries is hostile until checked (issue 11: findings 1, 9 and the "text": 5 of
 * 13), on the embedded database and on PostgreSQL: U+0000 and its cousins answer 400 naming the
 * field on every route, a body field of the wrong type is refused (and a turn is never paid for),
 * the file-reading draft is refused with 4007 naming the path while the same draft with a real
 * style exports, and a seeded fuzz of every route's body, path, query and headers never gets a
 * 500, a hang or an uncoded answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { errorByCode } from '../../src/errors.js';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { HOSTILE_STRINGS, fuzzSeed, mutate, prng, randomString, randomValue, type Rng } from '../support/fuzz.js';
import { DATABASES, api, runSse, setup, testServer, uploadFile, waitExport, type Api, type TestServer } from './support.js';

const tmp = tempDir();
let photo: Buffer;
let redPng: string;
before(async () => {
  photo = readFileSync(await texturedJpeg(tmp.path('p.jpg'), 640, 480, 3));
  redPng = tmp.path('red.png');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(redPng);
});
after(() => tmp.remove());

type Session = Api & { sessionId: string; taskId: string; clientId: string };

/** A coded answer: a catalogue code whose HTTP status is the one answered, never 500/5000. */
const assertCoded = (what: string, status: number, json: unknown): number => {
  assert.ok(json && typeof json === 'object' && typeof (json as { code?: unknown }).code === 'number', `${what}: a JSON envelope with a code, got ${status} ${JSON.stringify(json)?.slice(0, 200)}`);
  const code = (json as { code: number }).code;
  if (code === 0) { assert.ok(status >= 200 && status < 300, `${what}: code 0 with status ${status}`); return code; }
  const spec = errorByCode(code);
  assert.ok(spec, `${what}: ${code} is in the catalogue`);
  assert.notEqual(code, 5000, `${what}: never an internal error: ${JSON.stringify(json).slice(0, 300)}`);
  assert.ok(status < 500 || code === 503, `${what}: no 5xx, got ${status} ${JSON.stringify(json).slice(0, 300)}`);
  assert.equal(status, spec.http, `${what}: status ${status} is ${spec.name}'s`);
  return code;
};

const turns = async (srv: TestServer, sessionId: string): Promise<number> =>
  (await srv.store.sql.query<{ n: number }>('select count(*)::int as n from turns where session_id = $1', [sessionId]))[0]!.n;

const draftWith = (mediaId: string, weight: unknown) => ({
  version: 1, aspect: '16:9', size: '640x360', fps: 25, bg: '#000000',
  t: [
    { tt: 0, sg: [{ id: 'shot1', s: 0, d: 1000, m: { media_id: mediaId, kind: 'image', move: 'zoom-in' } }] },
    { tt: 7, sg: [{ id: 'text1', s: 0, d: 1000, m: { text: 'Hi', role: 'title', pos: 'center', anim: 'none', style: { font: 'display', weight, size: 0.2, color: '#ffffff' } } }] },
  ],
});

for (const db of DATABASES) {
  describe(`hostile input (${db})`, () => {
    let srv: TestServer;
    before(async () => { srv = await testServer(db, { turnCost: 5 }); });
    after(async () => { await srv.stop(); });

    test('U+0000 (and the other refused characters) answers 400 naming the field, on every route that takes text', async () => {
      const a = await setup(srv.url);
      const nul = 'a\u0000b';
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', '/api/tasks/me/with-session/nemo_agent', { task_name: nul }, /^task_name: contains U\+0000/],
        ['POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x\u0001' }, /^task_name: contains U\+0001/],
        ['POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x\u0085' }, /^task_name: contains U\+0085/],
        ['POST', '/api/tasks/me/with-session/nemo_agent', '{"task_name": "lone \\ud800 surrogate"}', /^task_name: contains U\+D800/],
        ['POST', '/run_sse', { app_name: 'nemo_agent', user_id: 'me', session_id: a.sessionId, new_message: { parts: [{ text: `make a video ${nul}` }] } }, /^new_message\.parts\[0\]\.text: contains U\+0000/],
        ['POST', '/run_sse', { session_id: `${a.sessionId}\u0000`, new_message: { parts: [{ text: 'hi' }] } }, /^session_id: /],
        ['POST', '/api/auth/claim-token', { task_id: a.taskId, session_id: `ses_${nul}` }, /^session_id: /],
        ['POST', '/api/auth/claim-token/redeem', { claim_token: `clm_${nul}` }, /^claim_token: /],
        ['POST', '/api/render/proxy/lambda', { id: 'r1', sessionId: `ses_${nul}`, draft: draftWith('med_x', 700) }, /^sessionId: /],
        ['POST', '/api/render/proxy/lambda', { id: 'r1', sessionId: a.sessionId, draft: { ...draftWith('med_x', 700), bg: nul } }, /^draft\.bg: /],
        ['POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: [`http://127.0.0.1:1/${nul}.jpg`], source_type: 'url' }, /^urls\[0\]: /],
        ['GET', '/api/state/nemo_agent/me/ses%00x/latest', undefined, /^sid \(in the path\): contains U\+0000/],
        ['GET', '/api/render/proxy/lambda/render%00x', undefined, /^id \(in the path\): /],
        ['DELETE', '/api/render/proxy/lambda/render%00x', undefined, /^id \(in the path\): /],
        ['GET', '/api/render/proxy/x%00/download', undefined, /^id \(in the path\): /],
        ['GET', `/api/upload-video/nemo_agent/me/${a.sessionId}%00`, undefined, /./],
        ['GET', '/api/files/media/a%00b.jpg?exp=1&sig=x', undefined, /^name \(in the path\): /],
        ['GET', '/api/files/media/a.jpg?exp=%00&sig=x', undefined, /^exp \(in the query\): /],
      ];
      for (const [method, path, body, re] of cases) {
        const r = await a.call(method, path, body);
        const what = `${method} ${path} ${typeof body === 'string' ? body : JSON.stringify(body)?.slice(0, 80)}`;
        if (method === 'GET' && path.startsWith('/api/upload-video')) { assertCoded(what, r.status, r.json); continue; } // no such GET route: 404, coded
        assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.code, 400);
        assert.match(r.json.message, re, what);
        assert.equal(typeof (r.json.data as { field?: unknown }).field, 'string', `${what}: data.field names it`);
        assert.doesNotMatch(r.json.message, /invalid byte sequence|0x00|syntax error|postgres|pglite/i, 'no database text');
      }
      assert.equal(await turns(srv, a.sessionId), 0, 'no turn was started');
      // Legitimate text with tabs, line breaks, emoji and CJK is kept as sent.
      const name = 'Summer\tSale\n🎬 夏日特卖 — "quoted" <b>';
      const ok = await a.call<{ session_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: name });
      assert.equal(ok.json.code, 0);
      const st = await a.call<{ state: { task_name: string } }>('GET', `/api/state/nemo_agent/me/${ok.json.data.session_id}/latest`);
      assert.equal(st.json.data.state.task_name, name.trim());
      // A NUL in a header never reaches us (the HTTP parser refuses it), and the request still gets an answer.
      const raw = await new Promise<string>((resolve, reject) => {
        const s = net.connect(Number(new URL(srv.url).port), '127.0.0.1', () => s.end('POST /api/auth/anonymous-token HTTP/1.1\r\nHost: x\r\nX-Client-Id: a\u0000b\r\nContent-Length: 0\r\n\r\n', 'latin1'));
        let buf = '';
        s.on('data', (d) => { buf += d.toString('latin1'); });
        s.on('end', () => resolve(buf));
        s.on('error', reject);
      });
      assert.match(raw, /^HTTP\/1\.1 400/);
    });

    test('an upload named with controls or a cut emoji is kept under a clean name, and a turn can use it', async () => {
      const a = await setup(srv.url);
      for (const name of ['a\u0000b\u0085c.jpg', `${'x'.repeat(119)}🎬.jpg`]) {
        const up = await uploadFile(a, name, photo, 'image/jpeg');
        assert.equal(up.json.code, 0, JSON.stringify(up.json));
        const got = String(up.json.data.files[0]!.name);
        assert.doesNotMatch(got, /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, `clean: ${JSON.stringify(got)}`);
      }
      const turn = await runSse(a, 'animate these photos into a 2-second video');
      assert.equal(turn.status, 200);
      assert.match(turn.text, /preview is ready/, turn.text);
    });

    test('a "text" that is not a string answers 400 naming it and runs nothing; every body field is type-checked', async () => {
      const a = await setup(srv.url);
      const up = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
      assert.equal(up.json.code, 0);
      const before = await a.call('GET', '/api/credits/balance/simple');
      const sse = (m: unknown, extra: Record<string, unknown> = {}) => ({ app_name: 'nemo_agent', user_id: 'me', session_id: a.sessionId, new_message: m, ...extra });
      const cases: Array<[string, string, unknown, RegExp]> = [
        ['POST', '/run_sse', sse({ parts: [{ text: 5 }] }), /^new_message\.parts\[0\]\.text: must be string/],
        ['POST', '/run_sse', sse({ parts: [{ text: 'animate this photo' }, { text: true }] }), /^new_message\.parts\[1\]\.text: /],
        ['POST', '/run_sse', sse({ parts: [{ text: ['animate this photo'] }] }), /^new_message\.parts\[0\]\.text: /],
        ['POST', '/run_sse', sse({ parts: [{ text: { toString: 'animate' } }] }), /^new_message\.parts\[0\]\.text: /],
        ['POST', '/run_sse', sse({ parts: 'animate this photo' }), /^new_message\.parts: /],
        ['POST', '/run_sse', sse('animate this photo'), /^new_message: /],
        ['POST', '/run_sse', sse({ parts: [{ text: 'animate this photo' }] }, { session_id: 12 }), /^session_id: /],
        ['POST', '/run_sse', sse({ parts: [{ text: 'animate this photo' }] }, { user_id: 0 }), /^user_id: /],
        ['POST', '/run_sse', sse({ role: 1, parts: [{ text: 'animate this photo' }] }), /^new_message\.role: /],
        ['POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 5 }, /^task_name: /],
        ['POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x', language: ['en'] }, /^language: /],
        ['POST', '/api/auth/claim-token', { session_id: 1 }, /^session_id: /],
        ['POST', '/api/auth/claim-token/redeem', { claim_token: 1 }, /^claim_token: /],
        ['POST', '/api/render/proxy/lambda', { id: 5, sessionId: a.sessionId, draft: draftWith('med_x', 700) }, /^id: /],
        ['POST', '/api/render/proxy/lambda', { id: 'r', sessionId: [a.sessionId], draft: draftWith('med_x', 700) }, /^sessionId: /],
        ['POST', '/api/render/proxy/lambda', { id: 'r', sessionId: a.sessionId, draft: 'draft' }, /^draft: /],
        ['POST', '/api/render/proxy/lambda', { id: 'r', sessionId: a.sessionId, draft: draftWith('med_x', 700), output: { quality: 1 } }, /^output\.quality: /],
        ['POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: 'http://127.0.0.1/x.jpg' }, /^urls: /],
        ['POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: ['http://127.0.0.1/x.jpg'], source_type: 5 }, /^source_type: /],
        ['POST', '/run_sse', `${JSON.stringify(sse({ parts: [{ text: 'animate this photo' }] })).slice(0, -1)},"extra":${'['.repeat(5000)}1${']'.repeat(5000)}}`, /^extra(\[0\])+: is nested deeper than 32 levels/],
      ];
      for (const [method, path, body, re] of cases) {
        const r = await a.call(method, path, body);
        const what = `${method} ${path} ${(typeof body === 'string' ? body : JSON.stringify(body))?.slice(0, 120)}`;
        assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.json)}`);
        assert.equal(r.json.code, 400, what);
        assert.match(r.json.message, re, what);
      }
      assert.deepEqual((await a.call('GET', '/api/credits/balance/simple')).json.data, before.json.data, 'nothing reserved or charged');
      assert.equal(await turns(srv, a.sessionId), 0, 'no turn ran');
      // The same turn with a string runs, and is charged once.
      const turn = await runSse(a, 'animate this photo into a 2-second video');
      assert.match(turn.text, /preview is ready/, turn.text);
      const afterTurn = (await a.call<{ available: number }>('GET', '/api/credits/balance/simple')).json.data;
      assert.equal(afterTurn.available, (before.json.data as { available: number }).available - 5);
    });

    test('a chat edit that would make a draft the schema refuses fails with the field named; nothing saved or charged; the session goes on', async () => {
      const a = await setup(srv.url);
      for (const n of ['p.jpg', 'q.jpg']) assert.equal((await uploadFile(a, n, photo, 'image/jpeg')).json.code, 0);
      const before = (await a.call('GET', '/api/credits/balance/simple')).json.data;
      const version = async () => (await a.call<{ state: { draft_version: number } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state.draft_version;
      const v0 = await version();
      const bad = await runSse(a, 'crossfade of 9 seconds between photos');
      assert.match(bad.text, /tr\.d: must be <= 5000, got 9000/, bad.text);
      assert.equal(await version(), v0, 'the draft was not saved');
      assert.deepEqual((await a.call('GET', '/api/credits/balance/simple')).json.data, before, 'nothing charged');
      const good = await runSse(a, 'animate these photos into a 2-second video with a short crossfade');
      assert.match(good.text, /preview is ready/, `the next turn works: ${good.text}`);
    });

    test('the file-reading draft of issue 11 is refused with 4007 naming the path; the same draft with a real weight exports', async () => {
      const a = await setup(srv.url);
      const media = (await uploadFile(a, 'p.jpg', photo, 'image/jpeg')).json.data.files[0]!.media_id;
      const payload = `400"><image href="${redPng}" x="0" y="0" width="4000" height="4000"/></g><g x="`;
      const bad = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_evil', sessionId: a.sessionId, draft: draftWith(media, payload), output: { format: 'mp4', quality: 'low' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 4007);
      assert.match(bad.json.message, /t\[1\]\.sg\[0\]\.m\.style\.weight: must be one of 400, 700, 900/);
      assert.equal((await a.call('GET', '/api/render/proxy/lambda/render_evil')).json.code, 4009, 'nothing was queued');
      for (const variant of [{ color: `#fff" /><image href="${redPng}"/>` }, { font: `display' href='${redPng}` }, { size: '0.2"/><image href="x"/>' }, { href: redPng }]) {
        const d = draftWith(media, 700);
        Object.assign((d.t[1]!.sg[0]!.m as { style: Record<string, unknown> }).style, variant);
        const r = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_evil2', sessionId: a.sessionId, draft: d });
        assert.equal(r.json.code, 4007, JSON.stringify(variant));
        assert.match(r.json.message, /t\[1\]\.sg\[0\]\.m\.style\.(color|font|size|href)/);
      }
      const good = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_good', sessionId: a.sessionId, draft: draftWith(media, 900), output: { format: 'mp4', quality: 'low' } });
      assert.equal(good.json.code, 0, JSON.stringify(good.json));
      const done = await waitExport(a, 'render_good');
      assert.equal(done.status, 'completed', JSON.stringify(done));
      const file = tmp.path(`good-${db}.mp4`);
      const dl = await fetch(`${srv.url}/api/render/proxy/render_good/download`, { headers: { authorization: `Bearer ${a.token}` } });
      assert.equal(dl.status, 200);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, Buffer.from(await dl.arrayBuffer()));
      const p = await probeMedia(file);
      assert.deepEqual([p.video?.width, p.video?.height], [640, 360]);
    });

    test('fuzz: random and mutated requests on every route: no 500, no hang, every answer coded', { timeout: 120_000 }, async () => {
      const seed = fuzzSeed(db === 'embedded' ? 11_003 : 11_004);
      const r = prng(seed);
      const a = await setup(srv.url);
      const noMedia = await setup(srv.url);
      const credits = (await a.call('GET', '/api/credits/balance/simple')).json.data;
      const claim = (await a.call<{ claim_token: string }>('POST', '/api/auth/claim-token', { task_id: a.taskId, session_id: a.sessionId })).json.data.claim_token;
      const seg = (p: Rng, valid: string) => p.chance(0.1) ? p.pick(['%FF', '%C0%80', '%ED%A0%80', '%', '%zz', '%2F..%2F', '..', '.']) : pathPart(p.chance(0.5) ? valid + (p.chance(0.5) ? p.pick(HOSTILE_STRINGS).slice(0, 200) : '') : randomString(p).slice(0, 150));
      const routes: Array<{ method: string; path: (p: Rng) => string; body?: () => unknown; headers?: (p: Rng) => Record<string, string> }> = [
        { method: 'POST', path: () => '/api/auth/anonymous-token', headers: (p) => ({ 'x-client-id': latin1(p) }) },
        { method: 'POST', path: () => '/api/auth/claim-token', body: () => ({ task_id: a.taskId, session_id: a.sessionId }) },
        { method: 'POST', path: () => '/api/auth/claim-token/redeem', body: () => ({ claim_token: claim }) },
        { method: 'POST', path: () => '/api/tasks/me/with-session/nemo_agent', body: () => ({ task_name: 'fuzz', language: 'en' }) },
        { method: 'POST', path: () => '/run_sse', body: () => ({ app_name: 'nemo_agent', user_id: 'me', session_id: noMedia.sessionId, new_message: { role: 'user', parts: [{ text: 'add the title "Summer Sale" and make it 9:16' }] } }) },
        { method: 'POST', path: (p) => `/api/upload-video/nemo_agent/${seg(p, 'me')}/${seg(p, a.sessionId)}`, body: () => ({ urls: ['http://127.0.0.1:1/x.jpg'], source_type: 'url' }) },
        { method: 'POST', path: () => '/api/render/proxy/lambda', body: () => ({ id: 'render_fuzz', sessionId: a.sessionId, draft: draftWith('med_not_here', 700), output: { format: 'mp4', quality: 'low' } }) },
        { method: 'GET', path: (p) => `/api/render/proxy/lambda/${seg(p, 'render_fuzz')}` },
        { method: 'DELETE', path: (p) => `/api/render/proxy/lambda/${seg(p, 'render_fuzz')}` },
        { method: 'GET', path: (p) => `/api/render/proxy/${seg(p, 'render_fuzz')}/download` },
        { method: 'GET', path: (p) => `/api/state/nemo_agent/${seg(p, 'me')}/${seg(p, a.sessionId)}/latest` },
        { method: 'GET', path: () => '/api/credits/balance/simple' },
        { method: 'GET', path: (p) => `/api/files/${seg(p, 'media')}/${seg(p, 'x.jpg')}?exp=${seg(p, '1')}&sig=${seg(p, 'abc')}` },
        { method: 'GET', path: () => '/healthz' },
      ];
      let n = 0;
      const codes = new Map<number, number>();
      const started = performance.now();
      for (const route of routes) {
        for (let i = 0; i < 30; i++) {
          const path = route.path(r);
          let body: unknown;
          let raw: string | undefined;
          const kind = i % 9;
          if (route.body && kind <= 3) body = mutate(r, route.body());
          else if (kind === 4) body = randomValue(r, 3);
          else if (kind === 5) raw = r.pick(['{', '{"a":', 'null', '[]', '""', '1e999', '{"x":"\\u0000"}', '\u0000', '{"__proto__":{"x":1}}', `{"session_id":"${'9'.repeat(400)}"}`, 'not json at all']);
          else if (kind === 6) {
            const k = 20 + r.int(5000);
            raw = `${JSON.stringify(route.body?.() ?? {}).slice(0, -1)}${route.body ? ',' : ''}"nest":${'['.repeat(k)}1${']'.repeat(k)}}`;
          }
          else if (kind === 7 && route.body) body = route.body();
          else body = r.chance(0.5) ? undefined : { [randomString(r).slice(0, 8)]: randomValue(r, 2) };
          const headers: Record<string, string> = { ...(route.headers?.(r) ?? {}) };
          if (r.chance(0.1)) headers.authorization = `Bearer ${latin1(r)}`;
          if (r.chance(0.1)) headers['x-skill-source'] = latin1(r);
          const payload = route.method === 'GET' ? undefined : raw ?? (body === undefined ? undefined : JSON.stringify(body)); // fetch sends no GET body
          if (payload !== undefined) headers['content-type'] = r.chance(0.05) ? 'text/plain' : 'application/json';
          const what = `seed ${seed} #${n} ${route.method} ${path.slice(0, 120)} ${payload?.slice(0, 160) ?? ''}`;
          const res = await fetch(srv.url + path, { method: route.method, headers: { authorization: `Bearer ${a.token}`, ...headers }, body: payload, signal: AbortSignal.timeout(15_000) })
            .catch((e: Error) => { throw new Error(`${what}: ${e.message} (a hang or a dropped connection)`); });
          const text = await res.text();
          n++;
          if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
            for (const line of text.split('\n')) {
              if (!line.startsWith('data: {')) continue;
              const e = JSON.parse(line.slice(6)) as { error_code?: string };
              assert.notEqual(e.error_code, '5000', `${what}: a turn failed inside: ${line.slice(0, 300)}`);
            }
            codes.set(0, (codes.get(0) ?? 0) + 1);
            continue;
          }
          if (path.startsWith('/api/files/') && res.status === 200) continue; // a file, not JSON (never happens with fuzzed signatures)
          let json: unknown;
          try { json = JSON.parse(text); } catch { assert.fail(`${what}: answered ${res.status} with non-JSON: ${text.slice(0, 200)}`); }
          const code = assertCoded(what, res.status, json);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }
      const ms = performance.now() - started;
      process.stdout.write(`# request fuzz (${db}) seed ${seed}: ${n} requests in ${ms.toFixed(0)} ms; codes ${[...codes].sort((x, y) => x[0] - y[0]).map(([c, k]) => `${c}x${k}`).join(' ')}\n`);
      assert.ok((codes.get(400) ?? 0) > 100 && (codes.get(0) ?? 0) > 20, 'both refusals and successes happen');
      // The server is still well, and the fuzz cost nothing.
      assert.equal((await api(srv.url).call('GET', '/healthz')).json.code, 0);
      assert.deepEqual((await a.call('GET', '/api/credits/balance/simple')).json.data, credits, 'no credit moved');
    });
  });
}

/** A path segment, percent-encoded; a lone surrogate goes as the bytes of its UTF-8 spelling (which is not valid UTF-8). */
const pathPart = (s: string): string =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').split('\ufffd').map(encodeURIComponent).join('%ED%A0%80');

/** A header value fetch will send: 1–60 visible Latin-1 bytes (it refuses controls itself; the raw-socket case covers those). */
const latin1 = (r: Rng): string => {
  const n = 1 + r.int(60);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = 0x20 + r.int(0xe0);
    s += String.fromCharCode(c === 0x7f ? 0x41 : c);
  }
  return s.trim() || 'x';
};
