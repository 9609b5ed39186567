/** The compositor's entry point: draw every text layer active at a time onto a frame. */
import { blendOverlayYuv420 } from './blend.js';
import { textAnimationAt } from './animation.js';
import { renderTextOverlay } from './render-overlay.js';
import type { TextLayer } from './types.js';

/** Layers are active on [startS, endS); they are drawn in array order (later on top). */
export const renderTextTrackOnFrame = (frame: Uint8Array, W: number, H: number, layers: readonly TextLayer[], tS: number): void => {
  const canvas = { width: W, height: H };
  for (const layer of layers) {
    if (!(tS >= layer.startS && tS < layer.endS)) continue;
    const anim = textAnimationAt(layer.animation, tS - layer.startS, layer.endS - layer.startS, layer.text);
    if (anim.opacity <= 0.002) continue;
    const overlay = renderTextOverlay(layer.text, layer.style, layer.position, canvas, anim.visibleChars);
    blendOverlayYuv420(frame, W, H, overlay, anim.opacity, anim.dx * H, anim.dy * H, anim.scale);
  }
};
