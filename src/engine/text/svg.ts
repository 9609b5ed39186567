/** The SVG that resvg draws for a laid-out text: box, then shadowed, outlined glyphs. */
import { parseColor, svgRgb } from './color.js';
import type { TextLayout } from './layout.js';
import type { TextStyle } from './types.js';

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 forbids (C0 controls but tab/newline) would make the SVG unreadable.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');

/** A number as an attribute: whatever arrives, only digits, a sign, a point (or NaN) come out. */
const n = (x: number): string => (Math.round(Number(x) * 100) / 100).toString();
/** Anything else as an attribute value: escaped, so no value can close its quotes. */
const attr = (x: unknown): string => escapeXml(String(x));

/**
 * `view` is the rectangle of the canvas the SVG covers (the overlay); `visibleChars` limits how
 * many graphemes are painted (counted over the laid-out lines).
 */
export const buildTextSvg = (
  layout: TextLayout,
  style: TextStyle,
  view: { x: number; y: number; w: number; h: number },
  visibleChars: number | null,
): string => {
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${n(view.w)}" height="${n(view.h)}" viewBox="${n(view.x)} ${n(view.y)} ${n(view.w)} ${n(view.h)}">`);
  const { block, boxPad, fontPx } = layout;
  if (style.box) {
    const c = parseColor(style.box.color, { r: 0, g: 0, b: 0, a: 1 });
    const op = Math.max(0, Math.min(1, style.box.opacity)) * c.a;
    const r = Math.min(0.25 * fontPx, boxPad + 0.1 * fontPx);
    parts.push(
      `<rect x="${n(block.x - boxPad)}" y="${n(block.y - boxPad)}" width="${n(block.w + 2 * boxPad)}" height="${n(block.h + 2 * boxPad)}" rx="${n(r)}" fill="${svgRgb(c)}" fill-opacity="${n(op)}"/>`,
    );
  }
  const sh = layout.shadow;
  if (sh) {
    parts.push(
      `<filter id="sh" filterUnits="userSpaceOnUse" x="${n(view.x)}" y="${n(view.y)}" width="${n(view.w)}" height="${n(view.h)}">` +
        `<feDropShadow dx="${n(sh.dx)}" dy="${n(sh.dy)}" stdDeviation="${n(sh.blur)}" flood-color="#000" flood-opacity="0.55"/></filter>`,
    );
  }
  const fill = parseColor(style.color);
  let g = `<g font-family="'${escapeXml(layout.stack.faces[0]!.family)}'" font-size="${n(fontPx)}" font-weight="${attr(style.weight)}" fill="${svgRgb(fill)}" fill-opacity="${n(fill.a)}"`;
  if (style.outline && layout.outlinePx > 0) {
    const oc = parseColor(style.outline.color, { r: 0, g: 0, b: 0, a: 1 });
    // Twice the width: paint-order puts the stroke under the fill, which hides its inner half.
    g += ` stroke="${svgRgb(oc)}" stroke-opacity="${n(oc.a)}" stroke-width="${n(2 * layout.outlinePx)}" stroke-linejoin="round" paint-order="stroke"`;
  }
  if (sh) g += ` filter="url(#sh)"`;
  parts.push(`${g}>`);
  // One <text> per single-face run, placed at the x layout measured. resvg's own fallback
  // reshapes a whole chunk with a CJK face as soon as that face covers every character (CJK
  // fonts carry Latin too, which would lose Playfair/Anton/Inter), and its layout fails outright
  // on multi-code-point emoji next to another face; single-face chunks avoid both. Graphemes
  // past `visibleChars` are simply not emitted: everything shown keeps its final place.
  let left = visibleChars === null ? Infinity : Math.max(0, Math.floor(visibleChars));
  for (const line of layout.lines) {
    for (const run of line.runs) {
      if (left <= 0) break;
      const shown = run.graphemes.slice(0, left);
      left -= shown.length;
      const text = shown.join('').trimEnd();
      if (text === '') continue;
      parts.push(`<text x="${n(run.x)}" y="${n(line.baseline)}" font-family="'${escapeXml(run.family)}'" xml:space="preserve">${escapeXml(text)}</text>`);
    }
  }
  parts.push('</g></svg>');
  return parts.join('');
};
