/**
 * Crash and restart of the real server process (`node bin/stillmotion.js serve`), on the embedded
 * database and on PostgreSQL:
 *  (a) SIGKILL while a chat turn's preview renders → after a restart the credits are released,
 *      the turn is reported failed, and the draft saved before the render is still there;
 *  (b) SIGKILL while an export renders → after a restart the export runs again and completes with
 *      a valid MP4;
 *  (c) SIGTERM while an export renders (and a chat preview waits behind it in the queue) → the
 *      process exits 0 within seconds, and after a restart the export completes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { api, DATABASES, openTurn, PG_SKIP, pgSchemaUrl, setup, sleep, until, waitExport, type Api } from './support.js';

const BIN = fileURLToPath(new URL('../../../bin/stillmotion.js', import.meta.url));

interface Balance { available: number; frozen: number; total: number }
/** Exports render this long a clip at 1080p. */
const EXPORT_MS = 8_000;
type Session = Api & { sessionId: string };

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `stillmotion serve` and resolves once its banner names the address. */
const spawnServer = (env: NodeJS.ProcessEnv, cwd: string, children: Set<ChildProcess>): Promise<Child> => new Promise((resolve, reject) => {
  const proc = spawn(process.execPath, [BIN, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => { children.delete(proc); r({ code, signal }); }));
  const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`the server did not start within 60 s:\n${out}`)); }, 60_000);
  const onData = (b: Buffer) => {
    out += b.toString();
    const m = /Stillmotion is ready on (http:\/\/\S+)/.exec(out);
    if (m) { clearTimeout(timer); resolve({ proc, url: m[1]!, output: () => out, exited }); }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`the server exited (${code ?? signal}) before it was ready:\n${out}`)); });
});



const renderRunning = (events: ReadonlyArray<Record<string, any>>): boolean =>
  events.some((e) => e.partial === true && e.content?.parts?.[0]?.function_response?.name === 'render_preview');

if (!process.env.DATABASE_URL) test('crash and restart on PostgreSQL', { skip: PG_SKIP }, () => undefined);

for (const db of DATABASES) {
  describe(`crash and restart of the server process (${db})`, { timeout: 300_000 }, () => {
    const tmp = tempDir('stillmotion-crash-');
    const children = new Set<ChildProcess>();
    let env: NodeJS.ProcessEnv;
    let drop: (() => Promise<void>) | undefined;
    let srv: Child;
    let a: Session;
    let mediaId = '';

    const starts: number[] = [];
    const start = async () => {
      const t0 = Date.now();
      srv = await spawnServer(env, tmp.dir, children);
      starts.push(Date.now() - t0);
      a = Object.assign(api(srv.url, a?.token ?? ''), { sessionId: a?.sessionId ?? '' });
      return srv;
    };
    /** The recovery line follows the banner, maybe in a later chunk. */
    const logged = (re: RegExp) => until(`the server to print ${re}`, async () => re.test(srv.output()), 5_000, 20).catch(() => assert.match(srv.output(), re));
    /** The session's draft, at the export's length (long enough to kill mid-render, short enough to keep the file quick). */
    const exportDraft = async () => {
      const d = (await state()).draft as { target_d?: number; t: Array<{ sg: Array<{ d: number }> }> };
      return { ...d, target_d: EXPORT_MS, t: [{ ...d.t[0], sg: [{ ...d.t[0]!.sg[0]!, d: EXPORT_MS }] }] };
    };
    /** Unfinished render files (ffmpeg writes `.<name>.partial` and renames it when done). */
    const partials = () => ['generated', 'renders'].flatMap((area) => readdirSync(tmp.path(`data/${area}`)).filter((f) => f.endsWith('.partial')).map((f) => `${area}/${f}`));
    const balance = async () => (await a.call<Balance>('GET', '/api/credits/balance/simple')).json.data;
    const state = async () => (await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`)).json.data.state;
    const exportJob = async (id: string, draft: unknown) => {
      const r = await a.call<{ id: string; status: string }>('POST', '/api/render/proxy/lambda', { id, sessionId: a.sessionId, draft, output: { format: 'mp4', quality: 'high' } });
      assert.equal(r.json.code, 0, JSON.stringify(r.json));
      return r.json.data;
    };
    const status = async (id: string) => (await a.call<{ status: string; progress: number }>('GET', `/api/render/proxy/lambda/${id}`)).json;
    const download = async (id: string, name: string) => {
      const r = await fetch(`${a.base}/api/render/proxy/${id}/download`, { headers: { authorization: `Bearer ${a.token}` } });
      assert.equal(r.status, 200);
      writeFileSync(tmp.path(name), Buffer.from(await r.arrayBuffer()));
      return probeMedia(tmp.path(name));
    };

    before(async () => {
      const pgs = db === 'postgres' ? await pgSchemaUrl() : null;
      drop = pgs?.drop;
      env = {
        PATH: process.env.PATH, HOME: tmp.dir,
        PORT: '0', HOST: '127.0.0.1', STILLMOTION_DATA_DIR: tmp.path('data'),
        STILLMOTION_PREVIEW_SIZE: '1080p', STILLMOTION_TOKENS_PER_IP_PER_WEEK: '1000', STILLMOTION_RATE_LIMIT_PER_MINUTE: '100000',
        STILLMOTION_HEARTBEAT_MS: '500',
        ...(pgs ? { DATABASE_URL: pgs.url } : {}),
      };
    });
    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all([...children].map((c) => new Promise((r) => { if (c.exitCode !== null || c.signalCode !== null) r(null); else c.once('exit', r); })));
      await drop?.();
      tmp.remove();
    });

    test('(a) SIGKILL during a chat preview: credits released, turn failed, draft kept', async (t) => {
      await start();
      assert.match(srv.output(), db === 'postgres' ? /database: PostgreSQL/ : /database: embedded/);
      const s = await setup(srv.url);
      a = s;
      const photo = readFileSync(await texturedJpeg(tmp.path('photo.jpg'), 1600, 1200, 5));
      const up = await a.call<{ files: Array<{ media_id: string }> }>('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, (() => {
        const f = new FormData();
        f.append('files', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
        return f;
      })());
      assert.equal(up.json.code, 0, JSON.stringify(up.json));
      mediaId = up.json.data.files[0]!.media_id;
      assert.deepEqual(await balance(), { available: 100, frozen: 0, total: 100 });

      const turn = openTurn(a, 'animate this photo into a 20-second video');
      const t0 = Date.now();
      await until('credits to be reserved', async () => (await balance()).frozen > 0, 60_000);
      await until('the preview render to run', async () => renderRunning(turn.events), 30_000, 50);
      assert.deepEqual(await balance(), { available: 95, frozen: 5, total: 100 }, 'the turn holds its credits while it renders');
      assert.ok(!turn.events.some((e) => e.turn_complete), 'the turn is still running when the server is killed');
      srv.proc.kill('SIGKILL');
      assert.equal((await srv.exited).signal, 'SIGKILL');
      await turn.done.catch(() => undefined);
      t.diagnostic(`killed ${Date.now() - t0} ms into the turn`);

      await start();
      await logged(/recovered after a stop: 0 export\(s\) queued again, 1 render\(s\) failed, 1 turn\(s\) ended, 1 credit reservation\(s\) released/);
      assert.deepEqual(await balance(), { available: 100, frozen: 0, total: 100 }, 'the reservation is released');
      const st = await state();
      assert.equal(st.last_turn?.status, 'failed', `the turn is reported failed: ${JSON.stringify(st.last_turn)}`);
      assert.match(String(st.last_turn?.text), /server stopped.*No credits were charged/, 'a client that shows the last turn explains what happened');
      assert.equal(st.generated_media.length, 0, 'no preview came out of the killed turn');
      const shot = st.draft.t[0].sg[0];
      assert.equal(st.draft.t[0].sg.length, 1);
      assert.equal(shot.m.media_id, mediaId, 'the draft saved before the render is still there');
      assert.equal(shot.d, 20_000);
      assert.equal(st.timeline.duration_ms, 20_000);
    });

    test('(b) SIGKILL during an export: resumed after the restart, a valid MP4', async (t) => {
      assert.ok(mediaId, 'needs (a)');
      const draft = await exportDraft();
      const id = `render_crash_b_${Date.now()}`;
      const t0 = Date.now();
      await exportJob(id, draft);
      await until('the export to render', async () => { const s = await status(id); return s.data.status === 'processing' && s.data.progress > 0; }, 60_000, 50);
      assert.notEqual((await status(id)).data.status, 'completed');
      srv.proc.kill('SIGKILL');
      assert.equal((await srv.exited).signal, 'SIGKILL');
      t.diagnostic(`killed ${Date.now() - t0} ms into the export`);

      await start();
      await logged(/recovered after a stop: 1 export\(s\) queued again, 0 render\(s\) failed, 0 turn\(s\) ended, 0 credit reservation\(s\) released/);
      const done = await waitExport(a, id, 120_000);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      t.diagnostic(`export done ${Date.now() - t0} ms after it was submitted`);
      const p = await download(id, 'b.mp4');
      assert.equal(p.video?.codec, 'h264');
      assert.deepEqual([p.video?.width, p.video?.height], [1920, 1080]);
      assert.ok(Math.abs(p.durationS - EXPORT_MS / 1000) < 0.2, `${EXPORT_MS / 1000} s, got ${p.durationS}`);
      assert.ok(p.moovBeforeMdat, 'fast start');
      assert.deepEqual(await balance(), { available: 100, frozen: 0, total: 100 }, 'exports cost no credits');
      assert.deepEqual(partials(), [], 'no partial render file outlives a crash');
    });

    test('(c) SIGTERM during an export: exits 0 within seconds; the export completes after the restart', async (t) => {
      assert.ok(mediaId, 'needs (a)');
      const draft = await exportDraft();
      const id = `render_crash_c_${Date.now()}`;
      await exportJob(id, draft);
      await until('the export to render', async () => { const s = await status(id); return s.data.status === 'processing' && s.data.progress > 0; }, 60_000, 50);
      // A chat turn whose preview waits in the queue behind the export.
      const turn = openTurn(a, 'make it 19 seconds');
      await until('the turn to reserve its credits', async () => (await balance()).frozen > 0, 30_000, 50);
      await until('the turn to queue its preview', async () => turn.events.some((e) => e.content?.parts?.[0]?.function_call?.name === 'render_preview'), 30_000, 50);

      const t0 = Date.now();
      srv.proc.kill('SIGTERM');
      const stopped = await Promise.race([srv.exited, sleep(10_000).then(() => null)]);
      t.diagnostic(`stopped in ${Date.now() - t0} ms`);
      assert.ok(stopped, `the server exits within 10 s of SIGTERM:\n${srv.output()}`);
      assert.deepEqual(stopped, { code: 0, signal: null }, srv.output());
      assert.match(srv.output(), /stopping: finishing requests, checkpointing renders/);
      await turn.done.catch(() => undefined);
      const last = turn.events.at(-1);
      assert.equal(last?.turn_complete, true, 'the waiting turn ended with a final event');
      assert.ok(last?.error_code, 'the waiting turn ended failed');

      await start();
      // The stop checkpointed the export and ended the waiting turn itself (its hold released then); its preview never ran.
      await logged(/recovered after a stop: 1 export\(s\) queued again, 1 render\(s\) failed, 0 turn\(s\) ended, 0 credit reservation\(s\) released/);
      assert.deepEqual(await balance(), { available: 100, frozen: 0, total: 100 }, 'the stopped turn charged nothing');
      assert.equal((await state()).last_turn?.status, 'failed');

      // A second graceful stop during the same export (say, a second deploy): a checkpoint is not a
      // crash, so it uses up none of the export's attempts (STILLMOTION_MAX_JOB_ATTEMPTS, 2 by default).
      await until('the resumed export to render', async () => { const s = await status(id); return s.data.status === 'processing' && s.data.progress > 0; }, 60_000, 50);
      const t2 = Date.now();
      srv.proc.kill('SIGTERM');
      const stopped2 = await Promise.race([srv.exited, sleep(10_000).then(() => null)]);
      t.diagnostic(`stopped again in ${Date.now() - t2} ms`);
      assert.deepEqual(stopped2, { code: 0, signal: null }, srv.output());
      await start();
      await logged(/recovered after a stop: 1 export\(s\) queued again, 0 render\(s\) failed/);
      const done = await waitExport(a, id, 120_000);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      const p = await download(id, 'c.mp4');
      assert.equal(p.video?.codec, 'h264');
      assert.ok(Math.abs(p.durationS - EXPORT_MS / 1000) < 0.2, `${EXPORT_MS / 1000} s, got ${p.durationS}`);

      const t1 = Date.now();
      srv.proc.kill('SIGTERM');
      assert.deepEqual(await srv.exited, { code: 0, signal: null }, 'an idle server stops cleanly too');
      t.diagnostic(`idle stop in ${Date.now() - t1} ms; server starts took ${starts.join(', ')} ms`);
    });
  });
}
