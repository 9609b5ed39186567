/**
 * The frame sampler in WebAssembly SIMD (kernel: ./wasm/sampler.ts, AssemblyScript, built into
 * sampler.wasm next to this file). Same taps, weights and integer rounding as the JS reference in
 * ./sampler.ts, several times faster. The module is compiled once per thread; each still gets an
 * instance of its own whose memory holds a copy of the still's planes, so rendering a frame is
 * synchronous and copies only the finished frame out.
 */
import { readFileSync } from 'node:fs';
import type { FrameView } from './render-frame.js';
import type { Plane, PixelView } from './sampler.js';
import type { YuvStill } from './yuv.js';
import type { LayeredStill, NearPlacement } from './layered.js';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  ensure(bytes: number): number;
  setScratch(p: number): void;
  prepare(sw: number, sh: number, outW: number, outH: number, left: number, top: number, scale: number): number;
  run(src: number, sw: number, sh: number, out: number, outW: number, outH: number): void;
  blend(dst: number, dstStride: number, src: number, a: number, w: number, h: number): void;
  mix(a: number, b: number, out: number, n: number, k: number): void;
  warp(src: number, sw: number, sh: number, out: number, ow: number, oh: number, mask: number, mw: number, mh: number, mk: number,
    left: number, top: number, scale: number, grid: number, gw: number, gstep: number, gmul: number, w0: number, w1: number, scr: number, src2: number, out2: number,
    codes: number, rows: number, need: number): void;
  maskDistance(mask: number, w: number, h: number, dist: number, outside: number): void;
  noiseLayer(out: number, ow: number, oh: number, mask: number, xr: number, rows: number, lines: number, ku: number, thr: number, tY: number, dith: number): void;
  warpGroups(mask: number, mw: number, mh: number, mk: number, dist: number, zdist: number, left: number, top: number, scale: number, ow: number, oh: number, codes: number, rows: number, scr: number): void;
  driftMask(mask: number, w: number, h: number, left: number, top: number, scale: number, ow: number, oh: number, om: number, xr: number, cols: number): void;
  driftBlend(out: number, ow: number, oh: number, om: number, xr: number, pa: number, pb: number, r0: number, r1: number, wa: number, wb: number, adx: number, ady: number, bdx: number, bdy: number, scr: number): void;
}

const WASM_URL = new URL('./sampler.wasm', import.meta.url);

let compiled: WebAssembly.Module | null = null;

/** Compiles the kernel for this thread (once); throws if the file is missing or SIMD is unsupported. */
export const initSamplerWasm = (): void => {
  if (compiled) return;
  compiled = new WebAssembly.Module(readFileSync(WASM_URL));
};

/** True when the kernel is (or can now be) compiled in this thread. */
export const samplerWasmAvailable = (): boolean => {
  try {
    initSamplerWasm();
    return true;
  } catch {
    return false;
  }
};

const align16 = (n: number): number => (n + 15) & ~15;
/** Loads read up to 15 bytes past the end of a row: every plane is followed by this much. */
const PAD = 16;
/** Positions beyond this (in source pixels) are refused rather than converted to i32 inside. */
const MAX_COORD = 1 << 28;

/** A set of planes copied into one kernel instance, ready to be resampled any number of times. */
export class WasmSampler {
  readonly #k: KernelExports;
  readonly #planes: ReadonlyArray<{ ptr: number; width: number; height: number }>;
  readonly #outPtr: number;
  #outCap = 0;
  /** The geometry the kernel's taps were last prepared for (reused when the next plane has the same). */
  #prepared = '';

  constructor(planes: readonly Plane[]) {
    initSamplerWasm();
    const inst = new WebAssembly.Instance(compiled!, {});
    this.#k = inst.exports as unknown as KernelExports;
    let p = this.#k.heapBase();
    const placed: Array<{ ptr: number; width: number; height: number; data: Uint8Array }> = [];
    for (const pl of planes) {
      const n = pl.width * pl.height;
      if (!(pl.width > 0 && pl.height > 0) || pl.data.length < n) throw new Error(`bad plane ${pl.width}x${pl.height}`);
      placed.push({ ptr: p, width: pl.width, height: pl.height, data: pl.data.subarray(0, n) });
      p = align16(p + n + PAD);
    }
    this.#outPtr = p;
    this.#grow(p + PAD);
    const mem = new Uint8Array(this.#k.memory.buffer);
    for (const pl of placed) mem.set(pl.data, pl.ptr);
    this.#planes = placed.map(({ ptr, width, height }) => ({ ptr, width, height }));
    this.#reserveOut(0);
  }

  #grow(bytes: number): void {
    if (!this.#k.ensure(bytes)) throw new Error(`wasm sampler: cannot grow memory to ${bytes} bytes`);
  }

  #reserveOut(bytes: number): void {
    if (bytes <= this.#outCap && this.#outCap > 0) return;
    this.#outCap = Math.max(bytes, 1);
    const end = align16(this.#outPtr + this.#outCap + PAD);
    this.#grow(end);
    this.#k.setScratch(end);
    this.#prepared = '';
  }

  /** Resamples plane `i` for `view` into the output area at byte `at` (reserved by the caller). */
  #sample(i: number, view: PixelView, at: number, outW: number, outH: number): void {
    if (outW <= 0 || outH <= 0) return;
    const pl = this.#planes[i];
    if (!pl) throw new Error(`wasm sampler: no plane ${i}`);
    const { left, top, scale } = view;
    if (!(Number.isFinite(left) && Number.isFinite(top) && scale > 0 && scale < 4096 && Math.abs(left) < MAX_COORD && Math.abs(top) < MAX_COORD)) {
      throw new Error(`wasm sampler: view out of range (${left}, ${top}, ${scale})`);
    }
    const key = `${pl.width},${pl.height},${outW},${outH},${left},${top},${scale}`;
    if (key !== this.#prepared) {
      this.#prepared = '';
      if (!this.#k.prepare(pl.width, pl.height, outW, outH, left, top, scale)) throw new Error('wasm sampler: out of memory');
    }
    this.#prepared = key;
    this.#k.run(pl.ptr, pl.width, pl.height, this.#outPtr + at, outW, outH);
  }

  /** Like `samplePlane` in ./sampler.ts, for plane `i` of this sampler. */
  samplePlane(i: number, view: PixelView, out: Uint8Array, outOffset: number, outW: number, outH: number): void {
    const n = outW * outH;
    this.#reserveOut(n);
    this.#sample(i, view, 0, outW, outH);
    out.set(new Uint8Array(this.#k.memory.buffer, this.#outPtr, n), outOffset);
  }

  /**
   * One yuv420p frame from planes 0, 1, 2 (Y, U, V of a still): the same as `renderFrame` in
   * ./render-frame.ts, written to `out` (at least frameBytes(outW, outH) bytes).
   */
  sampleFrame(stillWidth: number, stillHeight: number, view: FrameView, outW: number, outH: number, out: Uint8Array): void {
    const n = frameBytes420(outW, outH);
    if (out.length < n) throw new Error(`wasm sampler: output buffer of ${out.length} bytes, ${n} needed`);
    this.#reserveOut(n);
    this.#frameAt0(0, stillWidth, stillHeight, view, outW, outH);
    out.set(new Uint8Array(this.#k.memory.buffer, this.#outPtr, n), 0);
  }

  /** Planes p, p+1, p+2 (Y, U, V) sampled as one frame into the output area. */
  #frameAt0(p: number, stillWidth: number, stillHeight: number, view: FrameView, outW: number, outH: number): void {
    const scale = (view.w * stillWidth) / outW;
    const left = view.x * stillWidth;
    const top = view.y * stillHeight;
    const cw = outW >> 1;
    const ch = outH >> 1;
    this.#sample(p, { left, top, scale }, 0, outW, outH);
    // Chroma planes are half size in both the still and the frame: same scale, half the origin
    // (V reuses U's taps when the two have the same size).
    const cview = { left: left / 2, top: top / 2, scale };
    this.#sample(p + 1, cview, outW * outH, cw, ch);
    this.#sample(p + 2, cview, outW * outH + cw * ch, cw, ch);
  }

  /**
   * A layered frame, whole in the kernel's memory: planes 0..2 are the farthest layer (Y, U, V),
   * then five a near layer (Y, U, V, A, A at chroma size), as `WasmLayered` lays them out. The
   * far layer is sampled into the output area, each near layer into scratch over its box and
   * blended in place; the finished frame is copied out once.
   */
  drawLayered(stillWidth: number, stillHeight: number, view: FrameView, near: readonly NearPlacement[], outW: number, outH: number, out: Uint8Array): void {
    const n = frameBytes420(outW, outH);
    if (out.length < n) throw new Error(`wasm sampler: output buffer of ${out.length} bytes, ${n} needed`);
    const at = this.#reserveNear(near, n);
    this.#frameAt0(0, stillWidth, stillHeight, view, outW, outH);
    this.#nearAt0(near, outW, outH, at);
    out.set(new Uint8Array(this.#k.memory.buffer, this.#outPtr, n), 0);
  }

  /** The near layers (as `drawLayered` draws them) over a frame already drawn in `out` (e.g. with effects). */
  drawNear(near: readonly NearPlacement[], outW: number, outH: number, out: Uint8Array): void {
    const n = frameBytes420(outW, outH);
    if (out.length < n) throw new Error(`wasm sampler: output buffer of ${out.length} bytes, ${n} needed`);
    const at = this.#reserveNear(near, n);
    new Uint8Array(this.#k.memory.buffer).set(out.subarray(0, n), this.#outPtr);
    this.#nearAt0(near, outW, outH, at);
    out.set(new Uint8Array(this.#k.memory.buffer, this.#outPtr, n), 0);
  }

  /** Reserves the frame (n bytes) and two scratch areas as large as the largest near box. */
  #reserveNear(near: readonly NearPlacement[], n: number): { colAt: number; alAt: number } {
    let box = 0;
    for (const p of near) box = Math.max(box, align16(p.w * p.h));
    const colAt = align16(n), alAt = colAt + box;
    this.#reserveOut(alAt + box);
    return { colAt, alAt };
  }

  /** Each near layer sampled over its box into scratch and blended in place into the frame in the output area. */
  #nearAt0(near: readonly NearPlacement[], outW: number, outH: number, { colAt, alAt }: { colAt: number; alAt: number }): void {
    const o = this.#outPtr, cw = outW >> 1, ch = outH >> 1;
    for (const p of near) {
      const b = 3 + (p.l - 1) * 5;
      if (!this.#planes[b + 4]) throw new Error(`wasm sampler: no layer ${p.l}`);
      this.#sample(b, p.lv, colAt, p.w, p.h);
      this.#sample(b + 3, p.lv, alAt, p.w, p.h);
      this.#k.blend(o + p.y * outW + p.x, outW, o + colAt, o + alAt, p.w, p.h);
      const csw = p.w >> 1, csh = p.h >> 1;
      if (csw <= 0 || csh <= 0) continue;
      const c0 = (p.y >> 1) * cw + (p.x >> 1);
      this.#sample(b + 4, p.cv, alAt, csw, csh);
      this.#sample(b + 1, p.cv, colAt, csw, csh);
      this.#k.blend(o + outW * outH + c0, cw, o + colAt, o + alAt, csw, csh);
      this.#sample(b + 2, p.cv, colAt, csw, csh);
      this.#k.blend(o + outW * outH + cw * ch + c0, cw, o + colAt, o + alAt, csw, csh);
    }
  }
}

const frameBytes420 = (w: number, h: number): number => w * h + 2 * ((w >> 1) * (h >> 1));

/** A layered still in one kernel instance of this thread (its planes copied in once). */
export class WasmLayered {
  readonly #s: LayeredStill;
  readonly #sampler: WasmSampler;

  constructor(s: LayeredStill) {
    const planes: Plane[] = [];
    s.layers.forEach((L, i) => {
      planes.push(L.still.y, L.still.u, L.still.v);
      if (i === 0) return;
      if (!L.alpha || !L.alphaC) throw new Error(`layer ${i} has no alpha`);
      planes.push(L.alpha, L.alphaC);
    });
    this.#s = s;
    this.#sampler = new WasmSampler(planes);
  }

  /** One frame: views[0] for the farthest layer, views[l] for layer l. */
  render(views: readonly FrameView[], near: readonly NearPlacement[], outW: number, outH: number, out: Uint8Array): void {
    const far = this.#s.layers[0]!.still;
    this.#sampler.drawLayered(far.width, far.height, views[0]!, near, outW, outH, out);
  }

  /** The near layers over a frame whose farthest layer is already drawn in `out`. */
  drawNear(near: readonly NearPlacement[], outW: number, outH: number, out: Uint8Array): void {
    this.#sampler.drawNear(near, outW, outH, out);
  }
}

/** A still's planes in a kernel instance of this thread (one copy of the planes, made here). */
export interface WasmStill {
  readonly width: number;
  readonly height: number;
  readonly sampler: WasmSampler;
}

export const loadStillWasm = (still: YuvStill): WasmStill => ({
  width: still.width,
  height: still.height,
  sampler: new WasmSampler([still.y, still.u, still.v]),
});

/** `renderFrame` (./render-frame.ts) on the wasm kernel: all three planes of one frame into `out`. */
export const sampleFrameWasm = (still: WasmStill, view: FrameView, outW: number, outH: number, out: Uint8Array): void => {
  still.sampler.sampleFrame(still.width, still.height, view, outW, outH, out);
};

/**
 * The cross-fade of a transition (`mix` in ../compose/transitions.ts) on the SIMD kernel: the same
 * integer arithmetic, so the same bytes, several times faster than the JS loop. An instance of its
 * own holds the two frames while they are mixed.
 */
export class WasmMixer {
  readonly #k: KernelExports;
  readonly #base: number;

  constructor() {
    initSamplerWasm();
    this.#k = new WebAssembly.Instance(compiled!, {}).exports as unknown as KernelExports;
    this.#base = this.#k.heapBase();
  }

  /** out = a·(1−p) + b·p, as `mix` computes it; `out` may be `a`. */
  mix(a: Uint8Array, b: Uint8Array, p: number, out: Uint8Array): void {
    const n = out.length;
    if (a.length < n || b.length < n) throw new Error('wasm mixer: frames of different sizes');
    const pa = this.#base, pb = align16(pa + n);
    if (!this.#k.ensure(pb + n + PAD)) throw new Error('wasm mixer: out of memory');
    const mem = new Uint8Array(this.#k.memory.buffer);
    mem.set(a.subarray(0, n), pa);
    mem.set(b.subarray(0, n), pb);
    this.#k.mix(pa, pb, pa, n, Math.round(p * 256));
    out.set(mem.subarray(pa, pa + n));
  }
}

/** A mask copied into a warper's kernel: its bytes, its distance maps (to below 255, to above 0), its plan for the last view. */
interface MaskInKernel { readonly ptr: number; readonly dist: number; readonly zdist: number; plan: WarpPlan | null }

/** Where the warp works for one mask and view (`warpGroups` in the kernel), luma and chroma. */
interface WarpPlan {
  key: string;
  codesY: number; rowsY: number; codesC: number; rowsC: number;
  /** The frame's luma rows with work, [r0, r1) (even bounds). */
  r0: number; r1: number;
}

/**
 * The living photos' flow warp (`warpPlane` in ../living/render.ts) on the SIMD kernel. Groups of
 * 8 pixels inside the region, whose samples all come from inside it (the mask's distance to its
 * edge beyond the frame's largest displacement), take a fast path: 8 pixels a step in 16-bit
 * fixed point (positions in 1/1024 px); the others 4 pixels a step in f32 with the mask read per
 * sample (the JS reference works in f64: a level apart here and there). Groups where the mask is
 * 0 are not visited. An instance of its own per still holds the still's planes and the effects'
 * masks (copied once each, with their distance maps); a frame's rows with work are copied in,
 * warped plane by plane, and copied out.
 */
export class WasmWarper {
  readonly #k: KernelExports;
  readonly #planes: ReadonlyArray<{ ptr: number; width: number; height: number }>;
  readonly #masks = new WeakMap<Uint8Array, MaskInKernel>();
  #om = { ptr: 0, cap: 0 };
  #omRows = { ptr: 0, cap: 0 };
  /** The output-resolution mask whose bytes are in #om now. */
  #omOf: Uint8Array | null = null;
  #top: number;
  #frame = { ptr: 0, cap: 0 };
  #layer = { ptr: 0, cap: 0 };
  #grid = { ptr: 0, cap: 0 };
  #scr = { ptr: 0, cap: 0 };
  /** Masks copied in as they are (the drift's: no distance maps). */
  readonly #plain = new WeakMap<Uint8Array, number>();
  #driftOm = { ptr: 0, cap: 0 };
  #driftXr = { ptr: 0, cap: 0 };
  #driftA = { ptr: 0, cap: 0 };
  #driftB = { ptr: 0, cap: 0 };
  /** The view whose output-size mask is in #driftOm now, and its rows with work. */
  #driftKey = '';
  #driftRows: readonly [number, number] = [0, 0];

  constructor(still: YuvStill) {
    initSamplerWasm();
    this.#k = new WebAssembly.Instance(compiled!, {}).exports as unknown as KernelExports;
    this.#top = this.#k.heapBase();
    this.#planes = [still.y, still.u, still.v].map((pl) => {
      const n = pl.width * pl.height;
      if (!(pl.width > 0 && pl.height > 0) || pl.data.length < n) throw new Error(`bad plane ${pl.width}x${pl.height}`);
      const ptr = this.#alloc(n);
      new Uint8Array(this.#k.memory.buffer).set(pl.data.subarray(0, n), ptr);
      return { ptr, width: pl.width, height: pl.height };
    });
  }

  #alloc(n: number): number {
    const p = align16(this.#top);
    this.#top = align16(p + n + PAD);
    if (!this.#k.ensure(this.#top)) throw new Error(`wasm warper: cannot grow memory to ${this.#top} bytes`);
    return p;
  }

  #area(a: { ptr: number; cap: number }, n: number): number {
    if (n > a.cap) { a.ptr = this.#alloc(n); a.cap = n; }
    return a.ptr;
  }

  #mask(mask: Uint8Array, w: number, h: number): MaskInKernel {
    let m = this.#masks.get(mask);
    if (m === undefined) {
      const ptr = this.#alloc(mask.length);
      new Uint8Array(this.#k.memory.buffer).set(mask, ptr);
      const dist = this.#alloc(mask.length), zdist = this.#alloc(mask.length);
      this.#k.maskDistance(ptr, w, h, dist, 0);
      this.#k.maskDistance(ptr, w, h, zdist, 1);
      m = { ptr, dist, zdist, plan: null };
      this.#masks.set(mask, m);
    }
    return m;
  }

  /** The mask's work plan for this view (kept while the view stays: a still camera makes it once). */
  #plan(m: MaskInKernel, mw: number, mh: number, left: number, top: number, scale: number, outW: number, outH: number): WarpPlan {
    const key = `${left},${top},${scale},${outW}x${outH}`;
    if (m.plan?.key === key) return m.plan;
    const cw = outW >> 1, ch = outH >> 1;
    const ngY = (outW + 7) >> 3, ngC = (cw + 7) >> 3;
    const p = m.plan && m.plan.key.endsWith(`,${outW}x${outH}`) ? m.plan
      : { key: '', codesY: this.#alloc(ngY * outH), rowsY: this.#alloc(outH * 8), codesC: this.#alloc(Math.max(1, ngC * ch)), rowsC: this.#alloc(Math.max(1, ch) * 8), r0: 0, r1: 0 };
    const sp = this.#area(this.#scr, outW * 12 + 64 + ((outW >> 3) + 4) * 32);
    const k = this.#k;
    k.warpGroups(m.ptr, mw, mh, 1, m.dist, m.zdist, left, top, scale, outW, outH, p.codesY, p.rowsY, sp);
    if (cw > 0 && ch > 0) k.warpGroups(m.ptr, mw, mh, 2, m.dist, m.zdist, left / 2, top / 2, scale, cw, ch, p.codesC, p.rowsC, sp);
    // The luma rows with work, and the luma rows of the chroma rows with work.
    let r0 = outH, r1 = 0;
    const rowsY = new Int32Array(k.memory.buffer, p.rowsY, outH * 2);
    for (let y = 0; y < outH; y++) if (rowsY[2 * y]! <= rowsY[2 * y + 1]!) { if (y < r0) r0 = y; r1 = y + 1; }
    const rowsC = new Int32Array(k.memory.buffer, p.rowsC, ch * 2);
    for (let y = 0; y < ch; y++) if (rowsC[2 * y]! <= rowsC[2 * y + 1]!) { if (2 * y < r0) r0 = 2 * y; if (2 * y + 2 > r1) r1 = 2 * y + 2; }
    p.r0 = r0 >= r1 ? 0 : r0 & ~1;
    p.r1 = r0 >= r1 ? 0 : Math.min(outH, (r1 + 1) & ~1);
    p.key = key;
    m.plan = p;
    return p;
  }

  /**
   * Warps the three planes of a yuv420p frame (`out`, outW x outH) in place: `grid` (gw columns,
   * (dx0, dy0, dx1, dy1) per node every `step` output pixels, a multiple of 8) in still luma pixels;
   * `mask` at the still's luma size or null; `maxD`: the largest |dx| or |dy| in the grid.
   */
  warpFrame(out: Uint8Array, outW: number, outH: number, mask: Uint8Array | null, left: number, top: number, scale: number, grid: Float32Array, gw: number, step: number, w0: number, w1: number, maxD: number): void {
    if (step % 8 !== 0 || (step & (step - 1)) !== 0) throw new Error('wasm warper: the grid step must be a power of 2, at least 8');
    const y = this.#planes[0]!, u = this.#planes[1]!, v = this.#planes[2]!;
    if (y.width >= 32768 || y.height >= 32768) throw new Error('wasm warper: the still is too large');
    const cw = outW >> 1, ch = outH >> 1, n = outW * outH + 2 * cw * ch;
    const m = mask ? this.#mask(mask, y.width, y.height) : null;
    const plan = m ? this.#plan(m, y.width, y.height, left, top, scale, outW, outH) : null;
    const r0 = plan ? plan.r0 : 0, r1 = plan ? plan.r1 : outH;
    if (r0 >= r1) return;
    const mp = m ? m.ptr : 0;
    const need = Number.isFinite(maxD) ? Math.ceil(Math.abs(maxD)) + 3 : 255;
    const fp = this.#area(this.#frame, n);
    const gp = this.#area(this.#grid, grid.length * 4);
    const sp = this.#area(this.#scr, outW * 12 + 64 + gw * 32);
    const mem = new Uint8Array(this.#k.memory.buffer);
    // Only the rows with work go in and out (all of them without a mask).
    const U = outW * outH, V = U + cw * ch, c0 = (r0 >> 1) * cw, c1 = (r1 >> 1) * cw;
    mem.set(out.subarray(r0 * outW, r1 * outW), fp + r0 * outW);
    mem.set(out.subarray(U + c0, U + c1), fp + U + c0);
    mem.set(out.subarray(V + c0, V + c1), fp + V + c0);
    new Float32Array(this.#k.memory.buffer, gp, grid.length).set(grid);
    const k = this.#k;
    k.warp(y.ptr, y.width, y.height, fp, outW, outH, mp, y.width, y.height, 1, left, top, scale, gp, gw, step, 1, w0, w1, sp, 0, 0, plan ? plan.codesY : 0, plan ? plan.rowsY : 0, need);
    const cc = plan ? plan.codesC : 0, cr = plan ? plan.rowsC : 0;
    if (u.width === v.width && u.height === v.height) {
      // U and V in one pass: the same positions and weights.
      k.warp(u.ptr, u.width, u.height, fp + U, cw, ch, mp, y.width, y.height, 2, left / 2, top / 2, scale, gp, gw, step / 2, 0.5, w0, w1, sp, v.ptr, fp + V, cc, cr, need);
    } else {
      k.warp(u.ptr, u.width, u.height, fp + U, cw, ch, mp, y.width, y.height, 2, left / 2, top / 2, scale, gp, gw, step / 2, 0.5, w0, w1, sp, 0, 0, cc, cr, need);
      k.warp(v.ptr, v.width, v.height, fp + V, cw, ch, mp, y.width, y.height, 2, left / 2, top / 2, scale, gp, gw, step / 2, 0.5, w0, w1, sp, 0, 0, cc, cr, need);
    }
    out.set(mem.subarray(fp + r0 * outW, fp + r1 * outW), r0 * outW);
    out.set(mem.subarray(fp + U + c0, fp + U + c1), U + c0);
    out.set(mem.subarray(fp + V + c0, fp + V + c1), V + c0);
  }

  /**
   * The drift's mask at output size for a view (`driftMask` in the kernel: nearest sample of the
   * still's `mask`, luma size, or all 255 without one), kept in the kernel with each row's columns
   * while `key` stays (a still camera makes it once). Returns the luma rows with work [r0, r1),
   * even bounds ([0, 0]: none).
   */
  driftMask(mask: Uint8Array | null, key: string, left: number, top: number, scale: number, outW: number, outH: number): readonly [number, number] {
    const y = this.#planes[0]!;
    const k = `${key}:${left}:${top}:${scale}:${outW}x${outH}`;
    const was = [this.#driftOm.ptr, this.#driftXr.ptr];
    const om = this.#area(this.#driftOm, outW * outH);
    const xr = this.#area(this.#driftXr, (outH + 1) * 8);
    if (k === this.#driftKey && om === was[0] && xr === was[1]) return this.#driftRows;
    let mp = 0;
    if (mask) {
      if (mask.length < y.width * y.height) throw new Error('wasm warper: the mask is smaller than the still');
      mp = this.#masks.get(mask)?.ptr ?? this.#plain.get(mask) ?? 0;
      if (!mp) {
        mp = this.#alloc(y.width * y.height);
        new Uint8Array(this.#k.memory.buffer).set(mask.subarray(0, y.width * y.height), mp);
        this.#plain.set(mask, mp);
      }
    }
    const sp = this.#area(this.#scr, outW * 12 + 64 + ((outW >> 3) + 4) * 32);
    this.#k.driftMask(mp, y.width, y.height, left, top, scale, outW, outH, om, xr, sp);
    const rr = new Int32Array(this.#k.memory.buffer, xr + outH * 8, 2);
    const r0 = rr[0]!, r1 = rr[1]!;
    this.#driftRows = r0 >= r1 ? [0, 0] : [r0 & ~1, Math.min(outH, (r1 + 1) & ~1)];
    this.#driftKey = k;
    return this.#driftRows;
  }

  /**
   * The drift's blend (`driftBlend` in the kernel, the JS reference's f64 operations): the frame
   * `out` (yuv420p, outW x outH) mixed in place with the phases `a` and `b` (yuv420p frames of the
   * luma rows [r0, r1) that the last `driftMask` returned; `b` null: one phase) by that mask, at the
   * pixel and where each phase's pixel comes from (whole output pixels), times the phase's weight.
   */
  driftBlend(out: Uint8Array, outW: number, outH: number, a: Uint8Array, b: Uint8Array | null, r0: number, r1: number, wa: number, wb: number, adx: number, ady: number, bdx: number, bdy: number): void {
    if (r0 >= r1) return;
    const [k0, k1] = this.#driftRows;
    if (r0 < k0 || r1 > k1) throw new Error('wasm warper: drift rows outside the mask\'s');
    const cw = outW >> 1, ch = outH >> 1, n = outW * outH + 2 * cw * ch, hh = r1 - r0;
    const sub = outW * hh + 2 * cw * (hh >> 1);
    if (a.length < sub || (b && b.length < sub)) throw new Error('wasm warper: drift phases of the wrong size');
    const fp = this.#area(this.#frame, n);
    const pa = this.#area(this.#driftA, sub);
    const pb = b ? this.#area(this.#driftB, sub) : pa;
    const mem = new Uint8Array(this.#k.memory.buffer);
    const U = outW * outH, V = U + cw * ch, c0 = (r0 >> 1) * cw, c1 = (r1 >> 1) * cw;
    mem.set(out.subarray(r0 * outW, r1 * outW), fp + r0 * outW);
    mem.set(out.subarray(U + c0, U + c1), fp + U + c0);
    mem.set(out.subarray(V + c0, V + c1), fp + V + c0);
    mem.set(a.subarray(0, sub), pa);
    if (b) mem.set(b.subarray(0, sub), pb);
    const sp = this.#area(this.#scr, outW * 12 + 64 + ((outW >> 3) + 4) * 32);
    this.#k.driftBlend(fp, outW, outH, this.#driftOm.ptr, this.#driftXr.ptr, pa, pb, r0, r1, wa, b ? wb : 0, adx, ady, b ? bdx : 0, b ? bdy : 0, sp);
    out.set(mem.subarray(fp + r0 * outW, fp + r1 * outW), r0 * outW);
    out.set(mem.subarray(fp + U + c0, fp + U + c1), U + c0);
    out.set(mem.subarray(fp + V + c0, fp + V + c1), V + c0);
  }

  /**
   * A noise layer (rise's wisps, fog) over a yuv420p frame in place, as `noiseLayer` in the kernel
   * draws it: `rows` (u0, gain) per output row (gain 0: the row is left alone), `lines` 128 noise
   * values per row, `om` the mask at output resolution with each row's columns (kept in the kernel
   * while the same array is given), `dither` 16 thresholds or null (rounding).
   */
  noiseLayer(out: Uint8Array, outW: number, outH: number, om: { m: Uint8Array; x0: Int32Array; x1: Int32Array } | null, rows: Float32Array, lines: Float32Array, ku: number, thr: number, target: number, dither: Float64Array | null): void {
    let r0 = outH, r1 = 0;
    for (let y = 0; y < outH; y++) if (rows[2 * y + 1] !== 0) { if (y < r0) r0 = y; r1 = y + 1; }
    if (r0 >= r1) return;
    r0 &= ~1; r1 = Math.min(outH, (r1 + 1) & ~1);
    const cw = outW >> 1, ch = outH >> 1, n = outW * outH + 2 * cw * ch;
    let mp = 0, xp = 0;
    if (om) {
      // One area for the last mask given (a moving camera gives a new one per frame: copied over it).
      const was = [this.#om.ptr, this.#omRows.ptr];
      mp = this.#area(this.#om, om.m.length);
      xp = this.#area(this.#omRows, outH * 8);
      if (mp !== was[0] || xp !== was[1]) this.#omOf = null;
      if (this.#omOf !== om.m) {
        new Uint8Array(this.#k.memory.buffer).set(om.m, mp);
        const xr = new Int32Array(this.#k.memory.buffer, xp, outH * 2);
        for (let y = 0; y < outH; y++) { xr[2 * y] = om.x0[y]!; xr[2 * y + 1] = om.x1[y]!; }
        this.#omOf = om.m;
      }
    }
    const fp = this.#area(this.#frame, n);
    const lp = this.#area(this.#layer, outH * 8 + outH * 512 + 64);
    const buf = this.#k.memory.buffer, mem = new Uint8Array(buf);
    new Float32Array(buf, lp, outH * 2).set(rows.subarray(0, outH * 2));
    new Float32Array(buf, lp + outH * 8, outH * 128).set(lines.subarray(0, outH * 128));
    const dp = lp + outH * 8 + outH * 512;
    if (dither) new Float32Array(buf, dp, 16).set(dither);
    const U = outW * outH, V = U + cw * ch, c0 = (r0 >> 1) * cw, c1 = (r1 >> 1) * cw;
    mem.set(out.subarray(r0 * outW, r1 * outW), fp + r0 * outW);
    mem.set(out.subarray(U + c0, U + c1), fp + U + c0);
    mem.set(out.subarray(V + c0, V + c1), fp + V + c0);
    this.#k.noiseLayer(fp, outW, outH, mp, xp, lp, lp + outH * 8, ku, thr, target, dither ? dp : 0);
    out.set(mem.subarray(fp + r0 * outW, fp + r1 * outW), r0 * outW);
    out.set(mem.subarray(fp + U + c0, fp + U + c1), U + c0);
    out.set(mem.subarray(fp + V + c0, fp + V + c1), V + c0);
  }
}
