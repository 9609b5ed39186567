/**
 * A shot's effects checked against what analysis found in its photo: an effect in the sky or on
 * the water of a photo where none was found, or above a subject it could not tell, is dropped with
 * a note saying how to show the place instead (nothing unsure is rendered). Photos analysed before
 * regions existed keep their effects: the renderer finds the region itself and moves nothing if it
 * is not there.
 */
import { FOUND_REGIONS, SUBJECT_CONFIDENCE, type StillAnalysis } from '../engine/index.js';
import type { Draft, Effect } from './types.js';

/** What of a photo's record the check reads (resolve.ts's MediaInfo has it). */
interface EffectPhoto { readonly mediaId: string; readonly name?: string; readonly analysis?: StillAnalysis }

/** A note `resolveEffects` wrote (an effect left out): kept for the reply when the pruned draft resolves without it. */
export const isEffectNote = (n: string): boolean => / was not added; | is sure to move by itself /.test(n);

/** A region analysis has to find in the photo (sky, water, foliage), with its share stored. */
const isFound = (r: Effect['region']): r is 'sky' | 'water' | 'foliage' => typeof r === 'string' && FOUND_REGIONS.includes(r);

export const resolveEffects = (effects: readonly Effect[], m: EffectPhoto, notes: string[], stillCamera = false): Effect[] => {
  const shares = m.analysis?.regions;
  const name = m.name ?? m.mediaId;
  const kept = effects.filter((e) => {
    // "Bring it to life": a sky, water or trees the photo may not have are left out without a word;
    // leaves sway by themselves only outdoors (a sky was found): a green knit or a leaf close-up is not a scene in the wind.
    const found = isFound(e.region);
    if (e.auto && found) {
      // Analyses made before foliage was looked for have no share for it: the renderer finds it (still outdoors only).
      return !shares || ((shares[e.region] ?? (e.region === 'foliage' ? 1 : 0)) > 0 && (e.region !== 'foliage' || shares.sky > 0));
    }
    if (e.region === 'above-subject' && m.analysis && m.analysis.confidence < SUBJECT_CONFIDENCE) {
      notes.push(`no clear subject was found in ${name} for the ${e.type === 'rise' ? 'steam' : e.type} to rise from, so it was not added; name the part by position ("the top third") or paint it on the page`);
      return false;
    }
    if (!shares || !found) return true;
    // Analyses made before foliage was looked for: the renderer finds it itself, or moves nothing.
    const share = shares[e.region];
    if (share === undefined || share > 0) return true;
    notes.push(`no ${e.region === 'foliage' ? 'trees, leaves or grass' : e.region} ${e.region === 'foliage' ? 'were' : 'was'} found in ${name}, so the ${e.type} was not added; name the part by position ("the top third") or paint it on the page`);
    return false;
  });
  if (effects.some((e) => e.auto) && !kept.length) {
    notes.push(`nothing in ${name} is sure to move by itself (no sky or water was found, nor trees under a sky), so ${stillCamera ? 'nothing in it moves' : 'only the camera brings it to life'}; say what should move and where ("make the leaves sway", "the top third drifts left") or paint it on the page`);
  }
  return kept;
};

/**
 * The draft without the effects its resolving dropped (a sky the photo does not have): what is
 * stored, summarised and edited next is what renders, and the note says what was left out.
 */
export const keepResolvedEffects = (d: Draft, r: { readonly shots: ReadonlyArray<{ readonly id: string; readonly effects?: readonly Effect[] }> }): Draft => {
  let changed = false;
  const shots = d.shots.map((s) => {
    if (!s.effects?.length || s.kind !== 'image') return s;
    const kept = r.shots.find((x) => x.id === s.id)?.effects ?? [];
    const fx = s.effects.filter((e) => kept.includes(e));
    if (fx.length === s.effects.length) return s;
    changed = true;
    const { effects: _dropped, ...rest } = s;
    return fx.length ? { ...rest, effects: fx } : rest;
  });
  return changed ? { ...d, shots } : d;
};
