/**
 * Regions of a photo that can move (issue 14): the sky and water, found from colour, brightness,
 * position and texture on a small copy of the photo, and regions by position (thirds, halves), by
 * the subject's box, or by a polygon. Every mask is soft at its edge (feathered inside the region)
 * and 0 outside it. The same detector runs on the analysis thumbnail (to know at planning time
 * whether the photo has a sky at all) and on the still being rendered (to make the mask).
 */
import type { Polygon, RegionPlan } from '../living/effects.js';
import type { StoredMatte } from '../depth/map.js';

/** A small picture as BT.709-ish luma (0–255) and chroma differences (about -128–127). */
export interface Small {
  readonly width: number;
  readonly height: number;
  readonly l: Float32Array;
  readonly cb: Float32Array;
  readonly cr: Float32Array;
}

/** A soft mask, 0–1, at the size it was made. */
export interface Mask {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Long side of the picture the detectors work on (analysis and render use the same). */
export const DETECT_SIZE = 160;

export const smallFromRgb = (rgb: Uint8Array, width: number, height: number, channels = 3): Small => {
  const n = width * height;
  const l = new Float32Array(n), cb = new Float32Array(n), cr = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const r = rgb[p]!, g = rgb[p + 1]!, b = rgb[p + 2]!;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    l[i] = y;
    cb[i] = (b - y) / 1.8556;
    cr[i] = (r - y) / 1.5748;
  }
  return { width, height, l, cb, cr };
};

/** Box-averages a Y plane and its half-size chroma planes down to `size` (DETECT_SIZE) on the long side. */
export const smallFromYuv = (y: { data: Uint8Array; width: number; height: number }, u: { data: Uint8Array; width: number; height: number }, v: { data: Uint8Array; width: number; height: number }, size = DETECT_SIZE): Small => {
  const k = Math.max(1, Math.max(y.width, y.height) / size);
  const w = Math.max(1, Math.round(y.width / k)), h = Math.max(1, Math.round(y.height / k));
  const l = new Float32Array(w * h), cb = new Float32Array(w * h), cr = new Float32Array(w * h);
  for (let j = 0; j < h; j++) {
    const y0 = Math.floor((j * y.height) / h), y1 = Math.max(y0 + 1, Math.floor(((j + 1) * y.height) / h));
    for (let i = 0; i < w; i++) {
      const x0 = Math.floor((i * y.width) / w), x1 = Math.max(x0 + 1, Math.floor(((i + 1) * y.width) / w));
      let sy = 0, su = 0, sv = 0, n = 0, m = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) { sy += y.data[yy * y.width + xx]!; n++; }
      for (let yy = y0 >> 1; yy < Math.max((y0 >> 1) + 1, y1 >> 1) && yy < u.height; yy++) {
        for (let xx = x0 >> 1; xx < Math.max((x0 >> 1) + 1, x1 >> 1) && xx < u.width; xx++) { su += u.data[yy * u.width + xx]!; sv += v.data[yy * v.width + xx]!; m++; }
      }
      const q = j * w + i;
      // Limited range (16–235) → 0–255 luma; chroma (16–240, 128 centre) → about ±128.
      l[q] = ((sy / n - 16) * 255) / 219;
      cb[q] = m ? ((su / m - 128) * 255) / 224 : 0;
      cr[q] = m ? ((sv / m - 128) * 255) / 224 : 0;
    }
  }
  return { width: w, height: h, l, cb, cr };
};

/** Local texture: how far each pixel is from its 3x3 mean (fine detail, not smooth gradients), averaged over 3x3. */
const texture = (s: Small): Float32Array => {
  const { width: w, height: h, l } = s;
  const mean = boxBlur(l, w, h, 1);
  const g = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) g[i] = Math.abs(l[i]! - mean[i]!);
  return boxBlur(g, w, h, 1);
};

const boxBlur = (a: Float32Array, w: number, h: number, r: number): Float32Array => {
  if (r <= 0) return a.slice();
  const t = new Float32Array(w * h), o = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let k = -r; k <= r; k++) { const xx = x + k; if (xx >= 0 && xx < w) { s += a[y * w + xx]!; n++; } }
      t[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let k = -r; k <= r; k++) { const yy = y + k; if (yy >= 0 && yy < h) { s += t[yy * w + x]!; n++; } }
      o[y * w + x] = s / n;
    }
  }
  return o;
};

/** Sky-like colour: blue, bright neutral (overcast, white clouds) or a bright warm sunset. */
const skyColour = (L: number, cb: number, cr: number): boolean =>
  (cb > 3 && cb > cr && L > 60) || (L > 135 && Math.abs(cb) + Math.abs(cr) < 26) || (L > 120 && cr > 4 && cr > cb);

export interface FoundRegion {
  readonly mask: Mask;
  /** Share of the picture inside the region (0–1). */
  readonly coverage: number;
  /** Row (fraction of the height) where the sky ends on average: the horizon. */
  readonly horizon: number;
  /** The sky's lowest row per column of the mask, in its rows (the sky only). */
  readonly skyline?: Float32Array;
}

/**
 * The sky: per column, runs of sky-coloured, smooth pixels from the top edge down (gaps shorter
 * than 6% of the height, such as cloud edges, bridged); columns whose top pixel is not sky have
 * none. Null when under 3% of the picture or under a fifth of the top edge is sky.
 */
export const findSky = (s: Small): FoundRegion | null => {
  const { width: w, height: h, l, cb, cr } = s;
  const g = texture(s);
  const cand = (i: number) => skyColour(l[i]!, cb[i]!, cr[i]!) && g[i]! < 5 + l[i]! * 0.01;
  const bottom = new Int32Array(w);
  const gap = Math.max(2, Math.round(h * 0.06));
  let topHits = 0;
  for (let x = 0; x < w; x++) {
    if (!cand(x) && !cand(w + x)) { bottom[x] = 0; continue; }
    topHits++;
    let end = 0, miss = 0;
    for (let y = 0; y < Math.round(h * 0.85); y++) {
      if (cand(y * w + x)) { end = y + 1; miss = 0; } else if (++miss > gap) break;
    }
    bottom[x] = end;
  }
  if (topHits < w * 0.2) return null;
  // A 5-column median: a lone column is noise, not sky or land.
  const med = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    const v: number[] = [];
    for (let k = -2; k <= 2; k++) v.push(bottom[Math.min(w - 1, Math.max(0, x + k))]!);
    v.sort((a, b) => a - b);
    med[x] = v[2]!;
  }
  const m = new Float32Array(w * h);
  let n = 0, hsum = 0, hn = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < med[x]!; y++) { m[y * w + x] = 1; n++; }
    if (med[x]! > 0) { hsum += med[x]!; hn++; }
  }
  if (n / (w * h) < 0.03) return null;
  // Sure only when the sky is clearly blue, or bright with more detail below it than in it (a pale
  // wall, a blurred background or a page is smooth all over: not a sky). The slate-grey wall behind
  // a portrait-mode vase (Cb a few levels, mean luma 111) is neither (the warm and neutral sky
  // colours are all brighter than 120; only blue ones may be dimmer).
  let blue = 0, tIn = 0, tOut = 0, nOut = 0, lIn = 0;
  for (let i = 0; i < w * h; i++) {
    if (m[i]) { tIn += g[i]!; lIn += l[i]!; if (cb[i]! > 5 && cb[i]! > cr[i]!) blue++; } else { tOut += g[i]!; nOut++; }
  }
  const sure = hn ? hsum / hn / h : 0;
  const detailBelow = nOut > 0 && tOut / nOut > 1.8 * (tIn / n) + 0.5 && lIn / n > 120;
  if (!(blue / n > 0.5 && sure < 0.9) && !(detailBelow && sure < 0.8 && topHits > w * 0.7)) return null;
  // The runs stop at the first cloud too textured to be sure of: the sky's extent is where its
  // colours end, the skyline found for all columns at once (see `skylineOf`).
  const line = skylineOf(s, g, med);
  m.fill(0);
  n = 0; hsum = 0; hn = 0;
  for (let x = 0; x < w; x++) {
    const b = line[x]!;
    for (let y = 0; y < b; y++) { m[y * w + x] = 1; n++; }
    if (b > 0) { hsum += b; hn++; }
  }
  const coverage = n / (w * h);
  if (coverage < 0.03) return null;
  const horizon = hn ? hsum / hn / h : 0;
  return { mask: { width: w, height: h, data: m }, coverage, horizon, skyline: line };
};

/** Per-pixel features the skyline's two colour models use: luma, chroma, texture (log). */
const FEATURES = 4;
const VAR_FLOOR = [36, 4, 4, 0.04] as const;

/** A diagonal Gaussian per side (mean, variance per feature) from the pixels `side` picks. */
const fitModel = (f: Float32Array, n: number, side: (i: number) => boolean): Float64Array | null => {
  const m = new Float64Array(FEATURES * 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!side(i)) continue;
    k++;
    for (let j = 0; j < FEATURES; j++) { const v = f[i * FEATURES + j]!; m[j] += v; m[FEATURES + j] += v * v; }
  }
  if (k < 30) return null;
  for (let j = 0; j < FEATURES; j++) {
    m[j] /= k;
    m[FEATURES + j] = Math.max(VAR_FLOOR[j]!, m[FEATURES + j]! / k - m[j]! ** 2);
  }
  return m;
};

const logLik = (f: Float32Array, i: number, m: Float64Array): number => {
  let s = 0;
  for (let j = 0; j < FEATURES; j++) { const d = f[i * FEATURES + j]! - m[j]!, v = m[FEATURES + j]!; s -= (d * d) / (2 * v) + 0.5 * Math.log(v); }
  return s;
};

/**
 * The skyline: one row per column (fractional, 0 = no sky), all columns at once. Two colour and
 * texture models, the sky's from the pixels above the first guess and the land's from those below,
 * say per pixel which side it looks like; per column the boundary takes the rows above it as sky
 * and those below as land, and a dynamic programme over the columns picks the boundaries with the
 * best total, charging for each row the line jumps between neighbours (a skyline is continuous,
 * but a building's edge may jump). Twice, the models refitted to the first answer. A column whose
 * top does not look like sky gets none.
 */
const skylineOf = (s: Small, g: Float32Array, first: Int32Array): Float32Array => {
  const { width: w, height: h, l, cb, cr } = s;
  const f = new Float32Array(w * h * FEATURES);
  for (let i = 0; i < w * h; i++) {
    f[i * FEATURES] = l[i]!; f[i * FEATURES + 1] = cb[i]!; f[i * FEATURES + 2] = cr[i]!; f[i * FEATURES + 3] = Math.log(1 + g[i]!);
  }
  const bmax = Math.round(h * 0.85);
  let line = Int32Array.from(first);
  const d = new Float32Array(w * h);
  const P = new Float32Array((bmax + 1) * w);
  const score = new Float64Array(bmax + 1), prev = new Float64Array(bmax + 1);
  const from = new Int32Array((bmax + 1) * w);
  const lambda = 0.6;
  for (let iter = 0; iter < 2; iter++) {
    const cur = line;
    const sky = fitModel(f, w * h, (i) => ((i / w) | 0) < cur[i % w]!);
    const land = fitModel(f, w * h, (i) => { const y = (i / w) | 0; return y >= cur[i % w]! + 1 && y < h; });
    if (!sky || !land) break;
    for (let i = 0; i < w * h; i++) d[i] = Math.max(-6, Math.min(6, logLik(f, i, sky) - logLik(f, i, land)));
    // Sky is one run from the top: it does not reach past three rows that clearly look like land
    // (a cliff's lip above a white waterfall), however sky-like what lies below them.
    for (let x = 0; x < w; x++) {
      let acc = 0, open = true;
      P[x * (bmax + 1)] = 0;
      for (let b = 1; b <= bmax; b++) {
        const y = b - 1;
        if (open && iter > 0 && y + 2 < h && d[y * w + x]! + d[(y + 1) * w + x]! + d[(y + 2) * w + x]! <= -15) open = false;
        acc += d[y * w + x]!;
        P[x * (bmax + 1) + b] = open ? acc : -1e9;
      }
    }
    // score(b) at column x = P(x, b) + max over b' of (score at x-1 of b') - lambda |b - b'|: the L1
    // jump cost makes the max a two-sweep distance transform (O(h) per column).
    for (let b = 0; b <= bmax; b++) score[b] = P[b]!;
    for (let x = 1; x < w; x++) {
      prev.set(score);
      const fr = from.subarray(x * (bmax + 1), (x + 1) * (bmax + 1));
      for (let b = 0; b <= bmax; b++) fr[b] = b;
      for (let b = 1; b <= bmax; b++) if (prev[b - 1]! - lambda > prev[b]!) { prev[b] = prev[b - 1]! - lambda; fr[b] = fr[b - 1]!; }
      for (let b = bmax - 1; b >= 0; b--) if (prev[b + 1]! - lambda > prev[b]!) { prev[b] = prev[b + 1]! - lambda; fr[b] = fr[b + 1]!; }
      for (let b = 0; b <= bmax; b++) score[b] = prev[b]! + P[x * (bmax + 1) + b]!;
    }
    let best = 0;
    for (let b = 1; b <= bmax; b++) if (score[b]! > score[best]!) best = b;
    const next = new Int32Array(w);
    for (let x = w - 1; x >= 0; x--) { next[x] = best; if (x > 0) best = from[x * (bmax + 1) + best]!; }
    line = next;
  }
  // A 5-column median: a spike one or two columns wide is a bright pole or a waterfall, not sky.
  const out = new Float32Array(w);
  const v = [0, 0, 0, 0, 0];
  for (let x = 0; x < w; x++) {
    for (let k = -2; k <= 2; k++) v[k + 2] = line[Math.min(w - 1, Math.max(0, x + k))]!;
    v.sort((a, b) => a - b);
    out[x] = v[2]!;
  }
  // An opening (the lowest of 9 columns, then the highest of those): sky reaching down in a
  // channel narrower than that is a waterfall or a white wall between dark ones, not sky.
  const open = (a: Float32Array, f: (p: number, q: number) => number): Float32Array =>
    a.map((_, x) => { let m = a[x]!; for (let k = -4; k <= 4; k++) m = f(m, a[Math.min(w - 1, Math.max(0, x + k))]!); return m; });
  const opened = open(open(out, Math.min), Math.max);
  // A closing the other way fills a shallow notch as narrow (a dark cloud taken for land would
  // stand still inside the moving sky); a deep one (a spire, a mast) stays.
  const closed = open(open(opened, Math.max), Math.min);
  return opened.map((v, x) => (closed[x]! - v <= h * 0.12 ? closed[x]! : v));
};

/**
 * Water: the largest smooth component below the horizon that spans at least 40% of the width and
 * looks like water (bluish, or mirroring the sky above the horizon). Null when nothing is sure.
 */
export const findWater = (s: Small, sky: FoundRegion | null = findSky(s)): FoundRegion | null => {
  const { width: w, height: h, l, cb, cr } = s;
  const g = texture(s);
  // Water is told by what is above it: without a sky there is no horizon to be below or to mirror.
  if (!sky) return null;
  const hz = Math.max(Math.round(sky.horizon * h) + 1, 1);
  const label = new Int32Array(w * h).fill(-1);
  const cand = (i: number) => g[i]! < 4 + l[i]! * 0.01;
  let best: number[] = [];
  const stack: number[] = [];
  for (let y0 = hz; y0 < h; y0++) {
    for (let x0 = 0; x0 < w; x0++) {
      const i0 = y0 * w + x0;
      if (label[i0] !== -1 || !cand(i0)) continue;
      const comp: number[] = [];
      stack.push(i0);
      label[i0] = 1;
      while (stack.length) {
        const i = stack.pop()!;
        comp.push(i);
        const x = i % w, y = (i / w) | 0;
        const nb = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > hz ? i - w : -1, y < h - 1 ? i + w : -1];
        for (const j of nb) {
          if (j < 0 || label[j] !== -1 || !cand(j) || Math.abs(l[j]! - l[i]!) > 10) continue;
          label[j] = 1;
          stack.push(j);
        }
      }
      if (comp.length > best.length) best = comp;
    }
  }
  if (best.length < w * h * 0.04) return null;
  let minX = w, maxX = 0, bl = 0, bcb = 0, bcr = 0;
  for (const i of best) { const x = i % w; if (x < minX) minX = x; if (x > maxX) maxX = x; bl += l[i]!; bcb += cb[i]!; bcr += cr[i]!; }
  if (maxX - minX + 1 < w * 0.4) return null;
  bcb /= best.length; bcr /= best.length; bl /= best.length;
  // Reflection: luma of each water pixel against the pixel mirrored about the horizon.
  let sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0, k = 0;
  for (const i of best) {
    const x = i % w, y = (i / w) | 0, ym = 2 * hz - y;
    if (ym < 0 || ym >= h) continue;
    const a = l[i]!, b = l[ym * w + x]!;
    sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b; k++;
  }
  const corr = k > 10 ? (sxy / k - (sx / k) * (sy / k)) / Math.sqrt(Math.max(1e-6, (sxx / k - (sx / k) ** 2) * (syy / k - (sy / k) ** 2))) : 0;
  // In deep shadow (a dark arch, a night) colour says little: a tint of a few levels is noise or
  // the light, not water. There only a reflection of what is above the horizon counts.
  const lit = bl >= 35;
  const bluish = lit && bcb > 2 && bcb > bcr;
  const likeSky = bl > 40 && Math.abs(bcr) < 12 && bcb > -4;
  if (!(bluish || corr > 0.3 || likeSky)) return null;
  const m = new Float32Array(w * h);
  for (const i of best) m[i] = 1;
  // Fill pin-holes (sparkles on the water) by closing: a blurred mask over half is water.
  const closed = boxBlur(m, w, h, 1);
  let n = 0;
  for (let i = 0; i < w * h; i++) { if (closed[i]! > 0.5 && ((i / w) | 0) >= hz) m[i] = 1;
    if (m[i]! > 0) n++; }
  return { mask: { width: w, height: h, data: m }, coverage: n / (w * h), horizon: hz / h };
};

/**
 * Foliage (trees, leaves, grass, plants): green or yellow-green pixels with fine detail (leaves
 * are textured; a green wall or shirt is smooth), outside the sky, closed over pin-holes. Null when
 * under 3% of the picture: a few leaves in a corner are not what "the trees sway" means.
 */
export const findFoliage = (s: Small, sky: FoundRegion | null = findSky(s)): FoundRegion | null => {
  const { width: w, height: h, l, cb, cr } = s;
  const g = texture(s);
  const skyAt = (i: number) => !!sky && sky.mask.data[i]! > 0;
  // Green in YCbCr: both differences negative (yellow-green: blue well below, red a little);
  // dark shade counts (leaves in shadow), blown highlights do not.
  const green = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) green[i] = cr[i]! < -3 && cb[i]! < 3 && cr[i]! < -0.25 * Math.abs(cb[i]!) && l[i]! > 18 && l[i]! < 225 && !skyAt(i) ? 1 : 0;
  const m = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) m[i] = green[i] && g[i]! > 1.6 ? 1 : 0;
  // Open: lone green specks go. Then the smooth green next to leafy detail (a leaf's own surface
  // between its veins and drops) joins it; a smooth green wall away from any stays out.
  const opened = boxBlur(m, w, h, 1);
  for (let i = 0; i < w * h; i++) m[i] = opened[i]! > 0.45 ? 1 : 0;
  const nearLeaves = boxBlur(m, w, h, 3);
  for (let i = 0; i < w * h; i++) if (green[i] && nearLeaves[i]! > 0.15) m[i] = 1;
  const closed = boxBlur(m, w, h, 1);
  let n = 0;
  for (let i = 0; i < w * h; i++) { m[i] = closed[i]! > 0.4 && !skyAt(i) ? 1 : 0; if (m[i]) n++; }
  if (n < w * h * 0.03) return null;
  return { mask: { width: w, height: h, data: m }, coverage: n / (w * h), horizon: sky?.horizon ?? 0 };
};

const matteOf = (f: FoundRegion): StoredMatte => {
  const { width, height, data } = f.mask;
  return { width, height, data: Buffer.from(Uint8Array.from(data, (v) => (v >= 0.5 ? 255 : 0))).toString('base64') };
};

/**
 * Sky and water shares of a photo (stored with the analysis: 0 when not found); the iOS sky matte,
 * when given, is the sky. The water found is stored too (`waterMatte`, at the detector's size): the
 * render moves that water, not what a search on its own copy of the still would find (the still in
 * video colours can break a river into pieces the search no longer takes for water).
 */
export const regionShares = (s: Small, skyMatte?: StoredMatte | null): { sky: number; water: number; foliage: number; waterMatte?: StoredMatte; foliageMatte?: StoredMatte } => {
  const sky = skyMatte ? skyFromMatte(skyMatte) : findSky(s);
  const water = findWater(s, sky);
  const foliage = findFoliage(s, sky);
  const r = (x: number) => Math.round(x * 1e3) / 1e3;
  return {
    sky: r(sky?.coverage ?? 0), water: r(water?.coverage ?? 0), foliage: r(foliage?.coverage ?? 0),
    ...(water ? { waterMatte: matteOf(water) } : {}),
    ...(foliage ? { foliageMatte: matteOf(foliage) } : {}),
  };
};

const inPolygon = (px: number, py: number, pts: Polygon): boolean => {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!, [xj, yj] = pts[j]!;
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const RECTS: Record<string, readonly [number, number, number, number]> = {
  all: [0, 0, 1, 1],
  'top-half': [0, 0, 1, 0.5], 'bottom-half': [0, 0.5, 1, 1], 'left-half': [0, 0, 0.5, 1], 'right-half': [0.5, 0, 1, 1],
  'top-third': [0, 0, 1, 1 / 3], 'middle-third': [0, 1 / 3, 1, 2 / 3], 'bottom-third': [0, 2 / 3, 1, 1],
  'left-third': [0, 0, 1 / 3, 1], 'right-third': [2 / 3, 0, 1, 1],
};

/** Mask grid long side: regions are drawn and feathered here, then scaled to the still. */
const GRID = 320;

/** Long side of the picture the sky's edge is traced on (the detector's skyline, snapped to edges). */
export const EDGE_SIZE = 640;

/**
 * The detector's skyline traced on a finer picture: per column, within a band of one and a half
 * detector pixels around the coarse line, the row where the picture changes most from one row to
 * the next (luma and chroma), with a dynamic programme over the columns charging for jumps (the
 * line follows a ridge, a roof or a tree line, and stays smooth where nothing marks it). Returns
 * the sky's extent per fine column in fine rows (fractional: the edge is drawn anti-aliased).
 */
const traceSkyline = (coarse: Float32Array, cw: number, ch: number, f: Small): Float32Array => {
  const { width: W, height: H, l, cb, cr } = f;
  // The band reaches eight detector pixels up and one down: hazy far hills and a waterfall's top
  // look like sky to the colours, and their upper edge is the one to keep (what is left of the
  // sky below it stays still, which is safe).
  const ky = H / ch, UP = Math.max(2, Math.ceil(8 * ky)), DOWN = Math.max(1, Math.ceil(ky));
  const guess = new Float32Array(W);
  for (let X = 0; X < W; X++) {
    const cx = Math.min(cw - 1, Math.max(0, ((X + 0.5) * cw) / W - 0.5)), c0 = Math.floor(cx), c1 = Math.min(cw - 1, c0 + 1), t = cx - c0;
    // No sky in either neighbour: none here. Sky in one only: the nearer one's line (a vertical edge).
    const a = coarse[c0]!, b = coarse[c1]!;
    guess[X] = a > 0 && b > 0 ? (a * (1 - t) + b * t) * ky : (t < 0.5 ? a : b) * ky;
  }
  const bands = UP + DOWN + 1;
  // Edge strength between row Y-1 and row Y (so the boundary b puts rows < b in the sky), averaged over three columns.
  const edge = (X: number, Y: number): number => {
    if (Y <= 0 || Y >= H) return 0;
    let e = 0;
    for (let dx = -1; dx <= 1; dx++) {
      const x = Math.min(W - 1, Math.max(0, X + dx)), i = Y * W + x, j = i - W;
      e += Math.abs(l[i]! - l[j]!) + 1.5 * (Math.abs(cb[i]! - cb[j]!) + Math.abs(cr[i]! - cr[j]!));
    }
    return e / 3;
  };
  const score = new Float64Array(bands), prev = new Float64Array(bands);
  const from = new Int32Array(W * bands);
  const rowOf = (X: number, k: number) => Math.round(guess[X]!) - UP + k;
  const mu = 10; // per row of jump between neighbouring columns
  const data = (X: number, k: number): number => {
    const Y = rowOf(X, k);
    if (guess[X]! <= 0) return Y === 0 ? 0 : -1e9; // no sky in this column
    if (Y < 1 || Y > H) return -1e9;
    // Strong edges win; among similar ones, the higher (up to 60% more for the top of the band).
    const up = (guess[X]! - Y) / UP;
    return edge(X, Y) * (1 + 0.6 * up) - (up < 0 ? 8 * up * up : 0);
  };
  for (let k = 0; k < bands; k++) score[k] = data(0, k);
  for (let X = 1; X < W; X++) {
    prev.set(score);
    for (let k = 0; k < bands; k++) {
      const Y = rowOf(X, k);
      let best = -Infinity, arg = 0;
      for (let q = 0; q < bands; q++) {
        const v = prev[q]! - mu * Math.abs(Y - rowOf(X - 1, q));
        if (v > best) { best = v; arg = q; }
      }
      score[k] = best + data(X, k);
      from[X * bands + k] = arg;
    }
  }
  let k = 0;
  for (let q = 1; q < bands; q++) if (score[q]! > score[k]!) k = q;
  const line = new Float32Array(W);
  for (let X = W - 1; X >= 0; X--) { line[X] = Math.max(0, rowOf(X, k)); if (X > 0) k = from[X * bands + k]!; }
  // Half a row of smoothing where the line runs on (a slope drawn in steps), none across a jump.
  const out = Float32Array.from(line);
  for (let X = 1; X < W - 1; X++) {
    const a = line[X - 1]!, b = line[X]!, c = line[X + 1]!;
    if (b > 0 && Math.abs(a - b) <= 2 && Math.abs(c - b) <= 2) out[X] = (a + 2 * b + c) / 4;
  }
  return out;
};

/** A mask read at the nearest of its pixels for every pixel of a `w` x `h` grid. */
const resampleNearest = (fm: Mask, w: number, h: number): Float32Array<ArrayBuffer> => {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(fm.height - 1, Math.floor(((y + 0.5) * fm.height) / h));
    for (let x = 0; x < w; x++) out[y * w + x] = fm.data[sy * fm.width + Math.min(fm.width - 1, Math.floor(((x + 0.5) * fm.width) / w))]!;
  }
  return out;
};

/**
 * A region's soft mask on a grid of about GRID pixels (long side) for a picture of `width` x
 * `height`: hard mask, eroded by the feather radius, then blurred by it (the soft edge lies inside
 * the region, so nothing outside moves). `small` is the detector's picture (sky, water); `detail`,
 * when given, a finer one (EDGE_SIZE) the sky's edge is traced on, on a grid that fine and with a
 * feather of a few pixels.
 */
export const regionMask = (region: RegionPlan, width: number, height: number, small: () => Small, detail?: () => Small): Mask | null => {
  let k = Math.max(width, height) / GRID;
  let w = Math.max(2, Math.round(width / k)), h = Math.max(2, Math.round(height / k));
  let r = Math.max(1, Math.round(Math.min(w, h) * 0.015));
  let hard = new Float32Array(w * h);
  if (region.kind === 'named' && region.name === 'sky' && !region.mask && detail) {
    const s = small(), sky = findSky(s);
    if (!sky?.skyline) return null;
    const f = detail();
    const line = traceSkyline(sky.skyline, s.width, s.height, f);
    w = f.width; h = f.height; r = 2;
    hard = new Float32Array(w * h);
    // The edge's own row is a mix of sky and land, and the line may take the one below it: the
    // mask stops a row above the line.
    for (let x = 0; x < w; x++) {
      const b = line[x]! - 1;
      for (let y = 0; y < h && y < b; y++) hard[y * w + x] = Math.min(1, b - y);
    }
  } else if (region.kind === 'polygon') {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) hard[y * w + x] = inPolygon((x + 0.5) / w, (y + 0.5) / h, region.points) ? 1 : 0;
  } else if (region.name === 'sky' && region.mask) {
    const fm = skyFromMatte(region.mask)?.mask;
    if (!fm) return null;
    hard = resampleNearest(fm, w, h);
  } else if (region.name === 'water' && region.found) {
    // The water the photo's analysis found (see regionShares), refined on the finer copy: near the
    // found water (a detector pixel either side), the pixels of the water's own colour and
    // brightness, so the edge follows the banks instead of the detector's 160-px squares.
    const fm = skyFromMatte(region.found)?.mask;
    if (!fm) return null;
    const near = (fx: number, fy: number, grow: number) => {
      const cx = Math.floor(fx * fm.width), cy = Math.floor(fy * fm.height);
      for (let dy = -grow; dy <= grow; dy++) for (let dx = -grow; dx <= grow; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x >= 0 && y >= 0 && x < fm.width && y < fm.height && fm.data[y * fm.width + x]! > 0) return true;
      }
      return false;
    };
    if (detail) {
      const f = detail();
      w = f.width; h = f.height; r = 2;
      hard = new Float32Array(w * h);
      // The water's colour: the median and its spread (median absolute deviation) over the found
      // water, robust to the banks the detector's squares take with it.
      const coarse = resampleNearest(fm, w, h);
      const vals: [number[], number[], number[]] = [[], [], []];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (coarse[i]! <= 0) continue;
        vals[0].push(f.l[i]!); vals[1].push(f.cb[i]!); vals[2].push(f.cr[i]!);
      }
      if (!vals[0].length) return null;
      const med = (a: readonly number[]) => { const b = Float32Array.from(a).sort(); return b[b.length >> 1]!; };
      const centre = vals.map(med), spread = vals.map((a, k) => 1.4826 * med(a.map((v) => Math.abs(v - centre[k]!))));
      const mean = centre, tol = [2.5 * spread[0]! + 6, 2.5 * spread[1]! + 3, 2.5 * spread[2]! + 3];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (!near((x + 0.5) / w, (y + 0.5) / h, 1)) continue;
        if (Math.abs(f.l[i]! - mean[0]!) <= tol[0]! && Math.abs(f.cb[i]! - mean[1]!) <= tol[1]! && Math.abs(f.cr[i]! - mean[2]!) <= tol[2]!) hard[i] = 1;
      }
      // Close pin-holes (sparkles, a ripple's highlight): a blurred mask over half is water, near the found water.
      const closed = boxBlur(hard, w, h, 2);
      for (let i = 0; i < w * h; i++) if (closed[i]! > 0.5 && near(((i % w) + 0.5) / w, (((i / w) | 0) + 0.5) / h, 1)) hard[i] = 1;
    } else {
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) hard[y * w + x] = near((x + 0.5) / w, (y + 0.5) / h, 0) ? 1 : 0;
    }
  } else if (region.name === 'foliage') {
    // The foliage the analysis found, else found again on the detector's copy (older analyses).
    const fm = region.found ? skyFromMatte(region.found)?.mask : findFoliage(small())?.mask;
    if (!fm) return null;
    hard = resampleNearest(fm, w, h);
    // Leaves come in patches: a narrow feather keeps the smaller ones moving.
    r = 1;
  } else if (region.name === 'sky' || region.name === 'water') {
    const s = small();
    // Water lies below the sky: the photo's own sky matte, when it has one, says where (as at analysis).
    const sky = region.mask ? skyFromMatte(region.mask) : findSky(s);
    const found = region.name === 'sky' ? sky : findWater(s, sky);
    if (!found) return null;
    const fm = found.mask;
    hard = resampleNearest(fm, w, h);
  } else if (region.name === 'subject' || region.name === 'background' || region.name === 'above-subject') {
    const b = region.subject ?? { x: 0.3, y: 0.3, w: 0.4, h: 0.4 };
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2, rx = Math.max(0.02, b.w / 2), ry = Math.max(0.02, b.h / 2);
    // Above the subject (steam off a cup, smoke off a candle): the middle of its width, from its
    // top up to one and a half of its heights above; the subject's box itself (a cup's rim is at
    // its top, wider than the ellipse there) stays still.
    const ax0 = b.x + b.w * 0.15, ax1 = b.x + b.w * 0.85, ay0 = Math.max(0, b.y - 1.5 * b.h), ay1 = b.y;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const fx = (x + 0.5) / w, fy = (y + 0.5) / h;
        const dx = (fx - cx) / rx, dy = (fy - cy) / ry;
        const inside = dx * dx + dy * dy <= 1.15; // the ellipse through the box, a little generous
        hard[y * w + x] = region.name === 'above-subject' ? (fx >= ax0 && fx < ax1 && fy >= ay0 && fy < ay1 ? 1 : 0)
          : (region.name === 'subject') === inside ? 1 : 0;
      }
    }
  } else {
    const [x0, y0, x1, y1] = RECTS[region.name] ?? RECTS.all!;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const fx = (x + 0.5) / w, fy = (y + 0.5) / h;
      hard[y * w + x] = fx >= x0 && fx < x1 && fy >= y0 && fy < y1 ? 1 : 0;
    }
  }
  // Erode (the blurred hard mask must be wholly inside), then feather by the same radius. Picture
  // edges count as inside, so a region touching them keeps its full strength there.
  // Two blurs of radius r reach 2r: erode by 2r (a box of radius 2r wholly inside).
  const eroded = boxBlur(hard, w, h, 2 * r);
  for (let i = 0; i < w * h; i++) eroded[i] = eroded[i]! > 0.999 ? 1 : 0;
  const soft = boxBlur(boxBlur(eroded, w, h, r), w, h, r);
  let any = false;
  for (let i = 0; i < w * h; i++) if (soft[i]! > 0.01) { any = true; break; }
  return any ? { width: w, height: h, data: soft } : null;
};

/** A mask scaled (bilinear) to `width` x `height`, as bytes 0–255. */
export const maskBytes = (m: Mask, width: number, height: number): Uint8Array => {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(m.height - 1, Math.max(0, ((y + 0.5) * m.height) / height - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(m.height - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(m.width - 1, Math.max(0, ((x + 0.5) * m.width) / width - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(m.width - 1, x0 + 1), tx = fx - x0;
      const a = m.data[y0 * m.width + x0]! * (1 - tx) + m.data[y0 * m.width + x1]! * tx;
      const b = m.data[y1 * m.width + x0]! * (1 - tx) + m.data[y1 * m.width + x1]! * tx;
      out[y * width + x] = Math.round((a * (1 - ty) + b * ty) * 255);
    }
  }
  return out;
};

// ---- The iOS sky matte (issue 13): when a HEIC carries one, it is the sky, not the colour guess ----

/**
 * The sky from an iPhone's semantic sky matte (soft, 255 sky): the pixels at least half sky (a hard
 * mask like the colour detector's, feathered the same way by `regionMask`), its share, and its
 * horizon (mean lowest sky row per column that has sky). Null when under 0.5% of the picture is
 * sky: the iPhone saw none.
 */
export const skyFromMatte = (m: StoredMatte): FoundRegion | null => {
  const { width: w, height: h } = m;
  const bytes = Buffer.from(m.data, 'base64');
  if (!(w > 0 && h > 0) || bytes.length < w * h) return null;
  const data = new Float32Array(w * h);
  let n = 0, hsum = 0, hn = 0;
  for (let x = 0; x < w; x++) {
    let lowest = 0;
    for (let y = 0; y < h; y++) {
      const v = bytes[y * w + x]! / 255;
      if (v >= 0.5) { data[y * w + x] = 1; n++; lowest = y + 1; }
    }
    if (lowest) { hsum += lowest; hn++; }
  }
  const coverage = n / (w * h);
  if (coverage < 0.005) return null;
  return { mask: { width: w, height: h, data }, coverage, horizon: hn ? hsum / hn / h : 0 };
};
