/** Stillmotion's public face: `animate` (one photo → one clip, the one path), the plan it makes, and the error catalogue. */
export { animate, planClip, type AnimateCall, type AnimateResult } from './local/animate.js';
export { checkOptions, type ClipOptions } from './timeline/index.js';
export {
  MOVES, EASINGS, planMotion, cameraAt, renderPlan,
  type MoveName, type EasingName, type MotionPlan, type View, type Box, type RenderPlan, type StillAnalysis, type Progress, type Stage,
} from './engine/index.js';
export { ERRORS, StillmotionError, errorByCode, type ErrorName, type ErrorSpec } from './errors.js';
