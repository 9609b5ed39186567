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

/** Box-averages a Y plane and its half-size chroma planes down to DETECT_SIZE on the long side. */
export const smallFromYuv = (y: { data: Uint8Array; width: number; height: number }, u: { data: Uint8Array; width: number; height: number }, v: { data: Uint8Array; width: number; height: number }): Small => {
  const k = Math.max(1, Math.max(y.width, y.height) / DETECT_SIZE);
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
  const coverage = n / (w * h);
  if (coverage < 0.03) return null;
  // Sure only when the sky is blue, or when what lies below it has more detail than it (a pale
  // wall, a blurred background or a page is smooth all over: not a sky).
  let blue = 0, tIn = 0, tOut = 0, nOut = 0;
  for (let i = 0; i < w * h; i++) {
    if (m[i]) { tIn += g[i]!; if (cb[i]! > 3 && cb[i]! > cr[i]!) blue++; } else { tOut += g[i]!; nOut++; }
  }
  const horizon = hn ? hsum / hn / h : 0;
  const detailBelow = nOut > 0 && tOut / nOut > 1.8 * (tIn / n) + 0.5;
  if (!(blue / n > 0.5 && horizon < 0.9) && !(detailBelow && horizon < 0.8 && topHits > w * 0.7)) return null;
  return { mask: { width: w, height: h, data: m }, coverage, horizon };
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
  const bluish = bcb > 2 && bcb > bcr;
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

/** Sky and water shares of a photo (stored with the analysis: 0 when not found); the iOS sky matte, when given, is the sky. */
export const regionShares = (s: Small, skyMatte?: StoredMatte | null): { sky: number; water: number } => {
  const sky = skyMatte ? skyFromMatte(skyMatte) : findSky(s);
  const water = findWater(s, sky);
  const r = (x: number) => Math.round(x * 1e3) / 1e3;
  return { sky: r(sky?.coverage ?? 0), water: r(water?.coverage ?? 0) };
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

/**
 * A region's soft mask on a grid of about GRID pixels (long side) for a picture of `width` x
 * `height`: hard mask, eroded by the feather radius, then blurred by it (the soft edge lies inside
 * the region, so nothing outside moves). `small` is the detector's picture (sky, water).
 */
export const regionMask = (region: RegionPlan, width: number, height: number, small: () => Small): Mask | null => {
  const k = Math.max(width, height) / GRID;
  const w = Math.max(2, Math.round(width / k)), h = Math.max(2, Math.round(height / k));
  const hard = new Float32Array(w * h);
  if (region.kind === 'polygon') {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) hard[y * w + x] = inPolygon((x + 0.5) / w, (y + 0.5) / h, region.points) ? 1 : 0;
  } else if (region.name === 'sky' && region.mask) {
    const fm = skyFromMatte(region.mask)?.mask;
    if (!fm) return null;
    for (let y = 0; y < h; y++) {
      const sy = Math.min(fm.height - 1, Math.floor(((y + 0.5) * fm.height) / h));
      for (let x = 0; x < w; x++) hard[y * w + x] = fm.data[sy * fm.width + Math.min(fm.width - 1, Math.floor(((x + 0.5) * fm.width) / w))]!;
    }
  } else if (region.name === 'sky' || region.name === 'water') {
    const s = small();
    // Water lies below the sky: the photo's own sky matte, when it has one, says where (as at analysis).
    const sky = region.mask ? skyFromMatte(region.mask) : findSky(s);
    const found = region.name === 'sky' ? sky : findWater(s, sky);
    if (!found) return null;
    const fm = found.mask;
    for (let y = 0; y < h; y++) {
      const sy = Math.min(fm.height - 1, Math.floor(((y + 0.5) * fm.height) / h));
      for (let x = 0; x < w; x++) hard[y * w + x] = fm.data[sy * fm.width + Math.min(fm.width - 1, Math.floor(((x + 0.5) * fm.width) / w))]!;
    }
  } else if (region.name === 'subject' || region.name === 'background') {
    const b = region.subject ?? { x: 0.3, y: 0.3, w: 0.4, h: 0.4 };
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2, rx = Math.max(0.02, b.w / 2), ry = Math.max(0.02, b.h / 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const dx = ((x + 0.5) / w - cx) / rx, dy = ((y + 0.5) / h - cy) / ry;
        const inside = dx * dx + dy * dy <= 1.15; // the ellipse through the box, a little generous
        hard[y * w + x] = (region.name === 'subject') === inside ? 1 : 0;
      }
    }
  } else {
    const [x0, y0, x1, y1] = RECTS[region.name] ?? RECTS.all!;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const fx = (x + 0.5) / w, fy = (y + 0.5) / h;
      hard[y * w + x] = fx >= x0 && fx < x1 && fy >= y0 && fy < y1 ? 1 : 0;
    }
  }
  const r = Math.max(1, Math.round(Math.min(w, h) * 0.015));
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
