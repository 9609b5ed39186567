/** The draft: types, compact form, edits, timing, summary, requests applied, resolution and rendering. */
export * from './types.js';
export { toCompact, fromCompact, isReady, type CompactDraft, type CompactTrack, type CompactSegment } from './compact.js';
export * as edit from './edit.js';
export { timing, type Timing, type ShotTiming } from './timing.js';
export { summarize, moveName, MOVE_ZH, TRANSITION_ZH, ROLE_ZH, type SummaryLang } from './summary.js';
export { applyRequest, moveFor, type Applied, type MediaRef } from './apply-request.js';
export { resolveDraft, type MediaInfo, type Resolved, type ResolvedText, type ResolveOptions } from './resolve.js';
export { renderDraft, type RenderDraftCall } from './render-draft.js';
export { describeLocalMedia } from './local-media.js';
