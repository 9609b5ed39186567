/**
 * The compact JSON form of a draft (API.md): canvas at the top level, `t` tracks with `tt` type
 * (0 video, 1 audio, 7 text), `sg` segments with `s` start and `d` duration in ms, `m` metadata.
 * `fromCompact` validates at the door and names the path of anything wrong
 * (`t[0].sg[2].d: must be > 0, got -5`); `toCompact` and `fromCompact` round-trip losslessly.
 */
import { StillmotionError } from '../errors.js';
import { EASINGS, FITS, MOVES } from '../engine/index.js';
import { textAnimationFor } from './defaults.js';
import { timing } from './timing.js';
import { TEXT_ANIMATIONS, TEXT_POSITIONS, TEXT_ROLES, TRANSITIONS, type AudioClip, type Draft, type Shot, type TextItem } from './types.js';

export type CompactSegment = { id: string; s: number; d: number; m: Record<string, unknown> };
export type CompactTrack = { tt: 0 | 1 | 7; name?: string; sg: CompactSegment[] };
export interface CompactDraft {
  version: 1;
  aspect: string;
  size: string;
  fps: number;
  bg: string;
  target_d?: number;
  loop?: boolean;
  t: CompactTrack[];
}

const drop = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

export const toCompact = (d: Draft): CompactDraft => {
  const tm = timing(d);
  const t: CompactTrack[] = [];
  t.push({
    tt: 0, name: 'Video',
    sg: d.shots.map((sh, i) => ({
      id: sh.id, s: tm.shots[i]!.startMs, d: tm.shots[i]!.durationMs,
      m: drop({
        media_id: sh.mediaId, kind: sh.kind, move: sh.move, intensity: sh.intensity, easing: sh.easing, fit: sh.fit,
        tr: sh.transition ? { type: sh.transition.type, d: sh.transition.durationMs } : null,
        trim: sh.trimStartMs || null, vol: sh.kind === 'video' ? sh.volume : null, label: sh.label,
        auto_d: sh.durationMs === null ? true : null,
      }),
    })),
  });
  if (d.audio.length) {
    t.push({
      tt: 1, name: 'Audio',
      sg: d.audio.map((a) => ({
        id: a.id, s: a.startMs, d: a.durationMs ?? Math.max(0, tm.totalMs - a.startMs),
        m: drop({ media_id: a.mediaId, style: a.style, label: a.label, vol: a.volume, fi: a.fadeInMs || null, fo: a.fadeOutMs || null, loop: a.loop || null, auto_d: a.durationMs === null ? true : null }),
      })),
    });
  }
  if (d.texts.length) {
    t.push({
      tt: 7, name: 'Text',
      sg: d.texts.map((x) => ({
        id: x.id, s: x.startMs, d: x.durationMs ?? Math.max(0, tm.totalMs - x.startMs),
        m: drop({ text: x.text, role: x.role, pos: x.position, anim: x.animation, style: Object.keys(x.style).length ? { ...x.style } : null, auto_d: x.durationMs === null ? true : null }),
      })),
    });
  }
  return drop({ version: 1 as const, aspect: d.canvas.aspect, size: d.canvas.size, fps: d.canvas.fps, bg: d.canvas.background, target_d: d.targetDurationMs, loop: d.loop || null, t }) as CompactDraft;
};

/** Collects every problem with its path, then throws one INVALID_DRAFT listing them. */
class Checker {
  readonly problems: string[] = [];
  fail(path: string, rule: string, got: unknown): void {
    this.problems.push(`${path}: ${rule}, got ${JSON.stringify(got) ?? 'nothing'}`);
  }
  obj(path: string, v: unknown): Record<string, unknown> | null {
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    this.fail(path, 'must be an object', v);
    return null;
  }
  num(path: string, v: unknown, opts: { min?: number; gt?: number; max?: number; optional?: boolean } = {}): number | null {
    if (v === undefined && opts.optional) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) { this.fail(path, 'must be a number', v); return null; }
    if (opts.gt !== undefined && !(v > opts.gt)) { this.fail(path, `must be > ${opts.gt}`, v); return null; }
    if (opts.min !== undefined && v < opts.min) { this.fail(path, `must be >= ${opts.min}`, v); return null; }
    if (opts.max !== undefined && v > opts.max) { this.fail(path, `must be <= ${opts.max}`, v); return null; }
    return v;
  }
  str(path: string, v: unknown, opts: { optional?: boolean; oneOf?: readonly string[]; nonEmpty?: boolean } = {}): string | null {
    if (v === undefined && opts.optional) return null;
    if (typeof v !== 'string') { this.fail(path, 'must be a string', v); return null; }
    if (opts.nonEmpty && !v.trim()) { this.fail(path, 'must not be empty', v); return null; }
    if (opts.oneOf && !opts.oneOf.includes(v)) { this.fail(path, `must be one of ${opts.oneOf.join(', ')}`, v); return null; }
    return v;
  }
}

export const fromCompact = (input: unknown): Draft => {
  const c = new Checker();
  const root = c.obj('draft', input);
  if (!root) throw invalid(c);
  const shots: Shot[] = [];
  const audio: AudioClip[] = [];
  const texts: TextItem[] = [];
  const aspect = c.str('aspect', root.aspect ?? 'auto') ?? 'auto';
  const size = c.str('size', root.size ?? '1080p') ?? '1080p';
  const fps = c.num('fps', root.fps ?? 30, { gt: 0, max: 60 }) ?? 30;
  const bg = c.str('bg', root.bg ?? '#000000') ?? '#000000';
  const target = c.num('target_d', root.target_d, { gt: 0, optional: true });
  if (!Array.isArray(root.t)) c.fail('t', 'must be an array of tracks', root.t);
  const tracks = Array.isArray(root.t) ? root.t : [];
  tracks.forEach((tr: unknown, ti: number) => {
    const tp = `t[${ti}]`;
    const track = c.obj(tp, tr);
    if (!track) return;
    if (track.tt !== 0 && track.tt !== 1 && track.tt !== 7) { c.fail(`${tp}.tt`, 'must be 0 (video), 1 (audio) or 7 (text)', track.tt); return; }
    if (!Array.isArray(track.sg)) { c.fail(`${tp}.sg`, 'must be an array of segments', track.sg); return; }
    track.sg.forEach((sv: unknown, si: number) => {
      const p = `${tp}.sg[${si}]`;
      const seg = c.obj(p, sv);
      if (!seg) return;
      const id = typeof seg.id === 'string' && seg.id ? seg.id : `${['v', 'a', '', '', '', '', '', 'x'][track.tt as number]}${ti}-${si}`;
      const s = c.num(`${p}.s`, seg.s ?? 0, { min: 0 }) ?? 0;
      const m = c.obj(`${p}.m`, seg.m ?? {}) ?? {};
      const auto = m.auto_d === true;
      const d = auto ? null : c.num(`${p}.d`, seg.d, { gt: 0 });
      if (track.tt === 0) {
        const kind = (c.str(`${p}.m.kind`, m.kind ?? 'image', { oneOf: ['image', 'video'] }) ?? 'image') as Shot['kind'];
        const tRaw = m.tr === undefined || m.tr === null ? null : c.obj(`${p}.m.tr`, m.tr);
        shots.push({
          id,
          mediaId: c.str(`${p}.m.media_id`, m.media_id, { nonEmpty: true }) ?? '',
          kind,
          durationMs: d,
          move: (c.str(`${p}.m.move`, m.move ?? 'auto', { oneOf: MOVES }) ?? 'auto') as Shot['move'],
          intensity: c.num(`${p}.m.intensity`, m.intensity, { min: 0, max: 1, optional: true }),
          easing: c.str(`${p}.m.easing`, m.easing, { oneOf: EASINGS, optional: true }) as Shot['easing'],
          fit: c.str(`${p}.m.fit`, m.fit, { oneOf: FITS, optional: true }) as Shot['fit'],
          transition: tRaw ? {
            type: (c.str(`${p}.m.tr.type`, tRaw.type, { oneOf: TRANSITIONS }) ?? 'cut') as Shot['transition'] extends infer T ? T extends { type: infer U } ? U : never : never,
            durationMs: c.num(`${p}.m.tr.d`, tRaw.d ?? 500, { min: 0, max: 5000 }) ?? 500,
          } : null,
          trimStartMs: c.num(`${p}.m.trim`, m.trim ?? 0, { min: 0 }) ?? 0,
          volume: c.num(`${p}.m.vol`, m.vol ?? 1, { min: 0, max: 1 }) ?? 1,
          label: c.str(`${p}.m.label`, m.label, { optional: true }),
        });
      } else if (track.tt === 1) {
        const mediaId = c.str(`${p}.m.media_id`, m.media_id, { optional: true });
        const style = c.str(`${p}.m.style`, m.style, { optional: true });
        if (!mediaId && !style) c.fail(`${p}.m`, 'needs a media_id (an uploaded file) or a style', m);
        audio.push({
          id, mediaId, style, label: c.str(`${p}.m.label`, m.label, { optional: true }), startMs: s, durationMs: d,
          volume: c.num(`${p}.m.vol`, m.vol ?? 1, { min: 0, max: 1 }) ?? 1,
          fadeInMs: c.num(`${p}.m.fi`, m.fi ?? 0, { min: 0 }) ?? 0,
          fadeOutMs: c.num(`${p}.m.fo`, m.fo ?? 0, { min: 0 }) ?? 0,
          loop: m.loop === true,
        });
      } else {
        const style = m.style === undefined || m.style === null ? {} : c.obj(`${p}.m.style`, m.style) ?? {};
        const role = (c.str(`${p}.m.role`, m.role ?? 'title', { oneOf: TEXT_ROLES }) ?? 'title') as TextItem['role'];
        texts.push({
          id,
          text: c.str(`${p}.m.text`, m.text, { nonEmpty: true }) ?? '',
          role,
          position: c.str(`${p}.m.pos`, m.pos, { oneOf: TEXT_POSITIONS, optional: true }) as TextItem['position'],
          animation: (c.str(`${p}.m.anim`, m.anim ?? textAnimationFor(role), { oneOf: TEXT_ANIMATIONS }) ?? textAnimationFor(role)) as TextItem['animation'],
          startMs: s,
          durationMs: d,
          style,
        });
      }
    });
  });
  if (c.problems.length) throw invalid(c);
  return { canvas: { aspect, size, fps, background: bg }, targetDurationMs: target, shots, audio, texts, loop: root.loop === true };
};

const invalid = (c: Checker) =>
  new StillmotionError('INVALID_DRAFT', c.problems.slice(0, 8).join('; ') + (c.problems.length > 8 ? ` (and ${c.problems.length - 8} more)` : ''), {
    hint: 'fix the field named in the message; see the draft format in README',
    details: { problems: c.problems },
  });

/** Ready to export: at least one track with a segment (API.md). */
export const isReady = (d: Draft): boolean => d.shots.length > 0;
