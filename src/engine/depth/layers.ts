/**
 * A photo cut into depth layers for a depth move, once per shot at the working resolution:
 *
 * 1. the stored depth map is brought up to a guide resolution and snapped to the photo's edges
 *    (guided filter on the photo's grey), so layer edges follow object edges;
 * 2. cut into a near and a far layer at the depth that best separates them (Otsu on the depth histogram), each
 *    with a soft alpha (a smooth step across its threshold);
 * 3. what each nearer layer hides is filled on the layers behind it (pull-push inpainting from the
 *    pixels around), so a near thing moving aside reveals plausible background, not a hole;
 * 4. each layer becomes YUV planes plus alpha, the near ones cropped to their boxes.
 */
import { allocYuv, rgbToYuvRows, type YuvStill } from '../render/yuv.js';
import type { LayeredStill, LayerPlanes } from '../render/layered.js';
import { boxMean, guidedFilter, resizeBilinear } from './filters.js';
import { decodeDepth, type DepthMap } from './map.js';

/** Depth layers found in a map: thresholds between them and each layer's disparity (0 far … 1 near). */
export interface DepthSplit {
  readonly thresholds: readonly number[];
  readonly disparities: readonly number[];
}

/** The split of a 0..1 depth plane into 2 or 3 layers (multi-level Otsu on a 64-bin histogram). */
export const splitDepth = (d: ArrayLike<number>, maxLayers = 3): DepthSplit => {
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
  const th = maxLayers >= 3 && gain3 > 0.04 && minShare > 0.04 ? [ta / B, tb / B] : [t2 / B];
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

/**
 * Onion-peel fill: the unknown pixels are filled ring by ring from the outside in, each from the
 * pixels of the previous rings around it (8 neighbours, weighted by `known` and inherited), so the
 * background next to a hole continues into it in its own colour (a wall stays the wall's colour,
 * not the average of the whole picture as pull-push makes it). Then smoothed inside the hole, so
 * the rings do not show as streaks. `rgb` is 3 floats a pixel; `known` 0 (hole) … 1.
 */
export const onionFill = (rgb: Float32Array, known: Float32Array, w: number, h: number): Float32Array => {
  const n = w * h;
  const out = Float32Array.from(rgb);
  const wt = new Float32Array(n);
  const state = new Uint8Array(n); // 0 hole, 1 known or filled, 2 queued
  let any = false;
  for (let i = 0; i < n; i++) if (known[i]! > 0) { state[i] = 1; wt[i] = known[i]!; any = true; }
  if (!any) return pullPush(rgb, known, w, h);
  let ring: number[] = [];
  const queue = (i: number, next: number[]) => {
    const x = i % w, y = (i - x) / w;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const X = x + dx, Y = y + dy;
      if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
      const j = Y * w + X;
      if (state[j] === 0) { state[j] = 2; next.push(j); }
    }
  };
  for (let i = 0; i < n; i++) if (state[i] === 1) {
    const x = i % w, y = (i - x) / w;
    if ((x > 0 && state[i - 1] === 0) || (x < w - 1 && state[i + 1] === 0) || (y > 0 && state[i - w] === 0) || (y < h - 1 && state[i + w] === 0)) queue(i, ring);
  }
  const vals = new Float32Array(4);
  const depthOf = new Uint16Array(n);
  let depthNow = 0;
  while (ring.length) {
    depthNow++;
    for (const i of ring) depthOf[i] = Math.min(65535, depthNow);
    const res = new Float32Array(ring.length * 4);
    ring.forEach((i, k) => {
      const x = i % w, y = (i - x) / w;
      vals.fill(0);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const X = x + dx, Y = y + dy;
        if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
        const j = Y * w + X;
        if (state[j] !== 1) continue;
        const q = wt[j]! * (dx && dy ? 0.7 : 1);
        vals[0]! += q * out[j * 3]!; vals[1]! += q * out[j * 3 + 1]!; vals[2]! += q * out[j * 3 + 2]!; vals[3]! += q;
      }
      const s = vals[3]! || 1;
      res[k * 4] = vals[0]! / s; res[k * 4 + 1] = vals[1]! / s; res[k * 4 + 2] = vals[2]! / s; res[k * 4 + 3] = (vals[3]! / Math.max(1, countKnown(state, x, y, w, h))) * 0.98;
    });
    const next: number[] = [];
    ring.forEach((i, k) => {
      out[i * 3] = res[k * 4]!; out[i * 3 + 1] = res[k * 4 + 1]!; out[i * 3 + 2] = res[k * 4 + 2]!;
      wt[i] = Math.max(1e-4, res[k * 4 + 3]!);
    });
    for (const i of ring) state[i] = 1;
    for (const i of ring) queue(i, next);
    ring = next;
  }
  // Smooth what was filled (the known pixels stay as they are): a little near the hole's edge, more
  // deeper in, where the rings' diagonal streaks would show.
  const r1 = Math.max(1, Math.round(Math.max(w, h) / 200)), r2 = Math.max(2, Math.round(Math.max(w, h) / 40));
  for (let c = 0; c < 3; c++) {
    const ch = new Float32Array(n);
    for (let i = 0; i < n; i++) ch[i] = out[i * 3 + c]!;
    const s1 = boxMean(ch, w, h, r1), s2 = boxMean(boxMean(ch, w, h, r2), w, h, r2);
    for (let i = 0; i < n; i++) {
      if (known[i]! > 0) continue;
      const k = Math.min(1, depthOf[i]! / (2 * r2));
      out[i * 3 + c] = s1[i]! + (s2[i]! - s1[i]!) * k;
    }
  }
  return out;
};

const countKnown = (state: Uint8Array, x: number, y: number, w: number, h: number): number => {
  let c = 0;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const X = x + dx, Y = y + dy;
    if (X >= 0 && Y >= 0 && X < w && Y < h && state[Y * w + X] === 1) c += dx && dy ? 0.7 : 1;
  }
  return c;
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
export const refineDepth = (rgb: Uint8Array, W: number, H: number, depth: DepthMap): { data: Float32Array; width: number; height: number; luma: Float32Array; rgb: Float32Array } => {
  const k = Math.min(1, GUIDE / Math.max(W, H));
  const gw = Math.max(2, Math.round(W * k)), gh = Math.max(2, Math.round(H * k));
  const g3 = shrinkRgb(rgb, W, H, gw, gh);
  const luma = new Float32Array(gw * gh);
  for (let i = 0; i < luma.length; i++) luma[i] = (0.2126 * g3[i * 3]! + 0.7152 * g3[i * 3 + 1]! + 0.0722 * g3[i * 3 + 2]!) / 255;
  const raw = decodeDepth(depth);
  const up = resizeBilinear(raw, depth.width, depth.height, gw, gh);
  for (let i = 0; i < up.length; i++) up[i]! /= 255;
  const r = Math.max(2, Math.round(Math.max(gw, gh) / 120));
  const g = guidedFilter(luma, up, gw, gh, r, 2e-3);
  for (let i = 0; i < g.length; i++) g[i] = Math.min(1, Math.max(0, g[i]!));
  return { data: g, width: gw, height: gh, luma, rgb: g3 };
};

/** Interleaved RGB area-averaged to gw x gh floats (3 a pixel). */
const shrinkRgb = (rgb: Uint8Array, W: number, H: number, gw: number, gh: number): Float32Array => {
  const out = new Float32Array(gw * gh * 3);
  const xs = new Int32Array(gw + 1);
  for (let x = 0; x <= gw; x++) xs[x] = Math.min(W, Math.floor((x * W) / gw));
  const acc = new Float64Array(gw * 3);
  for (let y = 0; y < gh; y++) {
    const ya = Math.floor((y * H) / gh), yb = Math.max(ya + 1, Math.floor(((y + 1) * H) / gh));
    acc.fill(0);
    for (let yy = ya; yy < yb; yy++) {
      const row = yy * W * 3;
      for (let x = 0; x < gw; x++) {
        const xa = xs[x]!, xb = Math.max(xa + 1, xs[x + 1]!);
        let r = 0, g = 0, b = 0;
        for (let p = row + xa * 3, e = row + xb * 3; p < e; p += 3) { r += rgb[p]!; g += rgb[p + 1]!; b += rgb[p + 2]!; }
        acc[x * 3]! += r; acc[x * 3 + 1]! += g; acc[x * 3 + 2]! += b;
      }
    }
    for (let x = 0; x < gw; x++) {
      const n = (yb - ya) * (Math.max(xs[x]! + 1, xs[x + 1]!) - xs[x]!);
      const o = (y * gw + x) * 3;
      out[o] = acc[x * 3]! / n; out[o + 1] = acc[x * 3 + 1]! / n; out[o + 2] = acc[x * 3 + 2]! / n;
    }
  }
  return out;
};

/** Bilinear taps from a plane of `sw` samples to `dw` (pixel centres aligned), for full-resolution rows. */
const axisTaps = (sw: number, dw: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } => {
  const i0 = new Int32Array(dw), i1 = new Int32Array(dw), f = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * (sw / dw) - 0.5));
    const a = Math.floor(sx);
    i0[x] = a; i1[x] = Math.min(sw - 1, a + 1); f[x] = sx - a;
  }
  return { i0, i1, f };
};

/** Row y of a guide-resolution plane with `c` channels, bilinearly up to full width, columns x0..x1. */
const upRow = (src: Float32Array, gw: number, c: number, ty: { i0: Int32Array; i1: Int32Array; f: Float32Array }, tx: { i0: Int32Array; i1: Int32Array; f: Float32Array }, y: number, x0: number, x1: number, out: Float32Array): void => {
  const r0 = ty.i0[y]! * gw, r1 = ty.i1[y]! * gw, fy = ty.f[y]!;
  for (let x = x0; x < x1; x++) {
    const a0 = (r0 + tx.i0[x]!) * c, b0 = (r0 + tx.i1[x]!) * c, a1 = (r1 + tx.i0[x]!) * c, b1 = (r1 + tx.i1[x]!) * c, fx = tx.f[x]!;
    for (let k = 0; k < c; k++) {
      const top = src[a0 + k]! + (src[b0 + k]! - src[a0 + k]!) * fx;
      const bot = src[a1 + k]! + (src[b1 + k]! - src[a1 + k]!) * fx;
      out[(x - x0) * c + k] = top + (bot - top) * fy;
    }
  }
};

const shared = (n: number): SharedArrayBuffer => new SharedArrayBuffer(n);

/**
 * A layer build in progress: what was decided at guide resolution (cut, fill, the near layer's own
 * colour, its box) and the full-resolution outputs, all in shared memory, so the rows can be made
 * by several threads (`layerRows`, each its own band) and put together by `finishLayers`.
 */
export interface LayerJob {
  readonly W: number;
  readonly H: number;
  /** The picture, interleaved RGB (shared). */
  readonly rgb: Uint8Array;
  readonly gw: number;
  readonly gh: number;
  /** Near coverage, fill colour (background) and bleed colour (the near layer's own), at guide resolution. */
  readonly cover: Float32Array;
  /** The same before the dilation: where it is below 1 the edge is unsure, and colour decides. */
  readonly core: Float32Array;
  readonly fill: Float32Array;
  readonly bleed: Float32Array;
  /** The near layer's box at full resolution (even x, y, w, h), or null: one layer. */
  readonly box: { readonly x: number; readonly y: number; readonly w: number; readonly h: number } | null;
  readonly split: DepthSplit;
  readonly guide: Float32Array;
  /** Outputs: the far layer's planes and chroma weights; the near layer's planes, alpha and weights. */
  readonly far: YuvStill;
  readonly w0: Float32Array;
  readonly near: YuvStill | null;
  readonly a: Uint8Array | null;
  readonly ac: Uint8Array | null;
  /** Scratch RGB of both layers (one row band per thread). */
  readonly farRgb: Uint8Array;
  readonly nearRgb: Uint8Array | null;
  readonly wl: Float32Array | null;
}

/**
 * The decisions of a layer build, at guide resolution (a few hundred milliseconds on a 12 MP photo):
 * the refined depth and its cut into a near and a far layer, the near layer's soft coverage, the fill
 * behind it and its own colour continued outward.
 *
 * Colours: the far layer shows the fill wherever the near layer reaches (its soft edge too), so
 * what a moving near thing reveals is background, never its own colour; the fill continues the
 * background around the hole (onion peel, the farther pixels weighing more) rather than averaging
 * the whole picture. The near layer's soft edge is matted by colour between the fill and its own
 * colour, then unblended against the far colour (at rest the two give the photo back), and where
 * it has no coverage its colour is bled from its own inside, so resampling its edge never drags
 * background colour along with it.
 */
export const planLayers = (rgbIn: Uint8Array, W: number, H: number, depth: DepthMap): LayerJob => {
  const rgb = rgbIn.buffer instanceof SharedArrayBuffer ? rgbIn : new Uint8Array(shared(W * H * 3));
  if (rgb !== rgbIn) rgb.set(rgbIn.subarray(0, W * H * 3));
  const ref = refineDepth(rgb, W, H, depth);
  const { width: gw, height: gh, data: dg } = ref;
  // Two layers: a middle layer covers what is in front of it too, and where the near layer moves
  // away it showed its own fill's edge as a moving outline (seen on the iPhone portrait).
  const split = splitDepth(dg, 2);
  const t = split.thresholds[0]!;
  // An estimate is smooth where real depth jumps: a wider soft band crossfades a cut through one
  // object instead of tearing it.
  const soft = depth.source === 'estimated' ? 0.1 : 0.045;
  // Coverage of the near layer at guide resolution. It reaches a little past its depth edge (grey
  // dilation), so an object's true outline goes with it rather than staying behind as a ghost line.
  const dd = dilate(dg, gw, gh, Math.max(1, Math.round(Math.max(gw, gh) / 160)));
  const cover = new Float32Array(shared(gw * gh * 4));
  const core = new Float32Array(shared(gw * gh * 4));
  for (let i = 0; i < cover.length; i++) { cover[i] = smoothstep(t - soft, t + soft, dd[i]!); core[i] = smoothstep(t - soft, t + soft, dg[i]!); }
  const g3 = ref.rgb;
  // Fill: known where clearly uncovered, a few pixels away from the near edge (its colour bleeds
  // there), weighted by farness.
  const grown = boxMean(cover, gw, gh, Math.max(2, Math.round(Math.max(gw, gh) / 120)));
  const known = new Float32Array(gw * gh);
  for (let i = 0; i < known.length; i++) known[i] = grown[i]! < 0.02 ? 0.01 + Math.min(1, Math.max(0, (t - dg[i]!) / Math.max(1e-3, t))) ** 3 : 0;
  const fill = new Float32Array(shared(gw * gh * 12));
  fill.set(onionFill(g3, known, gw, gh));
  // The near layer's own colour, continued outward from its inside.
  const inside = new Float32Array(gw * gh);
  for (let i = 0; i < inside.length; i++) inside[i] = core[i]! > 0.98 ? 1 : 0;
  const bleed = new Float32Array(shared(gw * gh * 12));
  bleed.set(pullPush(g3, inside, gw, gh));
  // The near layer's box at full resolution (from the guide's, grown by a guide pixel).
  let gx0 = gw, gy0 = gh, gx1 = -1, gy1 = -1;
  for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) {
    if (cover[y * gw + x]! <= 0) continue;
    if (x < gx0) gx0 = x; if (x > gx1) gx1 = x; if (y < gy0) gy0 = y; if (y > gy1) gy1 = y;
  }
  let box: LayerJob['box'] = null;
  if (gx1 >= 0) {
    let x0 = Math.max(0, Math.floor(((gx0 - 1) * W) / gw) - 2) & ~1, y0 = Math.max(0, Math.floor(((gy0 - 1) * H) / gh) - 2) & ~1;
    const x1 = Math.min(W, Math.ceil(((gx1 + 2) * W) / gw) + 2), y1 = Math.min(H, Math.ceil(((gy1 + 2) * H) / gh) + 2);
    let cwid = x1 - x0, chei = y1 - y0;
    if (cwid & 1) { if (x0 + cwid < W) cwid++; else if (x0 > 0) { x0--; cwid++; } }
    if (chei & 1) { if (y0 + chei < H) chei++; else if (y0 > 0) { y0--; chei++; } }
    box = { x: x0, y: y0, w: cwid, h: chei };
  }
  const w0 = new Float32Array(shared(W * H * 4));
  const near = box ? allocYuv(box.w, box.h, true) : null;
  return {
    W, H, rgb, gw, gh, cover, core, fill, bleed, box, split, guide: dg,
    far: allocYuv(W, H, true), w0, near,
    a: box ? new Uint8Array(shared(box.w * box.h)) : null,
    ac: near ? new Uint8Array(shared(near.u.width * near.u.height)) : null,
    farRgb: new Uint8Array(shared(W * H * 3)),
    nearRgb: box ? new Uint8Array(shared(box.w * box.h * 3)) : null,
    wl: box ? new Float32Array(shared(box.w * box.h * 4)) : null,
  };
};

/** Rows [r0, r1) of a layer build at full resolution (r0 even): colours, alpha, then video planes. */
export const layerRows = (job: LayerJob, r0: number, r1: number): void => {
  const { W, H, rgb, gw, gh, cover, core, fill, bleed, box, w0 } = job;
  const far = job.farRgb;
  far.set(rgb.subarray(r0 * W * 3, r1 * W * 3), r0 * W * 3);
  w0.fill(1, r0 * W, r1 * W);
  if (box && job.nearRgb && job.a && job.wl && job.near && job.ac) {
    const { x: x0, y: y0, w: cwid, h: chei } = box;
    const near = job.nearRgb, a = job.a, wl = job.wl;
    const tx = axisTaps(gw, W), ty = axisTaps(gh, H);
    const ya = Math.max(r0, y0), yb = Math.min(r1, y0 + chei);
    const cRow = new Float32Array(cwid), kRow = new Float32Array(cwid);
    for (let Y = ya; Y < yb; Y++) {
      const y = Y - y0;
      upRow(cover, gw, 1, ty, tx, Y, x0, x0 + cwid, cRow);
      upRow(core, gw, 1, ty, tx, Y, x0, x0 + cwid, kRow);
      const g0 = ty.i0[Y]! * gw, g1 = ty.i1[Y]! * gw, fy = ty.f[Y]!;
      for (let x = 0; x < cwid; x++) {
        const X = x0 + x, i = Y * W + X, j = y * cwid + x;
        // Bilinear taps of this pixel in the guide-resolution planes.
        const q00 = (g0 + tx.i0[X]!) * 3, q01 = (g0 + tx.i1[X]!) * 3, q10 = (g1 + tx.i0[X]!) * 3, q11 = (g1 + tx.i1[X]!) * 3, fx = tx.f[X]!;
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        let av = cRow[x]!;
        if (av <= 0) {
          for (let c = 0; c < 3; c++) {
            const v = bleed[q00 + c]! * w00 + bleed[q01 + c]! * w01 + bleed[q10 + c]! * w10 + bleed[q11 + c]! * w11;
            near[j * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
          }
          a[j] = 0;
          wl[j] = 0;
          continue;
        }
        const F0 = fill[q00]! * w00 + fill[q01]! * w01 + fill[q10]! * w10 + fill[q11]! * w11;
        const F1 = fill[q00 + 1]! * w00 + fill[q01 + 1]! * w01 + fill[q10 + 1]! * w10 + fill[q11 + 1]! * w11;
        const F2 = fill[q00 + 2]! * w00 + fill[q01 + 2]! * w01 + fill[q10 + 2]! * w10 + fill[q11 + 2]! * w11;
        const p0 = rgb[i * 3]!, p1 = rgb[i * 3 + 1]!, p2 = rgb[i * 3 + 2]!;
        let N0 = p0, N1 = p1, N2 = p2;
        // The unsure band: the soft edge, and the ring the dilation added (the depth map's edge is
        // coarse, often a few pixels off the object's).
        if (av < 1 || kRow[x]! < 0.98) {
          N0 = bleed[q00]! * w00 + bleed[q01]! * w01 + bleed[q10]! * w10 + bleed[q11]! * w11;
          N1 = bleed[q00 + 1]! * w00 + bleed[q01 + 1]! * w01 + bleed[q10 + 1]! * w10 + bleed[q11 + 1]! * w11;
          N2 = bleed[q00 + 2]! * w00 + bleed[q01 + 2]! * w01 + bleed[q10 + 2]! * w10 + bleed[q11 + 2]! * w11;
          // Matting by colour where the depth is unsure: between the far colour (fill) and the near
          // one (bleed), the photo's colour says how much of the near thing this pixel holds, as far
          // as the two colours differ enough to tell.
          const d0 = N0 - F0, d1 = N1 - F1, d2 = N2 - F2;
          const dd = d0 * d0 + d1 * d1 + d2 * d2;
          if (dd > 400) {
            const ac = Math.min(1, Math.max(0, ((p0 - F0) * d0 + (p1 - F1) * d1 + (p2 - F2) * d2) / dd));
            const conf = Math.min(1, (Math.sqrt(dd) - 20) / 40);
            av += conf * (ac - av);
          }
        }
        const aq = av <= 0 ? 0 : av >= 1 ? 255 : Math.round(av * 255);
        a[j] = aq;
        const al = aq / 255;
        wl[j] = al;
        w0[i] = 1 - al;
        const m = smoothstep(0, 0.12, av);
        for (let c = 0; c < 3; c++) {
          const p = c === 0 ? p0 : c === 1 ? p1 : p2;
          const F = c === 0 ? F0 : c === 1 ? F1 : F2;
          const b = Math.round(p + (F - p) * m);
          let bb = b < 0 ? 0 : b > 255 ? 255 : b;
          if (aq === 0) { const nv = Math.round(c === 0 ? N0 : c === 1 ? N1 : N2); near[j * 3 + c] = nv < 0 ? 0 : nv > 255 ? 255 : nv; far[i * 3 + c] = bb; continue; }
          if (aq === 255) { near[j * 3 + c] = p; far[i * 3 + c] = bb; continue; }
          const u = Math.round((p - (1 - al) * bb) / al);
          const v = u < 0 ? 0 : u > 255 ? 255 : u;
          // What the near colour cannot hold stays with the far one (at rest the two give the photo).
          if (v !== u) { const r = Math.round((p - al * v) / (1 - al)); bb = r < 0 ? 0 : r > 255 ? 255 : r; }
          near[j * 3 + c] = v;
          far[i * 3 + c] = bb;
        }
      }
    }
    // The near layer's planes and its alpha at chroma size, for its rows in this band.
    if (yb > ya) {
      rgbToYuvRows(near, cwid, chei, 3, job.near, ya - y0, yb - y0, wl);
      // Premultiplied: luma by each pixel's alpha, chroma (the alpha-weighted average of its four
      // pixels) by their mean alpha, which is the chroma alpha.
      const Yp = job.near.y.data, Up = job.near.u.data, Vp = job.near.v.data;
      for (let j = (ya - y0) * cwid, e = (yb - y0) * cwid; j < e; j++) Yp[j] = Math.round((Yp[j]! * a[j]!) / 255);
      const acw = job.near.u.width;
      for (let cy = (ya - y0) >> 1, ce = (yb - y0 + 1) >> 1; cy < ce; cy++) {
        const ra = 2 * cy, rb = Math.min(chei - 1, ra + 1);
        for (let x = 0; x < acw; x++) {
          const xa = 2 * x, xb = Math.min(cwid - 1, xa + 1), k = cy * acw + x;
          const av = (a[ra * cwid + xa]! + a[ra * cwid + xb]! + a[rb * cwid + xa]! + a[rb * cwid + xb]!) / 4;
          job.ac[k] = Math.round(av);
          Up[k] = Math.round((Up[k]! * av) / 255);
          Vp[k] = Math.round((Vp[k]! * av) / 255);
        }
      }
    }
  }
  rgbToYuvRows(far, W, H, 3, job.far, r0, r1, box ? w0 : undefined);
};

/** The layered still of a finished build. */
export const finishLayers = (job: LayerJob): BuiltLayers => {
  const layers: LayerPlanes[] = [{ still: job.far, alpha: null, alphaC: null, x: 0, y: 0 }];
  const disparities = [job.split.disparities[0]!];
  if (job.box && job.near && job.a && job.ac) {
    layers.push({ still: job.near, alpha: { data: job.a, width: job.box.w, height: job.box.h }, alphaC: { data: job.ac, width: job.near.u.width, height: job.near.u.height }, x: job.box.x, y: job.box.y });
    disparities.push(job.split.disparities[1]!);
  }
  return { still: { kind: 'layers', width: job.W, height: job.H, layers, disparities }, split: job.split, guide: { data: job.guide, width: job.gw, height: job.gh } };
};

/** Even row bands splitting H rows into `parts`. */
export const layerBands = (H: number, parts: number): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < parts; k++) {
    const a = Math.min(H, Math.round((k * H) / parts / 2) * 2), b = k === parts - 1 ? H : Math.min(H, Math.round(((k + 1) * H) / parts / 2) * 2);
    if (b > a) out.push([a, b]);
  }
  return out;
};

/** Builds the layers of an RGB picture (W x H, 3 bytes a pixel) from its depth map, in this thread. */
export const buildLayers = (rgb: Uint8Array, W: number, H: number, depth: DepthMap): BuiltLayers => {
  const job = planLayers(rgb, W, H, depth);
  layerRows(job, 0, H);
  return finishLayers(job);
};
