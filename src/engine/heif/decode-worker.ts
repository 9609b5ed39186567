/**
 * Thread entry: decodes one HEIC off the main thread and posts its pixels (moved, not copied) or
 * the coded error back; the caller converts them to sRGB (finishHeif, in libvips' threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isStillmotionError } from '../../errors.js';
import { decodeHeifPixels } from './index.js';

const { buf, maxPixels, atLeast } = workerData as { buf: Uint8Array; maxPixels: number; atLeast?: { width: number; height: number } };
decodeHeifPixels(buf, { maxPixels, ...(atLeast ? { atLeast } : {}) }).then(
  (pixels) => {
    const b = pixels.buf;
    const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
    parentPort!.postMessage({ ok: true, pixels }, whole ? [b.buffer as ArrayBuffer] : []);
  },
  (e: unknown) => parentPort!.postMessage({ ok: false, error: isStillmotionError(e) ? { ...e.toJSON() } : { kind: 'CORRUPT_INPUT', message: String((e as Error)?.message ?? e) } }),
);
