/** Starting real servers for tests (embedded database, or PostgreSQL in a schema of its own) and talking to them. */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { startServer, type ServerHandle, type Settings } from '../../src/service/index.js';
import { tempDir } from '../support/fixtures.js';

export type Db = 'embedded' | 'postgres';

/** The databases to run on: always the embedded one; PostgreSQL when DATABASE_URL is set. */
export const DATABASES: readonly Db[] = process.env.DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];
export const PG_SKIP = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set: PostgreSQL runs skipped (CI sets it)';

/** A fresh schema on the PostgreSQL server, as a connection string that selects it. */
export const pgSchemaUrl = async (): Promise<{ url: string; drop: () => Promise<void> }> => {
  const base = process.env.DATABASE_URL!;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: base });
      await d.connect();
      await d.query(`drop schema ${schema} cascade`);
      await d.end();
    },
  };
};

export interface TestServer extends ServerHandle {
  readonly dir: string;
  stop(): Promise<void>;
}

const QUIET_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH };

export const testServer = async (db: Db, settings: Partial<Settings> = {}, dataDir?: string): Promise<TestServer> => {
  const t = dataDir ? { dir: dataDir, remove: () => undefined } : tempDir('stillmotion-svc-');
  const pgs = db === 'postgres' ? await pgSchemaUrl() : null;
  const srv = await startServer({
    port: 0, host: '127.0.0.1', dataDir: t.dir, quiet: true, env: QUIET_ENV,
    settings: { previewSize: '360p', tokensPerIpPerWeek: 1000, rateLimitPerMinute: 100_000, heartbeatMs: 500, ...(pgs ? { databaseUrl: pgs.url } : {}), ...settings },
  });
  return {
    ...srv,
    dir: t.dir,
    close: srv.close,
    stop: async () => {
      await srv.close();
      await pgs?.drop();
      if (!dataDir) t.remove();
    },
  };
};

export interface Api {
  readonly base: string;
  token: string;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: { code: number; message: string; data: T } & Record<string, unknown>; headers: Headers }>;
}

export const api = (base: string, token = ''): Api => {
  const a: Api = {
    base,
    token,
    call: async (method, path, body, headers = {}) => {
      const h: Record<string, string> = { ...headers };
      if (a.token && !('authorization' in h)) h.authorization = `Bearer ${a.token}`;
      let payload: BodyInit | undefined;
      if (body instanceof FormData) payload = body;
      else if (body !== undefined) { h['content-type'] = 'application/json'; payload = typeof body === 'string' ? body : JSON.stringify(body); }
      const r = await fetch(base + path, { method, headers: h, body: payload });
      const text = await r.text();
      let json: never;
      try { json = JSON.parse(text) as never; } catch { throw new Error(`${method} ${path} answered ${r.status} with non-JSON: ${text.slice(0, 200)}`); }
      return { status: r.status, json, headers: r.headers };
    },
  };
  return a;
};

/** A token and a session, as the brief's client sets up. */
export const setup = async (base: string, clientId = randomUUID()): Promise<Api & { sessionId: string; taskId: string; clientId: string }> => {
  const a = api(base);
  const t = await a.call<{ token: string }>('POST', '/api/auth/anonymous-token', undefined, { 'x-client-id': clientId });
  if (t.json.code !== 0) throw new Error(`token: ${JSON.stringify(t.json)}`);
  a.token = t.json.data.token;
  const s = await a.call<{ session_id: string; task_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'test' });
  return Object.assign(a, { sessionId: s.json.data.session_id, taskId: s.json.data.task_id, clientId });
};

export const uploadFile = async (a: Api & { sessionId: string }, name: string, bytes: Uint8Array, type = 'application/octet-stream') => {
  const form = new FormData();
  form.append("files", new Blob([new Uint8Array(bytes)], { type }), name);
  return a.call<{ files: Array<Record<string, unknown> & { media_id: string }> }>('POST', `/api/upload-video/nemo_agent/me/${a.sessionId}`, form);
};

export interface SseEvent { event: string; data: string; json?: Record<string, unknown> }

/** Reads a whole /run_sse answer: status, the events in order (heartbeats included), and the text parts joined. */
export const runSse = async (a: Api & { sessionId: string }, text: string, sessionId = a.sessionId): Promise<{ status: number; events: SseEvent[]; text: string; error?: Record<string, unknown> }> => {
  const r = await fetch(`${a.base}/run_sse`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: sessionId, new_message: { parts: [{ text }] } }),
  });
  if (!(r.headers.get('content-type') ?? '').startsWith('text/event-stream')) return { status: r.status, events: [], text: '', error: (await r.json()) as Record<string, unknown> };
  const raw = await r.text();
  const events: SseEvent[] = [];
  for (const block of raw.split('\n\n')) {
    if (!block.trim()) continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    const d = data.join('\n');
    events.push({ event, data: d, ...(d && event === 'message' ? { json: JSON.parse(d) as Record<string, unknown> } : {}) });
  }
  const texts = events.flatMap((e) => ((e.json?.content as { parts?: Array<{ text?: string }> } | undefined)?.parts ?? []).flatMap((p) => (typeof p.text === 'string' && !e.json?.partial ? [p.text] : [])));
  return { status: r.status, events, text: texts.join('') };
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an export until it ends. */
export const waitExport = async (a: Api, id: string, timeoutMs = 120_000): Promise<Record<string, unknown>> => {
  const until = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const r = await a.call<Record<string, unknown>>('GET', `/api/render/proxy/lambda/${id}`);
    seen.push(r.json.progress as number);
    if (r.json.status === 'completed' || r.json.status === 'failed') return { ...r.json, seen };
    if (Date.now() > until) throw new Error(`export ${id} still ${String(r.json.status)}`);
    await sleep(150);
  }
};

/** Polls until `fn` gives something truthy, or fails after `timeoutMs` naming `what`. */
export const until = async <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
};

/** Waits until the session's turn runs on the server: a message sent then meets it (a fixed head start may be too short on a loaded machine). */
export const turnRunning = (a: Api & { sessionId: string }): Promise<true> => until('the turn to run', async () => {
  const st = await a.call<{ state: { last_turn: { status: string } | null } }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
  return st.json.data.state.last_turn?.status === 'running';
}, 60_000, 20);

/** A chat turn whose stream is read as it arrives (the server may die under it: `done` then rejects, and nobody has to wait on it). */
export const openTurn = (a: Api & { sessionId: string }, text: string) => {
  const events: Array<Record<string, any>> = [];
  const done = (async () => {
    const r = await fetch(`${a.base}/run_sse`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: a.sessionId, new_message: { parts: [{ text }] } }),
    });
    if (!(r.headers.get('content-type') ?? '').startsWith('text/event-stream')) throw new Error(`run_sse answered ${r.status}: ${await r.text()}`);
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of r.body as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const data = buf.slice(0, i).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        buf = buf.slice(i + 2);
        if (data) events.push(JSON.parse(data) as Record<string, any>);
      }
    }
  })();
  done.catch(() => undefined); // the connection dies with the server
  return { events, done };
};
