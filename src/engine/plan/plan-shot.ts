/**
 * One photo shot planned from what analysis learned about the photo (its upright size and subject)
 * and the shot's asked framing and move: the picture the camera moves over and the camera path.
 * Pure and cheap; nothing is decoded here. The renderer builds exactly this picture.
 */
import type { Box } from './plan-motion.js';
import { planMotion } from './plan-motion.js';
import type { EasingName, MoveName } from './moves.js';
import type { Framing, ShotMotion } from './render-plan.js';

/** What analysis learned about a photo, once (stored with the media). */
export interface StillAnalysis {
  readonly version: 1;
  /** Upright size in pixels (orientation applied). */
  readonly width: number;
  readonly height: number;
  /** The EXIF orientation the decoder applies (1 = as stored). */
  readonly orientation: number;
  readonly hasAlpha: boolean;
  /** Where the subject is, in fractions of the upright photo. */
  readonly subject: Box;
  /** 0..1: how much the subject stands out; below 0.05 the planner treats it as no subject. */
  readonly confidence: number;
  /** What the decoder noticed (a multi-page file, a HEIC's auxiliary images…). */
  readonly notes: readonly string[];
  /** Shares of the photo found to be sky and water (0: none found); absent in analyses made before issue 14. */
  readonly regions?: { readonly sky: number; readonly water: number };
}

export type PhotoFit = 'cover' | 'blur' | 'color';

export interface PhotoShotInput {
  readonly photo: Pick<StillAnalysis, 'width' | 'height'> & Partial<Pick<StillAnalysis, 'subject' | 'confidence'>>;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  readonly fit: PhotoFit;
  readonly move: MoveName;
  readonly intensity: number;
  readonly easing: EasingName;
  readonly frames: number;
  readonly fps: number;
  /** Varies `auto` between photos of a batch or shots of a slideshow. */
  readonly variant: number;
}

/** Largest zoom any move may use at this intensity (the planner never exceeds it). */
export const zoomBudget = (intensity: number): number => 1 + 0.4 * intensity;

/** Below this the subject estimate is not used (the planner aims at the centre). */
export const MIN_SUBJECT_CONFIDENCE = 0.05;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export const planPhotoShot = (o: PhotoShotInput): { readonly framing: Framing; readonly motion: ShotMotion } => {
  const W = o.canvasWidth, H = o.canvasHeight;
  const sw = Math.max(1, o.photo.width), sh = Math.max(1, o.photo.height);
  const zmax = zoomBudget(o.intensity);
  let framing: Framing;
  let stillW: number, stillH: number, sourcePixelsAcross: number;
  let photoBox: Box;
  if (o.fit === 'cover') {
    framing = { fit: 'cover', detailZoom: zmax };
    [stillW, stillH] = [sw, sh];
    photoBox = { x: 0, y: 0, w: 1, h: 1 };
    // Pixels of the photo across the zoom-1 crop.
    sourcePixelsAcross = sw / sh > W / H ? sh * (W / H) : sw;
  } else {
    // A canvas-shaped picture, as large as the tightest view needs, with the photo fitted inside.
    const cw = even(W * zmax), ch = even(H * zmax);
    const k = Math.min(cw / sw, ch / sh);
    const fw = Math.max(1, Math.min(cw, Math.round(sw * k)));
    const fh = Math.max(1, Math.min(ch, Math.round(sh * k)));
    const x = Math.round((cw - fw) / 2), y = Math.round((ch - fh) / 2);
    framing = { fit: o.fit, detailZoom: zmax, picture: { width: cw, height: ch }, photo: { x, y, width: fw, height: fh } };
    [stillW, stillH] = [cw, ch];
    photoBox = { x: x / cw, y: y / ch, w: fw / cw, h: fh / ch };
    sourcePixelsAcross = sw / photoBox.w;
  }
  const s = o.photo.subject;
  const subject = s && (o.photo.confidence ?? 0) > MIN_SUBJECT_CONFIDENCE
    ? { x: photoBox.x + s.x * photoBox.w, y: photoBox.y + s.y * photoBox.h, w: s.w * photoBox.w, h: s.h * photoBox.h }
    : null;
  const motion = planMotion({
    stillWidth: stillW, stillHeight: stillH, sourcePixelsAcross, canvasWidth: W, canvasHeight: H, subject,
    move: o.move, intensity: o.intensity, easing: o.easing, frames: o.frames, fps: o.fps, variant: o.variant,
  });
  return { framing, motion: { kind: 'camera', ...motion } };
};
