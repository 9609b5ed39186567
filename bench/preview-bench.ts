/**
 * Chat message → ready 540p preview, per photo, with the embedded database: the server runs in its
 * own process (`stillmotion serve`); each round opens a new session, uploads the photo (not timed),
 * sends the sentence and times the stream until the preview job is completed. The server's own CPU
 * seconds over the timed part are read from /proc (Linux), so the figure also holds on a busy machine.
 *
 *   node dist/bench/preview-bench.js [--repeat N] photo...
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { startServe } from './service-bench.js';

const root = resolve(new URL('../..', import.meta.url).pathname);

/** CPU seconds of a process and its reaped children (utime + stime + cutime + cstime), Linux only. */
const procCpu = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const x = f.slice(f.lastIndexOf(')') + 2).split(' ').map(Number);
    return (x[11]! + x[12]! + x[13]! + x[14]!) / 100;
  } catch {
    return NaN;
  }
};

const start = (dir: string): Promise<{ url: string; child: ChildProcess }> =>
  startServe({ PORT: '0', HOST: '127.0.0.1', STILLMOTION_DATA_DIR: dir, STILLMOTION_RATE_LIMIT_PER_MINUTE: '0', DATABASE_URL: '' });

export interface PreviewRun { readonly photo: string; readonly ready_s: number; readonly server_cpu_s: number }

export const benchPreviews = async (photos: readonly string[], repeats: number): Promise<PreviewRun[]> => {
  const work = mkdtempSync(join(tmpdir(), 'stillmotion-preview-bench-'));
  const { url, child } = await start(join(work, 'data'));
  const runs: PreviewRun[] = [];
  try {
    const tok = await (await fetch(`${url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } })).json() as { data: { token: string } };
    const auth = { authorization: `Bearer ${tok.data.token}` };
    // One round first (not counted): the server's first render loads its modules.
    for (const [i, photo] of [photos[0]!, ...Array.from({ length: repeats }, () => photos).flat()].entries()) {
      const ses = await (await fetch(`${url}/api/tasks/me/with-session/nemo_agent`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"task_name":"bench"}' })).json() as { data: { session_id: string } };
      const sid = ses.data.session_id;
      const form = new FormData();
      form.append('files', new Blob([readFileSync(photo)]), basename(photo));
      const up = await fetch(`${url}/api/upload-video/nemo_agent/me/${sid}`, { method: 'POST', headers: auth, body: form });
      if (!up.ok) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
      const c0 = procCpu(child.pid!);
      const t0 = performance.now();
      const r = await fetch(`${url}/run_sse`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: sid, new_message: { parts: [{ text: 'animate this photo into a 5-second video with smooth motion' }] } }),
      });
      const reader = r.body!.getReader();
      let buf = '';
      let ready = NaN;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        if (Number.isNaN(ready) && /"status":"completed"/.test(buf)) ready = (performance.now() - t0) / 1000;
      }
      const cpu = procCpu(child.pid!) - c0;
      if (Number.isNaN(ready)) throw new Error(`no completed preview for ${photo}: ${buf.slice(-400)}`);
      if (i > 0) runs.push({ photo: basename(photo), ready_s: Math.round(ready * 1000) / 1000, server_cpu_s: Math.round(cpu * 100) / 100 });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
  return runs;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  let repeats = 3;
  const photos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--repeat') repeats = Number(args[++i]);
    else photos.push(args[i]!);
  }
  for (const r of await benchPreviews(photos, repeats)) console.log(JSON.stringify(r));
}
