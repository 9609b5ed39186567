/**
 * The engine's vocabulary of canvases and outputs (aspects, frame rates, sizes, framings, formats,
 * qualities) and the parsers that check a value against it, naming the field, the rule and what
 * arrived. Defaults are not here: the draft's defaults table fills them (timeline/defaults.ts).
 */
import { StillmotionError } from '../errors.js';
import { INTENSITY_WORDS } from './plan/moves.js';

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

export const DEFAULT_MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Decode limit: a 108 MP phone photo passes, a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 200_000_000;

export const DEFAULT_PRESET = 'veryfast';

export type SizeSpec = { kind: 'preset'; shortSide: number; name: string } | { kind: 'exact'; width: number; height: number };

export const invalidOption = (field: string, expected: string, got: unknown, hint?: string): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `${field}: expected ${expected}, got ${JSON.stringify(got)}`, {
    hint: hint ?? `use ${expected}`,
    details: { field, expected, received: got },
  });

export const oneOf = <T extends string>(field: string, list: readonly T[], value: string, aliases: Record<string, T> = {}): T => {
  const v = value.trim().toLowerCase();
  if ((list as readonly string[]).includes(v)) return v as T;
  if (v in aliases) return aliases[v] as T;
  throw invalidOption(field, `one of ${list.join(', ')}`, value);
};

export const num = (field: string, value: number | string): number => {
  const n = typeof value === 'number' ? value : Number(String(value).trim().replace(/s$/i, ''));
  if (!Number.isFinite(n)) throw invalidOption(field, 'a number', value);
  return n;
};

export const parseSize = (value: string): SizeSpec => {
  const v = value.trim().toLowerCase();
  if (v in SIZE_PRESETS) return { kind: 'preset', shortSide: SIZE_PRESETS[v as SizePreset], name: v };
  if (v === '2160p' || v === 'uhd') return { kind: 'preset', shortSide: 2160, name: '4k' };
  const m = /^(\d+)\s*[x×*]\s*(\d+)$/.exec(v);
  if (!m) throw invalidOption('size', `${Object.keys(SIZE_PRESETS).join(', ')} or WxH`, value);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > 7680 || height > 7680) throw invalidOption('size', 'each side between 16 and 7680', value);
  if (width % 2 || height % 2) {
    const even = (n: number) => (n % 2 ? n + 1 : n);
    throw invalidOption('size', 'even width and height (H.264 with 4:2:0 chroma needs even numbers)', value, `use ${even(width)}x${even(height)}`);
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
  if (!m) throw invalidOption('background', 'a colour like #1a1a1a, #fff or a name (black, white, gray)', value);
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
};

export const parseIntensity = (value: number | string): number => {
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (w in INTENSITY_WORDS) return INTENSITY_WORDS[w as keyof typeof INTENSITY_WORDS];
  }
  const n = num('intensity', value);
  if (n < 0 || n > 1) throw invalidOption('intensity', 'subtle, normal, strong or a number from 0 to 1', value);
  return n;
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

/** A colour as '#rrggbb'. */
export const colourHex = (c: readonly [number, number, number]): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
