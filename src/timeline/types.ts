/**
 * The draft: the whole timeline a user edits. Typed form (what the code works with); the compact
 * JSON form of API.md (`t`, `tt`, `sg`, `s`, `d`, `m`) lives in compact.ts. Times in milliseconds.
 */
import { TRANSITION_KINDS, type DepthMode, type EasingName, type EffectDirection, type EffectType, type Fit, type MoveName, type Polygon, type RegionName, type TextAnimation, type TextPosition, type TransitionKind } from '../engine/index.js';

export { TEXT_ANIMATIONS, TEXT_POSITIONS, type TextAnimation, type TextPosition } from '../engine/index.js';

/** The transitions a draft may ask for: the ones the compositor draws. */
export const TRANSITIONS = TRANSITION_KINDS;
export type TransitionType = TransitionKind;

export const TEXT_ROLES = ['title', 'caption', 'subtitle', 'cta', 'watermark'] as const;
export type TextRole = (typeof TEXT_ROLES)[number];

export interface Canvas {
  /** Aspect as asked ('16:9', …) or 'auto' (follow the first photo). */
  readonly aspect: string;
  /** Short-side preset ('1080p') or exact 'WxH'. */
  readonly size: string;
  readonly fps: number;
  /** A colour ('#rrggbb' or a name), or 'transparent' (kept by WebM and MOV; MP4 and GIF show black). */
  readonly background: string;
}

export interface Transition {
  readonly type: TransitionType;
  readonly durationMs: number;
}

/**
 * Motion inside a photo (living photos, issue 14): a flow in a region (drift, flow, ripple, sway,
 * rise) or an overlay (particles, light, fog). `region` is a named region or a polygon in fractions
 * of the photo (painted on the page); speed and strength 0–1 (0.5 normal).
 */
export interface Effect {
  readonly type: EffectType;
  readonly region: RegionName | { readonly polygon: Polygon };
  readonly direction: EffectDirection | null;
  readonly speed: number;
  readonly strength: number;
  /**
   * Added by "bring this photo to life" (not named by the words): where the photo turns out not to
   * have its place (no sky), it is left out without a note.
   */
  readonly auto?: true;
}

export interface Shot {
  readonly id: string;
  readonly mediaId: string;
  readonly kind: 'image' | 'video';
  /** Requested length; null lets the resolver choose (music, total, or a default). */
  readonly durationMs: number | null;
  readonly move: MoveName;
  /** Which depth a depth move may use (absent: auto, the photo's own else an estimate). */
  readonly depth?: DepthMode;
  readonly intensity: number | null;
  readonly easing: EasingName | null;
  readonly fit: Fit | null;
  /** Transition into the next shot. */
  readonly transition: Transition | null;
  /** Video clips: where to start in the source, and the volume of their own sound. */
  readonly trimStartMs: number;
  readonly volume: number;
  readonly label: string | null;
  /** Photos: motion inside the picture (absent or empty: none). */
  readonly effects?: readonly Effect[];
}

export interface AudioClip {
  readonly id: string;
  readonly mediaId: string | null;
  /** A style asked for in words ("lo-fi") while no file is attached yet. */
  readonly style: string | null;
  readonly label: string | null;
  readonly startMs: number;
  /** null: to the end of the video. */
  readonly durationMs: number | null;
  readonly volume: number;
  readonly fadeInMs: number;
  readonly fadeOutMs: number;
  readonly loop: boolean;
}

export interface TextItem {
  readonly id: string;
  readonly text: string;
  readonly role: TextRole;
  readonly position: TextPosition | null;
  readonly animation: TextAnimation;
  readonly startMs: number;
  /** null: to the end of the video. */
  readonly durationMs: number | null;
  readonly style: Readonly<Record<string, unknown>>;
}

/** Cuts on the beat of the first music track. */
export interface BeatSync {
  /** Beats per cut, or 'bar'; null: chosen from the tempo (about half a second or more per photo). */
  readonly every: number | 'bar' | null;
  readonly accent: 'none' | 'pulse' | 'flash';
}

export interface Draft {
  readonly canvas: Canvas;
  /** Cuts between photos on the music's beats; absent or null: timed as usual. */
  readonly beat?: BeatSync | null;
  /** Total length asked for (ms), or null to follow the shots (or the music). */
  readonly targetDurationMs: number | null;
  readonly shots: readonly Shot[];
  readonly audio: readonly AudioClip[];
  readonly texts: readonly TextItem[];
  readonly loop: boolean;
}
