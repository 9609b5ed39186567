/** CSS colour strings → 8-bit RGB + alpha, so the SVG only ever sees numbers we wrote. */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}

const NAMED: Record<string, string> = {
  black: '#000000', white: '#ffffff', red: '#ff0000', green: '#008000', blue: '#0000ff',
  yellow: '#ffff00', orange: '#ffa500', gray: '#808080', grey: '#808080', pink: '#ffc0cb',
  purple: '#800080', cyan: '#00ffff', magenta: '#ff00ff', transparent: '#00000000',
};
/** The colour names a draft may use for text (besides #RRGGBB and #RRGGBBAA). */
export const TEXT_COLOUR_NAMES: readonly string[] = Object.keys(NAMED);

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Parses a colour; unknown strings fall back to `fallback` (white by default). */
export const parseColor = (input: string, fallback: Rgba = { r: 255, g: 255, b: 255, a: 1 }): Rgba => {
  if (typeof input !== 'string') return fallback;
  const s = (NAMED[input.trim().toLowerCase()] ?? input).trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    let h = hex[1]!;
    if (h.length <= 4) h = [...h].map((c) => c + c).join('');
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(s);
  if (fn) {
    const parts = fn[1]!.split(/[\s,/]+/).filter(Boolean);
    if (parts.length === 3 || parts.length === 4) {
      const ch = (p: string) => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
      const [r, g, b] = parts.slice(0, 3).map(ch) as [number, number, number];
      const a = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
      if ([r, g, b, a].every(Number.isFinite)) {
        return { r: Math.round(clamp(r, 0, 255)), g: Math.round(clamp(g, 0, 255)), b: Math.round(clamp(b, 0, 255)), a: clamp(a, 0, 1) };
      }
    }
  }
  return fallback;
};

/** `rgb(r,g,b)` for an SVG paint attribute (its alpha goes into the matching *-opacity). */
export const svgRgb = (c: Rgba): string => `rgb(${c.r},${c.g},${c.b})`;
