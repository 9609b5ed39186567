/**
 * The HTTP edge against the attacks of issue 11 that the other files do not cover, each with the
 * exploit refused and the legitimate request still working: the rate limit counts the matched
 * route whatever the spelling (finding 5); X-Forwarded-For is read from the right, by hop count
 * (6); bodies and URL downloads have total deadlines (7); Range answers 416 with Content-Range and
 * ignores a malformed header (10); error texts name the user's file, never a server path (11);
 * IPv4-translated IPv6 is refused (12); links never copy an unknown Host, the page has a CSP and
 * cannot be framed, claim links have a use limit, a count in the state and a revoke, a client id's
 * token is handed out again only where it was made (13); the operator's loopback is not limited
 * per address ("ten private windows").
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isPrivateAddress } from '../../src/service/fetch-url.js';
import { trustProxyFn } from '../../src/service/addresses.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { api, setup, testServer, until, uploadFile, waitExport, type TestServer } from './support.js';

const tmp = tempDir();
let photo: Buffer;
before(async () => { photo = readFileSync(await texturedJpeg(tmp.path('p.jpg'), 640, 480, 4)); });
after(() => tmp.remove());

/** One raw request on a socket (for request targets and Host headers fetch will not send); the status and headers and body. */
const raw = (port: number, text: string): Promise<{ status: number; headers: Record<string, string>; body: string }> =>
  new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text, 'latin1'));
    let buf = '';
    s.on('data', (d) => { buf += d.toString('latin1'); });
    s.on('end', () => {
      const [head, ...rest] = buf.split('\r\n\r\n');
      const lines = (head ?? '').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
    s.on('error', reject);
  });

/** A GET with any Host header (fetch sets its own). */
const getWithHost = (base: string, path: string, host: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; json: any }> =>
  new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request({ host: '127.0.0.1', port: u.port, path, method, headers: { host, ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(b) }));
    });
    req.on('error', reject);
    req.end(body);
  });

describe('rate limits by route, proxies by hop count, the operator exempt (finding 5, 6, ten private windows)', () => {
  test('finding 5: /%61pi/…, /%72un_sse and an absolute request target count against the same per-address budget as /api/…', async () => {
    const srv = await testServer('embedded', { rateLimitPerMinute: 6, exemptAddresses: [] });
    try {
      const port = srv.port;
      const spellings = [
        'GET /%61pi/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
        'GET /%61%70%69/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
        'POST /%72un_sse HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
        `GET http://127.0.0.1:${port}/api/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        `GET http://evil.example/%61pi/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        'GET /api//credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      ];
      const answers = [];
      for (const s of spellings) answers.push(await raw(port, s));
      // Each reached a handler (the token is missing: 1001, or the body is refused: 400), none was let past the limiter.
      for (const [i, a] of answers.entries()) assert.ok([400, 401, 404].includes(a.status), `spelling ${i}: ${a.status} ${a.body.slice(0, 200)}`);
      assert.ok(answers.slice(0, 4).every((a) => a.status !== 404), 'the encoded spellings matched the routes');
      const next = await raw(port, 'GET /api/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      assert.equal(next.status, 429, 'the six odd spellings used up the budget of six');
      assert.equal(JSON.parse(next.body).code, 429);
      assert.ok(Number(next.headers['retry-after']) >= 1);
      const enc = await raw(port, 'GET /%61pi/credits/balance/simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      assert.equal(enc.status, 429, 'and an encoded spelling is limited too');
      // The page and its files are not counted (a browser fetching the page is not an API client).
      assert.equal((await raw(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).status, 200);
    } finally {
      await srv.stop();
    }
  });

  test('finding 6: with trustProxy = 1 hop the client is the right-most X-Forwarded-For entry; left-most spoofing mints nothing', async () => {
    const srv = await testServer('embedded', { trustProxy: 1, tokensPerIpPerWeek: 2, exemptAddresses: [] });
    try {
      const token = (xff: string) => api(srv.url).call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID(), 'x-forwarded-for': xff });
      const a1 = await token('1.1.1.1, 203.0.113.7');
      const a2 = await token('9.9.9.9, 203.0.113.7');
      const a3 = await token(`${randomUUID().slice(0, 8)}, 8.8.4.4, 203.0.113.7`);
      assert.deepEqual([a1.json.code, a2.json.code, a3.json.code], [0, 0, 429], 'a new left-most address each time does not make a new client');
      assert.equal((a3.json.data as { reason?: string }).reason, 'tokens_per_address');
      const other = await token('203.0.113.7, 198.51.100.9');
      assert.equal(other.json.code, 0, 'the next client behind the proxy has its own budget');
      // The request log is written in batches, once a second (later on a loaded machine).
      const ips = await until('the four token requests in the log', async () => {
        const got = (await srv.store.sql.query<{ ip: string }>("select ip from requests where route = '/api/auth/anonymous-token' order by id")).map((r) => r.ip);
        return got.length >= 4 && got;
      }, 30_000);
      assert.deepEqual(ips, ['203.0.113.7', '203.0.113.7', '203.0.113.7', '198.51.100.9']);
    } finally {
      await srv.stop();
    }
    // The trust function itself: hops counted from us; a public peer is never a proxy.
    const fn = (s: Parameters<typeof trustProxyFn>[0]) => { const f = trustProxyFn(s); assert.ok(f); return f; };
    const one = fn(1);
    assert.equal(one('127.0.0.1', 0), true);
    assert.equal(one('10.0.0.5', 0), true);
    assert.equal(one('8.8.8.8', 0), false, 'a client reaching us directly from a public address cannot name itself');
    assert.equal(one('10.0.0.6', 1), false, 'only one hop is trusted');
    const two = fn(2);
    assert.deepEqual([two('127.0.0.1', 0), two('198.51.100.1', 1), two('198.51.100.2', 2)], [true, true, false]);
    const listed = fn(['10.0.0.0/8']);
    assert.deepEqual([listed('10.1.2.3', 0), listed('10.9.9.9', 1), listed('203.0.113.5', 1)], [true, true, false]);
    assert.equal(trustProxyFn(false), false);
  });

  test('ten private windows: loopback (the operator, by default) is not limited per address; behind an untrusted proxy it is', async () => {
    const srv = await testServer('embedded', { tokensPerIpPerWeek: 2, rateLimitPerMinute: 5 });
    try {
      // A request forwarded by a proxy we were not told to trust is somebody else's: limited.
      const fwd = (n: number) => api(srv.url).call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': `fwd-${n}-${randomUUID()}`, 'x-forwarded-for': '203.0.113.50' });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await fwd(i)).json.code);
      assert.deepEqual(codes, [0, 0, 429]);
      // The owner's own browsers, ten private windows and more, all get a token.
      for (let i = 0; i < 10; i++) {
        const r = await api(srv.url).call('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': randomUUID() });
        assert.equal(r.json.code, 0, `window ${i + 1}: ${JSON.stringify(r.json)}`);
      }
      // No per-address request limit for the operator either (each token keeps its own budget).
      for (let i = 0; i < 8; i++) assert.equal((await api(srv.url).call('GET', '/healthz')).status, 200);
    } finally {
      await srv.stop();
    }
  });
});

describe('total deadlines on bodies and URL downloads (finding 7)', () => {
  let srv: TestServer;
  before(async () => { srv = await testServer('embedded', { uploadTimeoutMs: 1500, bodyTimeoutMs: 1500, bodyIdleTimeoutMs: 800, urlTimeoutMs: 1500, allowPrivateUrls: true }); });
  after(async () => { await srv.stop(); });

  /** Sends the head of a multipart upload, then `then` (stall, or trickle a byte every 200 ms); resolves with the answer. */
  const slowUpload = (token: string, sid: string, mode: 'stall' | 'trickle'): Promise<{ status: number; body: any; sentAfterHead: number }> =>
    new Promise((resolve, reject) => {
      const boundary = `b${randomUUID()}`;
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const req = http.request({ host: '127.0.0.1', port: srv.port, path: `/api/upload-video/nemo_agent/me/${sid}`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10_000_000) } }, (res) => {
        clearInterval(timer);
        let b = '';
        res.on('data', (c) => { b += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(b), sentAfterHead: sent }));
      });
      req.on('error', (e) => { clearInterval(timer); reject(e); });
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
      req.write(photo.subarray(0, 4096));
      if (mode === 'trickle') timer = setInterval(() => { sent++; req.write(photo.subarray(4096 + sent, 4097 + sent)); }, 200);
    });

  test('a multipart upload that stops sending is answered 408 (idle), and its connection closed', async () => {
    const a = await setup(srv.url);
    const r = await slowUpload(a.token, a.sessionId, 'stall');
    assert.equal(r.status, 408);
    assert.equal(r.body.code, 408);
    assert.match(r.body.message, /stopped arriving/);
    assert.deepEqual(r.body.data.files, [], 'the answer lists what was saved (nothing)');
    assert.equal((await a.call('GET', '/healthz')).json.code, 0);
  });

  test('an upload that trickles a byte every 200 ms (never idle) is ended by the total deadline, 408', async () => {
    const a = await setup(srv.url);
    const r = await slowUpload(a.token, a.sessionId, 'trickle');
    assert.equal(r.status, 408);
    assert.match(r.body.message, /did not arrive in full within 1\.5 s/);
    assert.equal(r.body.data.limit_ms, 1500);
    assert.ok(r.sentAfterHead >= 3, 'it was still sending when it was cut');
  });

  test('a JSON body that trickles is ended by its own deadline too', async () => {
    const body = JSON.stringify({ task_name: 'x'.repeat(200) });
    const r = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      let i = 0;
      let timer: NodeJS.Timeout | undefined;
      const req = http.request({ host: '127.0.0.1', port: srv.port, path: '/api/tasks/me/with-session/nemo_agent', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
        clearInterval(timer);
        let b = '';
        res.on('data', (c) => { b += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(b) }));
      });
      req.on('error', (e) => { clearInterval(timer); reject(e); });
      timer = setInterval(() => { if (i < body.length) req.write(body[i++]!); }, 100);
    });
    assert.equal(r.status, 408);
    assert.equal(r.body.code, 408);
  });

  test('a URL that sends one byte every 200 ms runs into the download\'s total deadline: 5004 naming urls; a quick one still uploads', async () => {
    let trickling = 0;
    const files = http.createServer((req, res) => {
      if (req.url === '/photo.jpg') { res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(photo.length) }).end(photo); return; }
      trickling++;
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(photo.length) });
      let i = 0;
      const t = setInterval(() => { if (res.destroyed || i >= photo.length) { clearInterval(t); return; } res.write(photo.subarray(i, i + 1)); i++; }, 200);
      res.on('close', () => clearInterval(t));
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const port = (files.address() as AddressInfo).port;
    try {
      const a = await setup(srv.url);
      const slow = await a.call('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: [`http://127.0.0.1:${port}/slow.jpg`], source_type: 'url' });
      assert.equal(slow.status, 504, JSON.stringify(slow.json));
      assert.equal(slow.json.code, 5004);
      assert.equal((slow.json.data as { field?: string }).field, 'urls');
      assert.match(slow.json.message, /within 2 s|within 1\.5 s|within 1 s/);
      assert.equal(trickling, 1);
      const quick = await a.call<{ files: Array<{ width: number }> }>('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: [`http://127.0.0.1:${port}/photo.jpg`], source_type: 'url' });
      assert.equal(quick.json.code, 0, JSON.stringify(quick.json));
      assert.equal(quick.json.data.files[0]!.width, 640);
    } finally {
      files.closeAllConnections();
      files.close();
    }
  });
});

describe('downloads, error texts, addresses, links, headers, claims, client ids (findings 10–13)', () => {
  let srv: TestServer;
  before(async () => { srv = await testServer('embedded', { claimMaxUses: 5 }); });
  after(async () => { await srv.stop(); });

  test('finding 10: Range past the end is 416 with Content-Range bytes */size; a malformed Range is ignored (200); a good one is 206', async () => {
    const a = await setup(srv.url);
    const up = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    const url = String(up.json.data.files[0]!.url);
    const size = photo.length;
    const past = await fetch(url, { headers: { range: 'bytes=99999999-' } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${size}`);
    const body = (await past.json()) as { code: number; data: { size_bytes: number } };
    assert.equal(body.code, 416);
    assert.equal(body.data.size_bytes, size);
    for (const bad of ['bytes=abc', 'bytes=5-1', 'items=0-10', 'bytes=--', 'bytes=0-1-2', '']) {
      const r = await fetch(url, { headers: { range: bad } });
      assert.equal(r.status, 200, `Range: ${JSON.stringify(bad)}`);
      assert.equal((await r.arrayBuffer()).byteLength, size);
    }
    const part = await fetch(url, { headers: { range: 'bytes=0-9' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 0-9/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 10);

    // The export download answers the same way.
    const media = up.json.data.files[0]!.media_id;
    const draft = { version: 1, aspect: '16:9', size: '360p', fps: 24, bg: '#000000', t: [{ tt: 0, sg: [{ id: 's', s: 0, d: 500, m: { media_id: media, kind: 'image', move: 'static' } }] }] };
    const sub = await a.call<{ id: string }>('POST', '/api/render/proxy/lambda', { sessionId: a.sessionId, draft, output: { format: 'mp4', quality: 'low' } });
    assert.equal(sub.json.code, 0, JSON.stringify(sub.json));
    const done = await waitExport(a, sub.json.data.id);
    assert.equal(done.status, 'completed');
    const outSize = Number(((done.data as { output: { size_bytes: number } }).output).size_bytes);
    const dl = `${srv.url}/api/render/proxy/${sub.json.data.id}/download`;
    const past2 = await fetch(dl, { headers: { authorization: `Bearer ${a.token}`, range: `bytes=${outSize}-` } });
    assert.equal(past2.status, 416);
    assert.equal(past2.headers.get('content-range'), `bytes */${outSize}`);
    const whole = await fetch(dl, { headers: { authorization: `Bearer ${a.token}`, range: 'bytes=x-y' } });
    assert.equal(whole.status, 200);
    assert.equal((await whole.arrayBuffer()).byteLength, outSize);
  });

  test('finding 11: a truncated upload names the user\'s file with the CLI\'s hint, in the session\'s language, and no server path', async () => {
    const cut = photo.subarray(0, Math.floor(photo.length / 3));
    const leaks = (text: string) => {
      assert.ok(!text.includes(srv.dir), `no data folder in ${text}`);
      assert.doesNotMatch(text, /\/tmp\/|\.part\b|med_[A-Za-z0-9_-]{8,}|Vips|libvips|premature|sharp|ffmpeg|ffprobe|\/data\//i, text);
    };
    const en = await setup(srv.url);
    const r = await uploadFile(en, 'holiday photo.jpg', cut, 'image/jpeg');
    assert.equal(r.json.code, 4003, JSON.stringify(r.json));
    assert.match(r.json.message, /^holiday photo\.jpg could not be read/);
    assert.equal((r.json.data as unknown as { hint: string }).hint, 'the file may be truncated or damaged: export or download it again');
    leaks(JSON.stringify(r.json));
    const zh = api(srv.url, en.token);
    const s = await zh.call<{ session_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: '假期', language: 'zh-CN' });
    const r2 = await uploadFile({ ...zh, sessionId: s.json.data.session_id }, '假期.jpg', cut, 'image/jpeg');
    assert.equal(r2.json.code, 4003);
    assert.match(r2.json.message, /“假期\.jpg”/);
    assert.match((r2.json.data as unknown as { hint: string }).hint, /文件可能不完整或已损坏/);
    leaks(JSON.stringify(r2.json));
    // Not a photo at all: named too, with the accepted formats.
    const junk = await uploadFile(en, 'notes.jpg', Buffer.from('this is a text file, not a photo at all, long enough to sniff it properly ok'), 'image/jpeg');
    assert.equal(junk.json.code, 4001);
    assert.match(junk.json.message, /^notes\.jpg /);
    leaks(JSON.stringify(junk.json));
  });

  test('finding 12: IPv4-translated addresses (::ffff:0:0/96) are judged as the IPv4 they carry; private ones are refused as URLs', async () => {
    for (const ip of ['::ffff:0:7f00:1', '::ffff:0:127.0.0.1', '::ffff:0:a00:1', '::ffff:0:10.0.0.1', '::ffff:0:a9fe:a9fe', '::ffff:0:c0a8:101', '0:0:0:0:ffff:0:7f00:1', '::ffff:0:0:0']) {
      assert.equal(isPrivateAddress(ip), true, ip);
    }
    for (const ip of ['::ffff:0:808:808', '::ffff:0:8.8.8.8']) assert.equal(isPrivateAddress(ip), false, ip);
    const a = await setup(srv.url);
    for (const u of ['http://[::ffff:0:7f00:1]:1/x.jpg', 'http://[::ffff:0:127.0.0.1]/x.jpg', 'http://[0:0:0:0:ffff:0:a9fe:a9fe]/latest/meta-data']) {
      const r = await a.call('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, { urls: [u], source_type: 'url' });
      assert.equal(r.json.code, 400, u);
      assert.match(r.json.message, /private, loopback or link-local/, u);
    }
  });

  test('finding 13: a Host header the server does not answer to is never copied into links; publicUrl wins when set', async () => {
    const a = await setup(srv.url);
    const up = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
    assert.equal(up.json.code, 0);
    const statePath = `/api/state/nemo_agent/me/${a.sessionId}/latest`;
    const auth = { authorization: `Bearer ${a.token}` };
    const evil = await getWithHost(srv.url, statePath, 'evil.example', auth);
    const links = (j: any): string[] => [...JSON.stringify(j).matchAll(/https?:\/\/[^"/]+/g)].map((m) => m[0]);
    assert.ok(links(evil.json).length > 0);
    const listening = `http://127.0.0.1:${srv.port}`;
    for (const l of links(evil.json)) assert.equal(l, listening, 'an unknown Host gets the listening address');
    const claim = await getWithHost(srv.url, '/api/auth/claim-token', 'evil.example:8080', auth, 'POST', JSON.stringify({ session_id: a.sessionId }));
    assert.ok(claim.json.data.url.startsWith(`${listening}/workspace/claim?ct=clm_`), claim.json.data.url);
    // A name this server answers to (a loopback name on its port) is kept, so such links work where they were asked for.
    const local = await getWithHost(srv.url, statePath, `localhost:${srv.port}`, auth);
    assert.ok(links(local.json).length > 0);
    for (const l of links(local.json)) assert.equal(l, `http://localhost:${srv.port}`);
    const wrongPort = await getWithHost(srv.url, statePath, 'localhost:1', auth);
    for (const l of links(wrongPort.json)) assert.equal(l, listening);

    const pub = await testServer('embedded', { publicUrl: 'https://studio.example.com/sm/' });
    try {
      const b = await setup(pub.url);
      const st = await getWithHost(pub.url, `/api/state/nemo_agent/me/${b.sessionId}/latest`, 'evil.example', { authorization: `Bearer ${b.token}` });
      assert.equal(st.json.code, 0);
      const c = await getWithHost(pub.url, '/api/auth/claim-token', `localhost:${pub.port}`, { authorization: `Bearer ${b.token}` }, 'POST', JSON.stringify({ session_id: b.sessionId }));
      assert.match(c.json.data.url, /^https:\/\/studio\.example\.com\/sm\/workspace\/claim\?ct=clm_/);
    } finally {
      await pub.stop();
    }
  });

  test('finding 13: the page and every answer carry a CSP that forbids framing, X-Frame-Options DENY and nosniff', async () => {
    for (const path of ['/', '/workspace/claim?ct=x', '/healthz', '/api/credits/balance/simple']) {
      const r = await fetch(`${srv.url}${path}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, `${path}: no inline or remote script`);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
    }
  });

  test('finding 13: a claim link has a use limit, its uses in the state, and a revoke that ends the tokens made from it', async () => {
    const owner = await setup(srv.url);
    const c = await owner.call<{ claim_token: string; claim_id: string; max_uses: number }>('POST', '/api/auth/claim-token', { session_id: owner.sessionId, max_uses: 2 });
    assert.equal(c.json.code, 0);
    assert.equal(c.json.data.max_uses, 2);
    const redeem = () => api(srv.url).call<{ token: string }>('POST', '/api/auth/claim-token/redeem', { claim_token: c.json.data.claim_token });
    const state = async () => (await owner.call<{ state: { claims: Array<{ claim_id: string; uses: number; max_uses: number; revoked: boolean }> } }>('GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`)).json.data.state.claims;
    // Read before each use too: the state's claim list is kept between writes, and each use must show.
    assert.deepEqual((await state()).map((x) => x.uses), [0]);
    const r1 = await redeem();
    assert.deepEqual((await state()).map((x) => x.uses), [1]);
    const r2 = await redeem();
    const r3 = await redeem();
    assert.deepEqual([r1.json.code, r2.json.code, r3.json.code], [0, 0, 1001]);
    assert.equal((r3.json.data as unknown as { reason: string }).reason, 'used');
    assert.deepEqual((await state()).map((x) => [x.claim_id, x.uses, x.max_uses, x.revoked]), [[c.json.data.claim_id, 2, 2, false]]);
    assert.ok(!JSON.stringify(await state()).includes(c.json.data.claim_token), 'the state never shows the claim token itself');

    const shared = api(srv.url, r1.json.data.token);
    assert.equal((await shared.call('GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`)).json.code, 0);
    // Only the owner revokes: not a claim token, not a stranger.
    assert.equal((await shared.call('DELETE', `/api/auth/claim-token/${c.json.data.claim_id}`)).json.code, 1001);
    const stranger = await setup(srv.url);
    assert.equal((await stranger.call('DELETE', `/api/auth/claim-token/${c.json.data.claim_id}`)).json.code, 1001);
    assert.equal((await shared.call('GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`)).json.code, 0, 'refused revokes changed nothing');
    const rev = await owner.call<{ revoked: boolean; uses: number }>('DELETE', `/api/auth/claim-token/${c.json.data.claim_id}`);
    assert.equal(rev.json.code, 0);
    assert.deepEqual([rev.json.data.revoked, rev.json.data.uses], [true, 2]);
    assert.equal((await shared.call('GET', `/api/state/nemo_agent/me/${owner.sessionId}/latest`)).json.code, 1001, 'tokens made from the link stop working');
    assert.equal((await api(srv.url, r2.json.data.token).call('GET', '/api/credits/balance/simple')).json.code, 1001);
    const after = await redeem();
    assert.equal((after.json.data as unknown as { reason: string }).reason, 'revoked');
    assert.equal((await state())[0]!.revoked, true);
    assert.equal((await owner.call('GET', '/api/credits/balance/simple')).json.code, 0, "the owner's own token is untouched");
  });

  test('finding 13: a client id hands its live token only to the address that made it, or to a caller showing one of its tokens', async () => {
    const prox = await testServer('embedded', { trustProxy: 1, exemptAddresses: [] });
    try {
      const id = randomUUID();
      const from = (ip: string, token?: string) => api(prox.url).call<{ token: string }>('POST', '/api/auth/anonymous-token', undefined,
        { 'x-client-id': id, 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) });
      const first = await from('203.0.113.10');
      assert.equal(first.json.code, 0);
      const elsewhere = await from('198.51.100.20');
      assert.equal(elsewhere.status, 401);
      assert.equal(elsewhere.json.code, 1001);
      assert.ok(!JSON.stringify(elsewhere.json).includes(first.json.data.token), 'no token in the refusal');
      assert.equal((await from('198.51.100.20', 'nmt_' + 'x'.repeat(43))).json.code, 1001, 'a made-up token does not count');
      const shown = await from('198.51.100.20', first.json.data.token);
      assert.equal(shown.json.data.token, first.json.data.token, 'the holder of the token gets it again from a new address');
      const home = await from('203.0.113.10');
      assert.equal(home.json.data.token, first.json.data.token, 'the address that made it gets it again');
    } finally {
      await prox.stop();
    }
  });
});
