/**
 * Child process of the service bench: the server in this process (embedded database), and its
 * event loop's delay (perf_hooks.monitorEventLoopDelay) while idle and while it renders a 25-shot
 * 1080p export with crossfades and a title; then how long a chat preview takes alone and while
 * that export renders (previews have a lane of their own). Prints one JSON line.
 * `node dist/bench/event-loop-one.js <photo>`
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from '../src/service/index.js';
import { tempDir } from '../test/support/fixtures.js';

const photo = process.argv[2]!;
const t = tempDir('stillmotion-loop-bench-');
const srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: t.dir, quiet: true, env: { PATH: process.env.PATH }, settings: { rateLimitPerMinute: 0, databaseUrl: null } });
const base = srv.url.replace('localhost', '127.0.0.1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const call = async (token: string, method: string, path: string, body?: unknown): Promise<Record<string, any>> => {
  const form = body instanceof FormData;
  const r = await fetch(base + path, {
    method, body: form ? body : body === undefined ? undefined : JSON.stringify(body),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}) },
  });
  return (await r.json()) as Record<string, any>;
};

const user = async () => {
  const r = await fetch(`${base}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } });
  const token = ((await r.json()) as { data: { token: string } }).data.token;
  const sid = (await call(token, 'POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'bench' })).data.session_id as string;
  const form = new FormData();
  form.append('files', new Blob([readFileSync(photo)]), photo.split('/').pop()!);
  const media = (await call(token, 'POST', `/api/upload-video/nemo_agent/me/${sid}`, form)).data.files[0].media_id as string;
  return { token, sid, media };
};

/** A chat turn to a ready preview, in seconds. */
const preview = async (u: { token: string; sid: string }, text: string): Promise<number> => {
  const t0 = performance.now();
  const r = await fetch(`${base}/run_sse`, {
    method: 'POST', headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: u.sid, new_message: { parts: [{ text }] } }),
  });
  const body = await r.text();
  if (!/"status":"completed"/.test(body)) throw new Error(`the preview did not complete: ${body.slice(-300)}`);
  return (performance.now() - t0) / 1000;
};

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
const measure = async <T>(work: () => Promise<T>): Promise<{ p50: number; p99: number; max: number; seconds: number; result: T }> => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const t0 = performance.now();
  h.enable();
  const result = await work();
  h.disable();
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), seconds: (performance.now() - t0) / 1000, result };
};

try {
  const a = await user();
  const b = await user();
  const previewAlone = await preview(b, 'animate this photo into a 3-second video with a slow zoom');

  // Baseline: the same server doing nothing but answer a poll every 200 ms, for 5 s.
  const idle = await measure(async () => { for (let i = 0; i < 25; i++) { await call(a.token, 'GET', '/healthz'); await sleep(200); } });

  const shots = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, s: i * 1500, d: 1500, m: { media_id: a.media, kind: 'image', move: 'auto', tr: { type: 'crossfade', d: 400 } } }));
  const draft = { version: 1, aspect: '16:9', size: '1080p', fps: 30, bg: '#000000', t: [{ tt: 0, sg: shots }, { tt: 7, sg: [{ id: 'title', s: 0, d: 4000, m: { text: 'Summer Sale 夏日特卖', role: 'title' } }] }] };
  let previewDuring = NaN;
  const exp = await measure(async () => {
    const sub = await call(a.token, 'POST', '/api/render/proxy/lambda', { sessionId: a.sid, draft, output: { format: 'mp4', quality: 'high' } });
    if (sub.code !== 0) throw new Error(`export refused: ${JSON.stringify(sub)}`);
    const id = sub.data.id as string;
    for (let polls = 0; ; polls++) {
      const st = await call(a.token, 'GET', `/api/render/proxy/lambda/${id}`);
      if (st.status === 'completed') return { frames: Math.round((st.data.output.duration_ms / 1000) * 30) };
      if (st.status === 'failed') throw new Error(`export failed: ${JSON.stringify(st.data.error)}`);
      if (polls === 10) previewDuring = await preview(b, 'animate this photo into a 4-second video with a zoom out');
      await sleep(200);
    }
  });
  process.stdout.write(`${JSON.stringify({ idle, export: exp, preview_alone_s: previewAlone, preview_during_export_s: previewDuring })}\n`);
} finally {
  await srv.close();
  t.remove();
}
