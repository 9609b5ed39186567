/** The compositor's entry point: draw every text segment active at a time onto a frame. */
import { blendOverlayYuv420 } from './blend.js';
import { textAnimationAt } from './animation.js';
import { defaultAnimationFor, defaultPositionFor, defaultStyleFor } from './defaults.js';
import { renderTextOverlay } from './render-overlay.js';
import type { TextSegment, TextStyle } from './types.js';

/** A segment's resolved style: the role's defaults with the segment's overrides on top. */
export const resolveTextStyle = (seg: Pick<TextSegment, 'role' | 'style'>, W: number, H: number): TextStyle => ({
  ...defaultStyleFor(seg.role, { width: W, height: H }),
  ...(seg.style ?? {}),
});

/** Segments are active on [startS, endS); they are drawn in array order (later on top). */
export const renderTextTrackOnFrame = (frame: Uint8Array, W: number, H: number, segments: readonly TextSegment[], tS: number): void => {
  const canvas = { width: W, height: H };
  for (const seg of segments) {
    if (!(tS >= seg.startS && tS < seg.endS)) continue;
    const anim = textAnimationAt(seg.animation ?? defaultAnimationFor(seg.role), tS - seg.startS, seg.endS - seg.startS, seg.text);
    if (anim.opacity <= 0.002) continue;
    const style = resolveTextStyle(seg, W, H);
    const overlay = renderTextOverlay(seg.text, style, seg.position ?? defaultPositionFor(seg.role), canvas, anim.visibleChars);
    blendOverlayYuv420(frame, W, H, overlay, anim.opacity, anim.dx * H, anim.dy * H, anim.scale);
  }
};
