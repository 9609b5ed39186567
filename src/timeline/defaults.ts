/**
 * The one defaults table. Every value a draft leaves open is filled from here when it is resolved,
 * and every rule that turns a word into a value (speed → intensity, platform → canvas shape) lives
 * here once; the edits, the resolver and the flags all read this file, nothing else invents one.
 */
import { INTENSITY_WORDS, type EasingName, type Fit, type TextAnimation, type TextPosition, type TextStyle } from '../engine/index.js';
import type { Draft, TextRole } from './types.js';

export const DEFAULTS = Object.freeze({
  canvas: Object.freeze({ aspect: 'auto', size: '1080p', fps: 30, background: '#000000' }),
  shot: Object.freeze({
    intensity: INTENSITY_WORDS.normal,
    easing: 'smooth' as EasingName,
    /** One photo alone. */
    singleMs: 5000,
    /** Each photo of a slideshow. */
    slideMs: 3000,
    minMs: 500,
    /** A clip plays at most this long unless told. */
    clipMaxMs: 60000,
    /** Slideshow pace when fitted to the music: seconds per shot between these. */
    musicPaceMs: Object.freeze([2000, 6000] as const),
  }),
  transition: Object.freeze({ durationMs: 600 }),
  music: Object.freeze({ volume: 1, fadeInMs: 500, fadeOutMs: 1000, loop: true }),
  /** A title shows for its first 3 seconds; other texts stay to the end. */
  textDurationMs: Object.freeze({ title: 3000, caption: null, subtitle: null, cta: null, watermark: null } as Record<TextRole, number | null>),
  output: Object.freeze({ format: 'mp4', quality: 'high', preset: 'veryfast', loudnorm: false } as const),
  /** Chat previews: quick to encode, the size comes from the service's setting. */
  preview: Object.freeze({ format: 'mp4', quality: 'medium' } as const),
});

/** "slow", "fast" → how much the camera moves. */
export const SPEED_INTENSITY = Object.freeze({ slow: INTENSITY_WORDS.subtle, normal: INTENSITY_WORDS.normal, fast: INTENSITY_WORDS.strong });

/** Platforms imply a canvas shape; used when the words state no aspect. */
export const PLATFORM_ASPECT: Readonly<Record<string, string>> = Object.freeze({
  tiktok: '9:16', instagram_reels: '9:16', instagram_story: '9:16', youtube_shorts: '9:16', instagram_feed: '4:5', youtube: '16:9',
});

/**
 * How far a shape may be from the canvas's (photo aspect / canvas aspect, or its inverse) before it
 * counts as "far": see `fitFor` and docs/decisions.md.
 */
export const BLUR_FILL_RATIO = 1.6;

/**
 * The framing a shot gets when it asks for none (looked at frame by frame, docs/decisions.md):
 * - a photo alone is cropped; the planner pans along it toward the subject when its shape is far
 *   from the canvas;
 * - in a slideshow, a photo much taller than the canvas (a portrait photo in a 16:9 reel) is shown
 *   whole over a blurred copy of itself: cropping it to a strip cut heads and skies off; one much
 *   wider (a landscape photo in a 9:16 reel) is cropped and panned along, which fills the screen
 *   where the whole photo would be a band a third of its height;
 * - a clip far from the canvas's shape is shown whole over a blurred copy (no camera follows its
 *   subject).
 */
export const fitFor = (o: { kind: 'image' | 'video'; shots: number; width?: number; height?: number; canvasWidth: number; canvasHeight: number }): Fit => {
  if (!o.width || !o.height) return 'cover';
  const rho = (o.width / o.height) / (o.canvasWidth / o.canvasHeight);
  if (o.kind === 'image') return o.shots > 1 && rho < 1 / BLUR_FILL_RATIO ? 'blur' : 'cover';
  return rho > BLUR_FILL_RATIO || rho < 1 / BLUR_FILL_RATIO ? 'blur' : 'cover';
};

/** How far "bigger"/"smaller" may scale a text from its role's size (the draft's `style.scale`). */
export const TEXT_SCALE = [0.4, 3] as const;

/**
 * A text role's style. Sizes are set from the canvas's short side (then expressed as a fraction of
 * its height, as TextStyle wants), so a title reads the same on 16:9, 1:1 and 9:16.
 */
export const textStyleFor = (role: TextRole, canvas: { readonly width: number; readonly height: number }): TextStyle => {
  const short = Math.min(canvas.width, canvas.height) / canvas.height;
  switch (role) {
    case 'title':
      return {
        font: 'sans', weight: 900, size: 0.1 * short, color: '#ffffff', align: 'center', shadow: true,
        outline: { color: 'rgba(0,0,0,0.35)', width: 0.03 },
      };
    case 'caption':
      return {
        font: 'sans', weight: 700, size: 0.05 * short, color: '#ffffff', align: 'center',
        box: { color: '#000000', opacity: 0.6, padding: 0.35 },
      };
    case 'subtitle':
      return {
        font: 'sans', weight: 700, size: 0.045 * short, color: '#ffffff', align: 'center',
        outline: { color: '#000000', width: 0.08 },
      };
    case 'cta':
      return {
        font: 'sans', weight: 900, size: 0.06 * short, color: '#111111', align: 'center', shadow: true,
        box: { color: '#ffd60a', opacity: 1, padding: 0.45 },
      };
    case 'watermark':
      return { font: 'sans', weight: 700, size: 0.028 * short, color: 'rgba(255,255,255,0.6)', align: 'right' };
  }
};

export const textPositionFor = (role: TextRole): TextPosition =>
  ({ title: 'top', caption: 'lower-third', subtitle: 'bottom', cta: 'bottom', watermark: 'bottom-right' } as const)[role];

export const textAnimationFor = (role: TextRole): TextAnimation =>
  ({ title: 'fade', caption: 'fade', subtitle: 'none', cta: 'pop', watermark: 'none' } as const)[role];

/** A draft with nothing on it yet, on the default canvas. */
export const emptyDraft = (): Draft => ({
  canvas: { ...DEFAULTS.canvas },
  targetDurationMs: null,
  shots: [],
  audio: [],
  texts: [],
  loop: false,
});
