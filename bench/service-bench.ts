/**
 * The service under load, on loopback: the server runs in its own process (`stillmotion serve`),
 * autocannon drives it from this one. Requests per second and latency of the state and credits
 * endpoints against a baseline in the same run (`/healthz`: the same HTTP stack and hooks, no
 * database), then the time from a chat message to a ready preview for one photo, split into the
 * render itself and everything around it; then the server's event-loop delay while it renders a
 * 25-shot 1080p export, against the same server idle, and a chat preview during that export.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { texturedJpeg } from '../test/support/fixtures.js';
import { pgSchemaUrl } from '../test/service/support.js';

const root = resolve(new URL('../..', import.meta.url).pathname);

/** Starts `stillmotion serve` in its own process with these settings; resolves with its address once it says it is ready. */
export const startServe = async (env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> => {
  const child = spawn(process.execPath, [join(root, 'bin', 'stillmotion.js'), 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]!);
    });
    child.on('exit', (c) => rej(new Error(`server exited ${c}: ${out}`)));
  });
  return { url: url.replace('localhost', '127.0.0.1'), child };
};

const load = (url: string, token: string, seconds = 5, connections = 16) =>
  new Promise<autocannon.Result>((res, rej) => {
    autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } }, (e, r) => (e ? rej(e) : res(r)));
  });

export const benchService = async (photo: string | null): Promise<string[]> => {
  const lines: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'stillmotion-svc-bench-'));
  const pic = photo ?? (await texturedJpeg(join(work, 'photo.jpg'), 1600, 1200, 4));
  const dbs: Array<[string, string | null]> = [['embedded', null]];
  if (process.env.DATABASE_URL) dbs.push(['postgres', process.env.DATABASE_URL]);
  lines.push(`| database | endpoint | req/s | p50 ms | p99 ms | req/s vs /healthz |`, '|---|---|---|---|---|---|');
  const previews: string[] = [];
  for (const [name, dbUrl] of dbs) {
    const dir = join(work, name);
    const schema = dbUrl ? await pgSchemaUrl() : null;
    const dbEnv = schema?.url ?? null;
    const { url, child } = await startServe({ PORT: '0', HOST: '127.0.0.1', STILLMOTION_DATA_DIR: dir, STILLMOTION_RATE_LIMIT_PER_MINUTE: '0', ...(dbEnv ? { DATABASE_URL: dbEnv } : { DATABASE_URL: '' }) });
    try {
      const tok = await (await fetch(`${url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } })).json() as { data: { token: string } };
      const token = tok.data.token;
      const auth = { authorization: `Bearer ${token}` };
      const ses = await (await fetch(`${url}/api/tasks/me/with-session/nemo_agent`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"task_name":"bench"}' })).json() as { data: { session_id: string } };
      const sid = ses.data.session_id;
      const form = new FormData();
      form.append('files', new Blob([readFileSync(pic)]), pic.split('/').pop()!);
      await fetch(`${url}/api/upload-video/nemo_agent/me/${sid}`, { method: 'POST', headers: auth, body: form });

      // Chat message → ready preview (the first turn: upload already done).
      const t0 = performance.now();
      const r = await fetch(`${url}/run_sse`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: sid, new_message: { parts: [{ text: 'animate this photo into a 5-second video with smooth motion' }] } }),
      });
      const reader = r.body!.getReader();
      let buf = '';
      let firstByte = NaN, ready = NaN;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (Number.isNaN(firstByte)) firstByte = performance.now() - t0;
        buf += new TextDecoder().decode(value);
        if (Number.isNaN(ready) && /"status":"completed"/.test(buf)) ready = performance.now() - t0;
      }
      const total = performance.now() - t0;
      previews.push(`| ${name} | ${(firstByte / 1000).toFixed(3)} | ${(ready / 1000).toFixed(2)} | ${(total / 1000).toFixed(2)} |`);

      const rows: Array<[string, autocannon.Result]> = [];
      await load(`${url}/healthz`, token, 2); // warm-up
      for (const [label, path] of [['/healthz (baseline)', '/healthz'], ['credits', '/api/credits/balance/simple'], ['state', `/api/state/nemo_agent/me/${sid}/latest`]] as const) {
        rows.push([label, await load(`${url}${path}`, token)]);
      }
      const base = rows[0]![1].requests.average;
      for (const [label, res] of rows) {
        lines.push(`| ${name} | ${label} | ${Math.round(res.requests.average)} | ${res.latency.p50} | ${res.latency.p99} | ${(res.requests.average / base).toFixed(2)} |`);
        if (res.non2xx) lines.push(`| ${name} | ${label}: ${res.non2xx} answers were not 2xx | | | | |`);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await schema?.drop();
    }
  }
  lines.push('', '| database | chat → first byte s | chat → preview ready s | chat → stream closed s |', '|---|---|---|---|', ...previews);

  // The event loop while a long render runs (server in the child's own process, embedded database).
  const loop = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'event-loop-one.js'), pic], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (loop.status !== 0) lines.push('', `event loop: failed: ${loop.stderr.slice(-300)}`);
  else {
    type D = { p50: number; p99: number; max: number; seconds: number };
    const r = JSON.parse(loop.stdout.trim().split('\n').pop()!) as { idle: D; export: D & { result: { frames: number } }; preview_alone_s: number; preview_during_export_s: number };
    lines.push('', '| server event loop (embedded) | delay p50 ms | p99 ms | max ms | p99 vs idle |', '|---|---|---|---|---|',
      `| idle, polled every 200 ms (${r.idle.seconds.toFixed(1)} s) | ${r.idle.p50} | ${r.idle.p99} | ${r.idle.max} | 1.00 |`,
      `| rendering a 25-shot 1080p30 export, crossfades, title (${r.export.result.frames} frames, ${r.export.seconds.toFixed(1)} s) | ${r.export.p50} | ${r.export.p99} | ${r.export.max} | ${(r.export.p99 / Math.max(r.idle.p99, 0.1)).toFixed(2)} |`,
      '', '| chat preview (another user) | ready s |', '|---|---|',
      `| alone | ${r.preview_alone_s.toFixed(2)} |`, `| while that export renders (one export slot) | ${r.preview_during_export_s.toFixed(2)} |`);
  }
  // Memory after a spike (Linux: read from /proc): a 108 MP photo uploaded and exported, then idle.
  if (process.platform === 'linux') {
    const big = join(work, 'big-108mp.jpg');
    await sharp(pic, { limitInputPixels: false }).resize(12720, 8480, { kernel: 'cubic' }).jpeg({ quality: 85 }).toFile(big);
    const mem = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'memory-one.js'), big, '20'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (mem.status !== 0) lines.push('', `memory: failed: ${mem.stderr.slice(-300)}`);
    else {
      lines.push('', '| server memory, 108 MP photo uploaded then exported (10 shots 1080p) | at start MB | peak MB | right after MB | idle 20 s later MB |', '|---|---|---|---|---|');
      for (const l of mem.stdout.trim().split('\n')) {
        const r = JSON.parse(l) as { label: string; start_mb: number; peak_mb: number; after_export_mb: number; idle_mb: number };
        lines.push(`| ${r.label} | ${r.start_mb} | ${r.peak_mb} | ${r.after_export_mb} | ${r.idle_mb} |`);
      }
    }
  }
  rmSync(work, { recursive: true, force: true });
  return lines;
};

// Run alone: `node dist/bench/service-bench.js [photo]`.
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const p = process.argv[2] ?? null;
  console.log((await benchService(p && existsSync(p) ? p : null)).join('\n'));
}
