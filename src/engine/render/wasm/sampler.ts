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

/** The mask (0–255 as f32 lanes) at 4 sample positions (plane pixels; `mk` mask pixels per plane pixel). */
@inline function maskAt(mask: usize, mw: i32, vmk: v128, mxv: v128, myv: v128, x: v128, y: v128): v128 {
  const half = f32x4.splat(0.5);
  const qx = i32x4.min_s(floorI(f32x4.mul(f32x4.add(x, half), vmk)), mxv);
  const qy = i32x4.min_s(floorI(f32x4.mul(f32x4.add(y, half), vmk)), myv);
  const qx0 = i32x4.extract_lane(qx, 0), qy0 = i32x4.extract_lane(qy, 0);
  const qd = i32x4.sub(qx, i32x4.splat(qx0));
  if (v128.all_true<i32>(i32x4.lt_u(v128.or(qd, i32x4.shl(i32x4.sub(qy, i32x4.splat(qy0)), 4)), i32x4.splat(16)))) {
    // Neighbours on one mask row: one load and a byte shuffle instead of four loads.
    return f32x4.convert_i32x4_s(i8x16.swizzle(v128.load(mask + <usize>(qy0 * mw + qx0)), v128.or(qd, i32x4.splat(0x80808000))));
  }
  const q = i32x4.add(i32x4.mul(qy, i32x4.splat(mw)), qx);
  return f32x4.convert_i32x4_s(i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(
    i32x4.splat(<i32>load<u8>(mask + <usize>i32x4.extract_lane(q, 0))),
    1, <i32>load<u8>(mask + <usize>i32x4.extract_lane(q, 1))),
    2, <i32>load<u8>(mask + <usize>i32x4.extract_lane(q, 2))),
    3, <i32>load<u8>(mask + <usize>i32x4.extract_lane(q, 3))));
}

/** Bilinear samples of the plane at `src` (stride `sw`) at 4 positions (already inside the plane). */
@inline function sampleAt(src: usize, sw: i32, x: v128, y: v128): v128 {
  const xi = floorI(x), yi = floorI(y);
  const fx = f32x4.sub(x, f32x4.convert_i32x4_s(xi)), fy = f32x4.sub(y, f32x4.convert_i32x4_s(yi));
  const x0 = i32x4.extract_lane(xi, 0), y0 = i32x4.extract_lane(yi, 0);
  const d = i32x4.sub(xi, i32x4.splat(x0));
  let top2: v128, bot2: v128;
  if (v128.all_true<i32>(i32x4.lt_u(v128.or(d, i32x4.shl(i32x4.sub(yi, i32x4.splat(y0)), 4)), i32x4.splat(15)))) {
    // The 4 taps' pairs within 16 bytes of one row (the usual case: the field is smooth):
    // one load per row and a shuffle placing (s[x], s[x + 1]) in each lane's low bytes.
    const sm = i32x4.add(i32x4.mul(d, i32x4.splat(257)), i32x4.splat(0x80800100));
    const r0 = src + <usize>(y0 * sw + x0);
    top2 = i8x16.swizzle(v128.load(r0), sm);
    bot2 = i8x16.swizzle(v128.load(r0 + <usize>sw), sm);
  } else {
    const idx = i32x4.add(i32x4.mul(yi, i32x4.splat(sw)), xi);
    const i0 = src + <usize>i32x4.extract_lane(idx, 0), i1 = src + <usize>i32x4.extract_lane(idx, 1);
    const i2 = src + <usize>i32x4.extract_lane(idx, 2), i3 = src + <usize>i32x4.extract_lane(idx, 3);
    const s = <usize>sw;
    top2 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>load<u16>(i0)), 1, <i32>load<u16>(i1)), 2, <i32>load<u16>(i2)), 3, <i32>load<u16>(i3));
    bot2 = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>load<u16>(i0 + s)), 1, <i32>load<u16>(i1 + s)), 2, <i32>load<u16>(i2 + s)), 3, <i32>load<u16>(i3 + s));
  }
  const ff = i32x4.splat(0xff);
  const p0 = f32x4.convert_i32x4_s(v128.and(top2, ff)), p1 = f32x4.convert_i32x4_s(i32x4.shr_u(top2, 8));
  const q0 = f32x4.convert_i32x4_s(v128.and(bot2, ff)), q1 = f32x4.convert_i32x4_s(i32x4.shr_u(bot2, 8));
  const pp = f32x4.add(p0, f32x4.mul(f32x4.sub(p1, p0), fx));
  const qq = f32x4.add(q0, f32x4.mul(f32x4.sub(q1, q0), fx));
  return f32x4.add(pp, f32x4.mul(f32x4.sub(qq, pp), fy));
}

/**
 * Living photos' flow warp (../../living/render.ts `warpPlane`, same formula in f32): re-samples
 * one plane at positions displaced by a field given on a coarse grid, mixed into `out` by the mask.
 * 4 output pixels per step (one grid cell: `gstep` is a multiple of 4); the grid row is
 * interpolated once per output row; source taps and mask values are gathered per lane.
 * `grid`: f32 x (gw x gh x 4) = (dx0, dy0, dx1, dy1) per node, times `gmul`. `mask` 0: none (255).
 * `scr`: scratch for ow x 8 + gw x 16 bytes.
 */
/** floor(x) as i32 lanes for 0 <= x < 2^23 (cheaper in V8 than trunc_sat: a round and a mask). */
@inline function floorI(x: v128): v128 {
  return v128.and(f32x4.add(f32x4.floor(x), f32x4.splat(8388608.0)), i32x4.splat(0x7fffff));
}

/** Mixes 4 warped values into the 4 bytes at `dst` by the mask: dst + (acc - wsum·dst)·m/255, rounded. */
@inline function blend4(dst: usize, acc: v128, wsum: v128, m: v128): void {
  const base = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(dst))));
  const r = f32x4.add(f32x4.add(base, f32x4.mul(f32x4.mul(f32x4.sub(acc, f32x4.mul(wsum, base)), m), f32x4.splat(<f32>(1.0 / 255)))), f32x4.splat(0.5));
  const ri = floorI(f32x4.pmax(r, f32x4.splat(0)));
  const b8 = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(ri, ri), i16x8.narrow_i32x4_s(ri, ri));
  v128.store32_lane(dst, b8, 0);
}

/** `blend4` for the last 1–3 pixels of a row. */
function blendTail(dst: usize, n: i32, acc: v128, wsum: v128, m: v128): void {
  for (let l = 0; l < n; l++) {
    const b = <f32>load<u8>(dst + <usize>l);
    const av = l == 0 ? f32x4.extract_lane(acc, 0) : l == 1 ? f32x4.extract_lane(acc, 1) : f32x4.extract_lane(acc, 2);
    const ws = l == 0 ? f32x4.extract_lane(wsum, 0) : l == 1 ? f32x4.extract_lane(wsum, 1) : f32x4.extract_lane(wsum, 2);
    const mv = l == 0 ? f32x4.extract_lane(m, 0) : l == 1 ? f32x4.extract_lane(m, 1) : f32x4.extract_lane(m, 2);
    const r = <i32>(b + ((av - ws * b) * mv) / 255 + 0.5);
    store<u8>(dst + <usize>l, <u8>(r < 0 ? 0 : r > 255 ? 255 : r));
  }
}

export function warp(
  src: usize, sw: i32, sh: i32, out: usize, ow: i32, oh: i32,
  mask: usize, mw: i32, mh: i32, mk: i32,
  left: f64, top: f64, scale: f64, grid: usize, gw: i32, gstep: i32, gmul: f32, w0: f32, w1: f32, scr: usize,
  src2: usize, out2: usize, codes: usize, rows: usize, need: i32,
): void {
  const maxX = f32x4.splat(<f32>(<f64>sw - 1.001)), maxY = f32x4.splat(<f32>(<f64>sh - 1.001));
  const mxMax = mw - 1, myMax = mh - 1;
  const inv: f64 = 1.0 / <f64>gstep;
  const zero = f32x4.splat(0), half = f32x4.splat(0.5), vmk = f32x4.splat(<f32>mk);
  const w0m = f32x4.splat(w0 / 255), w1m = f32x4.splat(w1 / 255);
  const vw0 = f32x4.splat(w0), vw1 = f32x4.splat(w1);
  const colX = scr; // f32 x ow
  const colM = scr + (<usize>ow << 2); // i32 x ow
  const colQ = scr + (<usize>ow << 3); // i32 x ow: colX in 1/1024 px
  const rowv = align16(scr + <usize>ow * 12); // f32 x gw x 4
  const rowq = rowv + (<usize>gw << 4); // i32 x gw x 4: rowv in 1/1024 px
  for (let ox = 0; ox < ow; ox++) {
    const sx: f64 = left + (<f64>ox + 0.5) * scale - 0.5;
    let mxi = <i32>((sx + 0.5) * <f64>mk);
    mxi = mxi < 0 ? 0 : mxi > mxMax ? mxMax : mxi;
    store<f32>(colX + (<usize>ox << 2), <f32>sx);
    store<i32>(colM + (<usize>ox << 2), mxi);
    store<i32>(colQ + (<usize>ox << 2), <i32>Math.round(sx * 1024));
  }
  // The fast path (groups of 8 pixels where the mask is 255 at the pixels and wherever their
  // sources can be): positions in 1/1024 px, bilinear in 16-bit fixed point.
  const ng = (ow + 7) >> 3;
  const glog = <i32>ctz(gstep), gshift = glog + 1;
  const lane2 = i32x4(0, 2, 4, 6);
  const maxXq = i32x4.splat(<i32>Math.floor((<f64>sw - 1.001) * 1024)), maxYq = i32x4.splat(<i32>Math.floor((<f64>sh - 1.001) * 1024));
  const zq = i32x4.splat(0), q1023 = i32x4.splat(1023);
  const w0q = i16x8.splat(<i16>(w0 >= 1 ? 32767 : <i32>Math.round(<f64>w0 * 32768)));
  const r64 = i16x8.splat(64);
  let slow = false;
  const mvw = i32x4.splat(mw), mxv = i32x4.splat(mxMax), myv = i32x4.splat(myMax), swv = i32x4.splat(sw);
  const lane = f32x4(0.5, 1.5, 2.5, 3.5);
  const ff = i32x4.splat(0xff);
  for (let oy = 0; oy < oh; oy++) {
    const syd: f64 = top + (<f64>oy + 0.5) * scale - 0.5;
    let myi = <i32>((syd + 0.5) * <f64>mk);
    myi = myi < 0 ? 0 : myi > myMax ? myMax : myi;
    const mrow = mask + <usize>myi * <usize>mw;
    // The groups of this row to visit (from `warpGroups`: outside them the mask is 0).
    let gA = 0, gB = ng - 1;
    if (mask != 0) {
      gA = load<i32>(rows + (<usize>oy << 3));
      gB = load<i32>(rows + (<usize>oy << 3), 4);
      if (gA > gB) continue;
    }
    const gyf: f64 = (<f64>oy + 0.5) * inv;
    const gy0 = <i32>gyf;
    const ty = <f32>(gyf - <f64>gy0);
    const rA = grid + (<usize>(gy0 * gw) << 4), rB = rA + (<usize>gw << 4);
    const vty = f32x4.splat(ty), vty1 = f32x4.splat(1 - ty), vg = f32x4.splat(gmul);
    const k0 = (gA << 3) / gstep, k1 = min(gw - 1, ((gB << 3) + 8) / gstep + 1);
    for (let k = k0; k <= k1; k++) {
      const o = <usize>k << 4;
      const v = f32x4.mul(f32x4.add(f32x4.mul(v128.load(rA + o), vty1), f32x4.mul(v128.load(rB + o), vty)), vg);
      v128.store(rowv + o, v);
      v128.store(rowq + o, i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v, f32x4.splat(1024)))));
    }
    const sy = f32x4.splat(<f32>syd);
    const syq = i32x4.splat(<i32>Math.round(syd * 1024));
    const ob = out + <usize>oy * <usize>ow;
    const crow = codes + <usize>oy * <usize>ng;
    for (let g = gA; g <= gB; g++) {
    const ox8 = g << 3;
    if (mask != 0) {
      const code = <i32>load<u8>(crow + <usize>g);
      if (code == 255) continue;
      if (code < need) { slow = true; } else { slow = false; }
    } else slow = false;
    if (ox8 + 8 > ow) slow = true;
    if (!slow) {
      // 8 pixels: two halves of 4, each with its grid cell (the same one when the step is 8) and
      // its lanes' weights along x (in 1/(2·gstep): 2·offset + 1).
      const cA = ox8 >> glog, cB = (ox8 + 4) >> glog;
      const tA = i32x4.add(i32x4.splat(((ox8 - (cA << glog)) << 1) + 1), lane2), tB = i32x4.add(i32x4.splat(((ox8 + 4 - (cB << glog)) << 1) + 1), lane2);
      const pA = rowq + (<usize>cA << 4), pB = rowq + (<usize>cB << 4);
      const A0 = v128.load(pA), D0 = i32x4.sub(v128.load(pA, 16), A0);
      const A1 = v128.load(pB), D1 = i32x4.sub(v128.load(pB, 16), A1);
      const cxA = v128.load(colQ + (<usize>ox8 << 2)), cxB = v128.load(colQ + (<usize>ox8 << 2), 16);
      let xa0 = zq, ya0 = zq, xa1 = zq, ya1 = zq, xb0 = zq, yb0 = zq, xb1 = zq, yb1 = zq;
      if (w0 > 0) {
        xa0 = i32x4.min_s(i32x4.max_s(i32x4.sub(cxA, i32x4.add(i8x16.shuffle(A0, A0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D0, D0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), tA), gshift))), zq), maxXq);
        xb0 = i32x4.min_s(i32x4.max_s(i32x4.sub(cxB, i32x4.add(i8x16.shuffle(A1, A1, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D1, D1, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), tB), gshift))), zq), maxXq);
        ya0 = i32x4.min_s(i32x4.max_s(i32x4.sub(syq, i32x4.add(i8x16.shuffle(A0, A0, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D0, D0, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7), tA), gshift))), zq), maxYq);
        yb0 = i32x4.min_s(i32x4.max_s(i32x4.sub(syq, i32x4.add(i8x16.shuffle(A1, A1, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D1, D1, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7), tB), gshift))), zq), maxYq);
      }
      if (w1 > 0) {
        xa1 = i32x4.min_s(i32x4.max_s(i32x4.sub(cxA, i32x4.add(i8x16.shuffle(A0, A0, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D0, D0, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11), tA), gshift))), zq), maxXq);
        xb1 = i32x4.min_s(i32x4.max_s(i32x4.sub(cxB, i32x4.add(i8x16.shuffle(A1, A1, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D1, D1, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11), tB), gshift))), zq), maxXq);
        ya1 = i32x4.min_s(i32x4.max_s(i32x4.sub(syq, i32x4.add(i8x16.shuffle(A0, A0, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D0, D0, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15), tA), gshift))), zq), maxYq);
        yb1 = i32x4.min_s(i32x4.max_s(i32x4.sub(syq, i32x4.add(i8x16.shuffle(A1, A1, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15), i32x4.shr_s(i32x4.mul(i8x16.shuffle(D1, D1, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15), tB), gshift))), zq), maxYq);
      }
      let v = zq, v2 = zq;
      if (w0 > 0) {
        const xi = i16x8.narrow_i32x4_s(i32x4.shr_s(xa0, 10), i32x4.shr_s(xb0, 10)), yi = i16x8.narrow_i32x4_s(i32x4.shr_s(ya0, 10), i32x4.shr_s(yb0, 10));
        const fx = i16x8.shl(i16x8.narrow_i32x4_s(v128.and(xa0, q1023), v128.and(xb0, q1023)), 5);
        const fy = i16x8.shl(i16x8.narrow_i32x4_s(v128.and(ya0, q1023), v128.and(yb0, q1023)), 5);
        v = bilin8(src, sw, xi, yi, fx, fy);
        if (src2 != 0) v2 = bilin8(src2, sw, xi, yi, fx, fy);
      }
      if (w1 > 0) {
        const xi = i16x8.narrow_i32x4_s(i32x4.shr_s(xa1, 10), i32x4.shr_s(xb1, 10)), yi = i16x8.narrow_i32x4_s(i32x4.shr_s(ya1, 10), i32x4.shr_s(yb1, 10));
        const fx = i16x8.shl(i16x8.narrow_i32x4_s(v128.and(xa1, q1023), v128.and(xb1, q1023)), 5);
        const fy = i16x8.shl(i16x8.narrow_i32x4_s(v128.and(ya1, q1023), v128.and(yb1, q1023)), 5);
        const u = bilin8(src, sw, xi, yi, fx, fy);
        v = w0 > 0 ? i16x8.add(u, i16x8.q15mulr_sat_s(i16x8.sub(v, u), w0q)) : u;
        if (src2 != 0) {
          const u2 = bilin8(src2, sw, xi, yi, fx, fy);
          v2 = w0 > 0 ? i16x8.add(u2, i16x8.q15mulr_sat_s(i16x8.sub(v2, u2), w0q)) : u2;
        }
      }
      const r = i16x8.shr_u(i16x8.add(v, r64), 7);
      v128.store64_lane(ob + <usize>ox8, i8x16.narrow_i16x8_u(r, r), 0);
      if (src2 != 0) {
        const r2 = i16x8.shr_u(i16x8.add(v2, r64), 7);
        v128.store64_lane(out2 + <usize>oy * <usize>ow + <usize>ox8, i8x16.narrow_i16x8_u(r2, r2), 0);
      }
      continue;
    }
    for (let ox = ox8; ox < ox8 + 8 && ox < ow; ox += 4) {
      let m = f32x4.splat(255);
      if (mask != 0) {
        const c = colM + (<usize>ox << 2);
        const l3 = ox + 3 < ow ? 12 : 0;
        const l2 = ox + 2 < ow ? 8 : 0;
        const l1 = ox + 1 < ow ? 4 : 0;
        const m0 = <i32>load<u8>(mrow + <usize>load<i32>(c));
        const m1 = <i32>load<u8>(mrow + <usize>load<i32>(c + l1));
        const m2 = <i32>load<u8>(mrow + <usize>load<i32>(c + l2));
        const m3 = <i32>load<u8>(mrow + <usize>load<i32>(c + l3));
        if ((m0 | m1 | m2 | m3) == 0) continue;
        m = f32x4.convert_i32x4_s(i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(m0), 1, m1), 2, m2), 3, m3));
      }
      const sx = v128.load(colX + (<usize>ox << 2));
      const gxf: f64 = (<f64>ox + 0.5) * inv;
      const gx0 = <i32>gxf;
      const tx = f32x4.sub(f32x4.mul(f32x4.add(f32x4.splat(<f32>ox), lane), f32x4.splat(<f32>inv)), f32x4.splat(<f32>gx0));
      const a = rowv + (<usize>gx0 << 4);
      const ca = v128.load(a), cb = v128.load(a, 16);
      const cd = f32x4.sub(cb, ca);
      let acc = zero, wsum = zero, acc2 = zero;
      if (w0 > 0) {
        const x = f32x4.pmin(f32x4.pmax(f32x4.sub(sx, f32x4.add(f32x4.splat(f32x4.extract_lane(ca, 0)), f32x4.mul(f32x4.splat(f32x4.extract_lane(cd, 0)), tx))), zero), maxX);
        const y = f32x4.pmin(f32x4.pmax(f32x4.sub(sy, f32x4.add(f32x4.splat(f32x4.extract_lane(ca, 1)), f32x4.mul(f32x4.splat(f32x4.extract_lane(cd, 1)), tx))), zero), maxY);
        const w = mask != 0 ? f32x4.mul(w0m, maskAt(mask, mw, vmk, mxv, myv, x, y)) : vw0;
        acc = f32x4.mul(w, sampleAt(src, sw, x, y));
        if (src2 != 0) acc2 = f32x4.mul(w, sampleAt(src2, sw, x, y));
        wsum = w;
      }
      if (w1 > 0) {
        const x = f32x4.pmin(f32x4.pmax(f32x4.sub(sx, f32x4.add(f32x4.splat(f32x4.extract_lane(ca, 2)), f32x4.mul(f32x4.splat(f32x4.extract_lane(cd, 2)), tx))), zero), maxX);
        const y = f32x4.pmin(f32x4.pmax(f32x4.sub(sy, f32x4.add(f32x4.splat(f32x4.extract_lane(ca, 3)), f32x4.mul(f32x4.splat(f32x4.extract_lane(cd, 3)), tx))), zero), maxY);
        const w = mask != 0 ? f32x4.mul(w1m, maskAt(mask, mw, vmk, mxv, myv, x, y)) : vw1;
        acc = f32x4.add(acc, f32x4.mul(w, sampleAt(src, sw, x, y)));
        if (src2 != 0) acc2 = f32x4.add(acc2, f32x4.mul(w, sampleAt(src2, sw, x, y)));
        wsum = f32x4.add(wsum, w);
      }
      const dst = ob + <usize>ox;
      if (ox + 4 <= ow) {
        blend4(dst, acc, wsum, m);
        if (src2 != 0) blend4(out2 + <usize>oy * <usize>ow + <usize>ox, acc2, wsum, m);
      } else {
        blendTail(dst, ow - ox, acc, wsum, m);
        if (src2 != 0) blendTail(out2 + <usize>oy * <usize>ow + <usize>ox, ow - ox, acc2, wsum, m);
      }
    }
    }
  }
}

/**
 * Bilinear samples of the plane at `src` (stride `sw`) at 8 positions: whole pixels `xi`, `yi`
 * (i16 lanes, inside the plane but for the right and bottom neighbour) and fractions `fx`, `fy`
 * (Q15). The result is in 1/128 levels (0–32640).
 */
@inline function bilin8(src: usize, sw: i32, xi: v128, yi: v128, fx: v128, fy: v128): v128 {
  const x0 = <i32>i16x8.extract_lane_s(xi, 0), y0 = <i32>i16x8.extract_lane_s(yi, 0);
  const d = i16x8.sub(xi, i16x8.splat(<i16>x0));
  let top2: v128, bot2: v128;
  if (v128.all_true<i16>(i16x8.lt_u(d, i16x8.splat(15))) && v128.all_true<i16>(i16x8.eq(yi, i16x8.splat(<i16>y0)))) {
    // One source row (and the next) for all 8: one load each and a shuffle placing (s[x], s[x + 1]) in each lane.
    const sm = i16x8.add(i16x8.mul(d, i16x8.splat(257)), i16x8.splat(256));
    const r = src + <usize>(y0 * sw + x0);
    top2 = i8x16.swizzle(v128.load(r), sm);
    bot2 = i8x16.swizzle(v128.load(r + <usize>sw), sm);
  } else {
    const vs = i32x4.splat(sw);
    const il = i32x4.add(i32x4.mul(i32x4.extend_low_i16x8_s(yi), vs), i32x4.extend_low_i16x8_s(xi));
    const ih = i32x4.add(i32x4.mul(i32x4.extend_high_i16x8_s(yi), vs), i32x4.extend_high_i16x8_s(xi));
    const a0 = src + <usize>i32x4.extract_lane(il, 0), a1 = src + <usize>i32x4.extract_lane(il, 1);
    const a2 = src + <usize>i32x4.extract_lane(il, 2), a3 = src + <usize>i32x4.extract_lane(il, 3);
    const a4 = src + <usize>i32x4.extract_lane(ih, 0), a5 = src + <usize>i32x4.extract_lane(ih, 1);
    const a6 = src + <usize>i32x4.extract_lane(ih, 2), a7 = src + <usize>i32x4.extract_lane(ih, 3);
    const s = <usize>sw;
    let t = i16x8.splat(<i16>load<u16>(a0));
    t = i16x8.replace_lane(t, 1, <i16>load<u16>(a1));
    t = i16x8.replace_lane(t, 2, <i16>load<u16>(a2));
    t = i16x8.replace_lane(t, 3, <i16>load<u16>(a3));
    t = i16x8.replace_lane(t, 4, <i16>load<u16>(a4));
    t = i16x8.replace_lane(t, 5, <i16>load<u16>(a5));
    t = i16x8.replace_lane(t, 6, <i16>load<u16>(a6));
    top2 = i16x8.replace_lane(t, 7, <i16>load<u16>(a7));
    let b = i16x8.splat(<i16>load<u16>(a0 + s));
    b = i16x8.replace_lane(b, 1, <i16>load<u16>(a1 + s));
    b = i16x8.replace_lane(b, 2, <i16>load<u16>(a2 + s));
    b = i16x8.replace_lane(b, 3, <i16>load<u16>(a3 + s));
    b = i16x8.replace_lane(b, 4, <i16>load<u16>(a4 + s));
    b = i16x8.replace_lane(b, 5, <i16>load<u16>(a5 + s));
    b = i16x8.replace_lane(b, 6, <i16>load<u16>(a6 + s));
    bot2 = i16x8.replace_lane(b, 7, <i16>load<u16>(a7 + s));
  }
  const ff = i16x8.splat(0xff);
  const p0 = v128.and(top2, ff), q0 = v128.and(bot2, ff);
  const p = i16x8.add(i16x8.shl(p0, 7), i16x8.q15mulr_sat_s(i16x8.shl(i16x8.sub(i16x8.shr_u(top2, 8), p0), 7), fx));
  const q = i16x8.add(i16x8.shl(q0, 7), i16x8.q15mulr_sat_s(i16x8.shl(i16x8.sub(i16x8.shr_u(bot2, 8), q0), 7), fx));
  return i16x8.add(p, i16x8.q15mulr_sat_s(i16x8.sub(q, p), fy));
}

/**
 * For each pixel of a mask (w x h), the chessboard distance to the nearest pixel below 255 (with
 * `outside`: above 0), at most 254 (beyond the picture does not count): where it exceeds a flow's
 * largest displacement, every sample the warp takes for the pixel is inside the region (outside
 * it). Two passes. The distance changes by at most 1 from a pixel to the next.
 */
export function maskDistance(mask: usize, w: i32, h: i32, dist: usize, outside: i32): void {
  const W = <usize>w;
  for (let y = 0; y < h; y++) {
    const row = <usize>y * W;
    for (let x = 0; x < w; x++) {
      const i = row + <usize>x;
      const v = <i32>load<u8>(mask + i);
      if (outside ? v != 0 : v != 255) {
        store<u8>(dist + i, 0);
        continue;
      }
      let d: i32 = 254;
      if (x > 0) d = min(d, <i32>load<u8>(dist + i - 1));
      if (y > 0) {
        const u = i - W;
        d = min(d, <i32>load<u8>(dist + u));
        if (x > 0) d = min(d, <i32>load<u8>(dist + u - 1));
        if (x < w - 1) d = min(d, <i32>load<u8>(dist + u + 1));
      }
      store<u8>(dist + i, <u8>min(254, d + 1));
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    const row = <usize>y * W;
    for (let x = w - 1; x >= 0; x--) {
      const i = row + <usize>x;
      let d = <i32>load<u8>(dist + i);
      if (d == 0) continue;
      if (x < w - 1) d = min(d, <i32>load<u8>(dist + i + 1) + 1);
      if (y < h - 1) {
        const n = i + W;
        d = min(d, <i32>load<u8>(dist + n) + 1);
        if (x > 0) d = min(d, <i32>load<u8>(dist + n - 1) + 1);
        if (x < w - 1) d = min(d, <i32>load<u8>(dist + n + 1) + 1);
      }
      store<u8>(dist + i, <u8>min(254, d));
    }
  }
}

/**
 * Where `warp` works for a view of one plane: for each group of 8 output pixels (ow x oh, the
 * mask read at the pixels `warp` reads) a code in `codes` ((ow + 7) / 8 per row): 255 when the
 * mask is 0 at all of them (nothing to do), else a lower bound of the distance `dist` at them (0
 * when the mask may be below 255 at one of them, or the group is cut by the row's end); and per
 * row in `rows` the first and last group not 255 (i32 pairs; first > last when none). Both come
 * from the distance maps at the group's middle pixel (`dist`, and `zdist` to the nearest pixel not
 * 0): a distance changes by at most 1 a pixel, so the middle's, less the half-width of the group's
 * span, bounds it over the group. `scr`: i32 x ow.
 */
export function warpGroups(mask: usize, mw: i32, mh: i32, mk: i32, dist: usize, zdist: usize, left: f64, top: f64, scale: f64, ow: i32, oh: i32, codes: usize, rows: usize, scr: usize): void {
  const mxMax = mw - 1, myMax = mh - 1;
  const ng = (ow + 7) >> 3;
  for (let ox = 0; ox < ow; ox++) {
    const sx: f64 = left + (<f64>ox + 0.5) * scale - 0.5;
    let mxi = <i32>((sx + 0.5) * <f64>mk);
    mxi = mxi < 0 ? 0 : mxi > mxMax ? mxMax : mxi;
    store<i32>(scr + (<usize>ox << 2), mxi);
  }
  for (let oy = 0; oy < oh; oy++) {
    const syd: f64 = top + (<f64>oy + 0.5) * scale - 0.5;
    let myi = <i32>((syd + 0.5) * <f64>mk);
    myi = myi < 0 ? 0 : myi > myMax ? myMax : myi;
    const off = <usize>myi * <usize>mw;
    let first = ng, last = -1;
    for (let g = 0; g < ng; g++) {
      const a = g << 3, b = min(a + 7, ow - 1);
      const ca = load<i32>(scr + (<usize>a << 2)), cb = load<i32>(scr + (<usize>b << 2));
      const c = (ca + cb) >> 1, half = max(c - ca, cb - c);
      let code: i32;
      if (<i32>load<u8>(zdist + off + <usize>c) > half) code = 255;
      else code = b - a < 7 ? 0 : max(0, <i32>load<u8>(dist + off + <usize>c) - half);
      store<u8>(codes + <usize>(oy * ng + g), <u8>code);
      if (code != 255) {
        if (first > g) first = g;
        last = g;
      }
    }
    store<i32>(rows + (<usize>oy << 3), first);
    store<i32>(rows + (<usize>oy << 3), last, 4);
  }
}

/** The noise layer's value for 4 pixels: the row's noise line at u (tiles), lerped, above `thr`, times `gain` and the mask (0–255 lanes, f32). */
@inline function layerGain(lines: usize, u: v128, thr: v128, gain: v128, m: v128): v128 {
  const fu = f32x4.sub(u, f32x4.floor(u));
  const f = f32x4.mul(fu, f32x4.splat(128));
  const i = floorI(f);
  const t = f32x4.sub(f, f32x4.convert_i32x4_s(i));
  const q = i32x4.shl(v128.and(i, i32x4.splat(127)), 2);
  const q1 = i32x4.shl(v128.and(i32x4.add(i, i32x4.splat(1)), i32x4.splat(127)), 2);
  const l0 = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(lines + <usize>i32x4.extract_lane(q, 0))),
    1, load<f32>(lines + <usize>i32x4.extract_lane(q, 1))), 2, load<f32>(lines + <usize>i32x4.extract_lane(q, 2))), 3, load<f32>(lines + <usize>i32x4.extract_lane(q, 3)));
  const l1 = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(lines + <usize>i32x4.extract_lane(q1, 0))),
    1, load<f32>(lines + <usize>i32x4.extract_lane(q1, 1))), 2, load<f32>(lines + <usize>i32x4.extract_lane(q1, 2))), 3, load<f32>(lines + <usize>i32x4.extract_lane(q1, 3)));
  const n = f32x4.add(l0, f32x4.mul(f32x4.sub(l1, l0), t));
  return f32x4.mul(f32x4.mul(f32x4.pmax(f32x4.sub(n, thr), f32x4.splat(0)), gain), f32x4.mul(m, f32x4.splat(<f32>(1.0 / 255))));
}

/** base + (target − base)·g + d for 4 bytes at `p` (`n` of them: 1–4), truncated as JS stores a number into a Uint8Array. */
@inline function layerMix(p: usize, n: i32, target: v128, g: v128, d: v128): void {
  let b: v128;
  if (n == 4) b = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
  else {
    b = f32x4.splat(<f32>load<u8>(p));
    if (n > 1) b = f32x4.replace_lane(b, 1, <f32>load<u8>(p, 1));
    if (n > 2) b = f32x4.replace_lane(b, 2, <f32>load<u8>(p, 2));
  }
  const r = floorI(f32x4.add(f32x4.add(b, f32x4.mul(f32x4.sub(target, b), g)), d));
  const r8 = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r, r), i16x8.narrow_i32x4_s(r, r));
  if (n == 4) v128.store32_lane(p, r8, 0);
  else {
    store<u8>(p, <u8>i8x16.extract_lane_u(r8, 0));
    if (n > 1) store<u8>(p, <u8>i8x16.extract_lane_u(r8, 1), 1);
    if (n > 2) store<u8>(p, <u8>i8x16.extract_lane_u(r8, 2), 2);
  }
}

/**
 * A noise layer over a yuv420p frame at `out` (ow x oh), as `drawWisps` and the 'fog' light in
 * ../../living/render.ts draw it (in f32): per pixel the row's noise line (`lines`: 128 f32 per
 * row, the texture already lerped between its rows) at u = x·ku + u0, above `thr`, times the row's
 * gain and the mask (output resolution, 0: none), mixes the pixel toward `tY` (chroma toward 128),
 * rounded by `dith` (16 f32 of a 4x4 ordered dither, 0: one half). `rows`: (u0, gain) f32 per row,
 * gain 0 to skip the row; `xr`: per row the columns [x0, x1) to visit (i32 pairs, 0: all).
 */
export function noiseLayer(out: usize, ow: i32, oh: i32, mask: usize, xr: usize, rows: usize, lines: usize, ku: f32, thr: f32, tY: f32, dith: usize): void {
  const cw = ow >> 1, ch = oh >> 1;
  const U0 = out + <usize>(ow * oh), V0 = U0 + <usize>(cw * ch);
  const vthr = f32x4.splat(thr), vt = f32x4.splat(tY), vc = f32x4.splat(128);
  const lane = f32x4(0, 1, 2, 3), lane2 = f32x4(0, 2, 4, 6);
  const full = f32x4.splat(255);
  for (let y = 0; y < oh; y++) {
    const gain = load<f32>(rows + (<usize>y << 3), 4);
    if (gain == 0) continue;
    let xa = 0, xb = ow;
    if (xr != 0) {
      xa = load<i32>(xr + (<usize>y << 3));
      xb = load<i32>(xr + (<usize>y << 3), 4);
      if (xa >= xb) continue;
    }
    const u0 = f32x4.splat(load<f32>(rows + (<usize>y << 3)));
    const vg = f32x4.splat(gain), vku = f32x4.splat(ku);
    const ln = lines + (<usize>y << 9);
    const mrow = mask + <usize>y * <usize>ow;
    const d = dith != 0 ? v128.load(dith + (<usize>(y & 3) << 4)) : f32x4.splat(0.5);
    const ob = out + <usize>y * <usize>ow;
    for (let x = xa & ~3; x < xb; x += 4) {
      const n = min(4, ow - x);
      let m = full;
      if (mask != 0) {
        if (n == 4) m = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(mrow + <usize>x))));
        else {
          m = f32x4.splat(<f32>load<u8>(mrow + <usize>x));
          if (n > 1) m = f32x4.replace_lane(m, 1, <f32>load<u8>(mrow + <usize>x, 1));
          if (n > 2) m = f32x4.replace_lane(m, 2, <f32>load<u8>(mrow + <usize>x, 2));
        }
        if (!v128.any_true(m)) continue;
      }
      const u = f32x4.add(f32x4.mul(f32x4.add(f32x4.splat(<f32>x), lane), vku), u0);
      const g = layerGain(ln, u, vthr, vg, m);
      if (!v128.any_true(f32x4.gt(g, f32x4.splat(0)))) continue;
      layerMix(ob + <usize>x, n, vt, g, d);
    }
    if ((y & 1) != 0 || (y >> 1) >= ch) continue;
    // Chroma at the even pixels of even rows: 4 chroma pixels are luma x, x + 2, x + 4, x + 6.
    const dc = i8x16.shuffle(d, d, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
    const crow = <usize>((y >> 1) * cw);
    const ca = (xa >> 1) & ~3, cb = min(cw, (xb + 1) >> 1);
    for (let cx = ca; cx < cb; cx += 4) {
      const n = min(4, cb - cx);
      const x = cx << 1;
      let m = full;
      if (mask != 0) {
        m = f32x4.splat(<f32>load<u8>(mrow + <usize>x));
        if (n > 1) m = f32x4.replace_lane(m, 1, <f32>load<u8>(mrow + <usize>x, 2));
        if (n > 2) m = f32x4.replace_lane(m, 2, <f32>load<u8>(mrow + <usize>x, 4));
        if (n > 3) m = f32x4.replace_lane(m, 3, <f32>load<u8>(mrow + <usize>x, 6));
        if (!v128.any_true(m)) continue;
      }
      const u = f32x4.add(f32x4.mul(f32x4.add(f32x4.splat(<f32>x), lane2), vku), u0);
      const g = layerGain(ln, u, vthr, vg, m);
      if (!v128.any_true(f32x4.gt(g, f32x4.splat(0)))) continue;
      layerMix(U0 + crow + <usize>cx, n, vc, g, dc);
      layerMix(V0 + crow + <usize>cx, n, vc, g, dc);
    }
  }
}

/**
 * Living photos' drift (../../living/render.ts `applyDriftFast`): the still's mask at output size
 * for a view, nearest sample (the same f64 operations as the JS reference, `| 0` as a truncation),
 * into `om` (ow x oh bytes, 0 mask: all 255), each row's columns with a non-zero value into `xr`
 * (x0, x1 per row; x0 = x1 when none) and the first and last rows with any into xr[2·oh], xr[2·oh + 1]
 * (r0 = r1 = 0 when none). `cols`: scratch, i32 x ow.
 */
export function driftMask(mask: usize, W: i32, H: i32, left: f64, top: f64, scale: f64, ow: i32, oh: i32, om: usize, xr: usize, cols: usize): void {
  for (let ox = 0; ox < ow; ox++) {
    let sx = <i32>(left + (<f64>ox + 0.5) * scale - 0.5 + 0.5);
    sx = sx < 0 ? 0 : sx > W - 1 ? W - 1 : sx;
    store<i32>(cols + (<usize>ox << 2), sx);
  }
  let r0 = oh, r1 = 0;
  for (let oy = 0; oy < oh; oy++) {
    let sy = <i32>(top + (<f64>oy + 0.5) * scale - 0.5 + 0.5);
    sy = sy < 0 ? 0 : sy > H - 1 ? H - 1 : sy;
    const row = om + <usize>(oy * ow);
    let x0 = ow, x1 = 0;
    if (mask == 0) {
      memory.fill(row, 255, <usize>ow);
      x0 = 0; x1 = ow;
    } else {
      const src = mask + <usize>(sy * W);
      // A source row of one value over the columns read (most of a region, and all outside it):
      // filled at once. Loads may read 15 bytes past the row (masks are followed by spare bytes).
      const lo = <usize>load<i32>(cols), hi = <usize>load<i32>(cols + (<usize>(ow - 1) << 2));
      const v0 = load<u8>(src + lo);
      const vv = i8x16.splat(v0);
      let same = true;
      let i = lo;
      for (; i + 16 <= hi + 1; i += 16) if (!v128.all_true<i8>(i8x16.eq(v128.load(src + i), vv))) { same = false; break; }
      for (; same && i <= hi; i++) if (load<u8>(src + i) != v0) same = false;
      if (same) {
        memory.fill(row, v0, <usize>ow);
        if (v0 != 0) { x0 = 0; x1 = ow; } else { x0 = 0; x1 = 0; }
        store<i32>(xr + (<usize>oy << 3), x0);
        store<i32>(xr + (<usize>oy << 3) + 4, x1);
        if (x0 < x1) { if (oy < r0) r0 = oy; r1 = oy + 1; }
        continue;
      }
      for (let ox = 0; ox < ow; ox++) {
        const v = load<u8>(src + <usize>load<i32>(cols + (<usize>ox << 2)));
        store<u8>(row + <usize>ox, v);
        if (v != 0) { if (x0 == ow) x0 = ox; x1 = ox + 1; }
      }
      if (x0 >= x1) { x0 = 0; x1 = 0; }
    }
    store<i32>(xr + (<usize>oy << 3), x0);
    store<i32>(xr + (<usize>oy << 3) + 4, x1);
    if (x0 < x1) { if (oy < r0) r0 = oy; r1 = oy + 1; }
  }
  store<i32>(xr + (<usize>oh << 3), r0 >= r1 ? 0 : r0);
  store<i32>(xr + (<usize>oh << 3) + 4, r0 >= r1 ? 0 : r1);
}

/** One pixel of the drift blend, the JS reference's f64 operations in its order; `ToUint8` of the result. */
@inline function driftPx(o: usize, m: f64, ma: f64, mb: f64, a: f64, b: f64, wa: f64, wb: f64): void {
  const base = <f64>load<u8>(o);
  const w0 = wa * ma, w1 = wb * mb;
  store<u8>(o, <u8><i32>(base + ((w0 * a + w1 * b - (w0 + w1) * base) * m) / 255 + 0.5));
}

/** Lanes 2k, 2k + 1 of eight u16 lanes (0–255) as f64x2 (k a constant; the signed conversion is one instruction). */
@inline function quarter(v: v128, k: i32): v128 {
  if (k == 0) return f64x2.convert_low_i32x4_s(i32x4.extend_low_i16x8_u(v));
  if (k == 1) return f64x2.convert_low_i32x4_s(v128.shuffle<i32>(i32x4.extend_low_i16x8_u(v), v, 2, 3, 0, 1));
  if (k == 2) return f64x2.convert_low_i32x4_s(i32x4.extend_high_i16x8_u(v));
  return f64x2.convert_low_i32x4_s(v128.shuffle<i32>(i32x4.extend_high_i16x8_u(v), v, 2, 3, 0, 1));
}

/**
 * `driftPx` on two lanes (f64x2 each; w0, w1 the phases' weights times their mask values, ws = w0 + w1):
 * the results as f64 integers + 2^52, whose low 32 bits are the integers (the value is above 0, so
 * its floor is its truncation).
 */
@inline function driftPair(m: v128, w0: v128, w1: v128, ws: v128, a: v128, b: v128, base: v128): v128 {
  const x = f64x2.sub(f64x2.add(f64x2.mul(w0, a), f64x2.mul(w1, b)), f64x2.mul(ws, base));
  const r = f64x2.add(f64x2.add(base, f64x2.div(f64x2.mul(x, m), f64x2.splat(255))), f64x2.splat(0.5));
  return f64x2.add(f64x2.floor(f64x2.pmax(r, f64x2.splat(0))), f64x2.splat(4503599627370496.0));
}

/** The weights of 8 pixels (u16 lanes of m, ma, mb) as 4 quarters of (m, w0, w1, w0 + w1), f64x2 each, at `w`. */
@inline function driftWeights(w: usize, m: v128, ma: v128, mb: v128, wa: v128, wb: v128): void {
  driftQuarter(w, quarter(m, 0), quarter(ma, 0), quarter(mb, 0), wa, wb);
  driftQuarter(w + 64, quarter(m, 1), quarter(ma, 1), quarter(mb, 1), wa, wb);
  driftQuarter(w + 128, quarter(m, 2), quarter(ma, 2), quarter(mb, 2), wa, wb);
  driftQuarter(w + 192, quarter(m, 3), quarter(ma, 3), quarter(mb, 3), wa, wb);
}

@inline function driftQuarter(p: usize, m: v128, ma: v128, mb: v128, wa: v128, wb: v128): void {
  const w0 = f64x2.mul(wa, ma), w1 = f64x2.mul(wb, mb);
  v128.store(p, m);
  v128.store(p, w0, 16);
  v128.store(p, w1, 32);
  v128.store(p, f64x2.add(w0, w1), 48);
}

/** 8 pixels at `o` (u16 lanes of a, b) blended with the weights at `w` (`driftWeights`): `driftPx` exactly. */
@inline function drift8(o: usize, w: usize, a: v128, b: v128): void {
  const base = v128.load8x8_u(o);
  const r0 = driftPair(v128.load(w), v128.load(w, 16), v128.load(w, 32), v128.load(w, 48), quarter(a, 0), quarter(b, 0), quarter(base, 0));
  const r1 = driftPair(v128.load(w, 64), v128.load(w, 80), v128.load(w, 96), v128.load(w, 112), quarter(a, 1), quarter(b, 1), quarter(base, 1));
  const r2 = driftPair(v128.load(w, 128), v128.load(w, 144), v128.load(w, 160), v128.load(w, 176), quarter(a, 2), quarter(b, 2), quarter(base, 2));
  const r3 = driftPair(v128.load(w, 192), v128.load(w, 208), v128.load(w, 224), v128.load(w, 240), quarter(a, 3), quarter(b, 3), quarter(base, 3));
  const lo = v128.shuffle<u8>(r0, r1, 0, 8, 16, 24, 0, 8, 16, 24, 0, 8, 16, 24, 0, 8, 16, 24);
  const hi = v128.shuffle<u8>(r2, r3, 0, 8, 16, 24, 0, 8, 16, 24, 0, 8, 16, 24, 0, 8, 16, 24);
  v128.store64_lane(o, v128.shuffle<i32>(lo, hi, 0, 4, 0, 4), 0);
}

@inline function clampI(v: i32, hi: i32): i32 {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/**
 * Living photos' drift blend (../../living/render.ts `applyDriftFast`, exactly: the same f64
 * operations, 8 pixels a step in f64x2): the frame `out` (yuv420p, ow x oh) mixed with two sampled
 * phases `pa`, `pb` (yuv420p of the luma rows [r0, r1) only; `pb` may be `pa` with wb = 0) by the
 * output-size mask `om` (with 16 spare bytes) at the pixel (m) and where each phase's pixel comes
 * from (whole-pixel offsets adx, ady / bdx, bdy, clamped to the frame) times the phase's weight.
 * Only the columns [x0, x1) of `xr` per luma row are visited (the chroma row takes its luma row's).
 * `scr`: 272 bytes of scratch.
 */
export function driftBlend(out: usize, ow: i32, oh: i32, om: usize, xr: usize, pa: usize, pb: usize, r0: i32, r1: i32, wa: f64, wb: f64, adx: i32, ady: i32, bdx: i32, bdy: i32, scr: usize): void {
  const wt = align16(scr); // 8 pixels' weights: 4 x 64 bytes
  const xMax = ow - 1, yMax = oh - 1, hh = r1 - r0;
  const vwa = f64x2.splat(wa), vwb = f64x2.splat(wb);
  // Columns where both phases' mask reads stay inside the row, 8 at a step.
  const sx0 = adx > bdx ? adx : bdx, sx1 = (adx < bdx ? adx : bdx) + ow;
  for (let y = r0; y < r1; y++) {
    const x0 = load<i32>(xr + (<usize>y << 3)), x1 = load<i32>(xr + (<usize>y << 3) + 4);
    if (x0 >= x1) continue;
    const row = out + <usize>(y * ow), mrow = om + <usize>(y * ow);
    const ra = om + <usize>(clampI(y - ady, yMax) * ow), rb = om + <usize>(clampI(y - bdy, yMax) * ow);
    const sa = pa + <usize>((y - r0) * ow), sb = pb + <usize>((y - r0) * ow);
    let x = x0;
    const xs = sx0 > x0 ? (sx0 < x1 ? sx0 : x1) : x0, xe = sx1 < x1 ? sx1 : x1;
    for (; x < xs; x++) {
      driftPx(row + <usize>x, <f64>load<u8>(mrow + <usize>x), <f64>load<u8>(ra + <usize>clampI(x - adx, xMax)), <f64>load<u8>(rb + <usize>clampI(x - bdx, xMax)),
        <f64>load<u8>(sa + <usize>x), <f64>load<u8>(sb + <usize>x), wa, wb);
    }
    for (; x + 8 <= xe; x += 8) {
      driftWeights(wt, v128.load8x8_u(mrow + <usize>x), v128.load8x8_u(ra + <usize>(x - adx)), v128.load8x8_u(rb + <usize>(x - bdx)), vwa, vwb);
      drift8(row + <usize>x, wt, v128.load8x8_u(sa + <usize>x), v128.load8x8_u(sb + <usize>x));
    }
    for (; x < x1; x++) {
      driftPx(row + <usize>x, <f64>load<u8>(mrow + <usize>x), <f64>load<u8>(ra + <usize>clampI(x - adx, xMax)), <f64>load<u8>(rb + <usize>clampI(x - bdx, xMax)),
        <f64>load<u8>(sa + <usize>x), <f64>load<u8>(sb + <usize>x), wa, wb);
    }
  }
  const cw = ow >> 1, ch = oh >> 1;
  const U0 = out + <usize>(ow * oh), V0 = U0 + <usize>(cw * ch);
  const sU = <usize>(ow * hh), sV = sU + <usize>(cw * (hh >> 1));
  const even = i16x8.splat(0xff);
  for (let cy = r0 >> 1; cy < (r1 >> 1); cy++) {
    const y = cy * 2;
    const x0 = load<i32>(xr + (<usize>y << 3)), x1 = load<i32>(xr + (<usize>y << 3) + 4);
    if (x0 >= x1) continue;
    const c0 = (x0 + 1) >> 1, c1 = ((x1 + 1) >> 1) < cw ? (x1 + 1) >> 1 : cw;
    const mrow = om + <usize>(y * ow);
    const ra = om + <usize>(clampI(y - ady, yMax) * ow), rb = om + <usize>(clampI(y - bdy, yMax) * ow);
    const crow = <usize>(cy * cw), srow = <usize>((cy - (r0 >> 1)) * cw);
    const uo = U0 + crow, vo = V0 + crow;
    const ua = pa + sU + srow, ub = pb + sU + srow, va = pa + sV + srow, vb = pb + sV + srow;
    // 8 chroma pixels read 16 mask bytes from 2c - d: inside the row for 2c >= d and 2c + 14 - d <= xMax.
    const cs = (sx0 + 1) >> 1;
    const xs = cs > c0 ? (cs < c1 ? cs : c1) : c0;
    let c = c0;
    for (; c < xs; c++) {
      const x = c * 2;
      const m = <f64>load<u8>(mrow + <usize>x), ma = <f64>load<u8>(ra + <usize>clampI(x - adx, xMax)), mb = <f64>load<u8>(rb + <usize>clampI(x - bdx, xMax));
      driftPx(uo + <usize>c, m, ma, mb, <f64>load<u8>(ua + <usize>c), <f64>load<u8>(ub + <usize>c), wa, wb);
      driftPx(vo + <usize>c, m, ma, mb, <f64>load<u8>(va + <usize>c), <f64>load<u8>(vb + <usize>c), wa, wb);
    }
    for (; c + 8 <= c1 && 2 * c + 14 - adx <= xMax && 2 * c + 14 - bdx <= xMax; c += 8) {
      const x = c * 2;
      const m = v128.and(v128.load(mrow + <usize>x), even);
      const ma = v128.and(v128.load(ra + <usize>(x - adx)), even), mb = v128.and(v128.load(rb + <usize>(x - bdx)), even);
      driftWeights(wt, m, ma, mb, vwa, vwb);
      drift8(uo + <usize>c, wt, v128.load8x8_u(ua + <usize>c), v128.load8x8_u(ub + <usize>c));
      drift8(vo + <usize>c, wt, v128.load8x8_u(va + <usize>c), v128.load8x8_u(vb + <usize>c));
    }
    for (; c < c1; c++) {
      const x = c * 2;
      const m = <f64>load<u8>(mrow + <usize>x), ma = <f64>load<u8>(ra + <usize>clampI(x - adx, xMax)), mb = <f64>load<u8>(rb + <usize>clampI(x - bdx, xMax));
      driftPx(uo + <usize>c, m, ma, mb, <f64>load<u8>(ua + <usize>c), <f64>load<u8>(ub + <usize>c), wa, wb);
      driftPx(vo + <usize>c, m, ma, mb, <f64>load<u8>(va + <usize>c), <f64>load<u8>(vb + <usize>c), wa, wb);
    }
  }
}
