/**
 * HEIC decoding on a thread of its own: libheif (WebAssembly) decodes synchronously for a second or
 * two on a phone photo, which would stall everything else on the main thread (frame feeding, the
 * service's requests). The thread also gives the decode a time limit it cannot ignore. The thread
 * sends the pixels back moved, not copied; their conversion to sRGB (libvips, off the event loop)
 * happens on this side, so its output is not copied between threads either.
 */
import { Worker } from 'node:worker_threads';
import { StillmotionError, type ErrorName } from '../../errors.js';
import type { HeifPixels, HeifStill } from './index.js';

export const DEFAULT_HEIF_TIMEOUT_MS = 60_000;

export const decodeHeifInThread = (buf: Uint8Array, opts: { maxPixels: number; timeoutMs?: number; atLeast?: { width: number; height: number } }): Promise<HeifStill> =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url), { workerData: { buf, maxPixels: opts.maxPixels, ...(opts.atLeast ? { atLeast: opts.atLeast } : {}) } });
    let done = false;
    const finish = (f: () => void) => { if (done) return; done = true; clearTimeout(timer); void w.terminate(); f(); };
    const timer = setTimeout(() => finish(() => reject(new StillmotionError('TIMEOUT', `HEIC decoding took longer than ${Math.round((opts.timeoutMs ?? DEFAULT_HEIF_TIMEOUT_MS) / 1000)} s`, { hint: 'the file may be damaged; export it again as JPEG or HEIC' }))), opts.timeoutMs ?? DEFAULT_HEIF_TIMEOUT_MS);
    w.once('message', (m: { ok: true; pixels: HeifPixels } | { ok: false; error: { kind: ErrorName; message: string; hint?: string; details?: Record<string, unknown> } }) => finish(() => {
      if (m.ok) {
        // The conversion to sRGB runs here, in libvips' threads: its output needs no copy across threads.
        import('./index.js').then((h) => h.finishHeif(m.pixels)).then(resolve, (e: unknown) => reject(e instanceof StillmotionError ? e : new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${e instanceof Error ? e.message : String(e)}`, { cause: e })));
      } else reject(new StillmotionError(m.error.kind, m.error.message, { hint: m.error.hint, details: m.error.details }));
    }));
    w.once('error', (e) => finish(() => reject(new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${e.message}`, { cause: e }))));
    w.once('exit', (code) => finish(() => reject(new StillmotionError('CORRUPT_INPUT', `HEIC decoder stopped (exit ${code})`))));
  });
