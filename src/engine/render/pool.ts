/**
 * A small pool of render threads sharing one still. `render(i, view)` resolves with frame i;
 * callers keep a few frames in flight so rendering overlaps encoding.
 */
import { Worker } from 'node:worker_threads';
import { StillmotionError } from '../../errors.js';
import type { FrameView } from './render-frame.js';
import type { WorkerReply, WorkerRequest } from './worker.js';
import type { YuvStill } from './yuv.js';
import type { LayeredStill } from './layered.js';

interface Pending { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }

export class RenderPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #closed = false;

  constructor(still: YuvStill | null, width: number, height: number, threads: number) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: WorkerReply) => this.#settle(m));
      w.on('error', (e) => this.#failAll(e));
      w.on('exit', (code) => { if (!this.#closed && code !== 0) this.#failAll(new Error(`render thread exited with code ${code}`)); });
      const init: WorkerRequest = { type: 'init', still, width, height };
      w.postMessage(init);
      this.#workers.push(w);
    }
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Render frame `index`; `reuse` is a spent frame buffer of the right size to render into. */
  /** Make another still available to every thread under `id` (shared memory: no copy here). */
  addStill(id: number, still: YuvStill | LayeredStill): void {
    const req: WorkerRequest = { type: 'still', id, still };
    for (const w of this.#workers) w.postMessage(req);
  }

  dropStill(id: number): void {
    const req: WorkerRequest = { type: 'drop', id };
    for (const w of this.#workers) w.postMessage(req);
  }

  render(index: number, view: FrameView | readonly FrameView[], reuse?: ArrayBuffer, still = 0): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new StillmotionError('CANCELLED', 'render pool is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.set(index, { resolve, reject });
      const w = this.#workers[this.#next++ % this.#workers.length]!;
      const layered = Array.isArray(view);
      const req: WorkerRequest = layered
        ? { type: 'frame', index, view: (view as readonly FrameView[])[0]!, views: view as readonly FrameView[], buffer: reuse, still }
        : { type: 'frame', index, view: view as FrameView, buffer: reuse, still };
      w.postMessage(req, reuse ? [reuse] : []);
    });
  }

  #settle(m: WorkerReply): void {
    const p = this.#pending.get(m.index);
    if (!p) return;
    this.#pending.delete(m.index);
    if (m.type === 'frame') p.resolve(m.data);
    else p.reject(new StillmotionError('INTERNAL', `frame ${m.index} failed to render: ${m.message}`));
  }

  #failAll(e: Error): void {
    for (const [, p] of this.#pending) p.reject(new StillmotionError('INTERNAL', `render thread failed: ${e.message}`, { cause: e }));
    this.#pending.clear();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new Error('closed'));
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
