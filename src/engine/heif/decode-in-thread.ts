/**
 * HEIC decoding that never holds the calling thread for long, with a time limit it cannot ignore.
 *
 * - The common phone HEIC (ffmpeg's path, tiles of at most MAX_TILE_PIXELS): ffmpeg decodes it in
 *   its own process and each tile is converted to RGB here as it arrives, a few ms at a time. No
 *   thread to start (a fresh one cost ~40 ms of CPU to boot and ran the conversion cold, ~3x slower
 *   than a warm one), no pixels to hand over; the time limit stops ffmpeg.
 * - Anything else (libheif, WebAssembly, synchronous for a second or two on a phone photo; a single
 *   large tile): on a thread of its own, which sends the pixels back moved, not copied.
 * Either way the conversion to sRGB (libvips, off the event loop) runs on this side, so its output
 * is not copied between threads either.
 */
import { Worker } from 'node:worker_threads';
import { StillmotionError, type ErrorName } from '../../errors.js';
import type { HeifPixels, HeifStill } from './index.js';

export const DEFAULT_HEIF_TIMEOUT_MS = 60_000;

/** Tiles up to this size are converted on the calling thread (a 1 MP tile: ~3 ms warm). Phones write 512x512. */
export const MAX_TILE_PIXELS = 1 << 20;

export interface HeifThreadOptions {
  readonly maxPixels: number;
  readonly timeoutMs?: number;
  readonly atLeast?: { readonly width: number; readonly height: number };
  /** Diagnostics and tests: 'thread' always decodes on a thread (libheif's path then as before). */
  readonly where?: 'auto' | 'thread';
}

const timedOut = (ms: number) =>
  new StillmotionError('TIMEOUT', `HEIC decoding took longer than ${Math.round(ms / 1000)} s`, { hint: 'the file may be damaged; export it again as JPEG or HEIC' });

const finishError = (e: unknown) => (e instanceof StillmotionError ? e : new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));

export const decodeHeifInThread = async (buf: Uint8Array, opts: HeifThreadOptions): Promise<HeifStill> => {
  const ms = opts.timeoutMs ?? DEFAULT_HEIF_TIMEOUT_MS;
  if (opts.where !== 'thread') {
    const h = await import('./index.js');
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(timedOut(ms)), ms);
    let pixels: HeifPixels | null = null;
    try {
      pixels = await h.decodeHeifNative(buf, { maxPixels: opts.maxPixels, maxTilePixels: MAX_TILE_PIXELS, signal: stop.signal, ...(opts.atLeast ? { atLeast: opts.atLeast } : {}) });
    } catch (e) {
      // A coded refusal (the pixel limit, the time limit) stands; anything else is for the thread's
      // full decode (libheif) to judge, as before.
      if (e instanceof StillmotionError) throw e;
    } finally {
      clearTimeout(timer);
    }
    if (pixels) {
      try {
        return await h.finishHeif(pixels);
      } catch (e) {
        throw finishError(e);
      }
    }
  }
  return inThread(buf, opts, ms);
};

const inThread = (buf: Uint8Array, opts: HeifThreadOptions, ms: number): Promise<HeifStill> =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url), { workerData: { buf, maxPixels: opts.maxPixels, ...(opts.atLeast ? { atLeast: opts.atLeast } : {}) } });
    let done = false;
    const finish = (f: () => void) => { if (done) return; done = true; clearTimeout(timer); void w.terminate(); f(); };
    const timer = setTimeout(() => finish(() => reject(timedOut(ms))), ms);
    w.once('message', (m: { ok: true; pixels: HeifPixels } | { ok: false; error: { kind: ErrorName; message: string; hint?: string; details?: Record<string, unknown> } }) => finish(() => {
      if (m.ok) {
        // The conversion to sRGB runs here, in libvips' threads: its output needs no copy across threads.
        import('./index.js').then((h) => h.finishHeif(m.pixels)).then(resolve, (e: unknown) => reject(finishError(e)));
      } else reject(new StillmotionError(m.error.kind, m.error.message, { hint: m.error.hint, details: m.error.details }));
    }));
    w.once('error', (e) => finish(() => reject(new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${e.message}`, { cause: e }))));
    w.once('exit', (code) => finish(() => reject(new StillmotionError('CORRUPT_INPUT', `HEIC decoder stopped (exit ${code})`))));
  });
