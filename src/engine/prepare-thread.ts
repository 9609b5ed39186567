/**
 * `finishStill` on a thread of its own: the subject search, the plan and the YUV conversion are
 * synchronous loops over megapixels (100–300 ms a photo on a busy machine), which on the main
 * thread would stall everything else in the process (a server's requests, other renders' frames)
 * once per shot. The picture moves over; the planes come back in shared memory, no copy.
 */
import { Worker } from 'node:worker_threads';
import { StillmotionError, type ErrorName } from '../errors.js';
import type { FinishedStill as Done, StillWork, StillWorker } from './finish-still.js';

export type PrepareReply =
  | { readonly id: number; readonly ok: true; readonly done: Done }
  | { readonly id: number; readonly ok: false; readonly error: { kind: ErrorName; message: string; hint?: string; details?: Record<string, unknown> } };

export class StillThread implements StillWorker {
  #worker: Worker | null = null;
  readonly #pending = new Map<number, { resolve: (d: Done) => void; reject: (e: Error) => void }>();
  #next = 0;
  #closed = false;

  /** Started on first use: a render of clips only never pays for it. */
  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./prepare-worker.js', import.meta.url));
    w.on('message', (m: PrepareReply) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.done);
      else p.reject(new StillmotionError(m.error.kind, m.error.message, { hint: m.error.hint, details: m.error.details }));
    });
    w.on('error', (e) => this.#failAll(new StillmotionError('INTERNAL', `the still thread failed: ${e.message}`, { cause: e })));
    w.on('exit', (code) => { if (!this.#closed) this.#failAll(new StillmotionError('INTERNAL', `the still thread stopped (exit ${code})`)); });
    this.#worker = w;
    return w;
  }

  /** The picture's memory moves to the thread when it can (it is unusable here afterwards). */
  finish(work: StillWork): Promise<Done> {
    if (this.#closed) return Promise.reject(new StillmotionError('CANCELLED', 'the still thread is closed'));
    const id = this.#next++;
    const pic = work.picture.data;
    const move = pic.buffer instanceof ArrayBuffer && pic.byteOffset === 0 && pic.byteLength === pic.buffer.byteLength ? [pic.buffer] : [];
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#start().postMessage({ id, work }, move);
    });
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
    this.#worker = null;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new StillmotionError('CANCELLED', 'the still thread is closed'));
    await this.#worker?.terminate();
  }
}
