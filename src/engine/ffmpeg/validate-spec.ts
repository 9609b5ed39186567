/** Checks an EncodeSpec at the door: each error names the field, the rule and what arrived. */
import { StillmotionError } from '../../errors.js';
import type { EncodeSpec } from './encode-spec.js';

const FORMATS = ['mp4', 'webm', 'gif', 'mov'];
const QUALITIES = ['high', 'medium', 'low'];
const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow', 'placebo'];

const invalid = (field: string, expected: string, received: unknown, hint?: string): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `encode ${field}: expected ${expected}, got ${JSON.stringify(received)}`, {
    ...(hint ? { hint } : {}),
    details: { field, expected, received },
  });

const positiveInt = (field: string, v: unknown) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(field, 'a whole number ≥ 1', v);
};

const seconds = (field: string, v: unknown) => {
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw invalid(field, 'seconds ≥ 0', v);
};

export const validateEncodeSpec = (s: EncodeSpec): void => {
  positiveInt('width', s.width);
  positiveInt('height', s.height);
  positiveInt('frames', s.frames);
  if (typeof s.fps !== 'number' || !Number.isFinite(s.fps) || s.fps <= 0 || s.fps > 240) throw invalid('fps', 'a frame rate in (0, 240]', s.fps);
  if (!FORMATS.includes(s.format)) throw invalid('format', `one of ${FORMATS.join(', ')}`, s.format);
  if (!QUALITIES.includes(s.quality)) throw invalid('quality', `one of ${QUALITIES.join(', ')}`, s.quality);
  if (s.alpha && s.format !== 'webm' && s.format !== 'mov') {
    throw invalid('alpha', 'WebM or MOV output (MP4 and GIF have no alpha channel here)', s.format, 'export as webm or mov to keep transparency, or choose a background colour');
  }
  if (s.format !== 'gif') {
    // 4:2:0 video needs even dimensions.
    for (const [field, v] of [['width', s.width], ['height', s.height]] as const) {
      if (v % 2 !== 0) throw invalid(field, `an even number for ${s.format} (4:2:0 chroma)`, v, `use ${v + 1} or ${v - 1 || 2}`);
    }
  }
  if (s.preset !== undefined && !X264_PRESETS.includes(s.preset)) throw invalid('preset', `an x264 preset (${X264_PRESETS.join(', ')})`, s.preset);
  if (s.threads !== undefined) positiveInt('threads', s.threads);
  if (typeof s.output !== 'string' || s.output === '') throw invalid('output', 'a file path', s.output);
  if (s.input?.kind === 'file' ? !s.input.path : s.input?.kind !== 'pipe') throw invalid('input', "{ kind: 'pipe' } or { kind: 'file', path }", s.input);
  (s.audio ?? []).forEach((a, i) => {
    if (typeof a.path !== 'string' || a.path === '') throw invalid(`audio[${i}].path`, 'a file path', a.path);
    if (a.volume !== undefined && (typeof a.volume !== 'number' || !(a.volume >= 0 && a.volume <= 1))) throw invalid(`audio[${i}].volume`, 'a number from 0 to 1', a.volume);
    seconds(`audio[${i}].startS`, a.startS);
    seconds(`audio[${i}].trimS`, a.trimS);
    seconds(`audio[${i}].durationS`, a.durationS);
    seconds(`audio[${i}].fadeInS`, a.fadeInS);
    seconds(`audio[${i}].fadeOutS`, a.fadeOutS);
  });
};
