/** Text layer of the timeline compositor: styles, safe layout, resvg rendering, yuv420p blending. */
export { TEXT_ANIMATIONS, TEXT_POSITIONS, type Canvas, type TextAnimation, type TextFont, type TextLayer, type TextOverlay, type TextPosition, type TextStyle, type TextWeight } from './types.js';
export { isVerticalCanvas, safeArea, type Rect } from './safe-area.js';
export { layoutText, type TextLayout, type TextLine } from './layout.js';
export { wrapText } from './wrap.js';
export { graphemeCount, graphemes } from './graphemes.js';
export { parseColor, type Rgba } from './color.js';
export { fontStackFor, type FontFace, type FontStack } from './fonts.js';
export { buildTextSvg } from './svg.js';
export { clearTextOverlayCache, drawTextOverlay, renderTextOverlay } from './render-overlay.js';
export { overlayToYuv, type YuvOverlay } from './overlay-yuv.js';
export { blendOverlayYuv420 } from './blend.js';
export { FADE_IN_S, FADE_OUT_S, TYPE_END, textAnimationAt, type TextAnimationState } from './animation.js';
export { renderTextTrackOnFrame } from './track.js';
