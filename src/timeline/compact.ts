/**
 * The compact JSON form of a draft (API.md): canvas at the top level, `t` tracks with `tt` type
 * (0 video, 1 audio, 7 text), `sg` segments with `s` start and `d` duration in ms, `m` metadata.
 * `fromCompact` validates at the door against closed lists and ranges (`DRAFT_LIMITS`) and names
 * the path of anything wrong (`t[0].sg[2].d: must be > 0, got -5`); `toCompact` and `fromCompact`
 * round-trip losslessly.
 */
import { ASPECTS, COLOUR_NAMES, DEPTH_MODES, EASINGS, EFFECT_DIRECTIONS, EFFECT_TYPES, FITS, FPS_VALUES, MOVES, REGION_NAMES, SIZE_PRESETS, TEXT_ALIGNS, TEXT_COLOUR_NAMES, TEXT_FONTS, TEXT_WEIGHTS } from '../engine/index.js';
import { Checker, fieldName } from './check.js';
import { TEXT_SCALE, textAnimationFor } from './defaults.js';
import { timing } from './timing.js';
import { TEXT_ANIMATIONS, TEXT_POSITIONS, TEXT_ROLES, TRANSITIONS, type AudioClip, type Draft, type Effect, type Shot, type TextItem, type TransitionType } from './types.js';

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
  /** Cuts on the beat: beats per cut (or 'bar', or null: by tempo) and the accent. */
  beat?: { every: number | 'bar' | null; accent: 'none' | 'pulse' | 'flash' };
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
        media_id: sh.mediaId, kind: sh.kind, move: sh.move, depth: sh.depth && sh.depth !== 'auto' ? sh.depth : null, intensity: sh.intensity, easing: sh.easing, fit: sh.fit,
        tr: sh.transition ? { type: sh.transition.type, d: sh.transition.durationMs } : null,
        trim: sh.trimStartMs || null, vol: sh.kind === 'video' ? sh.volume : null, label: sh.label,
        auto_d: sh.durationMs === null ? true : null,
        fx: sh.effects?.length ? sh.effects.map(effectToCompact) : null,
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
  return drop({ version: 1 as const, aspect: d.canvas.aspect, size: d.canvas.size, fps: d.canvas.fps, bg: d.canvas.background, target_d: d.targetDurationMs, loop: d.loop || null, beat: d.beat ? { every: d.beat.every, accent: d.beat.accent } : null, t }) as CompactDraft;
};

/**
 * The draft's limits, one place. Every field is checked against a closed list, a number range
 * or a strict pattern; unknown fields are refused; strings are length-capped and free of control
 * characters (free text may hold tabs and line breaks). The ranges are sanity bounds of the
 * format: what a server accepts for an export (length, size, segments) is decided by its settings.
 */
export const DRAFT_LIMITS = {
  /** Any time on the timeline (start, length, trim, fades, requested total): up to 24 h. */
  maxMs: 86_400_000,
  transitionMaxMs: 5000,
  textChars: 500,
  labelChars: 255,
  styleChars: 100,
  trackNameChars: 100,
  idChars: 64,
  mediaIdChars: 128,
  /** Drafts of the CLI name their media by path. */
  pathChars: 4096,
  /** Text size as a fraction of the canvas height. */
  textSize: [0.01, 0.5],
  /** Outline width as a fraction of the font size. */
  outlineWidth: [0, 0.5],
  /** Box padding as a fraction of the font size. */
  boxPadding: [0, 2],
} as const;

const L = DRAFT_LIMITS;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const HEX6 = /^#[0-9a-fA-F]{6}$/;
const HEX68 = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const SIZE_WXH = /^([1-9]\d{1,3})x([1-9]\d{1,3})$/;
const SIZE_TEXT = `one of ${Object.keys(SIZE_PRESETS).join(', ')} or WxH (even sides from 16 to 7680)`;

const TOP = ['version', 'aspect', 'size', 'fps', 'bg', 'target_d', 'loop', 'beat', 't'] as const;
const TRACK = ['tt', 'name', 'sg'] as const;
const SEGMENT = ['id', 's', 'd', 'm'] as const;
const VIDEO_M = ['media_id', 'kind', 'move', 'depth', 'intensity', 'easing', 'fit', 'tr', 'trim', 'vol', 'label', 'auto_d', 'fx'] as const;
const EFFECT_M = ['type', 'region', 'dir', 'speed', 'strength', 'auto'] as const;
/** Effects a shot may carry, and corners a painted region may have. */
export const MAX_EFFECTS = 8;
export const MAX_POLYGON_POINTS = 64;

const effectToCompact = (e: Effect): Record<string, unknown> => drop({
  type: e.type, region: typeof e.region === 'string' ? e.region : { poly: e.region.polygon.map(([x, y]) => [x, y]) },
  dir: e.direction, speed: e.speed, strength: e.strength, auto: e.auto ? true : null,
});

/** A shot's effects (`m.fx`): a closed list of kinds, regions and directions, fractions in 0–1. */
const effectsOf = (c: Checker, path: string, v: unknown): Effect[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) { c.fail(path, 'must be a list of effects', v); return undefined; }
  if (v.length > MAX_EFFECTS) { c.fail(path, `must hold at most ${MAX_EFFECTS} effects`, v.length); return undefined; }
  const out: Effect[] = [];
  v.forEach((raw, i) => {
    const p = `${path}[${i}]`;
    const o = c.obj(p, raw);
    if (!o) return;
    c.keys(p, o, EFFECT_M);
    const type = c.str(`${p}.type`, o.type, { oneOf: EFFECT_TYPES }) as Effect['type'] | null;
    let region: Effect['region'] | null = null;
    if (typeof o.region === 'string' || o.region === undefined) region = c.str(`${p}.region`, o.region ?? 'all', { oneOf: REGION_NAMES }) as Effect['region'] | null;
    else {
      const r = c.obj(`${p}.region`, o.region);
      if (r) {
        c.keys(`${p}.region`, r, ['poly']);
        const pts = r.poly;
        if (!Array.isArray(pts) || pts.length < 3 || pts.length > MAX_POLYGON_POINTS) c.fail(`${p}.region.poly`, `must be a list of 3 to ${MAX_POLYGON_POINTS} [x, y] points`, Array.isArray(pts) ? pts.length : pts);
        else {
          const poly: Array<readonly [number, number]> = [];
          pts.forEach((pt, k) => {
            if (!Array.isArray(pt) || pt.length !== 2) { c.fail(`${p}.region.poly[${k}]`, 'must be [x, y]', pt); return; }
            const x = c.num(`${p}.region.poly[${k}][0]`, pt[0], { min: 0, max: 1 }), y = c.num(`${p}.region.poly[${k}][1]`, pt[1], { min: 0, max: 1 });
            if (x !== null && y !== null) poly.push([x, y]);
          });
          if (poly.length === pts.length) region = { polygon: poly };
        }
      }
    }
    const direction = c.str(`${p}.dir`, o.dir, { oneOf: EFFECT_DIRECTIONS, optional: true }) as Effect['direction'];
    const speed = c.num(`${p}.speed`, o.speed ?? 0.5, { min: 0, max: 1 });
    const strength = c.num(`${p}.strength`, o.strength ?? 0.5, { min: 0, max: 1 });
    const auto = o.auto === undefined || o.auto === null ? false : c.bool(`${p}.auto`, o.auto);
    if (type && region && speed !== null && strength !== null) out.push({ type, region, direction, speed, strength, ...(auto ? { auto: true as const } : {}) });
  });
  return out;
};
const AUDIO_M = ['media_id', 'style', 'label', 'vol', 'fi', 'fo', 'loop', 'auto_d'] as const;
const TEXT_M = ['text', 'role', 'pos', 'anim', 'style', 'auto_d'] as const;
const STYLE = ['font', 'weight', 'size', 'scale', 'color', 'outline', 'shadow', 'box', 'align'] as const;

export interface FromCompactOptions {
  /** `media_id`s are file paths (the CLI's draft files), not the service's ids. */
  readonly mediaPaths?: boolean;
}

const checkSize = (c: Checker, path: string, v: unknown): string | null => {
  const s = c.str(path, v, { max: 16 });
  if (s === null) return null;
  if (s in SIZE_PRESETS) return s;
  const m = SIZE_WXH.exec(s);
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (w >= 16 && h >= 16 && w <= 7680 && h <= 7680 && w % 2 === 0 && h % 2 === 0) return s;
  c.fail(path, `must be ${SIZE_TEXT}`, s);
  return null;
};

const textColour = (c: Checker, path: string, v: unknown): string | null => {
  const s = c.str(path, v, { max: 16 });
  if (s === null || HEX68.test(s) || TEXT_COLOUR_NAMES.includes(s)) return s;
  c.fail(path, `must be #RRGGBB, #RRGGBBAA or one of ${TEXT_COLOUR_NAMES.join(', ')}`, s);
  return null;
};

/** A text segment's style: only known fields, each from its closed list or range. */
const textStyle = (c: Checker, path: string, v: unknown): Record<string, unknown> => {
  if (v === undefined || v === null) return {};
  const o = c.obj(path, v);
  if (!o) return {};
  c.keys(path, o, STYLE);
  const out: Record<string, unknown> = {};
  const put = (k: string, x: unknown) => { if (x !== null && x !== undefined) out[k] = x; };
  if (o.font !== undefined) put('font', c.str(`${path}.font`, o.font, { oneOf: TEXT_FONTS }));
  if (o.weight !== undefined) put('weight', c.num(`${path}.weight`, o.weight, { oneOf: TEXT_WEIGHTS }));
  if (o.size !== undefined) put('size', c.num(`${path}.size`, o.size, { min: L.textSize[0], max: L.textSize[1] }));
  if (o.scale !== undefined) put('scale', c.num(`${path}.scale`, o.scale, { min: TEXT_SCALE[0], max: TEXT_SCALE[1] }));
  if (o.color !== undefined) put('color', textColour(c, `${path}.color`, o.color));
  if (o.align !== undefined) put('align', c.str(`${path}.align`, o.align, { oneOf: TEXT_ALIGNS }));
  if (o.shadow !== undefined) out.shadow = c.bool(`${path}.shadow`, o.shadow);
  // null removes the role's outline or box.
  if (o.outline === null) out.outline = null;
  else if (o.outline !== undefined) {
    const ol = c.obj(`${path}.outline`, o.outline);
    if (ol) {
      c.keys(`${path}.outline`, ol, ['color', 'width']);
      const color = textColour(c, `${path}.outline.color`, ol.color);
      const width = c.num(`${path}.outline.width`, ol.width, { min: L.outlineWidth[0], max: L.outlineWidth[1] });
      if (color !== null && width !== null) out.outline = { color, width };
    }
  }
  if (o.box === null) out.box = null;
  else if (o.box !== undefined) {
    const b = c.obj(`${path}.box`, o.box);
    if (b) {
      c.keys(`${path}.box`, b, ['color', 'opacity', 'padding']);
      const color = textColour(c, `${path}.box.color`, b.color);
      const opacity = c.num(`${path}.box.opacity`, b.opacity, { min: 0, max: 1 });
      const padding = c.num(`${path}.box.padding`, b.padding, { min: L.boxPadding[0], max: L.boxPadding[1] });
      if (color !== null && opacity !== null && padding !== null) out.box = { color, opacity, padding };
    }
  }
  return out;
};

/**
 * Validates a draft at the door and names the path of everything wrong (`t[0].sg[2].d: must be > 0,
 * got -5`), refusing with INVALID_DRAFT (4007).
 */
export const fromCompact = (input: unknown, opts: FromCompactOptions = {}): Draft => {
  const c = new Checker();
  const root = c.obj('draft', input);
  if (!root) throw c.error();
  const shots: Shot[] = [];
  const audio: AudioClip[] = [];
  const texts: TextItem[] = [];
  c.keys('', root, opts.mediaPaths ? [...TOP, 'media'] : TOP);
  if (root.version !== undefined) c.num('version', root.version, { oneOf: [1] });
  const aspect = c.str('aspect', root.aspect ?? 'auto', { oneOf: ['auto', ...ASPECTS] }) ?? 'auto';
  const size = checkSize(c, 'size', root.size ?? '1080p') ?? '1080p';
  const fps = c.num('fps', root.fps ?? 30, { oneOf: FPS_VALUES }) ?? 30;
  let bg = c.str('bg', root.bg ?? '#000000', { max: 16 }) ?? '#000000';
  if (!HEX6.test(bg) && !COLOUR_NAMES.includes(bg) && bg !== 'transparent') { c.fail('bg', `must be #RRGGBB, transparent or one of ${COLOUR_NAMES.join(', ')}`, bg); bg = '#000000'; }
  let beat: Draft['beat'] = null;
  if (root.beat !== undefined && root.beat !== null) {
    const b = c.obj('beat', root.beat);
    if (b) {
      c.keys('beat', b, ['every', 'accent']);
      const every = b.every === 'bar' ? 'bar' : b.every === null || b.every === undefined ? null : c.num('beat.every', b.every, { oneOf: [1, 2, 3, 4, 6, 8, 16] });
      const accent = (c.str('beat.accent', b.accent ?? 'none', { oneOf: ['none', 'pulse', 'flash'] }) ?? 'none') as 'none' | 'pulse' | 'flash';
      beat = { every, accent };
    }
  }
  const target = c.num('target_d', root.target_d, { gt: 0, max: L.maxMs, optional: true, round: true });
  const loop = c.bool('loop', root.loop);
  const mediaId = (path: string, v: unknown, optional = false): string | null =>
    opts.mediaPaths
      ? c.str(path, v, { optional, nonEmpty: true, max: L.pathChars })
      : c.str(path, v, { optional, max: L.mediaIdChars, pattern: ID, patternText: 'a media id from the upload answer (letters, digits, _ . : -)' });
  if (opts.mediaPaths && root.media !== undefined) {
    const map = c.obj('media', root.media);
    if (map) for (const [k, p] of Object.entries(map)) c.str(fieldName('media', k), p, { nonEmpty: true, max: L.pathChars });
  }
  if (!Array.isArray(root.t)) c.fail('t', 'must be an array of tracks', root.t);
  const tracks: unknown[] = Array.isArray(root.t) ? root.t : [];
  const ids = new Set<string>();
  tracks.forEach((tr: unknown, ti: number) => {
    const tp = `t[${ti}]`;
    const track = c.obj(tp, tr);
    if (!track) return;
    c.keys(tp, track, TRACK);
    if (track.name !== undefined) c.str(`${tp}.name`, track.name, { max: L.trackNameChars });
    if (track.tt !== 0 && track.tt !== 1 && track.tt !== 7) { c.fail(`${tp}.tt`, 'must be 0 (video), 1 (audio) or 7 (text)', track.tt); return; }
    if (!Array.isArray(track.sg)) { c.fail(`${tp}.sg`, 'must be an array of segments', track.sg); return; }
    (track.sg as unknown[]).forEach((sv: unknown, si: number) => {
      const p = `${tp}.sg[${si}]`;
      const seg = c.obj(p, sv);
      if (!seg) return;
      c.keys(p, seg, SEGMENT);
      let id = `${['v', 'a', '', '', '', '', '', 'x'][track.tt as number]}${ti}-${si}`;
      if (seg.id !== undefined) id = c.str(`${p}.id`, seg.id, { max: L.idChars, pattern: ID, patternText: 'letters, digits, _ . : - (starting with a letter or digit)' }) ?? id;
      if (ids.has(id)) c.fail(`${p}.id`, 'is used by another segment', id);
      ids.add(id);
      const s = c.num(`${p}.s`, seg.s ?? 0, { min: 0, max: L.maxMs, round: true }) ?? 0;
      const m = c.obj(`${p}.m`, seg.m ?? {}) ?? {};
      const auto = c.bool(`${p}.m.auto_d`, m.auto_d);
      const d = auto ? null : c.num(`${p}.d`, seg.d, { gt: 0, max: L.maxMs, round: true });
      if (auto && seg.d !== undefined) c.num(`${p}.d`, seg.d, { min: 0, max: L.maxMs, round: true });
      if (track.tt === 0) {
        c.keys(`${p}.m`, m, VIDEO_M);
        const kind = (c.str(`${p}.m.kind`, m.kind ?? 'image', { oneOf: ['image', 'video'] }) ?? 'image') as Shot['kind'];
        const tRaw = m.tr === undefined || m.tr === null ? null : c.obj(`${p}.m.tr`, m.tr);
        if (tRaw) c.keys(`${p}.m.tr`, tRaw, ['type', 'd']);
        // A photo has no sound: its `vol` is checked, then left at 1 (toCompact leaves it out).
        const volume = c.num(`${p}.m.vol`, m.vol ?? 1, { min: 0, max: 1 }) ?? 1;
        shots.push({
          id,
          mediaId: mediaId(`${p}.m.media_id`, m.media_id) ?? '',
          kind,
          durationMs: d,
          move: (c.str(`${p}.m.move`, m.move ?? 'auto', { oneOf: MOVES }) ?? 'auto') as Shot['move'],
          ...(m.depth !== undefined && m.depth !== null && m.depth !== 'auto' ? { depth: c.str(`${p}.m.depth`, m.depth, { oneOf: DEPTH_MODES }) as Shot['depth'] } : {}),
          intensity: c.num(`${p}.m.intensity`, m.intensity, { min: 0, max: 1, optional: true }),
          easing: c.str(`${p}.m.easing`, m.easing, { oneOf: EASINGS, optional: true }) as Shot['easing'],
          fit: c.str(`${p}.m.fit`, m.fit, { oneOf: FITS, optional: true }) as Shot['fit'],
          transition: tRaw ? {
            type: (c.str(`${p}.m.tr.type`, tRaw.type, { oneOf: TRANSITIONS }) ?? 'cut') as TransitionType,
            durationMs: c.num(`${p}.m.tr.d`, tRaw.d ?? 500, { min: 0, max: L.transitionMaxMs, round: true }) ?? 500,
          } : null,
          trimStartMs: c.num(`${p}.m.trim`, m.trim ?? 0, { min: 0, max: L.maxMs, round: true }) ?? 0,
          volume: kind === 'video' ? volume : 1,
          label: c.str(`${p}.m.label`, m.label, { optional: true, max: L.labelChars }),
          ...(m.fx !== undefined ? { effects: effectsOf(c, `${p}.m.fx`, m.fx) ?? [] } : {}),
        });
      } else if (track.tt === 1) {
        c.keys(`${p}.m`, m, AUDIO_M);
        const before = c.problems.length;
        const media = mediaId(`${p}.m.media_id`, m.media_id, true);
        const style = c.str(`${p}.m.style`, m.style, { optional: true, max: L.styleChars });
        if (!media && !style && c.problems.length === before) c.fail(`${p}.m`, 'needs a media_id (an uploaded file) or a style', m);
        audio.push({
          id, mediaId: media, style, label: c.str(`${p}.m.label`, m.label, { optional: true, max: L.labelChars }), startMs: s, durationMs: d,
          volume: c.num(`${p}.m.vol`, m.vol ?? 1, { min: 0, max: 1 }) ?? 1,
          fadeInMs: c.num(`${p}.m.fi`, m.fi ?? 0, { min: 0, max: L.maxMs, round: true }) ?? 0,
          fadeOutMs: c.num(`${p}.m.fo`, m.fo ?? 0, { min: 0, max: L.maxMs, round: true }) ?? 0,
          loop: c.bool(`${p}.m.loop`, m.loop),
        });
      } else {
        c.keys(`${p}.m`, m, TEXT_M);
        const role = (c.str(`${p}.m.role`, m.role ?? 'title', { oneOf: TEXT_ROLES }) ?? 'title') as TextItem['role'];
        texts.push({
          id,
          text: c.str(`${p}.m.text`, m.text, { nonEmpty: true, max: L.textChars, multiline: true }) ?? '',
          role,
          position: c.str(`${p}.m.pos`, m.pos, { oneOf: TEXT_POSITIONS, optional: true }) as TextItem['position'],
          animation: (c.str(`${p}.m.anim`, m.anim ?? textAnimationFor(role), { oneOf: TEXT_ANIMATIONS }) ?? textAnimationFor(role)) as TextItem['animation'],
          startMs: s,
          durationMs: d,
          style: textStyle(c, `${p}.m.style`, m.style),
        });
      }
    });
  });
  if (c.problems.length) throw c.error();
  return { canvas: { aspect, size, fps, background: bg }, targetDurationMs: target, shots, audio, texts, loop, ...(beat ? { beat } : {}) };
};

/** Ready to export: at least one track with a segment (API.md). */
export const isReady = (d: Draft): boolean => d.shots.length > 0;
