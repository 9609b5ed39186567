/**
 * Living photos, per frame (runs on the render threads after the camera's frame is sampled):
 * flow effects re-sample the still's planes at displaced positions inside their region's mask,
 * overlays draw particles and light over the frame. Pure functions of (still, masks, view, frame
 * index): deterministic for a seed, periodic over each effect's period.
 *
 * Flows that travel (drift, flow, rise) use two phases half a period apart: each phase displaces
 * the still by velocity x (its phase - 1/2) x period and fades in and out (a triangle), so its jump
 * back happens when its weight is 0 and the sum of the two moves steadily along the velocity. The
 * frame at t and at t + period are the same. Oscillating flows (ripple, sway) are periodic by
 * construction. A displaced sample taken from outside the region counts only by its mask, and the
 * result is mixed with the camera's frame by the mask at the pixel: 0 outside, exactly the frame.
 */
import type { FrameView } from '../render/render-frame.js';
import type { YuvStill } from '../render/yuv.js';
import { isFlowEffect, type EffectPlan } from './effects.js';
import { rng } from '../random.js';
import { samplerWasmAvailable, WasmWarper } from '../render/sampler-wasm.js';

/** What a render thread holds for a shot with effects: the plan and each effect's mask (still Y resolution, or null for everywhere). */
export interface LivingStill {
  readonly effects: readonly EffectPlan[];
  readonly masks: ReadonlyArray<Uint8Array | null>;
}

const TAU = Math.PI * 2;
/** Share of a travelling flow's cycle spent crossfading its two phases (each time). */
const CROSSFADE = 0.3;


const NOISE = 128;
const noiseCache = new Map<number, Float32Array>();
/** A tileable value-noise texture (NOISE x NOISE, 0–1), two octaves, for a seed. */
export const noiseTexture = (seed: number): Float32Array => {
  let t = noiseCache.get(seed);
  if (t) return t;
  t = new Float32Array(NOISE * NOISE);
  const r = rng(seed);
  for (const [cells, amp] of [[4, 0.65], [9, 0.35]] as const) {
    const g = new Float32Array(cells * cells).map(() => r());
    for (let y = 0; y < NOISE; y++) {
      const fy = (y / NOISE) * cells, y0 = Math.floor(fy), ty = fy - y0, sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < NOISE; x++) {
        const fx = (x / NOISE) * cells, x0 = Math.floor(fx), tx = fx - x0, sx = tx * tx * (3 - 2 * tx);
        const a = g[(y0 % cells) * cells + (x0 % cells)]!, b = g[(y0 % cells) * cells + ((x0 + 1) % cells)]!;
        const c = g[((y0 + 1) % cells) * cells + (x0 % cells)]!, d = g[((y0 + 1) % cells) * cells + ((x0 + 1) % cells)]!;
        t[y * NOISE + x]! += amp * ((a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy);
      }
    }
  }
  noiseCache.set(seed, t);
  return t;
};

/** Noise at (u, v) in tiles (wraps every 1), bilinear. */
const noiseAt = (tex: Float32Array, u: number, v: number): number => {
  const fx = (u - Math.floor(u)) * NOISE, fy = (v - Math.floor(v)) * NOISE;
  const x0 = fx | 0, y0 = fy | 0, tx = fx - x0, ty = fy - y0;
  const x1 = (x0 + 1) & (NOISE - 1), y1 = (y0 + 1) & (NOISE - 1);
  const a = tex[y0 * NOISE + x0]!, b = tex[y0 * NOISE + x1]!, c = tex[y1 * NOISE + x0]!, d = tex[y1 * NOISE + x1]!;
  return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
};

/** The displacement of one flow effect at a still position and time, as two phases (offset and weight each). */
interface Phases { x0: number; y0: number; w0: number; x1: number; y1: number; w1: number }

/** Values per grid node that do not depend on time (see `nodeBasis`). */
const BASIS = 4;

/**
 * The time-independent part of a flow's field at a still position (noise, the sines' arguments
 * as sine and cosine): computed once per grid node for a view and kept while the view stays, so
 * a frame only combines them with its phase (sin(a + c) = sin a cos c + cos a sin c).
 */
const nodeBasis = (e: EffectPlan, tex: Float32Array, W: number, x: number, y: number, b: Float64Array, k: number): void => {
  switch (e.type) {
    case 'flow':
      // Speed varies in space (turbulence): faster and slower threads of water.
      b[k] = 0.6 + 0.8 * noiseAt(tex, (x / W) * 3, (y / W) * 3);
      return;
    case 'rise': {
      const a = TAU * (y / W) * 6 + TAU * noiseAt(tex, x / W, y / W);
      b[k] = Math.sin(a); b[k + 1] = Math.cos(a);
      return;
    }
    case 'ripple': {
      // Small waves travelling along the direction, two wavelengths: the surface shimmers in place.
      const u = (x * e.dir[0] + y * e.dir[1]) / W, v = (y * e.dir[0] - x * e.dir[1]) / W;
      const n = noiseAt(tex, u * 2, v * 2);
      const A = TAU * (u * 40 + v * 7 + n * 2), B = TAU * (u * 90 - v * 15);
      b[k] = Math.sin(A); b[k + 1] = Math.cos(A); b[k + 2] = Math.sin(B); b[k + 3] = Math.cos(B);
      return;
    }
    case 'sway': {
      const ph = TAU * noiseAt(tex, (x / W) * 2, (y / W) * 2) * 2;
      b[k] = Math.sin(ph); b[k + 1] = Math.cos(ph);
      return;
    }
  }
};

/** A flow's field at time t from a node's basis: writes the two phases' offsets and weights. */
const makeField = (e: EffectPlan, still: YuvStill, t: number) => {
  const W = still.width;
  const P = e.period;
  const vx = e.dir[0] * e.speed * W, vy = e.dir[1] * e.speed * W; // still px per frame
  // The time within the period, exactly (t and t + P give the same bits, so the same frame).
  const tm = ((t % P) + P) % P;
  const ph0 = tm / P;
  const ph1 = (ph0 + 0.5) - Math.floor(ph0 + 0.5);
  // Each phase is alone for most of its cycle and crossfades with the other around a quarter and
  // three quarters (weights sum to 1; a phase's jump back happens at weight 0).
  const tri = 1 - Math.abs(2 * ph0 - 1);
  const w0 = Math.min(1, Math.max(0, (tri - 0.5) / CROSSFADE + 0.5)), w1 = 1 - w0;
  const amp = e.strength * W;
  const cyc = TAU * ph0;
  const s1 = Math.sin(cyc), c1 = Math.cos(cyc), s2 = Math.sin(-2 * cyc), c2 = Math.cos(-2 * cyc), s3 = Math.sin(-3 * cyc), c3 = Math.cos(-3 * cyc);
  const d0x = vx * P * (ph0 - 0.5), d0y = vy * P * (ph0 - 0.5), d1x = vx * P * (ph1 - 0.5), d1y = vy * P * (ph1 - 0.5);
  switch (e.type) {
    case 'flow':
      return (b: Float64Array, k: number, o: Phases) => {
        const f = b[k]!;
        o.x0 = f * d0x; o.y0 = f * d0y; o.x1 = f * d1x; o.y1 = f * d1y;
        o.w0 = w0; o.w1 = w1;
        return o;
      };
    case 'rise':
      return (b: Float64Array, k: number, o: Phases) => {
        const curl = amp * 0.006 * (b[k]! * c1 + b[k + 1]! * s1);
        o.x0 = d0x + curl; o.y0 = d0y; o.x1 = d1x + curl; o.y1 = d1y;
        o.w0 = w0; o.w1 = w1;
        return o;
      };
    case 'ripple':
      return (b: Float64Array, k: number, o: Phases) => {
        const a = b[k]! * c2 + b[k + 1]! * s2, bb = b[k + 2]! * c3 + b[k + 3]! * s3;
        o.x0 = amp * 0.0015 * bb; o.y0 = amp * 0.004 * (0.7 * a + 0.3 * bb);
        o.w0 = 1; o.w1 = 0;
        return o;
      };
    case 'sway':
      return (b: Float64Array, k: number, o: Phases) => {
        const s = amp * 0.004 * (b[k]! * c1 + b[k + 1]! * s1);
        o.x0 = e.dir[0] * s + (1 - Math.abs(e.dir[0])) * s * 0.3; o.y0 = e.dir[1] * s;
        o.w0 = 1; o.w1 = 0;
        return o;
      };
    default: // drift: a rigid translation per phase
      return (_b: Float64Array, _k: number, o: Phases) => {
        o.x0 = d0x; o.y0 = d0y; o.x1 = d1x; o.y1 = d1y;
        o.w0 = w0; o.w1 = w1;
        return o;
      };
  }
};

/** Each flow's grid basis for the last view it was drawn with (a still camera computes it once). */
const basisCache = new WeakMap<EffectPlan, { key: string; basis: Float64Array }>();

/** The rows of the still where a mask is not 0 ([first, last + 1]; the whole still without a mask). */
const maskRowsCache = new WeakMap<Uint8Array, readonly [number, number]>();
const maskRows = (mask: Uint8Array | null, W: number, H: number): readonly [number, number] => {
  if (!mask) return [0, H];
  let r = maskRowsCache.get(mask);
  if (!r) {
    let r0 = H, r1 = 0;
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = 0; x < W; x++) if (mask[row + x] !== 0) { if (y < r0) r0 = y; r1 = y + 1; break; }
    }
    r = r0 < r1 ? [r0, r1] : [0, 0];
    maskRowsCache.set(mask, r);
  }
  return r;
};

/** Output pixels between displacement-grid nodes: fields are smooth, so they are evaluated on this grid and interpolated. */
const STEP = 8;

/**
 * Re-samples one plane inside the mask: `grid` holds per node (dx0, dy0, dx1, dy1) in this plane's
 * pixels; `w0`/`w1` the two phases' weights. The mask is read at luma resolution (`mk` = 2 for
 * chroma). Everything inlined: this is the hot loop.
 */
const warpPlane = (
  out: Uint8Array, at: number, ow: number, oh: number, src: Uint8Array, sw: number, sh: number,
  mask: Uint8Array | null, mw: number, mh: number, mk: number,
  left: number, top: number, scale: number, grid: Float32Array, gw: number, gstep: number, w0: number, w1: number,
): void => {
  const maxX = sw - 1.001, maxY = sh - 1.001, mxMax = mw - 1, myMax = mh - 1;
  const inv = 1 / gstep, w0m = w0 / 255, w1m = w1 / 255;
  // Per column (the same for every row): the source x, the mask column, the grid cell and the weight in it.
  const colX = new Float64Array(ow), colM = new Int32Array(ow), colG = new Int32Array(ow), colT = new Float64Array(ow);
  for (let ox = 0; ox < ow; ox++) {
    const sx = left + (ox + 0.5) * scale - 0.5;
    const mxi = ((sx + 0.5) * mk) | 0;
    colX[ox] = sx;
    colM[ox] = mxi < 0 ? 0 : mxi > mxMax ? mxMax : mxi;
    const gxf = (ox + 0.5) * inv, gx0 = gxf | 0;
    colG[ox] = gx0 * 4;
    colT[ox] = gxf - gx0;
  }
  // The grid interpolated to this row once (it is smooth: per pixel only the step along x remains).
  const rowv = new Float64Array(gw * 4);
  for (let oy = 0; oy < oh; oy++) {
    const sy = top + (oy + 0.5) * scale - 0.5;
    let myi = ((sy + 0.5) * mk) | 0;
    myi = myi < 0 ? 0 : myi > myMax ? myMax : myi;
    const mrow = myi * mw;
    const gyf = (oy + 0.5) * inv, gy0 = gyf | 0, ty = gyf - gy0;
    const rowA = gy0 * gw * 4, rowB = rowA + gw * 4;
    const ob = at + oy * ow;
    let any = mask === null;
    if (!any) for (let ox = 0; ox < ow; ox += 4) if (mask![mrow + colM[ox]!] !== 0) { any = true; break; }
    if (!any && mask![mrow + colM[ow - 1]!] === 0) continue;
    for (let k = 0; k < gw * 4; k++) rowv[k] = grid[rowA + k]! * (1 - ty) + grid[rowB + k]! * ty;
    for (let ox = 0; ox < ow; ox++) {
      let m = 255;
      if (mask !== null) {
        m = mask[mrow + colM[ox]!]!;
        if (m === 0) continue;
      }
      const sx = colX[ox]!, a = colG[ox]!, tx = colT[ox]!;
      const base = out[ob + ox]!;
      let acc = 0, wsum = 0;
      if (w0 > 0) {
        let x = sx - (rowv[a]! + (rowv[a + 4]! - rowv[a]!) * tx);
        let y = sy - (rowv[a + 1]! + (rowv[a + 5]! - rowv[a + 1]!) * tx);
        x = x < 0 ? 0 : x > maxX ? maxX : x;
        y = y < 0 ? 0 : y > maxY ? maxY : y;
        let w = w0;
        if (mask !== null) {
          let qy = ((y + 0.5) * mk) | 0, qx = ((x + 0.5) * mk) | 0;
          if (qy > myMax) qy = myMax;
          if (qx > mxMax) qx = mxMax;
          w = w0m * mask[qy * mw + qx]!;
        }
        const xi = x | 0, yi = y | 0, fx = x - xi, i = yi * sw + xi;
        const p0 = src[i]!, q0 = src[i + sw]!;
        const p = p0 + (src[i + 1]! - p0) * fx, q = q0 + (src[i + sw + 1]! - q0) * fx;
        acc += w * (p + (q - p) * (y - yi));
        wsum += w;
      }
      if (w1 > 0) {
        let x = sx - (rowv[a + 2]! + (rowv[a + 6]! - rowv[a + 2]!) * tx);
        let y = sy - (rowv[a + 3]! + (rowv[a + 7]! - rowv[a + 3]!) * tx);
        x = x < 0 ? 0 : x > maxX ? maxX : x;
        y = y < 0 ? 0 : y > maxY ? maxY : y;
        let w = w1;
        if (mask !== null) {
          let qy = ((y + 0.5) * mk) | 0, qx = ((x + 0.5) * mk) | 0;
          if (qy > myMax) qy = myMax;
          if (qx > mxMax) qx = mxMax;
          w = w1m * mask[qy * mw + qx]!;
        }
        const xi = x | 0, yi = y | 0, fx = x - xi, i = yi * sw + xi;
        const p0 = src[i]!, q0 = src[i + sw]!;
        const p = p0 + (src[i + 1]! - p0) * fx, q = q0 + (src[i + sw + 1]! - q0) * fx;
        acc += w * (p + (q - p) * (y - yi));
        wsum += w;
      }
      out[ob + ox] = base + ((acc - wsum * base) * m) / 255 + 0.5;
    }
  }
};

/** Use the SIMD kernel for flows (off: the JS reference below, for tests and comparisons). */
export const livingWasm = { enabled: true };
const warpers = new WeakMap<YuvStill, WasmWarper | null>();
/** The still's warp kernel instance on this thread (made once), or null without WebAssembly SIMD. */
const warperOf = (still: YuvStill): WasmWarper | null => {
  if (!livingWasm.enabled) return null;
  let w = warpers.get(still);
  if (w === undefined) {
    w = samplerWasmAvailable() ? new WasmWarper(still) : null;
    warpers.set(still, w);
  }
  return w;
};

/**
 * Applies one flow effect to a frame: the field evaluated on a grid over the frame, then every
 * output pixel whose source is in the mask re-sampled from the still at the displaced positions,
 * mixed in by the mask (0 outside: the camera's frame untouched).
 */
const applyFlow = (e: EffectPlan, mask: Uint8Array | null, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array): void => {
  const W = still.width, H = still.height;
  const scale = (view.w * W) / outW;
  const left = view.x * W, top = view.y * H;
  const field = makeField(e, still, t);
  const ph: Phases = { x0: 0, y0: 0, w0: 1, x1: 0, y1: 0, w1: 0 };
  const gw = Math.ceil(outW / STEP) + 2, gh = Math.ceil(outH / STEP) + 2;
  // Grid rows that output rows inside the mask's rows read (a margin for the displacement: the
  // warp itself skips the other rows by the mask).
  const [m0, m1] = maskRows(mask, W, H);
  if (m0 >= m1) return;
  const g0 = Math.max(0, Math.floor((m0 - top) / scale / STEP) - 2), g1 = Math.min(gh, Math.ceil((m1 - top) / scale / STEP) + 3);
  const key = `${left}:${top}:${scale}:${gw}x${gh}:${g0}-${g1}`;
  let c = basisCache.get(e);
  if (!c || c.key !== key) {
    const basis = new Float64Array(gw * gh * BASIS);
    const tex = noiseTexture(e.seed);
    for (let gy = g0; gy < g1; gy++) for (let gx = 0; gx < gw; gx++) nodeBasis(e, tex, W, left + gx * STEP * scale, top + gy * STEP * scale, basis, (gy * gw + gx) * BASIS);
    c = { key, basis };
    basisCache.set(e, c);
  }
  const basis = c.basis;
  const grid = new Float32Array(gw * gh * 4);
  let maxD = 0;
  for (let gy = g0; gy < g1; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const n = gy * gw + gx;
      field(basis, n * BASIS, ph);
      const k = n * 4;
      grid[k] = ph.x0; grid[k + 1] = ph.y0; grid[k + 2] = ph.x1; grid[k + 3] = ph.y1;
      maxD = Math.max(maxD, Math.abs(ph.x0), Math.abs(ph.y0), Math.abs(ph.x1), Math.abs(ph.y1));
    }
  }
  if (g0 >= g1) field(basis, 0, ph);
  const { w0, w1 } = ph;
  const warper = warperOf(still);
  if (warper) {
    warper.warpFrame(out, outW, outH, mask, left, top, scale, grid, gw, STEP, w0, w1, maxD);
    return;
  }
  warpPlane(out, 0, outW, outH, still.y.data, W, H, mask, W, H, 1, left, top, scale, grid, gw, STEP, w0, w1);
  // Chroma: half the positions and half the offsets, the same grid at half the step.
  const half = grid.map((v) => v / 2);
  const cw = outW >> 1, ch = outH >> 1;
  warpPlane(out, outW * outH, cw, ch, still.u.data, still.u.width, still.u.height, mask, W, H, 2, left / 2, top / 2, scale, half, gw, STEP / 2, w0, w1);
  warpPlane(out, outW * outH + cw * ch, cw, ch, still.v.data, still.v.width, still.v.height, mask, W, H, 2, left / 2, top / 2, scale, half, gw, STEP / 2, w0, w1);
};

// ---- overlays ---------------------------------------------------------------------------------

interface Particle {
  x: number; y: number; r: number; a: number; kx: number; ky: number; sw: number; sf: number; ph: number; tw: number;
  /** Petals: whole turns per period of spin and of tumble, the starting angle, and a colour (Y, Cb, Cr). */
  spin: number; tumble: number; ang: number; col: readonly [number, number, number];
}

const particleCache = new WeakMap<EffectPlan, Particle[]>();

/** Particles of an effect: base positions (fractions), sizes, whole numbers of wraps per period (so they loop). */
const particlesOf = (e: EffectPlan, outW: number, outH: number): Particle[] => {
  let ps = particleCache.get(e);
  if (ps) return ps;
  const r = rng(e.seed * 7919 + 17);
  const dens: Record<string, number> = { dust: 160, snow: 420, rain: 500, sparkles: 140, bokeh: 28, petals: 40, embers: 110 };
  const n = Math.round((dens[e.type] ?? 100) * (0.3 + 1.4 * e.strength));
  // Wraps per period along the direction: the distance the speed covers in one period, in whole frames' heights.
  const travel = (e.speed * e.period * outW) / outH;
  // Sizes in fractions of the frame's height (petals: half their length; rain: the streak's half width).
  const size: Record<string, number> = { dust: 0.003, snow: 0.0042, rain: 0.0011, sparkles: 0.004, bokeh: 0.03, petals: 0.02, embers: 0.0034 };
  ps = [];
  for (let i = 0; i < n; i++) {
    const depth = 0.4 + 0.6 * r();
    const k = e.type === 'sparkles' ? 0 : Math.max(1, Math.round(travel * depth));
    // Petals: pale pink to white, a few deeper (cherry blossom); the lighter ones a little brighter.
    const pink = r() ** 0.8;
    const col: readonly [number, number, number] = e.type === 'petals'
      ? [Math.round(218 - 55 * pink), Math.round(128 + 2 * pink), Math.round(140 + 30 * pink)]
      : COLOURS[e.type] ?? [235, 128, 128];
    ps.push({
      // Dust: one mote in six is out of focus (larger, fainter).
      x: r(), y: r(), r: Math.max(0.7, (size[e.type] ?? 0.003) * outH * depth * (0.6 + 0.8 * r()) * (e.type === 'dust' && r() < 1 / 6 ? 3 : 1)),
      a: depth, kx: Math.round(e.dir[0] * k), ky: Math.round(e.dir[1] * k) || (e.type === 'dust' || e.type === 'sparkles' ? 0 : Math.sign(e.dir[1]) * k),
      sw: (e.type === 'rain' ? 0 : e.type === 'dust' ? 0.01 : e.type === 'petals' ? 0.035 : 0.02) * r(), sf: 1 + Math.floor(r() * 2), ph: r() * TAU, tw: 1 + Math.floor(r() * 3),
      spin: (r() < 0.5 ? -1 : 1) * (1 + Math.floor(r() * 2)), tumble: 1 + Math.floor(r() * 3), ang: r() * Math.PI, col,
    });
  }
  particleCache.set(e, ps);
  return ps;
};

/** An ember's hot core: yellower and brighter than its orange glow. */
const EMBER_CORE: readonly [number, number, number] = [215, 70, 175];

const COLOURS: Record<string, readonly [number, number, number]> = {
  // Y, Cb, Cr (limited range)
  dust: [225, 124, 134], snow: [235, 128, 128], rain: [205, 131, 126], sparkles: [235, 120, 138], bokeh: [220, 118, 140],
  petals: [215, 125, 146], embers: [175, 78, 200],
};

/**
 * A particle's colour (Y, Cb, Cr) blended into one pixel of an I420 frame at `a`: its luma, and the
 * chroma sample it starts (even column and row).
 */
const blendPixel = (out: Uint8Array, outW: number, outH: number, px: number, py: number, col: readonly [number, number, number], a: number): void => {
  const i = py * outW + px;
  out[i] = out[i]! + (col[0] - out[i]!) * a + 0.5;
  const cw = outW >> 1, ch = outH >> 1;
  if (((px | py) & 1) === 0 && (px >> 1) < cw && (py >> 1) < ch) {
    const U0 = outW * outH, V0 = U0 + cw * ch, c = (py >> 1) * cw + (px >> 1);
    out[U0 + c] = out[U0 + c]! + (col[1] - out[U0 + c]!) * a + 0.5;
    out[V0 + c] = out[V0 + c]! + (col[2] - out[V0 + c]!) * a + 0.5;
  }
};

/** A soft disc (or a streak of discs) blended into the frame. */
const splat = (out: Uint8Array, outW: number, outH: number, x: number, y: number, r: number, alpha: number, col: readonly [number, number, number], sx = 1, sy = 1): void => {
  const rx = r * sx, ry = r * sy;
  const x0 = Math.max(0, Math.floor(x - rx)), x1 = Math.min(outW - 1, Math.ceil(x + rx));
  const y0 = Math.max(0, Math.floor(y - ry)), y1 = Math.min(outH - 1, Math.ceil(y + ry));
  if (x0 > x1 || y0 > y1) return;
  for (let py = y0; py <= y1; py++) {
    const dy = (py + 0.5 - y) / ry;
    for (let px = x0; px <= x1; px++) {
      const dx = (px + 0.5 - x) / rx;
      const q = 1 - (dx * dx + dy * dy);
      if (q <= 0) continue;
      const a = alpha * q * q;
      blendPixel(out, outW, outH, px, py, col, a);
    }
  }
};

/**
 * An ellipse at any angle (semi-axes `ra` along `ang`, `rb` across), blended into the frame with an
 * edge a pixel wide whatever its size. `shape`: 'petal' (solid, a little brighter along its middle,
 * rounded at one end and narrower at the other), 'disc' (flat with a brighter rim: an out-of-focus
 * light), 'soft' (falls off from the middle: a ray), 'streak' (even along, fading at the ends: rain).
 */
const splatEllipse = (
  out: Uint8Array, outW: number, outH: number, x: number, y: number, ra: number, rb: number, ang: number,
  alpha: number, col: readonly [number, number, number], shape: 'petal' | 'disc' | 'soft' | 'streak',
): void => {
  const c = Math.cos(ang), s = Math.sin(ang);
  // The bounding box of the rotated ellipse, plus a pixel for the edge.
  const ex = Math.sqrt((ra * c) ** 2 + (rb * s) ** 2) + 1, ey = Math.sqrt((ra * s) ** 2 + (rb * c) ** 2) + 1;
  const x0 = Math.max(0, Math.floor(x - ex)), x1 = Math.min(outW - 1, Math.ceil(x + ex));
  const y0 = Math.max(0, Math.floor(y - ey)), y1 = Math.min(outH - 1, Math.ceil(y + ey));
  if (x0 > x1 || y0 > y1) return;
  // Below a pixel across, an ellipse is drawn a pixel wide with its alpha scaled down (no flicker).
  const rbd = Math.max(rb, 0.6), thin = rb / rbd;
  for (let py = y0; py <= y1; py++) {
    const dy = py + 0.5 - y;
    for (let px = x0; px <= x1; px++) {
      const dx = px + 0.5 - x;
      const u = (dx * c + dy * s) / ra, v = (dy * c - dx * s) / rbd;
      // Petal: narrower towards one end (u = +1), like a petal's base.
      const vv = shape === 'petal' ? v / (1 - 0.35 * Math.max(0, u)) : v;
      const d = Math.sqrt(u * u + vv * vv);
      // Distance to the edge in pixels (about): 1 px of antialiasing.
      const edgePx = (1 - d) * Math.min(ra, rbd);
      if (edgePx <= -0.5) continue;
      const cover = Math.min(1, edgePx + 0.5);
      let k: number;
      if (shape === 'petal') k = cover * (0.85 + 0.15 * (1 - Math.abs(vv)));
      else if (shape === 'disc') k = cover * (0.75 + 0.25 * d * d * d);
      else if (shape === 'streak') k = cover * (1 - 0.7 * u * u);
      else { const q = Math.max(0, 1 - d * d); k = q * q; }
      const a = alpha * k * thin;
      if (a <= 0.002) continue;
      blendPixel(out, outW, outH, px, py, col, a);
    }
  }
};

const frac = (x: number) => x - Math.floor(x);

const drawParticles = (e: EffectPlan, mask: Uint8Array | null, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array): void => {
  const ps = particlesOf(e, outW, outH);
  const p = (((t % e.period) + e.period) % e.period) / e.period;
  const W = still.width, H = still.height, scale = (view.w * W) / outW;
  // The direction of travel on screen (for streaks: rain, embers).
  const travelAng = Math.atan2(e.dir[1] * outW, e.dir[0] * outW);
  for (const q of ps) {
    let x = frac(q.x + q.kx * p + q.sw * Math.sin(TAU * q.sf * p + q.ph)) * outW;
    let y = frac(q.y + q.ky * p + q.sw * 0.5 * Math.cos(TAU * q.sf * p + q.ph)) * outH;
    if (e.type === 'sparkles' || e.type === 'bokeh') { x = frac(q.x + q.kx * p) * outW; y = frac(q.y + q.ky * p) * outH; }
    let a = e.strength * 0.9 * q.a;
    if (e.type === 'sparkles') a *= Math.max(0, Math.sin(TAU * q.tw * p + q.ph)) ** 4;
    else if (e.type === 'embers' || e.type === 'dust') a *= 0.55 + 0.45 * Math.sin(TAU * q.tw * p + q.ph);
    else if (e.type === 'bokeh') a *= 0.3;
    if (mask) {
      const sx = Math.min(W - 1, Math.max(0, Math.round(view.x * W + x * scale))), sy = Math.min(H - 1, Math.max(0, Math.round(view.y * H + y * scale)));
      a *= mask[sy * W + sx]! / 255;
    }
    if (a < 0.01) continue;
    switch (e.type) {
      case 'rain': {
        // A thin streak along the fall, longer for nearer drops, faint.
        const len = outH * 0.03 * q.a;
        splatEllipse(out, outW, outH, x, y, len, q.r, travelAng, a * 0.6, q.col, 'streak');
        break;
      }
      case 'petals': {
        // Spinning in the plane (whole turns per period) and tumbling out of it (the width
        // shrinks to an edge and back): a petal seen turning as it falls.
        const ang = q.ang + TAU * q.spin * p;
        const flip = Math.cos(TAU * q.tumble * p + q.ph);
        const rb = q.r * 0.5 * Math.max(0.12, Math.abs(flip));
        // Seen edge-on a petal is darker; face-on it catches the light.
        const shade = 0.82 + 0.18 * Math.abs(flip);
        const col: readonly [number, number, number] = [16 + (q.col[0] - 16) * shade, q.col[1], q.col[2]];
        // Petals are opaque: nearer ones only larger, not more solid.
        splatEllipse(out, outW, outH, x, y, q.r, rb, ang, (a / q.a) * (0.75 + 0.25 * q.a), col, 'petal');
        break;
      }
      case 'bokeh':
        splatEllipse(out, outW, outH, x, y, q.r, q.r, 0, a, q.col, 'disc');
        break;
      case 'sparkles': {
        // A bright core with a four-pointed glint that grows with the twinkle.
        splat(out, outW, outH, x, y, q.r, Math.min(1, a * 1.2), q.col);
        const ray = q.r * (2.5 + 3.5 * a);
        splatEllipse(out, outW, outH, x, y, ray, Math.max(0.5, q.r * 0.18), 0, a * 0.8, q.col, 'soft');
        splatEllipse(out, outW, outH, x, y, ray, Math.max(0.5, q.r * 0.18), Math.PI / 2, a * 0.8, q.col, 'soft');
        break;
      }
      case 'embers':
        // A glowing speck drawn out a little along its rise (motion blur), with a halo.
        splat(out, outW, outH, x, y, q.r * 2.5, a * 0.3, q.col);
        splatEllipse(out, outW, outH, x, y, q.r * 1.6, q.r * 0.8, travelAng, Math.min(1, a * 1.4), EMBER_CORE, 'streak');
        break;
      case 'dust':
        // Motes catching the light: a bright core; the out-of-focus ones a faint soft disc.
        if (q.r > (0.003 * 1.4 + 1e-6) * outH) splatEllipse(out, outW, outH, x, y, q.r, q.r, 0, a * 0.35, q.col, 'disc');
        else splat(out, outW, outH, x, y, q.r * 1.2, Math.min(1, a * 1.3), q.col);
        break;
      default:
        splat(out, outW, outH, x, y, q.r, a, q.col);
    }
  }
};

/** A mask's bounding box in still pixels [x0, y0, x1, y1) (the whole still without a mask). */
const maskBoxCache = new WeakMap<Uint8Array, readonly [number, number, number, number]>();
const maskBox = (mask: Uint8Array | null, W: number, H: number): readonly [number, number, number, number] => {
  if (!mask) return [0, 0, W, H];
  let b = maskBoxCache.get(mask);
  if (!b) {
    let x0 = W, y0 = H, x1 = 0, y1 = 0;
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = 0; x < W; x++) if (mask[row + x] !== 0) { if (x < x0) x0 = x; if (x >= x1) x1 = x + 1; if (y < y0) y0 = y; y1 = y + 1; }
    }
    b = x0 < x1 ? [x0, y0, x1, y1] : [0, 0, 0, 0];
    maskBoxCache.set(mask, b);
  }
  return b;
};

/** The mask's bounding box in output pixels for a view, clipped to the frame. */
const maskBoxOut = (mask: Uint8Array | null, still: YuvStill, view: FrameView, outW: number, outH: number): [number, number, number, number] => {
  const W = still.width, H = still.height, scale = (view.w * W) / outW, left = view.x * W, top = view.y * H;
  const [x0, y0, x1, y1] = maskBox(mask, W, H);
  const c = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  return [c(Math.floor((x0 - left) / scale), outW), c(Math.floor((y0 - top) / scale), outH), c(Math.ceil((x1 - left) / scale), outW), c(Math.ceil((y1 - top) / scale), outH)];
};

/** Mask value at an output pixel (1 when the effect has no mask). */
const outMask = (mask: Uint8Array | null, still: YuvStill, view: FrameView, outW: number) => {
  if (!mask) return null;
  const W = still.width, H = still.height, scale = (view.w * W) / outW, left = view.x * W, top = view.y * H;
  return (ox: number, oy: number): number => {
    const sx = Math.min(W - 1, Math.max(0, Math.round(left + (ox + 0.5) * scale - 0.5))), sy = Math.min(H - 1, Math.max(0, Math.round(top + (oy + 0.5) * scale - 0.5)));
    return mask[sy * W + sx]! / 255;
  };
};

/** A mask read at every output pixel of a view (the pixels `outMask` reads), with each row's first and last column not 0. */
interface OutputMask { readonly key: string; readonly m: Uint8Array; readonly x0: Int32Array; readonly x1: Int32Array }
const outputMasks = new WeakMap<Uint8Array, OutputMask>();
/** The mask at output resolution for a view, kept while the view stays (a still camera reads the mask once). */
const outputMask = (mask: Uint8Array | null, still: YuvStill, view: FrameView, outW: number, outH: number): OutputMask | null => {
  if (!mask) return null;
  const key = `${view.x}:${view.y}:${view.w}:${outW}x${outH}`;
  const had = outputMasks.get(mask);
  if (had?.key === key) return had;
  const W = still.width, H = still.height, scale = (view.w * W) / outW, left = view.x * W, top = view.y * H;
  const col = new Int32Array(outW);
  for (let ox = 0; ox < outW; ox++) col[ox] = Math.min(W - 1, Math.max(0, Math.round(left + (ox + 0.5) * scale - 0.5)));
  const m = new Uint8Array(outW * outH), x0 = new Int32Array(outH), x1 = new Int32Array(outH);
  for (let oy = 0; oy < outH; oy++) {
    const row = Math.min(H - 1, Math.max(0, Math.round(top + (oy + 0.5) * scale - 0.5))) * W;
    let a = outW, b = 0;
    for (let ox = 0; ox < outW; ox++) {
      const v = mask[row + col[ox]!]!;
      m[oy * outW + ox] = v;
      if (v !== 0) { if (ox < a) a = ox; b = ox + 1; }
    }
    x0[oy] = a; x1[oy] = b;
  }
  const r = { key, m, x0, x1 };
  outputMasks.set(mask, r);
  return r;
};

/**
 * The noise texture lerped between the two texel rows around `v` (in tiles), into `line`
 * (NOISE values): per output row once, so a pixel only lerps along x. Returns the line's maximum.
 */
const noiseLine = (tex: Float32Array, v: number, line: Float64Array): number => {
  const fy = (v - Math.floor(v)) * NOISE, y0 = fy | 0, ty = fy - y0, y1 = (y0 + 1) & (NOISE - 1);
  const r0 = y0 * NOISE, r1 = y1 * NOISE;
  let mx = 0;
  for (let i = 0; i < NOISE; i++) {
    const l = tex[r0 + i]! * (1 - ty) + tex[r1 + i]! * ty;
    line[i] = l;
    if (l > mx) mx = l;
  }
  return mx;
};

/** A 4x4 ordered dither (Bayer), thresholds in (0, 1): a faint layer rounded by it keeps its gradient after encoding. */
const BAYER4 = new Float64Array([0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5].map((k) => (k + 0.5) / 16));

const drawLight = (e: EffectPlan, mask: Uint8Array | null, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array): void => {
  const p = (((t % e.period) + e.period) % e.period) / e.period;
  const mAt = outMask(mask, still, view, outW);
  const cw = outW >> 1, ch = outH >> 1, U0 = outW * outH, V0 = U0 + cw * ch;
  const s = e.strength;
  switch (e.type) {
    case 'shine': {
      // A specular band crossing the region (the product, when the subject is known) in the first
      // half of each period, then gone until the next: a narrow bright core with a faint glow,
      // stronger on lighter surfaces (they reflect more) and whitening the colour where it is
      // brightest. From fully off the region's left edge to fully off its right, so the frames
      // where it is gone, and the loop point, show none of it.
      const [bx0, by0, bx1, by1] = maskBoxOut(mask, still, view, outW, outH);
      if (bx1 <= bx0 || by1 <= by0) return;
      const bw = (bx1 - bx0) / outW, shear = 0.25 * ((by1 - by0) / outH);
      const core = 0.018, glow = 0.035;
      const reach = 3 * glow + Math.abs(shear) / 2;
      const c = -reach + (bw + 2 * reach) * Math.min(1, frac(p) / 0.5);
      const dx = e.dir[0] >= 0 ? 1 : -1;
      for (let y = by0; y < by1; y++) {
        const sh = shear * ((y - by0) / Math.max(1, by1 - by0) - 0.5);
        for (let x = bx0; x < bx1; x++) {
          const u0 = (x - bx0) / outW, u = (dx > 0 ? u0 : bw - u0) + sh;
          const d = u - c;
          if (d < -3 * glow || d > 3 * glow) continue;
          let g = s * (0.9 * Math.exp(-((d / core) ** 2)) + 0.2 * Math.exp(-((d / glow) ** 2)));
          if (mAt) g *= mAt(x, y);
          if (g < 0.002) continue;
          const i = y * outW + x;
          const lum = Math.max(0, (out[i]! - 16) / 219);
          const k = Math.min(1, g * (0.3 + 0.9 * lum));
          out[i] = out[i]! + (235 - out[i]!) * k + 0.5;
          if ((x & 1) === 0 && (y & 1) === 0 && (x >> 1) < cw && (y >> 1) < ch) {
            const ci = (y >> 1) * cw + (x >> 1);
            out[U0 + ci] = out[U0 + ci]! + (128 - out[U0 + ci]!) * k * 0.6 + 0.5;
            out[V0 + ci] = out[V0 + ci]! + (128 - out[V0 + ci]!) * k * 0.6 + 0.5;
          }
        }
      }
      return;
    }
    case 'light-leak': case 'warm-shift': case 'flicker': {
      let a: number;
      if (e.type === 'flicker') a = 0.06 * s * (Math.sin(TAU * 7 * p) * 0.5 + Math.sin(TAU * 13 * p + 1) * 0.3 + Math.sin(TAU * 23 * p + 2) * 0.2);
      else a = s * (0.5 - 0.5 * Math.cos(TAU * p));
      const fromLeft = e.dir[0] >= 0;
      const gx = new Float32Array(outW);
      for (let x = 0; x < outW; x++) gx[x] = e.type === 'light-leak' ? Math.exp(-((fromLeft ? x : outW - 1 - x) / outW) / 0.3) : 1;
      for (let y = 0; y < outH; y++) {
        const gy = e.type === 'light-leak' ? 0.7 + 0.3 * Math.sin(TAU * (y / outH) + TAU * p) : 1;
        for (let x = 0; x < outW; x++) {
          let g = gx[x]! * gy;
          if (mAt) g *= mAt(x, y);
          const i = y * outW + x;
          if (e.type === 'flicker') out[i] = Math.min(235, Math.max(16, 16 + (out[i]! - 16) * (1 + a * g))) + 0.5;
          else if (e.type === 'light-leak') out[i] = out[i]! + (235 - out[i]!) * a * g * 0.35 + 0.5;
          else out[i] = Math.min(235, out[i]! + a * g * 4) + 0.5;
          if (e.type !== 'flicker' && (x & 1) === 0 && (y & 1) === 0 && (x >> 1) < cw && (y >> 1) < ch) {
            const c = (y >> 1) * cw + (x >> 1);
            const k = e.type === 'light-leak' ? a * g * 0.5 : a * g * 0.35;
            out[U0 + c] = out[U0 + c]! + (100 - out[U0 + c]!) * k * 0.5 + 0.5;
            out[V0 + c] = out[V0 + c]! + (175 - out[V0 + c]!) * k * 0.5 + 0.5;
          }
        }
      }
      return;
    }
    case 'fog': {
      // A tileable noise layer moved by a whole tile per period: seamless. Per output row the
      // texture's two rows are lerped once (a pixel lerps along x only); rows and columns outside
      // the mask are skipped. Rounded with an ordered dither: the layer is a faint, flat gradient,
      // which plain rounding turns into steps that the encoder then shows as blocks.
      const tex = noiseTexture(e.seed);
      const ox = e.dir[0] * p, oy = e.dir[1] * p;
      const aspect = outW / outH;
      const om = outputMask(mask, still, view, outW, outH);
      const line = new Float64Array(NOISE);
      const warper = warperOf(still);
      if (warper) {
        const rows = new Float32Array(outH * 2), lines = new Float32Array(outH * NOISE);
        for (let y = 0; y < outH; y++) {
          if (om && om.x0[y]! >= om.x1[y]!) continue;
          if (noiseLine(tex, (y / outH) * 1.2 - oy, line) <= 0.3) continue;
          rows[2 * y] = -ox;
          rows[2 * y + 1] = 1.4 * s * 0.75 * (0.6 + 0.4 * (y / outH));
          lines.set(line, y * NOISE);
        }
        warper.noiseLayer(out, outW, outH, om, rows, lines, aspect / 1.5 / outW, 0.3, 205, BAYER4);
        return;
      }
      // Where the noise is below 0.3 there is no fog.
      for (let y = 0; y < outH; y++) {
        const xa = om ? om.x0[y]! : 0, xb = om ? om.x1[y]! : outW;
        if (xa >= xb) continue;
        if (noiseLine(tex, (y / outH) * 1.2 - oy, line) <= 0.3) continue;
        const lowBias = 0.6 + 0.4 * (y / outH);
        const k = 1.4 * s * 0.75 * lowBias;
        const row = y * outW, dith = (y & 3) * 4, chromaRow = (y & 1) === 0 && (y >> 1) < ch;
        for (let x = xa; x < xb; x++) {
          const u = ((x / outW) * aspect) / 1.5 - ox;
          const fx = (u - Math.floor(u)) * NOISE, xi = fx | 0, tx = fx - xi, x0 = xi & (NOISE - 1), l0 = line[x0]!;
          const n = l0 + (line[(x0 + 1) & (NOISE - 1)]! - l0) * tx;
          let g = n > 0.3 ? (n - 0.3) * k : 0;
          if (om) g *= om.m[row + x]! / 255;
          if (g <= 0) continue;
          const i = row + x, d = BAYER4[dith + (x & 3)]!;
          out[i] = out[i]! + (205 - out[i]!) * g + d;
          if (chromaRow && (x & 1) === 0 && (x >> 1) < cw) {
            const c = (y >> 1) * cw + (x >> 1);
            out[U0 + c] = out[U0 + c]! + (128 - out[U0 + c]!) * g + d;
            out[V0 + c] = out[V0 + c]! + (128 - out[V0 + c]!) * g + d;
          }
        }
      }
      return;
    }
  }
};

/**
 * Wisps over a `rise` (steam, smoke): its displacement moves the photo's own pixels, which shows
 * nothing over a plain background, so a faint layer of vertical streaks rises with it inside its
 * region (noise stretched upward, drifting a whole number of tiles per period, with a sideways curl:
 * seamless).
 */
const drawWisps = (e: EffectPlan, mask: Uint8Array | null, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array): void => {
  const p = (((t % e.period) + e.period) % e.period) / e.period;
  const om = outputMask(mask, still, view, outW, outH);
  const tex = noiseTexture(e.seed + 101);
  const cw = outW >> 1, ch = outH >> 1, U0 = outW * outH, V0 = U0 + cw * ch;
  const aspect = outW / outH, s = e.strength;
  const line = new Float64Array(NOISE);
  const warper = warperOf(still);
  if (warper) {
    const rows = new Float32Array(outH * 2), lines = new Float32Array(outH * NOISE);
    for (let y = 0; y < outH; y++) {
      if (om && om.x0[y]! >= om.x1[y]!) continue;
      if (noiseLine(tex, (y / outH) * 0.9 + p * 2, line) <= 0.45) continue;
      rows[2 * y] = 0.05 * Math.sin(TAU * (y / outH) * 2 + TAU * p);
      rows[2 * y + 1] = 1.6 * s * 0.55;
      lines.set(line, y * NOISE);
    }
    warper.noiseLayer(out, outW, outH, om, rows, lines, (aspect * 2.2) / outW, 0.45, 222, null);
    return;
  }
  // Per output row the texture's two rows are lerped once (a pixel lerps along x only); rows where
  // the noise stays under 0.45, and rows and columns outside the mask, are skipped.
  for (let y = 0; y < outH; y++) {
    const xa = om ? om.x0[y]! : 0, xb = om ? om.x1[y]! : outW;
    if (xa >= xb) continue;
    if (noiseLine(tex, (y / outH) * 0.9 + p * 2, line) <= 0.45) continue;
    const curl = 0.05 * Math.sin(TAU * (y / outH) * 2 + TAU * p);
    const row = y * outW, chromaRow = (y & 1) === 0 && (y >> 1) < ch;
    const k = 1.6 * s * 0.55;
    for (let x = xa; x < xb; x++) {
      const u = ((x / outW) * aspect) * 2.2 + curl;
      const fx = (u - Math.floor(u)) * NOISE, xi = fx | 0, tx = fx - xi, x0 = xi & (NOISE - 1), l0 = line[x0]!;
      const n = l0 + (line[(x0 + 1) & (NOISE - 1)]! - l0) * tx;
      if (n <= 0.45) continue;
      let g = (n - 0.45) * k;
      if (om) g *= om.m[row + x]! / 255;
      if (g <= 0) continue;
      const i = row + x;
      out[i] = out[i]! + (222 - out[i]!) * g + 0.5;
      if (chromaRow && (x & 1) === 0 && (x >> 1) < cw) {
        const c = (y >> 1) * cw + (x >> 1);
        out[U0 + c] = out[U0 + c]! + (128 - out[U0 + c]!) * g + 0.5;
        out[V0 + c] = out[V0 + c]! + (128 - out[V0 + c]!) * g + 0.5;
      }
    }
  }
};

/**
 * Renders the still for a view into a frame buffer (the render thread's fast sampler): the frame's
 * width, and `outH` rows (default: the frame's height; the view's top is the first row's).
 */
export type SampleView = (view: FrameView, out: Uint8Array, outH?: number) => void;

const driftBuffers = { a: new Uint8Array(0), b: new Uint8Array(0), mask: new Uint8Array(0), maskKey: '', r0: 0, r1: 0 };

/**
 * Drift is a rigid translation per phase: each phase is the camera's frame for a shifted view,
 * rendered by the fast sampler, then blended by the mask (read once per view at output size).
 * Same rule as the general warp: a phase counts by the mask where its pixels come from, and
 * nothing outside the mask changes. The mask at output size and the blend run in the still's warp
 * kernel (`driftMask`, `driftBlend`, byte-identical); the loops here are the reference (livingWasm off).
 */
const applyDriftFast = (e: EffectPlan, mask: Uint8Array | null, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array, sample: SampleView, key: string): void => {
  const W = still.width, H = still.height;
  const ph: Phases = { x0: 0, y0: 0, w0: 1, x1: 0, y1: 0, w1: 0 };
  makeField(e, still, t)(new Float64Array(BASIS), 0, ph);
  const scale = (view.w * W) / outW;
  // The mask at output size for this view (kept while the view stays: a still camera reads it once),
  // and the rows it touches (even bounds, for the chroma rows): only those are sampled and blended.
  // On the SIMD kernel (`driftMask`, `driftBlend`: the same operations) the mask stays in the kernel.
  const warper = warperOf(still);
  const mk = `${key}:${view.x}:${view.y}:${view.w}:${outW}x${outH}`;
  const kr = warper ? warper.driftMask(mask, key, view.x * W, view.y * H, scale, outW, outH) : null;
  if (!kr && driftBuffers.maskKey !== mk) {
    if (driftBuffers.mask.length !== outW * outH) driftBuffers.mask = new Uint8Array(outW * outH);
    const left = view.x * W, top = view.y * H;
    let r0 = outH, r1 = 0;
    for (let oy = 0; oy < outH; oy++) {
      let sy = ((top + (oy + 0.5) * scale - 0.5 + 0.5) | 0); sy = sy < 0 ? 0 : sy > H - 1 ? H - 1 : sy;
      let any = false;
      for (let ox = 0; ox < outW; ox++) {
        let sx = ((left + (ox + 0.5) * scale - 0.5 + 0.5) | 0); sx = sx < 0 ? 0 : sx > W - 1 ? W - 1 : sx;
        const v = mask ? mask[sy * W + sx]! : 255;
        driftBuffers.mask[oy * outW + ox] = v;
        if (v) any = true;
      }
      if (any) { if (oy < r0) r0 = oy; r1 = oy + 1; }
    }
    driftBuffers.r0 = r0 >= r1 ? 0 : r0 & ~1;
    driftBuffers.r1 = r0 >= r1 ? 0 : Math.min(outH, (r1 + 1) & ~1);
    driftBuffers.maskKey = mk;
  }
  const om = driftBuffers.mask, r0 = kr ? kr[0] : driftBuffers.r0, r1 = kr ? kr[1] : driftBuffers.r1, hh = r1 - r0;
  if (hh <= 0) return;
  const sub = outW * hh + 2 * (outW >> 1) * (hh >> 1);
  if (driftBuffers.a.length !== sub) { driftBuffers.a = new Uint8Array(sub); driftBuffers.b = new Uint8Array(sub); }
  const dy0 = (r0 * scale) / H;
  const phases: Array<[Uint8Array, number, number, number]> = [];
  if (ph.w0 > 0) { sample({ x: view.x - ph.x0 / W, y: view.y - ph.y0 / H + dy0, w: view.w }, driftBuffers.a, hh); phases.push([driftBuffers.a, ph.w0 / 255, ph.x0 / scale, ph.y0 / scale]); }
  if (ph.w1 > 0) { sample({ x: view.x - ph.x1 / W, y: view.y - ph.y1 / H + dy0, w: view.w }, driftBuffers.b, hh); phases.push([driftBuffers.b, ph.w1 / 255, ph.x1 / scale, ph.y1 / scale]); }
  const [A, wa, ax, ay] = phases[0]!;
  const [B, wb, bx, by] = phases[1] ?? [A, 0, 0, 0];
  // Where each phase's pixel comes from, in whole output pixels (for its mask weight).
  const adx = Math.round(ax), ady = Math.round(ay), bdx = Math.round(bx), bdy = Math.round(by);
  if (warper) {
    // The kernel blends 8 pixels a step in f64x2, byte-identical to the loops below.
    warper.driftBlend(out, outW, outH, A, phases[1] ? B : null, r0, r1, wa, wb, adx, ady, bdx, bdy);
    return;
  }
  const xMax = outW - 1, yMax = outH - 1;
  for (let y = r0; y < r1; y++) {
    const row = y * outW, srow = (y - r0) * outW;
    const ya = y - ady, yb = y - bdy;
    const ra = (ya < 0 ? 0 : ya > yMax ? yMax : ya) * outW, rb = (yb < 0 ? 0 : yb > yMax ? yMax : yb) * outW;
    for (let x = 0; x < outW; x++) {
      const i = row + x;
      const m = om[i]!;
      if (m === 0) continue;
      const base = out[i]!;
      const xa = x - adx, xb = x - bdx;
      const w0 = wa * om[ra + (xa < 0 ? 0 : xa > xMax ? xMax : xa)]!;
      const w1 = wb === 0 ? 0 : wb * om[rb + (xb < 0 ? 0 : xb > xMax ? xMax : xb)]!;
      out[i] = base + ((w0 * A[srow + x]! + w1 * B[srow + x]! - (w0 + w1) * base) * m) / 255 + 0.5;
    }
  }
  const cw = outW >> 1, U0 = outW * outH, V0 = U0 + cw * (outH >> 1);
  const sU0 = outW * hh, sV0 = sU0 + cw * (hh >> 1);
  for (let cy = r0 >> 1; cy < r1 >> 1; cy++) {
    const y = cy * 2;
    const ya = y - ady, yb = y - bdy;
    const ra = (ya < 0 ? 0 : ya > yMax ? yMax : ya) * outW, rb = (yb < 0 ? 0 : yb > yMax ? yMax : yb) * outW;
    const crow = cy * cw, srow = (cy - (r0 >> 1)) * cw;
    for (let cx = 0; cx < cw; cx++) {
      const x = cx * 2;
      const m = om[y * outW + x]!;
      if (m === 0) continue;
      const xa = x - adx, xb = x - bdx;
      const w0 = wa * om[ra + (xa < 0 ? 0 : xa > xMax ? xMax : xa)]!;
      const w1 = wb === 0 ? 0 : wb * om[rb + (xb < 0 ? 0 : xb > xMax ? xMax : xb)]!;
      let i = U0 + crow + cx, k = sU0 + srow + cx, base = out[i]!;
      out[i] = base + ((w0 * A[k]! + w1 * B[k]! - (w0 + w1) * base) * m) / 255 + 0.5;
      i = V0 + crow + cx; k = sV0 + srow + cx; base = out[i]!;
      out[i] = base + ((w0 * A[k]! + w1 * B[k]! - (w0 + w1) * base) * m) / 255 + 0.5;
    }
  }
};

/**
 * Steam off the subject is its wisps alone: the region above a cup is mostly the wall behind it,
 * where moving the photo's pixels shows nothing, and where it shows something it is the subject's
 * own edge (a rim the subject's box left out) doubled by the two phases.
 */
const wispsOnly = (e: EffectPlan): boolean => e.type === 'rise' && e.region.kind === 'named' && e.region.name === 'above-subject';

/**
 * All of a shot's effects on frame `t` (the shot's own frame index), in order: flows first, then
 * overlays (`part`: only one of them, so a depth move's nearer layers go between). With `sample`
 * (the render thread's fast sampler), drifts take the fast path.
 */
export const applyLiving = (living: LivingStill, still: YuvStill, view: FrameView, t: number, outW: number, outH: number, out: Uint8Array, sample?: SampleView, part: 'all' | 'flows' | 'overlays' = 'all'): void => {
  if (part !== 'overlays') living.effects.forEach((e, i) => {
    if (!isFlowEffect(e.type) || wispsOnly(e)) return;
    if (e.type === 'drift' && sample) applyDriftFast(e, living.masks[i] ?? null, still, view, t, outW, outH, out, sample, `${i}:${e.seed}`);
    else applyFlow(e, living.masks[i] ?? null, still, view, t, outW, outH, out);
  });
  if (part !== 'flows') living.effects.forEach((e, i) => {
    if (e.type === 'rise') drawWisps(e, living.masks[i] ?? null, still, view, t, outW, outH, out);
    if (isFlowEffect(e.type)) return;
    if (e.type in COLOURS) drawParticles(e, living.masks[i] ?? null, still, view, t, outW, outH, out);
    else drawLight(e, living.masks[i] ?? null, still, view, t, outW, outH, out);
  });
};
