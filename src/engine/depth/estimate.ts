/**
 * Depth estimated from one photo on the CPU, no model: where the photo is sharp against where it is
 * soft (depth from defocus: a product, a portrait, a pet in front of a blurred background), the
 * salient subject (saliency.ts), a ground plane (lower in the frame is nearer), and the sky as the
 * farthest thing. The cues are mixed by how much each says about this photo, then smoothed along
 * the photo's own edges (guided filter) so depth edges follow object edges.
 */
import { saliencyMap } from '../analyze/saliency.js';
import { boxMean, guidedFilter, lumaOf, resizeArea, resizeBilinear } from './filters.js';
import { DEPTH_MAP_SIZE } from './map.js';

export interface EstimatedDepth {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly confidence: number;
  /** How much each cue weighed, for notes and tests. */
  readonly cues: { readonly defocus: number; readonly subject: number; readonly ground: number; readonly sky: number };
}

/** Quantiles of a plane (one sort of a strided sample: enough for percentiles). */
const quantiles = (a: Float32Array, qs: readonly number[]): number[] => {
  const step = Math.max(1, Math.floor(a.length / 4096));
  const s = new Float32Array(Math.ceil(a.length / step));
  for (let i = 0, j = 0; i < a.length; i += step, j++) s[j] = a[i]!;
  s.sort();
  return qs.map((q) => s[Math.min(s.length - 1, Math.max(0, Math.floor(q * s.length)))] ?? 0);
};
const quantile = (a: Float32Array, q: number): number => quantiles(a, [q])[0]!;

const norm01 = (a: Float32Array, qlo = 0.02, qhi = 0.98): Float32Array => {
  const [lo, hi] = quantiles(a, [qlo, qhi]) as [number, number];
  const span = hi - lo > 1e-9 ? hi - lo : 1;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.min(1, Math.max(0, (a[i]! - lo) / span));
  return out;
};

/** Sky: bright, smooth, not warm, reached from the top edge through such pixels. */
const skyMask = (rgb: Uint8Array, L: Float32Array, grad: Float32Array, w: number, h: number): Uint8Array => {
  const n = w * h;
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!, g = rgb[i * 3 + 1]!, b = rgb[i * 3 + 2]!;
    const bluish = b >= r + 8 && b >= g - 10;
    const whiteish = L[i]! > 0.85 && Math.max(r, g, b) - Math.min(r, g, b) < 24;
    ok[i] = (bluish || whiteish) && L[i]! > 0.35 && grad[i]! < 0.035 && Math.floor(i / w) < h * 0.7 ? 1 : 0;
  }
  const sky = new Uint8Array(n);
  const stack: number[] = [];
  for (let x = 0; x < w; x++) if (ok[x]) { sky[x] = 1; stack.push(x); }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % w, y = (i - x) / w;
    const nb = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
    for (const j of nb) if (j >= 0 && ok[j] && !sky[j]) { sky[j] = 1; stack.push(j); }
  }
  // A few bright smooth pixels at the top are not a sky.
  let count = 0;
  for (let i = 0; i < n; i++) count += sky[i]!;
  if (count < n * 0.03) sky.fill(0);
  return sky;
};

/** Fine detail (absolute Laplacian) against the local contrast it could have had, per pixel (log scale). */
const sharpnessOf = (L: Float32Array, w: number, h: number, r: number): { sharp: Float32Array; grad: Float32Array } => {
  const n = w * h;
  const lap = new Float32Array(n), grad = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = x > 0 ? L[i - 1]! : L[i]!, rr = x < w - 1 ? L[i + 1]! : L[i]!, u = y > 0 ? L[i - w]! : L[i]!, d = y < h - 1 ? L[i + w]! : L[i]!;
      lap[i] = Math.abs(4 * L[i]! - l - rr - u - d);
      grad[i] = Math.abs(rr - l) + Math.abs(d - u);
    }
  }
  const detail = boxMean(lap, w, h, r);
  const mean = boxMean(L, w, h, r);
  const dev = new Float32Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(L[i]! - mean[i]!);
  const contrast = boxMean(dev, w, h, r);
  const sharp = new Float32Array(n);
  for (let i = 0; i < n; i++) sharp[i] = Math.log(1e-4 + detail[i]!) - 0.5 * Math.log(1e-3 + contrast[i]!);
  return { sharp, grad };
};

/**
 * `rgb`: the upright photo as interleaved 8-bit RGB, about 256 px on its long side. `fine`: the same
 * photo's grey (0..255) at a few times that size, when there is one: defocus is measured there (a
 * background blurred by a few pixels of a 12 MP photo is still sharp at 256 px).
 */
export const estimateDepth = (rgb: Uint8Array, w: number, h: number, fine?: { readonly data: Uint8Array; readonly width: number; readonly height: number }): EstimatedDepth => {
  const n = w * h;
  const L = lumaOf(rgb, w, h);
  const r = Math.max(2, Math.round(Math.max(w, h) / 40));

  // Defocus: fine detail (absolute Laplacian) against the local contrast it could have had.
  const coarse = sharpnessOf(L, w, h, r);
  const grad = coarse.grad;
  // Both scales; the one where in-focus and soft parts differ more says more about this photo.
  const spreadOfRaw = (a: Float32Array) => { const [s10, s90] = quantiles(a, [0.1, 0.9]) as [number, number]; return s90 - s10; };
  let sharpRaw = coarse.sharp;
  let spread = spreadOfRaw(sharpRaw);
  if (fine && fine.width > w) {
    const FL = new Float32Array(fine.width * fine.height);
    for (let i = 0; i < FL.length; i++) FL[i] = fine.data[i]! / 255;
    const fr = Math.max(2, Math.round(Math.max(fine.width, fine.height) / 40));
    const f = resizeArea(sharpnessOf(FL, fine.width, fine.height, fr).sharp, fine.width, fine.height, w, h);
    const fs = spreadOfRaw(f);
    if (fs > spread) { sharpRaw = f; spread = fs; }
  }
  const sharp = norm01(boxMean(sharpRaw, w, h, r));
  // How bimodal sharpness is: a clear in-focus part and a clearly soft part.
  const defocus = Math.min(1, Math.max(0, (spread - 1.2) / 2.2));

  // Subject: saliency, softened.
  // (computed at half size: its wide surround blur is the costly part, and a subject is not small)
  const hw2 = Math.max(8, w >> 1), hh2 = Math.max(8, h >> 1);
  const half = halfRgb(rgb, w, h, hw2, hh2);
  const sal = norm01(boxMean(resizeBilinear(saliencyMap(half, hw2, hh2, 3), hw2, hh2, w, h), w, h, Math.max(1, r >> 1)));
  let inS = 0, inN = 0;
  const thr = quantile(sal, 0.8);
  for (let i = 0; i < n; i++) if (sal[i]! >= thr) { inS += sharp[i]!; inN++; }
  let allS = 0;
  for (let i = 0; i < n; i++) allS += sharp[i]!;
  // The salient part is sharper than the rest: subject and defocus agree.
  const agree = Math.max(0, Math.min(1, (inS / Math.max(1, inN) - allS / n) * 4));
  const subject = 0.35 + 0.4 * agree;

  // Sky and ground.
  const sky = skyMask(rgb, L, grad, w, h);
  let skyN = 0;
  for (let i = 0; i < n; i++) skyN += sky[i]!;
  const skyFrac = skyN / n;
  const ground = 0.25 + 0.45 * (1 - defocus) + (skyFrac > 0.05 ? 0.2 : 0);

  const raw = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const g = y / Math.max(1, h - 1);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      raw[i] = sky[i] ? 0 : 0.15 + defocus * 0.9 * sharp[i]! + subject * sal[i]! + ground * g;
    }
  }
  // Along the photo's edges.
  const smooth = guidedFilter(L, norm01(raw, 0.01, 0.99), w, h, Math.max(2, Math.round(Math.max(w, h) / 24)), 0.004);
  for (let i = 0; i < n; i++) if (sky[i]) smooth[i] = Math.min(smooth[i]!, 0);
  const out01 = norm01(smooth, 0.01, 0.995);

  const k = Math.min(1, DEPTH_MAP_SIZE / Math.max(w, h));
  const ow = Math.max(1, Math.round(w * k)), oh = Math.max(1, Math.round(h * k));
  const small = resizeArea(out01, w, h, ow, oh);
  const data = new Uint8Array(ow * oh);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, small[i]!)) * 255);
  const confidence = Math.min(0.8, 0.15 + 0.4 * defocus + 0.25 * agree + (skyFrac > 0.05 ? 0.15 : 0) + 0.1 * (1 - defocus) * Math.min(1, spreadOf(out01) * 2));
  const r2 = (x: number) => Math.round(x * 1000) / 1000;
  return { data, width: ow, height: oh, confidence: r2(confidence), cues: { defocus: r2(defocus), subject: r2(subject), ground: r2(ground), sky: r2(skyFrac) } };
};

/** Spread of a 0..1 map between its 10th and 90th percentiles. */
const spreadOf = (a: Float32Array): number => {
  const [lo, hi] = quantiles(a, [0.1, 0.9]) as [number, number];
  return hi - lo;
};

/** Interleaved RGB shrunk by area to dw x dh. */
const halfRgb = (rgb: Uint8Array, w: number, h: number, dw: number, dh: number): Uint8Array => {
  const out = new Uint8Array(dw * dh * 3);
  for (let c = 0; c < 3; c++) {
    const ch = new Float32Array(w * h);
    for (let i = 0; i < ch.length; i++) ch[i] = rgb[i * 3 + c]!;
    const s = resizeArea(ch, w, h, dw, dh);
    for (let i = 0; i < s.length; i++) out[i * 3 + c] = Math.round(s[i]!);
  }
  return out;
};
