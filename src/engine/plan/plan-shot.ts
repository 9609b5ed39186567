/**
 * One photo shot planned from what analysis learned about the photo (its upright size and subject)
 * and the shot's asked framing and move: the picture the camera moves over and the camera path.
 * Pure and cheap; nothing is decoded here. The renderer builds exactly this picture.
 */
import type { Box } from './plan-motion.js';
import { planMotion } from './plan-motion.js';
import { isDepthMove, type DepthMoveName, type EasingName, type MoveName } from './moves.js';
import { planDepthMotion } from './depth-motion.js';
import { decodeDepth, DEPTH_LABELS, DEPTH_MIN_CONFIDENCE, pickDepth, type DepthMap, type DepthMode } from '../depth/map.js';
import type { Framing, ShotMotion } from './render-plan.js';
import type { DepthAnalysis, StoredMatte } from '../depth/map.js';

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
  /**
   * Shares of the photo found to be sky and water (0: none found); absent in analyses made before
   * issue 14. `skyMatte`: the photo's own sky matte (iPhone HEIC), which the sky region then uses;
   * `waterMatte`: the water found, which the water region then moves; `foliage` and `foliageMatte`
   * the same for trees, leaves and grass (absent in analyses made before them).
   */
  readonly regions?: {
    readonly sky: number; readonly water: number; readonly foliage?: number; readonly skyMatte?: StoredMatte;
    /** The water found (0/255 at the detector's size). */ readonly waterMatte?: StoredMatte;
    /** The foliage found (0/255 at the detector's size). */ readonly foliageMatte?: StoredMatte;
  };
  /** The photo's depth: its own map when it has one, and an estimate (absent in analyses made before depth). */
  readonly depth?: DepthAnalysis;
}

export type PhotoFit = 'cover' | 'blur' | 'color';

export interface PhotoShotInput {
  readonly photo: Pick<StillAnalysis, 'width' | 'height'> & Partial<Pick<StillAnalysis, 'subject' | 'confidence' | 'depth'>>;
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
  /** Which depth a depth move may use (default auto: the photo's own, else the estimate). */
  readonly depthMode?: DepthMode;
  /** A closed camera path (the last frame flows into the first): depth moves loop, flat ones go there and back. */
  readonly loop?: boolean;
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
  const depthMode = o.depthMode ?? 'auto';
  const depth = pickDepth(o.photo.depth, depthMode);
  let move = o.move;
  let autoReason: string | null = null;
  // `auto` makes a depth move when the photo carries a depth map it can trust and fits the canvas.
  if (move === 'auto' && depth && depth.source !== 'estimated' && depth.confidence >= 0.8 && o.fit === 'cover') {
    const rho = (sw / sh) / (W / H);
    if (rho < 1.35 && rho > 1 / 1.35) {
      const options: DepthMoveName[] = ['dolly-in', 'parallax-right', '3d-zoom', 'parallax-left'];
      move = options[((o.variant % options.length) + options.length) % options.length]!;
      autoReason = `the photo carries a depth map (${DEPTH_LABELS[depth.source]}): a ${move} move where near things move more than far ones`;
    }
  }
  if (isDepthMove(move)) {
    const why = o.fit !== 'cover' ? 'a depth move needs the photo to fill the frame (fit cover)'
      : depthMode === 'off' ? 'depth is off'
      : !depth ? (depthMode === 'embedded' ? 'the photo carries no depth map' : 'the photo has no depth analysis yet')
      : depth.confidence < DEPTH_MIN_CONFIDENCE ? `the ${DEPTH_LABELS[depth.source]} is not reliable enough for this photo (confidence ${depth.confidence.toFixed(2)})`
      : null;
    if (why === null && depth) {
      const dm = planDepthMotion({
        stillWidth: stillW, stillHeight: stillH, sourcePixelsAcross, canvasWidth: W, canvasHeight: H, subject,
        subjectDepth: subjectDepthOf(depth, subject), move, intensity: o.intensity, easing: o.easing, frames: o.frames, fps: o.fps,
        loop: o.loop ?? false, depth,
      });
      return { framing, motion: autoReason ? { ...dm, reason: autoReason } : dm };
    }
    const flat = planMotion({
      stillWidth: stillW, stillHeight: stillH, sourcePixelsAcross, canvasWidth: W, canvasHeight: H, subject,
      move, intensity: o.intensity, easing: o.easing, frames: o.frames, fps: o.fps, variant: o.variant, loop: o.loop ?? false,
    });
    return { framing, motion: { kind: 'camera', ...flat, reason: `${move} made flat: ${why}`, flatInsteadOf: { move, why: why ?? '' } } };
  }
  const motion = planMotion({
    stillWidth: stillW, stillHeight: stillH, sourcePixelsAcross, canvasWidth: W, canvasHeight: H, subject,
    move, intensity: o.intensity, easing: o.easing, frames: o.frames, fps: o.fps, variant: o.variant, loop: o.loop ?? false,
  });
  return { framing, motion: { kind: 'camera', ...motion } };
};

/** Mean disparity (0..1) of the middle of the subject box (the whole photo's middle without one). */
const subjectDepthOf = (d: DepthMap, s: Box | null): number => {
  const b = s ?? { x: 0.35, y: 0.35, w: 0.3, h: 0.3 };
  const px = decodeDepth(d);
  const x0 = Math.floor((b.x + b.w * 0.25) * d.width), x1 = Math.max(x0 + 1, Math.ceil((b.x + b.w * 0.75) * d.width));
  const y0 = Math.floor((b.y + b.h * 0.25) * d.height), y1 = Math.max(y0 + 1, Math.ceil((b.y + b.h * 0.75) * d.height));
  let sum = 0, n = 0;
  for (let y = Math.max(0, y0); y < Math.min(d.height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(d.width, x1); x++) { sum += px[y * d.width + x]!; n++; }
  return n ? sum / n / 255 : 0.5;
};
