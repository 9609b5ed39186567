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

const blendPlanes = (frame: Uint8Array, W: number, H: number, ov: YuvOverlay, X: number, Y: number, o: number): void => {
  const { width: w, height: h, a, y, u, v } = ov;
  // Luma.
  const x0 = Math.max(0, X), x1 = Math.min(W, X + w);
  const y0 = Math.max(0, Y), y1 = Math.min(H, Y + h);
  if (x1 <= x0 || y1 <= y0) return;
  for (let fy = y0; fy < y1; fy++) {
    let k = (fy - Y) * w + (x0 - X);
    let p = fy * W + x0;
    for (let fx = x0; fx < x1; fx++, k++, p++) {
      const al = a[k]!;
      if (al === 0) continue;
      frame[p] = clamp8(frame[p]! * (1 - al * o) + y[k]! * o);
    }
  }
  // Chroma: sample (cx, cy) covers luma (2cx..2cx+1, 2cy..2cy+1).
  const CW = W >> 1, CH = H >> 1;
  const uOff = W * H, vOff = uOff + CW * CH;
  const cx0 = Math.max(0, X >> 1), cx1 = Math.min(CW, (X + w + 1) >> 1);
  const cy0 = Math.max(0, Y >> 1), cy1 = Math.min(CH, (Y + h + 1) >> 1);
  for (let cy = cy0; cy < cy1; cy++) {
    for (let cx = cx0; cx < cx1; cx++) {
      let sa = 0, su = 0, sv = 0;
      for (let j = 0; j < 2; j++) {
        const ly = 2 * cy + j - Y;
        if (ly < 0 || ly >= h) continue;
        for (let i = 0; i < 2; i++) {
          const lx = 2 * cx + i - X;
          if (lx < 0 || lx >= w) continue;
          const k = ly * w + lx;
          sa += a[k]!;
          su += u[k]!;
          sv += v[k]!;
        }
      }
      if (sa === 0) continue;
      const keep = 1 - (sa / 4) * o;
      const q = cy * CW + cx;
      frame[uOff + q] = clamp8(frame[uOff + q]! * keep + (su / 4) * o);
      frame[vOff + q] = clamp8(frame[vOff + q]! * keep + (sv / 4) * o);
    }
  }
};
