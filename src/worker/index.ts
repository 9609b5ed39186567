/**
 * A render worker (`stillmotion worker`): no HTTP, no agent; it takes preview and export jobs from
 * Redis (BullMQ) and renders them with the same handler `npm start` runs in its own process,
 * reading the rows from PostgreSQL and the media from the shared folder.
 */
import { resolve } from 'node:path';
import { StillmotionError } from '../errors.js';
import { RenderWorker } from '../jobs/bullmq-queue.js';
import { openMediaStorage } from '../media-storage/index.js';
import { renderJobHandler } from '../service/render-job.js';
import { serverLogger } from '../service/log.js';
import { loadSettings, type Settings } from '../service/settings.js';
import { openSql } from '../store/open.js';
import { Store } from '../store/store.js';

export interface WorkerHandle {
  readonly settings: Settings;
  readonly name: string;
  /** Renders running now. */
  readonly running: () => number;
  /** Stops taking jobs; `handBack` false lets the running ones finish, true gives them back to the queue now. */
  close(handBack?: boolean): Promise<void>;
  /** During a drain: give the running jobs back now. */
  handBack(): void;
}

export const startWorker = async (o: { env?: NodeJS.ProcessEnv; settings?: Partial<Settings>; log?: (line: string) => void; quiet?: boolean; name?: string } = {}): Promise<WorkerHandle> => {
  const settings = loadSettings(o.env ?? process.env, o.settings ?? {});
  if (!settings.redisUrl || !settings.databaseUrl) {
    throw new StillmotionError('INVALID_OPTION', `a worker needs ${!settings.redisUrl ? 'REDIS_URL' : 'DATABASE_URL'}: it takes jobs from Redis and reads them from the PostgreSQL the API processes use`, {
      hint: 'set REDIS_URL, DATABASE_URL and STILLMOTION_MEDIA_DIR as on the API processes (`npm start` alone renders in its own process and needs no worker)',
      details: { setting: !settings.redisUrl ? 'redisUrl' : 'databaseUrl' },
    });
  }
  const logger = serverLogger(o.quiet ? 'silent' : settings.logLevel, o.log);
  const files = openMediaStorage({ mediaDir: settings.mediaDir, dataDir: resolve(settings.dataDir) });
  const sql = await openSql({ databaseUrl: settings.databaseUrl, dataDir: resolve(settings.dataDir) });
  const store = await Store.open(sql, files.secret, { cache: false });
  const handler = renderJobHandler({ store, files, maxImageBytes: settings.maxImageBytes, maxPixels: settings.maxPixels, limits: settings });
  let worker: RenderWorker;
  try {
    worker = await RenderWorker.start(store, handler, {
      redisUrl: settings.redisUrl, prefix: settings.redisPrefix, maxAttempts: settings.maxJobAttempts, retryDelayMs: settings.jobRetryDelayMs,
      concurrency: settings.concurrency, previewConcurrency: settings.previewConcurrency, timeoutMs: settings.jobTimeoutMs, lockMs: settings.jobLockMs,
      ...(o.name ? { name: o.name } : {}),
      log: (event, fields) => logger.info(fields, event),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  let closed: Promise<void> | null = null;
  return {
    settings,
    name: worker.name,
    running: () => worker.running,
    handBack: () => worker.handBack(),
    close: (handBack = false) => {
      closed ??= (async () => {
        await worker.close(handBack);
        await store.close();
        logger.flush();
      })();
      if (handBack) worker.handBack();
      return closed;
    },
  };
};
