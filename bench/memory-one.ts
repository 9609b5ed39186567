/**
 * Memory of the server after a spike: `stillmotion serve` in a child process (embedded database),
 * a 108-megapixel JPEG uploaded (decoded, analysed and thumbnailed) and exported (10 shots, 1080p),
 * then the server left idle;
 * its peak and idle resident memory (Linux /proc), with and without the allocator settings
 * `npm start` uses (MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_). Prints one JSON line per run.
 * `node dist/bench/memory-one.js <big.jpg> [idle seconds]`
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../test/support/fixtures.js';
import { ALLOCATOR_ENV } from '../src/service/allocator.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const big = process.argv[2]!;
const idleS = Number(process.argv[3] ?? 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kb = (pid: number, field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

const run = async (label: string, env: Record<string, string>) => {
  const t = tempDir('stillmotion-mem-bench-');
  const child = spawn(process.execPath, [join(root, 'bin', 'stillmotion.js'), 'serve'], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', STILLMOTION_DATA_DIR: t.dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /ready on (http:\/\/\S+)/.exec(out); if (m) res(m[1]!.replace('localhost', '127.0.0.1')); });
      child.on('exit', (c) => rej(new Error(`server exited ${c}: ${out}`)));
    });
    await sleep(3000);
    const startMb = kb(child.pid!, 'VmRSS') / 1024;
    const tok = (await (await fetch(`${url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } })).json()) as { data: { token: string } };
    const h = { authorization: `Bearer ${tok.data.token}` };
    const ses = (await (await fetch(`${url}/api/tasks/me/with-session/nemo_agent`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: '{"task_name":"mem"}' })).json()) as { data: { session_id: string } };
    const form = new FormData();
    form.append('files', new Blob([readFileSync(big)]), 'big.jpg');
    const up = (await (await fetch(`${url}/api/upload-video/nemo_agent/me/${ses.data.session_id}`, { method: 'POST', headers: h, body: form })).json()) as { code: number; data: { files: Array<{ media_id: string }> } };
    if (up.code !== 0) throw new Error(`upload: ${JSON.stringify(up)}`);
    const uploadPeakMb = kb(child.pid!, 'VmHWM') / 1024;
    // Then a 10-shot 1080p export of it (the photo decoded at its working size for every shot, crossfades).
    const media = up.data.files[0]!.media_id;
    const draft = { version: 1, aspect: '16:9', size: '1080p', fps: 30, bg: '#000000', t: [{ tt: 0, sg: Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, s: i * 1000, d: 1300, m: { media_id: media, kind: 'image', move: i % 2 ? 'zoom-out' : 'pan-left', tr: { type: 'crossfade', d: 300 } } })) }] };
    const sub = (await (await fetch(`${url}/api/render/proxy/lambda`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: ses.data.session_id, draft, output: { format: 'mp4', quality: 'high' } }) })).json()) as { code: number; data: { id: string } };
    if (sub.code !== 0) throw new Error(`export: ${JSON.stringify(sub)}`);
    for (;;) {
      const st = (await (await fetch(`${url}/api/render/proxy/lambda/${sub.data.id}`, { headers: h })).json()) as { status: string };
      if (st.status === 'completed') break;
      if (st.status === 'failed') throw new Error(`export failed: ${JSON.stringify(st)}`);
      await sleep(300);
    }
    const peakMb = kb(child.pid!, 'VmHWM') / 1024;
    const afterMb = kb(child.pid!, 'VmRSS') / 1024;
    await sleep(idleS * 1000);
    const idleMb = kb(child.pid!, 'VmRSS') / 1024;
    return { label, start_mb: Math.round(startMb), upload_peak_mb: Math.round(uploadPeakMb), peak_mb: Math.round(peakMb), after_export_mb: Math.round(afterMb), idle_mb: Math.round(idleMb), idle_s: idleS };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    t.remove();
  }
};

for (const [label, env] of [['allocator defaults', {}], ['npm start (MALLOC_ARENA_MAX=2, trim and mmap thresholds 128 KB)', ALLOCATOR_ENV]] as const) {
  process.stdout.write(`${JSON.stringify(await run(label, env))}\n`);
}
