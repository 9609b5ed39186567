/**
 * A photo's depth, learned once with the rest of its analysis: the map the camera stored when there
 * is one (iPhone Portrait disparity, Google depth, else the iPhone portrait matte as a near layer),
 * and an estimate always (so `--depth estimated` and a photo without depth both work).
 */
import { stillPipeline, type OpenedStill } from '../input/load-still.js';
import { googleDepth, iphoneAuxiliary, type EmbeddedDepth } from './embedded.js';
import { estimateDepth } from './estimate.js';
import { resizeArea } from './filters.js';
import { DEPTH_MAP_SIZE, encodeDepth, orient, stretch, type DepthAnalysis, type DepthMap, type DepthSource } from './map.js';

/** The estimator works on a thumbnail this many pixels on its long side. */
export const ESTIMATE_SIZE = 256;
/** Defocus is measured at this many times the estimator's size. */
const FINE = 3;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The embedded map upright and at the stored size, 255 near. */
const upright = (e: EmbeddedDepth, orientation: number, width: number, height: number): { data: Uint8Array; width: number; height: number } => {
  const o = orient(e.data, e.width, e.height, orientation);
  const k = Math.min(1, DEPTH_MAP_SIZE / Math.max(width, height));
  const ow = Math.max(1, Math.round(width * k)), oh = Math.max(1, Math.round(height * k));
  const v = resizeArea(o.data, o.width, o.height, ow, oh);
  return { data: stretch(v), width: ow, height: oh };
};

export const embeddedDepth = async (opened: OpenedStill, estimated: DepthMap): Promise<{ map: DepthMap | null; note: string | null }> => {
  if (opened.input.kind !== 'encoded' || opened.source.type !== 'jpeg') return { map: null, note: null };
  const file = opened.input.data;
  const { width, height, orientation } = opened.source;
  const aux = await iphoneAuxiliary(file, 512);
  const disp = aux.find((a) => a.kind !== 'matte');
  const g = disp ? null : await googleDepth(file, 512);
  const best = disp ?? g;
  if (best) {
    const u = upright(best, orientation, width, height);
    const source: DepthSource = best.from;
    return { map: { width: u.width, height: u.height, data: encodeDepth(u.data), source, confidence: source === 'iphone' ? 0.9 : 0.85 }, note: `depth map in the file (${source === 'iphone' ? 'iPhone Portrait disparity' : 'Google depth'})` };
  }
  const matte = aux.find((a) => a.kind === 'matte');
  if (matte) {
    // The subject from the matte, in front of the estimate's background.
    const u = upright(matte, orientation, width, height);
    const est = Buffer.from(estimated.data, 'base64');
    const out = new Uint8Array(u.data.length);
    const sameGrid = estimated.width === u.width && estimated.height === u.height;
    for (let i = 0; i < out.length; i++) out[i] = Math.max(u.data[i]!, Math.round((sameGrid ? est[i]! : 0) * 0.55));
    return { map: { width: u.width, height: u.height, data: encodeDepth(out), source: 'matte', confidence: 0.7 }, note: 'portrait matte in the file' };
  }
  return { map: null, note: null };
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

/** The depth analysis of an opened photo (embedded map when there is one, and the estimate). */
export const analyseDepth = async (opened: OpenedStill): Promise<{ depth: DepthAnalysis; notes: string[] }> => {
  const estimated = await estimatedDepth(opened);
  let embedded: { map: DepthMap | null; note: string | null } = { map: null, note: null };
  try {
    embedded = await embeddedDepth(opened, estimated);
  } catch {
    // a damaged depth segment is only a missed hint: the estimate stands
  }
  return { depth: { embedded: embedded.map, estimated }, notes: embedded.note ? [embedded.note] : [] };
};
