/** Stillmotion's public face: the engine's `animate`, its options and results, and the error catalogue. */
export { animate, frameCount, type AnimateCall, type AnimateResult } from './engine/animate.js';
export { resolveAnimateSettings, type AnimateOptions, type AnimateSettings } from './engine/settings.js';
export { MOVES, EASINGS, type MoveName, type EasingName } from './engine/plan/moves.js';
export { planMotion, cameraAt, type MotionPlan, type View, type Box } from './engine/plan/plan-motion.js';
export type { Progress, Stage } from './engine/progress.js';
export { ERRORS, StillmotionError, errorByCode, type ErrorName, type ErrorSpec } from './errors.js';
