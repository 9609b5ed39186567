/**
 * Resolving a draft: every value it leaves open filled from the one defaults table (defaults.ts),
 * every time made exact. The canvas in pixels, shot boundaries in frames (transitions overlap in
 * whole frames), each shot's framing, move, intensity and easing, each text's full style, place,
 * entrance and times, each sound's gain, fades and span. What is left to decide needs the photos
 * themselves, and `planDraft` (plan.ts) does it.
 */
import { StillmotionError } from '../errors.js';
import {
  ASPECTS, aspectForPhoto, aspectSize, colourHex, parseColour, parseSize, pickTrack,
  type Aspect, type BeatGrid, type DepthMode, type EasingName, type Fit, type Format, type MoveName, type Quality, type StillAnalysis, type TextAnimation, type TextPosition, type TextStyle, type TransitionKind,
} from '../engine/index.js';
import { DEFAULTS, fitFor, textPositionFor, textStyleFor } from './defaults.js';
import { DRAFT_LIMITS } from './compact.js';
import { beatGridFor, timing } from './timing.js';
import type { Draft, Effect, TextItem } from './types.js';
import { resolveEffects } from './resolve-effects.js';

/** What the draft layer needs to know of a media id (the caller's records, or a file described once). */
export interface MediaInfo {
  readonly mediaId: string;
  readonly kind: 'image' | 'video' | 'audio';
  readonly width?: number;
  readonly height?: number;
  readonly durationMs?: number;
  readonly name?: string;
  /** Clips: whether there is a sound track to keep (false: the clip is silent). */
  readonly hasAudio?: boolean;
  /** Photos: what analysis learned (subject, orientation), once; without it the planner aims at the centre. */
  readonly analysis?: StillAnalysis;
  /** Music: its beats and downbeats, found once at upload. */
  readonly beats?: BeatGrid;
}

export type MediaLookup = (id: string) => MediaInfo | undefined;

export interface ResolveOptions {
  readonly format?: Format;
  readonly quality?: Quality;
  readonly preset?: string;
  readonly loudnorm?: boolean;
  /** Render at this size instead of the draft's (the service renders previews at 540p). */
  readonly size?: string;
}

export interface ResolvedCanvas {
  readonly width: number;
  readonly height: number;
  /** The shape it was made from ('custom' for an exact size without a named aspect). */
  readonly aspect: Aspect | 'custom';
  readonly fps: number;
  /** '#rrggbb'. */
  readonly background: string;
  /** The background was asked to be transparent (kept by WebM and MOV). */
  readonly transparent: boolean;
}

export interface ResolvedShot {
  readonly id: string;
  readonly media: string;
  readonly kind: 'image' | 'video';
  readonly startFrame: number;
  readonly frames: number;
  readonly fit: Fit;
  readonly move: MoveName;
  readonly intensity: number;
  readonly easing: EasingName;
  /** Varies `auto` moves from shot to shot. */
  readonly variant: number;
  /** Which depth a depth move may use. */
  readonly depth: DepthMode;
  readonly trimS: number;
  readonly volume: number;
  /** Into the next shot: it overlaps the next shot's first `frames` frames. */
  readonly transitionOut: { readonly kind: TransitionKind; readonly frames: number } | null;
  /** Photos: effects the photo can show (a sky that analysis did not find is dropped, with a note). */
  readonly effects?: readonly Effect[];
}

export interface ResolvedText {
  readonly id: string;
  readonly text: string;
  readonly role: TextItem['role'];
  readonly style: TextStyle;
  readonly position: TextPosition;
  readonly animation: TextAnimation;
  readonly startS: number;
  readonly endS: number;
}

export interface ResolvedAudio {
  readonly id: string;
  readonly media: string;
  readonly volume: number;
  readonly startS: number;
  readonly trimS: number;
  readonly durationS: number | null;
  readonly loop: boolean;
  readonly fadeInS: number;
  readonly fadeOutS: number;
  readonly sourceDurationS?: number;
}

export interface ResolvedDraft {
  readonly canvas: ResolvedCanvas;
  readonly frames: number;
  readonly shots: readonly ResolvedShot[];
  readonly texts: readonly ResolvedText[];
  readonly audio: readonly ResolvedAudio[];
  readonly output: { readonly format: Format; readonly quality: Quality; readonly preset: string; readonly loudnorm: boolean };
  /** Keep the canvas's transparency in the file (WebM, MOV). */
  readonly transparent: boolean;
  /** Accents on the cut beats (beat sync), by frame. */
  readonly accents: { readonly kind: 'pulse' | 'flash'; readonly frames: readonly number[] } | null;
  /** A seamless loop was asked for: depth moves take a closed path. */
  readonly loop?: boolean;
  /** What could not be done as asked (music without a file…). */
  readonly notes: readonly string[];
}

/**
 * The canvas a draft renders on: an exact size as asked, or the aspect (the first photo's shape when
 * 'auto') at the size's short side. `size` overrides the draft's size (previews).
 */
export const canvasFor = (d: Draft, lookup: MediaLookup, size?: string): ResolvedCanvas => {
  const spec = parseSize(size ?? d.canvas.size);
  const fps = d.canvas.fps;
  const transparent = d.canvas.background.trim().toLowerCase() === 'transparent';
  const background = transparent ? '#000000' : colourHex(parseColour(d.canvas.background));
  if (spec.kind === 'exact' && !size) return { width: spec.width, height: spec.height, aspect: (ASPECTS as readonly string[]).includes(d.canvas.aspect) ? d.canvas.aspect as Aspect : 'custom', fps, background, transparent };
  const first = d.shots.map((s) => lookup(s.mediaId)).find((m) => m?.width && m.height);
  const aspect: Aspect = (ASPECTS as readonly string[]).includes(d.canvas.aspect) ? (d.canvas.aspect as Aspect) : first ? aspectForPhoto(first.width!, first.height!) : '16:9';
  const [width, height] = aspectSize(aspect, spec.kind === 'preset' ? spec.shortSide : Math.min(spec.width, spec.height));
  return { width, height, aspect, fps, background, transparent };
};

/** A text item with its role's style (the item's own style on top), place and entrance. */
const styleOf = (x: TextItem, canvas: { readonly width: number; readonly height: number }): TextStyle => {
  // `scale` ("make the title bigger") multiplies the size, the role's own or the one set.
  const { scale, ...own } = x.style as Partial<TextStyle> & { scale?: number };
  const s = { ...textStyleFor(x.role, canvas), ...own };
  return typeof scale === 'number' ? { ...s, size: Math.min(DRAFT_LIMITS.textSize[1], s.size * scale) } : s;
};

export const resolveText = (x: TextItem, canvas: { readonly width: number; readonly height: number }, totalS: number): ResolvedText => ({
  id: x.id, text: x.text, role: x.role,
  style: styleOf(x, canvas),
  position: x.position ?? textPositionFor(x.role),
  animation: x.animation,
  startS: x.startMs / 1000,
  endS: Math.min(totalS, x.durationMs === null ? totalS : (x.startMs + x.durationMs) / 1000),
});

export const resolveDraft = (d: Draft, lookup: MediaLookup, o: ResolveOptions = {}): ResolvedDraft => {
  if (d.shots.length === 0) throw new StillmotionError('INVALID_DRAFT', 'the video track is empty', { hint: 'add a photo or a clip first' });
  const notes: string[] = [];
  const media = d.shots.map((s) => {
    const m = lookup(s.mediaId);
    if (!m) throw new StillmotionError('MEDIA_NOT_FOUND', `shot ${s.id} refers to media "${s.mediaId}" that does not exist`, { details: { media_id: s.mediaId } });
    return m;
  });
  const mediaMs: Record<string, number> = {};
  for (const m of [...media, ...d.audio.map((a) => (a.mediaId ? lookup(a.mediaId) : undefined))]) if (m?.durationMs) mediaMs[m.mediaId] = m.durationMs;

  const canvas = canvasFor(d, lookup, o.size);
  const { width: W, height: H, fps } = canvas;

  // Frame-exact boundaries from the millisecond timing: each shot ends where rounding puts it.
  const grids: Record<string, BeatGrid> = {};
  for (const a of d.audio) { const b = a.mediaId ? lookup(a.mediaId)?.beats : undefined; if (b) grids[a.mediaId!] = b; }
  const tm = timing(d, mediaMs, grids);
  if (d.beat && !beatGridFor(d, grids)) notes.push('cuts on the beat need music with a beat: add music (a style such as lo-fi, or a file); timed as usual for now');
  // A chosen colour or transparency shows around a whole photo, not a blurred copy of it.
  const chosenBg = canvas.transparent || canvas.background !== DEFAULTS.canvas.background;
  const frameAt = (ms: number) => Math.round((ms * fps) / 1000);
  const shots: ResolvedShot[] = d.shots.map((s, i) => {
    const t = tm.shots[i]!;
    const start = frameAt(t.startMs);
    const end = frameAt(t.startMs + t.durationMs);
    const next = tm.shots[i + 1];
    const overlap = next ? end - frameAt(next.startMs) : 0;
    const m = media[i]!;
    const effects = s.kind === 'image' && s.effects?.length ? resolveEffects(s.effects, m, notes, s.move === 'static') : [];
    return {
      ...(effects.length ? { effects } : {}),
      id: s.id, media: s.mediaId, kind: s.kind, startFrame: start, frames: Math.max(1, end - start),
      fit: s.fit ?? ((f: Fit) => (f === 'blur' && chosenBg && s.kind === 'image' ? 'color' : f))(fitFor({ kind: s.kind, shots: d.shots.length, width: m.width, height: m.height, canvasWidth: W, canvasHeight: H })),
      // A looping clip with motion inside the picture keeps the camera still (unless a move was asked for).
      move: effects.length && d.loop && s.move === 'auto' ? 'static' : s.move, intensity: s.intensity ?? DEFAULTS.shot.intensity, easing: s.easing ?? DEFAULTS.shot.easing,
      variant: i, trimS: s.trimStartMs / 1000, volume: s.volume, depth: s.depth ?? 'auto',
      transitionOut: next && s.transition && s.transition.type !== 'cut' && overlap > 0 ? { kind: s.transition.type, frames: overlap } : null,
    };
  });
  const frames = frameAt(tm.totalMs);
  const durS = frames / fps;

  const audio: ResolvedAudio[] = [];
  for (const a of d.audio) {
    // Music asked for in words with no file: the built-in track of that style (made by the project).
    const media = a.mediaId ?? pickTrack(a.style).id;
    if (a.mediaId && !lookup(a.mediaId)) throw new StillmotionError('MEDIA_NOT_FOUND', `music ${a.id} refers to media "${a.mediaId}" that does not exist`, { details: { media_id: a.mediaId } });
    audio.push({
      id: a.id, media, volume: a.volume, startS: a.startMs / 1000, trimS: 0, durationS: a.durationMs === null ? null : a.durationMs / 1000,
      loop: a.loop, fadeInS: a.fadeInMs / 1000, fadeOutS: a.fadeOutMs / 1000,
      ...(a.mediaId && lookup(a.mediaId)?.durationMs ? { sourceDurationS: lookup(a.mediaId)!.durationMs! / 1000 } : {}),
    });
  }
  // A clip's own sound plays under its shot, unless the clip has none.
  shots.forEach((s, i) => {
    if (s.kind === 'video' && s.volume > 0 && media[i]!.hasAudio !== false) {
      audio.push({ id: s.id, media: s.media, volume: s.volume, startS: s.startFrame / fps, trimS: s.trimS, durationS: s.frames / fps, loop: false, fadeInS: 0, fadeOutS: 0 });
    }
  });

  const texts = d.texts.map((x) => resolveText(x, canvas, durS)).filter((x) => x.endS > x.startS);
  const out = DEFAULTS.output;
  const format = o.format ?? out.format;
  const keepsAlpha = format === 'webm' || format === 'mov';
  if (canvas.transparent && !keepsAlpha) notes.push(`${format.toUpperCase()} has no transparency: the transparent background is black in this ${format.toUpperCase()}; export as WebM or MOV to keep it`);
  const accent = d.beat && d.beat.accent !== 'none' && beatGridFor(d, grids) ? d.beat.accent : null;
  return {
    canvas, frames, shots, texts, audio, notes, loop: d.loop,
    output: { format, quality: o.quality ?? out.quality, preset: o.preset ?? out.preset, loudnorm: o.loudnorm ?? out.loudnorm },
    transparent: canvas.transparent && keepsAlpha,
    accents: accent ? { kind: accent, frames: shots.slice(1).map((s) => s.startFrame) } : null,
  };
};
