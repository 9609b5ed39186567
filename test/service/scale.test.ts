/**
 * Scale out, as an operator runs it: two API processes (`stillmotion serve` with REDIS_URL) on two
 * ports and render workers (`stillmotion worker`), all child processes of `bin/stillmotion.js`,
 * sharing one PostgreSQL schema, one Redis key prefix and one media folder:
 *  (a) a second API process starting does not fail the first's running turn; the turn's preview,
 *      rendered on a worker, streams its progress through the API process holding the stream;
 *  (f) twenty turns on five tokens sent alternately to both API processes all stream and complete;
 *  (b) an export submitted on one API process is cancelled from the other;
 *  (c) kill -9 the worker rendering an export: another worker finishes it, the file is whole;
 *  (d) 20 simultaneous exports of one user across both API processes: the per-user cap holds;
 *  (e) SIGTERM drains a worker, a second SIGTERM hands its job back to another worker;
 *  (g) two turns of one session sent to both API processes at once run one after the other, and
 *      the same message sent to both runs (and is charged) once;
 *  (h) an API process stopped mid-turn (SIGTERM: the turn finishes first) or killed mid-turn
 *      (kill -9: another process adopts the turn and finishes it) and restarted: the turn completes;
 * and at the end the ledger holds available + frozen = total with nothing frozen, and every file
 * in the media folder belongs to a row (no orphan, nothing half-written).
 * Runs when DATABASE_URL and REDIS_URL are both set (CI sets them); skips with a message otherwise.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { api, openTurn, pgSchemaUrl, setup, sleep, until, waitExport, type Api } from './support.js';

const BIN = fileURLToPath(new URL('../../../bin/stillmotion.js', import.meta.url));
const SKIP = !process.env.DATABASE_URL || !process.env.REDIS_URL ? 'DATABASE_URL and REDIS_URL are not both set: the multi-process test is skipped (CI sets them)' : false;
type Session = Api & { sessionId: string };

interface Child {
  readonly proc: ChildProcess;
  readonly name: string;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawnChild = (args: string[], env: NodeJS.ProcessEnv, cwd: string, children: Set<ChildProcess>, ready: RegExp, name: string): Promise<Child> => new Promise((resolve, reject) => {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => { children.delete(proc); r({ code, signal }); }));
  const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`${name} did not start within 120 s:\n${out}`)); }, 120_000);
  const onData = (b: Buffer) => {
    out += b.toString();
    const m = ready.exec(out);
    if (m) { clearTimeout(timer); resolve({ proc, name, url: m[1] ?? '', output: () => out, exited }); }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${out}`)); });
});



/** JSON log lines of a worker that name a job. */
const workerSaid = (w: Child, msg: string, jobTail: string): boolean =>
  w.output().split('\n').some((l) => l.includes(`"msg":"${msg}"`) && l.includes(jobTail));

describe('scale out: two API processes and render workers on PostgreSQL and Redis', { skip: SKIP, timeout: 900_000 }, () => {
  const tmp = tempDir('stillmotion-scale-');
  const children = new Set<ChildProcess>();
  const prefix = `smtest_${randomBytes(5).toString('hex')}`;
  let base: NodeJS.ProcessEnv;
  let schema: { url: string; drop: () => Promise<void> } | undefined;
  let apiA: Child, apiB: Child;
  const workers: Child[] = [];
  let a: Session, b: Session; // one user: the same token on both API processes
  let n = 0;

  const startApi = (name: string) => spawnChild(['serve'], { ...base, STILLMOTION_DATA_DIR: tmp.path(`data-${name}`) }, tmp.dir, children, /Stillmotion is ready on (http:\/\/\S+)/, name);
  const startWorker = async (name: string) => {
    const w = await spawnChild(['worker', '--name', name], { ...base, STILLMOTION_DATA_DIR: tmp.path(`data-${name}`) }, tmp.dir, children, /Stillmotion worker (\S+) is ready/, name);
    workers.push(w);
    return w;
  };
  const balance = async (s: Api) => (await s.call<{ available: number; frozen: number; total: number }>('GET', '/api/credits/balance/simple')).json.data;
  const state = async (s: Session) => (await s.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${s.sessionId}/latest`)).json.data.state;
  /** The session's draft at `ms` long, at 1080p: an export that renders for a while. */
  const exportDraft = async (ms: number) => {
    const d = (await state(a)).draft as { target_d?: number; t: Array<{ sg: Array<{ d: number }> }> };
    return { ...d, target_d: ms, t: [{ ...d.t[0], sg: [{ ...d.t[0]!.sg[0]!, d: ms }] }] };
  };
  const submit = (s: Session, id: string, draft: unknown) =>
    s.call<{ id: string; status: string }>('POST', '/api/render/proxy/lambda', { id, sessionId: s.sessionId, draft, output: { format: 'mp4', quality: 'high' } });
  const status = async (s: Api, id: string) => (await s.call<{ status: string; progress: number; error?: { code: number } }>('GET', `/api/render/proxy/lambda/${id}`)).json.data;

  before(async () => {
    schema = await pgSchemaUrl();
    base = {
      PATH: process.env.PATH, HOME: tmp.dir, PORT: '0', HOST: '127.0.0.1',
      DATABASE_URL: schema.url, REDIS_URL: process.env.REDIS_URL, STILLMOTION_REDIS_PREFIX: prefix, STILLMOTION_MEDIA_DIR: tmp.path('media'),
      STILLMOTION_PREVIEW_SIZE: '360p', STILLMOTION_TOKENS_PER_IP_PER_WEEK: '1000', STILLMOTION_RATE_LIMIT_PER_MINUTE: '100000', STILLMOTION_HEARTBEAT_MS: '500',
      STILLMOTION_JOB_LOCK_MS: '5000', STILLMOTION_LEASE_MS: '3000', STILLMOTION_MAX_EXPORTS_PER_USER: '3', STILLMOTION_MAX_JOB_ATTEMPTS: '3',
    };
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([...children].map((c) => new Promise((r) => { if (c.exitCode !== null || c.signalCode !== null) r(null); else c.once('exit', r); })));
    const r = new Redis(process.env.REDIS_URL!);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
    } finally {
      r.disconnect();
    }
    await schema?.drop();
    tmp.remove();
  });

  test('(a) a second API process starting leaves the first one\'s turn alone; its preview renders on a worker and streams through the first', async (t) => {
    apiA = await startApi('api-a');
    a = await setup(apiA.url);
    const photo = readFileSync(await texturedJpeg(tmp.path('photo.jpg'), 1600, 1200, 5));
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    const up = await a.call('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, form);
    assert.equal(up.json.code, 0, JSON.stringify(up.json));

    // No worker yet: the turn's preview waits in the queue while the second API process starts.
    const turn = openTurn(a, 'animate this photo into a 5-second video with smooth motion');
    await until('the turn to reserve its credits', async () => (await balance(a)).frozen > 0, 120_000);
    await until('the turn to queue its preview', async () => turn.events.some((e) => e.content?.parts?.[0]?.function_call?.name === 'render_preview'), 120_000);
    apiB = await startApi('api-b');
    b = Object.assign(api(apiB.url, a.token), { sessionId: a.sessionId });
    assert.match(apiB.output(), /ready on/);
    assert.doesNotMatch(apiB.output(), /turn\(s\) ended/, 'the starting process ended no turn');
    assert.deepEqual(await balance(b), { available: 95, frozen: 5, total: 100 }, 'the running turn still holds its credits, seen from either process');
    assert.equal((await state(b)).last_turn?.status, 'running');
    assert.ok(!turn.events.some((e) => e.turn_complete), 'the turn is still running');
    const health = (await api(apiB.url).call<{ jobs: { preview: { waiting: number } } }>('GET', '/healthz')).json.data;
    assert.equal(health.jobs.preview.waiting, 1, `the other process sees the preview waiting in the shared queue: ${JSON.stringify(health)}`);

    await Promise.all([startWorker('w1'), startWorker('w2')]);
    await turn.done;
    const progress = turn.events.filter((e) => e.partial === true && e.content?.parts?.[0]?.function_response?.name === 'render_preview');
    t.diagnostic(`progress events through api-a: ${progress.map((e) => e.content.parts[0].function_response.response.progress).join(', ')}`);
    assert.ok(progress.length >= 2, `the stream on api-a carries the worker's progress (${progress.length} events)`);
    const final = turn.events.at(-1);
    assert.equal(final?.turn_complete, true);
    assert.ok(!final?.error_code, JSON.stringify(final));
    assert.ok(turn.events.some((e) => e.content?.parts?.[0]?.function_response?.response?.status === 'completed'), 'the preview result reached the stream');
    const renderedBy = workers.filter((w) => w.output().includes('"msg":"job completed"') && w.output().includes('"lane":"preview"')).map((w) => w.name);
    t.diagnostic(`preview rendered by ${renderedBy.join(', ')}`);
    assert.equal(renderedBy.length, 1, 'one worker rendered the preview');
    assert.deepEqual(await balance(b), { available: 95, frozen: 0, total: 95 }, 'charged once');
    const st = await state(b);
    assert.equal(st.last_turn?.status, 'completed');
    assert.equal(st.generated_media.length, 1);
    const g = await fetch(st.generated_media[0].url as string);
    assert.equal(g.status, 200, 'the preview is served by the other API process from the shared media folder');
  });

  test('(f) twenty turns on five tokens, sent alternately to both API processes: each streams its progress and result, each is charged once', async (t) => {
    const photo = readFileSync(tmp.path('photo.jpg'));
    const users = await Promise.all(Array.from({ length: 5 }, async (_, u) => {
      const s = await setup(u % 2 ? apiB.url : apiA.url);
      const form = new FormData();
      form.append('files', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
      assert.equal((await s.call('POST', `/api/upload-video/nemo_agent/me/${s.sessionId}`, form)).json.code, 0);
      return s;
    }));
    const messages = ['animate this photo into a 5-second video', 'make it 6 seconds', 'make it 7 seconds', 'make it 8 seconds'];
    let turns = 0;
    // Sessions in parallel; one session's turns one after another, each on the other API process than the last.
    await Promise.all(users.map(async (u, ui) => {
      for (const [i, m] of messages.entries()) {
        const via = Object.assign(api((ui + i) % 2 ? apiB.url : apiA.url, u.token), { sessionId: u.sessionId });
        const turn = openTurn(via, m);
        await turn.done;
        const final = turn.events.at(-1);
        assert.equal(final?.turn_complete, true);
        assert.ok(!final?.error_code, `${m}: ${JSON.stringify(final)}`);
        assert.ok(turn.events.some((e) => e.partial === true && e.content?.parts?.[0]?.function_response?.name === 'render_preview'), `${m}: progress reached the stream`);
        assert.ok(turn.events.some((e) => e.content?.parts?.[0]?.function_response?.response?.status === 'completed'), `${m}: the preview reached the stream`);
        turns++;
      }
    }));
    assert.equal(turns, 20);
    for (const u of users) assert.deepEqual(await balance(u), { available: 80, frozen: 0, total: 80 }, 'four turns charged once each');
    const by = workers.map((w) => `${w.name}: ${w.output().split('\n').filter((l) => l.includes('"msg":"job completed"') && l.includes('"lane":"preview"')).length}`);
    t.diagnostic(`previews per worker: ${by.join(', ')}`);
  });

  /** A new user with the photo uploaded and a first turn done, on API process `on`. */
  const userWithClip = async (on: Child) => {
    const u = await setup(on.url);
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(readFileSync(tmp.path('photo.jpg')))], { type: 'image/jpeg' }), 'photo.jpg');
    assert.equal((await u.call('POST', `/api/upload-video/nemo_agent/me/${u.sessionId}`, form)).json.code, 0);
    const first = openTurn(u, 'animate this photo into a 5-second video');
    await first.done;
    assert.ok(!first.events.at(-1)?.error_code, JSON.stringify(first.events.at(-1)));
    return u;
  };
  const via = (u: Session, c: Child): Session => Object.assign(api(c.url, u.token), { sessionId: u.sessionId });
  const turnRows = async (sessionId: string) => {
    const c = new pg.Client({ connectionString: schema!.url });
    await c.connect();
    try {
      return (await c.query<{ id: string; message: string; status: string; created_at: string; finished_at: string | null }>('select id, message, status, created_at, finished_at from turns where session_id = $1 order by created_at, id', [sessionId])).rows
        .map((r) => ({ ...r, created_at: Number(r.created_at), finished_at: r.finished_at === null ? null : Number(r.finished_at) }));
    } finally {
      await c.end();
    }
  };
  const ok = (turn: ReturnType<typeof openTurn>, what: string) => {
    const final = turn.events.at(-1);
    assert.equal(final?.turn_complete, true, `${what}: ${JSON.stringify(final)}`);
    assert.ok(!final?.error_code, `${what}: ${JSON.stringify(final)}`);
  };

  test('(g) two turns of one session sent to both API processes at once run one after the other; the same message sent to both runs once', async (t) => {
    const u = await userWithClip(apiA);
    const six = openTurn(via(u, apiA), 'make it 6 seconds');
    const nine = openTurn(via(u, apiB), 'make it 9 seconds');
    await Promise.all([six.done, nine.done]);
    ok(six, 'make it 6 seconds');
    ok(nine, 'make it 9 seconds');
    const rows = (await turnRows(u.sessionId)).slice(1);
    assert.deepEqual(rows.map((r) => r.status), ['completed', 'completed']);
    t.diagnostic(`turns: ${rows.map((r) => `${r.message} ${r.created_at}-${r.finished_at}`).join(', ')}`);
    assert.ok(rows[1]!.created_at >= rows[0]!.finished_at!, `the second turn started after the first ended: ${JSON.stringify(rows)}`);

    const seven = [openTurn(via(u, apiA), 'make it 7 seconds'), openTurn(via(u, apiB), 'make it 7 seconds')];
    await Promise.all(seven.map((x) => x.done));
    seven.forEach((x, i) => ok(x, `make it 7 seconds (${i ? 'b' : 'a'})`));
    const ran = (await turnRows(u.sessionId)).filter((r) => r.message === 'make it 7 seconds');
    assert.equal(ran.length, 1, 'the same message sent to both processes runs once');
    assert.deepEqual(seven.map((x) => x.events.at(-1)?.invocation_id), [ran[0]!.id, ran[0]!.id], 'both streams end with that turn');
    assert.equal(seven[0]!.events.at(-1)?.content?.parts?.[0]?.text, seven[1]!.events.at(-1)?.content?.parts?.[0]?.text);
    assert.ok(seven.every((x) => x.events.some((e) => e.content?.parts?.[0]?.function_response?.response?.status === 'completed')), 'both streams carry the preview');
    t.diagnostic(`progress events on the two streams: ${seven.map((x) => x.events.filter((e) => e.partial === true).length).join(', ')}`);
    assert.deepEqual(await balance(u), { available: 80, frozen: 0, total: 80 }, 'four turns that rendered, each charged once');
  });

  test('(h) an API process stopped, then killed, while its turn renders on a worker, and restarted: the turn completes either way', async (t) => {
    const u = await userWithClip(apiA);
    const rendering = (turn: ReturnType<typeof openTurn>) => until('the turn\'s preview to render on a worker', async () => turn.events.some((e) => e.partial === true && e.content?.parts?.[0]?.function_response?.name === 'render_preview'), 120_000);

    // SIGTERM: the process stops taking requests and lets its turn finish (its lease kept meanwhile).
    const drained = openTurn(via(u, apiA), 'make it 6 seconds');
    await rendering(drained);
    apiA.proc.kill('SIGTERM');
    await drained.done;
    ok(drained, 'the turn of the stopping process');
    assert.deepEqual(await apiA.exited, { code: 0, signal: null }, apiA.output());
    apiA = await startApi('api-a');
    a = via(a, apiA);

    // kill -9: nobody holds the turn's stream any more; once the dead process's lease runs out, a live
    // process adopts the turn, waits for its preview, and completes it (the client reads the state).
    const killed = openTurn(via(u, apiA), 'make it 8 seconds');
    await rendering(killed);
    apiA.proc.kill('SIGKILL');
    assert.equal((await apiA.exited).signal, 'SIGKILL');
    apiA = await startApi('api-a');
    a = via(a, apiA);
    const turnId = killed.events.find((e) => e.invocation_id)?.invocation_id as string;
    const end = await until('the killed process\'s turn to end', async () => { const r = (await turnRows(u.sessionId)).find((x) => x.id === turnId); return r && r.status !== 'running' ? r : null; }, 120_000, 250);
    assert.equal(end.status, 'completed', 'adopted and finished, not failed');
    const st = await state(via(u, apiA));
    assert.equal(st.last_turn?.id, turnId);
    assert.match(st.last_turn?.text ?? '', /8(\.0)? ?s/);
    assert.ok(st.generated_media.some((g: { turn_id: string }) => g.turn_id === turnId), 'the adopted turn\'s preview is in the session');
    assert.deepEqual(await balance(via(u, apiB)), { available: 85, frozen: 0, total: 85 }, 'each of the three turns charged once');
    t.diagnostic(`adopted by: ${[apiA, apiB].filter((c) => /turn\(s\) adopted|adopted/.test(c.output())).map((c) => c.name).join(', ') || '(not logged)'}`);
  });

  test('(b) an export submitted on one API process is cancelled from the other', async () => {
    const draft = await exportDraft(30_000);
    const id = `render_cancel_${++n}`;
    const r = await submit(a, id, draft);
    assert.equal(r.json.code, 0, JSON.stringify(r.json));
    await until('the export to render', async () => { const s = await status(b, id); return s.status === 'processing' && s.progress > 0; }, 120_000);
    const c = await b.call<{ status: string; error?: { code: number } }>('DELETE', `/api/render/proxy/lambda/${id}`);
    assert.equal(c.json.code, 0, JSON.stringify(c.json));
    const end = await waitExport(a, id, 60_000);
    assert.equal(end.status, 'failed');
    assert.equal((end.data as { error?: { code: number } }).error?.code, 5003, JSON.stringify(end));
  });

  test('(c) kill -9 the worker rendering an export: another worker finishes it, and the file is whole', async (t) => {
    const draft = await exportDraft(8_000);
    const id = `render_kill_${++n}`;
    const r = await submit(b, id, draft);
    assert.equal(r.json.code, 0, JSON.stringify(r.json));
    await until('the export to render', async () => { const s = await status(a, id); return s.status === 'processing' && s.progress > 0; }, 120_000);
    const holder = workers.find((w) => w.proc.exitCode === null && workerSaid(w, 'job started', `${id}"`));
    assert.ok(holder, 'a worker logged that it started the export');
    holder.proc.kill('SIGKILL');
    assert.equal((await holder.exited).signal, 'SIGKILL');
    t.diagnostic(`killed ${holder.name}`);
    const done = await waitExport(a, id, 300_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const other = workers.find((w) => w !== holder && workerSaid(w, 'job completed', `${id}"`));
    assert.ok(other, 'another worker completed it');
    t.diagnostic(`completed by ${other.name}`);
    const dl = await fetch(`${b.base}/api/render/proxy/${id}/download`, { headers: { authorization: `Bearer ${b.token}` } });
    assert.equal(dl.status, 200);
    writeFileSync(tmp.path('c.mp4'), Buffer.from(await dl.arrayBuffer()));
    const p = await probeMedia(tmp.path('c.mp4'));
    assert.equal(p.video?.codec, 'h264');
    assert.deepEqual([p.video?.width, p.video?.height], [1920, 1080]);
    assert.ok(Math.abs(p.durationS - 8) < 0.2, `8 s, got ${p.durationS}`);
    assert.ok(p.moovBeforeMdat, 'a finished file (fast start is written last)');
    const published = readdirSync(tmp.path('media/renders')).filter((f) => !f.startsWith('.'));
    assert.ok(published.every((f) => !f.endsWith('.partial')), 'no half-written file is published');
    await startWorker('w3');
  });

  test('(d) 20 simultaneous exports of one user across both API processes: at most 3 are taken', async () => {
    const draft = await exportDraft(30_000);
    const ids = Array.from({ length: 20 }, () => `render_cap_${++n}`);
    const answers = await Promise.all(ids.map((id, i) => submit(i % 2 ? a : b, id, draft)));
    const taken = ids.filter((_, i) => answers[i]!.json.code === 0);
    const refused = answers.filter((x) => x.status === 429);
    assert.equal(taken.length, 3, `taken: ${taken.length}, answers: ${JSON.stringify(answers.map((x) => x.json.code))}`);
    assert.equal(refused.length, 17);
    for (const [i, id] of taken.entries()) {
      const c = await (i % 2 ? a : b).call('DELETE', `/api/render/proxy/lambda/${id}`);
      assert.equal(c.json.code, 0, JSON.stringify(c.json));
    }
    for (const id of taken) assert.equal((await waitExport(a, id, 60_000)).status, 'failed');
  });

  test('(e) SIGTERM drains a worker; a second SIGTERM hands its export back, and another worker finishes it', async (t) => {
    const draft = await exportDraft(8_000);
    const id = `render_term_${++n}`;
    const r = await submit(a, id, draft);
    assert.equal(r.json.code, 0, JSON.stringify(r.json));
    await until('the export to render', async () => { const s = await status(b, id); return s.status === 'processing' && s.progress > 0; }, 120_000);
    const holder = workers.find((w) => w.proc.exitCode === null && w.proc.signalCode === null && workerSaid(w, 'job started', `${id}"`));
    assert.ok(holder, 'a live worker logged that it started the export');
    holder.proc.kill('SIGTERM');
    await until('the worker to say it drains', async () => /draining: 1 render\(s\) finishing/.test(holder.output()), 30_000);
    holder.proc.kill('SIGTERM');
    assert.deepEqual(await holder.exited, { code: 0, signal: null }, holder.output());
    assert.ok(workerSaid(holder, 'job handed back', `${id}"`), holder.output());
    t.diagnostic(`${holder.name} handed it back`);
    const done = await waitExport(a, id, 300_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.ok(workers.some((w) => w !== holder && workerSaid(w, 'job completed', `${id}"`)), 'another worker completed it');
  });

  test('the ledger adds up across processes, and nothing is left frozen', async () => {
    const c = new pg.Client({ connectionString: schema!.url });
    await c.connect();
    try {
      const bad = await c.query('select count(*)::int as n from accounts where available + frozen <> total or frozen <> 0');
      assert.equal(bad.rows[0].n, 0);
      const open = await c.query("select count(*)::int as n from holds where status = 'held'");
      assert.equal(open.rows[0].n, 0);
      const charged = await c.query("select count(*)::int as n from ledger where kind = 'charge'");
      assert.equal(charged.rows[0].n, 21 + 4 + 3, 'each rendered turn was charged once');
      const turns = await c.query("select count(*)::int as n from turns where status = 'completed' and cost > 0");
      assert.equal(turns.rows[0].n, charged.rows[0].n, 'one charge per completed turn that rendered');
      const running = await c.query("select count(*)::int as n from turns where status = 'running'");
      assert.equal(running.rows[0].n, 0);
    } finally {
      await c.end();
    }
  });

  test('no orphan files: every file in the media folder belongs to a row, and nothing is half-written', async () => {
    const c = new pg.Client({ connectionString: schema!.url });
    await c.connect();
    try {
      await until('every job to end', async () => (await c.query("select count(*)::int as n from jobs where status in ('pending', 'processing')")).rows[0].n === 0, 60_000);
      const named = new Set<string>();
      for (const m of (await c.query<{ file: string; thumb: string | null }>('select file, thumb from media')).rows) { named.add(`media/${m.file}`); if (m.thumb) named.add(`thumbs/${m.thumb}`); }
      for (const g of (await c.query<{ file: string }>('select file from generated')).rows) named.add(`generated/${g.file}`);
      for (const j of (await c.query<{ output: string }>('select output from jobs where output is not null')).rows) {
        const o = JSON.parse(j.output) as { area: string; file: string };
        named.add(`${o.area}/${o.file}`);
      }
      const root = tmp.path('media');
      const onDisk = ['media', 'thumbs', 'generated', 'renders', 'tmp'].flatMap((area) => existsSync(`${root}/${area}`) ? readdirSync(`${root}/${area}`).map((f) => `${area}/${f}`) : []);
      const orphans = onDisk.filter((f) => !named.has(f));
      assert.deepEqual(orphans, [], `files no row names (${onDisk.length} on disk, ${named.size} named)`);
      assert.ok([...named].every((f) => onDisk.includes(f)), 'every file a row names is there');
      const extra = readdirSync(root).filter((f) => !['media', 'thumbs', 'generated', 'renders', 'tmp', 'secret.key'].includes(f));
      assert.deepEqual(extra, [], 'nothing else in the media folder');
    } finally {
      await c.end();
    }
  });
});

