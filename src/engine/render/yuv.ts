/**
 * The still as video planes: BT.709 limited-range Y at full resolution and Cb, Cr at half
 * resolution (4:2:0), converted once so every frame is only resampled, never colour-converted.
 */
import type { Plane } from './sampler.js';

export interface YuvStill {
  readonly width: number;
  readonly height: number;
  readonly y: Plane;
  readonly u: Plane;
  readonly v: Plane;
  /** Straight alpha at full resolution (0 transparent … 255 opaque), for transparent output only. */
  readonly a?: Plane;
}

/** BT.709 luma coefficients (shared by every YUV conversion in the project). */
export const KR = 0.2126;
export const KB = 0.0722;
export const KG = 1 - KR - KB;

/** Allocates a plane; in shared memory when asked, so render workers read it without copies. */
const alloc = (n: number, shared: boolean): Uint8Array => (shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n));

/** Empty planes for a width x height picture (chroma at half size, rounded up). */
export const allocYuv = (width: number, height: number, shared = true): YuvStill => {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return { width, height, y: { data: alloc(width * height, shared), width, height }, u: { data: alloc(cw * ch, shared), width: cw, height: ch }, v: { data: alloc(cw * ch, shared), width: cw, height: ch } };
};

/** `rgb` is 8-bit sRGB, `channels` 3 (or 4: alpha already flattened and ignored). */
export const rgbToYuv = (rgb: Uint8Array, width: number, height: number, channels: number, shared = true, weights?: ArrayLike<number>): YuvStill => {
  const out = allocYuv(width, height, shared);
  rgbToYuvRows(rgb, width, height, channels, out, 0, height, weights);
  return out;
};

/**
 * Rows [r0, r1) of `rgb` into the planes of `out` (r0 even, so each chroma row is written by one
 * call): several threads can convert one picture, each its own band.
 */
export const rgbToYuvRows = (rgb: Uint8Array, width: number, height: number, channels: number, out: YuvStill, r0: number, r1: number, weights?: ArrayLike<number>): void => {
  const y = out.y.data, u = out.u.data, v = out.v.data;
  const cw = out.u.width;
  const yr = (219 * KR) / 255, yg = (219 * KG) / 255, yb = (219 * KB) / 255;
  for (let i = r0 * width, p = i * channels, e = r1 * width; i < e; i++, p += channels) {
    y[i] = Math.round(16 + yr * rgb[p]! + yg * rgb[p + 1]! + yb * rgb[p + 2]!);
  }
  // Chroma from the 2x2 average of RGB (centre-sited), clamped at odd edges.
  const cbR = (-224 * KR) / (1.8556 * 255), cbG = (-224 * KG) / (1.8556 * 255), cbB = (224 * (1 - KB)) / (1.8556 * 255);
  const crR = (224 * (1 - KR)) / (1.5748 * 255), crG = (-224 * KG) / (1.5748 * 255), crB = (-224 * KB) / (1.5748 * 255);
  for (let cy = r0 >> 1, ce = (r1 + 1) >> 1; cy < ce; cy++) {
    const y0 = cy * 2;
    const y1 = Math.min(y0 + 1, height - 1);
    for (let cx = 0; cx < cw; cx++) {
      const x0 = cx * 2;
      const x1 = Math.min(x0 + 1, width - 1);
      const ia = y0 * width + x0, ib = y0 * width + x1, ic = y1 * width + x0, id = y1 * width + x1;
      const a = ia * channels, b = ib * channels, c = ic * channels, d = id * channels;
      let r = (rgb[a]! + rgb[b]! + rgb[c]! + rgb[d]!) / 4;
      let g = (rgb[a + 1]! + rgb[b + 1]! + rgb[c + 1]! + rgb[d + 1]!) / 4;
      let bl = (rgb[a + 2]! + rgb[b + 2]! + rgb[c + 2]! + rgb[d + 2]!) / 4;
      if (weights) {
        // A layer's chroma is its coverage-weighted average, so that blended by its average coverage
        // it gives what the four pixels blended one by one would.
        const wa = weights[ia]!, wb = weights[ib]!, wc = weights[ic]!, wd = weights[id]!;
        const ws = wa + wb + wc + wd;
        if (ws > 1e-3 && ws < 4) {
          r = (wa * rgb[a]! + wb * rgb[b]! + wc * rgb[c]! + wd * rgb[d]!) / ws;
          g = (wa * rgb[a + 1]! + wb * rgb[b + 1]! + wc * rgb[c + 1]! + wd * rgb[d + 1]!) / ws;
          bl = (wa * rgb[a + 2]! + wb * rgb[b + 2]! + wc * rgb[c + 2]! + wd * rgb[d + 2]!) / ws;
        }
      }
      const k = cy * cw + cx;
      u[k] = Math.round(128 + cbR * r + cbG * g + cbB * bl);
      v[k] = Math.round(128 + crR * r + crG * g + crB * bl);
    }
  }
};

/** BT.709 limited-range YCbCr → 8-bit sRGB, for tests and thumbnails. */
export const yuvToRgb = (Y: number, Cb: number, Cr: number): [number, number, number] => {
  const yy = (Y - 16) / 219;
  const pb = (Cb - 128) / 224;
  const pr = (Cr - 128) / 224;
  const r = yy + 1.5748 * pr;
  const b = yy + 1.8556 * pb;
  const g = (yy - KR * r - KB * b) / KG;
  const q = (x: number) => Math.max(0, Math.min(255, Math.round(x * 255)));
  return [q(r), q(g), q(b)];
};
