/**
 * The draft layer, pure: types, the compact form, edits, timing, the one defaults table, requests
 * and options applied, resolving and planning, the one-line summary. It renders nothing and reads
 * no files: the engine renders the plan it makes.
 */
export * from './types.js';
export { toCompact, fromCompact, isReady, DRAFT_LIMITS, type CompactDraft, type CompactTrack, type CompactSegment, type FromCompactOptions } from './compact.js';
export * as edit from './edit.js';
export { timing, type Timing, type ShotTiming } from './timing.js';
export { summarize, moveName, MOVE_ZH, TRANSITION_ZH, ROLE_ZH, type SummaryLang } from './summary.js';
export { DEFAULTS, SPEED_INTENSITY, PLATFORM_ASPECT, BLUR_FILL_RATIO, emptyDraft, fitFor, textStyleFor, textPositionFor, textAnimationFor } from './defaults.js';
export { applyRequest, moveFor, movesFor, type Applied, type ApplyOptions, type MediaRef } from './apply-request.js';
export { applyToClips, resolveReferences, orderClips, visualMedia, clipLevel, type Clip, type ClipSession, type ClipsApplied, type Reference } from './clips.js';
export { checkOptions, applyOptions, outputOptions, type ClipOptions, type CheckedOptions } from './options.js';
export {
  resolveDraft, canvasFor, resolveText,
  type MediaInfo, type MediaLookup, type ResolveOptions, type ResolvedDraft, type ResolvedCanvas, type ResolvedShot, type ResolvedText, type ResolvedAudio,
} from './resolve.js';
export { planDraft, type PlanOptions } from './plan.js';
export { isEffectNote, keepResolvedEffects } from './resolve-effects.js';
