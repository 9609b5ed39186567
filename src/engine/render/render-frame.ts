/** One output frame (yuv420p) from the still's planes and a view in still fractions. */
import { samplePlane, type SamplerScratch } from './sampler.js';
import type { YuvStill } from './yuv.js';
import { cameraAt, viewRect, type MotionPlan } from '../plan/plan-motion.js';

/** View rectangle in still fractions (left, top, width); height follows the canvas shape. */
export interface FrameView {
  readonly x: number;
  readonly y: number;
  readonly w: number;
}

export const frameBytes = (w: number, h: number): number => w * h + 2 * ((w >> 1) * (h >> 1));

export const renderFrame = (still: YuvStill, view: FrameView, outW: number, outH: number, out: Uint8Array, scratch: SamplerScratch): void => {
  const scale = (view.w * still.width) / outW;
  const left = view.x * still.width;
  const top = view.y * still.height;
  samplePlane(still.y, { left, top, scale }, out, 0, outW, outH, scratch);
  const cw = outW >> 1;
  const ch = outH >> 1;
  // Chroma planes are half size in both the still and the frame: same scale, half the origin.
  const cview = { left: left / 2, top: top / 2, scale };
  samplePlane(still.u, cview, out, outW * outH, cw, ch, scratch);
  samplePlane(still.v, cview, out, outW * outH + cw * ch, cw, ch, scratch);
};

/** The view of frame `i` of a plan, in still fractions, as the sampler wants it. */
export const frameView = (plan: MotionPlan, i: number): FrameView => {
  const r = viewRect(plan, cameraAt(plan, i));
  return { x: r.x, y: r.y, w: r.w };
};
