/**
 * Renders a composition: shots (photos with their moves, video clips) with transitions between
 * them, overlays drawn by the caller (text), and the audio mix, into one file. Photos are prepared
 * one shot ahead and handed to the render threads; frames are composed in order and streamed into
 * the encoder with a few in flight.
 */
import { stat } from 'node:fs/promises';
import { StillmotionError, toStillmotionError } from '../../errors.js';
import { startEncoder } from '../ffmpeg/index.js';
import { openStill } from '../input/load-still.js';
import { cameraAt, viewRect, type MotionPlan } from '../plan/plan-motion.js';
import { prepareStill } from '../prepare-still.js';
import { ProgressMeter, type ProgressListener, type RenderedFile } from '../progress.js';
import { RenderPool } from '../render/pool.js';
import { frameBytes, frameView } from '../render/render-frame.js';
import { shotsAt, type CompositionPlan } from './plan.js';
import { composeTransition, transitionProgress } from './transitions.js';

export interface ClipSource {
  next(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export interface CompositionCall {
  readonly output: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Draws overlays (text) onto a finished frame in place. */
  readonly drawOverlays?: (frame: Uint8Array, width: number, height: number, frame_index: number, timeS: number) => void;
  /** Opens a video clip as a frame source at the canvas size (the media module). */
  readonly openClip?: (path: string, o: { width: number; height: number; fps: number; trimStartS: number; durationS: number; fit: 'cover' | 'contain' | 'blur' }) => Promise<ClipSource>;
  readonly ffmpegPath?: string;
}

export interface CompositionResult extends RenderedFile {
  readonly shots: ReadonlyArray<{ readonly move: string; readonly reason: string }>;
}

const cancelled = () => new StillmotionError('CANCELLED', 'render cancelled');

export const renderComposition = async (plan: CompositionPlan, call: CompositionCall): Promise<CompositionResult> => {
  const W = plan.width, H = plan.height, F = plan.frames;
  if (plan.shots.length === 0 || F <= 0) throw new StillmotionError('INVALID_DRAFT', 'nothing to render: the video track is empty', { hint: 'add a photo or a clip first' });
  const meter = new ProgressMeter(call.output, call.onProgress);
  meter.report('decode', 0, 1);
  const pool = new RenderPool(null, W, H, plan.workers);
  const motion: Array<MotionPlan | null> = plan.shots.map(() => null);
  const prepared = new Map<number, Promise<void>>();
  const clips = new Map<number, Promise<ClipSource>>();
  const clipChain = new Map<number, Promise<unknown>>();

  const prepare = (i: number): Promise<void> => {
    let p = prepared.get(i);
    if (!p) {
      const s = plan.shots[i]!;
      p = (async () => {
        if (s.kind === 'video') {
          if (!call.openClip) throw new StillmotionError('INTERNAL', 'video clips need a clip decoder');
          clips.set(i, call.openClip(s.input, { width: W, height: H, fps: plan.fps, trimStartS: s.trimS, durationS: s.frames / plan.fps, fit: s.fit === 'cover' ? 'cover' : s.fit === 'blur' ? 'blur' : 'contain' }));
          await clips.get(i);
          return;
        }
        const opened = await openStill(s.input, { maxBytes: plan.maxInputBytes, maxPixels: plan.maxPixels });
        const prep = await prepareStill(opened, {
          canvasWidth: W, canvasHeight: H, fit: s.fit, background: plan.background, move: s.move, intensity: s.intensity,
          easing: s.easing, frames: s.frames, fps: plan.fps, variant: s.variant,
        });
        motion[i] = prep.plan;
        pool.addStill(i, prep.still);
      })();
      p.catch(() => undefined);
      prepared.set(i, p);
    }
    return p;
  };

  let req = 0;
  const spent: ArrayBuffer[] = [];
  const layer = async (i: number, local: number, zoomBoost: number): Promise<Uint8Array> => {
    await prepare(i);
    const s = plan.shots[i]!;
    if (s.kind === 'video') {
      const prev = clipChain.get(i) ?? Promise.resolve();
      const next = prev.then(async () => {
        const f = await (await clips.get(i)!).next();
        if (f) return f;
        const blank = new Uint8Array(frameBytes(W, H));
        blank.fill(16, 0, W * H);
        blank.fill(128, W * H);
        return blank;
      });
      clipChain.set(i, next.catch(() => undefined));
      return next;
    }
    const m = motion[i]!;
    let view = frameView(m, local);
    if (zoomBoost !== 1) {
      // Zoom transition: the outgoing shot pushes further in about its own centre.
      const cam = cameraAt(m, local);
      const r = viewRect(m, { cx: cam.cx, cy: cam.cy, zoom: cam.zoom * zoomBoost });
      view = { x: r.x, y: r.y, w: r.w };
    }
    return pool.render(req++, view, spent.pop(), i);
  };

  const compose = async (f: number): Promise<Uint8Array> => {
    const active = shotsAt(plan, f);
    if (active.length === 1) {
      const i = active[0]!;
      return layer(i, f - plan.shots[i]!.startFrame, 1);
    }
    const [ia, ib] = [active[0]!, active[active.length - 1]!];
    const sa = plan.shots[ia]!, sb = plan.shots[ib]!;
    const tr = sa.transitionOut ?? { kind: 'cut' as const, frames: 1 };
    const p = transitionProgress(f - sb.startFrame, Math.max(1, tr.frames));
    const [a, b] = await Promise.all([layer(ia, f - sa.startFrame, tr.kind === 'zoom' ? 1 + 0.3 * p : 1), layer(ib, f - sb.startFrame, 1)]);
    composeTransition(tr.kind, a, b, p, W, H, a);
    spent.push(b.buffer as ArrayBuffer);
    return a;
  };

  let encoder: ReturnType<typeof startEncoder> | null = null;
  const inFlight: Array<Promise<Uint8Array>> = [];
  try {
    await prepare(0);
    if (call.signal?.aborted) throw cancelled();
    meter.report('analyse', 1, 1);
    encoder = startEncoder(
      { width: W, height: H, fps: plan.fps, frames: F, format: plan.format, quality: plan.quality, preset: plan.preset, output: call.output, input: { kind: 'pipe' }, audio: plan.audio, ...(plan.loudnorm ? { loudnorm: true } : {}) },
      { signal: call.signal, ffmpegPath: call.ffmpegPath },
    );
    const ahead = pool.size * 2;
    let next = 0;
    const lastFrameOf = plan.shots.map((s) => s.startFrame + s.frames - 1);
    for (let f = 0; f < F; f++) {
      while (next < F && inFlight.length < ahead) {
        // Prepare the shot after the one starting now, so its decode overlaps this one's frames.
        for (const i of shotsAt(plan, next)) if (i + 1 < plan.shots.length) void prepare(i + 1);
        const p = compose(next);
        p.catch(() => undefined);
        inFlight.push(p);
        next++;
      }
      if (call.signal?.aborted) throw cancelled();
      const frame = await inFlight.shift()!;
      call.drawOverlays?.(frame, W, H, f, f / plan.fps);
      await encoder.write(frame);
      spent.push(frame.buffer as ArrayBuffer);
      plan.shots.forEach((s, i) => { if (lastFrameOf[i] === f && s.kind === 'image') pool.dropStill(i); });
      meter.report('render', f + 1, F);
    }
    meter.report('finish', 0, 1);
    await encoder.finish();
  } catch (e) {
    await encoder?.abort(call.signal?.aborted ? 'cancelled' : 'failed');
    throw call.signal?.aborted ? cancelled() : toStillmotionError(e);
  } finally {
    await pool.close();
    for (const c of clips.values()) await c.then((x) => x.close()).catch(() => undefined);
  }
  meter.report('finish', 1, 1);
  return {
    output: call.output, width: W, height: H, fps: plan.fps, frames: F, duration_ms: Math.round((F / plan.fps) * 1000),
    size_bytes: (await stat(call.output)).size,
    shots: plan.shots.map((s, i) => ({ move: motion[i]?.move ?? (s.kind === 'video' ? 'clip' : s.move), reason: motion[i]?.reason ?? '' })),
  };
};
