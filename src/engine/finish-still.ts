/**
 * The last step of preparing a still, once the photo is decoded: the subject, the motion plan and
 * the YUV planes (in shared memory). Synchronous loops over the pixels, in a module free of the
 * decoders so a thread can load it cheaply (prepare-thread.ts).
 */
import { findSubject, type SubjectEstimate } from './analyze/saliency.js';
import { planMotion, type Box, type MotionInput, type MotionPlan } from './plan/plan-motion.js';
import { rgbToYuv, type YuvStill } from './render/yuv.js';

/** The pixel work left once the photo is decoded: plain data, so it can cross to a thread. */
export interface StillWork {
  readonly picture: { readonly data: Uint8Array; readonly width: number; readonly height: number };
  readonly thumb: { readonly data: Uint8Array; readonly width: number; readonly height: number };
  /** Where the photo sits in the picture (all of it for cover; the middle for contain). */
  readonly photoBox: Box;
  readonly motion: Omit<MotionInput, 'stillWidth' | 'stillHeight' | 'subject'>;
}

export interface FinishedStill {
  readonly still: YuvStill;
  readonly plan: MotionPlan;
  /** Subject in fractions of the photo itself (not the contain composite). */
  readonly subject: SubjectEstimate;
}

/** Runs `finishStill` somewhere else (a thread). */
export interface StillWorker {
  finish(work: StillWork): Promise<FinishedStill>;
}

export const finishStill = (w: StillWork): FinishedStill => {
  const subject = findSubject(w.thumb.data, w.thumb.width, w.thumb.height);
  const { photoBox } = w;
  const inPicture: Box = {
    x: photoBox.x + subject.box.x * photoBox.w,
    y: photoBox.y + subject.box.y * photoBox.h,
    w: subject.box.w * photoBox.w,
    h: subject.box.h * photoBox.h,
  };
  const plan = planMotion({ ...w.motion, stillWidth: w.picture.width, stillHeight: w.picture.height, subject: subject.confidence > 0.05 ? inPicture : null });
  const still = rgbToYuv(w.picture.data, w.picture.width, w.picture.height, 3, true);
  return { still, plan, subject };
};
