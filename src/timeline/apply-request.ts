/**
 * A parsed request applied to a draft through the pure edit functions: what the words state
 * changes, nothing else. Returns the new draft and notes on what could not be applied as asked.
 */
import type { Direction, InstructionRequest, Move as ReqMove, PositionWord, TextItem as ReqText, TextRole } from '../language/request.js';
import { FPS_VALUES, pickTrack, type MoveName } from '../engine/index.js';
import { DEFAULTS, PLATFORM_ASPECT, SPEED_INTENSITY, TEXT_SCALE, textPositionFor } from './defaults.js';
import * as E from './edit.js';
import { timing } from './timing.js';
import type { Draft, TextPosition, TransitionType } from './types.js';
import { applyEffects } from './effects.js';

export interface MediaRef {
  readonly mediaId: string;
  readonly kind: 'image' | 'video' | 'audio';
  readonly name?: string;
}

export interface Applied {
  readonly draft: Draft;
  readonly notes: readonly string[];
  /** Whether the change needs a new render (a preview). */
  readonly visual: boolean;
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

const PAN: Partial<Record<Direction, MoveName>> = { left: 'pan-left', right: 'pan-right', up: 'pan-up', down: 'pan-down' };
/** Camera moves that travel (truck, pedestal, a dolly sideways) are depth moves: near things move more. */
const PARALLAX: Partial<Record<Direction, MoveName>> = { left: 'parallax-left', right: 'parallax-right', up: 'parallax-up', down: 'parallax-down' };

/**
 * A camera move in words → the move we make, with a note when it is an approximation. Where the
 * CLI and the chat once disagreed, the better answer of the two (docs/decisions.md, "One path").
 */
export const moveFor = (m: ReqMove): { move: MoveName; note: string | null; intensity?: number } => {
  const d = m.direction;
  const pan = d ? PAN[d] : undefined;
  switch (m.type) {
    case 'zoom': return { move: d === 'out' ? 'zoom-out' : 'zoom-in', note: null };
    // A dolly moves the camera: toward or away from the subject (depth), or sideways (a truck).
    // Depth moves are made flat when the photo's depth cannot be trusted, and the plan says so.
    case 'dolly': return { move: (d ? PARALLAX[d] : undefined) ?? (d === 'out' ? 'dolly-out' : 'dolly-in'), note: null };
    case 'dolly_zoom': return { move: 'dolly-zoom', note: null };
    case '3d_zoom': return { move: '3d-zoom', note: null };
    case 'pan': return { move: pan ?? 'pan-right', note: null };
    case 'truck': return { move: (d ? PARALLAX[d] : undefined) ?? 'parallax-right', note: null };
    case 'tilt': return { move: pan ?? 'pan-up', note: null };
    case 'pedestal': return { move: (d ? PARALLAX[d] : undefined) ?? 'parallax-up', note: null };
    case 'drift': return { move: pan ?? 'ken-burns', note: null };
    case 'ken_burns': return { move: 'ken-burns', note: null };
    case 'static': return { move: 'static', note: null };
    case 'orbit': return { move: d === 'ccw' || d === 'left' ? 'orbit-left' : 'orbit-right', note: null };
    case 'parallax': return { move: (d ? PARALLAX[d] : undefined) ?? '3d-zoom', note: null };
    case 'roll': return { move: 'ken-burns', note: 'camera roll is not supported yet; made a slow zoom with drift instead' };
    case 'shake': return { move: 'ken-burns', intensity: SPEED_INTENSITY.slow, note: 'handheld shake is not supported yet; made a gentle drift instead' };
  }
};

/**
 * The moves a sentence names, as moves we make: two pans across each other make a diagonal ("pan up
 * and to the left"); for one shot, a zoom with a pan is a Ken Burns move (a slideshow uses them in
 * turn instead). The intensity comes from the words of the moves used.
 */
export const movesFor = (moves: readonly ReqMove[], oneShot = true): Array<{ move: MoveName; intensity: number | null; note: string | null }> => {
  const out: Array<{ move: MoveName; intensity: number | null; note: string | null }> = [];
  for (let i = 0; i < moves.length; i++) {
    const a = moves[i]!, b = moves[i + 1];
    const intensity = (x: readonly ReqMove[]) => x.find((m) => m.intensity !== null)?.intensity ?? null;
    if (b && a.type === 'pan' && b.type === 'pan' && a.direction && b.direction) {
      const v = [a.direction, b.direction].find((x) => x === 'up' || x === 'down');
      const h = [a.direction, b.direction].find((x) => x === 'left' || x === 'right');
      if (v && h) { out.push({ move: `pan-${v}-${h}` as MoveName, intensity: intensity([a, b]), note: null }); i++; continue; }
    }
    if (oneShot && b && ((a.type === 'zoom' && b.type === 'pan') || (a.type === 'pan' && b.type === 'zoom'))) {
      out.push({ move: 'ken-burns', intensity: intensity([a, b]), note: null });
      i++;
      continue;
    }
    const f = moveFor(a);
    out.push({ move: f.move, intensity: a.intensity ?? f.intensity ?? null, note: f.note });
  }
  return out;
};

const POS: Record<PositionWord, TextPosition> = {
  top: 'top', bottom: 'bottom', center: 'center', lower_third: 'lower-third', upper_third: 'top', left: 'left', right: 'right',
  top_left: 'top-left', top_right: 'top-right', bottom_left: 'bottom-left', bottom_right: 'bottom-right',
};

/** A text's places, top to bottom, in the picture's three columns ("move the title up"). */
const TEXT_COLUMNS: ReadonlyArray<readonly TextPosition[]> = [['top', 'center', 'lower-third', 'bottom'], ['top-left', 'left', 'bottom-left'], ['top-right', 'right', 'bottom-right']];

/**
 * The texts a size or a move is about: every text (role null), the role's, or, for "字幕" or
 * "subtitles" where there is no text of that role, the texts there are.
 */
const textsMeant = (d: Draft, role: TextRole | null) => {
  const all = role === null || ((role === 'subtitle' || role === 'caption') && !d.texts.some((t) => t.role === role));
  return (t: { readonly role: string }) => all || t.role === role;
};

const TRANS: Record<string, TransitionType> = { crossfade: 'crossfade', fade_black: 'fade_black', fade_white: 'fade_white', slide: 'slide_left', push: 'push_left', wipe: 'wipe', zoom: 'zoom', blur: 'blur', none: 'cut' };

export interface ApplyOptions {
  /** The shots (0-based) the request is about, when the caller resolved its references (src/timeline/clips.ts); else from `req.photos`. */
  readonly which?: E.Which;
}

export const applyRequest = (draft: Draft, req: InstructionRequest, media: readonly MediaRef[] = [], opts: ApplyOptions = {}): Applied => {
  let d = draft;
  const notes: string[] = [];
  let visual = false;
  const touch = (next: Draft) => { if (next !== d) visual = true; d = next; };

  // Photos and clips given with the request that are not on the timeline yet.
  const onTimeline = new Set(d.shots.map((s) => s.mediaId));
  const newVisual = media.filter((m) => m.kind !== 'audio' && !onTimeline.has(m.mediaId));
  if (newVisual.length) touch(E.addShots(d, newVisual.map((m) => ({ mediaId: m.mediaId, kind: m.kind === 'video' ? 'video' : 'image', label: m.name ?? null }))));

  const which: E.Which = opts.which ?? (Array.isArray(req.photos)
    ? req.photos.map((i) => i - 1).filter((i) => i >= 0 && i < d.shots.length)
    : 'all');
  const picked = (i: number) => which === 'all' || (typeof which === 'number' ? which === i : which.includes(i));

  if (req.duration_s !== null) touch(E.setTargetDuration(d, Math.round(req.duration_s * 1000)));
  if (req.per_photo_s !== null) {
    touch(E.setShots(d, which, { durationMs: Math.round(req.per_photo_s * 1000) }));
    if (req.duration_s === null) touch(E.setTargetDuration(d, null));
  }

  const speed = req.speed ? SPEED_INTENSITY[req.speed] : null;
  if (req.moves.length) {
    // Several moves for a slideshow are used in turn; one shot makes one move.
    const inTurn = which === 'all' && d.shots.length > 1;
    const moves = movesFor(req.moves, !inTurn);
    for (const m of moves) if (m.note) notes.push(m.note);
    const first = moves[0]!;
    const intensity = first.intensity ?? speed;
    touch(E.setShots(d, which, { move: first.move, ...(intensity !== null ? { intensity } : {}) }));
    if (moves.length > 1) {
      if (inTurn) touch({ ...d, shots: d.shots.map((s, i) => ({ ...s, move: moves[i % moves.length]!.move })) });
      else notes.push(`one move per shot: used ${first.move}`);
    }
  } else if (speed !== null) {
    touch(E.setShots(d, which, { intensity: speed }));
  }

  const ed = req.edits;
  if (ed?.intensity || ed?.speed) {
    const delta = (ed.intensity === 'more' || ed.speed === 'faster' ? 1 : -1) * 0.2;
    touch({ ...d, shots: d.shots.map((s, i) => (picked(i) ? { ...s, intensity: clamp01((s.intensity ?? DEFAULTS.shot.intensity) + delta) } : s)) });
  }
  if (ed?.speed || ed?.duration) {
    // Slower/longer stretch the timeline; faster/shorter tighten it (by what was said, or a quarter).
    const total = timing(d).totalMs;
    const longer = ed.duration ? ed.duration === 'longer' : ed.speed === 'slower';
    const by = ed.duration_by_s !== undefined ? ed.duration_by_s * 1000 : total * 0.25;
    if (req.duration_s === null && total > 0) {
      const next = Math.max(500, Math.round(longer ? total + by : total - by));
      touch(E.setShots(E.setTargetDuration(d, next), 'all', { durationMs: null }));
    }
  }

  if (req.aspect) touch(E.setCanvas(d, { aspect: req.aspect === '21:9' ? '16:9' : req.aspect }));
  if (req.aspect === '21:9') notes.push('21:9 is not a canvas we make yet; used 16:9');
  if (!req.aspect && req.platform && PLATFORM_ASPECT[req.platform]) touch(E.setCanvas(d, { aspect: PLATFORM_ASPECT[req.platform]! }));
  if (req.resolution) touch(E.setCanvas(d, { size: req.resolution }));
  if (req.fps !== null) {
    const fps = FPS_VALUES.reduce<number>((a, b) => (Math.abs(b - req.fps!) < Math.abs(a - req.fps!) ? b : a), FPS_VALUES[0]);
    if (fps !== req.fps) notes.push(`${req.fps} fps is not offered; used ${fps}`);
    touch(E.setCanvas(d, { fps }));
  }

  for (const r of ed?.remove ?? []) {
    if (r === 'texts') touch(E.removeTexts(d, () => true));
    else if (r === 'title' || r === 'caption' || r === 'subtitle' || r === 'cta' || r === 'watermark') touch(E.removeTexts(d, (t) => t.role === r));
    else if (r === 'moves') touch(E.setShots(d, 'all', { move: 'static' }));
  }
  for (const t of req.texts) touch(applyText(d, t, !!ed?.replace, notes));
  if (ed?.text_move) {
    // One place up or down its column of the picture: top, centre, lower third, bottom (the corners
    // and sides move within their own column); at the edge it stays.
    const { dir, role } = ed.text_move;
    const match = textsMeant(d, role);
    if (!d.texts.some(match)) notes.push(`there is no ${role ?? 'text'} to move ${dir} yet: add one first ("add the title 'Summer Sale'")`);
    else {
      touch({ ...d, texts: d.texts.map((t) => {
        if (!match(t)) return t;
        const at = t.position ?? textPositionFor(t.role);
        const column = TEXT_COLUMNS.find((c) => c.includes(at))!;
        const i = column.indexOf(at) + (dir === 'up' ? -1 : 1);
        return i < 0 || i >= column.length ? t : { ...t, position: column[i]! };
      }) });
    }
  }
  if (ed?.text_size) {
    // A quarter bigger or a fifth smaller each time, as a scale of the role's own size (which follows the canvas).
    const { change, role } = ed.text_size;
    const match = textsMeant(d, role);
    if (!d.texts.some(match)) notes.push(`there is no ${role ?? 'text'} to make ${change} yet: add one first ("add the title 'Summer Sale'")`);
    else {
      const f = change === 'bigger' ? 1.25 : 0.8;
      touch({ ...d, texts: d.texts.map((t) => {
        if (!match(t)) return t;
        const scale = Math.round(Math.max(TEXT_SCALE[0], Math.min(TEXT_SCALE[1], (typeof t.style.scale === 'number' ? t.style.scale : 1) * f)) * 100) / 100;
        return { ...t, style: { ...t.style, scale } };
      }) });
    }
  }

  if (req.music) {
    const mu = req.music;
    if (mu.action === 'remove') touch(E.removeMusic(d));
    else {
      const file = [...media].reverse().find((m) => m.kind === 'audio');
      const patch: E.MusicPatch = {
        ...(mu.style ? { style: mu.style } : {}),
        ...(mu.volume !== null ? { volume: clamp01(mu.volume) } : {}),
        ...(mu.fade_in_s !== null ? { fadeInMs: Math.round(mu.fade_in_s * 1000) } : {}),
        ...(mu.fade_out_s !== null ? { fadeOutMs: Math.round(mu.fade_out_s * 1000) } : {}),
        ...(file ? { mediaId: file.mediaId, label: file.name ?? null } : {}),
      };
      // No file: the built-in track for the style (the project's own music), named on the timeline.
      const current = d.audio[0];
      if (!file && (!current || !current.mediaId) && (mu.style || !current)) {
        const track = pickTrack(mu.style ?? current?.style ?? null);
        notes.push(`music: built-in ${track.style} track "${track.name}" (${track.bpm} BPM, made by Stillmotion); upload a music file to use your own`);
      }
      touch(E.setMusic(d, patch));
    }
  } else if (media.some((m) => m.kind === 'audio')) {
    const file = [...media].reverse().find((m) => m.kind === 'audio')!;
    touch(E.setMusic(d, { mediaId: file.mediaId, label: file.name ?? null }));
  }
  if (ed?.volume && d.audio.length) {
    const v = clamp01((d.audio[0]!.volume ?? 1) + (ed.volume === 'louder' ? 0.15 : -0.15));
    touch(E.setMusic(d, { volume: v }));
  }

  if (req.transitions.length) {
    const t = req.transitions[0]!;
    const type = t.type ? TRANS[t.type]! : (d.shots.find((s) => s.transition)?.transition?.type ?? 'crossfade');
    touch(E.setTransitions(d, type === 'cut' ? null : { type, durationMs: t.duration_s !== null ? Math.round(t.duration_s * 1000) : DEFAULTS.transition.durationMs }));
  }
  if (req.loop !== null) touch(E.setLoop(d, req.loop));
  if (req.beat_sync) {
    const b = req.beat_sync;
    if (!b.on) touch(E.setBeat(d, null));
    else {
      const prev = d.beat ?? null;
      touch(E.setBeat(d, { every: b.every ?? prev?.every ?? null, accent: b.accent ?? prev?.accent ?? 'none' }));
      // Beat sync needs music: the built-in track of the style asked for (or lo-fi) when there is none.
      if (d.audio.length === 0 && !media.some((m) => m.kind === 'audio')) {
        const track = pickTrack(req.music?.style ?? null);
        touch(E.setMusic(d, { style: track.words[0]! }));
        notes.push(`music: built-in ${track.style} track "${track.name}" (${track.bpm} BPM, made by Stillmotion); upload a music file to use your own`);
      }
      // A cut lands on the beat: cross-fades would blur it.
      if (!req.transitions.length) touch(E.setTransitions(d, null));
    }
  }
  if (req.background) {
    const bg = req.background;
    if (bg.kind === 'blur') touch(E.setShots(d, 'all', { fit: 'blur' }));
    else {
      touch(E.setCanvas(d, { background: bg.kind === 'transparent' ? 'transparent' : bg.color! }));
      // A chosen colour (or transparency) shows around the whole photo, not a blurred copy of it.
      touch({ ...d, shots: d.shots.map((s) => (s.fit === 'blur' ? { ...s, fit: 'color' } : s)) });
    }
  }
  if (req.looks?.length) notes.push(`colour looks (${req.looks.join(', ')}) are not made yet: the photos keep their own colours`);
  const living = applyEffects(d, req, which);
  touch(living.draft);
  notes.push(...living.notes);
  if (req.subject_motion && !living.handled) notes.push(`"${req.subject_motion}" is not a motion this engine knows: it makes clouds drift, water ripple or flow, leaves sway and steam rise, and adds snow, rain, dust, petals, light or fog; say which and where`);
  return { draft: d, notes, visual };
};

const applyText = (d: Draft, t: ReqText, replace: boolean, notes: string[]): Draft => {
  const role = t.role ?? 'title';
  const position = t.position ? POS[t.position] ?? null : null;
  const startMs = t.start_s !== null ? Math.round(t.start_s * 1000) : null;
  const durationMs = t.end_s !== null ? Math.max(100, Math.round(t.end_s * 1000) - (startMs ?? 0)) : null;
  const existing = d.texts.find((x) => x.role === role);
  if (t.text === null) {
    if (!existing) notes.push(`a ${role} was asked for without its words: say the words in quotes`);
    else if (position || startMs !== null || durationMs !== null) {
      return E.updateTexts(d, (x) => x.id === existing.id, { ...(position ? { position } : {}), ...(startMs !== null ? { startMs } : {}), ...(durationMs !== null ? { durationMs } : {}) });
    }
    return d;
  }
  if (existing && (replace || role === 'title' || role === 'cta' || role === 'watermark')) {
    return E.updateTexts(d, (x) => x.id === existing.id, { text: t.text, ...(position ? { position } : {}), ...(startMs !== null ? { startMs } : {}), ...(durationMs !== null ? { durationMs } : {}) });
  }
  return E.addText(d, {
    text: t.text, role, position,
    ...(startMs !== null ? { startMs } : {}),
    ...(durationMs !== null ? { durationMs } : {}),
  });
};
