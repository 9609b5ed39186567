/**
 * A depth map as the engine keeps it: a small 8-bit picture of the upright photo where 255 is the
 * nearest and 0 the farthest thing (disparity-like: parallax is proportional to it), where it came
 * from and how far to trust it. Small enough (at most 128 px on its long side) to be stored with the
 * photo's analysis and carried in a render plan as base64.
 */

/**
 * Where a depth map came from, best first: an iPhone Portrait disparity map (JPEG, or HEIC
 * auxiliary image), an Android camera's (Google depth XMP or Dynamic Depth container item), an
 * iPhone portrait matte (subject near, the rest far), or the estimate.
 */
export const DEPTH_SOURCES = ['iphone', 'iphone-heic', 'gdepth', 'matte', 'estimated'] as const;
export type DepthSource = (typeof DEPTH_SOURCES)[number];

/** What a user may ask: the best depth there is, only the photo's own, only an estimate, or none. */
export const DEPTH_MODES = ['auto', 'embedded', 'estimated', 'off'] as const;
export type DepthMode = (typeof DEPTH_MODES)[number];

export interface DepthMap {
  readonly width: number;
  readonly height: number;
  /** width*height bytes, base64; 255 nearest, 0 farthest. */
  readonly data: string;
  readonly source: DepthSource;
  /** 0..1: how far a move may trust it (below DEPTH_MIN_CONFIDENCE a depth move falls back to a flat one). */
  readonly confidence: number;
}

/** A soft mask stored with the analysis (the iOS sky matte): width*height bytes, base64, 255 inside. */
export interface StoredMatte {
  readonly width: number;
  readonly height: number;
  readonly data: string;
}

/** What analysis stores about depth: the photo's own map when it has one, and an estimate always. */
export interface DepthAnalysis {
  readonly embedded: DepthMap | null;
  /** Absent only in an analysis made without it (the CLI's, until a plan needs it). */
  readonly estimated?: DepthMap;
}

/** Below this a depth move is made as the nearest flat move. */
export const DEPTH_MIN_CONFIDENCE = 0.3;

/** Longest side of a stored map. */
export const DEPTH_MAP_SIZE = 128;

/** How a depth source is said to a person. */
export const DEPTH_LABELS: Readonly<Record<DepthSource, string>> = {
  iphone: 'depth from the iPhone',
  'iphone-heic': 'depth from the iPhone (HEIC)',
  gdepth: 'Android depth',
  matte: 'portrait matte',
  estimated: 'estimated depth',
};

export const encodeDepth = (d: Uint8Array): string => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
export const decodeDepth = (m: Pick<DepthMap, 'data' | 'width' | 'height'>): Uint8Array => {
  const b = Buffer.from(m.data, 'base64');
  const out = new Uint8Array(m.width * m.height);
  out.set(b.subarray(0, out.length));
  return out;
};

/** The depth to use for a mode: the photo's own when allowed and present, else the estimate; null for `off`. */
export const pickDepth = (a: DepthAnalysis | undefined, mode: DepthMode): DepthMap | null => {
  if (!a || mode === 'off') return null;
  if (mode === 'estimated') return a.estimated ?? null;
  if (mode === 'embedded') return a.embedded;
  return a.embedded ?? a.estimated ?? null;
};

/**
 * A map stored as the file stores it, turned upright with the photo's EXIF orientation (1..8), the
 * same transform the decoder applies to the photo.
 */
export const orient = (d: Uint8Array, w: number, h: number, o: number): { data: Uint8Array; width: number; height: number } => {
  if (!(o >= 2 && o <= 8)) return { data: d, width: w, height: h };
  const swap = o >= 5;
  const W = swap ? h : w, H = swap ? w : h;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sx: number, sy: number;
      switch (o) {
        case 2: sx = w - 1 - x; sy = y; break;
        case 3: sx = w - 1 - x; sy = h - 1 - y; break;
        case 4: sx = x; sy = h - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = h - 1 - x; break;
        case 7: sx = w - 1 - y; sy = h - 1 - x; break;
        default: sx = w - 1 - y; sy = x; break; // 8
      }
      out[y * W + x] = d[sy * w + sx]!;
    }
  }
  return { data: out, width: W, height: H };
};

/** Stretches values so the 1st..99th percentiles span 0..255 (a map's own units do not matter). */
export const stretch = (v: ArrayLike<number>, invert = false): Uint8Array => {
  const n = v.length;
  const sorted = Float32Array.from(v as ArrayLike<number>).sort();
  const lo = sorted[Math.floor(n * 0.01)] ?? 0, hi = sorted[Math.min(n - 1, Math.floor(n * 0.99))] ?? 1;
  const span = hi - lo > 1e-9 ? hi - lo : 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let t = (v[i]! - lo) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    out[i] = Math.round((invert ? 1 - t : t) * 255);
  }
  return out;
};

/** A picture of a depth map for people to look at: grey, near bright, at least `minSide` px on its short side. */
export const depthPicturePng = async (m: DepthMap, minSide = 512): Promise<Buffer> => {
  const { default: sharp } = await import('sharp');
  const k = Math.max(1, minSide / Math.min(m.width, m.height));
  return sharp(Buffer.from(decodeDepth(m)), { raw: { width: m.width, height: m.height, channels: 1 } })
    .resize(Math.round(m.width * k), Math.round(m.height * k), { kernel: 'cubic' })
    .png()
    .toBuffer();
};
