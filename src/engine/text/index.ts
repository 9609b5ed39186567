/** Text layer of the timeline compositor: styles, safe layout, resvg rendering, yuv420p blending. */
export type { Canvas, TextAnimation, TextFont, TextOverlay, TextPosition, TextRole, TextSegment, TextStyle, TextWeight } from './types.js';
export { defaultAnimationFor, defaultPositionFor, defaultStyleFor } from './defaults.js';
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
export { renderTextTrackOnFrame, resolveTextStyle } from './track.js';
