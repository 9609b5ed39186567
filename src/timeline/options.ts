/**
 * Loose options (the CLI's flags, the library's `animate` call) checked at the door and applied to
 * a draft as edits, after the sentence, so a flag given explicitly wins over the words. Each field
 * is checked against its closed list or range, and a bad one names the field, the rule and what
 * arrived. Output settings (format, quality, preset) are not part of a draft: they go to the plan.
 */
import {
  ASPECTS, DEPTH_MODES, EASINGS, FITS, FORMATS, FPS_VALUES, MOVES, QUALITIES, aspectSize, invalidOption, num, oneOf, parseColour, parseIntensity, parseSize,
  type Aspect, type DepthMode, type EasingName, type Fit, type Format, type MoveName, type Quality,
} from '../engine/index.js';
import { DEFAULTS } from './defaults.js';
import * as E from './edit.js';
import type { Draft } from './types.js';

export interface ClipOptions {
  /** Seconds, 0.5–60. */
  duration?: number | string;
  fps?: number | string;
  size?: string;
  aspect?: string;
  fit?: string;
  background?: string;
  move?: string;
  /** Which depth a depth move may use: auto, embedded, estimated, off. */
  depth?: string;
  intensity?: number | string;
  easing?: string;
  format?: string;
  quality?: string;
  /** x264 preset. */
  preset?: string;
}

/** Every option given, checked; absent ones stay absent (the draft's defaults apply). */
export interface CheckedOptions {
  readonly durationMs?: number;
  readonly fps?: number;
  readonly size?: string;
  readonly aspect?: Aspect;
  readonly fit?: Fit;
  readonly background?: string;
  readonly move?: MoveName;
  readonly depth?: DepthMode;
  readonly intensity?: number;
  readonly easing?: EasingName;
  readonly format?: Format;
  readonly quality?: Quality;
  readonly preset?: string;
}

export const checkOptions = (o: ClipOptions): CheckedOptions => {
  const c: { -readonly [K in keyof CheckedOptions]: CheckedOptions[K] } = {};
  if (o.duration !== undefined) {
    const s = num('duration', o.duration);
    if (s < 0.5 || s > 60) throw invalidOption('duration', 'seconds from 0.5 to 60', o.duration);
    c.durationMs = Math.round(s * 1000);
  }
  if (o.fps !== undefined) {
    const fps = num('fps', o.fps);
    if (!(FPS_VALUES as readonly number[]).includes(fps)) throw invalidOption('fps', `one of ${FPS_VALUES.join(', ')}`, o.fps);
    c.fps = fps;
  }
  if (o.aspect !== undefined && o.aspect !== 'auto') {
    c.aspect = oneOf<Aspect>('aspect', ASPECTS, o.aspect.replace('/', ':'), { landscape: '16:9', horizontal: '16:9', portrait: '9:16', vertical: '9:16', square: '1:1' });
  }
  if (o.size !== undefined) {
    const size = parseSize(o.size);
    if (size.kind === 'exact' && c.aspect) {
      const [aw, ah] = c.aspect.split(':').map(Number) as [number, number];
      if (Math.abs(size.width / size.height - aw / ah) > 0.01) {
        throw invalidOption('size', `a size with the ${c.aspect} shape`, o.size, `drop --aspect or use a ${c.aspect} size such as ${aspectSize(c.aspect, Math.min(size.width, size.height)).join('x')}`);
      }
    }
    c.size = size.kind === 'preset' ? size.name : `${size.width}x${size.height}`;
  }
  if (o.fit !== undefined) c.fit = oneOf<Fit>('fit', FITS, o.fit, { contain: 'blur', 'contain-blur': 'blur', 'contain-color': 'color', colour: 'color', 'contain-colour': 'color', crop: 'cover', fill: 'cover' });
  if (o.background !== undefined) {
    parseColour(o.background);
    c.background = o.background.trim();
  }
  if (o.move !== undefined) {
    c.move = oneOf<MoveName>('move', MOVES, o.move, {
      kenburns: 'ken-burns', ken_burns: 'ken-burns', zoom_in: 'zoom-in', zoom_out: 'zoom-out', none: 'static',
      orbit: 'orbit-right', parallax: 'parallax-right', dolly: 'dolly-in', '3d': '3d-zoom', 'dolly_in': 'dolly-in', 'dolly_out': 'dolly-out', vertigo: 'dolly-zoom',
    });
  }
  if (o.depth !== undefined) c.depth = oneOf<DepthMode>('depth', DEPTH_MODES, o.depth, { none: 'off', no: 'off', camera: 'embedded', estimate: 'estimated' });
  if (o.intensity !== undefined) c.intensity = parseIntensity(o.intensity);
  if (o.easing !== undefined) c.easing = oneOf<EasingName>('easing', EASINGS, o.easing, { 'ease-in-out': 'smooth', easeinout: 'smooth' });
  if (o.format !== undefined) c.format = oneOf<Format>('format', FORMATS, o.format, { 'mp4-h264': 'mp4', quicktime: 'mov' });
  if (o.quality !== undefined) c.quality = oneOf<Quality>('quality', QUALITIES, o.quality, { med: 'medium', hi: 'high', lo: 'low' });
  if (o.preset !== undefined) {
    if (!/^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$/.test(o.preset)) throw invalidOption('preset', 'an x264 preset such as veryfast or medium', o.preset);
    c.preset = o.preset;
  }
  return c;
};

/** The checked options as edits of the draft (canvas, length, every shot's framing and move). */
export const applyOptions = (d: Draft, c: CheckedOptions): Draft => {
  let out = d;
  if (c.durationMs !== undefined) out = E.setShots(E.setTargetDuration(out, c.durationMs), 'all', { durationMs: null });
  const canvas = {
    ...(c.aspect ? { aspect: c.aspect } : {}), ...(c.size ? { size: c.size } : {}),
    ...(c.fps !== undefined ? { fps: c.fps } : {}), ...(c.background ? { background: c.background } : {}),
  };
  if (Object.keys(canvas).length) out = E.setCanvas(out, canvas);
  const shot = {
    ...(c.move ? { move: c.move } : {}), ...(c.depth ? { depth: c.depth } : {}), ...(c.intensity !== undefined ? { intensity: c.intensity } : {}),
    ...(c.easing ? { easing: c.easing } : {}), ...(c.fit ? { fit: c.fit } : {}),
  };
  if (Object.keys(shot).length) out = E.setShots(out, 'all', shot);
  return out;
};

/** The output settings the options ask for, over the table's. */
export const outputOptions = (c: CheckedOptions): { format: Format; quality: Quality; preset: string } => ({
  format: c.format ?? DEFAULTS.output.format, quality: c.quality ?? DEFAULTS.output.quality, preset: c.preset ?? DEFAULTS.output.preset,
});
