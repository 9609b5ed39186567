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
  const x0 = Math.max(0, X), x1 = Math.min(W, X + w);
  const y0 = Math.max(0, Y), y1 = Math.min(H, Y + h);
  if (x1 <= x0 || y1 <= y0) return;
  const CW = W >> 1, CH = H >> 1;
  const uOff = W * H, vOff = uOff + CW * CH;
  // A frame with an alpha plane after its chroma (transparent output) is composited "over" it with
  // straight alpha: text drawn where the picture is transparent shows, and raises the alpha there.
  const aOff = vOff + CW * CH;
  const A = frame.length >= aOff + W * H ? aOff : -1;
  // Chroma first (it reads the frame's alpha before the luma pass raises it).
  // Sample (cx, cy) covers luma (2cx..2cx+1, 2cy..2cy+1).
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
      const ta = (sa / 4) * o;
      const q = cy * CW + cx;
      if (A < 0) {
        frame[uOff + q] = clamp8(frame[uOff + q]! * (1 - ta) + (su / 4) * o);
        frame[vOff + q] = clamp8(frame[vOff + q]! * (1 - ta) + (sv / 4) * o);
        continue;
      }
      const p = A + 2 * cy * W + 2 * cx;
      const ba = (frame[p]! + frame[p + 1]! + frame[p + W]! + frame[p + W + 1]!) / (4 * 255);
      const under = ba * (1 - ta), out = ta + under;
      frame[uOff + q] = clamp8((frame[uOff + q]! * under + (su / 4) * o) / out);
      frame[vOff + q] = clamp8((frame[vOff + q]! * under + (sv / 4) * o) / out);
    }
  }
  // Luma (and alpha).
  for (let fy = y0; fy < y1; fy++) {
    let k = (fy - Y) * w + (x0 - X);
    let p = fy * W + x0;
    for (let fx = x0; fx < x1; fx++, k++, p++) {
      const al = a[k]!;
      if (al === 0) continue;
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
