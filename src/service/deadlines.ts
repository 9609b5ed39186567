/**
 * Total and idle time limits on request bodies. A client that stops sending (or trickles) would
 * otherwise hold a connection, a temporary file and a handler for as long as it likes. One timer
 * checks every body still arriving; one that runs out is answered 408 (with whatever the route
 * adds, e.g. the files already saved) and its connection closed, which ends the handler's read.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StillmotionError } from '../errors.js';
import { errorBody } from './http.js';

interface Watched {
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  readonly started: number;
  readonly totalMs: number;
  bytes: number;
  lastProgress: number;
}

const extra = new WeakMap<FastifyRequest, () => Record<string, unknown>>();

/** What a route wants in the 408 answer besides the error (the upload lists the files it saved). */
export const onBodyTimeout = (req: FastifyRequest, data: () => Record<string, unknown>): void => {
  extra.set(req, data);
};

export class BodyDeadlines {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly idleMs: number, private readonly tickMs = Math.min(1000, Math.max(50, Math.floor(idleMs / 4)))) {}

  /** Watches the body of `req` (if it has one) until it has arrived. */
  watch(req: FastifyRequest, reply: FastifyReply, totalMs: number, now = Date.now()): void {
    const len = req.headers['content-length'];
    if (req.raw.complete || ((len === undefined || len === '0') && req.headers['transfer-encoding'] === undefined)) return;
    this.watched.add({ req, reply, started: now, totalMs, bytes: req.raw.socket?.bytesRead ?? 0, lastProgress: now });
    this.timer ??= setInterval(() => this.check(), this.tickMs).unref();
  }

  check(now = Date.now()): void {
    for (const w of this.watched) {
      const raw = w.req.raw;
      if (raw.complete || raw.destroyed) { this.watched.delete(w); continue; }
      const bytes = raw.socket?.bytesRead ?? w.bytes;
      // Bytes came in, or some wait in our buffer (we are the slow one, not the client).
      if (bytes !== w.bytes || raw.readableLength > 0) { w.bytes = bytes; w.lastProgress = now; }
      const total = now - w.started > w.totalMs;
      if (total || now - w.lastProgress > this.idleMs) {
        this.watched.delete(w);
        this.expire(w, total
          ? new StillmotionError('REQUEST_TIMEOUT', `the request body did not arrive in full within ${seconds(w.totalMs)}`, { details: { limit_ms: w.totalMs } })
          : new StillmotionError('REQUEST_TIMEOUT', `the request body stopped arriving (nothing for ${seconds(this.idleMs)})`, { details: { limit_ms: this.idleMs } }));
      }
    }
    if (!this.watched.size && this.timer) { clearInterval(this.timer); this.timer = null; }
  }

  private expire(w: Watched, e: StillmotionError): void {
    const { req, reply } = w;
    if (reply.sent || reply.raw.headersSent) { req.raw.destroy(); return; }
    const body = errorBody(e);
    // The answer goes out first, then the connection closes: the client learns why, and the
    // handler still reading the body sees it end.
    reply.raw.once('finish', () => setImmediate(() => req.raw.destroy()));
    void reply.code(e.http).header('connection', 'close').send({ ...body, data: { ...body.data, ...extra.get(req)?.() } });
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched.clear();
  }
}

const seconds = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`);
