/**
 * `animate()`: one photo in, one clip out. Loose options are resolved once, the still is prepared
 * (decoded, analysed, planned), then frames are rendered on worker threads and streamed into the
 * encoder with a few frames in flight so rendering and encoding overlap. The engine never prints:
 * progress and the result are values; errors are StillmotionErrors with codes.
 */
import { stat } from 'node:fs/promises';
import { StillmotionError, toStillmotionError } from '../errors.js';
import { startEncoder } from './ffmpeg/index.js';
import { openStill, type StillSource } from './input/load-still.js';
import type { Box, MotionPlan } from './plan/plan-motion.js';
import type { ResolvedMoveName } from './plan/moves.js';
import { prepareStill } from './prepare-still.js';
import { ProgressMeter, type ProgressListener, type RenderedFile } from './progress.js';
import { RenderPool } from './render/pool.js';
import { frameView } from './render/render-frame.js';
import { canvasSize, resolveAnimateSettings, type AnimateOptions, type AnimateSettings } from './settings.js';

export interface AnimateCall extends AnimateOptions {
  /** Output file path. */
  output: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Varies the automatic move between photos of a batch. */
  variant?: number;
  ffmpegPath?: string;
}

export interface AnimateResult extends RenderedFile {
  readonly format: string;
  readonly move: ResolvedMoveName;
  /** Subject box in fractions of the photo, and how sure we are (0..1). */
  readonly subject: Box & { readonly confidence: number };
  readonly reason: string;
  readonly source: StillSource;
  readonly notes: readonly string[];
  readonly plan: MotionPlan;
}

export const frameCount = (durationS: number, fps: number): number => Math.max(1, Math.round(durationS * fps));

const checkAbort = (signal?: AbortSignal) => {
  if (signal?.aborted) throw new StillmotionError('CANCELLED', 'animation cancelled');
};

export const animate = async (input: string | Uint8Array, call: AnimateCall): Promise<AnimateResult> => {
  const s: AnimateSettings = resolveAnimateSettings(call);
  const name = typeof input === 'string' ? input : 'image';
  const meter = new ProgressMeter(name, call.onProgress);
  meter.report('decode', 0, 1);
  const opened = await openStill(input, { maxBytes: s.maxInputBytes, maxPixels: s.maxPixels });
  checkAbort(call.signal);
  const canvas = canvasSize(s, opened.source.width, opened.source.height);
  const frames = frameCount(s.durationS, s.fps);
  const prepared = await prepareStill(opened, {
    canvasWidth: canvas.width, canvasHeight: canvas.height, fit: s.fit, background: s.background,
    move: s.move, intensity: s.intensity, easing: s.easing, frames, fps: s.fps, variant: call.variant ?? 0,
  });
  meter.report('analyse', 1, 1);
  checkAbort(call.signal);

  const encoder = startEncoder(
    { width: canvas.width, height: canvas.height, fps: s.fps, frames, format: s.format, quality: s.quality, preset: s.preset, output: call.output, input: { kind: 'pipe' } },
    { signal: call.signal, ffmpegPath: call.ffmpegPath },
  );
  const pool = new RenderPool(prepared.still, canvas.width, canvas.height, s.workers);
  const ahead = pool.size * 2;
  const inFlight: Promise<Uint8Array>[] = [];
  // Written frames go back to the workers to be rendered into again: flat memory, no page faults.
  const spent: ArrayBuffer[] = [];
  try {
    let next = 0;
    const fill = () => {
      while (next < frames && inFlight.length < ahead) {
        const p = pool.render(next, frameView(prepared.plan, next), spent.pop());
        p.catch(() => undefined); // awaited in order below; never an unhandled rejection
        inFlight.push(p);
        next++;
      }
    };
    fill();
    for (let i = 0; i < frames; i++) {
      checkAbort(call.signal);
      const frame = await inFlight.shift()!;
      fill();
      await encoder.write(frame);
      spent.push(frame.buffer as ArrayBuffer);
      meter.report('render', i + 1, frames);
    }
    meter.report('finish', 0, 1);
    await encoder.finish();
  } catch (e) {
    await encoder.abort(e instanceof StillmotionError && e.kind === 'CANCELLED' ? 'cancelled' : 'failed');
    inFlight.length = 0;
    throw call.signal?.aborted ? new StillmotionError('CANCELLED', 'animation cancelled') : toStillmotionError(e);
  } finally {
    await pool.close();
  }
  const size = (await stat(call.output)).size;
  meter.report('finish', 1, 1);
  const sub = prepared.subject;
  return Object.freeze({
    output: call.output,
    width: canvas.width,
    height: canvas.height,
    fps: s.fps,
    frames,
    duration_ms: Math.round((frames / s.fps) * 1000),
    size_bytes: size,
    format: s.format,
    move: prepared.plan.move,
    subject: { ...sub.box, confidence: Math.round(sub.confidence * 100) / 100 },
    reason: prepared.plan.reason,
    source: prepared.source,
    notes: prepared.source.notes,
    plan: prepared.plan,
  });
};
