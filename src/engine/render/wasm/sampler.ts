/**
 * AssemblyScript kernel of the frame sampler (compiled to dist/src/engine/render/sampler.wasm with
 * `npm run build:wasm`; not part of the tsc build). It computes exactly what the JS reference in
 * ../sampler.ts computes (same taps, same 14-bit weights, same integer rounding), only faster:
 *
 * - taps: a line-by-line port of `computeTaps` (same f64 operations in the same order, JS
 *   `Math.round` semantics), so the weights are bit-identical to the reference;
 * - horizontal pass: per half-group of 4 outputs one 16-byte load of the source row at the first
 *   tap, `i8x16.swizzle` as a gather that places each pair of taps as zero-extended i16 lanes
 *   (s[k], s[k+1]) next to each other, and `i32x4.dot_i16x8_s` with the Q14 weight pairs: exact
 *   integer sums, `(sum + 64) >> 7`, a 15-bit intermediate. Half-groups whose window does not fit
 *   in 16 bytes (scale above ~1.7 for 8 outputs; here 4 outputs, scale up to ~3) use a scalar path;
 * - vertical pass: 16 outputs at a time over contiguous intermediate rows, `extmul` by the
 *   splatted weight into i32, `(acc + 2^20) >> 21`, narrowed to u8;
 * - the intermediate rows live in a ring of `taps` rows that stays in cache: a source row is
 *   filtered horizontally once, when the first output row that needs it is reached.
 *
 * Memory: the host lays out the still's planes (each followed by 16 spare bytes, since loads
 * read up to 15 bytes past a row) and the output; everything per-frame lives from `scratch` on.
 */

const ONE: i32 = 1 << 14;
/** Half-groups use SIMD up to this many taps (4 pairs). */
const MAX_SIMD_TAPS: i32 = 8;

let scratch: usize = 0;

// Layout of the current plane geometry (set by `prepare`).
let T: i32 = 0; // taps per output (same horizontally and vertically: it depends on the scale only)
let P: i32 = 0; // tap pairs per half-group (0: no SIMD tables)
let stride: i32 = 0; // outW rounded up to 8: outputs per intermediate row
let hStart: usize = 0; // i32 x stride
let hW: usize = 0; // i32 x stride x T
let vStart: usize = 0; // i32 x outH
let vW: usize = 0; // i32 x outH x T
let hBase: usize = 0; // i32 x stride/4: window offset of each half-group, -1 for scalar
let hTab: usize = 0; // (stride/4) x P x (16-byte swizzle mask, 16-byte i16 weights)
let ring: usize = 0; // T rows x stride x u16
let ftmp: usize = 0; // f64 x T

@inline function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

/** First free byte after the module's own data. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Grows the memory to at least `bytes`; 0 if it cannot. */
export function ensure(bytes: usize): i32 {
  const have = (<usize>memory.size()) << 16;
  if (bytes <= have) return 1;
  const pages = <i32>((bytes - have + 0xffff) >> 16);
  return memory.grow(pages) < 0 ? 0 : 1;
}

/** Where per-frame scratch memory starts (after the planes and the output area). */
export function setScratch(p: usize): void {
  scratch = align16(p);
}

/** JS `Math.round` (ties toward +infinity), exactly: x - floor(x) is exact in f64. */
@inline function jsRound(x: f64): f64 {
  let f = Math.floor(x);
  if (x - f >= 0.5) f += 1;
  return f;
}

/** Port of `computeTaps` in ../sampler.ts: writes start (i32 x outLen) and weights (i32 x outLen x T). */
function computeTaps(outLen: i32, srcLen: i32, origin: f64, scale: f64, startP: usize, wP: usize): void {
  const radius: f64 = scale > 1 ? scale : 1.0;
  const taps = T;
  const maxStart = srcLen - taps > 0 ? srcLen - taps : 0;
  for (let o = 0; o < outLen; o++) {
    const c: f64 = origin + (<f64>o + 0.5) * scale - 0.5;
    const first = <i32>Math.floor(c - radius) + 1;
    let s = first < 0 ? 0 : first > maxStart ? maxStart : first;
    if (srcLen < taps) s = 0;
    store<i32>(startP + (<usize>o << 2), s);
    memory.fill(ftmp, 0, <usize>taps << 3);
    let sum: f64 = 0;
    for (let i = first; i < first + taps; i++) {
      const w: f64 = 1 - Math.abs(<f64>i - c) / radius;
      if (w <= 0) continue;
      const j = (i < 0 ? 0 : i >= srcLen ? srcLen - 1 : i) - s;
      const k = j < 0 ? 0 : j >= taps ? taps - 1 : j;
      const a = ftmp + (<usize>k << 3);
      store<f64>(a, load<f64>(a) + w);
      sum += w;
    }
    if (radius > 1 && first >= 0 && first + taps <= srcLen && sum > 0) {
      // Centre of mass back on `c` (see ../sampler.ts): the same operations in the same order.
      let m1: f64 = 0, m2: f64 = 0;
      for (let k = 0; k < taps; k++) {
        const d: f64 = <f64>(s + k) - c;
        const w = load<f64>(ftmp + (<usize>k << 3));
        m1 += w * d;
        m2 += w * d * d;
      }
      if (m2 > 0) {
        const a: f64 = -m1 / m2;
        sum = 0;
        for (let k = 0; k < taps; k++) {
          const p = ftmp + (<usize>k << 3);
          const w: f64 = load<f64>(p) * (1 + a * (<f64>(s + k) - c));
          const v: f64 = w > 0 ? w : 0;
          store<f64>(p, v);
          sum += v;
        }
      }
    }
    if (sum <= 0) {
      let r = <i32>jsRound(c);
      r = r < 0 ? 0 : r;
      r = r > srcLen - 1 ? srcLen - 1 : r;
      let j = r - s;
      j = j < 0 ? 0 : j > taps - 1 ? taps - 1 : j;
      store<f64>(ftmp + (<usize>j << 3), 1.0);
      sum = 1;
    }
    let acc = 0;
    let big = 0;
    const base = wP + <usize>(o * taps) * 4;
    for (let k = 0; k < taps; k++) {
      const q = <i32>jsRound((load<f64>(ftmp + (<usize>k << 3)) / sum) * <f64>ONE);
      store<i32>(base + (<usize>k << 2), q);
      acc += q;
      if (q > load<i32>(base + (<usize>big << 2))) big = k;
    }
    const bp = base + (<usize>big << 2);
    store<i32>(bp, load<i32>(bp) + ONE - acc);
  }
}

/** Swizzle masks and weight pairs of every half-group (4 consecutive outputs). */
function buildTables(outW: i32): void {
  // Outputs past outW (up to the stride) repeat the last one, so whole groups can be filtered.
  for (let o = outW; o < stride; o++) {
    store<i32>(hStart + (<usize>o << 2), load<i32>(hStart + (<usize>(outW - 1) << 2)));
    memory.copy(hW + <usize>(o * T) * 4, hW + <usize>((outW - 1) * T) * 4, <usize>T << 2);
  }
  const nh = stride >> 2;
  for (let h = 0; h < nh; h++) {
    const o0 = h << 2;
    const b = load<i32>(hStart + (<usize>o0 << 2));
    const span = load<i32>(hStart + (<usize>(o0 + 3) << 2)) - b + T;
    if (P == 0 || span > 16) {
      store<i32>(hBase + (<usize>h << 2), -1);
      continue;
    }
    store<i32>(hBase + (<usize>h << 2), b);
    for (let p = 0; p < P; p++) {
      const t = hTab + <usize>(h * P + p) * 32;
      const k0 = p << 1;
      const k1 = k0 + 1;
      for (let j = 0; j < 4; j++) {
        const o = o0 + j;
        const d = load<i32>(hStart + (<usize>o << 2)) - b;
        const wp = hW + <usize>(o * T) * 4;
        const m = t + (<usize>j << 2);
        store<u8>(m, <u8>(d + k0));
        store<u8>(m, 0x80, 1);
        store<u8>(m, k1 < T ? <u8>(d + k1) : 0x80, 2);
        store<u8>(m, 0x80, 3);
        store<i16>(m, <i16>load<i32>(wp + (<usize>k0 << 2)), 16);
        store<i16>(m, k1 < T ? <i16>load<i32>(wp + (<usize>k1 << 2)) : 0, 18);
      }
    }
  }
}

/**
 * Lays out the scratch memory for a plane of outW x outH at this scale and computes its taps and
 * tables. 0 if memory cannot grow.
 */
export function prepare(sw: i32, sh: i32, outW: i32, outH: i32, left: f64, top: f64, scale: f64): i32 {
  const radius: f64 = scale > 1 ? scale : 1.0;
  T = <i32>Math.ceil(2 * radius);
  P = T <= MAX_SIMD_TAPS ? (T + 1) >> 1 : 0;
  stride = (outW + 7) & ~7;
  let p = scratch;
  hStart = p;
  p = align16(p + (<usize>stride << 2));
  hW = p;
  p = align16(p + <usize>(stride * T) * 4);
  vStart = p;
  p = align16(p + (<usize>outH << 2));
  vW = p;
  p = align16(p + <usize>(outH * T) * 4);
  hBase = p;
  p = align16(p + (<usize>(stride >> 2) << 2));
  hTab = p;
  p = align16(p + <usize>((stride >> 2) * P) * 32);
  ring = p;
  p = align16(p + <usize>(T * stride) * 2);
  ftmp = p;
  p = align16(p + (<usize>T << 3));
  if (!ensure(p)) return 0;
  computeTaps(outW, sw, left, scale, hStart, hW);
  computeTaps(outH, sh, top, scale, vStart, vW);
  buildTables(outW);
  return 1;
}

/** Scalar horizontal filter of outputs [o0, o1) of one row. */
function hScalar(src: usize, dst: usize, o0: i32, o1: i32): void {
  for (let o = o0; o < o1; o++) {
    const p = src + <usize>load<i32>(hStart + (<usize>o << 2));
    const wp = hW + <usize>(o * T) * 4;
    let a = 64;
    for (let k = 0; k < T; k++) a += load<i32>(wp + (<usize>k << 2)) * <i32>load<u8>(p + <usize>k);
    store<u16>(dst + (<usize>o << 1), <u16>(a >> 7));
  }
}

/** Horizontal pass of one source row into `stride` 15-bit samples at `dst`. */
function hRow(src: usize, dst: usize): void {
  const ng = stride >> 3;
  const rnd = i32x4.splat(64);
  if (P == 1) {
    for (let g = 0; g < ng; g++) {
      const bp = hBase + (<usize>g << 3);
      const b0 = load<i32>(bp);
      const b1 = load<i32>(bp, 4);
      if ((b0 | b1) < 0) {
        hScalar(src, dst, g << 3, (g << 3) + 8);
        continue;
      }
      const t = hTab + (<usize>g << 6);
      const x0 = v128.load(src + <usize>b0);
      const x1 = v128.load(src + <usize>b1);
      const a0 = i32x4.dot_i16x8_s(i8x16.swizzle(x0, v128.load(t)), v128.load(t, 16));
      const a1 = i32x4.dot_i16x8_s(i8x16.swizzle(x1, v128.load(t, 32)), v128.load(t, 48));
      v128.store(
        dst + (<usize>g << 4),
        i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a0, rnd), 7), i32x4.shr_s(i32x4.add(a1, rnd), 7)),
      );
    }
  } else if (P == 2) {
    for (let g = 0; g < ng; g++) {
      const bp = hBase + (<usize>g << 3);
      const b0 = load<i32>(bp);
      const b1 = load<i32>(bp, 4);
      if ((b0 | b1) < 0) {
        hScalar(src, dst, g << 3, (g << 3) + 8);
        continue;
      }
      const t = hTab + (<usize>g << 7);
      const x0 = v128.load(src + <usize>b0);
      const x1 = v128.load(src + <usize>b1);
      let a0 = i32x4.dot_i16x8_s(i8x16.swizzle(x0, v128.load(t)), v128.load(t, 16));
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i8x16.swizzle(x0, v128.load(t, 32)), v128.load(t, 48)));
      let a1 = i32x4.dot_i16x8_s(i8x16.swizzle(x1, v128.load(t, 64)), v128.load(t, 80));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i8x16.swizzle(x1, v128.load(t, 96)), v128.load(t, 112)));
      v128.store(
        dst + (<usize>g << 4),
        i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a0, rnd), 7), i32x4.shr_s(i32x4.add(a1, rnd), 7)),
      );
    }
  } else if (P > 2) {
    const hs = <usize>P << 5; // bytes of one half-group's tables
    for (let g = 0; g < ng; g++) {
      const bp = hBase + (<usize>g << 3);
      const b0 = load<i32>(bp);
      const b1 = load<i32>(bp, 4);
      if ((b0 | b1) < 0) {
        hScalar(src, dst, g << 3, (g << 3) + 8);
        continue;
      }
      const t0 = hTab + <usize>(g << 1) * hs;
      const t1 = t0 + hs;
      const x0 = v128.load(src + <usize>b0);
      const x1 = v128.load(src + <usize>b1);
      let a0 = rnd;
      let a1 = rnd;
      for (let p = 0; p < P; p++) {
        const q = <usize>p << 5;
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i8x16.swizzle(x0, v128.load(t0 + q)), v128.load(t0 + q, 16)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i8x16.swizzle(x1, v128.load(t1 + q)), v128.load(t1 + q, 16)));
      }
      v128.store(dst + (<usize>g << 4), i16x8.narrow_i32x4_s(i32x4.shr_s(a0, 7), i32x4.shr_s(a1, 7)));
    }
  } else {
    hScalar(src, dst, 0, stride);
  }
}

@inline function ringRow(r: i32): usize {
  return ring + <usize>((r % T) * stride) * 2;
}

/** Rounds four i32x4 accumulators (>> 21) and packs them into 16 u8. */
@inline function pack(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const h = i32x4.splat(1 << 20);
  return i8x16.narrow_i16x8_u(
    i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a0, h), 21), i32x4.shr_s(i32x4.add(a1, h), 21)),
    i16x8.narrow_i32x4_s(i32x4.shr_s(i32x4.add(a2, h), 21), i32x4.shr_s(i32x4.add(a3, h), 21)),
  );
}

/** Vertical pass of output row y into `dst` (outW bytes). */
function vRow(y: i32, dst: usize, outW: i32): void {
  const s = load<i32>(vStart + (<usize>y << 2));
  const wb = vW + <usize>(y * T) * 4;
  // 16 outputs per step; the last step overlaps the previous one instead of running past outW.
  let x = 0;
  if (outW >= 16) {
    if (T == 2) {
      const r0 = ringRow(s);
      const r1 = ringRow(s + 1);
      const w0 = i16x8.splat(<i16>load<i32>(wb));
      const w1 = i16x8.splat(<i16>load<i32>(wb, 4));
      while (true) {
        if (x > outW - 16) x = outW - 16;
        const o = <usize>x << 1;
        const p0 = v128.load(r0 + o);
        const q0 = v128.load(r0 + o, 16);
        const p1 = v128.load(r1 + o);
        const q1 = v128.load(r1 + o, 16);
        const a0 = i32x4.add(i32x4.extmul_low_i16x8_s(p0, w0), i32x4.extmul_low_i16x8_s(p1, w1));
        const a1 = i32x4.add(i32x4.extmul_high_i16x8_s(p0, w0), i32x4.extmul_high_i16x8_s(p1, w1));
        const a2 = i32x4.add(i32x4.extmul_low_i16x8_s(q0, w0), i32x4.extmul_low_i16x8_s(q1, w1));
        const a3 = i32x4.add(i32x4.extmul_high_i16x8_s(q0, w0), i32x4.extmul_high_i16x8_s(q1, w1));
        v128.store(dst + <usize>x, pack(a0, a1, a2, a3));
        if (x == outW - 16) break;
        x += 16;
      }
    } else if (T == 3) {
      const r0 = ringRow(s);
      const r1 = ringRow(s + 1);
      const r2 = ringRow(s + 2);
      const w0 = i16x8.splat(<i16>load<i32>(wb));
      const w1 = i16x8.splat(<i16>load<i32>(wb, 4));
      const w2 = i16x8.splat(<i16>load<i32>(wb, 8));
      while (true) {
        if (x > outW - 16) x = outW - 16;
        const o = <usize>x << 1;
        const p0 = v128.load(r0 + o);
        const q0 = v128.load(r0 + o, 16);
        const p1 = v128.load(r1 + o);
        const q1 = v128.load(r1 + o, 16);
        const p2 = v128.load(r2 + o);
        const q2 = v128.load(r2 + o, 16);
        let a0 = i32x4.add(i32x4.extmul_low_i16x8_s(p0, w0), i32x4.extmul_low_i16x8_s(p1, w1));
        let a1 = i32x4.add(i32x4.extmul_high_i16x8_s(p0, w0), i32x4.extmul_high_i16x8_s(p1, w1));
        let a2 = i32x4.add(i32x4.extmul_low_i16x8_s(q0, w0), i32x4.extmul_low_i16x8_s(q1, w1));
        let a3 = i32x4.add(i32x4.extmul_high_i16x8_s(q0, w0), i32x4.extmul_high_i16x8_s(q1, w1));
        a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(p2, w2));
        a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(p2, w2));
        a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(q2, w2));
        a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(q2, w2));
        v128.store(dst + <usize>x, pack(a0, a1, a2, a3));
        if (x == outW - 16) break;
        x += 16;
      }
    } else {
      while (true) {
        if (x > outW - 16) x = outW - 16;
        const o = <usize>x << 1;
        let a0 = i32x4.splat(0);
        let a1 = a0;
        let a2 = a0;
        let a3 = a0;
        for (let k = 0; k < T; k++) {
          const w = i16x8.splat(<i16>load<i32>(wb + (<usize>k << 2)));
          const r = ringRow(s + k) + o;
          const p = v128.load(r);
          const q = v128.load(r, 16);
          a0 = i32x4.add(a0, i32x4.extmul_low_i16x8_s(p, w));
          a1 = i32x4.add(a1, i32x4.extmul_high_i16x8_s(p, w));
          a2 = i32x4.add(a2, i32x4.extmul_low_i16x8_s(q, w));
          a3 = i32x4.add(a3, i32x4.extmul_high_i16x8_s(q, w));
        }
        v128.store(dst + <usize>x, pack(a0, a1, a2, a3));
        if (x == outW - 16) break;
        x += 16;
      }
    }
    return;
  }
  // Narrow planes: scalar.
  for (; x < outW; x++) {
    let a = 1 << 20;
    for (let k = 0; k < T; k++) {
      a += load<i32>(wb + (<usize>k << 2)) * <i32>load<u16>(ringRow(s + k) + (<usize>x << 1));
    }
    store<u8>(dst + <usize>x, <u8>(a >> 21));
  }
}

/**
 * Resamples the plane at `src` (sw x sh, stride sw) into `out` (outW x outH, stride outW) with
 * the geometry last given to `prepare`.
 */
export function run(src: usize, sw: i32, sh: i32, out: usize, outW: i32, outH: i32): void {
  let next = 0; // next source row to filter horizontally
  for (let y = 0; y < outH; y++) {
    const s = load<i32>(vStart + (<usize>y << 2));
    if (next < s) next = s;
    const end = s + T;
    while (next < end) {
      const r = next < sh ? next : sh - 1;
      hRow(src + <usize>r * <usize>sw, ringRow(next));
      next++;
    }
    vRow(y, out + <usize>y * <usize>outW, outW);
  }
}

/**
 * Alpha blend for layered stills, premultiplied: dst = src + dst·(255 − a)/255, rounded exactly as
 * the JS reference (`blendRows` in ../layered.ts): src + ((dst·(255 − a)·257 + 32896) >> 16),
 * at most 255. `src` and `a` are packed (w per row); `dst` has `dstStride` bytes per row. Runs of
 * 16 transparent pixels are skipped.
 */
export function blend(dst: usize, dstStride: i32, src: usize, a: usize, w: i32, h: i32): void {
  const rnd = i32x4.splat(32896);
  const full = i16x8.splat(255);
  for (let y = 0; y < h; y++) {
    const d = dst + <usize>y * <usize>dstStride;
    const s = src + <usize>y * <usize>w;
    const al = a + <usize>y * <usize>w;
    let x = 0;
    for (; x + 16 <= w; x += 16) {
      const av = v128.load(al + <usize>x);
      if (!v128.any_true(av)) continue;
      const bv = v128.load(d + <usize>x);
      const sv = v128.load(s + <usize>x);
      const il = i16x8.sub(full, i16x8.extend_low_i8x16_u(av));
      const ih = i16x8.sub(full, i16x8.extend_high_i8x16_u(av));
      const bl = i16x8.extend_low_i8x16_u(bv);
      const bh = i16x8.extend_high_i8x16_u(bv);
      let p0 = i32x4.extmul_low_i16x8_u(bl, il);
      let p1 = i32x4.extmul_high_i16x8_u(bl, il);
      let p2 = i32x4.extmul_low_i16x8_u(bh, ih);
      let p3 = i32x4.extmul_high_i16x8_u(bh, ih);
      // x·257 = (x << 8) + x
      p0 = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.shl(p0, 8), p0), rnd), 16);
      p1 = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.shl(p1, 8), p1), rnd), 16);
      p2 = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.shl(p2, 8), p2), rnd), 16);
      p3 = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.shl(p3, 8), p3), rnd), 16);
      const rl = i16x8.add(i16x8.extend_low_i8x16_u(sv), i16x8.narrow_i32x4_s(p0, p1));
      const rh = i16x8.add(i16x8.extend_high_i8x16_u(sv), i16x8.narrow_i32x4_s(p2, p3));
      v128.store(d + <usize>x, i8x16.narrow_i16x8_u(rl, rh));
    }
    for (; x < w; x++) {
      const k = <i32>load<u8>(al + <usize>x);
      if (k == 0) continue;
      const b = <i32>load<u8>(d + <usize>x);
      const r = <i32>load<u8>(s + <usize>x) + (((b * (255 - k)) * 257 + 32896) >> 16);
      store<u8>(d + <usize>x, <u8>(r > 255 ? 255 : r));
    }
  }
}

/**
 * Cross-fade of two byte arrays (a transition's frames): out[i] = (a[i]·(256−k) + b[i]·k + 128) >> 8,
 * exactly the JS `mix` of ../../compose/transitions.ts, 16 bytes at a time (the sums fit in u16).
 * `out` may be `a`.
 */
export function mix(a: usize, b: usize, out: usize, n: i32, k: i32): void {
  const j = 256 - k;
  const vj = i16x8.splat(<i16>j);
  const vk = i16x8.splat(<i16>k);
  const r = i16x8.splat(128);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    const lo = i16x8.shr_u(i16x8.add(i16x8.add(i16x8.mul(i16x8.extend_low_i8x16_u(x), vj), i16x8.mul(i16x8.extend_low_i8x16_u(y), vk)), r), 8);
    const hi = i16x8.shr_u(i16x8.add(i16x8.add(i16x8.mul(i16x8.extend_high_i8x16_u(x), vj), i16x8.mul(i16x8.extend_high_i8x16_u(y), vk)), r), 8);
    v128.store(out + <usize>i, i8x16.narrow_i16x8_u(lo, hi));
  }
  for (; i < n; i++) {
    store<u8>(out + <usize>i, <u8>((<i32>load<u8>(a + <usize>i) * j + <i32>load<u8>(b + <usize>i) * k + 128) >> 8));
  }
}
