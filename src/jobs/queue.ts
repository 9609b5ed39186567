/**
 * The render queue port, and its in-process adapter (the default: no broker to install).
 * Jobs are rows in the store; the queue decides when each runs, reports progress, enforces the
 * time limit, cancels, and on shutdown puts running jobs back to pending (a checkpoint: the next
 * start runs them again). The distributed adapter (BullMQ on REDIS_URL, src/jobs/bullmq-queue.ts)
 * implements the same port.
 *
 * Two lanes: exports run in `concurrency` slots; chat previews have `previewConcurrency` slots of
 * their own (and take an export slot that is idle), so a preview never waits behind a long export.
 */
import { EventEmitter } from 'node:events';
import { StillmotionError, toStillmotionError } from '../errors.js';
import type { JobRow, JobState, Store } from '../store/store.js';
import { jobErrorOf, type JobError, type JobOutput } from './job.js';

export interface JobContext {
  readonly signal: AbortSignal;
  /** 0–100 and a short stage name. */
  onProgress(percent: number, stage: string): void;
}
export type JobHandler = (job: JobRow, ctx: JobContext) => Promise<JobOutput>;
/** Which slots a job may run in: its kind. */
export type Lane = JobRow['kind'];

export interface JobQueue {
  /** Runs the job whose row already exists (status pending), in its kind's lane. */
  enqueue(jobId: string, lane: Lane): void;
  /** Cancels a pending or running job; it ends failed with `reason`'s code (default CANCELLED, 5003; a caller's time limit says TIMEOUT, 5004). */
  cancel(jobId: string, reason?: StillmotionError): boolean | Promise<boolean>;
  /** Resolves with the job's final state (completed or failed). */
  wait(jobId: string): Promise<JobState>;
  /** Progress of a running job; returns the unsubscribe function. */
  onProgress(jobId: string, fn: (percent: number, stage: string) => void): () => void;
  /** Jobs waiting or running in this process. */
  readonly depth: number;
  /** The shared queue's jobs by state and lane (distributed adapter): what an operator watches. */
  counts?(): Promise<Record<Lane, Record<string, number>>>;
  /** Stops taking work and checkpoints running jobs back to pending. */
  close(): Promise<void>;
}

interface Running { readonly controller: AbortController; readonly done: Promise<void>; cancelled: boolean; readonly slot: Lane }

export class InProcessQueue implements JobQueue {
  private readonly waiting: Record<Lane, string[]> = { preview: [], export: [] };
  private readonly running = new Map<string, Running>();
  private readonly events = new EventEmitter();
  private closed = false;

  constructor(private readonly store: Store, private readonly handler: JobHandler, private readonly o: { concurrency: number; previewConcurrency?: number; timeoutMs: number }) {
    this.events.setMaxListeners(0);
  }

  get depth(): number {
    return this.waiting.preview.length + this.waiting.export.length + this.running.size;
  }

  enqueue(jobId: string, lane: Lane): void {
    if (this.closed || this.waiting.preview.includes(jobId) || this.waiting.export.includes(jobId) || this.running.has(jobId)) return;
    this.waiting[lane].push(jobId);
    this.pump();
  }

  cancel(jobId: string, reason = new StillmotionError('CANCELLED', 'the render was cancelled')): boolean {
    for (const lane of ['preview', 'export'] as const) {
      const i = this.waiting[lane].indexOf(jobId);
      if (i < 0) continue;
      this.waiting[lane].splice(i, 1);
      void this.finish(jobId, { status: 'failed', error: jobErrorOf(reason.kind === 'CANCELLED' ? new StillmotionError('CANCELLED', 'cancelled before it started') : reason) });
      return true;
    }
    const r = this.running.get(jobId);
    if (!r) return false;
    r.cancelled = true;
    r.controller.abort(reason);
    return true;
  }

  wait(jobId: string): Promise<JobState> {
    return new Promise((resolve, reject) => {
      const check = async () => {
        const row = await this.store.jobState(jobId);
        if (!row) { cleanup(); reject(new StillmotionError('RENDER_NOT_FOUND', `no job ${jobId}`)); return; }
        if (row.status === 'completed' || row.status === 'failed') { cleanup(); resolve(row); return; }
        if (this.closed && !this.running.has(jobId)) { cleanup(); reject(new StillmotionError('CANCELLED', 'the server is stopping')); }
      };
      const onDone = (id: string) => { if (id === jobId) void check().catch(reject); };
      const cleanup = () => this.events.off('done', onDone);
      this.events.on('done', onDone);
      void check().catch(reject);
    });
  }

  onProgress(jobId: string, fn: (percent: number, stage: string) => void): () => void {
    const l = (id: string, p: number, s: string) => { if (id === jobId) fn(p, s); };
    this.events.on('progress', l);
    return () => this.events.off('progress', l);
  }

  async close(): Promise<void> {
    this.closed = true;
    // Jobs that never started stay pending for the next start; their waiters must hear that now
    // (otherwise a turn waiting on a queued preview never ends and shutdown hangs on it).
    const queued = [...this.waiting.preview.splice(0), ...this.waiting.export.splice(0)];
    for (const id of queued) this.events.emit('done', id);
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort(new StillmotionError('CANCELLED', 'the server is stopping'));
    await Promise.all(all.map((r) => r.done));
  }

  private busy(slot: Lane): number {
    let n = 0;
    for (const r of this.running.values()) if (r.slot === slot) n++;
    return n;
  }

  /** Previews first into their own slots; then export slots take exports, or previews when no export waits. */
  private pump(): void {
    while (!this.closed && this.waiting.preview.length && this.busy('preview') < (this.o.previewConcurrency ?? 1)) this.start(this.waiting.preview.shift()!, 'preview');
    while (!this.closed && this.busy('export') < this.o.concurrency) {
      const id = this.waiting.export.shift() ?? this.waiting.preview.shift();
      if (id === undefined) break;
      this.start(id, 'export');
    }
  }

  private start(id: string, slot: Lane): void {
    const controller = new AbortController();
    const entry: Running = { controller, cancelled: false, done: Promise.resolve(), slot };
    this.running.set(id, entry);
    (entry as { done: Promise<void> }).done = this.run(id, entry).catch(async (e: unknown) => {
      // The store itself failed around the job: end it failed so its waiters hear of it.
      await this.finish(id, { status: 'failed', error: jobErrorOf(toStillmotionError(e)) });
    }).finally(() => {
      this.running.delete(id);
      this.pump();
    });
  }

  private async run(id: string, entry: Running): Promise<void> {
    const job = await this.store.job(id).catch(() => null);
    if (!job || job.status === 'completed' || job.status === 'failed') { this.events.emit('done', id); return; }
    await this.store.jobStarted(id);
    const timer = setTimeout(() => entry.controller.abort(new StillmotionError('TIMEOUT', `the render took longer than ${Math.round(this.o.timeoutMs / 1000)} s`)), this.o.timeoutMs);
    let lastWrite = 0;
    try {
      const output = await this.handler(job, {
        signal: entry.controller.signal,
        onProgress: (p, stage) => {
          this.events.emit('progress', id, p, stage);
          const now = Date.now();
          // Progress in the table is a hint for pollers (the stream gets every value): a write that
          // fails is replaced by the next one 400 ms later.
          if (now - lastWrite > 400) { lastWrite = now; void this.store.jobProgress(id, p).catch(() => undefined); }
        },
      });
      await this.finish(id, { status: 'completed', output });
    } catch (e) {
      if (this.closed && !entry.cancelled) {
        // Shutting down: checkpoint, the next start runs it again (if the database is already gone
        // the row stays running, and the next start's recovery resumes it just the same).
        await this.store.jobFinished(id, { status: 'pending' }).catch(() => undefined);
        this.running.delete(id);
        this.events.emit('done', id);
        return;
      }
      const err = entry.controller.signal.aborted && entry.controller.signal.reason instanceof StillmotionError ? entry.controller.signal.reason : toStillmotionError(e);
      await this.finish(id, { status: 'failed', error: jobErrorOf(err) });
    } finally {
      clearTimeout(timer);
    }
  }

  private async finish(id: string, r: { status: 'completed'; output: JobOutput } | { status: 'failed'; error: JobError }): Promise<void> {
    // A database that refuses the result leaves the row running: the next start's recovery runs
    // the export again (or fails a preview), so nothing is lost; waiters still hear the end.
    await this.store.jobFinished(id, r).catch(() => undefined);
    this.events.emit('done', id);
  }
}
