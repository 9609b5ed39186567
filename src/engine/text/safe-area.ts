/**
 * Where text may go. Every canvas keeps a 5 % margin on each side (the classic action-safe
 * inset, so nothing hugs the edge after a player crops or rounds corners).
 *
 * Tall 9:16-ish canvases (height/width >= 1.6) are mostly posted to TikTok, Reels and Shorts,
 * whose interface covers parts of the picture:
 *   - top 12 %    status bar, "Following / For You" tabs, search, live badge
 *   - bottom 20 % caption, user name, music ticker, progress bar and navigation
 *   - right 12 %  the like / comment / share / profile button column
 *   - left 6 %    nothing covers it; a little more than the basic inset for balance
 * so text there stays inside x 6 %..88 % and y 12 %..80 %.
 */
import type { Canvas } from './types.js';

export interface Rect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export const isVerticalCanvas = (c: Canvas): boolean => c.height / c.width >= 1.6;

/** Edges land on even pixels so 4:2:0 chroma (2x2 samples) never straddles them. */
const inward = (x: number, up: boolean): number => (up ? Math.ceil(x / 2) * 2 : Math.floor(x / 2) * 2);

/** Safe rectangle in canvas pixels (right and bottom exclusive). */
export const safeArea = (c: Canvas): Rect => {
  const f = isVerticalCanvas(c) ? { l: 0.06, t: 0.12, r: 0.12, b: 0.2 } : { l: 0.05, t: 0.05, r: 0.05, b: 0.05 };
  return {
    left: inward(c.width * f.l, true),
    top: inward(c.height * f.t, true),
    right: inward(c.width * (1 - f.r), false),
    bottom: inward(c.height * (1 - f.b), false),
  };
};
