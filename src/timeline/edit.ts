/**
 * Pure edit functions: each takes a draft and returns a new one; the old one is never touched, so
 * the service can keep history for free. Indices are 0-based; `which` may be 'all'.
 */
import { DEFAULTS, textAnimationFor } from './defaults.js';
import type { AudioClip, Canvas, Draft, Shot, TextItem, Transition } from './types.js';

const nextId = (prefix: string, ids: readonly string[]): string => {
  let n = 0;
  for (const id of ids) {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `${prefix}${n + 1}`;
};

export type Which = number | 'all' | readonly number[];
const picks = (which: Which, n: number): Set<number> =>
  new Set(which === 'all' ? Array.from({ length: n }, (_, i) => i) : typeof which === 'number' ? [which] : [...which]);

export interface NewShot { mediaId: string; kind?: 'image' | 'video'; label?: string | null; durationMs?: number | null }

export const addShots = (d: Draft, media: readonly NewShot[], at = d.shots.length): Draft => {
  const ids = d.shots.map((s) => s.id);
  const fresh: Shot[] = media.map((m) => {
    const id = nextId('shot', ids);
    ids.push(id);
    return { id, mediaId: m.mediaId, kind: m.kind ?? 'image', durationMs: m.durationMs ?? null, move: 'auto', intensity: null, easing: null, fit: null, transition: null, trimStartMs: 0, volume: 1, label: m.label ?? null };
  });
  const shots = [...d.shots];
  shots.splice(Math.max(0, Math.min(at, shots.length)), 0, ...fresh);
  return { ...d, shots };
};

export const removeShots = (d: Draft, which: Which): Draft => {
  const p = picks(which, d.shots.length);
  return { ...d, shots: d.shots.filter((_, i) => !p.has(i)) };
};

export const moveShot = (d: Draft, from: number, to: number): Draft => {
  if (from < 0 || from >= d.shots.length) return d;
  const shots = [...d.shots];
  const [s] = shots.splice(from, 1);
  shots.splice(Math.max(0, Math.min(to, shots.length)), 0, s!);
  return { ...d, shots };
};

export type ShotPatch = Partial<Pick<Shot, 'move' | 'depth' | 'intensity' | 'easing' | 'durationMs' | 'fit' | 'transition' | 'trimStartMs' | 'volume' | 'label'>>;

export const setShots = (d: Draft, which: Which, patch: ShotPatch): Draft => {
  const p = picks(which, d.shots.length);
  return { ...d, shots: d.shots.map((s, i) => (p.has(i) ? { ...s, ...patch } : s)) };
};

/** The same transition between every pair of shots. */
export const setTransitions = (d: Draft, t: Transition | null): Draft => ({
  ...d, shots: d.shots.map((s, i) => (i < d.shots.length - 1 ? { ...s, transition: t } : { ...s, transition: null })),
});

export const setCanvas = (d: Draft, patch: Partial<Canvas>): Draft => ({ ...d, canvas: { ...d.canvas, ...patch } });
export const setTargetDuration = (d: Draft, ms: number | null): Draft => ({ ...d, targetDurationMs: ms });
export const setLoop = (d: Draft, loop: boolean): Draft => ({ ...d, loop });

export type NewText = Omit<TextItem, 'id' | 'style' | 'animation' | 'position' | 'startMs' | 'durationMs'> & Partial<Pick<TextItem, 'style' | 'animation' | 'position' | 'startMs' | 'durationMs'>>;

export const addText = (d: Draft, t: NewText): Draft => ({
  ...d,
  // The role's entrance and length (a title shows for its first 3 seconds) unless told otherwise.
  texts: [...d.texts, { id: nextId('text', d.texts.map((x) => x.id)), style: {}, animation: textAnimationFor(t.role), position: null, startMs: 0, durationMs: DEFAULTS.textDurationMs[t.role], ...t }],
});

export const updateTexts = (d: Draft, match: (t: TextItem) => boolean, patch: Partial<Omit<TextItem, 'id'>>): Draft => ({
  ...d, texts: d.texts.map((t) => (match(t) ? { ...t, ...patch } : t)),
});

export const removeTexts = (d: Draft, match: (t: TextItem) => boolean): Draft => ({ ...d, texts: d.texts.filter((t) => !match(t)) });

export type MusicPatch = Partial<Omit<AudioClip, 'id'>>;

/** Add music, or change the existing (first) track. */
export const setMusic = (d: Draft, patch: MusicPatch): Draft => {
  if (d.audio.length === 0) {
    const clip: AudioClip = { id: 'music1', mediaId: null, style: null, label: null, startMs: 0, durationMs: null, ...DEFAULTS.music, ...patch };
    return { ...d, audio: [clip] };
  }
  return { ...d, audio: d.audio.map((a, i) => (i === 0 ? { ...a, ...patch } : a)) };
};

export const addMusic = (d: Draft, patch: MusicPatch): Draft => ({
  ...d,
  audio: [...d.audio, { id: nextId('music', d.audio.map((a) => a.id)), mediaId: null, style: null, label: null, startMs: 0, durationMs: null, ...DEFAULTS.music, ...patch }],
});

export const removeMusic = (d: Draft): Draft => ({ ...d, audio: [] });
