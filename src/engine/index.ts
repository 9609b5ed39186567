/**
 * The engine's one public face: everything outside src/engine imports the engine from here (a test
 * keeps it so). Loading it is cheap: the vocabulary, the planners and the plan's types are plain
 * modules; the decoders, the renderer and ffmpeg load on the first call that needs them.
 *
 * The engine knows photos, plans and files; it knows nothing of drafts, sessions or HTTP.
 */
import type { StillLimits } from './input/load-still.js';
import type { StillCache } from './input/still-cache.js';
import type { DescribeOptions, MediaFacts } from './media/local-media.js';
import type { StillAnalysis } from './plan/plan-shot.js';
import type { RenderPlan } from './plan/render-plan.js';
import type { RenderPlanCall, RenderPlanResult } from './compose/render-plan.js';

// --- vocabulary -----------------------------------------------------------------------------
export { MOVES, EASINGS, INTENSITY_WORDS, ease, DEPTH_MOVES, FLAT_FOR, isDepthMove, type MoveName, type ResolvedMoveName, type EasingName, type IntensityWord, type DepthMoveName } from './plan/moves.js';
export { DEPTH_MODES, DEPTH_SOURCES, DEPTH_LABELS, DEPTH_MIN_CONFIDENCE, pickDepth, type DepthMode, type DepthSource, type DepthMap, type DepthAnalysis } from './depth/map.js';
export {
  ASPECTS, COLOUR_NAMES, FPS_VALUES, SIZE_PRESETS, FITS, FORMATS, QUALITIES, DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_PRESET,
  parseSize, parseColour, parseIntensity, aspectSize, aspectForPhoto, colourHex, oneOf, num, invalidOption,
  type Aspect, type Fit, type Format, type Quality, type SizePreset, type SizeSpec,
} from './settings.js';
export { TEXT_COLOUR_NAMES } from './text/color.js';
export { TEXT_POSITIONS, TEXT_ANIMATIONS, TEXT_ALIGNS, TEXT_FONTS, TEXT_WEIGHTS, type TextPosition, type TextAnimation, type TextStyle, type TextFont, type TextWeight, type TextLayer } from './text/types.js';
export { TRANSITION_KINDS, type TransitionKind } from './compose/transitions.js';
export {
  EFFECT_TYPES, FLOW_EFFECTS, REGION_NAMES, FOUND_REGIONS, EFFECT_DIRECTIONS, DIRECTION_VECTORS, DEFAULT_DIRECTION, DEFAULT_REGION,
  isFlowEffect, speedFraction, effectPeriod, SUBJECT_CONFIDENCE,
  type EffectType, type RegionName, type EffectDirection, type EffectPlan, type RegionPlan, type Polygon,
} from './living/effects.js';
export { sniff, ACCEPTED_IMAGES, ACCEPTED_VIDEO, ACCEPTED_AUDIO, type Sniffed } from './input/sniff.js';
export type { Progress, ProgressListener, Stage, RenderedFile } from './progress.js';

// --- planning (pure) --------------------------------------------------------------------------
export { planMotion, cameraAt, viewRect, type MotionPlan, type MotionInput, type View, type Box } from './plan/plan-motion.js';
export { planPhotoShot, zoomBudget, MIN_SUBJECT_CONFIDENCE, type StillAnalysis, type PhotoFit, type PhotoShotInput } from './plan/plan-shot.js';
export {
  RENDER_PLAN_VERSION, movesOf, depthOf, type ShotDepthInfo, type DepthMotion,
  type RenderPlan, type ShotPlan, type PhotoShotPlan, type ClipShotPlan, type Framing, type ShotMotion, type CameraMotion,
  type TextLayerPlan, type AudioSegmentPlan, type OutputPlan, type OutputFormat, type OutputQuality,
} from './plan/render-plan.js';
export { StillCache } from './input/still-cache.js';
export {
  BUILTIN_TRACKS, builtinTrack, builtinTrackNamed, builtinGrid, pickTrack, beatTimes, isBuiltinMedia, trackSeconds, beatSeconds,
  type BuiltinTrack, type BeatGrid,
} from './music/library.js';
export type { StillLimits } from './input/load-still.js';
export type { MediaFacts, DescribeOptions } from './media/local-media.js';
export type { RenderPlanCall, RenderPlanResult } from './compose/render-plan.js';
export type { RenderPool } from './render/pool.js';

// --- work (loads the decoders, the render threads and ffmpeg on first use) ---------------------

/** Renders a plan into a file: the only way the engine makes video. */
export const renderPlan = async (plan: RenderPlan, call: RenderPlanCall): Promise<RenderPlanResult> =>
  (await import('./compose/render-plan.js')).renderPlan(plan, call);

/**
 * Render threads for a render to come (`RenderPlanCall.pool`), started now: each takes tens of
 * milliseconds of CPU to start, which overlaps whatever comes before the render (the photo's decode
 * and analysis) instead of delaying its first frame. Until a render takes them they hold nothing open.
 * The renderer's own modules load meanwhile too (tens of milliseconds on this thread, in the waits
 * for the decoders, rather than between the plan and the first frame).
 */
export const startRenderThreads = async (threads = 2): Promise<import('./render/pool.js').RenderPool> => {
  const pool = new (await import('./render/pool.js')).RenderPool(threads);
  import('./compose/render-plan.js').catch(() => undefined); // renderPlan reports what is wrong
  return pool;
};

/** The depth estimate of a photo whose analysis was made without it (`depthEstimate: false`). */
export const estimateStillDepth = async (path: string, limits: StillLimits, cache?: StillCache): Promise<import('./depth/map.js').DepthMap> =>
  (await import('./analyze/analyse-still.js')).estimateStillDepth(path, limits, cache);

/** What a file is (kind by content, size, length) and, for a photo when asked, its analysis. */
export const describeMediaFile = async (path: string, o?: DescribeOptions): Promise<MediaFacts> =>
  (await import('./media/local-media.js')).describeMediaFile(path, o);

/** A photo's analysis (upright size, orientation, subject), computed once and stored with the media. */
export const analyseStill = async (path: string, limits: StillLimits, cache?: StillCache): Promise<StillAnalysis> =>
  (await import('./analyze/analyse-still.js')).analyseStill(path, limits, cache);

/** The file of a built-in music track (`builtin:<slug>`), synthesised and mastered on first use, then cached. */
export const ensureBuiltinTrack = async (id: string, o?: { dir?: string; ffmpegPath?: string }): Promise<string> =>
  (await import('./music/builtin.js')).ensureBuiltinTrack(id, o);

/** EBU R128 loudness of a sound file (integrated LUFS, true peak dBTP, range LU), by ffmpeg's meter. */
export const measureLoudness = async (path: string, o?: { ffmpegPath?: string }): Promise<import('./music/builtin.js').Loudness> =>
  (await import('./music/builtin.js')).measureLoudness(path, o);

/** Beats and downbeats of a sound file (found once at upload and kept with the media). */
export const detectBeats = async (path: string, o?: { ffmpegPath?: string; signal?: AbortSignal; maxSeconds?: number }): Promise<import('./music/library.js').BeatGrid> =>
  (await import('./music/beats.js')).detectBeats(path, o);

/** A PNG of a depth map for people to look at (`--save-depth`). */
export const depthPicture = async (m: import('./depth/map.js').DepthMap, minSide?: number): Promise<Buffer> =>
  (await import('./depth/map.js')).depthPicturePng(m, minSide);

/** A small JPEG of a photo or a clip for lists and timelines. */
export const makeThumbnail = async (...a: Parameters<typeof import('./media/thumbnail.js').makeThumbnail>): ReturnType<typeof import('./media/thumbnail.js').makeThumbnail> =>
  (await import('./media/thumbnail.js')).makeThumbnail(...a);
