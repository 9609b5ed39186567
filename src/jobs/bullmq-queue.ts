/**
 * The distributed adapter of the queue port, on BullMQ (Redis). The job's row in the store stays
 * the truth (status, progress, output, error); BullMQ carries only the id and decides which worker
 * runs it and when:
 *
 * - two queues, `previews` and `exports`, so a chat preview never waits behind exports; each worker
 *   takes `previewConcurrency` previews and `concurrency` exports at once;
 * - a worker holds a job's lock (`jobLockMs`, renewed at half of it); a worker that dies loses it,
 *   and BullMQ's stalled check hands the job to another worker (the encoder writes `.partial` and
 *   renames, so a half-written file is never published);
 * - a failure the next attempt may cure (the encoder crashed, the volume hiccupped, an unexpected
 *   error) is retried with exponential backoff up to `maxJobAttempts` starts in all (crashes
 *   included, counted in the row); anything else fails at once;
 * - every start runs under `jobTimeoutMs`;
 * - cancel works from any API process: a job nobody holds is failed in the store (one conditional
 *   update) and removed; a running one is told over Redis pub/sub, and a key keeps the request for a
 *   worker that takes the job a moment later;
 * - progress and ends reach every API process through BullMQ's queue events, so the process holding
 *   a user's stream hears a render made on any worker.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { StillmotionError, toStillmotionError, type ErrorName } from '../errors.js';
import type { JobState, Store } from '../store/store.js';
import { errorOfJob, jobErrorOf, type JobError } from './job.js';
import { claimJob, failOpenJob, failPendingJob, openJobsBefore, reopenJob } from './job-rows.js';
import type { JobHandler, JobQueue, Lane } from './queue.js';
import { cancelChannel, cancelKey, fromBullId, openRedis, QUEUE_NAMES, toBullId } from './redis.js';

export interface DistributedQueueOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Starts of one job in all (first run, retries, runs after a worker died). */
  readonly maxAttempts: number;
  /** First retry's delay; doubles per attempt. */
  readonly retryDelayMs: number;
}

export interface WorkerOptions extends DistributedQueueOptions {
  readonly concurrency: number;
  readonly previewConcurrency: number;
  readonly timeoutMs: number;
  readonly lockMs: number;
  /** Shown in BullMQ's job records and in the log: which worker ran what. */
  readonly name?: string;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

/** Failures worth another attempt: the next run may well succeed. */
const RETRYABLE: ReadonlySet<ErrorName> = new Set<ErrorName>(['INTERNAL', 'ENCODER_FAILED', 'OUTPUT_NOT_WRITABLE']);
const final = (s: string) => s === 'completed' || s === 'failed';
const connection = (url: string) => ({ url, maxRetriesPerRequest: null });

/** The API side: enqueues, cancels, waits and hears progress; renders nothing itself. */
export class BullQueue implements JobQueue {
  private readonly local = new EventEmitter();
  private waiting = 0;
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly o: DistributedQueueOptions,
    private readonly queues: Record<Lane, Queue>,
    private readonly events: Record<Lane, QueueEvents>,
    private readonly redis: Redis,
  ) {
    this.local.setMaxListeners(0);
    for (const lane of ['preview', 'export'] as const) {
      const ev = events[lane];
      ev.on('progress', ({ jobId, data }) => {
        const d = data as { p?: unknown; s?: unknown };
        if (typeof d?.p === 'number') this.local.emit('progress', fromBullId(jobId), d.p, typeof d.s === 'string' ? d.s : '');
      });
      ev.on('completed', ({ jobId }) => this.local.emit('done', fromBullId(jobId)));
      ev.on('removed', ({ jobId }) => this.local.emit('done', fromBullId(jobId)));
      ev.on('failed', ({ jobId, failedReason }) => {
        // The worker wrote the row before failing the job; when it could not (the job stalled more
        // often than allowed, its workers died), the row is failed here, once whichever process hears it.
        const id = fromBullId(jobId);
        void failOpenJob(this.store.sql, id, { code: 5003, message: `the render could not be finished: ${String(failedReason).slice(0, 200)}` })
          .catch(() => false).then(() => this.local.emit('done', id));
      });
    }
  }

  static async open(store: Store, o: DistributedQueueOptions): Promise<BullQueue> {
    const redis = await openRedis(o.redisUrl, 'stillmotion-api');
    const mk = <T>(f: (name: string) => T) => ({ preview: f(QUEUE_NAMES.preview), export: f(QUEUE_NAMES.export) });
    const queues = mk((n) => new Queue(n, { connection: connection(o.redisUrl), prefix: o.prefix }));
    const events = mk((n) => new QueueEvents(n, { connection: connection(o.redisUrl), prefix: o.prefix }));
    for (const q of Object.values(queues)) q.on('error', () => undefined);
    for (const e of Object.values(events)) e.on('error', () => undefined);
    await Promise.all([...Object.values(queues).map((q) => q.waitUntilReady()), ...Object.values(events).map((e) => e.waitUntilReady())]);
    return new BullQueue(store, o, queues, events, redis);
  }

  /** Waits in this process (its streams and pollers); the queue's own depth is `counts()`. */
  get depth(): number {
    return this.waiting;
  }

  /**
   * Jobs waiting, running, delayed (retry backoff) and failed, per lane, and how long the oldest
   * job not yet started has waited (s, 0 when none): what an operator watches.
   */
  async counts(): Promise<Record<Lane, Record<string, number>>> {
    const c = async (q: Queue) => q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    const now = Date.now();
    const oldest = new Map((await this.store.sql.query<{ kind: Lane; at: number | string }>("select kind, min(created_at) as at from jobs where status = 'pending' group by kind"))
      .map((r) => [r.kind, Math.max(0, Math.round((now - Number(r.at)) / 1000))]));
    return {
      preview: { ...(await c(this.queues.preview)), oldest_waiting_s: oldest.get('preview') ?? 0 },
      export: { ...(await c(this.queues.export)), oldest_waiting_s: oldest.get('export') ?? 0 },
    };
  }

  enqueue(jobId: string, lane: Lane): void {
    if (this.closed) return;
    void this.add(jobId, lane).catch(async (e: unknown) => {
      // Redis refused the job: its row fails so that waiters and pollers hear it now.
      await failOpenJob(this.store.sql, jobId, jobErrorOf(new StillmotionError('UNAVAILABLE', `the render queue is not reachable: ${(e as Error).message}`))).catch(() => false);
      this.local.emit('done', jobId);
    });
  }

  private add(jobId: string, lane: Lane) {
    return this.queues[lane].add('render', { id: jobId }, {
      jobId: toBullId(jobId), attempts: this.o.maxAttempts, backoff: { type: 'exponential', delay: this.o.retryDelayMs },
      removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
  }

  cancel(jobId: string, reason = new StillmotionError('CANCELLED', 'the render was cancelled')): Promise<boolean> {
    return this.cancelNow(jobId, reason).catch(() => false);
  }

  private async cancelNow(jobId: string, reason: StillmotionError): Promise<boolean> {
    const before = reason.kind === 'CANCELLED' ? new StillmotionError('CANCELLED', 'cancelled before it started') : reason;
    if (await failPendingJob(this.store.sql, jobId, jobErrorOf(before))) {
      // Nobody holds it: out of the queue (a worker that takes it anyway finds it failed and skips it).
      for (const q of Object.values(this.queues)) await q.remove(toBullId(jobId)).catch(() => 0);
      this.local.emit('done', jobId);
      return true;
    }
    const row = await this.store.jobState(jobId);
    if (!row || final(row.status)) return false;
    const msg = JSON.stringify({ id: jobId, error: jobErrorOf(reason) });
    await this.redis.set(cancelKey(this.o.prefix, jobId), msg, 'PX', 24 * 3600_000);
    await this.redis.publish(cancelChannel(this.o.prefix), msg);
    // The worker ends it within moments: answer with the job ended when it does.
    await this.waitFor(jobId, 5000).catch(() => undefined);
    return true;
  }

  wait(jobId: string): Promise<JobState> {
    return this.waitFor(jobId, Infinity);
  }

  private waitFor(jobId: string, ms: number): Promise<JobState> {
    this.waiting++;
    return new Promise<JobState>((resolve, reject) => {
      let busy = false;
      const check = async () => {
        if (busy) return;
        busy = true;
        try {
          const row = await this.store.jobState(jobId);
          if (!row) { cleanup(); reject(new StillmotionError('RENDER_NOT_FOUND', `no job ${jobId}`)); return; }
          if (final(row.status)) { cleanup(); resolve(row); return; }
          if (this.closed) { cleanup(); reject(new StillmotionError('CANCELLED', 'the server is stopping')); }
        } finally {
          busy = false;
        }
      };
      const onDone = (id: string) => { if (id === jobId || id === '*') void check().catch(() => undefined); };
      // Events are the fast path; a read every 2 s is the net under a lost one (Redis reconnecting).
      const poll = setInterval(() => void check().catch(() => undefined), 2000);
      const limit = Number.isFinite(ms) ? setTimeout(() => { cleanup(); reject(new StillmotionError('TIMEOUT', 'still running')); }, ms) : null;
      const cleanup = () => {
        this.local.off('done', onDone);
        clearInterval(poll);
        if (limit) clearTimeout(limit);
        this.waiting--;
      };
      this.local.on('done', onDone);
      void check().catch((e: unknown) => { cleanup(); reject(e); });
    });
  }

  onProgress(jobId: string, fn: (percent: number, stage: string) => void): () => void {
    const l = (id: string, p: number, s: string) => { if (id === jobId) fn(p, s); };
    this.local.on('progress', l);
    return () => this.local.off('progress', l);
  }

  /**
   * Jobs whose rows are open but that the queue does not hold (a process stopped between writing
   * the row and queueing it): queued again. Adding under the same id is idempotent.
   */
  async requeueLost(olderThanMs: number): Promise<number> {
    let n = 0;
    for (const j of await openJobsBefore(this.store.sql, Date.now() - olderThanMs)) {
      const held = await this.queues[j.kind].getJob(toBullId(j.id));
      if (held) continue;
      await this.add(j.id, j.kind);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.local.emit('done', '*');
    await Promise.all([...Object.values(this.events), ...Object.values(this.queues)].map((q) => q.close().catch(() => undefined)));
    this.redis.disconnect();
  }
}

interface Held { readonly controller: AbortController; cancelled: boolean }

/**
 * The worker side (`stillmotion worker`): takes jobs from both queues and renders them with the
 * same handler the in-process queue uses.
 */
export class RenderWorker {
  private readonly held = new Map<string, Held>();
  private stopping = false;
  private handingBack = false;
  readonly name: string;

  private constructor(
    private readonly store: Store,
    private readonly handler: JobHandler,
    private readonly o: WorkerOptions,
    private readonly workers: Worker[],
    private readonly redis: Redis,
    private readonly sub: Redis,
  ) {
    this.name = o.name ?? `${hostname()}:${process.pid}`;
  }

  static async start(store: Store, handler: JobHandler, o: WorkerOptions): Promise<RenderWorker> {
    const redis = await openRedis(o.redisUrl, 'stillmotion-worker');
    const sub = await openRedis(o.redisUrl, 'stillmotion-worker-cancel');
    const workers: Worker[] = [];
    const w = new RenderWorker(store, handler, o, workers, redis, sub);
    sub.on('message', (_ch: string, msg: string) => w.onCancel(msg));
    await sub.subscribe(cancelChannel(o.prefix));
    for (const lane of ['preview', 'export'] as const) {
      const worker = new Worker(QUEUE_NAMES[lane], (job, token) => w.process(job, token, lane), {
        connection: connection(o.redisUrl), prefix: o.prefix, name: w.name,
        concurrency: lane === 'preview' ? o.previewConcurrency : o.concurrency,
        lockDuration: o.lockMs, stalledInterval: o.lockMs,
        // The row counts every start and fails the job past maxAttempts (with its own message):
        // BullMQ's own stall limit is only the net under that.
        maxStalledCount: o.maxAttempts,
      });
      worker.on('error', (e) => o.log?.('worker error', { err: e.message }));
      workers.push(worker);
    }
    await Promise.all(workers.map((x) => x.waitUntilReady()));
    return w;
  }

  /** Jobs this worker is rendering now. */
  get running(): number {
    return this.held.size;
  }

  private onCancel(msg: string): void {
    let m: { id?: unknown; error?: JobError };
    try { m = JSON.parse(msg) as typeof m; } catch { return; }
    const h = typeof m.id === 'string' ? this.held.get(m.id) : undefined;
    if (!h || !m.error) return;
    h.cancelled = true;
    h.controller.abort(errorOfJob(m.error));
  }

  private async process(job: BullJob, token: string | undefined, lane: Lane): Promise<unknown> {
    const id = fromBullId(job.id!);
    const log = this.o.log ?? (() => undefined);
    const row = await this.store.job(id);
    if (!row || final(row.status)) return { skipped: row?.status ?? 'missing' };
    if (row.attempts >= this.o.maxAttempts) {
      // Started that many times already, the last ones ended by workers that died.
      await failOpenJob(this.store.sql, id, { code: 5003, message: `the render was interrupted ${row.attempts} times (a worker stopped during it)` });
      throw new UnrecoverableError('out of attempts');
    }
    if (!(await claimJob(this.store.sql, id))) return { skipped: 'closed' };
    const h: Held = { controller: new AbortController(), cancelled: false };
    this.held.set(id, h);
    log('job started', { job: id, lane, attempt: row.attempts + 1, worker: this.name });
    const asked = await this.redis.get(cancelKey(this.o.prefix, id)).catch(() => null);
    if (asked) this.onCancel(asked);
    const timer = setTimeout(() => h.controller.abort(new StillmotionError('TIMEOUT', `the render took longer than ${Math.round(this.o.timeoutMs / 1000)} s`)), this.o.timeoutMs);
    let lastEvent = 0, lastRow = 0, lastPct = -1;
    try {
      const output = await this.handler(row, {
        signal: h.controller.signal,
        onProgress: (p, stage) => {
          const now = Date.now();
          // Events every percent (at most 5 a second) for the streams; the row every 400 ms for pollers.
          if ((Math.floor(p) !== lastPct && now - lastEvent >= 200) || p >= 100) {
            lastEvent = now;
            lastPct = Math.floor(p);
            void job.updateProgress({ p, s: stage }).catch(() => undefined);
          }
          if (now - lastRow > 400) { lastRow = now; void this.store.jobProgress(id, p).catch(() => undefined); }
        },
      });
      await this.store.jobFinished(id, { status: 'completed', output });
      log('job completed', { job: id, lane, worker: this.name, file: output.file });
      return { file: output.file };
    } catch (e) {
      if (this.handingBack && !h.cancelled) {
        // Stopping now: the job goes back to the queue for another worker, its attempt given back.
        await reopenJob(this.store.sql, id, true).catch(() => undefined);
        await job.moveToDelayed(Date.now(), token);
        log('job handed back', { job: id, lane, worker: this.name });
        throw new DelayedError();
      }
      const err = h.controller.signal.aborted && h.controller.signal.reason instanceof StillmotionError ? h.controller.signal.reason : toStillmotionError(e);
      const attempts = row.attempts + 1;
      if (!h.controller.signal.aborted && RETRYABLE.has(err.kind) && attempts < this.o.maxAttempts) {
        await reopenJob(this.store.sql, id, false);
        log('job retried', { job: id, lane, worker: this.name, code: err.code, attempt: attempts });
        throw err; // BullMQ retries it after its backoff
      }
      await this.store.jobFinished(id, { status: 'failed', error: jobErrorOf(err) });
      log('job failed', { job: id, lane, worker: this.name, code: err.code });
      throw new UnrecoverableError(err.message);
    } finally {
      clearTimeout(timer);
      this.held.delete(id);
      void this.redis.del(cancelKey(this.o.prefix, id)).catch(() => 0);
    }
  }

  /**
   * Stops taking jobs. `handBack` false: the running ones finish first (a drain); true: they stop
   * now and go back to the queue for another worker.
   */
  async close(handBack = false): Promise<void> {
    this.stopping = true;
    if (handBack) this.handBack();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.sub.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  /** Ends the running renders now and hands their jobs back (a second stop signal during a drain). */
  handBack(): void {
    this.handingBack = true;
    for (const h of this.held.values()) h.controller.abort(new StillmotionError('CANCELLED', 'the worker is stopping'));
  }

  get isStopping(): boolean {
    return this.stopping;
  }
}
