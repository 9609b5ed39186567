/**
 * How much one render may ask of the server: tracks and segments (counted on the compact draft,
 * before anything is built from it), then the resolved length, frame size and frame rate. Each
 * refusal is 4011 naming the setting, the limit and what was asked.
 */
import { StillmotionError } from '../errors.js';
import type { Settings } from './settings.js';

export type RenderLimits = Pick<Settings, 'maxDurationS' | 'maxCanvasPixels' | 'maxFps' | 'maxTracks' | 'maxSegmentsPerTrack'>;

const ENV_NAME: Readonly<Record<keyof RenderLimits, string>> = {
  maxDurationS: 'STILLMOTION_MAX_DURATION_S',
  maxCanvasPixels: 'STILLMOTION_MAX_CANVAS_PIXELS',
  maxFps: 'STILLMOTION_MAX_FPS',
  maxTracks: 'STILLMOTION_MAX_TRACKS',
  maxSegmentsPerTrack: 'STILLMOTION_MAX_SEGMENTS_PER_TRACK',
};

const over = (setting: keyof RenderLimits, what: string, limit: number, got: number, fix: string, path?: string): StillmotionError =>
  new StillmotionError('LIMIT_EXCEEDED', `${path ? `${path}: ` : ''}${what}; this server's limit is ${limit} (setting ${setting})`, {
    hint: `${fix}, or ask the operator to raise ${setting} (${ENV_NAME[setting]})`,
    details: { setting, limit, got, ...(path ? { field: path } : {}) },
  });

/** Tracks and segments per track of a compact draft (whatever its shape otherwise: the schema check comes next). */
export const checkDraftCounts = (draft: unknown, l: RenderLimits): void => {
  const t = draft && typeof draft === 'object' ? (draft as { t?: unknown }).t : undefined;
  if (!Array.isArray(t)) return;
  if (t.length > l.maxTracks) throw over('maxTracks', `the draft has ${t.length} tracks`, l.maxTracks, t.length, 'merge tracks', 't');
  t.forEach((track: unknown, i) => {
    const sg = track && typeof track === 'object' ? (track as { sg?: unknown }).sg : undefined;
    if (Array.isArray(sg) && sg.length > l.maxSegmentsPerTrack) {
      throw over('maxSegmentsPerTrack', `track ${i} has ${sg.length} segments`, l.maxSegmentsPerTrack, sg.length, 'split the video into several exports', `t[${i}].sg`);
    }
  });
};

/** The resolved render: its frame size, frame rate and length. */
export const checkRenderSize = (r: { readonly width: number; readonly height: number; readonly fps: number; readonly frames: number }, l: RenderLimits): void => {
  const px = r.width * r.height;
  if (px > l.maxCanvasPixels) {
    throw over('maxCanvasPixels', `a ${r.width}x${r.height} frame has ${px} pixels`, l.maxCanvasPixels, px, 'choose a smaller size such as 1080p or 4k', 'size');
  }
  if (r.fps > l.maxFps) throw over('maxFps', `${r.fps} frames per second`, l.maxFps, r.fps, `choose ${l.maxFps} fps or fewer`, 'fps');
  const seconds = r.frames / r.fps;
  if (seconds > l.maxDurationS) {
    throw over('maxDurationS', `the video would last ${Math.round(seconds)} s`, l.maxDurationS, Math.round(seconds), `make it ${l.maxDurationS} s or shorter`);
  }
};

/** A plan's shots, text layers and audio segments (a plan is a draft's tracks made concrete). */
export const checkPlanCounts = (plan: { readonly shots: readonly unknown[]; readonly texts: readonly unknown[]; readonly audio: readonly unknown[] }, l: RenderLimits): void => {
  for (const [name, list] of [['shots', plan.shots], ['texts', plan.texts], ['audio', plan.audio]] as const) {
    if (list.length > l.maxSegmentsPerTrack) {
      throw over('maxSegmentsPerTrack', `the plan has ${list.length} ${name}`, l.maxSegmentsPerTrack, list.length, 'split the video into several exports', name);
    }
  }
};
