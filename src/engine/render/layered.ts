/**
 * A layered still (2.5D depth moves) and how one frame of it is drawn: the farthest layer fills the
 * frame like a flat still; each nearer layer is resampled with its own view, only over the part of
 * the frame its bounding box covers, and blended over what is below with its soft alpha (the same
 * sampler for colour and alpha, so edges stay where the colour is).
 */
import { samplePlane, type Plane, type PixelView, type SamplerScratch } from './sampler.js';
import type { FrameView } from './render-frame.js';
import type { YuvStill } from './yuv.js';

export interface LayerPlanes {
  /**
   * The layer's colour, cropped to its box (the farthest layer: the whole picture); a near layer's
   * is premultiplied by its alpha (so resampling never mixes colour from where it is transparent).
   */
  readonly still: YuvStill;
  /** Coverage 0..255 at luma and at chroma resolution; null for the farthest layer (opaque). */
  readonly alpha: Plane | null;
  readonly alphaC: Plane | null;
  /** Where the crop sits in the picture, in pixels (even). */
  readonly x: number;
  readonly y: number;
}

export interface LayeredStill {
  readonly kind: 'layers';
  /** The whole picture's size (views are fractions of it). */
  readonly width: number;
  readonly height: number;
  /** Farthest first. */
  readonly layers: readonly LayerPlanes[];
  /** Each layer's disparity (0 far … 1 near): how far it moves. */
  readonly disparities: readonly number[];
}

export const isLayered = (s: unknown): s is LayeredStill => typeof s === 'object' && s !== null && (s as LayeredStill).kind === 'layers';

/** Samples plane p (0 Y, 1 U, 2 V, 3 A, 4 A at chroma size) of layer l into a packed w x h buffer. */
export type LayerSample = (l: number, p: number, view: PixelView, out: Uint8Array, w: number, h: number) => void;

/** The JS reference of `LayerSample`. */
export const jsLayerSample = (s: LayeredStill, scratch: SamplerScratch): LayerSample => (l, p, view, out, w, h) => {
  const L = s.layers[l]!;
  const plane = [L.still.y, L.still.u, L.still.v, L.alpha, L.alphaC][p];
  if (!plane) throw new Error(`layer ${l} has no plane ${p}`);
  samplePlane(plane, view, out, 0, w, h, scratch);
};

/** out = src + out·(255 − a)/255, rounded, at most 255: `src` is premultiplied (the wasm kernel's `blend` computes the same). */
export const blendRows = (out: Uint8Array, at: number, stride: number, src: Uint8Array, a: Uint8Array, w: number, h: number): void => {
  for (let r = 0; r < h; r++) {
    let o = at + r * stride;
    let k = r * w;
    for (let c = 0; c < w; c++, o++, k++) {
      const al = a[k]!;
      if (al === 0) continue;
      const v = src[k]! + ((out[o]! * (255 - al) * 257 + 32896) >> 16);
      out[o] = v > 255 ? 255 : v;
    }
  }
};

/** Where a near layer lands in one frame: its box in output pixels (even) and its views for luma and chroma. */
export interface NearPlacement {
  readonly l: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly lv: PixelView;
  readonly cv: PixelView;
}

/** The part of the frame each near layer of `s` covers under `views` (layers off-frame are left out). */
export const nearPlacements = (s: LayeredStill, views: readonly FrameView[], outW: number, outH: number): NearPlacement[] => {
  const out: NearPlacement[] = [];
  for (let l = 1; l < s.layers.length; l++) {
    const L = s.layers[l]!;
    const v = views[l] ?? views[0]!;
    const scale = (v.w * s.width) / outW;
    const left = v.x * s.width, top = v.y * s.height;
    const lw = L.still.width, lh = L.still.height;
    let ox0 = Math.floor((L.x - left) / scale) - 1, ox1 = Math.ceil((L.x + lw - left) / scale) + 1;
    let oy0 = Math.floor((L.y - top) / scale) - 1, oy1 = Math.ceil((L.y + lh - top) / scale) + 1;
    ox0 = Math.max(0, ox0) & ~1; oy0 = Math.max(0, oy0) & ~1;
    ox1 = Math.min(outW, (ox1 + 1) & ~1); oy1 = Math.min(outH, (oy1 + 1) & ~1);
    const sw = ox1 - ox0, sh = oy1 - oy0;
    if (sw <= 0 || sh <= 0) continue;
    const lv: PixelView = { left: left + ox0 * scale - L.x, top: top + oy0 * scale - L.y, scale };
    out.push({ l, x: ox0, y: oy0, w: sw, h: sh, lv, cv: { left: lv.left / 2, top: lv.top / 2, scale } });
  }
  return out;
};

let tmp = new Uint8Array(0);
const scratchBytes = (n: number): Uint8Array => (tmp.length >= n ? tmp : (tmp = new Uint8Array(n)));

/**
 * Draws layers 1.. of `s` over `out` (a yuv420p frame where layer 0 is already drawn with views[0]),
 * each with its own view (the JS reference; the render threads use `WasmLayered`).
 */
export const drawNearLayers = (s: LayeredStill, views: readonly FrameView[], outW: number, outH: number, out: Uint8Array, sample: LayerSample): void => {
  const cw = outW >> 1, ch = outH >> 1;
  for (const { l, x: ox0, y: oy0, w: sw, h: sh, lv, cv } of nearPlacements(s, views, outW, outH)) {
    const n = sw * sh;
    const buf = scratchBytes(2 * n);
    const col = buf.subarray(0, n), al = buf.subarray(n, 2 * n);
    sample(l, 0, lv, col, sw, sh);
    sample(l, 3, lv, al, sw, sh);
    blendRows(out, oy0 * outW + ox0, outW, col, al, sw, sh);
    const csw = sw >> 1, csh = sh >> 1;
    if (csw <= 0 || csh <= 0) continue;
    const cn = csw * csh;
    const cc = col.subarray(0, cn), ca = al.subarray(0, cn);
    sample(l, 4, cv, ca, csw, csh);
    sample(l, 1, cv, cc, csw, csh);
    blendRows(out, outW * outH + (oy0 >> 1) * cw + (ox0 >> 1), cw, cc, ca, csw, csh);
    sample(l, 2, cv, cc, csw, csh);
    blendRows(out, outW * outH + cw * ch + (oy0 >> 1) * cw + (ox0 >> 1), cw, cc, ca, csw, csh);
  }
};
