/**
 * `planDraft`: a resolved draft and what analysis learned about its photos → the render plan, where
 * every decision is made: per photo shot the framing and the camera path (an `auto` move chosen from
 * the photo's shape and subject, start and end views, easing), per text its full style and
 * entrance, per sound its gains and fades. Plain data; `renderPlan` only executes it.
 */
import { StillmotionError } from '../errors.js';
import { planPhotoShot, RENDER_PLAN_VERSION, type RenderPlan, type ShotPlan } from '../engine/index.js';
import type { MediaLookup, ResolvedDraft } from './resolve.js';

export interface PlanOptions {
  /** Added to each shot's variant: the photos of a batch (one clip each) get different auto moves. */
  readonly variant?: number;
}

export const planDraft = (r: ResolvedDraft, lookup: MediaLookup, o: PlanOptions = {}): RenderPlan => {
  const { width: W, height: H, fps } = r.canvas;
  const shots: ShotPlan[] = r.shots.map((s) => {
    const base = { id: s.id, media: s.media, startFrame: s.startFrame, frames: s.frames, transitionOut: s.transitionOut };
    if (s.kind === 'video') return { ...base, kind: 'video', fit: s.fit === 'color' ? 'contain' : s.fit, trimS: s.trimS };
    const m = lookup(s.media);
    const photo = m?.analysis ?? (m?.width && m.height ? { width: m.width, height: m.height } : null);
    if (!photo) throw new StillmotionError('MEDIA_NOT_FOUND', `shot ${s.id}: the size of photo "${s.media}" is not known`, { details: { media_id: s.media } });
    const { framing, motion } = planPhotoShot({
      photo, canvasWidth: W, canvasHeight: H, fit: s.fit, move: s.move, intensity: s.intensity, easing: s.easing,
      frames: s.frames, fps, variant: s.variant + (o.variant ?? 0), depthMode: s.depth,
      // A seamless loop of one shot: a depth move takes a closed path.
      loop: (r.loop ?? false) && r.shots.length === 1,
    });
    return { ...base, kind: 'image', framing, motion };
  });
  return {
    version: RENDER_PLAN_VERSION,
    width: W, height: H, fps, frames: r.frames, background: r.canvas.background,
    shots,
    texts: r.texts.map(({ role: _role, ...t }) => t),
    audio: r.audio,
    output: r.output,
  };
};
