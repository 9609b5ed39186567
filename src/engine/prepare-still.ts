/**
 * From a photo to everything the renderer needs: the still at working resolution (as YUV planes),
 * the subject, and the motion plan. Framing (cover, or contain over a blurred copy or a colour)
 * is decided here, so the planner and the sampler only ever see one picture.
 *
 * Decoding and resizing run in libvips' threads; the pixel loops of our own (the subject, the plan,
 * the YUV planes: `finishStill`) run where the caller says: inline, or on a `StillThread` so a
 * server's event loop never waits for them.
 */
import sharp from 'sharp';
import { finishStill, type FinishedStill, type StillWork, type StillWorker } from './finish-still.js';
import { decodeRgb, openStill, type DecodedRgb, type OpenedStill, type StillSource } from './input/load-still.js';
import type { Box, MotionInput } from './plan/plan-motion.js';
import type { Fit } from './settings.js';

/** The canvas, the framing and the move asked for: what `planMotion` needs beyond the still itself. */
export type FramingRequest = Pick<MotionInput, 'canvasWidth' | 'canvasHeight' | 'move' | 'intensity' | 'easing' | 'frames' | 'fps' | 'variant'> & {
  readonly fit: Fit;
  readonly background: readonly [number, number, number];
};

/** The still as YUV planes, its subject and its motion plan (see finish-still.ts), and what the photo was. */
export interface PreparedStill extends FinishedStill {
  readonly source: StillSource;
}

const THUMB = 160;

/** Largest zoom any move may use at this intensity (the planner never exceeds it). */
export const zoomBudget = (intensity: number): number => 1 + 0.4 * intensity;

const thumbnail = async (rgb: DecodedRgb): Promise<{ data: Buffer; width: number; height: number }> => {
  const { data, info } = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(THUMB, THUMB, { fit: 'inside', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Contain composite: the photo fitted inside a canvas-shaped picture over a blurred copy or a colour. */
const containComposite = async (fg: DecodedRgb, cw: number, ch: number, fit: Fit, bg: readonly [number, number, number]): Promise<DecodedRgb> => {
  const left = Math.round((cw - fg.width) / 2);
  const top = Math.round((ch - fg.height) / 2);
  const raw = { raw: { width: fg.width, height: fg.height, channels: 3 as const } };
  let base: Buffer;
  if (fit === 'blur') {
    // A soft, slightly darkened copy of the photo fills the canvas behind it.
    base = await sharp(fg.data, raw)
      .resize(cw, ch, { fit: 'cover' })
      .blur(Math.max(2, Math.min(cw, ch) / 28))
      .linear(0.78, 0)
      .raw()
      .toBuffer();
  } else {
    base = await sharp({ create: { width: cw, height: ch, channels: 3, background: { r: bg[0], g: bg[1], b: bg[2] } } }).raw().toBuffer();
  }
  const data = await sharp(base, { raw: { width: cw, height: ch, channels: 3 } })
    .composite([{ input: fg.data, raw: raw.raw, left, top }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return { data, width: cw, height: ch };
};

export const prepareStill = async (opened: OpenedStill, f: FramingRequest, worker?: StillWorker): Promise<PreparedStill> => {
  const src = opened.source;
  const W = f.canvasWidth;
  const H = f.canvasHeight;
  const A = W / H;
  const zmax = zoomBudget(f.intensity);
  let picture: DecodedRgb;
  let photo: DecodedRgb;
  let photoBox: Box;
  let sourcePixelsAcross: number;
  if (f.fit === 'cover') {
    // Working size: the zoom-1 crop is W * zmax pixels across (never more than the photo has).
    const cropAcross = src.width / src.height > A ? src.height * A : src.width;
    const k = Math.min(1, (W * zmax) / cropAcross);
    photo = await decodeRgb(opened, Math.max(1, Math.round(src.width * k)), Math.max(1, Math.round(src.height * k)), f.background);
    picture = photo;
    photoBox = { x: 0, y: 0, w: 1, h: 1 };
    sourcePixelsAcross = cropAcross;
  } else {
    const cw = even(W * zmax);
    const ch = even(H * zmax);
    const k = Math.min(cw / src.width, ch / src.height);
    const fw = Math.max(1, Math.min(cw, Math.round(src.width * k)));
    const fh = Math.max(1, Math.min(ch, Math.round(src.height * k)));
    photo = await decodeRgb(opened, fw, fh, f.background);
    picture = await containComposite(photo, cw, ch, f.fit, f.background);
    photoBox = { x: Math.round((cw - fw) / 2) / cw, y: Math.round((ch - fh) / 2) / ch, w: fw / cw, h: fh / ch };
    sourcePixelsAcross = src.width / photoBox.w;
  }
  const th = await thumbnail(photo);
  const work: StillWork = {
    picture, thumb: th, photoBox,
    motion: { sourcePixelsAcross, canvasWidth: W, canvasHeight: H, move: f.move, intensity: f.intensity, easing: f.easing, frames: f.frames, fps: f.fps, variant: f.variant },
  };
  const done = worker ? await worker.finish(work) : finishStill(work);
  return { source: src, ...done };
};

export { openStill, finishStill, type StillWork, type StillWorker };
