/**
 * Where the subject is, estimated on the CPU from a small thumbnail: colour distinctness against the
 * whole photo (frequency-tuned saliency), centre-surround contrast, in-focus detail (a sharp subject
 * over a soft background), a mild skin-tone cue for people, and a centre prior. No model weights.
 */
import type { Box } from '../plan/plan-motion.js';

export interface SubjectEstimate {
  /** Box in fractions of the photo. */
  readonly box: Box;
  /** Saliency centroid in fractions. */
  readonly centre: readonly [number, number];
  /** 0..1: how much the box stands out from the rest. */
  readonly confidence: number;
}

const srgbToLinear = (c: number) => {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
};
const LIN = Float64Array.from({ length: 256 }, (_, i) => srgbToLinear(i));
const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);

const boxBlur = (src: Float32Array, w: number, h: number, r: number): Float32Array => {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) { s += src[y * w + k]!; n++; }
      tmp[y * w + x] = s / n;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      let s = 0, n = 0;
      for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) { s += tmp[k * w + x]!; n++; }
      out[y * w + x] = s / n;
    }
  }
  return out;
};

const normalise = (a: Float32Array): Float32Array => {
  let lo = Infinity, hi = -Infinity;
  for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const span = hi - lo;
  const out = new Float32Array(a.length);
  if (span < 1e-9) return out;
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! - lo) / span;
  return out;
};

/** Saliency map (0..1) of an RGB thumbnail. */
export const saliencyMap = (rgb: Uint8Array, w: number, h: number, channels = 3): Float32Array => {
  const n = w * h;
  const L = new Float32Array(n), A = new Float32Array(n), B = new Float32Array(n), skin = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = LIN[rgb[p]!]!, g = LIN[rgb[p + 1]!]!, b = LIN[rgb[p + 2]!]!;
    const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    const fx = f(X), fy = f(Y), fz = f(Z);
    L[i] = 116 * fy - 16;
    A[i] = 500 * (fx - fy);
    B[i] = 200 * (fy - fz);
    // Skin: a classic YCbCr box, on the gamma-encoded values.
    const R = rgb[p]!, G = rgb[p + 1]!, Bl = rgb[p + 2]!;
    const cb = 128 - 0.1687 * R - 0.3313 * G + 0.5 * Bl;
    const cr = 128 + 0.5 * R - 0.4187 * G - 0.0813 * Bl;
    skin[i] = cb > 77 && cb < 127 && cr > 137 && cr < 173 && R > 60 ? 1 : 0;
  }
  const r1 = Math.max(1, Math.round(Math.min(w, h) / 60));
  const Ls = boxBlur(L, w, h, r1), As = boxBlur(A, w, h, r1), Bs = boxBlur(B, w, h, r1);
  let mL = 0, mA = 0, mB = 0;
  for (let i = 0; i < n; i++) { mL += Ls[i]!; mA += As[i]!; mB += Bs[i]!; }
  mL /= n; mA /= n; mB /= n;
  const rs = Math.max(2, Math.round(Math.min(w, h) / 6));
  const Lb = boxBlur(Ls, w, h, rs), Ab = boxBlur(As, w, h, rs), Bb = boxBlur(Bs, w, h, rs);
  const global = new Float32Array(n), surround = new Float32Array(n), detail = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      global[i] = Math.hypot(Ls[i]! - mL, (As[i]! - mA) * 1.2, (Bs[i]! - mB) * 1.2);
      surround[i] = Math.hypot(Ls[i]! - Lb[i]!, As[i]! - Ab[i]!, Bs[i]! - Bb[i]!);
      const xl = x > 0 ? i - 1 : i, xr = x < w - 1 ? i + 1 : i, yu = y > 0 ? i - w : i, yd = y < h - 1 ? i + w : i;
      detail[i] = Math.abs(L[xr]! - L[xl]!) + Math.abs(L[yd]! - L[yu]!);
    }
  }
  const det = boxBlur(detail, w, h, Math.max(1, Math.round(Math.min(w, h) / 20)));
  const skinB = boxBlur(skin, w, h, r1 + 1);
  const g = normalise(global), s = normalise(surround), d = normalise(det);
  const out = new Float32Array(n);
  const sigma = 0.38;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const dx = (x + 0.5) / w - 0.5, dy = (y + 0.5) / h - 0.5;
      const centre = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      out[i] = (0.4 * g[i]! + 0.3 * s[i]! + 0.3 * d[i]! + 0.25 * skinB[i]!) * (0.35 + 0.65 * centre);
    }
  }
  return normalise(out);
};

/** The subject's box from a saliency map: the weighted spread of its most salient part. */
export const subjectFromMap = (map: Float32Array, w: number, h: number): SubjectEstimate => {
  const n = w * h;
  const sorted = Float32Array.from(map).sort();
  const thr = sorted[Math.floor(n * 0.85)] ?? 0;
  let sw = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x]! - thr;
      if (v <= 0) continue;
      sw += v; sx += v * (x + 0.5); sy += v * (y + 0.5);
    }
  }
  if (sw <= 1e-9) return { box: { x: 0.35, y: 0.35, w: 0.3, h: 0.3 }, centre: [0.5, 0.5], confidence: 0 };
  const cx = sx / sw, cy = sy / sw;
  let vx = 0, vy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x]! - thr;
      if (v <= 0) continue;
      vx += v * (x + 0.5 - cx) ** 2; vy += v * (y + 0.5 - cy) ** 2;
    }
  }
  const hw = Math.max(1.5 * Math.sqrt(vx / sw), w * 0.06);
  const hh = Math.max(1.5 * Math.sqrt(vy / sw), h * 0.06);
  const x0 = Math.max(0, cx - hw), x1 = Math.min(w, cx + hw), y0 = Math.max(0, cy - hh), y1 = Math.min(h, cy + hh);
  // Confidence: mean saliency inside the box against outside.
  let inS = 0, inN = 0, outS = 0, outN = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map[y * w + x]!;
      if (x + 0.5 >= x0 && x + 0.5 <= x1 && y + 0.5 >= y0 && y + 0.5 <= y1) { inS += v; inN++; } else { outS += v; outN++; }
    }
  }
  const mi = inN ? inS / inN : 0, mo = outN ? outS / outN : 0;
  const confidence = Math.max(0, Math.min(1, (mi - mo) / (mi + 1e-6)));
  return { box: { x: x0 / w, y: y0 / h, w: (x1 - x0) / w, h: (y1 - y0) / h }, centre: [cx / w, cy / h], confidence };
};

export const findSubject = (rgb: Uint8Array, w: number, h: number, channels = 3): SubjectEstimate =>
  subjectFromMap(saliencyMap(rgb, w, h, channels), w, h);
