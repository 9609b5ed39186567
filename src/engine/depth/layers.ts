/**
 * A photo cut into depth layers for a depth move, once per shot at the working resolution:
 *
 * 1. the stored depth map is brought up to a guide resolution and snapped to the photo's edges
 *    (guided filter on the photo's grey), so layer edges follow object edges;
 * 2. cut into 2–3 layers at the depths that best separate it (Otsu on the depth histogram), each
 *    with a soft alpha (a smooth step across its threshold);
 * 3. what each nearer layer hides is filled on the layers behind it (pull-push inpainting from the
 *    pixels around), so a near thing moving aside reveals plausible background, not a hole;
 * 4. each layer becomes YUV planes plus alpha, the near ones cropped to their boxes.
 */
import { rgbToYuv, type YuvStill } from '../render/yuv.js';
import type { LayeredStill, LayerPlanes } from '../render/layered.js';
import { boxMean, guidedFilter, lumaOf, resizeArea, resizeBilinear } from './filters.js';
import { decodeDepth, type DepthMap } from './map.js';

/** Depth layers found in a map: thresholds between them and each layer's disparity (0 far … 1 near). */
export interface DepthSplit {
  readonly thresholds: readonly number[];
  readonly disparities: readonly number[];
}

/** The split of a 0..1 depth plane into 2 or 3 layers (multi-level Otsu on a 64-bin histogram). */
export const splitDepth = (d: ArrayLike<number>): DepthSplit => {
  const B = 64;
  const hist = new Float64Array(B);
  for (let i = 0; i < d.length; i++) hist[Math.min(B - 1, Math.max(0, Math.floor(d[i]! * B)))]!++;
  const n = d.length;
  const P = new Float64Array(B + 1), S = new Float64Array(B + 1);
  for (let i = 0; i < B; i++) { P[i + 1] = P[i]! + hist[i]!; S[i + 1] = S[i]! + hist[i]! * (i + 0.5); }
  const cls = (a: number, b: number) => { const w = P[b]! - P[a]!; return w > 0 ? (S[b]! - S[a]!) ** 2 / w : 0; };
  let best2 = -1, t2 = B / 2;
  for (let a = 1; a < B; a++) { const v = cls(0, a) + cls(a, B); if (v > best2) { best2 = v; t2 = a; } }
  let best3 = -1, ta = 0, tb = 0;
  for (let a = 1; a < B - 1; a++) for (let b = a + 1; b < B; b++) {
    const v = cls(0, a) + cls(a, b) + cls(b, B);
    if (v > best3) { best3 = v; ta = a; tb = b; }
  }
  const mu = S[B]! / n;
  const total = cls(0, B) - n * mu * mu;
  let varAll = 0;
  for (let i = 0; i < B; i++) varAll += hist[i]! * ((i + 0.5) - mu) ** 2;
  // Three layers when the third explains a good share more of the depth spread and none is tiny.
  const gain3 = (best3 - best2) / Math.max(1e-9, varAll);
  const minShare = Math.min(P[ta]!, P[tb]! - P[ta]!, n - P[tb]!) / n;
  void total;
  const th = gain3 > 0.04 && minShare > 0.04 ? [ta / B, tb / B] : [t2 / B];
  const edges = [0, ...th.map((t) => Math.round(t * B)), B];
  const disparities = edges.slice(1).map((e, i) => {
    const a = edges[i]!;
    const w = P[e]! - P[a]!;
    return w > 0 ? (S[e]! - S[a]!) / w / B : (a + e) / 2 / B;
  });
  return { thresholds: th, disparities };
};

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/**
 * Pull-push fill: every pixel whose weight is below 1 is completed from a pyramid of weighted
 * averages of the known pixels around it (smooth, no seams, O(pixels)). `rgb` is 3 floats a pixel.
 */
export const pullPush = (rgb: Float32Array, known: Float32Array, w: number, h: number): Float32Array => {
  if (w <= 1 && h <= 1) return rgb.slice();
  const cw = Math.max(1, (w + 1) >> 1), ch = Math.max(1, (h + 1) >> 1);
  const crgb = new Float32Array(cw * ch * 3), cwt = new Float32Array(cw * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, j = (y >> 1) * cw + (x >> 1), k = known[i]!;
      if (k <= 0) continue;
      cwt[j]! += k;
      crgb[j * 3]! += rgb[i * 3]! * k; crgb[j * 3 + 1]! += rgb[i * 3 + 1]! * k; crgb[j * 3 + 2]! += rgb[i * 3 + 2]! * k;
    }
  }
  for (let j = 0; j < cw * ch; j++) {
    const s = cwt[j]!;
    if (s > 0) { crgb[j * 3]! /= s; crgb[j * 3 + 1]! /= s; crgb[j * 3 + 2]! /= s; }
    cwt[j] = Math.min(1, s);
  }
  const coarse = cw === w && ch === h ? crgb : pullPush(crgb, cwt, cw, ch);
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(ch - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(ch - 1, y0 + 1), fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x, k = Math.min(1, known[i]!);
      const sx = Math.min(cw - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(sx), x1 = Math.min(cw - 1, x0 + 1), fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const a = coarse[(y0 * cw + x0) * 3 + c]!, b = coarse[(y0 * cw + x1) * 3 + c]!;
        const cc = coarse[(y1 * cw + x0) * 3 + c]!, d = coarse[(y1 * cw + x1) * 3 + c]!;
        const up = (a + (b - a) * fx) * (1 - fy) + (cc + (d - cc) * fx) * fy;
        out[i * 3 + c] = k * rgb[i * 3 + c]! + (1 - k) * up;
      }
    }
  }
  return out;
};

/** Grey dilation (max over a square of radius r). */
const dilate = (p: Float32Array, w: number, h: number, r: number): Float32Array => {
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let m = 0;
    for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) m = Math.max(m, p[y * w + k]!);
    tmp[y * w + x] = m;
  }
  for (let x = 0; x < w; x++) for (let y = 0; y < h; y++) {
    let m = 0;
    for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) m = Math.max(m, tmp[k * w + x]!);
    out[y * w + x] = m;
  }
  return out;
};

/** Guide resolution: depth is refined and backgrounds filled at most this many pixels on the long side. */
const GUIDE = 768;

export interface BuiltLayers {
  readonly still: LayeredStill;
  readonly split: DepthSplit;
  /** The refined depth at guide resolution (0..1), for `--save-depth` and tests. */
  readonly guide: { readonly data: Float32Array; readonly width: number; readonly height: number };
}

/** Refined depth (0..1) of the picture at guide resolution. */
export const refineDepth = (rgb: Uint8Array, W: number, H: number, depth: DepthMap): { data: Float32Array; width: number; height: number; luma: Float32Array } => {
  const k = Math.min(1, GUIDE / Math.max(W, H));
  const gw = Math.max(2, Math.round(W * k)), gh = Math.max(2, Math.round(H * k));
  const luma = resizeArea(lumaOf(rgb, W, H), W, H, gw, gh);
  const raw = decodeDepth(depth);
  const up = resizeBilinear(raw, depth.width, depth.height, gw, gh);
  for (let i = 0; i < up.length; i++) up[i]! /= 255;
  const r = Math.max(2, Math.round(Math.max(gw, gh) / 120));
  const g = guidedFilter(luma, up, gw, gh, r, 2e-3);
  for (let i = 0; i < g.length; i++) g[i] = Math.min(1, Math.max(0, g[i]!));
  return { data: g, width: gw, height: gh, luma };
};

/** Builds the layers of an RGB picture (W x H, 3 bytes a pixel) from its depth map. */
export const buildLayers = (rgb: Uint8Array, W: number, H: number, depth: DepthMap): BuiltLayers => {
  const ref = refineDepth(rgb, W, H, depth);
  const { width: gw, height: gh, data: dg } = ref;
  const split = splitDepth(dg);
  const K = split.thresholds.length + 1;
  const soft = 0.045;
  // Coverage of "this layer and everything nearer", at guide resolution, for layers 1..K-1.
  // Near layers reach a little past their depth edge (grey dilation), so an object's true outline goes
  // with it rather than staying behind as a thin ghost line on the background.
  const dd = dilate(dg, gw, gh, Math.max(1, Math.round(Math.max(gw, gh) / 300)));
  const cover: Float32Array[] = [];
  for (let l = 1; l < K; l++) {
    const t = split.thresholds[l - 1]!;
    const a = new Float32Array(gw * gh);
    for (let i = 0; i < a.length; i++) a[i] = smoothstep(t - soft, t + soft, dd[i]!);
    cover.push(a);
  }
  // The picture at guide resolution, as floats, for filling.
  const g3 = new Float32Array(gw * gh * 3);
  for (let c = 0; c < 3; c++) {
    const ch = new Float32Array(W * H);
    for (let i = 0; i < ch.length; i++) ch[i] = rgb[i * 3 + c]!;
    const s = resizeArea(ch, W, H, gw, gh);
    for (let i = 0; i < s.length; i++) g3[i * 3 + c] = s[i]!;
  }
  // Pass 1: each layer's colour, with what the nearer layers hide filled from around it.
  const colours: Uint8Array[] = [];
  for (let l = 0; l < K; l++) {
    if (l === K - 1) { colours.push(Uint8Array.from(rgb)); continue; }
    const hide = cover[l]!;
    // Known: clearly uncovered pixels, a few pixels away from any nearer edge (their colour bleeds).
    const grown = boxMean(hide, gw, gh, Math.max(2, Math.round(Math.max(gw, gh) / 120)));
    const known = new Float32Array(gw * gh);
    for (let i = 0; i < known.length; i++) known[i] = grown[i]! < 0.02 ? 1 : 0;
    const filled = pullPush(g3, known, gw, gh);
    const fillUp = [0, 1, 2].map((c) => {
      const ch = new Float32Array(gw * gh);
      for (let i = 0; i < ch.length; i++) ch[i] = filled[i * 3 + c]!;
      return resizeBilinear(ch, gw, gh, W, H);
    });
    const hideUp = resizeBilinear(hide, gw, gh, W, H);
    const colour = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) {
      // The fill wherever a nearer layer reaches (its soft edge too: the near thing's colour must not stay behind as a ghost).
      const m = smoothstep(0.02, 0.3, hideUp[i]!);
      for (let c = 0; c < 3; c++) colour[i * 3 + c] = Math.round(rgb[i * 3 + c]! + (fillUp[c]![i]! - rgb[i * 3 + c]!) * m);
    }
    colours.push(colour);
  }
  // Pass 2: unblend the soft edges. There the photo is layer l over layer l−1 with coverage a, so
  // a·C + (1 − a)·B = photo: C = (photo − (1 − a)·B) / a, and where that leaves 0..255, B takes the
  // rest. At rest the layers give the photo back; moving, an edge carries the near thing's colour.
  const alphas: Float32Array[] = [new Float32Array(0)];
  for (let l = 1; l < K; l++) {
    const a = resizeBilinear(cover[l - 1]!, gw, gh, W, H);
    for (let i = 0; i < a.length; i++) a[i] = Math.round(Math.min(1, Math.max(0, a[i]!)) * 255) / 255;
    alphas.push(a);
    const C = colours[l]!, B = colours[l - 1]!;
    const next = l < K - 1 ? resizeBilinear(cover[l]!, gw, gh, W, H) : null;
    for (let i = 0; i < W * H; i++) {
      const al = a[i]!;
      if (al <= 0 || al >= 1) continue;
      if (next && next[i]! > 0.02) continue; // hidden by a nearer layer: nothing to give back here
      for (let c = 0; c < 3; c++) {
        const p = rgb[i * 3 + c]!;
        let v = Math.round((p - (1 - al) * B[i * 3 + c]!) / al);
        v = v < 0 ? 0 : v > 255 ? 255 : v;
        C[i * 3 + c] = v;
        const b = Math.round((p - al * v) / (1 - al));
        B[i * 3 + c] = b < 0 ? 0 : b > 255 ? 255 : b;
      }
    }
  }
  // Pass 3: planes, the near layers cropped to their boxes. Chroma is averaged by how much of each
  // layer shows (its coverage, less what the next layer covers).
  const shows = (l: number, i: number): number => (l === 0 ? 1 : alphas[l]![i]!) * (l + 1 < K ? 1 - alphas[l + 1]![i]! : 1);
  const layers: LayerPlanes[] = [];
  const disparities: number[] = [];
  for (let l = 0; l < K; l++) {
    const colour = colours[l]!;
    if (l === 0) {
      const w0 = new Float32Array(W * H);
      for (let i = 0; i < w0.length; i++) w0[i] = shows(0, i);
      layers.push({ still: rgbToYuv(colour, W, H, 3, true, K > 1 ? w0 : undefined), alpha: null, alphaC: null, x: 0, y: 0 });
      disparities.push(split.disparities[0]!);
      continue;
    }
    const alphaUp = alphas[l]!;
    // Box of the layer (alpha above 1/255), grown a little and even-aligned.
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = 0; x < W; x++) {
        if (alphaUp[row + x]! <= 0) continue;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
    if (x1 < 0) continue;
    x0 = Math.max(0, x0 - 4) & ~1; y0 = Math.max(0, y0 - 4) & ~1;
    x1 = Math.min(W, x1 + 5); y1 = Math.min(H, y1 + 5);
    let cwid = x1 - x0, chei = y1 - y0;
    if (cwid & 1 && x0 + cwid < W) cwid++;
    if (chei & 1 && y0 + chei < H) chei++;
    const crop = new Uint8Array(cwid * chei * 3);
    const a = new Uint8Array(new SharedArrayBuffer(cwid * chei));
    const wl = new Float32Array(cwid * chei);
    for (let y = 0; y < chei; y++) {
      crop.set(colour.subarray(((y0 + y) * W + x0) * 3, ((y0 + y) * W + x0 + cwid) * 3), y * cwid * 3);
      for (let x = 0; x < cwid; x++) {
        a[y * cwid + x] = Math.round(alphaUp[(y0 + y) * W + x0 + x]! * 255);
        wl[y * cwid + x] = shows(l, (y0 + y) * W + x0 + x);
      }
    }
    const still: YuvStill = rgbToYuv(crop, cwid, chei, 3, true, wl);
    const acw = still.u.width, ach = still.u.height;
    const ac = new Uint8Array(new SharedArrayBuffer(acw * ach));
    for (let y = 0; y < ach; y++) {
      const ya = 2 * y, yb = Math.min(chei - 1, ya + 1);
      for (let x = 0; x < acw; x++) {
        const xa = 2 * x, xb = Math.min(cwid - 1, xa + 1);
        ac[y * acw + x] = (a[ya * cwid + xa]! + a[ya * cwid + xb]! + a[yb * cwid + xa]! + a[yb * cwid + xb]! + 2) >> 2;
      }
    }
    layers.push({ still, alpha: { data: a, width: cwid, height: chei }, alphaC: { data: ac, width: acw, height: ach }, x: x0, y: y0 });
    disparities.push(split.disparities[l]!);
  }
  return { still: { kind: 'layers', width: W, height: H, layers, disparities }, split, guide: { data: dg, width: gw, height: gh } };
};
