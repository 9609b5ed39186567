/**
 * A typed client for the API in API.md: one method per endpoint, the `{code, message, data}`
 * envelope unwrapped, failures thrown as coded `ApiError`s (a StillmotionError that also keeps the
 * server's code, HTTP status, `data` and `Retry-After`). Two recoveries live here because every
 * call needs them: 429 → wait `Retry-After` and try once more; 1001 → ask `renewToken` for a new
 * token and try once more. The bearer token is private and never appears in a message.
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorByCode, StillmotionError, type ErrorName } from '../errors.js';
import { readSse, type SseMessage } from './sse.js';

// ---- the shapes the server answers with (contract.md) ----

export interface TokenInfo { token: string; credits: number; expires_at: string; scopes: string[] }
export interface SessionInfo { task_id: string; session_id: string }
export interface ClaimInfo { claim_token: string; expires_in: number; url?: string }
export interface UploadedFile {
  media_id: string; name: string; kind: 'image' | 'video' | 'audio'; mime: string;
  width?: number; height?: number; duration_ms?: number; size_bytes: number; thumbnail_url?: string;
}
export interface Balance { available: number; frozen: number; total: number }
export interface CompactTrackLike { tt: number; name?: string; sg?: Array<{ id?: string; s?: number; d?: number; m?: Record<string, unknown> }> }
export interface CompactDraftLike { t?: CompactTrackLike[]; [k: string]: unknown }
export interface TimelineItem { id: string; start_ms: number; duration_ms: number; label?: string; media_id?: string; move?: string; volume?: number; text?: string; role?: string }
export interface GeneratedMedia { id: string; kind: string; url: string; format?: string; width?: number; height?: number; duration_ms?: number; size_bytes?: number; created_at?: string; turn_id?: string }
export interface LastTurn { id: string; status: 'running' | 'completed' | 'failed'; text?: string }
export interface SessionState {
  session_id?: string; task_id?: string; task_name?: string; language?: string;
  draft?: CompactDraftLike; draft_version?: number;
  /** API.md's one-line summary (English labels, parseable); `summaries` has it per language for people. */
  summary?: string; summaries?: { en?: string; zh?: string };
  timeline?: { duration_ms?: number; tracks?: Array<{ kind: string; items?: TimelineItem[] }> };
  video_infos?: UploadedFile[]; canvas_config?: Record<string, unknown>;
  generated_media?: GeneratedMedia[]; last_turn?: LastTurn | null;
  /** Every clip of the session in upload order (servers before clips send none: the draft is the one clip). */
  clips?: ClipInfo[]; active_clip?: string;
  [k: string]: unknown;
}
export interface ClipInfo {
  id: string; position: number; active?: boolean; draft: CompactDraftLike; summary?: string; summaries?: { en?: string; zh?: string }; name?: string | null; media_ids?: string[];
  preview?: { url: string; width?: number; height?: number; duration_ms?: number } | null;
}
export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed';
export interface RenderOutput { url: string; format: string; width: number; height: number; duration_ms: number; size_bytes: number }
export interface RenderJob { id: string; status: RenderStatus; progress: number; output?: RenderOutput; error?: { code: number; message: string } }
export interface RenderRequest { id: string; sessionId: string; draft: CompactDraftLike; output: { format: string; quality: string } }

export type AgentPart =
  | { text: string }
  | { function_call: { id?: string; name: string; args?: Record<string, unknown> } }
  | { function_response: { id?: string; name: string; response?: Record<string, unknown> } };
export interface AgentEvent {
  id?: string; invocation_id?: string; author?: string; timestamp?: number;
  content?: { role?: string; parts?: AgentPart[] };
  partial?: boolean; turn_complete?: boolean;
  /** Set on a turn's last event when the turn failed. */
  error_code?: string | number; error_message?: string;
}
/** What the turn stream yields: agent events and heartbeats (so callers can tell a live stream from a dead one). */
export type StreamItem = { kind: 'event'; event: AgentEvent } | { kind: 'heartbeat' };

// ---- errors ----

export class ApiError extends StillmotionError {
  /** The server's own code (kept even when it is not in our catalogue). */
  readonly apiCode: number;
  readonly status: number;
  readonly data: Readonly<Record<string, unknown>>;
  /** Seconds, from `Retry-After` on a 429. */
  readonly retryAfterS: number | null;

  constructor(apiCode: number, status: number, message: string, data: Record<string, unknown>, retryAfterS: number | null, cause?: unknown) {
    const spec = errorByCode(apiCode) ?? (status === 429 ? errorByCode(429) : status === 401 ? errorByCode(1001) : undefined);
    const kind = (spec?.name ?? 'INTERNAL') as ErrorName;
    super(kind, message, { hint: typeof data.hint === 'string' ? data.hint : undefined, details: { api_code: apiCode, status, ...data }, cause });
    this.name = 'ApiError';
    this.apiCode = apiCode;
    this.status = status;
    this.data = Object.freeze({ ...data });
    this.retryAfterS = retryAfterS;
  }
}

export const isApiError = (e: unknown, code?: number): e is ApiError => e instanceof ApiError && (code === undefined || e.apiCode === code);

// ---- the client ----

export interface ApiClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  /** Called on 1001: return a fresh token (same client id), or throw. */
  readonly renewToken?: () => Promise<string>;
  /** Told before the one wait-and-retry after a 429. */
  readonly onRateLimited?: (waitS: number) => void;
  /** Longest Retry-After honoured, in seconds (a longer one is reported instead of waited). Default 120. */
  readonly maxRetryAfterS?: number;
  /** Attribution headers (API.md): X-Skill-Source / -Version / -Platform. */
  readonly skill?: { source: string; version: string; platform: string };
  readonly fetch?: typeof fetch;
}

interface CallOptions {
  readonly body?: unknown;
  readonly form?: FormData;
  readonly headers?: Record<string, string>;
  readonly auth?: boolean;
  readonly signal?: AbortSignal;
  readonly accept?: string;
}

const parseRetryAfter = (v: string | null): number | null => {
  if (v === null) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, (t - Date.now()) / 1000);
};

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(signal.reason);
  const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
  signal?.addEventListener('abort', onAbort, { once: true });
});

export class ApiClient {
  readonly baseUrl: string;
  #token: string | undefined;
  readonly #o: ApiClientOptions;
  readonly #fetch: typeof fetch;

  constructor(o: ApiClientOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.#token = o.token;
    this.#o = o;
    this.#fetch = o.fetch ?? fetch;
  }

  get hasToken(): boolean { return this.#token !== undefined; }
  setToken(token: string): void { this.#token = token; }

  /** Text with the bearer token blanked out (for anything that may reach a person). */
  redact(s: string): string {
    return this.#token && this.#token.length >= 4 ? s.split(this.#token).join('***') : s;
  }

  // ---- endpoints ----

  async anonymousToken(clientId: string, signal?: AbortSignal): Promise<TokenInfo> {
    // The token we had goes along: a server hands a client id's token out again from a new
    // address only to a caller that shows one of its tokens.
    const headers: Record<string, string> = { 'X-Client-Id': clientId, ...(this.#token ? { Authorization: `Bearer ${this.#token}` } : {}) };
    const d = await this.#json<TokenInfo>('POST', '/api/auth/anonymous-token', { auth: false, headers, signal });
    return d;
  }

  claimToken(taskId: string, sessionId: string, signal?: AbortSignal): Promise<ClaimInfo> {
    return this.#json('POST', '/api/auth/claim-token', { body: { task_id: taskId, session_id: sessionId }, signal });
  }

  createSession(taskName: string, language?: string, signal?: AbortSignal): Promise<SessionInfo> {
    return this.#json('POST', '/api/tasks/me/with-session/nemo_agent', { body: { task_name: taskName, ...(language ? { language } : {}) }, signal });
  }

  async upload(sessionId: string, paths: readonly string[], signal?: AbortSignal): Promise<UploadedFile[]> {
    const form = async () => {
      const f = new FormData();
      for (const p of paths) f.append('files', await openAsBlob(p), basename(p));
      return f;
    };
    const d = await this.#json<{ files: UploadedFile[] }>('POST', `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`, { form: await form(), signal }, form);
    return d.files;
  }

  async uploadUrls(sessionId: string, urls: readonly string[], signal?: AbortSignal): Promise<UploadedFile[]> {
    const d = await this.#json<{ files: UploadedFile[] }>('POST', `/api/upload-video/nemo_agent/me/${encodeURIComponent(sessionId)}`, { body: { urls, source_type: 'url' }, signal });
    return d.files;
  }

  balance(signal?: AbortSignal): Promise<Balance> {
    return this.#json('GET', '/api/credits/balance/simple', { signal });
  }

  async state(sessionId: string, signal?: AbortSignal): Promise<SessionState> {
    const d = await this.#json<{ state: SessionState }>('GET', `/api/state/nemo_agent/me/${encodeURIComponent(sessionId)}/latest`, { signal });
    return d.state;
  }

  submitRender(req: RenderRequest, signal?: AbortSignal): Promise<RenderJob> {
    return this.#json('POST', '/api/render/proxy/lambda', { body: req, signal });
  }

  renderStatus(id: string, signal?: AbortSignal): Promise<RenderJob> {
    return this.#json('GET', `/api/render/proxy/lambda/${encodeURIComponent(id)}`, { signal });
  }

  /** Downloads a finished render to `dest` (written to a side file first, renamed when complete). */
  async download(id: string, dest: string, signal?: AbortSignal): Promise<number> {
    const res = await this.#send('GET', `/api/render/proxy/${encodeURIComponent(id)}/download`, { signal, accept: '*/*' });
    if (!res.body) throw new ApiError(5000, res.status, 'the download had no body', {}, null);
    const part = `${dest}.part`;
    let bytes = 0;
    try {
      const src = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      src.on('data', (c: Buffer) => { bytes += c.length; });
      await pipeline(src, createWriteStream(part), { signal });
      await rename(part, dest);
    } catch (e) {
      await rm(part, { force: true });
      throw e;
    }
    return bytes;
  }

  /**
   * Starts a turn. Errors before the stream starts (1001, 1002, 2001, 429…) come back as an
   * envelope and are thrown here; once the stream is open, items are yielded until it closes.
   */
  async runTurn(sessionId: string, text: string, opts: { signal?: AbortSignal; idleMs?: number } = {}): Promise<AsyncGenerator<StreamItem, void, undefined>> {
    const body = { app_name: 'nemo_agent', user_id: 'me', session_id: sessionId, new_message: { parts: [{ text }] } };
    const res = await this.#send('POST', '/run_sse', { body, signal: opts.signal, accept: 'text/event-stream' });
    if (!res.body) throw new ApiError(5000, res.status, 'the turn stream had no body', {}, null);
    const messages = readSse(res.body, { idleMs: opts.idleMs, signal: opts.signal });
    return (async function* items(): AsyncGenerator<StreamItem, void, undefined> {
      for await (const m of messages as AsyncGenerator<SseMessage>) {
        if (m.event === 'heartbeat' || m.data.trim() === '') {
          yield { kind: 'heartbeat' };
          continue;
        }
        let ev: unknown;
        try {
          ev = JSON.parse(m.data);
        } catch {
          continue; // not an agent event: nothing a client can show
        }
        if (ev && typeof ev === 'object') yield { kind: 'event', event: ev as AgentEvent };
      }
    })();
  }

  // ---- transport ----

  async #json<T>(method: string, path: string, o: CallOptions, rebuildForm?: () => Promise<FormData>): Promise<T> {
    const res = await this.#send(method, path, o, rebuildForm);
    const env = await this.#envelope(res);
    return (env.data ?? {}) as T;
  }

  /** One request with the two retries (429 once, 1001 once); a non-success answer is thrown as ApiError. */
  async #send(method: string, path: string, o: CallOptions, rebuildForm?: () => Promise<FormData>): Promise<Response> {
    let waited = false;
    let renewed = false;
    let form = o.form;
    for (;;) {
      const res = await this.#once(method, path, { ...o, form });
      const json = (res.headers.get('content-type') ?? '').includes('json');
      if (res.ok && !json) return res; // a stream or a file
      // A JSON answer: its envelope decides (a 200 may still carry a non-zero code). Read a clone so the caller can read the body.
      const checked = await this.#envelope(res.ok ? res.clone() : res).then(() => null, (e: unknown) => e);
      if (checked === null) return res;
      if (!(checked instanceof ApiError)) throw checked;
      if (checked.apiCode === 429 && !waited && (checked.retryAfterS ?? 1) <= (this.#o.maxRetryAfterS ?? 120)) {
        waited = true;
        const wait = checked.retryAfterS ?? 1;
        this.#o.onRateLimited?.(wait);
        await sleep(wait * 1000, o.signal);
      } else if (checked.apiCode === 1001 && !renewed && o.auth !== false && this.#o.renewToken) {
        renewed = true;
        this.#token = await this.#o.renewToken();
      } else {
        throw checked;
      }
      if (rebuildForm) form = await rebuildForm(); // a FormData body is consumed by the first attempt
    }
  }

  async #once(method: string, path: string, o: CallOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: o.accept ?? 'application/json', ...(o.headers ?? {}) };
    if (this.#o.skill) {
      headers['X-Skill-Source'] = this.#o.skill.source;
      headers['X-Skill-Version'] = this.#o.skill.version;
      headers['X-Skill-Platform'] = this.#o.skill.platform;
    }
    if (o.auth !== false) {
      if (this.#token === undefined) throw new ApiError(1001, 401, 'no token yet: get an anonymous token first', {}, null);
      headers.Authorization = `Bearer ${this.#token}`;
    }
    let body: BodyInit | undefined;
    if (o.form) body = o.form;
    else if (o.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    try {
      return await this.#fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: o.signal });
    } catch (e) {
      if (o.signal?.aborted) throw new StillmotionError('CANCELLED', 'cancelled', { cause: e });
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new StillmotionError('SERVER_UNREACHABLE', this.redact(`cannot reach the Stillmotion server at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (e as Error).message}`), {
        hint: 'check --api / STILLMOTION_API_URL, or leave them unset to use the built-in server',
        details: { network: cause?.code ?? 'unknown' },
      });
    }
  }

  /** Reads an envelope; throws ApiError when the code is not 0 (or the answer is not an envelope). */
  async #envelope(res: Response): Promise<{ code: number; message: string; data: Record<string, unknown> }> {
    const retry = parseRetryAfter(res.headers.get('retry-after'));
    const text = await res.text();
    let env: { code?: unknown; message?: unknown; data?: unknown };
    try {
      env = JSON.parse(text) as typeof env;
    } catch {
      const code = res.status === 429 ? 429 : res.status === 401 ? 1001 : 5000;
      throw new ApiError(code, res.status, this.redact(`HTTP ${res.status} from ${res.url ? new URL(res.url).pathname : 'the server'}: ${text.slice(0, 200) || res.statusText}`), {}, retry);
    }
    const code = typeof env.code === 'number' ? env.code : res.ok ? 0 : res.status;
    const data = (env.data && typeof env.data === 'object' ? env.data : {}) as Record<string, unknown>;
    if (code !== 0 || !res.ok) {
      throw new ApiError(code === 0 ? res.status : code, res.status, this.redact(typeof env.message === 'string' ? env.message : `HTTP ${res.status}`), data, retry);
    }
    return { code, message: typeof env.message === 'string' ? env.message : '', data };
  }
}
