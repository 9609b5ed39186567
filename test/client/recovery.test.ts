import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import type { ServerHandle } from '../../src/service/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { FaultProxy } from './support/fault-proxy.js';
import { clientEnv, run, startTestServer } from './support/harness.js';

const tmp = tempDir('stillmotion-client-faults-');
let srv: ServerHandle;
let proxy: FaultProxy;
let photo: string;
let n = 0;
/** A fresh client (own HOME, so own client id and credits) for each test. */
const env = (extra: NodeJS.ProcessEnv = {}) => clientEnv(tmp.path(`client-${++n}`), extra);
const MAKE = 'animate this photo into a 2-second 480p video';

test.before(async () => {
  srv = await startTestServer(tmp.path('server'));
  proxy = await FaultProxy.start(srv.url);
  photo = await texturedJpeg(tmp.path('photo.jpg'), 640, 480, 2);
});
test.after(async () => {
  await proxy?.close();
  await srv?.close();
  tmp.remove();
});

const types = (r: { events: Array<{ type: string }> }) => r.events.map((e) => e.type);

test('a stream dropped mid-turn is not sent again: the client polls the state and reports the result', async () => {
  proxy.inject({ kind: 'drop-stream', afterEvents: 1 });
  const before = proxy.count('POST', /^\/run_sse$/);
  const r = await run(['ask', MAKE, '--file', photo, '--json', '--api', proxy.url], tmp.dir, env());
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(proxy.count('POST', /^\/run_sse$/) - before, 1, 'the message went to the agent exactly once');
  const t = types(r);
  assert.ok(t.includes('stream_lost') && t.includes('poll'), t.join(','));
  const rec = r.events.find((e) => e.type === 'recovered')!;
  assert.equal(rec.status, 'completed');
  assert.match(rec.text as string, /Your preview is ready: 2\.0 s/);
  const ch = r.events.find((e) => e.type === 'changes') as { changes: { tracks: unknown[]; newPreviews: unknown[] } } | undefined;
  assert.deepEqual(ch?.changes.tracks, [{ kind: 'video', before: 0, after: 1 }]);
  assert.equal(ch?.changes.newPreviews.length, 1);
});

test('1001 once: a new anonymous token for the same client id, and the call is made again; 429 once: wait Retry-After, retry', async () => {
  proxy.inject(
    { kind: 'reply', method: 'POST', path: /^\/api\/tasks\/me\/with-session\//, status: 429, code: 429, message: 'slow down', headers: { 'retry-after': '1' } },
    { kind: 'reply', method: 'GET', path: /^\/api\/credits\/balance\/simple$/, status: 401, code: 1001, message: 'token expired' },
  );
  const from = proxy.log.length;
  const t0 = Date.now();
  const r = await run(['ask', 'credits', '--json', '--api', proxy.url], tmp.dir, env());
  assert.equal(r.code, 0, r.out + r.err);
  assert.ok(Date.now() - t0 >= 1000, 'waited the Retry-After second');
  assert.deepEqual(r.events.find((e) => e.type === 'rate_limited'), { type: 'rate_limited', wait_s: 1 });
  assert.ok(types(r).includes('token_renewed'));
  assert.ok(r.events.some((e) => e.type === 'credits' && e.available === 100));
  const log = proxy.log.slice(from);
  const tokens = log.filter((l) => l.path === '/api/auth/anonymous-token');
  assert.equal(tokens.length, 2);
  assert.equal(tokens[0]!.clientId, tokens[1]!.clientId, 'the same client id');
  assert.equal(log.filter((l) => l.path.startsWith('/api/tasks/')).length, 2);
  assert.equal(log.filter((l) => l.path === '/api/credits/balance/simple').length, 2);
  assert.equal(proxy.pending, 0);
});

test('a turn with no text: the client compares the state before and after and says what changed', async () => {
  proxy.inject({ kind: 'silent-turn' });
  const r = await run(['ask', MAKE, '--file', photo, '--api', proxy.url], tmp.dir, env());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /The agent finished without a message\. What changed:\n {2}- video segments: 0 → 1\n {2}- the canvas is now 854x480 at 30 fps\n {2}- a new preview was rendered \(\d+x240, 2s\)\n {2}- timeline now: Timeline \(1 track\)/);
  assert.doesNotMatch(r.out, /Your preview is ready/);
});

test('an export that fails once is submitted again with a new id, then downloaded (in a session continued with --session)', async () => {
  const e = env();
  const first = await run(['ask', MAKE, '--file', photo, '--json', '--api', proxy.url], tmp.dir, e);
  assert.equal(first.code, 0, first.out + first.err);
  const sid = first.events.find((x) => x.type === 'result')!.session_id as string;
  proxy.inject({ kind: 'fail-export' });
  const from = proxy.log.length;
  const r = await run(['ask', 'export', '-o', 'retry.mp4', '--session', sid, '--json', '--api', proxy.url], tmp.dir, e);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(r.events.find((x) => x.type === 'ready')!.session_id, sid);
  assert.ok(!types(r).includes('turn_start'), '"export" is routed to the export flow, not the agent');
  const subs = r.events.filter((x) => x.type === 'export_submitted');
  assert.equal(subs.length, 2);
  assert.notEqual(subs[0]!.id, subs[1]!.id);
  const retry = r.events.find((x) => x.type === 'export_retry')!;
  assert.match(retry.reason as string, /injected: the encoder crashed/);
  assert.equal(proxy.log.slice(from).filter((l) => l.method === 'POST' && l.path === '/api/render/proxy/lambda').length, 2);
  const p = await probeMedia(tmp.path('retry.mp4'));
  assert.equal(p.video?.height, 480);
});

test('a turn the agent reports as failed: the reply is shown, no export, and the exit code says so', async () => {
  proxy.inject({ kind: 'fail-turn', code: 5001 });
  const r = await run(['ask', MAKE, '--file', photo, '-o', 'never.mp4', '--api', proxy.url], tmp.dir, env());
  assert.equal(r.code, 20);
  assert.match(r.out, /Your preview is ready/);
  assert.match(r.err, /error 5001: the turn failed \(see the reply above\)/);
  assert.ok(!existsSync(tmp.path('never.mp4')));
});

test('1002 on a turn: a new session is made (and said), the photo uploaded again, the turn runs there', async () => {
  proxy.inject({ kind: 'reply', method: 'POST', path: /^\/run_sse$/, status: 404, code: 1002, message: 'session not found' });
  const r = await run(['ask', MAKE, '--file', photo, '--api', proxy.url], tmp.dir, env());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /The session was no longer on the server, so I started a new one and uploaded your photo again\./);
  assert.match(r.out, /Your preview is ready: 2\.0 s/);
});

test('coded refusals are explained: 2001 with the bind link, 4001 with the accepted formats, 402 export locked', async () => {
  proxy.inject({ kind: 'reply', method: 'POST', path: /^\/run_sse$/, status: 402, code: 2001, message: 'this needs 5 credits; 0 are available', data: { bind_url: 'http://127.0.0.1/workspace?bind=usr_1' } });
  const a = await run(['ask', MAKE, '--api', proxy.url], tmp.dir, env());
  assert.equal(a.code, 4);
  assert.match(a.err, /error 2001: Not enough credits for this\.\n {2}hint: Register or bind this client to get more: http:\/\/127\.0\.0\.1\/workspace\?bind=usr_1/);

  writeFileSync(tmp.path('notes.txt'), 'not a photo');
  const b = await run(['ask', '--file', tmp.path('notes.txt'), '看看状态', '--api', proxy.url], tmp.dir, env());
  assert.equal(b.code, 10);
  assert.match(b.err, /error 4001: 不支持这种文件类型。/);
  assert.match(b.err, /支持的格式：.*jpg/);

  proxy.inject({ kind: 'reply', method: 'POST', path: /^\/api\/upload-video\//, status: 413, code: 4002, message: 'big.jpg is 51.3 MB', data: { limit_bytes: 50 * 1024 * 1024 } });
  const d = await run(['ask', '--file', photo, 'status', '--api', proxy.url], tmp.dir, env());
  assert.equal(d.code, 11);
  assert.match(d.err, /error 4002: That file is too large \(the limit is 52\.4 MB\)\.\n {2}hint: Compress or resize it/);

  proxy.inject({ kind: 'reply', method: 'POST', path: /^\/api\/render\/proxy\/lambda$/, status: 402, code: 402, message: 'export is for registered users' });
  const c = await run(['ask', MAKE, '--file', photo, '-o', 'locked.mp4', '--api', proxy.url], tmp.dir, env());
  assert.equal(c.code, 4);
  assert.match(c.err, /error 402: Export is locked for this account tier\.\n {2}hint: Register or bind this client to unlock export/);
  assert.ok(!existsSync(tmp.path('locked.mp4')));
});

test('GUI talk is rewritten for the terminal, and long silences get a quiet "still working…" line', async () => {
  proxy.inject({ kind: 'append-text', text: ' When you are happy, click the Export button.' }, { kind: 'hold', ms: 700 });
  const r = await run(['ask', MAKE, '--file', photo, '--api', proxy.url], tmp.dir, env({ STILLMOTION_CLIENT_TIMING: JSON.stringify({ quietMs: 250 }) }));
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.out, /click the Export button/);
  assert.match(r.out, /When you are happy, say "export"\./);
  assert.match(r.out, /Say "export" to download the video\./);
  assert.match(r.out, /\(still working… \d+s/);
});

test('NEMO_TOKEN is used when set: no anonymous token is asked for, no client id is written', async () => {
  const id = 'b2f5ff47-2b5b-4c2f-9a4e-0d6f1d9a7c11';
  const t = (await (await fetch(`${srv.url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'X-Client-Id': id } })).json()) as { data: { token: string } };
  const e = env({ NEMO_TOKEN: t.data.token });
  const from = proxy.log.length;
  const r = await run(['ask', 'credits', '--api', proxy.url], tmp.dir, e);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Credits: 100 available/);
  assert.ok(!r.out.includes(t.data.token) && !r.err.includes(t.data.token));
  assert.equal(proxy.log.slice(from).filter((l) => l.path === '/api/auth/anonymous-token').length, 0);
  assert.ok(proxy.log.slice(from).every((l) => l.auth));
  assert.ok(!existsSync(`${e.XDG_CONFIG_HOME}/stillmotion/client_id`));
});
