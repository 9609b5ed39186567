/**
 * Decoded HEVC tiles (8-bit 4:2:0 planes) → the upright RGBA picture, exactly as libheif computes
 * it, so that both decoders give the same pixels for the same YCbCr:
 *
 * - full range: libheif's integer conversion (Op_YCbCr420_to_RGB32): coefficients × 256, rounded,
 *   `(c * v + 128) >> 8`, chroma taken from the nearest (co-sited top-left) sample;
 * - limited range: libheif's float conversion (Op_YCbCr_to_RGB<uint8_t>) in 32-bit float arithmetic,
 *   nearest chroma, `(int)(x + 0.5f)` clipped.
 *
 * Each tile is written straight to its place in the output, turned and mirrored as the file's
 * irot/imir ask, so the picture is never copied again after this.
 */
import type { PrimaryProps } from './bmff.js';
import { applyMatrixShaper, type MatrixShaper } from './matrix-shaper.js';

const f = Math.fround;

/** libheif's YCbCr → RGB coefficients for a matrix (nclx.cc, get_YCbCr_to_RGB_coefficients), in float. */
export const ycbcrCoefficients = (matrix: number): { rCr: number; gCb: number; gCr: number; bCb: number } => {
  const k: Record<number, [number, number]> = { 1: [0.2126, 0.0722], 4: [0.3, 0.11], 5: [0.299, 0.114], 6: [0.299, 0.114], 7: [0.212, 0.087], 9: [0.2627, 0.0593], 10: [0.2627, 0.0593] };
  const kk = k[matrix];
  if (!kk) return { rCr: f(1.402), gCb: f(-0.344136), gCr: f(-0.714136), bCb: f(1.772) };
  const kr = f(kk[0]), kb = f(kk[1]);
  const den = f(f(kb + kr) - 1);
  return {
    rCr: f(2 * f(-kr + 1)),
    gCb: f(f(f(2 * kb) * f(-kb + 1)) / den),
    gCr: f(f(f(2 * kr) * f(-kr + 1)) / den),
    bCb: f(2 * f(-kb + 1)),
  };
};

/** Where coded pixel (x, y) lands in the output: index (in pixels) = o0 + x * ox + y * oy. */
export interface Placement {
  readonly width: number;
  readonly height: number;
  readonly o0: number;
  readonly ox: number;
  readonly oy: number;
}

/** The output size and pixel mapping after the file's transforms (in their order). */
export const placement = (width: number, height: number, transforms: PrimaryProps['transforms']): Placement => {
  // Output position as X = ax*x + bx*y + cx, Y = ay*x + by*y + cy, in a picture of w x h.
  let ax = 1, bx = 0, cx = 0, ay = 0, by = 1, cy = 0, w = width, h = height;
  for (const t of transforms) {
    if ('rotateCcw' in t) {
      const turns = (t.rotateCcw / 90) & 3;
      for (let i = 0; i < turns; i++) {
        // A quarter turn counter-clockwise: (X, Y) → (Y, w - 1 - X), size (h, w).
        [ax, bx, cx, ay, by, cy] = [ay, by, cy, -ax, -bx, w - 1 - cx];
        [w, h] = [h, w];
      }
    } else if (t.mirror === 'top-bottom') {
      [ay, by, cy] = [-ay, -by, h - 1 - cy];
    } else {
      [ax, bx, cx] = [-ax, -bx, w - 1 - cx];
    }
  }
  return { width: w, height: h, o0: cy * w + cx, ox: ay * w + ax, oy: by * w + bx };
};

export interface TileTarget {
  /** RGBA output, 4-byte aligned at `offset` (pixels as little-endian u32: R, G, B, A). */
  readonly out: Uint32Array;
  readonly place: Placement;
  /** Size of the assembled coded picture (tiles overhanging it are cut). */
  readonly width: number;
  readonly height: number;
  readonly fullRange: boolean;
  readonly matrix: number;
  /** Converts each tile's RGB to sRGB once it is in place (the image's profile, when it allows). */
  readonly toSrgb?: MatrixShaper | null;
}

/** v clamped to 0..255 is CLAMP[v + CLAMP_AT], for v in -CLAMP_AT..CLAMP_AT + 511 (Y + an offset of at most ±2 * 1.9 * 128). */
const CLAMP_AT = 512;
const CLAMP = Uint8Array.from({ length: CLAMP_AT * 2 + 512 }, (_, i) => Math.max(0, Math.min(255, i - CLAMP_AT)));

/**
 * Converts one decoded tile (I420: Y tw x th, then Cb and Cr at half size) whose top-left corner is
 * at coded (x0, y0) into the output, and on to sRGB when `toSrgb` says how: while the tile is still
 * in the cache, and while ffmpeg decodes the next.
 */
export const convertTile = (frame: Uint8Array, tw: number, th: number, x0: number, y0: number, t: TileTarget): void => {
  const w = Math.min(tw, t.width - x0);
  const h = Math.min(th, t.height - y0);
  if (w <= 0 || h <= 0) return;
  tileToRgb(frame, tw, th, x0, y0, w, h, t);
  if (!t.toSrgb) return;
  // The tile's rectangle in the output (turned and mirrored: its corners, wherever they went).
  const { o0, ox, oy, width } = t.place;
  const at = (x: number, y: number) => o0 + x * ox + y * oy;
  const a = at(x0, y0), b = at(x0 + w - 1, y0 + h - 1);
  const left = Math.min(a % width, b % width), top = Math.min(Math.floor(a / width), Math.floor(b / width));
  const across = Math.abs((a % width) - (b % width)) + 1, down = Math.abs(Math.floor(a / width) - Math.floor(b / width)) + 1;
  applyMatrixShaper(t.toSrgb, t.out, top * width + left, across, down, width);
};

/** The tile's w x h coded pixels (cut to the picture) to RGBA, each in its place. */
const tileToRgb = (frame: Uint8Array, tw: number, th: number, x0: number, y0: number, w: number, h: number, t: TileTarget): void => {
  const cw = tw >> 1;
  const uAt = tw * th;
  const vAt = uAt + cw * (th >> 1);
  const { o0, ox, oy } = t.place;
  const out = t.out;
  const c = ycbcrCoefficients(t.matrix);
  const A = 0xff000000 | 0;
  if (t.fullRange) {
    const rc = Math.round(256 * c.rCr), gcb = Math.round(256 * c.gCb), gcr = Math.round(256 * c.gCr), bc = Math.round(256 * c.bCb);
    const k = CLAMP;
    for (let y = 0; y < h; y += 2) {
      const two = y + 1 < h;
      const rowOut = o0 + (y0 + y) * oy + x0 * ox;
      const rowIn = y * tw;
      const crow = uAt + (y >> 1) * cw;
      for (let x = 0; x < w; x += 2) {
        const ci = crow + (x >> 1);
        const cb = frame[ci]! - 128;
        const cr = frame[ci + vAt - uAt]! - 128;
        // Offsets into the clamp table, one per channel, shifted to the bytes they fill.
        const dr = ((rc * cr + 128) >> 8) + CLAMP_AT;
        const dg = ((gcb * cb + gcr * cr + 128) >> 8) + CLAMP_AT;
        const db = ((bc * cb + 128) >> 8) + CLAMP_AT;
        const p = rowIn + x;
        const o = rowOut + x * ox;
        let v = frame[p]!;
        out[o] = A | (k[v + db]! << 16) | (k[v + dg]! << 8) | k[v + dr]!;
        const right = x + 1 < w;
        if (right) {
          v = frame[p + 1]!;
          out[o + ox] = A | (k[v + db]! << 16) | (k[v + dg]! << 8) | k[v + dr]!;
        }
        if (two) {
          v = frame[p + tw]!;
          out[o + oy] = A | (k[v + db]! << 16) | (k[v + dg]! << 8) | k[v + dr]!;
          if (right) {
            v = frame[p + tw + 1]!;
            out[o + oy + ox] = A | (k[v + db]! << 16) | (k[v + dg]! << 8) | k[v + dr]!;
          }
        }
      }
    }
    return;
  }
  // Limited range, float as libheif: Y' = (Y - 16) * 1.1689f, C' = (C - 128) * 1.1429f.
  const ky = f(1.1689), kc = f(1.1429);
  const yv = new Float32Array(256);
  for (let i = 0; i < 256; i++) yv[i] = f(f(i - 16) * ky);
  const rOf = new Float32Array(256), gbOf = new Float32Array(256), grOf = new Float32Array(256), bOf = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = f(f(i - 128) * kc);
    rOf[i] = f(c.rCr * v);
    gbOf[i] = f(c.gCb * v);
    grOf[i] = f(c.gCr * v);
    bOf[i] = f(c.bCb * v);
  }
  const q = (x: number): number => {
    const r = Math.trunc(f(x + 0.5));
    return r < 0 ? 0 : r > 255 ? 255 : r;
  };
  for (let y = 0; y < h; y++) {
    const yy = y0 + y;
    const crow = (y >> 1) * cw;
    for (let x = 0; x < w; x++) {
      const ci = crow + (x >> 1);
      const cb = frame[uAt + ci]!;
      const cr = frame[vAt + ci]!;
      const l = yv[frame[y * tw + x]!]!;
      const r = q(f(l + rOf[cr]!));
      const g = q(f(f(l + gbOf[cb]!) + grOf[cr]!));
      const b = q(f(l + bOf[cb]!));
      out[o0 + (x0 + x) * ox + yy * oy] = (A | (b << 16) | (g << 8) | r) >>> 0;
    }
  }
};
