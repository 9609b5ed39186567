/** Small image filters on float planes, O(pixels) each: box mean, guided filter, resizing. */

/** Mean over a (2r+1)^2 box, edges clamped to the image (running sums, separable). */
export const boxMean = (src: Float32Array, w: number, h: number, r: number): Float32Array => {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  if (r <= 0) { out.set(src); return out; }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let s = 0;
    for (let k = -r; k <= r; k++) s += src[row + Math.min(w - 1, Math.max(0, k))]!;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = s;
      s += src[row + Math.min(w - 1, x + r + 1)]! - src[row + Math.max(0, x - r)]!;
    }
  }
  const inv = 1 / ((2 * r + 1) * (2 * r + 1));
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let k = -r; k <= r; k++) s += tmp[Math.min(h - 1, Math.max(0, k)) * w + x]!;
    for (let y = 0; y < h; y++) {
      out[y * w + x] = s * inv;
      s += tmp[Math.min(h - 1, y + r + 1) * w + x]! - tmp[Math.max(0, y - r) * w + x]!;
    }
  }
  return out;
};

/**
 * The guided filter (He et al.): `p` smoothed while following the edges of the grey guide `I`
 * (both 0..1): depth edges snap to the photo's edges.
 */
export const guidedFilter = (I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array => {
  const n = w * h;
  const Ip = new Float32Array(n), II = new Float32Array(n);
  for (let i = 0; i < n; i++) { Ip[i] = I[i]! * p[i]!; II[i] = I[i]! * I[i]!; }
  const mI = boxMean(I, w, h, r), mp = boxMean(p, w, h, r), mIp = boxMean(Ip, w, h, r), mII = boxMean(II, w, h, r);
  const a = new Float32Array(n), b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = mII[i]! - mI[i]! * mI[i]!;
    const c = mIp[i]! - mI[i]! * mp[i]!;
    a[i] = c / (v + eps);
    b[i] = mp[i]! - a[i]! * mI[i]!;
  }
  const ma = boxMean(a, w, h, r), mb = boxMean(b, w, h, r);
  const q = new Float32Array(n);
  for (let i = 0; i < n; i++) q[i] = ma[i]! * I[i]! + mb[i]!;
  return q;
};

/** Bilinear resize of a float plane (pixel centres aligned). */
export const resizeBilinear = (src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Float32Array => {
  const out = new Float32Array(dw * dh);
  const fx = sw / dw, fy = sh / dh;
  const x0s = new Int32Array(dw), x1s = new Int32Array(dw), wxs = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
    const x0 = Math.floor(sx);
    x0s[x] = x0; x1s[x] = Math.min(sw - 1, x0 + 1); wxs[x] = sx - x0;
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(sy), y1 = Math.min(sh - 1, y0 + 1), wy = sy - y0;
    const r0 = y0 * sw, r1 = y1 * sw, o = y * dw;
    for (let x = 0; x < dw; x++) {
      const a = src[r0 + x0s[x]!]!, b = src[r0 + x1s[x]!]!, c = src[r1 + x0s[x]!]!, d = src[r1 + x1s[x]!]!;
      const wx = wxs[x]!;
      out[o + x] = (a + (b - a) * wx) * (1 - wy) + (c + (d - c) * wx) * wy;
    }
  }
  return out;
};

/** Area-average downscale by an integer-free factor (each output averages the source pixels it covers). */
export const resizeArea = (src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number): Float32Array => {
  if (dw >= sw || dh >= sh) return resizeBilinear(src, sw, sh, dw, dh);
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const ya = Math.floor((y * sh) / dh), yb = Math.max(ya + 1, Math.floor(((y + 1) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const xa = Math.floor((x * sw) / dw), xb = Math.max(xa + 1, Math.floor(((x + 1) * sw) / dw));
      let s = 0;
      for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) s += src[yy * sw + xx]!;
      out[y * dw + x] = s / ((yb - ya) * (xb - xa));
    }
  }
  return out;
};

/** Grey 0..1 (BT.709 luma of sRGB codes) of interleaved RGB. */
export const lumaOf = (rgb: Uint8Array, w: number, h: number, channels = 3): Float32Array => {
  const out = new Float32Array(w * h);
  for (let i = 0, p = 0; i < out.length; i++, p += channels) out[i] = (0.2126 * rgb[p]! + 0.7152 * rgb[p + 1]! + 0.0722 * rgb[p + 2]!) / 255;
  return out;
};
