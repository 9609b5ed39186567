/**
 * An overlay converted once to premultiplied BT.709 limited-range planes at full resolution
 * (alpha and alpha*Y, alpha*Cb, alpha*Cr), the form the blender wants. Same coefficients as
 * rgbToYuv in src/engine/render/yuv.ts. Chroma stays at full resolution here; the blender
 * averages it 2x2 into the frame's half-resolution grid wherever the overlay lands.
 */
import type { TextOverlay } from './types.js';
import { KB, KG, KR } from '../render/yuv.js';

export interface YuvOverlay {
  readonly width: number;
  readonly height: number;
  /** alpha 0..1 */
  readonly a: Float32Array;
  /** alpha * Y, alpha * Cb, alpha * Cr (8-bit code values) */
  readonly y: Float32Array;
  readonly u: Float32Array;
  readonly v: Float32Array;
}

const YR = (219 * KR) / 255, YG = (219 * KG) / 255, YB = (219 * KB) / 255;
const CBR = (-224 * KR) / (1.8556 * 255), CBG = (-224 * KG) / (1.8556 * 255), CBB = (224 * (1 - KB)) / (1.8556 * 255);
const CRR = (224 * (1 - KR)) / (1.5748 * 255), CRG = (-224 * KG) / (1.5748 * 255), CRB = (-224 * KB) / (1.5748 * 255);

const cache = new WeakMap<TextOverlay, YuvOverlay>();

/** Premultiplied RGBA → premultiplied Y/Cb/Cr: the conversion is affine, so it holds per pixel. */
export const overlayToYuv = (ov: TextOverlay): YuvOverlay => {
  const hit = cache.get(ov);
  if (hit !== undefined) return hit;
  const n = ov.width * ov.height;
  const a = new Float32Array(n), y = new Float32Array(n), u = new Float32Array(n), v = new Float32Array(n);
  const px = ov.rgba;
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    const al = px[p + 3]!;
    if (al === 0) continue;
    const an = al / 255;
    const r = px[p]!, g = px[p + 1]!, b = px[p + 2]!;
    a[i] = an;
    y[i] = 16 * an + YR * r + YG * g + YB * b;
    u[i] = 128 * an + CBR * r + CBG * g + CBB * b;
    v[i] = 128 * an + CRR * r + CRG * g + CRB * b;
  }
  const out = { width: ov.width, height: ov.height, a, y, u, v };
  cache.set(ov, out);
  return out;
};

/** Bilinear resize of premultiplied planes by `s` (correct for alpha since they are premultiplied). */
export const scaleYuvOverlay = (src: YuvOverlay, s: number): YuvOverlay => {
  const w = Math.max(1, Math.round(src.width * s));
  const h = Math.max(1, Math.round(src.height * s));
  const sx = src.width / w, sy = src.height / h;
  const n = w * h;
  const out = { width: w, height: h, a: new Float32Array(n), y: new Float32Array(n), u: new Float32Array(n), v: new Float32Array(n) };
  const { a: sa, y: sy_, u: su, v: sv } = src;
  for (let j = 0; j < h; j++) {
    const fy = Math.min(src.height - 1, Math.max(0, (j + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(src.height - 1, y0 + 1), ty = fy - y0;
    for (let i = 0; i < w; i++) {
      const fx = Math.min(src.width - 1, Math.max(0, (i + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(src.width - 1, x0 + 1), tx = fx - x0;
      const a = y0 * src.width + x0, b = y0 * src.width + x1, c = y1 * src.width + x0, d = y1 * src.width + x1;
      const wa = (1 - tx) * (1 - ty), wb = tx * (1 - ty), wc = (1 - tx) * ty, wd = tx * ty;
      const k = j * w + i;
      out.a[k] = sa[a]! * wa + sa[b]! * wb + sa[c]! * wc + sa[d]! * wd;
      if (out.a[k] === 0) continue;
      out.y[k] = sy_[a]! * wa + sy_[b]! * wb + sy_[c]! * wc + sy_[d]! * wd;
      out.u[k] = su[a]! * wa + su[b]! * wb + su[c]! * wc + su[d]! * wd;
      out.v[k] = sv[a]! * wa + sv[b]! * wb + sv[c]! * wc + sv[d]! * wd;
    }
  }
  return out;
};
