/**
 * RGB in a matrix/TRC ("matrix-shaper") ICC profile → sRGB, computed here with the same tables and
 * the same 1.14 fixed-point arithmetic lcms uses for an 8-bit transform between two such profiles
 * (cmsopt.c: OptimizeMatrixShaper, MatShaperEval16), so the bytes are those libvips gives — without
 * wrapping the picture in a TIFF, and tile by tile as the decoder hands them over. Phones write
 * exactly this kind of profile (Display P3: three colorants and three parametric curves).
 *
 * Anything else (LUT-based profiles, sampled curves, other curve types, odd headers) gets null and
 * goes through libvips as before.
 */

/** lcms' PCS encoding factor for XYZ (MAX_ENCODEABLE_XYZ), applied on the way in and out. */
const MAX_XYZ = 1 + 32767 / 32768;
const f = Math.fround;

interface Profile {
  /** Rows X, Y, Z; columns R, G, B (lcms ReadICCMatrixRGB2XYZ). */
  readonly matrix: number[][];
  /** ICC parametric curve type (0..4) and parameters, per channel R, G, B. */
  readonly curves: ReadonlyArray<{ readonly type: number; readonly p: readonly number[] }>;
}

const tagTable = (b: Buffer): Map<string, { at: number; len: number }> | null => {
  if (b.length < 132 || b.toString('latin1', 36, 40) !== 'acsp') return null;
  const n = b.readUInt32BE(128);
  if (n > 100 || 132 + n * 12 > b.length) return null;
  const tags = new Map<string, { at: number; len: number }>();
  for (let i = 0; i < n; i++) {
    const e = 132 + i * 12;
    const at = b.readUInt32BE(e + 4), len = b.readUInt32BE(e + 8);
    if (at + len > b.length) return null;
    tags.set(b.toString('latin1', e, e + 4), { at, len });
  }
  return tags;
};

/** Parameters each ICC parametric curve type has. */
const PARA_COUNT = [1, 3, 4, 5, 7];

/** The profile's colorants and curves, or null when lcms would not treat it as a plain matrix-shaper. */
const readProfile = (icc: Uint8Array): Profile | null => {
  const b = Buffer.from(icc.buffer, icc.byteOffset, icc.byteLength);
  const tags = tagTable(b);
  if (!tags) return null;
  // RGB device space, XYZ connection space; a LUT tag would take precedence over the matrix in lcms.
  if (b.toString('latin1', 16, 20) !== 'RGB ' || b.toString('latin1', 20, 24) !== 'XYZ ') return null;
  if (['A2B0', 'A2B1', 'A2B2', 'B2A0', 'B2A1', 'B2A2', 'D2B0', 'B2D0'].some((t) => tags.has(t))) return null;
  const xyz = (name: string): number[] | null => {
    const t = tags.get(name);
    if (!t || t.len < 20 || b.toString('latin1', t.at, t.at + 4) !== 'XYZ ') return null;
    return [0, 1, 2].map((k) => b.readInt32BE(t.at + 8 + 4 * k) / 65536);
  };
  const cols = ['rXYZ', 'gXYZ', 'bXYZ'].map(xyz);
  if (cols.some((c) => !c)) return null;
  const curves = [];
  for (const name of ['rTRC', 'gTRC', 'bTRC']) {
    const t = tags.get(name);
    if (!t || t.len < 12 || b.toString('latin1', t.at, t.at + 4) !== 'para') return null;
    const type = b.readUInt16BE(t.at + 8);
    // Types 0 (a gamma) and 3 (sRGB-like: what Display P3 and sRGB profiles write) only.
    if (type !== 0 && type !== 3) return null;
    const count = PARA_COUNT[type]!;
    if (t.len < 12 + count * 4) return null;
    curves.push({ type, p: Array.from({ length: count }, (_, k) => b.readInt32BE(t.at + 12 + 4 * k) / 65536) });
  }
  const [r, g, bl] = cols as number[][];
  return { matrix: [0, 1, 2].map((i) => [r![i]!, g![i]!, bl![i]!]), curves };
};

/** lcms DefaultEvalParametricFn for ICC types 0 and 3 (lcms types 1 and 4), in double. */
const evalCurve = (c: Profile['curves'][number], x: number): number => {
  const p = c.p;
  if (c.type === 0) return x < 0 ? (Math.abs(p[0]! - 1) < 1e-4 ? x : 0) : x ** p[0]!;
  if (x >= p[4]!) {
    const e = p[1]! * x + p[2]!;
    return e > 0 ? e ** p[0]! : 0;
  }
  return x * p[3]!;
};

/** The inverse lcms builds for an output curve (cmsReverseToneCurve: analytic, types -1 and -4), as a function of y. */
const inverseOf = (c: Profile['curves'][number]): ((y: number) => number) => {
  const p = c.p;
  const [g, a, b, k] = [p[0]!, p[1]!, p[2]!, p[3]!];
  if (c.type === 0) return (y) => (y < 0 ? (Math.abs(g - 1) < 1e-4 ? y : 0) : Math.abs(g) < 1e-4 ? Infinity : y ** (1 / g));
  const e = a * p[4]! + b;
  const disc = e < 0 ? 0 : e ** g;
  return (y) => (y >= disc ? (Math.abs(g) < 1e-4 || Math.abs(a) < 1e-4 ? 0 : (y ** (1 / g) - b) / a) : Math.abs(k) < 1e-4 ? 0 : y / k);
};

/** lcms _cmsMAT3inverse (null when singular). */
const inverse = (a: number[][]): number[][] | null => {
  const c0 = a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!;
  const c1 = -a[1]![0]! * a[2]![2]! + a[1]![2]! * a[2]![0]!;
  const c2 = a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!;
  const det = a[0]![0]! * c0 + a[0]![1]! * c1 + a[0]![2]! * c2;
  if (Math.abs(det) < 1e-4) return null;
  return [
    [c0 / det, (a[0]![2]! * a[2]![1]! - a[0]![1]! * a[2]![2]!) / det, (a[0]![1]! * a[1]![2]! - a[0]![2]! * a[1]![1]!) / det],
    [c1 / det, (a[0]![0]! * a[2]![2]! - a[0]![2]! * a[2]![0]!) / det, (a[0]![2]! * a[1]![0]! - a[0]![0]! * a[1]![2]!) / det],
    [c2 / det, (a[0]![1]! * a[2]![0]! - a[0]![0]! * a[2]![1]!) / det, (a[0]![0]! * a[1]![1]! - a[0]![1]! * a[1]![0]!) / det],
  ];
};

const fixed14 = (x: number): number => Math.floor(x * 16384 + 0.5);

/** An 8-bit transform between two matrix-shaper profiles, as lcms precomputes it. */
export interface MatrixShaper {
  /** Per channel R, G, B: 8-bit input → linear light in 1.14 fixed point. */
  readonly toLinear: readonly [Int32Array, Int32Array, Int32Array];
  /** Rows R, G, B of the output; 1.14 fixed point. */
  readonly matrix: Int32Array;
  /**
   * Per output channel: the matrix row's sum (in 1.28, plus `bias`) >> 14 → 8-bit output. lcms
   * clips the sum to 0..1 before its 16385-entry table; these tables hold the clipped entries over
   * the whole range the row can reach instead, so the clipping costs no comparison per pixel.
   */
  readonly fromLinear: readonly [Uint8Array, Uint8Array, Uint8Array];
  readonly bias: readonly [number, number, number];
}

/** The transform from `from` to `to` (both matrix-shaper profiles), or null for anything else. */
export const matrixShaper = (from: Uint8Array, to: Uint8Array): MatrixShaper | null => {
  const a = readProfile(from), z = readProfile(to);
  const inv = z && inverse(z.matrix);
  if (!a || !inv) return null;
  // lcms: output matrix (inverse, times the PCS factor) times input matrix (over the PCS factor).
  const m1 = a.matrix.map((row) => row.map((v) => v * (1 / MAX_XYZ)));
  const m2 = inv.map((row) => row.map((v) => v * MAX_XYZ));
  const matrix = new Int32Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) matrix[i * 3 + j] = fixed14(m2[i]![0]! * m1[0]![j]! + m2[i]![1]! * m1[1]![j]! + m2[i]![2]! * m1[2]![j]!);
  const toLinear = a.curves.map((c) => {
    const t = new Int32Array(256);
    for (let i = 0; i < 256; i++) {
      const y = f(evalCurve(c, f(i / 255)));
      if (!(Math.abs(y) < 4)) return null; // lcms saturates there; never so for a real profile
      t[i] = fixed14(y);
    }
    return t;
  });
  if (toLinear.some((t) => !t)) return null;
  const lo = [0, 1, 2].map((k) => Math.min(...toLinear[k]!)), hi = [0, 1, 2].map((k) => Math.max(...toLinear[k]!));
  const bias: number[] = [];
  // lcms sums in 32-bit integers: a profile whose sums could reach 2^31 (none real comes near) is libvips'.
  let reach = 0;
  // The output curves are usually one curve three times (sRGB's): each distinct one is tabulated once.
  const shapers = new Map<string, Uint8Array>();
  const fromLinear = z.curves.map((c, row) => {
    const key = `${c.type}:${c.p.join()}`;
    let shaper = shapers.get(key);
    if (!shaper) {
      shaper = new Uint8Array(16385);
      const inv = inverseOf(c);
      for (let i = 0; i <= 16384; i++) {
        const v = Math.min(1, Math.max(0, f(inv(f(i / 16384)))));
        // _cmsQuickSaturateWord, then FROM_16_TO_8.
        const w = Math.min(65535, Math.max(0, Math.floor(v * 65535 + 0.5)));
        shaper[i] = (w * 65281 + 8388608) >>> 24;
      }
      shapers.set(key, shaper);
    }
    // The reach of (row · linear + 0x2000) >> 14 over every input.
    let min = 0x2000, max = 0x2000;
    for (let k = 0; k < 3; k++) {
      const mk = matrix[row * 3 + k]!;
      min += Math.min(mk * lo[k]!, mk * hi[k]!);
      max += Math.max(mk * lo[k]!, mk * hi[k]!);
    }
    reach = Math.max(reach, -min, max);
    const first = Math.floor(min / 16384), last = Math.floor(max / 16384);
    bias.push(0x2000 - first * 16384);
    const table = new Uint8Array(last - first + 1);
    for (let i = 0; i < table.length; i++) table[i] = shaper[Math.min(16384, Math.max(0, i + first))]!;
    return table;
  });
  if (reach + Math.max(...bias.map(Math.abs)) >= 2 ** 30) return null;
  return { toLinear: toLinear as unknown as MatrixShaper['toLinear'], matrix, fromLinear: fromLinear as unknown as MatrixShaper['fromLinear'], bias: bias as unknown as MatrixShaper['bias'] };
};

/**
 * Converts `h` rows of `w` pixels (RGBA as little-endian u32, alpha kept) in place, the first at
 * `start` and each `stride` pixels after the one before.
 */
export const applyMatrixShaper = (t: MatrixShaper, px: Uint32Array, start: number, w: number, h: number, stride: number): void => {
  const [lr, lg, lb] = t.toLinear;
  const [er, eg, eb] = t.fromLinear;
  const m = t.matrix;
  const m00 = m[0]!, m01 = m[1]!, m02 = m[2]!, m10 = m[3]!, m11 = m[4]!, m12 = m[5]!, m20 = m[6]!, m21 = m[7]!, m22 = m[8]!;
  const [b1, b2, b3] = t.bias;
  // Read and written as i32: a u32 over 2^31 (any opaque pixel) would leave V8's small integers.
  const q = new Int32Array(px.buffer, px.byteOffset, px.length);
  for (let y = 0; y < h; y++) {
    const row = start + y * stride;
    for (let i = row; i < row + w; i++) {
      const p = q[i]!;
      const r = lr[p & 255]!, g = lg[(p >> 8) & 255]!, b = lb[(p >> 16) & 255]!;
      // 32-bit products and sums, as lcms' (Math.imul keeps V8 in integers: ~15% faster than `*`).
      const l1 = (Math.imul(m00, r) + Math.imul(m01, g) + Math.imul(m02, b) + b1) >> 14;
      const l2 = (Math.imul(m10, r) + Math.imul(m11, g) + Math.imul(m12, b) + b2) >> 14;
      const l3 = (Math.imul(m20, r) + Math.imul(m21, g) + Math.imul(m22, b) + b3) >> 14;
      q[i] = (p & 0xff000000) | (eb[l3]! << 16) | (eg[l2]! << 8) | er[l1]!;
    }
  }
};
