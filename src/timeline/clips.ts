/**
 * Several clips in one session (issue 15): each clip is a draft of its own. A request is applied to
 * the clips its words are about: references to photos ("the first photo", "photo 2", "the last
 * one", "第二张", "最后一张", a file name, "this one", "all of them") are resolved against the
 * session's photos in upload order; "a separate video for each photo" makes one clip per photo.
 * Pure: the agent stores and renders what this returns. Problems say why (part of) a request could
 * not be done, in English (the agent words them for a Chinese reply).
 */
import type { InstructionRequest } from '../language/request.js';
import { applyRequest, type MediaRef } from './apply-request.js';
import * as E from './edit.js';
import type { Draft, Shot } from './types.js';
import { emptyDraft } from './defaults.js';

export interface Clip {
  readonly id: string;
  readonly draft: Draft;
}

export interface ClipSession {
  /** In upload order of their first photo (see `orderClips`). */
  readonly clips: readonly Clip[];
  readonly active: string;
  /** The photo the conversation is about ("this one"): the last one a request named alone. */
  readonly focus: string | null;
}

export interface ClipsApplied {
  readonly clips: readonly Clip[];
  readonly active: string;
  readonly focus: string | null;
  /** Clips whose draft changed in a way that shows (each needs a new preview), in clip order. */
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  /** What applyRequest noted (approximations), without repeats. */
  readonly notes: readonly string[];
  /** Why (part of) the request could not be done. */
  readonly problems: readonly string[];
}

/** The photos (and video clips) the words may name, in upload order; audio is not counted. */
export const visualMedia = <M extends MediaRef>(media: readonly M[]): M[] => media.filter((m) => m.kind !== 'audio');

const stem = (name: string): string => name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
const nameOf = (m: MediaRef, i: number): string => m.name ?? `photo ${i + 1}`;
const listPhotos = (vis: readonly MediaRef[]): string => vis.map((m, i) => `${i + 1}. ${nameOf(m, i)}`).join(', ');

/** `unresolved`: the words named photos, and none of them exists (the problems say why). */
export type Reference = { readonly kind: 'none' } | { readonly kind: 'unresolved' } | { readonly kind: 'all' } | { readonly kind: 'some'; readonly ids: readonly string[] };

/**
 * What the words refer to, as media ids in upload order. `message` is the sentence as typed: a
 * name with spaces, or without its extension but with a digit, underscore or dash, is found there.
 */
export const resolveReferences = (req: InstructionRequest, message: string, media: readonly MediaRef[], focus: string | null, active: Draft | null):
  { ref: Reference; problems: string[] } => {
  const vis = visualMedia(media);
  const problems: string[] = [];
  const ids: string[] = [];
  const n = vis.length;
  const count = `this session has ${n} photo${n === 1 ? '' : 's'}${n ? ` (${listPhotos(vis)})` : ''}`;
  const at = (i: number, said: string) => {
    if (i >= 0 && i < n) ids.push(vis[i]!.mediaId);
    else problems.push(`there is no ${said}: ${count}`);
  };
  if (Array.isArray(req.photos)) for (const p of req.photos) at(p - 1, `photo ${p}`);
  for (const k of req.refs?.from_end ?? []) at(n - k, k === 1 ? 'last photo' : `photo ${k} from the end`);
  const lower = message.toLowerCase();
  for (const written of req.refs?.names ?? []) {
    const w = written.toLowerCase();
    const hit = vis.find((m) => (m.name ?? '').toLowerCase() === w) ?? vis.find((m) => m.name && stem(m.name).toLowerCase() === stem(w));
    if (hit) ids.push(hit.mediaId);
    else problems.push(`no photo is named ${written}: ${count}`);
  }
  // Names the parser cannot see as names (spaces), or written without the extension. A name
  // uploaded twice is the first one (the same photo, sent again).
  const named = new Set(ids.map((id) => vis.find((m) => m.mediaId === id)?.name?.toLowerCase()));
  for (const m of vis) {
    if (!m.name || ids.includes(m.mediaId) || named.has(m.name.toLowerCase())) continue;
    named.add(m.name.toLowerCase());
    const full = m.name.toLowerCase();
    const s = stem(full);
    const word = (x: string) => new RegExp(`(?<![\\p{L}\\p{N}_])${x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'u').test(lower);
    if (word(full) || (s.length >= 4 && /[\d_-]/.test(s) && word(s))) ids.push(m.mediaId);
  }
  if (req.refs?.this && ids.length === 0) {
    const only = active && active.shots.length === 1 ? active.shots[0]!.mediaId : null;
    const it = focus && vis.some((m) => m.mediaId === focus) ? focus : only ?? (n === 1 ? vis[0]!.mediaId : null);
    if (it) ids.push(it);
  }
  if (ids.length) {
    const set = new Set(ids);
    return { ref: { kind: 'some', ids: vis.filter((m) => set.has(m.mediaId)).map((m) => m.mediaId) }, problems };
  }
  if (problems.length) return { ref: { kind: 'unresolved' }, problems };
  if (req.photos === 'all') return { ref: { kind: 'all' }, problems };
  return { ref: { kind: 'none' }, problems };
};

/** Whether the request changes the clip as a whole (canvas, length, texts, music…) rather than its shots. */
export const clipLevel = (req: InstructionRequest): boolean =>
  req.aspect !== null || req.platform !== null || req.resolution !== null || req.fps !== null || req.duration_s !== null || req.texts.length > 0 ||
  req.music !== null || req.transitions.length > 0 || req.loop !== null || req.background !== undefined || req.beat_sync !== undefined ||
  (req.edits?.remove ?? []).some((r) => r !== 'moves' && r !== 'subject_motion');

const nextClipId = (clips: readonly Clip[]): string => {
  let n = 0;
  for (const c of clips) {
    const m = /^clip(\d+)$/.exec(c.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `clip${n + 1}`;
};

/** A new clip's draft: the canvas, texts, music and loop of `from`, with these shots and no requested total. */
const clipFrom = (from: Draft, shots: readonly Shot[]): Draft => ({
  ...from,
  targetDurationMs: null,
  shots: shots.map((s, i) => ({ ...s, id: `shot${i + 1}`, durationMs: shots.length === 1 ? null : s.durationMs, transition: i < shots.length - 1 ? s.transition : null })),
});

const shotFor = (d: Draft, m: MediaRef): Shot => d.shots.find((s) => s.mediaId === m.mediaId)
  ?? E.addShots(emptyDraft(), [{ mediaId: m.mediaId, kind: m.kind === 'video' ? 'video' : 'image', label: m.name ?? null }]).shots[0]!;

/** Clips in the upload order of their first photo (clips without photos last), stable otherwise. */
export const orderClips = (clips: readonly Clip[], media: readonly MediaRef[]): Clip[] => {
  const pos = new Map(visualMedia(media).map((m, i) => [m.mediaId, i]));
  const key = (c: Clip) => Math.min(...c.draft.shots.map((s) => pos.get(s.mediaId) ?? 1e9), 1e9);
  return clips.map((c, i) => ({ c, i, k: key(c) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.c);
};

/** The request without its references (they were resolved into the clips and shots it is applied to). */
const plain = (req: InstructionRequest): InstructionRequest => {
  const { refs: _refs, ...rest } = req;
  return { ...rest, photos: null };
};

/**
 * Applies a request to a session's clips. `media`: every medium of the session in upload order;
 * `message`: the words as typed (for file names).
 */
export const applyToClips = (s: ClipSession, req: InstructionRequest, media: readonly MediaRef[], message: string): ClipsApplied => {
  const vis = visualMedia(media);
  const audioUsed = new Set(s.clips.flatMap((c) => c.draft.audio.flatMap((a) => (a.mediaId ? [a.mediaId] : []))));
  const freshAudio = media.filter((m) => m.kind === 'audio' && !audioUsed.has(m.mediaId));
  let clips: Clip[] = s.clips.length ? [...s.clips] : [{ id: 'clip1', draft: emptyDraft() }];
  let active = clips.some((c) => c.id === s.active) ? s.active : clips[0]!.id;
  const before = new Map(clips.map((c) => [c.id, JSON.stringify(c.draft)]));
  const notes: string[] = [];
  const problems: string[] = [];
  const activeDraft = () => clips.find((c) => c.id === active)!.draft;
  const { ref, problems: refProblems } = resolveReferences(req, message, media, s.focus, activeDraft());
  problems.push(...refProblems);
  let focus = ref.kind === 'some' && ref.ids.length === 1 ? ref.ids[0]! : s.focus;
  const set = (id: string, draft: Draft) => { clips = clips.map((c) => (c.id === id ? { ...c, draft } : c)); };
  const add = (draft: Draft): string => {
    const id = nextClipId(clips);
    clips.push({ id, draft });
    return id;
  };
  const inClip = new Set(clips.flatMap((c) => c.draft.shots.map((x) => x.mediaId)));
  const fresh = vis.filter((m) => !inClip.has(m.mediaId));
  const nameOfId = (id: string) => {
    const i = vis.findIndex((m) => m.mediaId === id);
    return i < 0 ? id : `photo ${i + 1} (${nameOf(vis[i]!, i)})`;
  };
  /** The clips the rest of the request applies to, each with the shots it is about. */
  let targets: Array<{ id: string; which: E.Which }> = [];

  if (ref.kind === 'unresolved') {
    // Nothing is changed on a guess: the reply says which photo was not found, and what there is.
  } else if (req.refs?.separate) {
    // One clip per photo: a photo that has a clip of its own keeps it; slideshows give way.
    const base = activeDraft();
    const own = new Map(clips.filter((c) => c.draft.shots.length === 1).map((c) => [c.draft.shots[0]!.mediaId, c]));
    const next: Clip[] = [];
    for (const m of vis) {
      const kept = own.get(m.mediaId);
      if (kept) { next.push(kept); continue; }
      const from = clips.find((c) => c.draft.shots.some((x) => x.mediaId === m.mediaId))?.draft ?? base;
      const id = nextClipId([...clips, ...next]);
      next.push({ id, draft: clipFrom(from, [shotFor(from, m)]) });
    }
    if (next.length === 0) problems.push('there is no photo to make a video of yet: upload photos first');
    else {
      clips = next;
      const want = ref.kind === 'some' ? new Set(ref.ids) : null;
      targets = clips.filter((c) => !want || want.has(c.draft.shots[0]!.mediaId)).map((c) => ({ id: c.id, which: 'all' }));
      active = targets[0]?.id ?? clips[0]!.id;
    }
  } else if (ref.kind === 'some') {
    const want = new Set(ref.ids);
    const only = !!req.refs?.only || !!req.refs?.others;
    const containing = clips.filter((c) => c.draft.shots.some((x) => want.has(x.mediaId)));
    const loose = ref.ids.filter((id) => !inClip.has(id));
    if (req.refs?.remove) {
      for (const c of containing) {
        const left = c.draft.shots.filter((x) => !want.has(x.mediaId));
        if (left.length === 0 && clips.length === 1) {
          problems.push(`removing ${ref.ids.map(nameOfId).join(' and ')} would leave the video without a photo; upload another photo first, or say which photo to use instead`);
          continue;
        }
        if (left.length === 0) clips = clips.filter((x) => x.id !== c.id);
        else set(c.id, E.removeShots(c.draft, c.draft.shots.flatMap((x, i) => (want.has(x.mediaId) ? [i] : []))));
      }
      if (!containing.length && !problems.length) problems.push(`${ref.ids.map(nameOfId).join(' and ')} ${ref.ids.length === 1 ? 'is' : 'are'} not in any video`);
      if (!clips.some((c) => c.id === active)) active = clips[0]!.id;
      focus = null;
    } else if (only) {
      // The clip in front (or the one holding the photos) keeps only them.
      const target = containing.find((c) => c.id === active) ?? containing[0] ?? clips.find((c) => c.id === active)!;
      const d = target.draft;
      const keep = vis.filter((m) => want.has(m.mediaId)).map((m) => shotFor(d, m));
      const same = d.shots.length === keep.length && d.shots.every((x) => want.has(x.mediaId));
      if (same) problems.push(`the video already uses only ${ref.ids.map(nameOfId).join(' and ')}`);
      else set(target.id, { ...d, shots: keep.map((x, i) => ({ ...x, transition: i < keep.length - 1 ? x.transition : null })) });
      active = target.id;
      targets = [{ id: target.id, which: 'all' }];
    } else {
      // Photos in no clip yet get one (the empty first clip when there is one); a clip-level change
      // about some of a slideshow's photos makes a version of its own; a shot change stays a shot change.
      if (loose.length) {
        const empty = clips.find((c) => c.draft.shots.length === 0);
        // A photo's own clip starts from the defaults, not from another photo's settings.
        const draft = clipFrom(empty?.draft ?? emptyDraft(), vis.filter((m) => loose.includes(m.mediaId)).map((m) => shotFor(emptyDraft(), m)));
        const id = empty ? (set(empty.id, draft), empty.id) : add(draft);
        targets.push({ id, which: 'all' });
      }
      for (const c of containing) {
        const idx = c.draft.shots.flatMap((x, i) => (want.has(x.mediaId) ? [i] : []));
        const part = idx.length < c.draft.shots.length;
        if (part && clipLevel(req)) {
          const mine = c.draft.shots.filter((x) => want.has(x.mediaId));
          const existing = clips.find((o) => o.id !== c.id && o.draft.shots.length === mine.length && o.draft.shots.every((x, i) => x.mediaId === mine[i]!.mediaId));
          targets.push({ id: existing?.id ?? add(clipFrom(c.draft, mine)), which: 'all' });
        } else targets.push({ id: c.id, which: part ? idx : 'all' });
      }
      targets = targets.filter((t, i) => targets.findIndex((x) => x.id === t.id) === i);
      active = targets[targets.length - 1]?.id ?? active;
    }
  } else {
    // No photo named: new photos join the clip in front (one clip per photo when there are several clips).
    if (fresh.length) {
      if (clips.length > 1) {
        for (const m of fresh) targets.push({ id: add(clipFrom(emptyDraft(), [shotFor(emptyDraft(), m)])), which: 'all' });
      } else set(active, E.addShots(activeDraft(), fresh.map((m) => ({ mediaId: m.mediaId, kind: m.kind === 'video' ? 'video' : 'image', label: m.name ?? null }))));
    }
    if (req.refs?.others) {
      const keepId = focus && clips.find((c) => c.id === active)!.draft.shots.some((x) => x.mediaId === focus) ? focus : null;
      const d = activeDraft();
      if (!keepId) problems.push(`I cannot tell which photo should stay: say which one, for example "only use photo 2" (${count(vis)})`);
      else if (d.shots.length === 1) problems.push(`the video already uses only ${nameOfId(keepId)}`);
      else set(active, { ...d, shots: d.shots.filter((x) => x.mediaId === keepId).map((x) => ({ ...x, transition: null })) });
    }
    if (ref.kind === 'all' && clips.length > 1) targets.push(...clips.map((c) => ({ id: c.id, which: 'all' as const })));
    else if (!targets.length) targets.push({ id: active, which: 'all' });
    if (targets.length === 1) active = targets[0]!.id;
  }

  // The rest of the request, on each target clip.
  const rest = plain(req);
  // Applied to every target whatever the request holds: a request that asks nothing leaves a draft as
  // it was (applyRequest returns it unchanged), so a new request field needs no list kept here.
  for (const t of targets) {
    const c = clips.find((x) => x.id === t.id);
    if (!c) continue;
    const r = applyRequest(c.draft, rest, freshAudio, { which: t.which });
    for (const n of r.notes) if (!notes.includes(n)) notes.push(n);
    set(c.id, r.draft);
  }

  clips = clips.filter((c) => c.draft.shots.length > 0 || clips.length === 1);
  clips = orderClips(clips, media);
  if (!clips.some((c) => c.id === active)) active = clips[0]!.id;
  const changed = clips.filter((c) => before.get(c.id) !== JSON.stringify(c.draft) && c.draft.shots.length > 0).map((c) => c.id);
  const removed = [...before.keys()].filter((id) => !clips.some((c) => c.id === id));
  return { clips, active, focus, changed, removed, notes, problems };
};

const count = (vis: readonly MediaRef[]): string => `the photos are ${listPhotos(vis)}`;
