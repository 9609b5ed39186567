/**
 * Resolving a draft: every default filled in one place (canvas, frame-exact shot boundaries,
 * transitions' overlap, per-shot moves that vary, framing, audio). The result is the engine's
 * CompositionPlan (plain data) plus the text segments for the overlay layer.
 */
import { StillmotionError } from '../errors.js';
import type { CompositionPlan, CompositionShot } from '../engine/compose/plan.js';
import type { AudioSpec } from '../engine/ffmpeg/index.js';
import { aspectForPhoto, aspectSize, parseColour, parseSize, ASPECTS, type Aspect, type Fit, type Format, type Quality } from '../engine/settings.js';
import { timing } from './timing.js';
import type { Draft, TextItem } from './types.js';

export interface MediaInfo {
  readonly mediaId: string;
  readonly path: string;
  readonly kind: 'image' | 'video' | 'audio';
  readonly width?: number;
  readonly height?: number;
  readonly durationMs?: number;
  readonly name?: string;
  /** Clips: whether there is a sound track to keep (false: the clip is silent). */
  readonly hasAudio?: boolean;
}

export interface ResolveOptions {
  readonly format?: Format;
  readonly quality?: Quality;
  readonly preset?: string;
  readonly workers?: number;
  readonly loudnorm?: boolean;
  /** Override the draft's size (the service renders previews at 540p). */
  readonly size?: string;
  readonly maxInputBytes?: number;
  readonly maxPixels?: number;
}

export interface ResolvedText {
  readonly text: string;
  readonly role: TextItem['role'];
  readonly position: TextItem['position'];
  readonly animation: TextItem['animation'];
  readonly style: Readonly<Record<string, unknown>>;
  readonly startS: number;
  readonly endS: number;
}

export interface Resolved {
  readonly plan: CompositionPlan;
  readonly texts: readonly ResolvedText[];
  readonly notes: readonly string[];
}

const fitFor = (media: MediaInfo | undefined, W: number, H: number): Fit => {
  if (!media?.width || !media.height) return 'cover';
  const rho = (media.width / media.height) / (W / H);
  // A photo much another shape than the canvas is shown whole over a blurred copy of itself.
  return rho > 1.6 || rho < 1 / 1.6 ? 'blur' : 'cover';
};

export const resolveDraft = (d: Draft, lookup: (id: string) => MediaInfo | undefined, o: ResolveOptions = {}): Resolved => {
  if (d.shots.length === 0) throw new StillmotionError('INVALID_DRAFT', 'the video track is empty', { hint: 'add a photo or a clip first' });
  const notes: string[] = [];
  const media = d.shots.map((s) => {
    const m = lookup(s.mediaId);
    if (!m) throw new StillmotionError('MEDIA_NOT_FOUND', `shot ${s.id} refers to media "${s.mediaId}" that does not exist`, { details: { media_id: s.mediaId } });
    return m;
  });
  const mediaMs: Record<string, number> = {};
  for (const m of [...media, ...d.audio.map((a) => (a.mediaId ? lookup(a.mediaId) : undefined))]) if (m?.durationMs) mediaMs[m.mediaId] = m.durationMs;

  // Canvas.
  const sizeSpec = parseSize(o.size ?? d.canvas.size);
  let W: number, H: number;
  if (sizeSpec.kind === 'exact' && !o.size) { W = sizeSpec.width; H = sizeSpec.height; }
  else {
    const first = media.find((m) => m.width && m.height);
    const aspect: Aspect = (ASPECTS as readonly string[]).includes(d.canvas.aspect) ? (d.canvas.aspect as Aspect) : first ? aspectForPhoto(first.width!, first.height!) : '16:9';
    [W, H] = aspectSize(aspect, sizeSpec.kind === 'preset' ? sizeSpec.shortSide : Math.min(sizeSpec.width, sizeSpec.height));
  }
  const fps = d.canvas.fps;
  const background = parseColour(d.canvas.background);

  // Frame-exact boundaries from the millisecond timing: each shot ends where rounding puts it.
  const tm = timing(d, mediaMs);
  const frameAt = (ms: number) => Math.round((ms * fps) / 1000);
  const shots: CompositionShot[] = d.shots.map((s, i) => {
    const t = tm.shots[i]!;
    const start = frameAt(t.startMs);
    const end = frameAt(t.startMs + t.durationMs);
    const next = tm.shots[i + 1];
    const overlap = next ? end - frameAt(next.startMs) : 0;
    return {
      kind: s.kind, input: media[i]!.path, startFrame: start, frames: Math.max(1, end - start),
      fit: s.fit ?? fitFor(media[i], W, H), move: s.move, intensity: s.intensity ?? 0.5, easing: s.easing ?? 'smooth',
      variant: i, trimS: s.trimStartMs / 1000,
      transitionOut: next && s.transition && s.transition.type !== 'cut' && overlap > 0 ? { kind: s.transition.type, frames: overlap } : null,
    };
  });
  const frames = frameAt(tm.totalMs);
  const durS = frames / fps;

  const audio: AudioSpec[] = [];
  for (const a of d.audio) {
    if (!a.mediaId) { notes.push(`music "${a.style ?? 'background'}" has no file attached, so the video is silent`); continue; }
    const m = lookup(a.mediaId);
    if (!m) throw new StillmotionError('MEDIA_NOT_FOUND', `music ${a.id} refers to media "${a.mediaId}" that does not exist`, { details: { media_id: a.mediaId } });
    audio.push({ path: m.path, volume: a.volume, startS: a.startMs / 1000, fadeInS: a.fadeInMs / 1000, fadeOutS: a.fadeOutMs / 1000, loop: a.loop });
  }
  d.shots.forEach((s, i) => {
    if (s.kind === 'video' && s.volume > 0 && media[i]!.hasAudio !== false) audio.push({ path: media[i]!.path, volume: s.volume, startS: shots[i]!.startFrame / fps, trimS: s.trimStartMs / 1000, loop: false, durationS: shots[i]!.frames / fps } as AudioSpec);
  });

  const texts: ResolvedText[] = d.texts.map((x) => ({
    text: x.text, role: x.role, position: x.position, animation: x.animation, style: x.style,
    startS: x.startMs / 1000, endS: Math.min(durS, x.durationMs === null ? durS : (x.startMs + x.durationMs) / 1000),
  })).filter((x) => x.endS > x.startS);

  return {
    plan: {
      width: W, height: H, fps, frames, background, shots, audio, loudnorm: o.loudnorm ?? false,
      format: o.format ?? 'mp4', quality: o.quality ?? 'high', preset: o.preset ?? 'veryfast', workers: o.workers ?? 2,
      maxInputBytes: o.maxInputBytes ?? 50 * 1024 * 1024, maxPixels: o.maxPixels ?? 200_000_000,
    },
    texts,
    notes,
  };
};
