/**
 * The render plan: a draft with every choice made, as plain data that survives JSON (it is stored
 * with a job and can be rendered on any machine that has the media). `renderPlan` reads nothing
 * else: no defaults, no analysis, no decisions. Media are named by id; the render call says where
 * each id's file is. Times of shots are frames; texts and sounds are seconds.
 */
import type { TextAnimation, TextPosition, TextStyle } from '../text/types.js';
import type { TransitionKind } from '../compose/transitions.js';
import type { Box, MotionPlan } from './plan-motion.js';
import type { DepthMotion } from './depth-motion.js';
import { DEPTH_LABELS, type DepthSource } from '../depth/map.js';

export const RENDER_PLAN_VERSION = 1;

export type OutputFormat = 'mp4' | 'webm' | 'gif' | 'mov';
export type OutputQuality = 'high' | 'medium' | 'low';

export interface RenderPlan {
  readonly version: typeof RENDER_PLAN_VERSION;
  /** Output size in pixels (even numbers). */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Exactly this many frames are rendered. */
  readonly frames: number;
  /** Canvas colour behind contained photos and transparent pixels, '#rrggbb'. */
  readonly background: string;
  readonly shots: readonly ShotPlan[];
  /** Drawn over the picture in this order (later on top). */
  readonly texts: readonly TextLayerPlan[];
  readonly audio: readonly AudioSegmentPlan[];
  readonly output: OutputPlan;
}

export interface OutputPlan {
  readonly format: OutputFormat;
  readonly quality: OutputQuality;
  /** x264 preset. */
  readonly preset: string;
  /** Bring the mix to about -14 LUFS. */
  readonly loudnorm: boolean;
}

interface ShotBase {
  /** The draft's shot id. */
  readonly id: string;
  readonly media: string;
  readonly startFrame: number;
  readonly frames: number;
  /** Into the next shot: it overlaps the next shot's first `frames` frames. */
  readonly transitionOut: { readonly kind: TransitionKind; readonly frames: number } | null;
}

export type ShotPlan = PhotoShotPlan | ClipShotPlan;

export interface PhotoShotPlan extends ShotBase {
  readonly kind: 'image';
  readonly framing: Framing;
  readonly motion: ShotMotion;
}

export interface ClipShotPlan extends ShotBase {
  readonly kind: 'video';
  /** cover: crop to fill; contain: whole, on the background colour; blur: whole, over a blurred copy. */
  readonly fit: 'cover' | 'contain' | 'blur';
  /** Seconds skipped at the head of the clip. */
  readonly trimS: number;
}

/**
 * What picture the camera moves over. `cover`: the photo itself. `blur`/`color`: a canvas-shaped
 * picture of `picture` pixels with the photo placed at `photo` (pixels), over a blurred copy of
 * itself or the background colour. `detailZoom`: the tightest zoom the picture is decoded for (the
 * working resolution maps one still pixel to one output pixel at this zoom).
 */
export type Framing =
  | { readonly fit: 'cover'; readonly detailZoom: number }
  | {
    readonly fit: 'blur' | 'color';
    readonly detailZoom: number;
    readonly picture: { readonly width: number; readonly height: number };
    readonly photo: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  };

/**
 * How a shot moves, one variant per kind of motion. `camera`: a 2D camera path over the picture
 * (views in fractions of it, eased). A new kind (a layered depth move, say) is a new variant with
 * its own fields; the renderer switches on `kind`.
 */
export type ShotMotion = CameraMotion | DepthMotion;

export interface CameraMotion extends MotionPlan {
  readonly kind: 'camera';
  /** A depth move asked for and made flat instead (no depth, too little confidence, a contained photo), and why. */
  readonly flatInsteadOf?: { readonly move: string; readonly why: string };
}

export type { DepthMotion };

export interface TextLayerPlan {
  readonly id: string;
  readonly text: string;
  /** Complete: font, weight, size (fraction of the canvas height), colours, decorations, alignment. */
  readonly style: TextStyle;
  readonly position: TextPosition;
  readonly animation: TextAnimation;
  readonly startS: number;
  readonly endS: number;
}

export interface AudioSegmentPlan {
  readonly id: string;
  readonly media: string;
  /** Gain 0..1. */
  readonly volume: number;
  /** Where it starts on the video's timeline. */
  readonly startS: number;
  /** Seconds skipped at the head of the file. */
  readonly trimS: number;
  /** At most this long; null: until the video ends. */
  readonly durationS: number | null;
  readonly loop: boolean;
  readonly fadeInS: number;
  readonly fadeOutS: number;
}

/** The move each photo shot got (shot id → move name), for replies and the timeline display. */
export const movesOf = (plan: RenderPlan): Record<string, string> =>
  Object.fromEntries(plan.shots.flatMap((s) => (s.kind === 'image' ? [[s.id, s.motion.move]] : [])));

/** What each photo shot's move used for depth, for replies, state and the page. */
export interface ShotDepthInfo {
  readonly move: string;
  /** The depth used, or null for a flat move. */
  readonly depth: DepthSource | null;
  /** "Dolly in · depth from the iPhone", or the flat move with why. */
  readonly label: string;
  /** Set when a depth move was asked for and a flat one made. */
  readonly fallback: string | null;
}

const pretty = (m: string) => (m === '3d-zoom' ? '3D zoom' : m.charAt(0).toUpperCase() + m.slice(1).replace(/-/g, ' '));

export const depthOf = (plan: RenderPlan): Record<string, ShotDepthInfo> =>
  Object.fromEntries(plan.shots.flatMap((s): Array<[string, ShotDepthInfo]> => {
    if (s.kind !== 'image') return [];
    const m = s.motion;
    if (m.kind === 'depth') return [[s.id, { move: m.move, depth: m.depth.source, label: `${pretty(m.move)} · ${DEPTH_LABELS[m.depth.source]}`, fallback: null }]];
    const f = m.flatInsteadOf;
    return [[s.id, { move: m.move, depth: null, label: f ? `${pretty(m.move)} (flat: ${f.why})` : pretty(m.move), fallback: f ? `${f.move} was made as ${m.move}: ${f.why}` : null }]];
  }));

export type { Box };
