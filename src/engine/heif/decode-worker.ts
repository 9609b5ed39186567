/** Thread entry: decodes one HEIC off the main thread and posts the still (or the coded error) back. */
import { parentPort, workerData } from 'node:worker_threads';
import { isStillmotionError } from '../../errors.js';
import { decodeHeif } from './index.js';

const { buf, maxPixels, atLeast } = workerData as { buf: Uint8Array; maxPixels: number; atLeast?: { width: number; height: number } };
decodeHeif(buf, { maxPixels, ...(atLeast ? { atLeast } : {}) }).then(
  (still) => parentPort!.postMessage({ ok: true, still }, [still.data.buffer as ArrayBuffer]),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: isStillmotionError(e) ? { ...e.toJSON() } : { kind: 'CORRUPT_INPUT', message: String((e as Error)?.message ?? e) } }),
);
