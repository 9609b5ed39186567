/**
 * A photo's depth, learned once with the rest of its analysis: the map the camera stored when there
 * is one (iPhone Portrait disparity in a JPEG or a HEIC, Android depth: GDepth XMP or a Dynamic
 * Depth container item; else the iPhone portrait matte as a near layer), and an estimate always
 * (so `--depth estimated` and a photo without depth, or with a broken one, both work). A HEIC's
 * sky matte comes back too, for the sky region of living photos.
 */
import { stillPipeline, type OpenedStill } from '../input/load-still.js';
import { dynamicDepth, googleDepth, heicAuxiliary, iphoneAuxiliary, type EmbeddedDepth } from './embedded.js';
import { estimateDepth } from './estimate.js';
import { resizeArea } from './filters.js';
import { DEPTH_MAP_SIZE, encodeDepth, orient, stretch, type DepthAnalysis, type DepthMap, type DepthSource, type StoredMatte } from './map.js';

/** The estimator works on a thumbnail this many pixels on its long side. */
export const ESTIMATE_SIZE = 256;
/** Defocus is measured at this many times the estimator's size. */
const FINE = 3;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Below this spread (of 255) an embedded map says nothing: a broken or blank item. */
const MIN_SPREAD = 8;

/** The embedded map upright and at the stored size, 255 near; null when it is flat (nothing to trust). */
const upright = (e: EmbeddedDepth, orientation: number, width: number, height: number): { data: Uint8Array; width: number; height: number } | null => {
  const o = orient(e.data, e.width, e.height, orientation);
  const k = Math.min(1, DEPTH_MAP_SIZE / Math.max(width, height));
  const ow = Math.max(1, Math.round(width * k)), oh = Math.max(1, Math.round(height * k));
  const v = resizeArea(o.data, o.width, o.height, ow, oh);
  const sorted = Float32Array.from(v).sort();
  if (!(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! - sorted[Math.floor(sorted.length * 0.01)]! >= MIN_SPREAD)) return null;
  return { data: stretch(v), width: ow, height: oh };
};

/** A sky matte as analysis stores it (upright, at most this many px on its long side, 255 sky). */
export const SKY_MATTE_SIZE = 96;

/** A sky matte upright and small, as analysis keeps it. */
const storedSky = (m: { data: Uint8Array; width: number; height: number }, orientation: number): StoredMatte => {
  const u = orient(m.data, m.width, m.height, orientation);
  const k = Math.min(1, SKY_MATTE_SIZE / Math.max(u.width, u.height));
  const sw = Math.max(1, Math.round(u.width * k)), sh = Math.max(1, Math.round(u.height * k));
  const v = resizeArea(u.data, u.width, u.height, sw, sh);
  return { width: sw, height: sh, data: encodeDepth(Uint8Array.from(v, (x) => Math.round(x))) };
};

export interface EmbeddedFound {
  readonly map: DepthMap | null;
  readonly notes: readonly string[];
  /** The iOS sky matte, when the file has one (its share may be 0: the iPhone saw no sky). */
  readonly sky: StoredMatte | null;
}

const WHAT: Readonly<Record<EmbeddedDepth['from'], string>> = {
  iphone: 'iPhone Portrait disparity',
  'iphone-heic': 'iPhone Portrait depth in the HEIC',
  gdepth: 'Android depth',
};
const CONFIDENCE: Readonly<Record<EmbeddedDepth['from'], number>> = { iphone: 0.9, 'iphone-heic': 0.9, gdepth: 0.85 };

/** The estimate, or how to make it (made only when a portrait matte needs a background). */
export type EstimateSource = DepthMap | (() => Promise<DepthMap>);

export const embeddedDepth = async (opened: OpenedStill, estimate: EstimateSource): Promise<EmbeddedFound> => {
  const { width, height, orientation } = opened.source;
  let best: EmbeddedDepth | null = null;
  let matte: EmbeddedDepth | null = null;
  let sky: StoredMatte | null = null;
  let format = '';
  const notes: string[] = [];
  if (opened.input.kind === 'encoded' && opened.source.type === 'jpeg') {
    const file = opened.input.data;
    const aux = await iphoneAuxiliary(file, 512);
    best = aux.find((a) => a.kind === 'disparity' || a.kind === 'depth') ?? null;
    if (!best) { best = await googleDepth(file, 512); format = best ? 'GDepth' : ''; }
    if (!best) { best = await dynamicDepth(file, 512); format = best ? 'Dynamic Depth' : ''; }
    matte = aux.find((a) => a.kind === 'matte') ?? null;
    const s = aux.find((a) => a.kind === 'sky');
    if (s) sky = storedSky(s, orientation);
  } else if (opened.input.kind === 'raw' && opened.input.file && opened.source.type === 'heif') {
    const h = await heicAuxiliary(opened.input.file, 512);
    best = h.depth;
    matte = h.matte;
    if (h.sky) sky = storedSky(h.sky, orientation);
    for (const p of h.problems) notes.push(`the HEIC's ${p}${p.startsWith('depth map') ? ': estimated depth instead' : ''}`);
  }
  if (best) {
    const u = upright(best, orientation, width, height);
    if (u) {
      const source: DepthSource = best.from;
      const map = { width: u.width, height: u.height, data: encodeDepth(u.data), source, confidence: CONFIDENCE[best.from] };
      return { map, notes: [...notes, `depth map in the file (${WHAT[best.from]}${format ? `, ${format}` : ''})`], sky };
    }
    notes.push(`the depth map in the file (${WHAT[best.from]}) is flat: estimated depth instead`);
  }
  if (matte) {
    // The subject from the matte, in front of the estimate's background.
    const u = upright(matte, orientation, width, height);
    if (u) {
      const estimated = typeof estimate === 'function' ? await estimate() : estimate;
      const est = Buffer.from(estimated.data, 'base64');
      const out = new Uint8Array(u.data.length);
      const sameGrid = estimated.width === u.width && estimated.height === u.height;
      for (let i = 0; i < out.length; i++) out[i] = Math.max(u.data[i]!, Math.round((sameGrid ? est[i]! : 0) * 0.55));
      return { map: { width: u.width, height: u.height, data: encodeDepth(out), source: 'matte', confidence: 0.7 }, notes: [...notes, 'portrait matte in the file (subject near, the rest far)'], sky };
    }
  }
  return { map: null, notes, sky };
};

export const estimatedDepth = async (opened: OpenedStill): Promise<DepthMap> => {
  const { data, info } = await stillPipeline(opened)
    .resize(ESTIMATE_SIZE, ESTIMATE_SIZE, { fit: 'inside', kernel: 'cubic', fastShrinkOnLoad: true })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  // Defocus is measured on a finer grey (JPEG shrink-on-load makes it cheap).
  const fine = await stillPipeline(opened)
    .resize(ESTIMATE_SIZE * FINE, ESTIMATE_SIZE * FINE, { fit: 'inside', kernel: 'linear', fastShrinkOnLoad: true, withoutEnlargement: true })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .greyscale()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const e = estimateDepth(data, info.width, info.height, { data: fine.data, width: fine.info.width, height: fine.info.height });
  return { width: e.width, height: e.height, data: encodeDepth(e.data), source: 'estimated', confidence: r3(e.confidence) };
};

/**
 * The depth analysis of an opened photo (embedded map when there is one, and the estimate), and the
 * iOS sky matte if any. `estimate: false` leaves the estimate out (made later by `estimatedDepth`
 * when a plan asks for it) unless a portrait matte needs it for its background: the one-shot CLI
 * path, where most moves never read it; what the service stores is always complete.
 */
export const analyseDepth = async (opened: OpenedStill, o: { estimate?: boolean } = {}): Promise<{ depth: DepthAnalysis; notes: string[]; sky: StoredMatte | null }> => {
  let made: Promise<DepthMap> | null = o.estimate === false ? null : estimatedDepth(opened);
  made?.catch(() => undefined); // awaited below
  const estimate = (): Promise<DepthMap> => (made ??= estimatedDepth(opened));
  let embedded: EmbeddedFound = { map: null, notes: [], sky: null };
  try {
    embedded = await embeddedDepth(opened, estimate);
  } catch {
    // a damaged depth segment is only a missed hint: the estimate stands
  }
  const estimated = made ? await made : undefined;
  return { depth: { embedded: embedded.map, ...(estimated ? { estimated } : {}) }, notes: [...embedded.notes], sky: embedded.sky };
};
