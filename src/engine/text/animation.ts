/** How an animated text looks at a moment of its segment. */
import { graphemeCount } from './graphemes.js';
import type { TextAnimation } from './types.js';

export interface TextAnimationState {
  /** 0..1, multiplies the overlay's alpha. */
  opacity: number;
  /** Offsets as FRACTIONS OF THE CANVAS HEIGHT (multiply by the height for pixels). */
  dx: number;
  dy: number;
  /** Scale about the overlay's centre. */
  scale: number;
  /** Typewriter only, and only when the text was given: graphemes to show. Otherwise null. */
  visibleChars: number | null;
  /** Typewriter progress 0..1 (1 for the other animations). */
  reveal: number;
}

export const FADE_IN_S = 0.4;
export const FADE_OUT_S = 0.3;
export const SLIDE_FROM = 0.04;
export const SLIDE_S = 0.5;
export const POP_S = 0.4;
/** Typewriter finishes revealing by this fraction of the segment. */
export const TYPE_END = 0.6;

const clamp01 = (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : x);
const easeOutCubic = (x: number): number => 1 - (1 - x) ** 3;
const smooth = (x: number): number => x * x * (3 - 2 * x);

/** Fade in then out; both shrink on segments too short for them (never over 70 % of it). */
const fade = (t: number, d: number): number => {
  const fin = Math.min(FADE_IN_S, d * 0.4);
  const fout = Math.min(FADE_OUT_S, d * 0.3);
  const inn = fin > 0 ? clamp01(t / fin) : 1;
  const out = fout > 0 ? clamp01((d - t) / fout) : 1;
  return smooth(Math.min(inn, out));
};

/**
 * `tInS` is the time since the segment started, `segDurS` its length. Pass the text to get
 * typewriter's visibleChars in grapheme clusters (Intl.Segmenter), so CJK and emoji never split.
 */
export const textAnimationAt = (anim: TextAnimation, tInS: number, segDurS: number, text?: string): TextAnimationState => {
  const d = Math.max(1e-6, segDurS);
  const t = Math.max(0, Math.min(d, tInS));
  const base: TextAnimationState = { opacity: 1, dx: 0, dy: 0, scale: 1, visibleChars: null, reveal: 1 };
  switch (anim) {
    case 'none':
      return base;
    case 'fade':
      return { ...base, opacity: fade(t, d) };
    case 'slide-up': {
      const p = easeOutCubic(clamp01(t / Math.min(SLIDE_S, d * 0.5)));
      return { ...base, opacity: fade(t, d), dy: SLIDE_FROM * (1 - p) };
    }
    case 'pop': {
      // 0.85 → 1.04 (ease-out, first 60 %) → 1 (ease-in-out, last 40 %).
      const p = clamp01(t / Math.min(POP_S, d * 0.5));
      const scale = p < 0.6 ? 0.85 + 0.19 * easeOutCubic(p / 0.6) : 1.04 - 0.04 * smooth((p - 0.6) / 0.4);
      return { ...base, opacity: fade(t, d), scale };
    }
    case 'typewriter': {
      const reveal = clamp01(t / (TYPE_END * d));
      const fout = Math.min(FADE_OUT_S, d * 0.3);
      const opacity = fout > 0 ? smooth(clamp01((d - t) / fout)) : 1;
      const visibleChars = text === undefined ? null : Math.floor(reveal * graphemeCount(text) + 1e-9);
      return { ...base, opacity, visibleChars, reveal };
    }
  }
};
