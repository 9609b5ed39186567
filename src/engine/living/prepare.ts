/**
 * A shot's effects made ready for the render threads: each effect's region mask at the still's
 * luma resolution, in shared memory (the threads read it without copies). Overlays over the whole
 * frame need no mask. A region that cannot be found gives an all-zero mask (nothing moves): the
 * planner has already said so when the photo's analysis did not find it.
 */
import { EDGE_SIZE, maskBytes, regionMask, smallFromYuv, type Small } from '../analyze/regions.js';
import type { YuvStill } from '../render/yuv.js';
import type { EffectPlan } from './effects.js';
import type { LivingStill } from './render.js';

export const prepareLiving = (still: YuvStill, effects: readonly EffectPlan[]): LivingStill => {
  let small: Small | null = null;
  let detail: Small | null = null;
  const getSmall = () => (small ??= smallFromYuv(still.y, still.u, still.v));
  // The sky's edge is traced on a finer copy, so it follows the skyline at the output's scale.
  const getDetail = () => (detail ??= smallFromYuv(still.y, still.u, still.v, EDGE_SIZE));
  const masks = effects.map((e) => {
    // The whole picture needs no mask (a flow everywhere reads no mask per pixel).
    if (e.region.kind === 'named' && e.region.name === 'all') return null;
    const m = regionMask(e.region, still.width, still.height, getSmall, getDetail);
    const bytes = new Uint8Array(new SharedArrayBuffer(still.width * still.height));
    if (m) bytes.set(maskBytes(m, still.width, still.height));
    return bytes;
  });
  return { effects, masks };
};
