/**
 * Places a text block on a canvas: picks the font size that fits, wraps to the safe width and
 * puts the block (with its box, outline and shadow) inside the safe area at the asked position.
 */
import { Resvg } from '@resvg/resvg-js';
import { fontStackFor, metricsOf, type FontStack } from './fonts.js';
import { safeArea, type Rect } from './safe-area.js';
import { wrapText } from './wrap.js';
import type { Canvas, TextPosition, TextStyle } from './types.js';

/** Graphemes of one line drawn by one face, starting at x (canvas px, left edge). */
export interface TextRun {
  readonly family: string;
  readonly graphemes: readonly string[];
  readonly x: number;
}

export interface TextLine {
  readonly graphemes: readonly string[];
  readonly runs: readonly TextRun[];
  /** Measured width in px. */
  readonly width: number;
  /** Baseline y in canvas px. */
  readonly baseline: number;
}

export interface TextLayout {
  readonly stack: FontStack;
  readonly fontPx: number;
  readonly lineHeight: number;
  readonly lines: readonly TextLine[];
  /** The line boxes (canvas px). */
  readonly block: { x: number; y: number; w: number; h: number };
  /** `block` plus box padding, outline and shadow: this lies inside the safe area. */
  readonly outer: Rect;
  /** x of the alignment edge or centre of the lines, per `align`. */
  readonly anchorX: number;
  readonly boxPad: number;
  readonly outlinePx: number;
  readonly shadow: { dx: number; dy: number; blur: number } | null;
}

const LINE_HEIGHT = 1.25;
/** Measured widths ignore kerning; keep this much of the line free to absorb the difference. */
const WIDTH_SLACK = 0.97;

/** Size at which a line's ink is measured; offsets scale linearly with the font size. */
const INK_PX = 100;
const inkCache = new Map<string, number>();

/**
 * How far the middle of a line's ink lies from the middle of its advance box, in em (positive: to
 * the right). Advances say nothing of where a glyph's ink sits in its box: CJK punctuation
 * (！，」) draws in one half of its square, so "夏日特卖！" measured by advances lands visibly left
 * of centre. resvg lays the runs out exactly as the overlay will and reports the ink's box.
 */
const inkOffsetEm = (runs: readonly TextRun[], width: number, stack: FontStack, weight: number): number => {
  const key = JSON.stringify([weight, stack.faces.map((f) => f.file), runs.map((r) => [r.family, r.x, r.graphemes.join('')])]);
  const hit = inkCache.get(key);
  if (hit !== undefined) return hit;
  const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  const texts = runs.map((r) => {
    const t = r.graphemes.join('').trimEnd();
    return t === '' ? '' : `<text x="${r.x}" y="${2 * INK_PX}" font-family="'${esc(r.family)}'" xml:space="preserve">${esc(t)}</text>`;
  }).join('');
  let offset = 0;
  if (texts !== '') {
    const w = Math.ceil(width + 4 * INK_PX);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${3 * INK_PX}" viewBox="${-2 * INK_PX} 0 ${w} ${3 * INK_PX}"><g font-size="${INK_PX}" font-weight="${weight}">${texts}</g></svg>`;
    const box = new Resvg(svg, { font: { fontFiles: stack.faces.map((f) => f.file), loadSystemFonts: false, defaultFontFamily: stack.faces[0]!.family }, logLevel: 'off' }).getBBox();
    if (box && box.width > 0) offset = (box.x + box.width / 2 - width / 2) / INK_PX;
  }
  if (inkCache.size > 512) inkCache.clear();
  inkCache.set(key, offset);
  return offset;
};

const isCjk = (g: string): boolean => {
  const cp = g.codePointAt(0)!;
  return (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef) || cp >= 0x20000;
};

/**
 * Greedy wrapping, then the narrowest width that keeps the same number of lines, so a title
 * breaks as "Summer Sale — up to / 50% off everything" rather than leaving one word alone.
 */
const balancedWrap = (text: string, maxW: number, measure: (g: string) => number): string[][] => {
  const greedy = wrapText(text, maxW, measure);
  if (greedy.length < 2) return greedy;
  let lo = 0;
  let hi = maxW;
  let best = greedy;
  for (let i = 0; i < 14 && hi - lo > 1; i++) {
    const mid = (lo + hi) / 2;
    const w = wrapText(text, mid, measure);
    const widest = Math.max(...w.map((l) => l.reduce((s, g) => s + measure(g), 0)));
    if (w.length <= greedy.length && widest <= mid) {
      hi = mid;
      best = w;
    } else lo = mid;
  }
  return best;
};

export const layoutText = (text: string, style: TextStyle, position: TextPosition, canvas: Canvas): TextLayout => {
  const safe = safeArea(canvas);
  const stack = fontStackFor(style.font, style.weight, text);
  const primary = metricsOf(stack.faces[0]!);
  const advanceEm = (g: string): number => {
    const first = g.codePointAt(0)!;
    const face = stack.faceFor(first);
    // Monochrome emoji: skin tones and variation selectors draw nothing extra and a ZWJ
    // sequence ligates into its first glyph's width. A flag (two regional indicators) ligates
    // into one wider glyph, about 1.75 em here (no GSUB reading).
    if (face.family === 'Noto Emoji') {
      if (first >= 0x1f1e6 && first <= 0x1f1ff && [...g].length === 2) return 1.75 * metricsOf(face).advance(first);
      let w = 0;
      let joined = false;
      for (const ch of g) {
        const cp = ch.codePointAt(0)!;
        if (cp === 0x200d) joined = true;
        else if (!joined && cp !== 0xfe0f && !(cp >= 0x1f3fb && cp <= 0x1f3ff)) w += metricsOf(face).advance(cp);
      }
      return w;
    }
    let w = 0;
    for (const ch of g) {
      const cp = ch.codePointAt(0)!;
      w += metricsOf(stack.faceFor(cp)).advance(cp);
    }
    return w;
  };
  const isSpace = (g: string) => /^\s+$/u.test(g);
  /** Splits a line into single-face runs with their x; spaces join the run before them. */
  const runsOf = (gs: string[], startX: number, fontPx: number): TextRun[] => {
    const out: Array<{ family: string; graphemes: string[]; x: number }> = [];
    let x = startX;
    for (const g of gs) {
      const last = out[out.length - 1];
      const family = isSpace(g) && last ? last.family : stack.faceFor(g.codePointAt(0)!).family;
      if (last && last.family === family) last.graphemes.push(g);
      else out.push({ family, graphemes: [g], x });
      x += advanceEm(g) * fontPx;
    }
    return out;
  };
  const safeW = safe.right - safe.left;
  const safeH = safe.bottom - safe.top;

  let fontPx = Math.max(4, style.size * canvas.height);
  for (let attempt = 0; ; attempt++) {
    const boxPad = style.box ? Math.max(0, style.box.padding) * fontPx : 0;
    const outlinePx = style.outline ? Math.max(0, style.outline.width) * fontPx : 0;
    const shadow = style.shadow ? { dx: 0.03 * fontPx, dy: 0.05 * fontPx, blur: 0.05 * fontPx } : null;
    const shTL = shadow ? Math.max(0, 2.5 * shadow.blur - shadow.dx) : 0;
    const shBR = shadow ? shadow.dy + 2.5 * shadow.blur : 0;
    const ink = 0.06 * fontPx; // glyph overhang past the advance box
    const ext = {
      l: Math.max(boxPad, outlinePx + shTL + ink),
      r: Math.max(boxPad, outlinePx + shBR + ink),
      t: Math.max(boxPad, outlinePx + shTL),
      b: Math.max(boxPad, outlinePx + shBR),
    };
    const maxW = (safeW - ext.l - ext.r) * WIDTH_SLACK;
    const measure = (g: string) => advanceEm(g) * fontPx;
    const wrapped = balancedWrap(text, maxW, measure);
    const widths = wrapped.map((l) => l.reduce((s, g) => s + advanceEm(g) * fontPx, 0));
    const lineHeight = LINE_HEIGHT * fontPx;
    const blockW = Math.max(0, ...widths);
    const blockH = wrapped.length * lineHeight;
    const fits = blockW <= maxW / WIDTH_SLACK && blockH + ext.t + ext.b <= safeH;
    if (!fits && attempt < 40 && fontPx > 4) {
      fontPx *= 0.92;
      continue;
    }
    const w = blockW + ext.l + ext.r;
    const h = blockH + ext.t + ext.b;
    const col = position.endsWith('left') ? 'left' : position.endsWith('right') ? 'right' : position === 'lower-third' ? style.align : 'center';
    const row = position.startsWith('top') ? 'top' : position.startsWith('bottom') ? 'bottom' : position === 'lower-third' ? 'lower-third' : 'middle';
    // Centred means on the picture's centre line, moved only as far as the safe area requires (on
    // 9:16 the safe area is off-centre: the platforms' buttons cover the right and the bottom).
    let left = col === 'left' ? safe.left : col === 'right' ? safe.right - w : canvas.width / 2 - blockW / 2 - ext.l;
    let top = row === 'top' ? safe.top : row === 'bottom' ? safe.bottom - h : row === 'middle' ? canvas.height / 2 - blockH / 2 - ext.t : canvas.height * 0.75 - h / 2;
    left = Math.max(safe.left, Math.min(left, safe.right - w));
    top = Math.max(safe.top, Math.min(top, safe.bottom - h));
    const block = { x: left + ext.l, y: top + ext.t, w: blockW, h: blockH };
    const anchorX = style.align === 'left' ? block.x : style.align === 'right' ? block.x + blockW : block.x + blockW / 2;
    const capMid = (primary.capHeight / 2) * fontPx;
    /** Centred lines are centred by their ink, not their advances (CJK punctuation: up to about a third of an em). */
    const inkShift = (gs: string[], i: number): number => {
      if (style.align !== 'center') return 0;
      const off = inkOffsetEm(runsOf(gs, 0, INK_PX), (widths[i]! / fontPx) * INK_PX, stack, style.weight);
      return -Math.max(-0.5, Math.min(0.5, off)) * fontPx;
    };
    const lines = wrapped.map((gs, i) => ({
      graphemes: gs,
      runs: runsOf(gs, (style.align === 'left' ? anchorX : style.align === 'right' ? anchorX - widths[i]! : anchorX - widths[i]! / 2) + inkShift(gs, i), fontPx),
      width: widths[i]!,
      baseline: block.y + (i + 0.5) * lineHeight + (gs.some(isCjk) ? Math.max(capMid, 0.38 * fontPx) : capMid),
    }));
    return { stack, fontPx, lineHeight, lines, block, outer: { left, top, right: left + w, bottom: top + h }, anchorX, boxPad, outlinePx, shadow };
  }
};
