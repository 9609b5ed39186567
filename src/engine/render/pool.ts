/**
 * A small pool of render threads sharing one still. `render(i, view)` resolves with frame i;
 * callers keep a few frames in flight so rendering overlaps encoding.
 */
import { Worker } from 'node:worker_threads';
import { StillmotionError } from '../../errors.js';
import type { FrameView } from './render-frame.js';
import type { WorkerReply, WorkerRequest } from './worker.js';
import type { TransitionKind } from '../compose/transitions.js';
import { allocYuv, type YuvStill } from './yuv.js';
import type { LivingStill } from '../living/render.js';
import type { LayeredStill } from './layered.js';
import type { PoolTask } from './worker.js';
import { finishLayers, layerBands, type LayerJob } from '../depth/layers.js';
import type { DepthMap } from '../depth/map.js';

interface Pending { resolve: (b: Uint8Array, spare?: Uint8Array) => void; reject: (e: Error) => void }

/** Whether a view can be moved to a thread rather than copied: it covers its own whole (non-shared) buffer. */
const movable = (v: Uint8Array): boolean => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && !(v.buffer instanceof SharedArrayBuffer);

/** What the threads render: frames of width x height (with an alpha plane when `alpha`), and a first still (id 0) if any. */
export interface PoolCanvas {
  readonly width: number;
  readonly height: number;
  readonly alpha?: boolean;
  readonly still?: YuvStill | null;
}

/** A picture in shared memory, copied there once (libvips' buffers cannot be moved), for every thread to read. */
const sharedCopy = (rgb: Uint8Array, bytes: number): Uint8Array => {
  const pic = new Uint8Array(new SharedArrayBuffer(bytes));
  pic.set(rgb.subarray(0, bytes));
  return pic;
};

export class RenderPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #tasks = new Map<number, { resolve: (r: LayerJob | null) => void; reject: (e: Error) => void; what: string }>();
  #nextTask = 0;
  #next = 0;
  #closed = false;
  /** Why a thread failed, kept: work sent after it (a pool started ahead fails before any is sent) is refused, not lost. */
  #failed: StillmotionError | null = null;

  /**
   * Starts the threads. Without a canvas the pool is started ahead of its render (a thread takes
   * tens of milliseconds of CPU to start, which can then overlap other work): it holds nothing open
   * until `setCanvas`.
   */
  constructor(threads: number, canvas?: PoolCanvas) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: WorkerReply) => this.#settle(m));
      w.on('error', (e) => this.#failAll(e));
      w.on('exit', (code) => { if (!this.#closed && code !== 0) this.#failAll(new Error(`render thread exited with code ${code}`)); });
      this.#workers.push(w);
    }
    if (canvas) this.setCanvas(canvas);
    else for (const w of this.#workers) w.unref();
  }

  /** The canvas every frame is rendered on (before any still or frame is sent); the threads now keep the process alive. */
  setCanvas(c: PoolCanvas): void {
    const init: WorkerRequest = { type: 'init', still: c.still ?? null, width: c.width, height: c.height, alpha: c.alpha === true };
    for (const w of this.#workers) {
      w.ref();
      w.postMessage(init);
    }
  }

  /** Whether a thread has failed (the pool refuses all further work). */
  get failed(): boolean {
    return this.#failed !== null;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Render frame `index`; `reuse` is a spent frame buffer of the right size to render into. */
  /** Make another still available to every thread under `id` (shared memory: no copy here). */
  addStill(id: number, still: YuvStill | LayeredStill, living?: LivingStill): void {
    const req: WorkerRequest = { type: 'still', id, still, ...(living ? { living } : {}) };
    for (const w of this.#workers) w.postMessage(req);
  }

  /**
   * Make a photo available under `id` from its RGB picture: the render threads convert it to shared
   * planes, each a band of rows at once (a few tens of milliseconds of arithmetic on a big photo,
   * which must not run on the main thread: it would stall the service's requests, and it is on the
   * way to the first frame), then every thread receives the planes.
   */
  async addStillRgb(id: number, rgb: Uint8Array, width: number, height: number, channels = 3): Promise<void> {
    const pic = sharedCopy(rgb, width * height * channels);
    const still = allocYuv(width, height, true);
    await Promise.all(layerBands(height, this.#workers.length).map(([r0, r1], k) => this.#task(this.#workers[k]!, { kind: 'yuv-rows', rgb: pic, width, height, channels, out: still, r0, r1 })));
    this.addStill(id, still);
  }

  #task(w: Worker, work: PoolTask, transfer: ArrayBuffer[] = []): Promise<LayerJob | null> {
    if (this.#closed || this.#failed) return Promise.reject(this.#failed ?? new StillmotionError('CANCELLED', 'render pool is closed'));
    const task = this.#nextTask++;
    return new Promise((resolve, reject) => {
      this.#tasks.set(task, { resolve, reject, what: work.kind === 'yuv-rows' ? 'a photo could not be prepared' : 'depth layers failed' });
      const req: WorkerRequest = { type: 'task', task, work };
      w.postMessage(req, transfer);
    });
  }

  /**
   * The depth layers of a picture (src/engine/depth/layers.ts), built on the render threads: one
   * makes the decisions at guide resolution, then every thread makes a band of the full-resolution
   * rows. Nothing of it runs on the main thread but putting the result together.
   */
  async buildLayers(rgb: Uint8Array, width: number, height: number, depth: DepthMap): Promise<LayeredStill> {
    const pic = sharedCopy(rgb, width * height * 3);
    const job = await this.#task(this.#workers[0]!, { kind: 'plan-layers', rgb: pic, width, height, depth });
    if (!job) throw new StillmotionError('INTERNAL', 'depth layers could not be planned');
    const bands = layerBands(height, this.#workers.length);
    await Promise.all(bands.map(([r0, r1], k) => this.#task(this.#workers[k]!, { kind: 'layer-rows', job, r0, r1 })));
    return finishLayers(job).still;
  }

  dropStill(id: number): void {
    const req: WorkerRequest = { type: 'drop', id };
    for (const w of this.#workers) w.postMessage(req);
  }

  render(index: number, view: FrameView | readonly FrameView[], reuse?: ArrayBuffer, still = 0, t?: number): Promise<Uint8Array> {
    if (this.#closed || this.#failed) return Promise.reject(this.#failed ?? new StillmotionError('CANCELLED', 'render pool is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.set(index, { resolve, reject });
      const w = this.#workers[this.#next++ % this.#workers.length]!;
      const layered = Array.isArray(view);
      const at = t !== undefined ? { t } : {};
      const req: WorkerRequest = layered
        ? { type: 'frame', index, view: (view as readonly FrameView[])[0]!, views: view as readonly FrameView[], buffer: reuse, still, ...at }
        : { type: 'frame', index, view: view as FrameView, buffer: reuse, still, ...at };
      w.postMessage(req, reuse ? [reuse] : []);
    });
  }

  /**
   * Blends two frames of a transition on a render thread: resolves with the blended frame and the
   * second frame's buffer to recycle. The frames are moved, not copied, when they can be.
   */
  mix(index: number, kind: TransitionKind, a: Uint8Array, b: Uint8Array, p: number): Promise<{ frame: Uint8Array; spare: Uint8Array | null }> {
    if (this.#closed || this.#failed) return Promise.reject(this.#failed ?? new StillmotionError('CANCELLED', 'render pool is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.set(index, { resolve: (frame, spare) => resolve({ frame, spare: spare ?? null }), reject });
      const w = this.#workers[this.#next++ % this.#workers.length]!;
      const req: WorkerRequest = { type: 'mix', index, kind, p, a, b };
      const move = [a, b].filter(movable).map((v) => v.buffer as ArrayBuffer);
      try { w.postMessage(req, a.buffer === b.buffer ? [] : move); } catch { w.postMessage(req); }
    });
  }

  #settle(m: WorkerReply): void {
    if (m.type === 'task-done' || m.type === 'task-error') {
      const t = this.#tasks.get(m.task);
      if (!t) return;
      this.#tasks.delete(m.task);
      if (m.type === 'task-done') t.resolve(m.result);
      else t.reject(new StillmotionError('INTERNAL', `${t.what}: ${m.message}`));
      return;
    }
    const p = this.#pending.get(m.index);
    if (!p) return;
    this.#pending.delete(m.index);
    if (m.type === 'frame') p.resolve(m.data, m.spare);
    else p.reject(new StillmotionError('INTERNAL', `frame ${m.index} failed to render: ${m.message}`));
  }

  #failAll(e: Error): void {
    if (!this.#closed) this.#failed ??= new StillmotionError('INTERNAL', `render thread failed: ${e.message}`, { cause: e });
    for (const [, p] of this.#pending) p.reject(new StillmotionError('INTERNAL', `render thread failed: ${e.message}`, { cause: e }));
    this.#pending.clear();
    for (const [, t] of this.#tasks) t.reject(new StillmotionError('INTERNAL', `render thread failed: ${e.message}`, { cause: e }));
    this.#tasks.clear();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new Error('closed'));
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
