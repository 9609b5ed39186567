/**
 * Every endpoint's answers and every error code of API.md, and the guard rails: sessions belong
 * to their token, tokens never in URLs or logs, limits while streaming, SSRF, rate limits, body
 * errors naming the field.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { makeThumbnail } from '../../src/engine/media/thumbnail.js';
import { isPrivateAddress } from '../../src/service/fetch-url.js';
import { attachment, downloadName } from '../../src/service/routes/export.js';
import { loadSettings } from '../../src/service/settings.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { api, runSse, setup, sleep, testServer, turnRunning, until, uploadFile, type TestServer } from './support.js';

const tmp = tempDir();
let photo: Buffer;
before(async () => { photo = readFileSync(await texturedJpeg(tmp.path('p.jpg'), 640, 480, 2)); });
after(() => tmp.remove());

describe('service API (embedded)', () => {
  let srv: TestServer;
  before(async () => { srv = await testServer('embedded', { turnCost: 5, maxImageBytes: 200_000 }); });
  after(async () => { await srv.stop(); });

  test('anonymous token: 400 without X-Client-Id; the same client id gets the same live token and no new credits', async () => {
    const a = api(srv.url);
    const none = await a.call('POST', '/api/auth/anonymous-token');
    assert.equal(none.status, 400);
    assert.equal(none.json.code, 400);
    assert.match(none.json.message, /X-Client-Id/);
    const id = randomUUID();
    const t1 = await a.call<{ token: string; credits: number; expires_at: string; scopes: string[] }>('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': id });
    assert.equal(t1.json.code, 0);
    assert.equal(t1.json.data.credits, 100);
    assert.deepEqual(t1.json.data.scopes, ['read', 'write', 'upload', 'render']);
    const days = (Date.parse(t1.json.data.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `expires in 7 days, got ${days}`);
    const t2 = await a.call<{ token: string; credits: number }>('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': id });
    assert.equal(t2.json.data.token, t1.json.data.token);
    const rows = await srv.store.sql.query<{ n: number }>('select count(*)::int as n from ledger l join tokens t on t.user_id = l.user_id where t.client_id = $1 and l.kind = $2', [id, 'grant']);
    assert.equal(rows[0]!.n, 1, 'one grant for one client id');
    const stored = await srv.store.sql.query<{ hash: string }>('select hash from tokens where client_id = $1', [id]);
    assert.ok(stored.length === 1 && stored[0]!.hash !== t1.json.data.token && !stored[0]!.hash.includes(t1.json.data.token.slice(4)), 'tokens are stored hashed');
  });

  test('1001: missing, malformed, unknown token; a token in the query string is not accepted', async () => {
    const a = await setup(srv.url);
    for (const h of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer nmt_${'x'.repeat(43)}` }, { authorization: a.token }]) {
      const r = await api(srv.url).call('GET', '/api/credits/balance/simple', undefined, h as Record<string, string>);
      assert.equal(r.status, 401);
      assert.equal(r.json.code, 1001);
    }
    const q = await fetch(`${srv.url}/api/credits/balance/simple?token=${a.token}`);
    assert.equal(q.status, 401);
  });

  test('1001 once a token expires; the same client id then gets a new token and keeps its credits', async () => {
    const short = await testServer('embedded', { tokenTtlDays: 2 / 86_400 });
    try {
      const a = await setup(short.url);
      assert.equal((await a.call('GET', '/api/credits/balance/simple')).json.code, 0);
      await sleep(2300);
      const late = await a.call('GET', '/api/credits/balance/simple');
      assert.equal(late.json.code, 1001);
      const again = await api(short.url).call<{ token: string; credits: number }>('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': a.clientId });
      assert.notEqual(again.json.data.token, a.token);
      assert.equal(again.json.data.credits, 100);
    } finally {
      await short.stop();
    }
  });

  test('1002: a session answers only to its own token, whatever id or user is tried', async () => {
    const owner = await setup(srv.url);
    const other = await setup(srv.url);
    other.sessionId = owner.sessionId;
    const paths: Array<[string, string, unknown]> = [
      ['GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`, undefined],
      ['GET', `/api/state/nemo_agent/me/ses_doesnotexist/latest`, undefined],
      ['GET', `/api/state/nemo_agent/${owner.sessionId}/${owner.sessionId}/latest`, undefined],
      ['POST', '/api/auth/claim-token', { task_id: owner.taskId, session_id: owner.sessionId }],
      ['POST', '/api/render/proxy/lambda', { id: `render_${Date.now()}`, sessionId: owner.sessionId, draft: { version: 1, aspect: 'auto', size: '1080p', fps: 30, bg: '#000000', t: [] } }],
    ];
    for (const [m, p, b] of paths) {
      const r = await other.call(m, p, b);
      assert.equal(r.json.code, 1002, `${m} ${p}`);
      assert.equal(r.status, 404);
    }
    const up = await uploadFile(other, 'p.jpg', photo, 'image/jpeg');
    assert.equal(up.json.code, 1002);
    const sse = await runSse(other, 'hello');
    assert.equal(sse.status, 404);
    assert.equal(sse.error?.code, 1002);
    const mine = await owner.call('GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`);
    assert.equal(mine.json.code, 0);
  });

  test('claim token: opens the same session through redeem; the claim token itself grants no API access', async () => {
    const a = await setup(srv.url);
    const c = await a.call<{ claim_token: string; url: string }>('POST', '/api/auth/claim-token', { task_id: a.taskId, session_id: a.sessionId });
    assert.match(c.json.data.url, /\/workspace\/claim\?ct=clm_/);
    const asBearer = await api(srv.url, c.json.data.claim_token).call('GET', '/api/credits/balance/simple');
    assert.equal(asBearer.json.code, 1001);
    const r = await api(srv.url).call<{ token: string; session_id: string; task_id: string }>('POST', '/api/auth/claim-token/redeem', { claim_token: c.json.data.claim_token });
    assert.equal(r.json.code, 0);
    assert.equal(r.json.data.session_id, a.sessionId);
    assert.notEqual(r.json.data.token, a.token);
    const st = await api(srv.url, r.json.data.token).call('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
    assert.equal(st.json.code, 0);
    const other = await a.call<{ session_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'private' });
    const shared = api(srv.url, r.json.data.token);
    assert.equal((await shared.call('GET', `/api/state/nemo_agent/me/${other.json.data.session_id}/latest`)).json.code, 1002, "a claim opens one project, not the user's others");
    assert.equal((await shared.call('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x' })).json.code, 1001, 'nor starts new ones on their credits');
    const reshare = await shared.call('POST', '/api/auth/claim-token', { task_id: a.taskId, session_id: a.sessionId });
    assert.equal(reshare.status, 400, "nor mints claim links of its own (each with fresh uses, out of the owner's revoke)");
    assert.match(reshare.json.message, /cannot make new claim links/);
    const bad = await api(srv.url).call('POST', '/api/auth/claim-token/redeem', { claim_token: 'clm_notarealclaimtokenatall000' });
    assert.equal(bad.json.code, 1001);
    const wrongTask = await a.call('POST', '/api/auth/claim-token', { task_id: 'task_other', session_id: a.sessionId });
    assert.equal(wrongTask.json.code, 1002);
  });

  test('4001: the type is decided by content; data.accepted lists the formats', async () => {
    const a = await setup(srv.url);
    const r = await uploadFile(a, 'photo.jpg', Buffer.from('this is a text file pretending to be a photo, long enough to sniff it properly.'), 'image/jpeg');
    assert.equal(r.status, 415);
    assert.equal(r.json.code, 4001);
    assert.ok((r.json.data as unknown as { accepted: string[] }).accepted.includes('heic/heif'));
    const named = await uploadFile(a, 'notes.txt', photo, 'text/plain');
    assert.equal(named.json.code, 0, 'a JPEG named .txt is a JPEG');
    assert.equal(named.json.data.files[0]!.kind, 'image');
    const corrupt = await uploadFile(a, 'half.jpg', photo.subarray(0, 2000), 'image/jpeg');
    assert.equal(corrupt.json.code, 4003, 'a truncated photo is refused at the door');
  });

  test("a transparent PNG's thumbnail shows the canvas colour behind it, as the video does (black), not white", async () => {
    const a = await setup(srv.url);
    // Left half opaque red, right half fully transparent.
    const W = 200, H = 100;
    const rgba = Buffer.alloc(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) rgba.set([230, 20, 20, 255], (y * W + x) * 4);
    const png = await sharp(rgba, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
    const up = await uploadFile(a, 'cutout.png', png, 'image/png');
    assert.equal(up.json.code, 0);
    const thumb = await fetch(String(up.json.data.files[0]!.thumbnail_url));
    const { data, info } = await sharp(Buffer.from(await thumb.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const clear = px(Math.round(info.width * 0.8), Math.round(info.height / 2));
    assert.ok(clear.every((v) => v <= 12), `transparent area drawn as ${clear} (the canvas is #000000)`);
    const red = px(Math.round(info.width * 0.2), Math.round(info.height / 2));
    assert.ok(red[0]! > 180 && red[1]! < 60, `opaque area ${red}`);
    // The engine's thumbnail follows whatever colour it is given (a draft's `bg`).
    const out = tmp.path('blue-thumb.jpg');
    writeFileSync(tmp.path('cutout.png'), png);
    await makeThumbnail(tmp.path('cutout.png'), 'image', out, { maxImageBytes: 1e7, maxPixels: 1e7, background: '#3366cc' });
    const blue = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const bp = [...blue.data.subarray((50 * blue.info.width + 180) * 3, (50 * blue.info.width + 180) * 3 + 3)];
    assert.ok(Math.abs(bp[0]! - 0x33) < 8 && Math.abs(bp[1]! - 0x66) < 8 && Math.abs(bp[2]! - 0xcc) < 8, `transparent area on #3366cc drawn as ${bp}`);
  });

  test('4002: over the photo limit; data.limit_bytes; what was saved before stays saved', async () => {
    const a = await setup(srv.url);
    const big = readFileSync(await texturedJpeg(tmp.path('big.jpg'), 2400, 1800, 5));
    assert.ok(big.length > 200_000, `fixture is ${big.length} bytes`);
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(photo)]), 'ok.jpg');
    form.append('files', new Blob([new Uint8Array(big)]), 'big.jpg');
    const r = await a.call<{ limit_bytes: number; files: Array<{ name: string }> }>('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, form);
    assert.equal(r.status, 413);
    assert.equal(r.json.code, 4002);
    assert.equal(r.json.data.limit_bytes, 200_000);
    assert.deepEqual(r.json.data.files.map((f) => f.name), ['ok.jpg']);
    const st = await a.call<{ state: { video_infos: unknown[] } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
    assert.equal(st.json.data.state.video_infos.length, 1);
  });

  test('2001 before the stream when credits are short, with bind_url; questions cost nothing', async () => {
    const poor = await testServer('embedded', { startCredits: 3, turnCost: 5 });
    try {
      const a = await setup(poor.url);
      await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
      const r = await runSse(a, 'animate this photo into a 3-second video');
      assert.equal(r.status, 402);
      assert.equal(r.error?.code, 2001);
      assert.match(String((r.error?.data as { bind_url: string }).bind_url), /\?bind=/);
      const q = await runSse(a, 'credits');
      assert.equal(q.status, 200);
      assert.match(q.text, /3 available/);
    } finally {
      await poor.stop();
    }
  });

  test('400 answers name the field: JSON schema, malformed JSON, empty message', async () => {
    const a = await setup(srv.url);
    const lang = await a.call('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x', language: 5 });
    assert.equal(lang.status, 400);
    assert.match(lang.json.message, /language/);
    const broken = await a.call('POST', '/api/tasks/me/with-session/nemo_agent', '{"task_name": ');
    assert.equal(broken.json.code, 400);
    const noSid = await a.call('POST', '/run_sse', { new_message: { parts: [{ text: 'hi' }] } });
    assert.equal(noSid.json.code, 400);
    assert.match(noSid.json.message, /session_id/);
    const empty = await a.call('POST', '/run_sse', { session_id: a.sessionId, new_message: { parts: [{ text: '  ' }] } });
    assert.match(empty.json.message, /text/);
    const huge = await a.call('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'x'.repeat(3_000_000) });
    assert.equal(huge.json.code, 400);
    assert.match(huge.json.message, /too large/);
    const nf = await a.call('GET', '/api/nothing/here');
    assert.equal(nf.status, 404);
  });

  test('export errors: 4007 bad draft naming the path, 4008 foreign media, 4009 unknown or foreign render', async () => {
    const a = await setup(srv.url);
    const b = await setup(srv.url);
    const up = await uploadFile(b, 'p.jpg', photo, 'image/jpeg');
    const foreign = up.json.data.files[0]!.media_id;
    const draft = (media: string, d = 3000) => ({ version: 1, aspect: '16:9', size: '720p', fps: 30, bg: '#000000', t: [{ tt: 0, sg: [{ id: 's1', s: 0, d, m: { media_id: media, kind: 'image', move: 'zoom-in' } }] }] });
    const bad = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_bad', sessionId: a.sessionId, draft: draft(foreign, -5) });
    assert.equal(bad.json.code, 4007);
    assert.match(bad.json.message, /t\[0\]\.sg\[0\]\.d/);
    const empty = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_empty', sessionId: a.sessionId, draft: { ...draft(foreign), t: [] } });
    assert.equal(empty.json.code, 4007);
    const fm = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_foreign', sessionId: a.sessionId, draft: draft(foreign) });
    assert.equal(fm.json.code, 4008);
    const fmt = await a.call('POST', '/api/render/proxy/lambda', { id: 'render_fmt', sessionId: b.sessionId, draft: draft(foreign), output: { format: 'avi' } });
    assert.equal(fmt.json.code, 400);
    assert.match(fmt.json.message, /format/);
    const unknown = await a.call('GET', '/api/render/proxy/lambda/render_nope');
    assert.equal(unknown.json.code, 4009);
    const ok = await b.call('POST', '/api/render/proxy/lambda', { id: 'render_b1', sessionId: b.sessionId, draft: draft(foreign, 1000), output: { format: 'mp4', quality: 'low' } });
    assert.equal(ok.json.code, 0);
    const peek = await a.call('GET', '/api/render/proxy/lambda/render_b1');
    assert.equal(peek.json.code, 4009, "another token's render does not exist for you");
    const mine = (await uploadFile(a, 'p.jpg', photo, 'image/jpeg')).json.data.files[0]!.media_id;
    const same = await a.call<{ id: string }>('POST', '/api/render/proxy/lambda', { id: 'render_b1', sessionId: a.sessionId, draft: draft(mine, 500), output: { quality: 'low' } });
    assert.equal(same.json.code, 0, 'render ids are per user: the same id is a different render');
    assert.equal(same.json.data.id, 'render_b1');
    const many = [];
    for (let i = 0; i < 4; i++) many.push((await a.call('POST', '/api/render/proxy/lambda', { id: `render_many_${i}`, sessionId: a.sessionId, draft: draft(mine, 500), output: { quality: 'low' } })).json.code);
    assert.ok(many.includes(429), `at most a few exports wait per user: ${many.join(',')}`);
  });

  test('402: export reserved for registered users, or for attributed clients, by operator settings', async () => {
    const locked = await testServer('embedded', { exportRegisteredOnly: true });
    const attributed = await testServer('embedded', { exportRequiresAttribution: true });
    try {
      const a = await setup(locked.url);
      const t = await api(locked.url).call<{ scopes: string[] }>('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID() });
      assert.ok(!t.json.data.scopes.includes('render'));
      const r = await a.call('POST', '/api/render/proxy/lambda', { id: 'r1', sessionId: a.sessionId, draft: {} });
      assert.equal(r.status, 402);
      assert.equal(r.json.code, 402);
      const b = await setup(attributed.url);
      const up = await uploadFile(b, 'p.jpg', photo, 'image/jpeg');
      const draft = { version: 1, aspect: '16:9', size: '360p', fps: 30, bg: '#000000', t: [{ tt: 0, sg: [{ id: 's1', s: 0, d: 500, m: { media_id: up.json.data.files[0]!.media_id, kind: 'image' } }] }] };
      const no = await b.call('POST', '/api/render/proxy/lambda', { id: 'r2', sessionId: b.sessionId, draft });
      assert.equal(no.json.code, 402);
      const yes = await b.call('POST', '/api/render/proxy/lambda', { id: 'r3', sessionId: b.sessionId, draft }, { 'x-skill-source': 'test-skill', 'x-skill-version': '1.2.3', 'x-skill-platform': 'node' });
      assert.equal(yes.json.code, 0);
      // The request log is written in batches, once a second (later on a loaded machine).
      const rows = await until('the attributed request in the log', async () => {
        const got = await attributed.store.sql.query<{ skill_source: string; skill_version: string; route: string }>("select skill_source, skill_version, route from requests where skill_source = 'test-skill'");
        return got.length > 0 && got;
      }, 30_000);
      assert.deepEqual(rows.map((r) => [r.skill_source, r.skill_version, r.route]), [['test-skill', '1.2.3', '/api/render/proxy/lambda']], 'attribution headers are recorded with the request');
    } finally {
      await locked.stop();
      await attributed.stop();
    }
  });

  test('429 with Retry-After: per address for requests, per address for new tokens', async () => {
    // exemptAddresses: [] makes loopback an outsider's address (by default it is the operator's, never limited).
    const limited = await testServer('embedded', { rateLimitPerMinute: 8, tokensPerIpPerWeek: 2, exemptAddresses: [] });
    try {
      const a = api(limited.url);
      const t1 = await a.call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID() });
      const t2 = await a.call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID() });
      const t3 = await a.call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID() });
      assert.deepEqual([t1.json.code, t2.json.code, t3.json.code], [0, 0, 429]);
      assert.ok(Number(t3.headers.get('retry-after')) > 6 * 86400, 'wait until the oldest token leaves the 7-day window');
      let last = t3;
      for (let i = 0; i < 8; i++) last = await a.call('GET', '/api/credits/balance/simple');
      assert.equal(last.status, 429);
      const wait = Number(last.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    } finally {
      await limited.stop();
    }
  });

  test('a 51 MB photo is refused while it streams: the answer comes long before the body would end', async () => {
    const a = await setup(srv.url);
    const limited = await testServer('embedded', {});
    try {
      const b = await setup(limited.url);
      const url = new URL(`${limited.url}/api/upload-video/nemo_agent/me/${b.sessionId}`);
      const boundary = 'x' + randomUUID();
      const total = 120 * 1024 * 1024;
      let written = 0;
      const result = await new Promise<{ status: number; body: string; writtenAtAnswer: number }>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${b.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
          const at = written;
          let body = '';
          res.on('data', (c) => { body += c; });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, writtenAtAnswer: at }));
        });
        req.on('error', (e) => { if (written < total) resolve({ status: -1, body: String(e), writtenAtAnswer: written }); else reject(e); });
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
        req.write(photo.subarray(0, 2048));
        const chunk = Buffer.alloc(1024 * 1024, 0x55);
        const pump = () => {
          while (written < total) {
            written += chunk.length;
            if (!req.write(chunk)) { req.once('drain', pump); return; }
          }
          req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      });
      assert.ok(result.writtenAtAnswer < 80 * 1024 * 1024, `answered after ${result.writtenAtAnswer} bytes`);
      if (result.status !== -1) {
        assert.equal(result.status, 413);
        assert.equal(JSON.parse(result.body).code, 4002);
      }
    } finally {
      await limited.stop();
      void a;
    }
  });

  test('URL uploads: private, loopback and link-local refused; http(s) only; redirects limited and re-checked', async () => {
    const a = await setup(srv.url);
    for (const u of ['http://127.0.0.1:1/x.jpg', 'http://localhost/x.jpg', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x.jpg', 'http://[::ffff:127.0.0.1]:1/x.jpg', 'http://[::ffff:7f00:1]/x.jpg', 'http://[::ffff:0:0]/x.jpg', 'file:///etc/passwd', 'ftp://example.com/x.jpg', 'http://10.1.2.3/x.jpg']) {
      const r = await a.call('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: [u], source_type: 'url' });
      assert.equal(r.json.code, 400, u);
      assert.match(r.json.message, /cannot fetch/);
    }
    for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:0:0', '64:ff9b::7f00:1', '2002:7f00:1::1', 'fec0::1', '224.0.0.1']) assert.equal(isPrivateAddress(ip), true, ip);
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '172.32.0.1', '::ffff:8.8.8.8']) assert.equal(isPrivateAddress(ip), false, ip);

    // With private addresses allowed (an operator setting), a local server: a photo, and a redirect chain.
    const files = http.createServer((req, res) => {
      const m = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (m) { const n = Number(m[1]); res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/photo.jpg' }).end(); return; }
      if (req.url === '/photo.jpg') { res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(photo.length) }).end(photo); return; }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const port = (files.address() as AddressInfo).port;
    const open = await testServer('embedded', { allowPrivateUrls: true, maxRedirects: 3 });
    try {
      const b = await setup(open.url);
      const good = await b.call<{ files: Array<{ kind: string; width: number }> }>('POST', `/api/upload-video/nemo_agent/me/${b.sessionId}`, { urls: [`http://127.0.0.1:${port}/hop/2`], source_type: 'url' });
      assert.equal(good.json.code, 0, JSON.stringify(good.json));
      assert.deepEqual([good.json.data.files[0]!.kind, good.json.data.files[0]!.width], ['image', 640]);
      const far = await b.call('POST', `/api/upload-video/nemo_agent/me/${b.sessionId}`, { urls: [`http://127.0.0.1:${port}/hop/5`], source_type: 'url' });
      assert.equal(far.json.code, 400);
      assert.match(far.json.message, /redirects/);
    } finally {
      await open.stop();
      files.close();
    }
  });

  test('a repeated message while its turn runs joins it: one render, one charge', async () => {
    const a = await setup(srv.url);
    await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    const msg = 'animate this photo into a 4-second video with a slow zoom';
    const [r1, r2] = await Promise.all([runSse(a, msg), (async () => { await turnRunning(a); return runSse(a, msg); })()]);
    assert.equal(r1.text, r2.text);
    const inv = (r: typeof r1) => new Set(r.events.filter((e) => e.json).map((e) => e.json!.invocation_id));
    assert.deepEqual([...inv(r1)], [...inv(r2)], 'the second request follows the same invocation');
    const st = await a.call<{ state: { generated_media: unknown[] } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
    assert.equal(st.json.data.state.generated_media.length, 1);
    const c = await a.call<{ available: number; total: number }>('GET', '/api/credits/balance/simple');
    assert.deepEqual([c.json.data.available, c.json.data.total], [95, 95]);
  });

  test('a different message while a turn runs is told at once that it waits, then runs after it', async () => {
    const a = await setup(srv.url);
    await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    const first = 'animate this photo into a 4-second video with a slow zoom';
    const [r1, r2] = await Promise.all([runSse(a, first), (async () => { await turnRunning(a); return runSse(a, 'make it 3 seconds'); })()]);
    assert.doesNotMatch(r1.text, /still being worked on/, 'the first turn did not wait');
    const firstText = r2.events.find((e) => (e.json?.content as { parts?: Array<{ text?: string }> } | undefined)?.parts?.some((p) => typeof p.text === 'string'));
    assert.match(JSON.stringify(firstText?.json), /previous message is still being worked on/, 'the waiting turn says so before anything else');
    assert.match(r2.text, /3(\.0)?\s*s|3-second|3 seconds/, `the second turn ran after the first: ${r2.text}`);
    const st = await a.call<{ state: { generated_media: unknown[] } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
    assert.equal(st.json.data.state.generated_media.length, 2);
    // Words that change nothing still say why: people and animals cannot be made to move from one
    // photo, in the session's language, and a motion nothing here makes is named with what can be.
    const dog = await runSse(a, 'make the dog run and the birds fly');
    assert.match(dog.text, /Nothing on the timeline changed: people and animals moving \("make the dog run"\) cannot be made from one photo.*slow zoom in/s);
    assert.match((await runSse(a, '让小狗跑起来')).text, /时间线没有变化：人物和动物的动作.*无法用一张照片做出来/);
    assert.match((await runSse(a, 'make the northern lights dance')).text, /"the northern lights dance" is not a motion this engine knows/);
    // A sky the photo does not have (a flat grey card): the drift is not added, nothing renders, nothing is charged.
    const grey = await setup(srv.url);
    await uploadFile(grey, 'card.png', await sharp({ create: { width: 640, height: 480, channels: 3, background: '#777777' } }).png().toBuffer(), 'image/png');
    await runSse(grey, 'animate this photo into a 2-second video');
    const credits = async () => (await grey.call<{ available: number }>('GET', '/api/credits/balance/simple')).json.data.available;
    const before = await credits();
    const clouds = await runSse(grey, 'make the clouds drift left');
    assert.match(clouds.text, /Nothing on the timeline changed: no sky was found in card\.png, so the drift was not added/);
    assert.doesNotMatch(clouds.text, /clouds drift/, 'the summary shows only what renders');
    assert.equal(await credits(), before);
    // "Bring it to life" on a photo with no sky or water: the camera is all there is, and the reply says what would move more.
    const life = await runSse(grey, 'bring this photo to life');
    assert.match(life.text, /nothing in card\.png is sure to move by itself .*, so only the camera brings it to life/);
    assert.match(life.text, /Video: card\.png, zoom-in \(0-2s\)/, 'the summary adds no motion that does not render');
    assert.doesNotMatch(life.text, /not understood/i);
    assert.equal(await credits(), before);
    // Asked with something that does render, the preview comes and the note still says why the drift is not there.
    const both = await runSse(grey, 'make the clouds drift left and add snow');
    assert.match(both.text, /no sky was found in card\.png, so the drift was not added/);
    assert.match(both.text, /snow/);
    const after = await a.call<{ state: { generated_media: unknown[] } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
    assert.equal(after.json.data.state.generated_media.length, 2, 'nothing rendered for them');
  });

  test('the client going away does not stop the turn: its result lands in the state', async () => {
    const a = await setup(srv.url);
    await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    const ac = new AbortController();
    const r = await fetch(`${srv.url}/run_sse`, {
      method: 'POST', signal: ac.signal,
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: a.sessionId, new_message: { parts: [{ text: 'animate this photo into a 3-second video' }] } }),
    });
    assert.equal(r.status, 200);
    ac.abort();
    const done = await until('the turn to complete after the client left', async () => {
      const st = await a.call<{ state: { last_turn: { status: string } | null; generated_media: unknown[] } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
      return st.json.data.state.last_turn?.status === 'completed' && st.json.data.state;
    }, 120_000, 200);
    assert.equal(done.generated_media.length, 1);
  });

  test('a disk that refuses the upload is a coded error, not a crash; the server keeps serving', async () => {
    const a = await setup(srv.url);
    const tmpArea = join(srv.dir, 'tmp');
    rmSync(tmpArea, { recursive: true, force: true });
    try {
      const r = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
      assert.equal(r.json.code, 4010);
      assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
    } finally {
      mkdirSync(tmpArea, { recursive: true });
    }
    assert.equal((await uploadFile(a, 'p.jpg', photo, 'image/jpeg')).json.code, 0);
  });

  test('a stream the client drops is still recorded with its attribution headers', async () => {
    const a = await setup(srv.url);
    await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    const ac = new AbortController();
    const r = await fetch(`${srv.url}/run_sse`, {
      method: 'POST', signal: ac.signal,
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', 'x-skill-source': 'dropper', 'x-skill-version': '0.1', 'x-skill-platform': 'test' },
      body: JSON.stringify({ session_id: a.sessionId, new_message: { parts: [{ text: 'animate this photo into a 2-second video' }] } }),
    });
    assert.equal(r.status, 200);
    ac.abort();
    const rows = await until('the dropped stream in the request log', async () => {
      const got = await srv.store.sql.query<{ route: string; status: number }>("select route, status from requests where skill_source = 'dropper'");
      return got.length > 0 && got;
    }, 60_000, 200);
    assert.deepEqual(rows.map((x) => x.route), ['/run_sse']);
  });

  test('heartbeats arrive while a render runs', async () => {
    // The shortest interval the settings allow, and a preview long enough to outlast several of them
    // on a fast machine (an 8-second preview once rendered inside one 500 ms interval).
    const beating = await testServer('embedded', { heartbeatMs: 100 });
    try {
      const a = await setup(beating.url);
      await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
      const r = await runSse(a, 'animate this photo into a 20-second 1080p video');
      assert.ok(r.events.some((e) => e.event === 'heartbeat' && e.data === ''), `events: ${r.events.map((e) => e.event).join(',')}`);
    } finally {
      await beating.stop();
    }
  });

  test('settings are validated once, with the setting named', () => {
    assert.throws(() => loadSettings({ PORT: 'eighty' }), /PORT → port: must be a number/);
    assert.throws(() => loadSettings({ STILLMOTION_CONCURRENCY: '0' }), /concurrency: must be a whole number from 1/);
    assert.throws(() => loadSettings({ STILLMOTION_ALLOW_PRIVATE_URLS: 'maybe' }), /must be true or false/);
    assert.throws(() => loadSettings({ STILLMOTION_CONFIG: '/nonexistent/stillmotion.json' }), /does not exist/);
    assert.throws(() => loadSettings({}, { previewSize: 'big' }), /previewSize/);
    const s = loadSettings({ PORT: '9000', STILLMOTION_TURN_COST: '7', DATABASE_URL: 'postgres://u@h/db' });
    assert.deepEqual([s.port, s.turnCost, s.databaseUrl, s.startCredits], [9000, 7, 'postgres://u@h/db', 100]);
  });
});

test('a download is named after the project, else the first photo, safely for any file system and header', () => {
  assert.equal(downloadName('Summer Sale', 'IMG_0042.HEIC', 'mp4'), 'Summer Sale.mp4');
  assert.equal(downloadName('夏日特卖', 'a.jpg', 'webm'), '夏日特卖.webm');
  for (const generic of ['Untitled', 'Workspace project', 'stillmotion 2026-11-27 10:42', 'test', '', '   ']) assert.equal(downloadName(generic, 'IMG_0042.HEIC', 'mp4'), 'IMG_0042-video.mp4', generic);
  assert.equal(downloadName(null, null, 'gif'), 'stillmotion-video.gif');
  // Path separators, reserved and control characters, bidi overrides, dots at the ends: gone.
  assert.equal(downloadName('../../etc/passwd', null, 'mp4'), 'etc passwd.mp4');
  assert.equal(downloadName('a<b>:c"d|e?f*g\u0000h\u202ei', null, 'mp4'), 'a b c d e f g h i.mp4');
  assert.equal(downloadName('x'.repeat(300), null, 'mp4'), `${'x'.repeat(80)}.mp4`);
  assert.equal(downloadName('...', 'C:\\photos\\..\\beach.jpg', 'mp4'), 'C photos beach-video.mp4');
  // The header: an ASCII fallback that cannot close its quotes, and the exact name percent-encoded.
  assert.equal(attachment('Summer Sale.mp4'), `attachment; filename="Summer Sale.mp4"; filename*=UTF-8''Summer%20Sale.mp4`);
  assert.equal(attachment('夏日特卖.mp4'), `attachment; filename="____.mp4"; filename*=UTF-8''%E5%A4%8F%E6%97%A5%E7%89%B9%E5%8D%96.mp4`);
  assert.equal(attachment(`it's (50%) "off".mp4`), `attachment; filename="it's (50_) _off_.mp4"; filename*=UTF-8''it%27s%20%2850%25%29%20%22off%22.mp4`);
  assert.equal(decodeURIComponent(attachment('夏日 "x".mp4').split("UTF-8''")[1]!), '夏日 "x".mp4');
});
