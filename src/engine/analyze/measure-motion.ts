/**
 * Measuring motion from decoded pixels: phase correlation between consecutive frames on a few
 * patches gives each patch's shift to a fraction of a pixel; a smooth curve fitted through those
 * shifts is the path a steady camera would follow, and the RMS of what is left over is jitter.
 * Used by the tests (motion is smooth and monotone) and the benchmark (ours against zoompan).
 */

const fft = (re: Float64Array, im: Float64Array, inverse: boolean): void => {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k, b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a]! += xr; im[a]! += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
};

const fft2 = (re: Float64Array, im: Float64Array, n: number, inverse: boolean): void => {
  const r = new Float64Array(n), i = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    r.set(re.subarray(y * n, y * n + n)); i.set(im.subarray(y * n, y * n + n));
    fft(r, i, inverse);
    re.set(r, y * n); im.set(i, y * n);
  }
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) { r[y] = re[y * n + x]!; i[y] = im[y * n + x]!; }
    fft(r, i, inverse);
    for (let y = 0; y < n; y++) { re[y * n + x] = r[y]!; im[y * n + x] = i[y]!; }
  }
};

/** Windowed n x n patch (n a power of two) of a gray frame, centred at (cx, cy). */
const patch = (gray: Uint8Array, w: number, cx: number, cy: number, n: number): Float64Array => {
  const out = new Float64Array(n * n);
  let mean = 0;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) mean += gray[(cy - n / 2 + y) * w + (cx - n / 2 + x)]!;
  mean /= n * n;
  for (let y = 0; y < n; y++) {
    const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y + 0.5)) / n);
    for (let x = 0; x < n; x++) {
      const wx = 0.5 - 0.5 * Math.cos((2 * Math.PI * (x + 0.5)) / n);
      out[y * n + x] = (gray[(cy - n / 2 + y) * w + (cx - n / 2 + x)]! - mean) * wx * wy;
    }
  }
  return out;
};

/** Shift (dx, dy) that moves patch a onto patch b, to a fraction of a pixel. */
export const phaseShift = (a: Float64Array, b: Float64Array, n: number): [number, number] => {
  const ar = Float64Array.from(a), ai = new Float64Array(n * n);
  const br = Float64Array.from(b), bi = new Float64Array(n * n);
  fft2(ar, ai, n, false);
  fft2(br, bi, n, false);
  const cr = new Float64Array(n * n), ci = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    // conj(A) * B, normalised.
    const r = ar[k]! * br[k]! + ai[k]! * bi[k]!;
    const i = ar[k]! * bi[k]! - ai[k]! * br[k]!;
    const m = Math.hypot(r, i) + 1e-12;
    cr[k] = r / m; ci[k] = i / m;
  }
  fft2(cr, ci, n, true);
  let best = 0;
  for (let k = 1; k < n * n; k++) if (cr[k]! > cr[best]!) best = k;
  const px = best % n, py = Math.floor(best / n);
  const at = (x: number, y: number) => cr[((y + n) % n) * n + ((x + n) % n)]!;
  const sub = (m1: number, c: number, p1: number) => {
    const d = m1 - 2 * c + p1;
    return Math.abs(d) < 1e-12 ? 0 : (0.5 * (m1 - p1)) / d;
  };
  let dx = px + sub(at(px - 1, py), at(px, py), at(px + 1, py));
  let dy = py + sub(at(px, py - 1), at(px, py), at(px, py + 1));
  if (dx > n / 2) dx -= n;
  if (dy > n / 2) dy -= n;
  return [dx, dy];
};

/**
 * Refines an estimate d (content of `a` at x appears in `b` at x + d) to a small fraction of a pixel
 * by Lucas–Kanade iterations on the patch around (cx, cy): phase correlation alone locks onto
 * whole pixels, gradients do not.
 */
export const refineShift = (a: Uint8Array, b: Uint8Array, w: number, h: number, cx: number, cy: number, n: number, d: [number, number]): [number, number] => {
  let [dx, dy] = d;
  const half = n / 2;
  const sample = (img: Uint8Array, x: number, y: number) => {
    const x0 = Math.floor(x), y0 = Math.floor(y);
    if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) return NaN;
    const fx = x - x0, fy = y - y0;
    const i = y0 * w + x0;
    return (img[i]! * (1 - fx) + img[i + 1]! * fx) * (1 - fy) + (img[i + w]! * (1 - fx) + img[i + w + 1]! * fx) * fy;
  };
  for (let it = 0; it < 8; it++) {
    let gxx = 0, gxy = 0, gyy = 0, bx = 0, by = 0;
    for (let y = 1; y < n - 1; y++) {
      const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y + 0.5)) / n);
      for (let x = 1; x < n - 1; x++) {
        const wx = 0.5 - 0.5 * Math.cos((2 * Math.PI * (x + 0.5)) / n);
        const px = cx - half + x, py = cy - half + y;
        const i = py * w + px;
        const ix = (a[i + 1]! - a[i - 1]!) / 2;
        const iy = (a[i + w]! - a[i - w]!) / 2;
        const v = sample(b, px + dx, py + dy);
        if (Number.isNaN(v)) continue;
        const e = v - a[i]!;
        const k = wx * wy;
        gxx += k * ix * ix; gxy += k * ix * iy; gyy += k * iy * iy;
        bx += k * ix * e; by += k * iy * e;
      }
    }
    const det = gxx * gyy - gxy * gxy;
    if (Math.abs(det) < 1e-9) break;
    const ux = -(gyy * bx - gxy * by) / det;
    const uy = -(gxx * by - gxy * bx) / det;
    dx += ux; dy += uy;
    if (Math.abs(ux) < 1e-4 && Math.abs(uy) < 1e-4) break;
  }
  return [dx, dy];
};

/** Least-squares polynomial fit of degree d through (i, v[i]); returns fitted values. */
export const polyFit = (v: number[], d: number): number[] => {
  const n = v.length;
  const m = d + 1;
  const ata = Array.from({ length: m }, () => new Float64Array(m));
  const atb = new Float64Array(m);
  const t = (i: number) => (n <= 1 ? 0 : (2 * i) / (n - 1) - 1);
  for (let i = 0; i < n; i++) {
    const p = [1];
    for (let k = 1; k < m; k++) p.push(p[k - 1]! * t(i));
    for (let r = 0; r < m; r++) {
      atb[r]! += p[r]! * v[i]!;
      for (let c = 0; c < m; c++) ata[r]![c]! += p[r]! * p[c]!;
    }
  }
  // Gaussian elimination.
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(ata[r]![c]!) > Math.abs(ata[piv]![c]!)) piv = r;
    [ata[c], ata[piv]] = [ata[piv]!, ata[c]!];
    [atb[c], atb[piv]] = [atb[piv]!, atb[c]!];
    for (let r = 0; r < m; r++) {
      if (r === c || Math.abs(ata[c]![c]!) < 1e-15) continue;
      const f = ata[r]![c]! / ata[c]![c]!;
      for (let k = c; k < m; k++) ata[r]![k]! -= f * ata[c]![k]!;
      atb[r]! -= f * atb[c]!;
    }
  }
  const coef = Array.from({ length: m }, (_, k) => (Math.abs(ata[k]![k]!) < 1e-15 ? 0 : atb[k]! / ata[k]![k]!));
  return v.map((_, i) => {
    let s = 0, p = 1;
    for (let k = 0; k < m; k++) { s += coef[k]! * p; p *= t(i); }
    return s;
  });
};

export interface MotionReport {
  /** Per frame pair, per patch: [dx, dy] in output pixels. */
  readonly shifts: Array<Array<[number, number]>>;
  /** RMS deviation of the per-frame shifts from a smooth path, in output pixels (median over patches). */
  readonly jitterPx: number;
  /** Largest single deviation from the smooth path. */
  readonly maxDeviationPx: number;
  /** Mean per-frame shift magnitude (how much the camera moves at all). */
  readonly meanSpeedPx: number;
}

/**
 * `frames`: gray frames (w x h). Patches at the four quarter points (where zoom and pan both show), or at `at`.
 * The smooth path is a degree-`degree` polynomial through each patch's per-frame shift.
 */
export const measureMotion = (frames: Uint8Array[], w: number, h: number, n = 128, degree = 7, at?: ReadonlyArray<readonly [number, number]>): MotionReport => {
  const size = Math.min(n, 2 ** Math.floor(Math.log2(Math.min(w, h) / 3)));
  n = size;
  // Patch centres: the quarter points unless given (e.g. where a depth move's far layer shows), kept inside the frame.
  const centres: Array<[number, number]> = (at ?? [[w / 4, h / 4], [(3 * w) / 4, h / 4], [w / 4, (3 * h) / 4], [(3 * w) / 4, (3 * h) / 4]])
    .map(([x, y]) => [Math.min(w - n / 2 - 2, Math.max(n / 2 + 2, Math.round(x!))), Math.min(h - n / 2 - 2, Math.max(n / 2 + 2, Math.round(y!)))]);
  const shifts: Array<Array<[number, number]>> = [];
  for (let f = 1; f < frames.length; f++) {
    shifts.push(centres.map(([cx, cy]) => {
      const coarse = phaseShift(patch(frames[f - 1]!, w, cx, cy, n), patch(frames[f]!, w, cx, cy, n), n);
      return refineShift(frames[f - 1]!, frames[f]!, w, h, cx, cy, n, [Math.round(coarse[0]), Math.round(coarse[1])]);
    }));
  }
  // Per patch: RMS of the shifts' deviation from a smooth path. A patch on a flat, featureless area
  // (sky, bokeh) measures its own noise, not the camera's, so the figure is the median patch.
  const perPatch: number[] = [];
  let max = 0, speed = 0;
  for (let p = 0; p < centres.length; p++) {
    let sq = 0, count = 0;
    for (const axis of [0, 1] as const) {
      const series = shifts.map((s) => s[p]![axis]);
      const fit = polyFit(series, degree);
      series.forEach((v, i) => {
        const d = v - fit[i]!;
        sq += d * d; count++;
      });
    }
    perPatch.push(Math.sqrt(sq / Math.max(1, count)));
    speed += shifts.reduce((a, s) => a + Math.hypot(s[p]![0], s[p]![1]), 0) / Math.max(1, shifts.length);
  }
  const order = perPatch.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const mid = order[Math.floor((order.length - 1) / 2)]!;
  const jitter = (order[Math.floor((order.length - 1) / 2)]![0] + order[Math.ceil((order.length - 1) / 2)]![0]) / 2;
  // Largest single deviation, on the median patch.
  for (const axis of [0, 1] as const) {
    const series = shifts.map((s) => s[mid[1]]![axis]);
    const fit = polyFit(series, degree);
    series.forEach((v, i) => { max = Math.max(max, Math.abs(v - fit[i]!)); });
  }
  return { shifts, jitterPx: jitter, maxDeviationPx: max, meanSpeedPx: speed / centres.length };
};
