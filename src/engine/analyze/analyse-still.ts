/**
 * What a photo is, learned once (at upload in the service, once per run in the CLI) and stored with
 * the media: its upright size, the orientation applied, alpha, and where the subject is. Renders
 * read this; they never analyse again.
 */
import { openStill, stillPipeline, corrupt, type OpenedStill, type StillLimits } from '../input/load-still.js';
import type { StillAnalysis } from '../plan/plan-shot.js';
import type { StillCache } from '../input/still-cache.js';
import { findSubject } from './saliency.js';
import { regionShares, skyFromMatte, smallFromRgb } from './regions.js';
import { analyseDepth, estimatedDepth } from '../depth/analyse.js';
import type { DepthMap } from '../depth/map.js';

/** The saliency estimate works on a thumbnail this many pixels on its long side. */
const THUMB = 160;

/** What to analyse: `depthEstimate: false` leaves the depth estimate for later (see `estimateStillDepth`). */
export interface AnalyseOptions {
  readonly depthEstimate?: boolean;
}

export const analyseOpened = async (opened: OpenedStill, o: AnalyseOptions = {}): Promise<StillAnalysis> => {
  const src = opened.source;
  // The depth analysis decodes its own small copy: both decodes run at once (libvips' threads),
  // and each analysis starts as soon as its own copy is there.
  const depthP = analyseDepth(opened, { estimate: o.depthEstimate !== false });
  depthP.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  let thumb: { data: Buffer; info: { width: number; height: number } };
  try {
    thumb = await stillPipeline(opened)
      .resize(THUMB, THUMB, { fit: 'inside', kernel: 'cubic', fastShrinkOnLoad: true })
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw corrupt(src.name, src.type.toUpperCase(), e);
  }
  const s = findSubject(thumb.data, thumb.info.width, thumb.info.height);
  let depth: Awaited<ReturnType<typeof analyseDepth>>;
  try {
    depth = await depthP;
  } catch (e) {
    throw corrupt(src.name, src.type.toUpperCase(), e);
  }
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    version: 1,
    width: src.width,
    height: src.height,
    orientation: src.orientation,
    hasAlpha: src.hasAlpha,
    subject: { x: r(s.box.x), y: r(s.box.y), w: r(s.box.w), h: r(s.box.h) },
    confidence: r(s.confidence),
    notes: [...src.notes, ...depth.notes],
    depth: depth.depth,
    regions: {
      ...regionShares(smallFromRgb(thumb.data, thumb.info.width, thumb.info.height), depth.sky),
      ...(depth.sky && skyFromMatte(depth.sky) ? { skyMatte: depth.sky } : {}),
    },
  };
};

/** Opens and analyses a photo; with a cache, the opened photo is kept for the render of the same run. */
export const analyseStill = async (input: string, limits: StillLimits, cache?: StillCache, o: AnalyseOptions = {}): Promise<StillAnalysis> =>
  analyseOpened(cache ? await cache.open(input, limits) : await openStill(input, limits), o);

/** The depth estimate of a photo analysed without it (the same map a full analysis stores). */
export const estimateStillDepth = async (input: string, limits: StillLimits, cache?: StillCache): Promise<DepthMap> => {
  const opened = cache ? await cache.open(input, limits) : await openStill(input, limits);
  try {
    return await estimatedDepth(opened);
  } catch (e) {
    throw corrupt(opened.source.name, opened.source.type.toUpperCase(), e);
  }
};
