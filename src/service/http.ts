/**
 * The HTTP edge shared by every route: the envelope, coded errors as answers, bearer
 * authentication (never from a URL), rate limits per address and per token, and the request log
 * with the attribution headers.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { StillmotionError, toStillmotionError } from '../errors.js';
import { redactPaths } from './client-error.js';
import type { Principal, RequestLogRow, Scope, Store } from '../store/store.js';

export const ok = (data: unknown, message = 'success') => ({ code: 0, message, data });

/**
 * An error as a client reads it. An unexpected (5000) error says only that it happened: its text
 * is ours to read, not the client's. Server paths (`hide`: the data and temporary folders) are
 * taken out of every text, a last net under messages that are written without them.
 */
export const errorBody = (e: StillmotionError, hide: readonly string[] = []) => {
  const clean = (v: unknown) => (typeof v === 'string' ? redactPaths(v, hide) : v);
  return {
    code: e.code,
    message: e.kind === 'INTERNAL' ? 'an unexpected error happened on the server' : redactPaths(e.message, hide),
    data: { hint: clean(e.hint), ...Object.fromEntries(Object.entries(e.details).filter(([k]) => k !== 'path' && k !== 'args').map(([k, v]) => [k, clean(v)])) },
  };
};

/** The code each failed request was answered with, for its log line. */
const answeredCodes = new WeakMap<FastifyRequest, number>();

export const sendError = (reply: FastifyReply, e: StillmotionError, hide: readonly string[] = []): FastifyReply => {
  answeredCodes.set(reply.request, e.code);
  const retry = e.details.retry_after_s;
  if (typeof retry === 'number') reply.header('retry-after', String(Math.ceil(retry)));
  if (e.kind === 'RANGE_NOT_SATISFIABLE' && typeof e.details.size_bytes === 'number') reply.header('content-range', `bytes */${e.details.size_bytes}`);
  return reply.code(e.http).send(errorBody(e, hide));
};

/** Fastify's own errors (schema, JSON, body size) as coded answers naming the field. */
export const fromFastifyError = (e: FastifyError & { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }> }): StillmotionError => {
  if (e instanceof StillmotionError) return e;
  if (e.validation?.length) {
    const v = e.validation[0]!;
    const base = (v.instancePath ?? '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/^\//, '').replace(/\//g, '.');
    const missing = v.params?.missingProperty as string | undefined;
    const field = missing ? (base ? `${base}.${missing}` : missing) : base || (e.validationContext ?? 'body');
    const msg = missing ? 'is required' : v.message ?? 'is not valid';
    return new StillmotionError('BAD_REQUEST', `${field}: ${msg}`, { details: { field } });
  }
  if (e.statusCode === 416) {
    // The file changed between our check and the send: its Content-Range names the size it has now.
    const size = Number(/\/(\d+)$/.exec(String((e as { headers?: Record<string, string> }).headers?.['Content-Range'] ?? ''))?.[1]);
    return new StillmotionError('RANGE_NOT_SATISFIABLE', 'the range is outside the file', { details: Number.isFinite(size) ? { size_bytes: size } : {} });
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new StillmotionError('BAD_REQUEST', 'the request body is too large', { hint: 'send less data in one request; upload media as files', details: { field: 'body' } });
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new StillmotionError('BAD_REQUEST', `content type ${e.message.split("'")[1] ?? ''} is not accepted here`, { hint: 'send JSON (application/json) or multipart/form-data for uploads', details: { field: 'content-type' } });
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.code?.startsWith('FST_ERR_CTP') || (e.statusCode === 400 && /JSON/i.test(e.message))) {
    return new StillmotionError('BAD_REQUEST', `body: ${e.message}`, { hint: 'send a valid JSON body', details: { field: 'body' } });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new StillmotionError('BAD_REQUEST', e.message, { details: { field: 'request' } });
  return toStillmotionError(e);
};

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The bearer token from the Authorization header only (a token in a URL is ignored, never accepted). */
export const bearer = (req: FastifyRequest): string | null => {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
};

/**
 * Authentication with a short cache: a token's row is read at most every few seconds. `ttlMs` 0
 * (several API processes: a token revoked on one must stop working on all at once) reads it on
 * every request.
 */
export class Authenticator {
  private readonly cache = new Map<string, { p: Principal | null; until: number }>();

  constructor(private readonly store: Store, private readonly ttlMs = 5000) {}

  async principal(req: FastifyRequest, scope: Scope): Promise<Principal> {
    const token = bearer(req);
    if (!token) throw new StillmotionError('TOKEN_INVALID', 'no bearer token: send Authorization: Bearer <token>', { hint: 'get one with POST /api/auth/anonymous-token' });
    const now = Date.now();
    let hit = this.ttlMs > 0 ? this.cache.get(token) : undefined;
    if (!hit || hit.until < now) {
      const p = await this.store.authenticate(token, now);
      // Kept a few seconds, never past the token's own expiry.
      hit = { p, until: Math.min(now + this.ttlMs, p?.expiresAt ?? Infinity) };
      if (this.cache.size > 10_000) this.cache.clear();
      if (this.ttlMs > 0) this.cache.set(token, hit);
    }
    if (!hit.p) throw new StillmotionError('TOKEN_INVALID', 'the token is unknown, revoked or expired', { hint: 'request a new anonymous token with the same client id' });
    if (!hit.p.scopes.includes(scope)) {
      throw scope === 'render'
        ? new StillmotionError('EXPORT_REFUSED', 'export is reserved for registered users on this server', { hint: 'register or bind this client to unlock export' })
        : new StillmotionError('TOKEN_INVALID', `this token lacks the ${scope} scope`, { hint: 'request a new token' });
    }
    req.principal = hit.p;
    return hit.p;
  }

  forget(): void {
    this.cache.clear();
  }
}

/** Fixed one-minute windows per key; answers how long to wait when over. */
export class RateLimiter {
  private readonly windows = new Map<string, { n: number; reset: number }>();

  constructor(private readonly perMinute: number) {}

  hit(key: string, now = Date.now()): void {
    if (this.perMinute <= 0) return;
    let w = this.windows.get(key);
    if (!w || w.reset <= now) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { n: 0, reset: now + 60_000 };
      this.windows.set(key, w);
    }
    if (++w.n > this.perMinute) {
      const retry = Math.max(1, Math.ceil((w.reset - now) / 1000));
      throw new StillmotionError('RATE_LIMITED', `more than ${this.perMinute} requests in a minute`, { details: { retry_after_s: retry } });
    }
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.reset <= now) this.windows.delete(k);
  }
}

/**
 * Request records (with the attribution headers), written in batches off the request path, and
 * the log: one line per failed request with its code (per request when `all`), by route pattern:
 * ids, queries and tokens stay out of it.
 */
export class RequestLog {
  private buf: RequestLogRow[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly store: Store, private readonly log: Logger, private readonly all = false) {
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  record(req: FastifyRequest, status: number, ms: number): void {
    const h = (n: string) => {
      const v = req.headers[n];
      return typeof v === 'string' ? v.slice(0, 200) : null;
    };
    const route = req.routeOptions?.url ?? 'unmatched';
    this.buf.push({ at: Date.now(), method: req.method, route, status, userId: req.principal?.userId ?? null, ip: req.ip, skillSource: h('x-skill-source'), skillVersion: h('x-skill-version'), skillPlatform: h('x-skill-platform') });
    const line = { method: req.method, route, status, ms: Math.round(ms * 10) / 10 };
    if (status >= 400) this.log.warn({ ...line, code: answeredCodes.get(req) ?? null }, 'request failed');
    else if (this.all) this.log.info(line, 'request');
    if (this.buf.length >= 500) void this.flush();
  }

  /** An unexpected error's own text and stack, for the operator (clients get a generic one). */
  error(req: FastifyRequest, e: StillmotionError): void {
    this.log.error({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', code: e.code, err: e.cause ?? e }, e.message);
  }

  async flush(): Promise<void> {
    const rows = this.buf;
    this.buf = [];
    if (rows.length === 0) return;
    // The request log is statistics: a batch the database refused is dropped, and said so.
    await this.store.logRequests(rows).catch((e: Error) => this.log.warn({ rows: rows.length, err: e.message }, 'request log batch dropped'));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
