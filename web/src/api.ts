/**
 * The page's only door to the service: the public API (shared/API.md). It keeps the token and
 * the session, renews a token on 1001 (same client id), makes a new session on 1002, and waits
 * out one 429.
 */
import { readSse } from './sse';
import { store } from './store';
import type {
  AgentEvent, ClaimTokenData, Credits, Envelope, MediaInfo, ProjectState, RedeemData, RenderJob, SessionData, TokenData,
} from './types';

export const CODE = {
  OK: 0, BAD_REQUEST: 400, TOKEN: 1001, SESSION: 1002, CREDITS: 2001, UNSUPPORTED: 4001, TOO_LARGE: 4002,
  EXPORT_REFUSED: 402, RATE_LIMITED: 429, OFFLINE: -1,
} as const;

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: number,
    readonly data: Record<string, unknown> = {},
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The stream of a turn broke after it had started: the turn may still be running on the server. */
export class StreamLost extends Error {
  override name = 'StreamLost';
}

const isEnvelope = (v: unknown): v is Envelope => typeof v === 'object' && v !== null && typeof (v as Envelope).code === 'number';

const toError = (status: number, body: unknown, retryAfter: string | null): ApiError => {
  const ra = retryAfter !== null && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : null;
  if (isEnvelope(body)) return new ApiError(body.code, body.message || `HTTP ${status}`, status, (body.data ?? {}) as Record<string, unknown>, ra);
  return new ApiError(status === 429 ? CODE.RATE_LIMITED : status, `HTTP ${status}`, status, {}, ra);
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One upload. `sent` settles once the request's body has left the browser (or the upload ended
 * some other way): the server numbers photos in the order their requests arrive, so the page
 * starts the next upload only then, and photos keep the order they were dropped in.
 */
export interface UploadHandle { promise: Promise<MediaInfo>; sent: Promise<void>; abort: () => void }

export class Api {
  #token: string | null = store.token();
  #session: SessionData | null = store.session();
  #renewing: Promise<string> | null = null;
  #creating: Promise<SessionData> | null = null;
  /** Called when the page has to start over with a new session (the old one is gone). */
  onSessionReplaced: (s: SessionData) => void = () => {};

  get session(): SessionData | null {
    return this.#session;
  }

  // ---- set-up -------------------------------------------------------------------------------

  /** A token and a session, creating what is missing. */
  async ready(): Promise<SessionData> {
    if (!this.#token) await this.renewToken();
    return this.#session ?? (await this.newSession());
  }

  renewToken(): Promise<string> {
    this.#renewing ??= (async () => {
      try {
        // The last token goes along (expired or not): the server hands a client id's token out
        // again only to its own address or to a caller that shows one of its tokens.
        const env = await this.#send<TokenData>('POST', '/api/auth/anonymous-token', undefined, { headers: { 'X-Client-Id': store.clientId() } });
        this.#token = env.data.token;
        store.setToken(this.#token);
        return this.#token;
      } finally {
        this.#renewing = null;
      }
    })();
    return this.#renewing;
  }

  newSession(): Promise<SessionData> {
    this.#creating ??= (async () => {
      try {
        const env = await this.request<SessionData>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'Workspace project' });
        this.#session = { task_id: env.data.task_id, session_id: env.data.session_id };
        store.setSession(this.#session);
        return this.#session;
      } finally {
        this.#creating = null;
      }
    })();
    return this.#creating;
  }

  /** Redeem a claim link's token: this page then works as the project's owner. */
  async redeemClaim(claimToken: string): Promise<SessionData> {
    const env = await this.#send<RedeemData>('POST', '/api/auth/claim-token/redeem', { claim_token: claimToken }, { auth: false });
    this.#token = env.data.token;
    store.setToken(this.#token);
    this.#session = { task_id: env.data.task_id, session_id: env.data.session_id };
    store.setSession(this.#session);
    return this.#session;
  }

  // ---- calls --------------------------------------------------------------------------------

  /** A JSON call with the bearer token; renews the token once on 1001 and waits out one 429. */
  async request<T>(method: string, path: string, body?: unknown): Promise<Envelope<T>> {
    if (!this.#token) await this.renewToken();
    try {
      return await this.#send<T>(method, path, body);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === CODE.TOKEN) {
        await this.renewToken();
        return this.#send<T>(method, path, body);
      }
      if (e.code === CODE.RATE_LIMITED && (e.retryAfterS ?? 0) <= 30) {
        await sleep(Math.max(1, e.retryAfterS ?? 2) * 1000);
        return this.#send<T>(method, path, body);
      }
      throw e;
    }
  }

  /** Run `fn` with the session id; when the session is gone (1002), make a new one and run it once more. */
  async withSession<T>(fn: (sid: string) => Promise<T>): Promise<T> {
    const s = await this.ready();
    try {
      return await fn(s.session_id);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== CODE.SESSION) throw e;
      const fresh = await this.newSession();
      this.onSessionReplaced(fresh);
      return fn(fresh.session_id);
    }
  }

  async #send<T>(method: string, path: string, body?: unknown, o: { auth?: boolean; headers?: Record<string, string> } = {}): Promise<Envelope<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (o.auth !== false && this.#token) headers.Authorization = `Bearer ${this.#token}`;
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(CODE.OFFLINE, (e as Error).message, 0);
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok || !isEnvelope(json) || json.code !== 0) throw toError(res.status, json, res.headers.get('Retry-After'));
    return json as Envelope<T>;
  }

  credits = async (): Promise<Credits> => (await this.request<Credits>('GET', '/api/credits/balance/simple')).data;

  state = (): Promise<ProjectState> =>
    this.withSession(async (sid) => (await this.request<{ state: ProjectState }>('GET', `/api/state/nemo_agent/me/${encodeURIComponent(sid)}/latest`)).data.state);

  claimToken = async (): Promise<ClaimTokenData> => {
    const s = await this.ready();
    return (await this.request<ClaimTokenData>('POST', '/api/auth/claim-token', { task_id: s.task_id, session_id: s.session_id })).data;
  };

  startExport = (id: string, draft: unknown, format: string, quality: string): Promise<RenderJob> =>
    this.withSession(async (sid) => {
      const env = await this.request<RenderJob>('POST', '/api/render/proxy/lambda', { id, sessionId: sid, draft, output: { format, quality } });
      return { ...env.data, id: env.data.id ?? id, status: env.data.status ?? (env.status as RenderJob['status']) ?? 'pending', progress: env.data.progress ?? env.progress ?? 0 };
    });

  exportStatus = async (id: string): Promise<RenderJob> => {
    const env = await this.request<RenderJob>('GET', `/api/render/proxy/lambda/${encodeURIComponent(id)}`);
    return { ...env.data, id, status: env.data.status ?? (env.status as RenderJob['status']), progress: env.data.progress ?? env.progress ?? 0 };
  };

  // ---- upload (XMLHttpRequest, for upload progress) ------------------------------------------

  upload(file: File, onProgress: (fraction: number) => void): UploadHandle {
    let xhr: XMLHttpRequest | null = null;
    let aborted = false;
    let markSent: () => void = () => {};
    const sent = new Promise<void>((r) => { markSent = r; });
    const once = (sid: string): Promise<MediaInfo> =>
      new Promise((resolve, reject) => {
        const x = (xhr = new XMLHttpRequest());
        x.open('POST', `/api/upload-video/nemo_agent/me/${encodeURIComponent(sid)}`);
        x.setRequestHeader('Authorization', `Bearer ${this.#token ?? ''}`);
        x.setRequestHeader('Accept', 'application/json');
        x.responseType = 'json';
        x.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
        x.upload.onloadend = () => markSent();
        x.onerror = () => reject(new ApiError(CODE.OFFLINE, 'network error', 0));
        x.onabort = () => reject(new DOMException('aborted', 'AbortError'));
        x.onload = () => {
          const body: unknown = x.response;
          if (x.status >= 200 && x.status < 300 && isEnvelope(body) && body.code === 0) {
            const files = (body.data as { files?: MediaInfo[] }).files ?? [];
            if (files[0]) return resolve(files[0]);
          }
          reject(toError(x.status, body, x.getResponseHeader('Retry-After')));
        };
        const form = new FormData();
        form.append('files', file, file.name);
        x.send(form);
      });
    const promise = (async () => {
      if (!this.#token) await this.renewToken();
      return this.withSession(async (sid) => {
        try {
          return await once(sid);
        } catch (e) {
          if (aborted || !(e instanceof ApiError) || e.code !== CODE.TOKEN) throw e;
          await this.renewToken();
          return once(sid);
        }
      });
    })();
    void promise.then(markSent, markSent);
    return { promise, sent, abort: () => { aborted = true; xhr?.abort(); } };
  }

  // ---- a chat turn (/run_sse, streamed with fetch) -------------------------------------------

  /** Send one message; `onEvent` sees every agent event. Resolves when the stream closes. */
  runTurn(text: string, onEvent: (e: AgentEvent) => void, signal?: AbortSignal): Promise<void> {
    return this.withSession(async (sid) => {
      const open = async (): Promise<Response> => {
        if (!this.#token) await this.renewToken();
        let res: Response;
        try {
          res = await fetch('/run_sse', {
            method: 'POST',
            headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', Authorization: `Bearer ${this.#token}` },
            body: JSON.stringify({ app_name: 'nemo_agent', user_id: 'me', session_id: sid, new_message: { parts: [{ text }] } }),
            signal,
          });
        } catch (e) {
          throw new ApiError(CODE.OFFLINE, (e as Error).message, 0);
        }
        if (res.ok && (res.headers.get('Content-Type') ?? '').includes('text/event-stream') && res.body) return res;
        const json: unknown = await res.json().catch(() => null);
        throw toError(res.status, json, res.headers.get('Retry-After'));
      };
      let res: Response;
      try {
        res = await open();
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.code === CODE.TOKEN) {
          await this.renewToken();
          res = await open();
        } else if (e.code === CODE.RATE_LIMITED && (e.retryAfterS ?? 0) <= 30) {
          await sleep(Math.max(1, e.retryAfterS ?? 2) * 1000);
          res = await open();
        } else throw e;
      }
      try {
        for await (const m of readSse(res.body!, signal)) {
          if (m.event !== 'message' || !m.data.trim()) continue; // heartbeats and other named events
          let ev: AgentEvent;
          try {
            ev = JSON.parse(m.data) as AgentEvent;
          } catch {
            continue;
          }
          onEvent(ev);
        }
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new StreamLost((e as Error).message);
      }
    });
  }
}
