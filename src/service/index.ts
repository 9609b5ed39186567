/**
 * Starting and stopping the service: settings, the data folder, the database (embedded or
 * PostgreSQL), recovery of what a previous process left unfinished, the queue, the agent and the
 * HTTP app. `close()` stops taking work, checkpoints running renders, ends turns, closes the database.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { Agent } from '../agent/turn.js';
import { InProcessQueue } from '../jobs/queue.js';
import { openSql } from '../store/open.js';
import { Store } from '../store/store.js';
import { buildApp, routesOf, type RouteEntry } from './app.js';
import type { Ctx } from './context.js';
import { hostCheck } from './addresses.js';
import { Files } from './files.js';
import { Authenticator, RateLimiter, RequestLog } from './http.js';
import { serverLogger } from './log.js';
import { sessionMedia } from './media.js';
import { renderJobHandler } from './render-job.js';
import { loadSettings, type Settings } from './settings.js';

export { loadSettings, type Settings } from './settings.js';
export type { RouteEntry } from './app.js';

export interface StartOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  readonly settings?: Partial<Settings>;
  /** No log lines at all (the banner is the caller's to print). */
  readonly quiet?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the log's lines (JSON, one per event) when not quiet; default stdout. */
  readonly log?: (line: string) => void;
}

export interface Recovery {
  /** Turns a previous process left running, now failed. */
  readonly failedTurns: number;
  /** Credit holds released. */
  readonly releasedHolds: number;
  /** Exports queued again. */
  readonly resumedJobs: number;
  /** Jobs failed (previews of dead turns, or exports out of attempts). */
  readonly failedJobs: number;
}

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  readonly settings: Settings;
  readonly database: 'embedded' | 'postgres';
  readonly recovery: Recovery;
  /** The store, for operators' tools and tests (the ledger, the request log). */
  readonly store: Store;
  /** Every route the HTTP app registered (method and URL pattern), the page's own files aside. */
  readonly routes: readonly RouteEntry[];
  close(): Promise<void>;
}

export const startServer = async (o: StartOptions = {}): Promise<ServerHandle> => {
  const settings = loadSettings(o.env ?? process.env, {
    ...o.settings,
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
  });
  const dataDir = resolve(settings.dataDir);
  const files = new Files(dataDir);
  // Render files a killed process left half-written (ffmpeg writes `.<name>.partial` and renames it
  // when done): no render runs yet in this process, so none of them is live.
  for (const area of ['generated', 'renders'] as const) {
    for (const f of readdirSync(join(dataDir, area))) if (f.startsWith('.') && f.endsWith('.partial')) rmSync(join(dataDir, area, f), { force: true });
  }
  // Uploads a killed process was receiving.
  for (const f of readdirSync(join(dataDir, 'tmp'))) rmSync(join(dataDir, 'tmp', f), { force: true, recursive: true });
  const sql = await openSql({ databaseUrl: settings.databaseUrl, dataDir });
  const store = await Store.open(sql, files.secret);

  // What a previous process left: no turn survives a restart; exports get another attempt.
  const failedTurns = await store.failRunningTurns(JSON.stringify({ code: 5003, message: 'the server stopped during this turn' }),
    'The server stopped while this message was being worked on. No credits were charged and the timeline is saved: send the message again.');
  const releasedHolds = await store.releaseOpenHolds();
  const queue = new InProcessQueue(store, renderJobHandler({ store, files, maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels, limits: settings }), {
    concurrency: settings.concurrency, previewConcurrency: settings.previewConcurrency, timeoutMs: settings.jobTimeoutMs,
  });
  let resumedJobs = 0, failedJobs = 0;
  const toResume: string[] = [];
  for (const j of await store.unfinishedJobs()) {
    if (j.kind === 'preview') {
      await store.jobFinished(j.id, { status: 'failed', error: { code: 5003, message: 'the server stopped during this preview' } });
      failedJobs++;
    } else if (j.attempts >= settings.maxJobAttempts) {
      await store.jobFinished(j.id, { status: 'failed', error: { code: 5003, message: `the server stopped ${j.attempts} times during this render` } });
      failedJobs++;
    } else {
      toResume.push(j.id);
      resumedJobs++;
    }
  }

  const state = { closing: false };
  let origin = '';
  const fileUrl = (req: FastifyRequest, area: Parameters<Files['link']>[0], name: string) =>
    `${ctxOrigin(req)}${files.link(area, name, settings.fileLinkTtlS)}`;
  // Links are absolute: the configured public URL, else the Host the client used when it names
  // this server (checked, never copied blindly), else the listening address.
  let knownHost: (h: unknown) => boolean = () => false;
  const ctxOrigin = (req: FastifyRequest): string => {
    if (settings.publicUrl) return settings.publicUrl;
    return knownHost(req.headers.host) ? `${req.protocol === 'https' ? 'https' : 'http'}://${(req.headers.host as string).toLowerCase()}` : origin;
  };
  const mediaOf = (sessionId: string) => sessionMedia({ store, files, maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels }, sessionId);
  const agent = new Agent({
    store, queue, media: mediaOf, turnCost: settings.turnCost, previewSize: settings.previewSize, turnTimeoutMs: settings.turnTimeoutMs,
    link: (area, file, at) => `${at}${files.link(area, file, settings.fileLinkTtlS)}`,
    bindUrl: (p, at) => `${at}/workspace?bind=${encodeURIComponent(p.userId)}`,
  });
  const ctx: Ctx = {
    settings, store, files, queue, agent, media: mediaOf,
    auth: new Authenticator(store),
    limiter: new RateLimiter(settings.rateLimitPerMinute),
    origin: ctxOrigin,
    fileUrl,
  };
  const logger = serverLogger(o.quiet ? 'silent' : settings.logLevel, o.log);
  const log = new RequestLog(store, logger, settings.logRequests);
  const app = await buildApp(ctx, log, logger, state);
  await app.listen({ port: settings.port, host: settings.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  origin = settings.publicUrl?.replace(/\/$/, '') ?? `http://${shownHost}:${port}`;
  knownHost = hostCheck({ listenHost: settings.host, port, allowedHosts: settings.allowedHosts });
  for (const id of toResume) queue.enqueue(id, 'export');

  let closed: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    settings,
    database: sql.kind,
    recovery: { failedTurns, releasedHolds, resumedJobs, failedJobs },
    store,
    routes: routesOf(app),
    close: () => {
      closed ??= (async () => {
        state.closing = true;
        await queue.close(); // running renders go back to pending; their turns end failed, holds released
        await agent.drain();
        await app.close();
        await log.close();
        await store.close();
      })();
      return closed;
    },
  };
};
