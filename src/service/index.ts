/**
 * Starting and stopping the service: settings, the data folder, the database (embedded or
 * PostgreSQL), recovery of what a previous process left unfinished, the queue, the agent and the
 * HTTP app. `close()` stops taking work, checkpoints running renders, ends turns, closes the database.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { Agent } from '../agent/turn.js';
import { StillmotionError } from '../errors.js';
import { BullQueue } from '../jobs/bullmq-queue.js';
import { InProcessQueue, type JobQueue } from '../jobs/queue.js';
import { openRedis } from '../jobs/redis.js';
import { openMediaStorage, sweepHalfWritten } from '../media-storage/index.js';
import { openSql } from '../store/open.js';
import { Store } from '../store/store.js';
import { buildApp, routesOf, type RouteEntry } from './app.js';
import type { Ctx } from './context.js';
import { hostCheck } from './addresses.js';
import type { Files } from '../media-storage/files.js';
import { Lease, newOwnerId, sweepDeadOwners } from './leases.js';
import { Authenticator, RateLimiter, RequestLog } from './http.js';
import { serverLogger } from './log.js';
import { sessionMedia } from './media.js';
import { renderJobHandler } from './render-job.js';
import { RedisRateLimiter } from './shared-limits.js';
import { Sweeper } from './sweeper.js';
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
  /** Renders on `stillmotion worker` processes through Redis (REDIS_URL), not in this process. */
  readonly distributed: boolean;
  /** This process's name in leases and on the turns it runs. */
  readonly owner: string;
  /** Chat turns in flight in this process. */
  readonly turnsRunning: number;
  /** The store, for operators' tools and tests (the ledger, the request log). */
  readonly store: Store;
  /** Every route the HTTP app registered (method and URL pattern), the page's own files aside. */
  readonly routes: readonly RouteEntry[];
  /** Retention: deletes what the settings let go, on its interval; `sweep()` runs one now. */
  readonly sweeper: Sweeper;
  /**
   * Stops: no new requests; running turns end, then the queue and the database close. Alone, running
   * renders go back to pending and their turns end failed. With workers (REDIS_URL), turns first
   * finish, their renders going on on the workers; `{ now: true }` (a second stop signal) ends them now.
   */
  close(o?: { readonly now?: boolean }): Promise<void>;
}

export const startServer = async (o: StartOptions = {}): Promise<ServerHandle> => {
  const settings = loadSettings(o.env ?? process.env, {
    ...o.settings,
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
  });
  const dataDir = resolve(settings.dataDir);
  // Several processes (REDIS_URL): renders on `stillmotion worker` processes, state in PostgreSQL,
  // files on the shared media folder. Otherwise everything runs here, as `npm start` always did.
  const distributed = settings.redisUrl !== null;
  if (distributed && !settings.databaseUrl) {
    throw new StillmotionError('INVALID_OPTION', 'REDIS_URL is set but DATABASE_URL is not: processes that share work must share a PostgreSQL database (the embedded one belongs to one process)', {
      hint: 'set DATABASE_URL to your PostgreSQL, or unset REDIS_URL to run everything in this process', details: { setting: 'databaseUrl' },
    });
  }
  mkdirSync(dataDir, { recursive: true });
  const files = openMediaStorage({ mediaDir: settings.mediaDir, dataDir });
  // Render files a killed process left half-written (ffmpeg writes `.<name>.partial` and renames it
  // when done) and uploads it was receiving. Alone, no render of ours runs yet: all of them go. On a
  // shared folder only those older than any live render or upload could be.
  const halfWrittenAge = Math.max(settings.jobTimeoutMs, settings.uploadTimeoutMs) + 2 * settings.jobLockMs;
  sweepHalfWritten(files.root, distributed ? halfWrittenAge : 0);
  const sql = await openSql({ databaseUrl: settings.databaseUrl, dataDir });
  const owner = newOwnerId();
  const store = await Store.open(sql, files.secret, distributed ? { cache: false, owner } : {});
  const handler = renderJobHandler({ store, files, maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels, limits: settings });

  const stoppedTurn = JSON.stringify({ code: 5003, message: 'the server stopped during this turn' });
  const stoppedText = 'The server stopped while this message was being worked on. No credits were charged and the timeline is saved: send the message again.';
  let queue: JobQueue;
  let recovery: Recovery | null = null;
  let bull: BullQueue | null = null;
  let lease: Lease | null = null;
  let redis: Redis | null = null;
  const toResume: string[] = [];
  if (distributed) {
    // Recovery by leases (below, once the agent exists): only turns of processes whose lease ran
    // out are adopted or failed; BullMQ recovers jobs.
    lease = await Lease.take(store, owner, settings.leaseMs);
    bull = await BullQueue.open(store, { redisUrl: settings.redisUrl!, prefix: settings.redisPrefix, maxAttempts: settings.maxJobAttempts, retryDelayMs: settings.jobRetryDelayMs });
    queue = bull;
    redis = await openRedis(settings.redisUrl!, 'stillmotion-api-limits');
  } else {
    // What a previous process left: no turn survives a restart; exports get another attempt.
    const failedTurns = await store.failRunningTurns(stoppedTurn, stoppedText);
    const releasedHolds = await store.releaseOpenHolds();
    queue = new InProcessQueue(store, handler, {
      concurrency: settings.concurrency, previewConcurrency: settings.previewConcurrency, timeoutMs: settings.jobTimeoutMs,
    });
    let resumedJobs = 0, failedJobs = 0;
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
    recovery = { failedTurns, releasedHolds, resumedJobs, failedJobs };
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
    auth: new Authenticator(store, distributed ? 0 : 5000),
    limiter: redis ? new RedisRateLimiter(redis, settings.redisPrefix, settings.rateLimitPerMinute) : new RateLimiter(settings.rateLimitPerMinute),
    origin: ctxOrigin,
    fileUrl,
  };
  const logger = serverLogger(o.quiet ? 'silent' : settings.logLevel, o.log);
  const log = new RequestLog(store, logger, settings.logRequests);
  if (lease && bull) {
    const bq = bull;
    const adopt = (t: Parameters<Agent['adopt']>[0]) => {
      logger.info({ turn: t.id }, 'turn adopted from a stopped process: finishing it here');
      void agent.adopt(t);
    };
    const swept = await sweepDeadOwners(store, stoppedTurn, stoppedText, Date.now(), adopt);
    const lost = await bq.requeueLost(60_000);
    recovery = { failedTurns: swept.failedTurns, releasedHolds: swept.releasedHolds, resumedJobs: lost, failedJobs: 0 };
    lease.keep(async () => {
      await sweepDeadOwners(store, stoppedTurn, stoppedText, Date.now(), adopt);
      await bq.requeueLost(60_000);
      // What a worker killed mid-render left, once no live render can own it.
      sweepHalfWritten(files.root, halfWrittenAge);
    });
  }
  const app = await buildApp(ctx, log, logger, state);
  await app.listen({ port: settings.port, host: settings.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : settings.port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  origin = settings.publicUrl?.replace(/\/$/, '') ?? `http://${shownHost}:${port}`;
  knownHost = hostCheck({ listenHost: settings.host, port, allowedHosts: settings.allowedHosts });
  for (const id of toResume) queue.enqueue(id, 'export');
  const sweeper = new Sweeper({ store, files, settings, log: (l) => logger.info({}, l) });
  sweeper.start();

  let closed: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    settings,
    database: sql.kind,
    recovery: recovery!,
    distributed,
    owner,
    get turnsRunning() { return agent.running; },
    store,
    routes: routesOf(app),
    sweeper,
    close: (c?: { readonly now?: boolean }) => {
      if (c?.now) {
        // Waits end: running turns end failed, holds released.
        agent.stopWaiting();
        void queue.close();
      }
      closed ??= (async () => {
        state.closing = true;
        await sweeper.stop();
        // Alone, running renders go back to pending; their turns end failed, holds released. With
        // workers the renders go on elsewhere: turns finish first, this process's lease kept meanwhile.
        if (!distributed) await queue.close();
        await agent.drain();
        await queue.close();
        await app.close();
        await log.close();
        await lease?.release();
        redis?.disconnect();
        await store.close();
      })();
      return closed;
    },
  };
};
