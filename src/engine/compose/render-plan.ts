/**
 * Renders a plan: shots (photos with their planned framing and motion, video clips) with
 * transitions between them, the text layers drawn over the picture, and the audio mix, into one
 * file. Every choice was made when the plan was made; this only executes it. Photos are prepared one
 * shot ahead and handed to the render threads; frames are composed in order and streamed into the
 * encoder with a few in flight, so rendering and encoding overlap.
 */
import { stat } from 'node:fs/promises';
import { StillmotionError, toStillmotionError } from '../../errors.js';
import { startEncoder, type AudioSpec } from '../ffmpeg/index.js';
import { openStill, type StillLimits } from '../input/load-still.js';
import type { StillCache } from '../input/still-cache.js';
import { cameraAt, viewRect } from '../plan/plan-motion.js';
import type { PhotoShotPlan, RenderPlan, ShotMotion } from '../plan/render-plan.js';
import { prepareLayers, prepareStill, prepareStillAlpha, stillDecodeSize } from '../prepare-still.js';
import { layerView } from '../plan/depth-motion.js';
import { ProgressMeter, type ProgressListener, type RenderedFile } from '../progress.js';
import { RenderPool } from '../render/pool.js';
import { frameBytes, type FrameView } from '../render/render-frame.js';
import { rgbToYuv } from '../render/yuv.js';
import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_PIXELS, parseColour } from '../settings.js';
import { shotsAt } from './shots-at.js';
import { composeTransition, transitionProgress } from './transitions.js';

export interface RenderPlanCall {
  readonly output: string;
  /** Where the file of a media id is on this machine. */
  readonly locate: (mediaId: string) => string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Size and pixel limits for every photo opened (default 50 MB, 200 MP). */
  readonly limits?: StillLimits;
  /** Render threads (default 2: the two cores are shared with the encoder). */
  readonly workers?: number;
  /** Render threads started ahead (`startRenderThreads`, while the photo was analysed), used instead of `workers` new ones: the render takes them over and closes them. */
  readonly pool?: RenderPool;
  /** Photos already opened in this run (by their analysis): taken from here instead of opened again. */
  readonly stills?: StillCache;
  readonly ffmpegPath?: string;
  /** Where built-in music tracks are cached (default: STILLMOTION_MUSIC_DIR or ~/.cache/stillmotion/music). */
  readonly musicDir?: string;
}

export interface RenderPlanResult extends RenderedFile {
  readonly format: RenderPlan['output']['format'];
}

const cancelled = () => new StillmotionError('CANCELLED', 'render cancelled');

/**
 * One photo shot over the whole clip whose last frame flows into its first: a still camera or a
 * depth move's closed path, with effects that repeat over the shot (their periods divide it).
 */
export const isSeamless = (plan: RenderPlan): boolean => {
  const s = plan.shots[0];
  if (plan.shots.length !== 1 || !s || s.kind !== 'image' || s.startFrame !== 0 || s.frames !== plan.frames) return false;
  const m = s.motion;
  const closed = m.kind === 'depth' ? m.loop : m.loop === true || (m.start.cx === m.end.cx && m.start.cy === m.end.cy && m.start.zoom === m.end.zoom);
  const periodic = (s.effects ?? []).every((e) => Math.abs(s.frames / e.period - Math.round(s.frames / e.period)) < 1e-9);
  return closed && periodic && ((s.effects?.length ?? 0) > 0 || m.kind === 'depth' || m.loop === true);
};

/**
 * An asked-for loop whose camera holds still: only the effects move (the encoder codes its frames
 * alike, at about twice the bytes, so a still clip with effects that nobody asked to loop is not).
 */
export const isStillLoop = (plan: RenderPlan): boolean => {
  const m = plan.shots[0]?.kind === 'image' ? plan.shots[0].motion : null;
  return isSeamless(plan) && m?.kind === 'camera' && m.loop === true && m.start.cx === m.end.cx && m.start.cy === m.end.cy && m.start.zoom === m.end.zoom;
};

/** The view of frame `local` of a shot's motion, as the sampler wants it; `zoomBoost` pushes further in about the same centre. */
export const viewOf = (m: ShotMotion, local: number, zoomBoost: number, disparities?: readonly number[]): FrameView | FrameView[] => {
  switch (m.kind) {
    case 'camera': {
      const cam = cameraAt(m, local);
      const r = viewRect(m, zoomBoost === 1 ? cam : { cx: cam.cx, cy: cam.cy, zoom: cam.zoom * zoomBoost });
      return { x: r.x, y: r.y, w: r.w };
    }
    case 'depth': {
      // One view per layer, farthest first; the farthest stays inside the photo.
      return (disparities ?? [0]).map((d, l) => {
        const v = layerView(m, local, d);
        const z = v.zoom * zoomBoost;
        const hx = m.camera.baseHalfW / z, hy = m.camera.baseHalfH / z;
        const cx = l === 0 ? Math.min(1 - hx, Math.max(hx, v.cx)) : v.cx;
        const cy = l === 0 ? Math.min(1 - hy, Math.max(hy, v.cy)) : v.cy;
        return { x: cx - hx, y: cy - hy, w: 2 * hx };
      });
    }
  }
};

export const renderPlan = async (plan: RenderPlan, call: RenderPlanCall): Promise<RenderPlanResult> => {
  const W = plan.width, H = plan.height, F = plan.frames;
  const limits = call.limits ?? { maxImageBytes: DEFAULT_MAX_IMAGE_BYTES, maxPixels: DEFAULT_MAX_PIXELS };
  // What can fail before the frames (an empty plan, a colour, a module that will not load) closes
  // the threads handed in: nothing else would, and started for this render they keep the process alive.
  let background: ReturnType<typeof parseColour>;
  let textTrack: typeof import('../text/track.js') | null;
  let music: typeof import('../music/library.js');
  try {
    if (plan.shots.length === 0 || F <= 0) throw new StillmotionError('INVALID_DRAFT', 'nothing to render: the video track is empty', { hint: 'add a photo or a clip first' });
    background = parseColour(plan.background);
    textTrack = plan.texts.length ? await import('../text/track.js') : null;
    music = await import('../music/library.js');
  } catch (e) {
    await call.pool?.close();
    throw e;
  }
  const meter = new ProgressMeter(call.output, call.onProgress);
  meter.report('decode', 0, 1);
  const alpha = plan.transparent === true;
  const alphaAt = frameBytes(W, H);
  const canvas = { width: W, height: H, alpha };
  const pool = call.pool ?? new RenderPool(call.workers ?? 2, canvas);
  if (call.pool) pool.setCanvas(canvas);
  const prepared = new Map<number, Promise<void>>();
  const disparities = new Map<number, readonly number[]>();
  const clips = new Map<number, Promise<import('../media/clip-frames.js').ClipFrames>>();
  const clipChain = new Map<number, Promise<unknown>>();

  const prepare = (i: number): Promise<void> => {
    let p = prepared.get(i);
    if (!p) {
      const s = plan.shots[i]!;
      p = (async () => {
        const path = call.locate(s.media);
        if (s.kind === 'video') {
          const { openClip } = await import('../media/clip-frames.js');
          clips.set(i, openClip(path, { width: W, height: H, fps: plan.fps, trimStartS: s.trimS, durationS: s.frames / plan.fps, fit: s.fit, background: plan.background, ffmpegPath: call.ffmpegPath }));
          await clips.get(i);
          return;
        }
        // A photo drawn flat is decoded no larger than its picture needs (a HEIC reduced on decode).
        const flat = s.motion.kind !== 'depth' && !(alpha && s.framing.fit !== 'blur');
        const open = flat ? { atMost: stillDecodeSize(s.framing, W, H) } : {};
        const opened = call.stills ? await call.stills.take(path, limits, open) : await openStill(path, limits, open);
        if (s.motion.kind === 'depth') {
          const layered = await prepareLayers(opened, s.motion, W, H, background, (rgb, w, h, depth) => pool.buildLayers(rgb, w, h, depth), s.framing.detailZoom);
          disparities.set(i, layered.disparities);
          // Effects act on the farthest layer (the whole picture), under the nearer layers.
          pool.addStill(i, layered, s.effects?.length ? (await import('../living/prepare.js')).prepareLiving(layered.layers[0]!.still, s.effects) : undefined);
        } else if (alpha && s.framing.fit !== 'blur') {
          pool.addStill(i, await prepareStillAlpha(opened, s.framing, W, H));
        } else if (s.effects?.length) {
          // Living photos: the effects' masks are made from the planes here, once per shot.
          const picture = await prepareStill(opened, s.framing, W, H, background);
          const still = rgbToYuv(picture.data, picture.width, picture.height, 3, true);
          pool.addStill(i, still, (await import('../living/prepare.js')).prepareLiving(still, s.effects));
        } else {
          // Decoded ahead (while the photo was analysed) when the run guessed this framing.
          const ahead = await call.stills?.takeAhead(path, opened, { framing: s.framing, width: W, height: H, background: plan.background });
          const picture = ahead ? await ahead.picture.catch(() => prepareStill(opened, s.framing, W, H, background)) : await prepareStill(opened, s.framing, W, H, background);
          await pool.addStillRgb(i, picture.data, picture.width, picture.height);
        }
      })();
      p.catch(() => undefined); // awaited where it is used; never an unhandled rejection
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
        // A clip is opaque: its frames get a full alpha plane when the output keeps alpha.
        const opaque = (x: Uint8Array): Uint8Array => {
          if (!alpha) return x;
          const o = new Uint8Array(alphaAt + W * H);
          o.set(x.subarray(0, alphaAt));
          o.fill(255, alphaAt);
          return o;
        };
        if (f) return opaque(f);
        const blank = new Uint8Array(frameBytes(W, H));
        blank.fill(16, 0, W * H);
        blank.fill(128, W * H);
        return opaque(blank);
      });
      clipChain.set(i, next.catch(() => undefined)); // the chain only orders; `next` itself carries the error to its caller
      return next;
    }
    return pool.render(req++, viewOf((s as PhotoShotPlan).motion, local, zoomBoost, disparities.get(i)), spent.pop(), i, local);
  };

  // Accents on beats: strength 1 at an accent's frame, decaying over the next few frames.
  const accentFrames = plan.accents ? [...plan.accents.frames].sort((a, b) => a - b) : [];
  const accentAt = (f: number): number => {
    let last = -1;
    for (const a of accentFrames) { if (a <= f) last = a; else break; }
    if (last < 0) return 0;
    const k = (f - last) * (30 / plan.fps);
    return k > 8 ? 0 : Math.exp(-k / 2.2);
  };
  const pulse = (f: number): number => (plan.accents?.kind === 'pulse' ? 1 + 0.07 * accentAt(f) : 1);
  const flash = (frame: Uint8Array, f: number): void => {
    const s = plan.accents?.kind === 'flash' ? 0.75 * accentAt(f) : 0;
    if (s <= 0.01) return;
    for (let i = 0; i < W * H; i++) frame[i] = frame[i]! + (235 - frame[i]!) * s;
    for (let i = W * H; i < alphaAt; i++) frame[i] = 128 + (frame[i]! - 128) * (1 - s);
  };

  const compose = async (f: number): Promise<Uint8Array> => {
    const active = shotsAt(plan.shots, f);
    if (active.length === 1) {
      const i = active[0]!;
      return layer(i, f - plan.shots[i]!.startFrame, pulse(f));
    }
    const [ia, ib] = [active[0]!, active[active.length - 1]!];
    const sa = plan.shots[ia]!, sb = plan.shots[ib]!;
    const tr = sa.transitionOut ?? { kind: 'cut' as const, frames: 1 };
    const p = transitionProgress(f - sb.startFrame, Math.max(1, tr.frames));
    // Zoom transition: the outgoing shot pushes further in about its own centre.
    const [a, b] = await Promise.all([layer(ia, f - sa.startFrame, tr.kind === 'zoom' ? 1 + 0.3 * p : 1), layer(ib, f - sb.startFrame, 1)]);
    if (alpha) {
      // Transparent output: blended here, with the alpha plane cross-faded as the picture is.
      composeTransition(tr.kind, a, b, p, W, H, a);
      if (tr.kind !== 'cut' && p > 0 && p < 1) for (let k = alphaAt; k < a.length; k++) a[k] = a[k]! + (b[k]! - a[k]!) * p;
      spent.push(b.buffer as ArrayBuffer);
      return a;
    }
    // Blended on a render thread: a frame of arithmetic per transition frame would hold the main thread.
    const { frame, spare } = await pool.mix(req++, tr.kind, a, b, p);
    if (spare && spare.byteOffset === 0 && spare.byteLength === spare.buffer.byteLength) spent.push(spare.buffer as ArrayBuffer);
    return frame;
  };

  const drawTexts = textTrack?.renderTextTrackOnFrame ?? null;
  const { isBuiltinMedia, builtinTrack, trackSeconds } = music;

  let encoder: ReturnType<typeof startEncoder> | null = null;
  const inFlight: Array<Promise<Uint8Array>> = [];
  try {
    // The first photo is prepared and the text overlays drawn on threads while the built-in music
    // is made (once per machine) and the encoder starts (ffmpeg, x264, the audio graph): none of
    // them waits for another.
    const first = Promise.all([prepare(0), textTrack?.prerenderTextTrack(W, H, plan.texts, plan.fps, F)]);
    first.catch(() => undefined); // awaited just below; never an unhandled rejection meanwhile
    const builtinPaths = new Map<string, string>();
    for (const a of plan.audio) {
      if (isBuiltinMedia(a.media) && !builtinPaths.has(a.media)) {
        builtinPaths.set(a.media, await (await import('../music/builtin.js')).ensureBuiltinTrack(a.media, { ...(call.musicDir ? { dir: call.musicDir } : {}), ...(call.ffmpegPath ? { ffmpegPath: call.ffmpegPath } : {}) }));
      }
    }
    const audio: AudioSpec[] = plan.audio.map((a) => ({
      path: builtinPaths.get(a.media) ?? call.locate(a.media), volume: a.volume, startS: a.startS, trimS: a.trimS, loop: a.loop, fadeInS: a.fadeInS, fadeOutS: a.fadeOutS,
      ...(a.durationS !== null ? { durationS: a.durationS } : {}),
      ...(a.sourceDurationS !== undefined ? { sourceDurationS: a.sourceDurationS } : isBuiltinMedia(a.media) && builtinTrack(a.media) ? { sourceDurationS: trackSeconds(builtinTrack(a.media)!) } : {}),
    }));
    const o = plan.output;
    encoder = startEncoder(
      { width: W, height: H, fps: plan.fps, frames: F, format: o.format, quality: o.quality, preset: o.preset, output: call.output, input: { kind: 'pipe' }, audio, ...(isSeamless(plan) ? { seamless: true, ...(isStillLoop(plan) ? { stillCamera: true } : {}) } : {}), ...(o.loudnorm ? { loudnorm: true } : {}), ...(alpha ? { alpha: true } : {}) },
      { signal: call.signal, ffmpegPath: call.ffmpegPath },
    );
    await first;
    if (call.signal?.aborted) throw cancelled();
    meter.report('analyse', 1, 1);
    const ahead = pool.size * 2;
    let next = 0;
    const lastFrameOf = plan.shots.map((s) => s.startFrame + s.frames - 1);
    for (let f = 0; f < F; f++) {
      while (next < F && inFlight.length < ahead) {
        // Prepare the shot after the one starting now, so its decode overlaps this one's frames.
        for (const i of shotsAt(plan.shots, next)) if (i + 1 < plan.shots.length) void prepare(i + 1);
        const p = compose(next);
        p.catch(() => undefined); // awaited below in frame order; never an unhandled rejection meanwhile
        inFlight.push(p);
        next++;
      }
      if (call.signal?.aborted) throw cancelled();
      const frame = await inFlight.shift()!;
      flash(frame, f);
      drawTexts?.(frame, W, H, plan.texts, f / plan.fps);
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
    for (const c of clips.values()) await c.then((x) => x.close()).catch(() => undefined); // a clip that failed to open has nothing to close
  }
  meter.report('finish', 1, 1);
  return {
    output: call.output, width: W, height: H, fps: plan.fps, frames: F, duration_ms: Math.round((F / plan.fps) * 1000),
    size_bytes: (await stat(call.output)).size, format: plan.output.format,
  };
};
