/**
 * `planDraft`: a resolved draft and what analysis learned about its photos → the render plan, where
 * every decision is made: per photo shot the framing and the camera path (an `auto` move chosen from
 * the photo's shape and subject, start and end views, easing), per text its full style and
 * entrance, per sound its gains and fades. Plain data; `renderPlan` only executes it.
 */
import { StillmotionError } from '../errors.js';
import {
  DEFAULT_DIRECTION, DIRECTION_VECTORS, effectPeriod, isFlowEffect, planPhotoShot, RENDER_PLAN_VERSION, speedFraction, SUBJECT_CONFIDENCE,
  type EffectPlan, type RenderPlan, type ShotPlan, type StillAnalysis,
} from '../engine/index.js';
import type { Effect } from './types.js';
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
      // A seamless loop of one shot: the camera takes a closed path (depth moves loop, flat ones go there and back).
      loop: (r.loop ?? false) && r.shots.length === 1,
    });
    const effects = planEffects(s.effects ?? [], s.id, s.frames, fps, m?.analysis);
    return { ...base, kind: 'image', framing, motion, ...(effects.length ? { effects } : {}) };
  });
  return {
    version: RENDER_PLAN_VERSION,
    width: W, height: H, fps, frames: r.frames, background: r.canvas.background,
    shots,
    texts: r.texts.map(({ role: _role, ...t }) => t),
    audio: r.audio,
    output: r.output,
    ...(r.transparent ? { transparent: true } : {}),
    ...(r.accents ? { accents: r.accents } : {}),
  };
};

/** A small stable hash: the seed of a shot's effect (same draft, same particles). */
const seedOf = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};

/**
 * Effects as the renderer executes them: direction as a vector (the kind's own when none was said),
 * speed in picture widths per frame, and the period each repeats over: travelling flows about every
 * 2.5 s, a light sweep about every 4 s, particles and light over the whole shot, always a whole
 * number of times in the shot, so the last frame flows into the first.
 */
export const planEffects = (effects: readonly Effect[], shotId: string, frames: number, fps: number, analysis?: StillAnalysis): EffectPlan[] =>
  effects.map((e, i) => ({
    type: e.type,
    region: typeof e.region === 'string'
      ? { kind: 'named' as const, name: e.region, ...(analysis && analysis.confidence >= SUBJECT_CONFIDENCE && (e.region === 'subject' || e.region === 'background' || e.region === 'above-subject') ? { subject: analysis.subject } : {}),
        ...((e.region === 'sky' || e.region === 'water') && analysis?.regions?.skyMatte ? { mask: analysis.regions.skyMatte } : {}),
        ...(e.region === 'water' && analysis?.regions?.waterMatte ? { found: analysis.regions.waterMatte } : {}),
        ...(e.region === 'foliage' && analysis?.regions?.foliageMatte ? { found: analysis.regions.foliageMatte } : {}) }
      : { kind: 'polygon' as const, points: e.region.polygon },
    dir: DIRECTION_VECTORS[e.direction ?? DEFAULT_DIRECTION[e.type]],
    speed: speedFraction(e.type, e.speed) / fps,
    strength: e.strength,
    seed: seedOf(`${shotId}:${i}:${e.type}`),
    // A travelling flow's two copies are half a period's travel apart while they crossfade: keep that
    // under about 2.5% of the picture (fast flows cycle faster), and the cycle between 0.6 and 2.5 s.
    period: isFlowEffect(e.type) ? effectPeriod(frames, fps, Math.max(0.6, Math.min(2.5, 0.05 / Math.max(1e-6, speedFraction(e.type, e.speed)))))
      : e.type === 'shine' ? effectPeriod(frames, fps, 4) : frames,
  }));
