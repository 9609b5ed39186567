/** Alpha-blends a text overlay onto a yuv420p frame in place. */
import { overlayToYuv, scaleYuvOverlay, type YuvOverlay } from './overlay-yuv.js';
import type { TextOverlay } from './types.js';

const clamp8 = (x: number): number => (x <= 0 ? 0 : x >= 255 ? 255 : (x + 0.5) | 0);

/**
 * frame: yuv420p, Y plane W*H then U and V planes (W>>1)*(H>>1) (as frameBytes in render-frame.ts).
 * opacity multiplies the overlay's own alpha. dx/dy (pixels) move the overlay; they are rounded
 * to whole pixels (sub-pixel placement of text is not worth a resample). scale != 1 resizes the
 * overlay about its centre (bilinear, in premultiplied space). Chroma comes from the 2x2
 * average of alpha and alpha-weighted Cb/Cr over the luma pixels each chroma sample covers.
 */
export const blendOverlayYuv420 = (
  frame: Uint8Array, W: number, H: number, overlay: TextOverlay, opacity: number, dx = 0, dy = 0, scale = 1,
): void => {
  const o = Math.max(0, Math.min(1, opacity));
  if (o <= 0 || overlay.width === 0 || overlay.height === 0) return;
  let ov: YuvOverlay = overlayToYuv(overlay);
  let ox = overlay.x + dx;
  let oy = overlay.y + dy;
  if (Math.abs(scale - 1) > 1e-3 && scale > 0) {
    const cx = ox + ov.width / 2, cy = oy + ov.height / 2;
    ov = scaleYuvOverlay(ov, scale);
    ox = cx - ov.width / 2;
    oy = cy - ov.height / 2;
  }
  blendPlanes(frame, W, H, ov, Math.round(ox), Math.round(oy), o);
};

/**
 * Where an overlay has any alpha, for one placement parity (the 2x2 chroma grouping depends on
 * whether it lands on an odd column or row): runs of luma pixels with alpha, and runs of chroma
 * samples with their 2x2 sums, relative to the overlay's corner. Made once per overlay and parity:
 * a frame then touches only the text's own pixels, with the same arithmetic in the same order.
 */
interface Coverage {
  /** Triples (ly, lx0, lx1): luma pixels of the overlay with alpha. */
  readonly luma: Int32Array;
  /** Triples (dcy, dcx0, dcx1): chroma samples (relative to (X >> 1, Y >> 1)) with alpha. */
  readonly chroma: Int32Array;
  /** 2x2 sums of alpha, alpha*Cb, alpha*Cr per relative chroma sample (row length `cw`). */
  readonly sa: Float64Array;
  readonly su: Float64Array;
  readonly sv: Float64Array;
  readonly cw: number;
}

const coverageCache = new WeakMap<YuvOverlay, Array<Coverage | undefined>>();

const coverageOf = (ov: YuvOverlay, px: number, py: number): Coverage => {
  let list = coverageCache.get(ov);
  if (!list) coverageCache.set(ov, (list = []));
  const hit = list[px + 2 * py];
  if (hit) return hit;
  const { width: w, height: h, a, u, v } = ov;
  const luma: number[] = [];
  for (let ly = 0; ly < h; ly++) {
    for (let lx = 0; lx < w;) {
      if (a[ly * w + lx] === 0) { lx++; continue; }
      const from = lx;
      while (lx < w && a[ly * w + lx] !== 0) lx++;
      luma.push(ly, from, lx);
    }
  }
  const cw = (px + w + 1) >> 1, ch = (py + h + 1) >> 1;
  const sa = new Float64Array(cw * ch), su = new Float64Array(cw * ch), sv = new Float64Array(cw * ch);
  const chroma: number[] = [];
  for (let dcy = 0; dcy < ch; dcy++) {
    let from = -1;
    for (let dcx = 0; dcx <= cw; dcx++) {
      let any = false;
      if (dcx < cw) {
        // The same sums, in the same order, as blending sample by sample.
        let ta = 0, tu = 0, tv = 0;
        for (let j = 0; j < 2; j++) {
          const ly = 2 * dcy + j - py;
          if (ly < 0 || ly >= h) continue;
          for (let i = 0; i < 2; i++) {
            const lx = 2 * dcx + i - px;
            if (lx < 0 || lx >= w) continue;
            const k = ly * w + lx;
            ta += a[k]!;
            tu += u[k]!;
            tv += v[k]!;
          }
        }
        const g = dcy * cw + dcx;
        sa[g] = ta; su[g] = tu; sv[g] = tv;
        any = ta !== 0;
      }
      if (any && from < 0) from = dcx;
      else if (!any && from >= 0) { chroma.push(dcy, from, dcx); from = -1; }
    }
  }
  const c: Coverage = { luma: Int32Array.from(luma), chroma: Int32Array.from(chroma), sa, su, sv, cw };
  list[px + 2 * py] = c;
  return c;
};

const blendPlanes = (frame: Uint8Array, W: number, H: number, ov: YuvOverlay, X: number, Y: number, o: number): void => {
  const { width: w, height: h, a, y } = ov;
  if (Math.min(W, X + w) <= Math.max(0, X) || Math.min(H, Y + h) <= Math.max(0, Y)) return;
  const CW = W >> 1, CH = H >> 1;
  const uOff = W * H, vOff = uOff + CW * CH;
  // A frame with an alpha plane after its chroma (transparent output) is composited "over" it with
  // straight alpha: text drawn where the picture is transparent shows, and raises the alpha there.
  const aOff = vOff + CW * CH;
  const A = frame.length >= aOff + W * H ? aOff : -1;
  const cov = coverageOf(ov, X & 1, Y & 1);
  // Chroma first (it reads the frame's alpha before the luma pass raises it).
  // Sample (cx, cy) covers luma (2cx..2cx+1, 2cy..2cy+1).
  const m = X >> 1, n = Y >> 1;
  const { chroma, sa: SA, su: SU, sv: SV, cw } = cov;
  for (let r = 0; r < chroma.length; r += 3) {
    const dcy = chroma[r]!, cy = n + dcy;
    if (cy < 0 || cy >= CH) continue;
    const hi = Math.min(chroma[r + 2]!, CW - m);
    for (let dcx = Math.max(chroma[r + 1]!, -m); dcx < hi; dcx++) {
      const g = dcy * cw + dcx;
      const sa = SA[g]!, su = SU[g]!, sv = SV[g]!;
      const ta = (sa / 4) * o;
      const q = cy * CW + m + dcx;
      if (A < 0) {
        frame[uOff + q] = clamp8(frame[uOff + q]! * (1 - ta) + (su / 4) * o);
        frame[vOff + q] = clamp8(frame[vOff + q]! * (1 - ta) + (sv / 4) * o);
        continue;
      }
      const cx = m + dcx;
      const p = A + 2 * cy * W + 2 * cx;
      const ba = (frame[p]! + frame[p + 1]! + frame[p + W]! + frame[p + W + 1]!) / (4 * 255);
      const under = ba * (1 - ta), out = ta + under;
      frame[uOff + q] = clamp8((frame[uOff + q]! * under + (su / 4) * o) / out);
      frame[vOff + q] = clamp8((frame[vOff + q]! * under + (sv / 4) * o) / out);
    }
  }
  // Luma (and alpha).
  const { luma } = cov;
  for (let r = 0; r < luma.length; r += 3) {
    const ly = luma[r]!, fy = Y + ly;
    if (fy < 0 || fy >= H) continue;
    const lo = Math.max(luma[r + 1]!, -X), hi = Math.min(luma[r + 2]!, W - X);
    let k = ly * w + lo;
    let p = fy * W + X + lo;
    for (let lx = lo; lx < hi; lx++, k++, p++) {
      const al = a[k]!;
      if (A < 0) {
        frame[p] = clamp8(frame[p]! * (1 - al * o) + y[k]! * o);
        continue;
      }
      const ta = al * o, under = (frame[A + p]! / 255) * (1 - ta), out = ta + under;
      frame[p] = clamp8((frame[p]! * under + y[k]! * o) / out);
      frame[A + p] = clamp8(out * 255);
    }
  }
};
