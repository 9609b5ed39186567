/**
 * Scale out, measured (needs DATABASE_URL and REDIS_URL; skips with a message otherwise):
 *  - chat message → ready preview with everything in one process (`serve` on PostgreSQL) against
 *    `serve` + one `worker` over Redis, both running, rounds interleaved: the overhead of the queue
 *    and of a second process;
 *  - a batch of 20 previews (chat turns on 20 sessions at once) with one worker, then two;
 *  - what the store's caches saved: reads of a session, its media and a balance, and a token
 *    check, with the cache on (one process) and off (several processes).
 * Run alone: `node dist/bench/scale-bench.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { texturedJpeg } from '../test/support/fixtures.js';
import { pgSchemaUrl } from '../test/service/support.js';
import { openSql } from '../src/store/open.js';
import { Store } from '../src/store/store.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const BIN = join(root, 'bin', 'stillmotion.js');

const child = (args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ proc: ChildProcess; m: RegExpExecArray }> => new Promise((res, rej) => {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const on = (d: Buffer) => {
    out += d.toString();
    const m = ready.exec(out);
    if (m) res({ proc, m });
  };
  proc.stdout!.on('data', on);
  proc.stderr!.on('data', on);
  proc.on('exit', (c) => rej(new Error(`${args[0]} exited ${c}: ${out.slice(-500)}`)));
});
const stop = async (p: ChildProcess) => {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.removeAllListeners('exit');
  const gone = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await gone;
};

const json = async <T>(r: Promise<Response>): Promise<T> => ((await (await r).json()) as { data: T }).data;

/** A user with a session and one uploaded photo. */
const userWithPhoto = async (url: string, photo: string) => {
  const tok = await json<{ token: string }>(fetch(`${url}/api/auth/anonymous-token`, { method: 'POST', headers: { 'x-client-id': randomUUID() } }));
  const auth = { authorization: `Bearer ${tok.token}` };
  const ses = await json<{ session_id: string }>(fetch(`${url}/api/tasks/me/with-session/nemo_agent`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"task_name":"bench"}' }));
  const form = new FormData();
  form.append('files', new Blob([readFileSync(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  await fetch(`${url}/api/upload-video/nemo_agent/me/${ses.session_id}`, { method: 'POST', headers: auth, body: form });
  return { auth, sid: ses.session_id };
};

/** Chat message → the stream says the preview is completed, in seconds. */
const previewLatency = async (url: string, u: { auth: Record<string, string>; sid: string }, text: string): Promise<number> => {
  const t0 = performance.now();
  const r = await fetch(`${url}/run_sse`, {
    method: 'POST', headers: { ...u.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: u.sid, new_message: { parts: [{ text }] } }),
  });
  const reader = r.body!.getReader();
  let buf = '', ready = NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    if (Number.isNaN(ready) && /"status":"completed"/.test(buf)) ready = performance.now() - t0;
  }
  if (Number.isNaN(ready)) throw new Error(`no preview: ${buf.slice(-300)}`);
  return ready / 1000;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const benchScale = async (): Promise<string[]> => {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) return ['scale: skipped (set DATABASE_URL and REDIS_URL: `serve` + `worker` need PostgreSQL and Redis)'];
  const lines: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'stillmotion-scale-bench-'));
  const photo = await texturedJpeg(join(work, 'photo.jpg'), 1600, 1200, 4);
  const prefix = `smbench_${randomBytes(4).toString('hex')}`;
  const procs: ChildProcess[] = [];
  const schemas: Array<{ drop: () => Promise<void> }> = [];
  const ROUNDS = Number(process.env.SCALE_BENCH_ROUNDS ?? 5);
  const BATCH = Number(process.env.SCALE_BENCH_PREVIEWS ?? 20);
  const BATCH_ROUNDS = Number(process.env.SCALE_BENCH_BATCH_ROUNDS ?? 2);
  const PREVIEW = 'animate this photo into a 5-second video with smooth motion';
  try {
    // 1. Preview latency: one process against API + worker over Redis, both up, rounds interleaved.
    const setups = [['one process (serve, PostgreSQL)', false], ['serve + 1 worker (Redis)', true]] as const;
    const latency: Record<string, number[]> = {};
    const urls: string[] = [];
    for (const [label, distributed] of setups) {
      const s = await pgSchemaUrl();
      schemas.push(s);
      const env = {
        PORT: '0', HOST: '127.0.0.1', DATABASE_URL: s.url, STILLMOTION_DATA_DIR: join(work, `lat-api-${distributed}`), STILLMOTION_MEDIA_DIR: join(work, `media-${distributed}`),
        STILLMOTION_RATE_LIMIT_PER_MINUTE: '0', STILLMOTION_MAX_EXPORTS_PER_USER: '1000', STILLMOTION_TOKENS_PER_IP_PER_WEEK: '1000',
        ...(distributed ? { REDIS_URL: process.env.REDIS_URL, STILLMOTION_REDIS_PREFIX: `${prefix}_lat` } : {}),
      };
      const api = await child(['serve'], env, /ready on (http:\/\/\S+)/);
      procs.push(api.proc);
      if (distributed) procs.push((await child(['worker'], { ...env, STILLMOTION_DATA_DIR: join(work, 'lat-worker') }, /worker (\S+) is ready/)).proc);
      const url = api.m[1]!.replace('localhost', '127.0.0.1');
      // A warm-up turn (first render loads the encoder and the sampler).
      await previewLatency(url, await userWithPhoto(url, photo), PREVIEW);
      latency[label] = [];
      urls.push(url);
    }
    for (let i = 0; i < ROUNDS; i++) {
      for (const [k, [label]] of setups.entries()) latency[label]!.push(await previewLatency(urls[k]!, await userWithPhoto(urls[k]!, photo), PREVIEW));
    }
    for (const p of procs.splice(0)) await stop(p);
    const [one, dist] = setups.map(([label]) => median(latency[label]!)) as [number, number];
    const pairs = latency[setups[1][0]]!.map((d, i) => d - latency[setups[0][0]]![i]!);
    lines.push(`| chat → preview ready (540p, 5 s; ${ROUNDS} rounds, the two setups interleaved) | median s | rounds |`, '|---|---|---|');
    for (const [label] of setups) lines.push(`| ${label} | ${median(latency[label]!).toFixed(2)} | ${latency[label]!.map((x) => x.toFixed(2)).join(', ')} |`);
    lines.push(`| added by Redis and the worker process (difference of medians; median of paired rounds) | ${((dist - one) * 1000).toFixed(0)} ms; ${(median(pairs) * 1000).toFixed(0)} ms | ratio ${(dist / one).toFixed(2)} |`);

    // 2. A batch of previews (BATCH chat turns on as many sessions, sent at once) with 1 and 2 workers.
    lines.push('', `| ${BATCH} previews at once (chat turns on ${BATCH} sessions, 540p, 5 s; 1 and 2 workers alternated) | wall s | previews/hour | per preview: median s, p90 s | vs 1 worker (same round) |`, '|---|---|---|---|---|');
    const walls: Record<number, number[]> = { 1: [], 2: [] };
    for (const nWorkers of Array.from({ length: BATCH_ROUNDS }, () => [1, 2]).flat()) {
      const s = await pgSchemaUrl();
      schemas.push(s);
      const env = {
        PORT: '0', HOST: '127.0.0.1', DATABASE_URL: s.url, STILLMOTION_DATA_DIR: join(work, `tp-api-${nWorkers}`), STILLMOTION_MEDIA_DIR: join(work, `tp-media-${nWorkers}`),
        STILLMOTION_RATE_LIMIT_PER_MINUTE: '0', STILLMOTION_TOKENS_PER_IP_PER_WEEK: '1000', REDIS_URL: process.env.REDIS_URL, STILLMOTION_REDIS_PREFIX: `${prefix}_tp${nWorkers}`,
      };
      const api = await child(['serve'], env, /ready on (http:\/\/\S+)/);
      procs.push(api.proc);
      for (let i = 0; i < nWorkers; i++) procs.push((await child(['worker', '--name', `w${i + 1}`], { ...env, STILLMOTION_DATA_DIR: join(work, `tp-w${nWorkers}-${i}`) }, /worker (\S+) is ready/)).proc);
      const url = api.m[1]!.replace('localhost', '127.0.0.1');
      await previewLatency(url, await userWithPhoto(url, photo), PREVIEW);
      const users = await Promise.all(Array.from({ length: BATCH }, () => userWithPhoto(url, photo)));
      const t0 = performance.now();
      const each = await Promise.all(users.map((u) => previewLatency(url, u, PREVIEW)));
      const wall = (performance.now() - t0) / 1000;
      walls[nWorkers]!.push(wall);
      const base = walls[1]!.at(-1)!;
      each.sort((x, y) => x - y);
      lines.push(`| round ${walls[nWorkers]!.length}: ${nWorkers} worker${nWorkers > 1 ? 's' : ''} (1 preview at a time each) | ${wall.toFixed(1)} | ${((BATCH / wall) * 3600).toFixed(0)} | ${median(each).toFixed(1)}, ${each[Math.floor(each.length * 0.9)]!.toFixed(1)} | ${(base / wall).toFixed(2)}x |`);
      for (const p of procs.splice(0)) await stop(p);
    }

    // 2b. The queue's own cost: an empty job (the handler answers at once) from enqueue to the
    // waiting API side hearing it ended, through Redis, a worker and PostgreSQL, in one process.
    {
      const sq = await pgSchemaUrl();
      schemas.push(sq);
      const qsql = await openSql({ databaseUrl: sq.url, dataDir: work });
      const store = await Store.open(qsql, randomBytes(32), { cache: false });
      const { BullQueue, RenderWorker } = await import('../src/jobs/bullmq-queue.js');
      const o = { redisUrl: process.env.REDIS_URL, prefix: `${prefix}_rt`, maxAttempts: 2, retryDelayMs: 1000 };
      const q = await BullQueue.open(store, o);
      const w = await RenderWorker.start(store, async (_job, ctx) => {
        ctx.onProgress(100, 'done');
        return { area: 'generated', file: 'prv_empty.mp4', format: 'mp4', width: 2, height: 2, duration_ms: 1, size_bytes: 1 };
      }, { ...o, concurrency: 1, previewConcurrency: 1, timeoutMs: 60_000, lockMs: 30_000 });
      const t = await store.issueAnonymousToken({ clientId: randomUUID(), ip: '127.0.0.1', ttlMs: 3600_000, startCredits: 0, scopes: ['read'], perIpPerWeek: 100 });
      const user = (await store.authenticate(t.token))!.userId;
      const { sessionId } = await store.createSession(user, 'rt', null, '{}', '{}');
      const plan = { version: 0, shots: [], frames: 0 } as never;
      const rts: number[] = [];
      for (let i = 0; i < 40; i++) {
        const id = `prv_rt_${i}`;
        await store.createJob({ id, user_id: user, session_id: sessionId, kind: 'preview', spec: { plan } });
        const t0 = performance.now();
        q.enqueue(id, 'preview');
        const row = await q.wait(id);
        if (row.status !== 'completed') throw new Error(`round trip ${i}: ${row.status}`);
        if (i >= 5) rts.push(performance.now() - t0);
      }
      await w.close();
      await q.close();
      await qsql.close();
      rts.sort((x, y) => x - y);
      lines.push('', '| the queue alone: an empty preview job, enqueue → the API side hears it ended (35 in a row) | ms |', '|---|---|',
        `| median | ${rts[Math.floor(rts.length / 2)]!.toFixed(1)} |`, `| p90 | ${rts[Math.floor(rts.length * 0.9)]!.toFixed(1)} |`);
    }

    // 3. The caches' worth: reads with the store's cache on (one process) and off (several).
    const s = await pgSchemaUrl();
    schemas.push(s);
    lines.push('', '| 2,000 reads (session + media + balance) and 2,000 token checks, PostgreSQL on loopback | cache on ms/op | cache off ms/op |', '|---|---|---|');
    const sql = await openSql({ databaseUrl: s.url, dataDir: work });
    const secret = randomBytes(32);
    const stores = { on: await Store.open(sql, secret), off: await Store.open(sql, secret, { cache: false }) };
    const t = await stores.on.issueAnonymousToken({ clientId: randomUUID(), ip: '127.0.0.1', ttlMs: 3600_000, startCredits: 100, scopes: ['read'], perIpPerWeek: 100 });
    const p = (await stores.on.authenticate(t.token))!;
    const { sessionId } = await stores.on.createSession(p.userId, 'bench', null, '{}', '{}');
    const per = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) await fn();
      return (performance.now() - t0) / 2000;
    };
    const reads = async (st: Store) => per(() => Promise.all([st.sessionOf(p, sessionId), st.mediaOf(sessionId), st.balance(p.userId)]));
    const on = await reads(stores.on), off = await reads(stores.off);
    const auth = await per(() => stores.off.authenticate(t.token));
    lines.push(`| session + media + balance | ${on.toFixed(3)} | ${off.toFixed(3)} |`, `| token check (Authenticator: cached 5 s alone, read every request when distributed) | ~0 | ${auth.toFixed(3)} |`);
    await sql.close();

    // Redis: the shared rate limit's cost per request.
    const r = new Redis(process.env.REDIS_URL);
    const { RedisRateLimiter } = await import('../src/service/shared-limits.js');
    const lim = new RedisRateLimiter(r, `${prefix}_rl`, 1_000_000);
    const rl = await per(() => lim.hit('ip:127.0.0.1'));
    lines.push(`| rate limit hit in Redis (one script) | in memory | ${rl.toFixed(3)} |`);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  } finally {
    for (const p of procs) await stop(p);
    const r = new Redis(process.env.REDIS_URL);
    for (const k of await r.keys(`${prefix}*`)) await r.del(k);
    r.disconnect();
    for (const s of schemas) await s.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  console.log((await benchScale()).join('\n'));
}
