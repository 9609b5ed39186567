/**
 * A loose `AnimateOptions` comes in (CLI flags, library callers, the service); exactly one
 * function, `resolveAnimateSettings`, checks every field and fills every default, returning a
 * frozen `AnimateSettings` where nothing is optional. Nothing below it uses `??`.
 */
import { StillmotionError } from '../errors.js';
import { EASINGS, INTENSITY_WORDS, MOVES, type EasingName, type MoveName } from './plan/moves.js';

export const ASPECTS = ['16:9', '9:16', '1:1', '4:5', '4:3', '3:4'] as const;
export type Aspect = (typeof ASPECTS)[number];
export const FPS_VALUES = [24, 25, 30, 50, 60] as const;
export const SIZE_PRESETS = { '360p': 360, '480p': 480, '540p': 540, '720p': 720, '1080p': 1080, '1440p': 1440, '4k': 2160 } as const;
export type SizePreset = keyof typeof SIZE_PRESETS;
export const FITS = ['cover', 'blur', 'color'] as const;
export type Fit = (typeof FITS)[number];
export const FORMATS = ['mp4', 'webm', 'gif', 'mov'] as const;
export type Format = (typeof FORMATS)[number];
export const QUALITIES = ['high', 'medium', 'low'] as const;
export type Quality = (typeof QUALITIES)[number];

export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;
/** Decode limit: a 108 MP phone photo passes, a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 200_000_000;

export interface AnimateOptions {
  duration?: number | string;
  fps?: number | string;
  size?: string;
  aspect?: string;
  fit?: string;
  background?: string;
  format?: string;
  quality?: string;
  move?: string;
  intensity?: number | string;
  easing?: string;
  /** x264 preset; the default was chosen by measuring quality per second (README). */
  preset?: string;
  maxInputBytes?: number;
  maxPixels?: number;
  /** Render worker threads; default 2 (the machine's two cores are shared with the encoder). */
  workers?: number;
}

export type SizeSpec = { kind: 'preset'; shortSide: number; name: string } | { kind: 'exact'; width: number; height: number };

export interface AnimateSettings {
  readonly durationS: number;
  readonly fps: number;
  readonly size: SizeSpec;
  readonly aspect: Aspect | 'auto';
  readonly fit: Fit;
  readonly background: readonly [number, number, number];
  readonly format: Format;
  readonly quality: Quality;
  readonly move: MoveName;
  readonly intensity: number;
  readonly easing: EasingName;
  readonly preset: string;
  readonly maxInputBytes: number;
  readonly maxPixels: number;
  readonly workers: number;
}

export const DEFAULT_PRESET = 'veryfast';

const invalid = (field: string, expected: string, got: unknown, hint?: string): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `${field}: expected ${expected}, got ${JSON.stringify(got)}`, {
    hint: hint ?? `use ${expected}`,
    details: { field, expected, received: got },
  });

const oneOf = <T extends string>(field: string, list: readonly T[], value: string, aliases: Record<string, T> = {}): T => {
  const v = value.trim().toLowerCase();
  if ((list as readonly string[]).includes(v)) return v as T;
  if (v in aliases) return aliases[v] as T;
  throw invalid(field, `one of ${list.join(', ')}`, value);
};

const num = (field: string, value: number | string): number => {
  const n = typeof value === 'number' ? value : Number(String(value).trim().replace(/s$/i, ''));
  if (!Number.isFinite(n)) throw invalid(field, 'a number', value);
  return n;
};

export const parseSize = (value: string): SizeSpec => {
  const v = value.trim().toLowerCase();
  if (v in SIZE_PRESETS) return { kind: 'preset', shortSide: SIZE_PRESETS[v as SizePreset], name: v };
  if (v === '2160p' || v === 'uhd') return { kind: 'preset', shortSide: 2160, name: '4k' };
  const m = /^(\d+)\s*[x×*]\s*(\d+)$/.exec(v);
  if (!m) throw invalid('size', `${Object.keys(SIZE_PRESETS).join(', ')} or WxH`, value);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > 7680 || height > 7680) throw invalid('size', 'each side between 16 and 7680', value);
  if (width % 2 || height % 2) {
    const even = (n: number) => (n % 2 ? n + 1 : n);
    throw invalid('size', 'even width and height (H.264 with 4:2:0 chroma needs even numbers)', value, `use ${even(width)}x${even(height)}`);
  }
  return { kind: 'exact', width, height };
};

const NAMED_COLOURS: Record<string, readonly [number, number, number]> = {
  black: [0, 0, 0], white: [255, 255, 255], gray: [128, 128, 128], grey: [128, 128, 128],
  red: [220, 30, 30], green: [30, 160, 60], blue: [30, 60, 200], yellow: [245, 205, 40], pink: [240, 150, 180],
};
export const COLOUR_NAMES: readonly string[] = Object.keys(NAMED_COLOURS);

export const parseColour = (value: string): readonly [number, number, number] => {
  const v = value.trim().toLowerCase();
  if (v in NAMED_COLOURS) return NAMED_COLOURS[v]!;
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/.exec(v);
  if (!m) throw invalid('background', 'a colour like #1a1a1a, #fff or a name (black, white, gray)', value);
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
};

export const parseIntensity = (value: number | string): number => {
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (w in INTENSITY_WORDS) return INTENSITY_WORDS[w as keyof typeof INTENSITY_WORDS];
  }
  const n = num('intensity', value);
  if (n < 0 || n > 1) throw invalid('intensity', 'subtle, normal, strong or a number from 0 to 1', value);
  return n;
};

export const resolveAnimateSettings = (o: AnimateOptions = {}): AnimateSettings => {
  const durationS = o.duration === undefined ? 5 : num('duration', o.duration);
  if (durationS < 0.5 || durationS > 60) throw invalid('duration', 'seconds from 0.5 to 60', o.duration);
  const fps = o.fps === undefined ? 30 : num('fps', o.fps);
  if (!(FPS_VALUES as readonly number[]).includes(fps)) throw invalid('fps', `one of ${FPS_VALUES.join(', ')}`, o.fps);
  const size = parseSize(o.size ?? '1080p');
  const aspect = o.aspect === undefined || o.aspect === 'auto' ? 'auto' : oneOf('aspect', ASPECTS, o.aspect.replace('/', ':'), {
    landscape: '16:9', horizontal: '16:9', portrait: '9:16', vertical: '9:16', square: '1:1',
  });
  if (size.kind === 'exact' && aspect !== 'auto') {
    const [aw, ah] = aspect.split(':').map(Number) as [number, number];
    if (Math.abs(size.width / size.height - aw / ah) > 0.01) {
      throw invalid('size', `a size with the ${aspect} shape`, o.size, `drop --aspect or use a ${aspect} size such as ${aspectSize(aspect, Math.min(size.width, size.height)).join('x')}`);
    }
  }
  const fit = oneOf('fit', FITS, o.fit ?? 'cover', { contain: 'blur', 'contain-blur': 'blur', 'contain-color': 'color', colour: 'color', 'contain-colour': 'color', crop: 'cover', fill: 'cover' });
  const background = parseColour(o.background ?? '#000000');
  const format = oneOf('format', FORMATS, o.format ?? 'mp4', { 'mp4-h264': 'mp4', quicktime: 'mov' });
  const quality = oneOf('quality', QUALITIES, o.quality ?? 'high', { med: 'medium', hi: 'high', lo: 'low' });
  const move = oneOf('move', MOVES, o.move ?? 'auto', { 'kenburns': 'ken-burns', 'ken_burns': 'ken-burns', 'zoom_in': 'zoom-in', 'zoom_out': 'zoom-out', none: 'static' });
  const intensity = parseIntensity(o.intensity ?? 'normal');
  const easing = oneOf('easing', EASINGS, o.easing ?? 'smooth', { 'ease-in-out': 'smooth', easeinout: 'smooth' });
  const preset = o.preset ?? DEFAULT_PRESET;
  if (!/^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$/.test(preset)) throw invalid('preset', 'an x264 preset such as veryfast or medium', preset);
  const maxInputBytes = o.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const maxPixels = o.maxPixels ?? DEFAULT_MAX_PIXELS;
  const workers = Math.max(1, Math.min(8, Math.round(o.workers ?? 2)));
  return Object.freeze({ durationS, fps, size, aspect, fit, background, format, quality, move, intensity, easing, preset, maxInputBytes, maxPixels, workers });
};

/** The canvas for an aspect at a given short side, rounded to even numbers. */
export const aspectSize = (aspect: Aspect, shortSide: number): [number, number] => {
  const [aw, ah] = aspect.split(':').map(Number) as [number, number];
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return aw >= ah ? [even((shortSide * aw) / ah), even(shortSide)] : [even(shortSide), even((shortSide * ah) / aw)];
};

/** Follow the photo: landscape → 16:9, portrait → 9:16, near-square → 1:1. */
export const aspectForPhoto = (width: number, height: number): Aspect => {
  const r = width / height;
  if (r > 1.2) return '16:9';
  if (r < 1 / 1.2) return '9:16';
  return '1:1';
};

export const canvasSize = (s: AnimateSettings, photoW: number, photoH: number): { width: number; height: number; aspect: Aspect | 'custom' } => {
  if (s.size.kind === 'exact') return { width: s.size.width, height: s.size.height, aspect: s.aspect === 'auto' ? 'custom' : s.aspect };
  const aspect = s.aspect === 'auto' ? aspectForPhoto(photoW, photoH) : s.aspect;
  const [width, height] = aspectSize(aspect, s.size.shortSide);
  return { width, height, aspect };
};
