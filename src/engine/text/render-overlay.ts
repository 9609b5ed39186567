/** Text → premultiplied RGBA overlay placed on a canvas, drawn by resvg with the bundled fonts. */
import { Resvg } from '@resvg/resvg-js';
import { layoutText } from './layout.js';
import { buildTextSvg } from './svg.js';
import type { Canvas, TextOverlay, TextPosition, TextStyle } from './types.js';

const CACHE_MAX = 128;
const cache = new Map<string, TextOverlay>();

const emptyOverlay: TextOverlay = { rgba: Buffer.alloc(0), width: 0, height: 0, x: 0, y: 0, premultiplied: true };

const styleKey = (s: TextStyle): string =>
  JSON.stringify([s.font, s.weight, s.size, s.color, s.align, s.shadow ?? false, s.outline ? [s.outline.color, s.outline.width] : null, s.box ? [s.box.color, s.box.opacity, s.box.padding] : null]);

/** Draws without the cache. */
export const drawTextOverlay = (text: string, style: TextStyle, position: TextPosition, canvas: Canvas, visibleChars: number | null = null): TextOverlay => {
  if (text.trim() === '' || canvas.width <= 0 || canvas.height <= 0) return emptyOverlay;
  const layout = layoutText(text, style, position, canvas);
  // A couple of pixels beyond the decorations for anti-aliasing, then clipped to the canvas.
  const m = 2;
  const x0 = Math.max(0, Math.floor(layout.outer.left - m));
  const y0 = Math.max(0, Math.floor(layout.outer.top - m));
  const x1 = Math.min(canvas.width, Math.ceil(layout.outer.right + m));
  const y1 = Math.min(canvas.height, Math.ceil(layout.outer.bottom + m));
  if (x1 <= x0 || y1 <= y0) return emptyOverlay;
  const view = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  const svg = buildTextSvg(layout, style, view, visibleChars);
  const faces = layout.stack.faces;
  const img = new Resvg(svg, {
    font: { fontFiles: faces.map((f) => f.file), loadSystemFonts: false, defaultFontFamily: faces[0]!.family },
    logLevel: 'off',
  }).render();
  return { rgba: img.pixels, width: img.width, height: img.height, x: x0, y: y0, premultiplied: true };
};

/**
 * Cached by (text, style, position, canvas, visibleChars): a title drawn on 300 frames is
 * rendered once; a typewriter renders once per visible-character count.
 */
export const renderTextOverlay = (text: string, style: TextStyle, position: TextPosition, canvas: Canvas, visibleChars: number | null = null): TextOverlay => {
  const key = JSON.stringify([text, styleKey(style), position, canvas.width, canvas.height, visibleChars]);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const out = drawTextOverlay(text, style, position, canvas, visibleChars);
  cache.set(key, out);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return out;
};

export const clearTextOverlayCache = (): void => cache.clear();

/** Puts an overlay drawn elsewhere (on a thread) into the cache, under the key renderTextOverlay reads. */
export const primeTextOverlay = (text: string, style: TextStyle, position: TextPosition, canvas: Canvas, visibleChars: number | null, overlay: TextOverlay): void => {
  const key = JSON.stringify([text, styleKey(style), position, canvas.width, canvas.height, visibleChars]);
  cache.set(key, overlay);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
};
