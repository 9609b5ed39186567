/**
 * A shot's effects checked against what analysis found in its photo: an effect in the sky or on
 * the water of a photo where none was found is dropped with a note saying how to show the place
 * instead (nothing unsure is rendered). Photos analysed before regions existed keep their effects:
 * the renderer finds the region itself and moves nothing if it is not there.
 */
import type { StillAnalysis } from '../engine/index.js';
import type { Effect } from './types.js';

/** What of a photo's record the check reads (resolve.ts's MediaInfo has it). */
interface EffectPhoto { readonly mediaId: string; readonly name?: string; readonly analysis?: StillAnalysis }

export const resolveEffects = (effects: readonly Effect[], m: EffectPhoto, notes: string[]): Effect[] => {
  const shares = m.analysis?.regions;
  const name = m.name ?? m.mediaId;
  return effects.filter((e) => {
    if (!shares || (e.region !== 'sky' && e.region !== 'water')) return true;
    if (shares[e.region] > 0) return true;
    notes.push(`no ${e.region} was found in ${name}, so the ${e.type} was not added; name the part by position ("the top third") or paint it on the page`);
    return false;
  });
};
