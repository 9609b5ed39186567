/**
 * The frame sampler: resamples one plane of the still into one plane of an output frame for a
 * view given in floating-point source pixels. Separable, with a triangle kernel whose radius grows
 * with the downscale factor (so shrinking averages every source pixel it covers: no shimmer on
 * fine texture) and is bilinear when magnifying. Positions are never rounded: the kernel weights
 * carry the sub-pixel phase (14-bit fixed point, 1/16384 of a pixel).
 */

export interface Plane {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A view in source pixel units: left/top edge of the view and source pixels per output pixel. */
export interface PixelView {
  readonly left: number;
  readonly top: number;
  readonly scale: number;
}

const ONE = 1 << 14;

/** Per-output-coordinate taps: `start[o]` first source index, `weights[o*taps+k]`. */
export interface Taps {
  readonly taps: number;
  readonly start: Int32Array;
  readonly weights: Int32Array;
}

export const computeTaps = (outLen: number, srcLen: number, origin: number, scale: number): Taps => {
  const radius = scale > 1 ? scale : 1;
  // Magnifying (radius 1) needs the two pixels around the sample; shrinking needs the whole support.
  // The open support (c - r, c + r) holds at most ceil(2r) whole pixels.
  const taps = Math.ceil(2 * radius);
  const start = new Int32Array(outLen);
  const weights = new Int32Array(outLen * taps);
  const tmp = new Float64Array(taps);
  const maxStart = Math.max(0, srcLen - taps);
  for (let o = 0; o < outLen; o++) {
    const c = origin + (o + 0.5) * scale - 0.5;
    const first = Math.floor(c - radius) + 1;
    // Keep the window inside the source; weights of replicated edge pixels fold onto the edge.
    let s = first < 0 ? 0 : first > maxStart ? maxStart : first;
    if (srcLen < taps) s = 0;
    start[o] = s;
    tmp.fill(0);
    let sum = 0;
    for (let i = first; i < first + taps; i++) {
      const w = 1 - Math.abs(i - c) / radius;
      if (w <= 0) continue;
      const j = (i < 0 ? 0 : i >= srcLen ? srcLen - 1 : i) - s;
      const k = j < 0 ? 0 : j >= taps ? taps - 1 : j;
      tmp[k]! += w;
      sum += w;
    }
    if (radius > 1 && first >= 0 && first + taps <= srcLen && sum > 0) {
      // A tent wider than one pixel, sampled at whole pixels, has its centre of mass off `c` by
      // up to 0.07 output pixels depending on the phase: a pan, whose phase sweeps steadily,
      // wobbled by that much. Tilting the weights linearly about `c` puts the centre of mass back
      // on `c` exactly, keeping the same support (the tilt is a few percent: no weight turns negative).
      let m1 = 0, m2 = 0;
      for (let k = 0; k < taps; k++) {
        const d = s + k - c;
        m1 += tmp[k]! * d;
        m2 += tmp[k]! * d * d;
      }
      if (m2 > 0) {
        const a = -m1 / m2;
        sum = 0;
        for (let k = 0; k < taps; k++) {
          const w = tmp[k]! * (1 + a * (s + k - c));
          tmp[k] = w > 0 ? w : 0;
          sum += tmp[k]!;
        }
      }
    }
    if (sum <= 0) {
      // c sits exactly on a pixel with radius 1: that pixel alone.
      const j = Math.min(Math.max(Math.round(c), 0), srcLen - 1) - s;
      tmp[Math.min(Math.max(j, 0), taps - 1)] = 1;
      sum = 1;
    }
    let acc = 0;
    let big = 0;
    const base = o * taps;
    for (let k = 0; k < taps; k++) {
      const q = Math.round((tmp[k]! / sum) * ONE);
      weights[base + k] = q;
      acc += q;
      if (q > weights[base + big]!) big = k;
    }
    weights[base + big]! += ONE - acc;
  }
  return { taps, start, weights };
};

/** Reusable scratch memory for one rendering thread. */
export class SamplerScratch {
  #tmp = new Uint16Array(0);
  #acc = new Int32Array(0);
  tmp(n: number): Uint16Array {
    if (this.#tmp.length < n) this.#tmp = new Uint16Array(n);
    return this.#tmp;
  }
  acc(n: number): Int32Array {
    if (this.#acc.length < n) this.#acc = new Int32Array(n);
    return this.#acc;
  }
}

/** Resample `src` into `out` (outW x outH, row stride outW, at byte offset `outOffset`). */
export const samplePlane = (
  src: Plane, view: PixelView, out: Uint8Array, outOffset: number, outW: number, outH: number, scratch: SamplerScratch,
): void => {
  const sw = src.width;
  const sd = src.data;
  const hx = computeTaps(outW, sw, view.left, view.scale);
  const vy = computeTaps(outH, src.height, view.top, view.scale);
  // Source rows the vertical pass reads.
  const r0 = vy.start[0]!;
  const r1 = Math.min(src.height, vy.start[outH - 1]! + vy.taps);
  const rows = r1 - r0;
  const tmp = scratch.tmp(rows * outW);
  const acc = scratch.acc(outW);

  // Horizontal pass: each needed source row → outW samples scaled by 128.
  const T = hx.taps;
  const hs = hx.start;
  const hw = hx.weights;
  for (let r = 0; r < rows; r++) {
    const rowBase = (r0 + r) * sw;
    const tBase = r * outW;
    if (T === 2) {
      for (let o = 0, b = 0; o < outW; o++, b += 2) {
        const p = rowBase + hs[o]!;
        tmp[tBase + o] = (hw[b]! * sd[p]! + hw[b + 1]! * sd[p + 1]! + 64) >> 7;
      }
    } else if (T === 3) {
      for (let o = 0, b = 0; o < outW; o++, b += 3) {
        const p = rowBase + hs[o]!;
        tmp[tBase + o] = (hw[b]! * sd[p]! + hw[b + 1]! * sd[p + 1]! + hw[b + 2]! * sd[p + 2]! + 64) >> 7;
      }
    } else if (T === 4) {
      for (let o = 0, b = 0; o < outW; o++, b += 4) {
        const p = rowBase + hs[o]!;
        tmp[tBase + o] = (hw[b]! * sd[p]! + hw[b + 1]! * sd[p + 1]! + hw[b + 2]! * sd[p + 2]! + hw[b + 3]! * sd[p + 3]! + 64) >> 7;
      }
    } else {
      for (let o = 0, b = 0; o < outW; o++, b += T) {
        const p = rowBase + hs[o]!;
        let a = 64;
        for (let k = 0; k < T; k++) a += hw[b + k]! * sd[p + k]!;
        tmp[tBase + o] = a >> 7;
      }
    }
  }

  // Vertical pass: weighted sum of intermediate rows, row by row.
  const V = vy.taps;
  const vs = vy.start;
  const vw = vy.weights;
  const HALF = 1 << 20;
  for (let y = 0; y < outH; y++) {
    const first = vs[y]! - r0;
    const wb = y * V;
    const outBase = outOffset + y * outW;
    if (V === 2) {
      const w0 = vw[wb]!, w1 = vw[wb + 1]!;
      const b0 = first * outW, b1 = b0 + outW;
      for (let o = 0; o < outW; o++) {
        out[outBase + o] = (w0 * tmp[b0 + o]! + w1 * tmp[b1 + o]! + HALF) >> 21;
      }
    } else if (V === 3) {
      const w0 = vw[wb]!, w1 = vw[wb + 1]!, w2 = vw[wb + 2]!;
      const b0 = first * outW, b1 = b0 + outW, b2 = b1 + outW;
      for (let o = 0; o < outW; o++) {
        out[outBase + o] = (w0 * tmp[b0 + o]! + w1 * tmp[b1 + o]! + w2 * tmp[b2 + o]! + HALF) >> 21;
      }
    } else {
      acc.fill(HALF, 0, outW);
      for (let k = 0; k < V; k++) {
        const w = vw[wb + k]!;
        if (w === 0) continue;
        const b = (first + k) * outW;
        for (let o = 0; o < outW; o++) acc[o]! += w * tmp[b + o]!;
      }
      for (let o = 0; o < outW; o++) out[outBase + o] = acc[o]! >> 21;
    }
  }
};
