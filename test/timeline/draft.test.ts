import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRequest } from '../../src/language/request.js';
import { StillmotionError } from '../../src/errors.js';
import { applyRequest, edit as E, emptyDraft, fromCompact, resolveDraft, summarize, timing, toCompact, type Draft, type MediaInfo } from '../../src/timeline/index.js';

const three = (): Draft => E.addShots(emptyDraft(), [{ mediaId: 'm1', label: 'beach.jpg' }, { mediaId: 'm2' }, { mediaId: 'm3' }]);

const rich = (): Draft => {
  let d = three();
  d = E.setShots(d, 1, { move: 'pan-left', intensity: 0.8, durationMs: 4000, fit: 'blur', easing: 'ease-in' });
  d = E.setTransitions(d, { type: 'crossfade', durationMs: 500 });
  d = E.setCanvas(d, { aspect: '9:16', fps: 25, background: '#112233' });
  d = E.setTargetDuration(d, 12000);
  d = E.addText(d, { text: '夏日特卖 Summer Sale', role: 'title' });
  d = E.addText(d, { text: 'Shop now', role: 'cta', position: 'bottom', startMs: 9000, durationMs: 3000, style: { color: '#ffcc00' } });
  d = E.setMusic(d, { mediaId: 'song', style: 'lo-fi', volume: 0.35, fadeInMs: 500, fadeOutMs: 1500 });
  return E.setLoop(d, true);
};

test('compact form round-trips losslessly both ways', () => {
  for (const d of [emptyDraft(), three(), rich()]) {
    const c = toCompact(d);
    assert.deepEqual(fromCompact(c), d);
    assert.deepEqual(toCompact(fromCompact(JSON.parse(JSON.stringify(c)))), c);
  }
  const c = toCompact(rich());
  assert.deepEqual(c.t.map((t) => t.tt), [0, 1, 7]);
  assert.equal(c.aspect, '9:16');
  const v = c.t[0]!.sg;
  assert.deepEqual(v.map((s) => s.s), [0, v[0]!.d - 500, v[0]!.d - 500 + 4000 - 500], 'starts account for the crossfades');
  assert.ok(v.every((s) => s.d > 0));
});

test('the schema names the path, the rule and what arrived', () => {
  const bad = { t: [{ tt: 0, sg: [{ s: 0, d: 3000, m: { media_id: 'a' } }, { s: 0, d: 1000, m: { media_id: 'b' } }, { s: 0, d: -5, m: { media_id: 'c', move: 'spin' } }] }, { tt: 3, sg: [] }] };
  assert.throws(() => fromCompact(bad), (e: unknown) => {
    assert.ok(e instanceof StillmotionError);
    assert.equal(e.code, 4007);
    assert.match(e.message, /t\[0\]\.sg\[2\]\.d: must be > 0, got -5/);
    assert.match(e.message, /t\[0\]\.sg\[2\]\.m\.move: must be one of .*, got "spin"/);
    assert.match(e.message, /t\[1\]\.tt: must be 0 \(video\), 1 \(audio\) or 7 \(text\), got 3/);
    return true;
  });
  assert.throws(() => fromCompact('nope'), /draft: must be an object/);
  assert.throws(() => fromCompact({ t: [{ tt: 7, sg: [{ s: 0, d: 1000, m: { text: '' } }] }] }), /t\[0\]\.sg\[0\]\.m\.text: must not be empty/);
  assert.throws(() => fromCompact({ t: [{ tt: 1, sg: [{ s: 0, d: 1000, m: { vol: 2 } }] }] }), /m\.vol: must be <= 1/);
  assert.throws(() => fromCompact({ t: [{ tt: 1, sg: [{ s: 0, d: 1000, m: { vol: 1 } }] }] }), /m: needs a media_id/);
});

test('edit functions are pure and do what they say', () => {
  const d = three();
  const before = JSON.stringify(d);
  const removed = E.removeShots(d, 1);
  assert.deepEqual(removed.shots.map((s) => s.mediaId), ['m1', 'm3']);
  const moved = E.moveShot(d, 0, 2);
  assert.deepEqual(moved.shots.map((s) => s.mediaId), ['m2', 'm3', 'm1']);
  const added = E.addShots(d, [{ mediaId: 'm4' }], 1);
  assert.deepEqual(added.shots.map((s) => s.mediaId), ['m1', 'm4', 'm2', 'm3']);
  assert.equal(new Set(added.shots.map((s) => s.id)).size, 4, 'ids stay unique');
  const set = E.setShots(d, [0, 2], { move: 'zoom-out' });
  assert.deepEqual(set.shots.map((s) => s.move), ['zoom-out', 'auto', 'zoom-out']);
  const tr = E.setTransitions(d, { type: 'wipe', durationMs: 400 });
  assert.deepEqual(tr.shots.map((s) => s.transition?.type ?? null), ['wipe', 'wipe', null]);
  const txt = E.updateTexts(E.addText(d, { text: 'A', role: 'title' }), (t) => t.role === 'title', { text: 'B' });
  assert.equal(txt.texts[0]!.text, 'B');
  assert.equal(E.removeTexts(txt, () => true).texts.length, 0);
  const mus = E.setMusic(E.setMusic(d, { style: 'upbeat' }), { volume: 0.2 });
  assert.deepEqual([mus.audio.length, mus.audio[0]!.style, mus.audio[0]!.volume], [1, 'upbeat', 0.2]);
  assert.equal(E.removeMusic(mus).audio.length, 0);
  assert.equal(E.setCanvas(d, { aspect: '1:1' }).canvas.aspect, '1:1');
  assert.equal(JSON.stringify(d), before, 'the original draft is untouched');
});

test('timing: defaults, requested totals, per-shot lengths and transition overlaps', () => {
  assert.equal(timing(E.addShots(emptyDraft(), [{ mediaId: 'a' }])).totalMs, 5000);
  assert.equal(timing(three()).totalMs, 9000);
  const t15 = timing(E.setTransitions(E.setTargetDuration(three(), 15000), { type: 'crossfade', durationMs: 600 }));
  assert.equal(t15.totalMs, 15000, 'the total asked for, crossfades included');
  assert.deepEqual(t15.shots.map((s) => s.overlapMs), [600, 600, 0]);
  const fixed = timing(E.setShots(three(), 'all', { durationMs: 1500 }));
  assert.equal(fixed.totalMs, 4500);
  const music = timing(E.setMusic(three(), { mediaId: 'song' }), { song: 12000 });
  assert.equal(music.totalMs, 12000, 'fits the music');
});

test('the one-line summary', () => {
  let d = E.addShots(emptyDraft(), [{ mediaId: 'm', label: 'city timelapse' }]);
  d = E.setTargetDuration(d, 10000);
  d = E.setMusic(d, { style: 'Lo-fi', volume: 0.35 });
  d = E.addText(d, { text: 'Urban Dreams', role: 'title' });
  assert.equal(summarize(d), 'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)');
  assert.equal(summarize(emptyDraft()), 'Timeline (0 tracks): empty');
  // The same line for a Chinese reader; the English one above stays the API's parseable form.
  const moved = E.setShots(d, 'all', { move: 'pan-up-left' });
  assert.equal(summarize(moved, {}, {}, 'zh'), '时间线（3 条轨道）：1. 视频：city timelapse，向左上平移（0–10 秒） 2. 背景音乐：Lo-fi（0–10 秒，35%） 3. 标题：“Urban Dreams”（0–3 秒）');
  assert.equal(summarize(emptyDraft(), {}, {}, 'zh'), '时间线（0 条轨道）：空');
});

test('a request applies through the edit functions: only what the words state changes', () => {
  const req = { ...emptyRequest(), intent: 'edit' as const, duration_s: 15, aspect: '9:16' as const, moves: [{ type: 'zoom' as const, direction: 'in' as const, intensity: null }], speed: 'slow' as const,
    texts: [{ text: 'Summer Sale', role: 'title' as const, position: null, start_s: null, end_s: null }],
    music: { action: 'add' as const, style: 'lo-fi', volume: 0.35, fade_in_s: null, fade_out_s: null },
    transitions: [{ type: 'crossfade' as const, duration_s: null }] };
  const a = applyRequest(three(), req);
  assert.equal(a.draft.targetDurationMs, 15000);
  assert.equal(a.draft.canvas.aspect, '9:16');
  assert.ok(a.draft.shots.every((s) => s.move === 'zoom-in' && s.intensity === 0.3));
  assert.equal(a.draft.texts[0]!.text, 'Summer Sale');
  assert.deepEqual([a.draft.audio[0]!.style, a.draft.audio[0]!.volume], ['lo-fi', 0.35]);
  assert.ok(a.notes.some((n) => /attach a music file/.test(n)), 'says the music needs a file');
  assert.equal(a.draft.shots[0]!.transition?.type, 'crossfade');
  assert.equal(a.draft.canvas.fps, 30, 'unstated fields keep their values');
  // Follow-ups.
  const slower = applyRequest(a.draft, { ...emptyRequest(), intent: 'edit', edits: { speed: 'slower' } });
  assert.ok(timing(slower.draft).totalMs > 15000);
  const rename = applyRequest(a.draft, { ...emptyRequest(), intent: 'edit', texts: [{ text: 'Winter Sale', role: 'title', position: null, start_s: null, end_s: null }], edits: { replace: true } });
  assert.deepEqual(rename.draft.texts.map((t) => t.text), ['Winter Sale']);
  const quiet = applyRequest(a.draft, { ...emptyRequest(), intent: 'edit', music: { action: 'remove', style: null, volume: null, fade_in_s: null, fade_out_s: null } });
  assert.equal(quiet.draft.audio.length, 0);
  const noText = applyRequest(a.draft, { ...emptyRequest(), intent: 'edit', edits: { remove: ['texts'] } });
  assert.equal(noText.draft.texts.length, 0);
  const second = applyRequest(three(), { ...emptyRequest(), photos: [2], moves: [{ type: 'pan', direction: 'right', intensity: 0.6 }] });
  assert.deepEqual(second.draft.shots.map((s) => s.move), ['auto', 'pan-right', 'auto']);
  const orbit = applyRequest(three(), { ...emptyRequest(), moves: [{ type: 'orbit', direction: null, intensity: null }] });
  assert.deepEqual(orbit.draft.shots.map((s) => s.move), ['orbit-right', 'orbit-right', 'orbit-right']);
  const tiktok = applyRequest(three(), { ...emptyRequest(), platform: 'tiktok' });
  assert.equal(tiktok.draft.canvas.aspect, '9:16');
});

test('resolving: frame-exact boundaries, overlaps in frames, varied moves, fit by shape', () => {
  let d = E.setTransitions(E.setTargetDuration(three(), 10000), { type: 'crossfade', durationMs: 500 });
  d = E.setCanvas(d, { aspect: '16:9', size: '720p' });
  const media: Record<string, MediaInfo> = {
    m1: { mediaId: 'm1', kind: 'image', width: 1600, height: 900 },
    m2: { mediaId: 'm2', kind: 'image', width: 900, height: 1600 },
    m3: { mediaId: 'm3', kind: 'image', width: 1200, height: 800 },
  };
  const r = resolveDraft(d, (id) => media[id]);
  assert.deepEqual([r.canvas.width, r.canvas.height, r.canvas.fps, r.frames], [1280, 720, 30, 300]);
  const s = r.shots;
  for (let i = 0; i < 2; i++) {
    assert.equal(s[i]!.startFrame + s[i]!.frames - s[i + 1]!.startFrame, s[i]!.transitionOut!.frames, 'overlap = transition frames');
    assert.equal(s[i]!.transitionOut!.frames, 15);
  }
  assert.equal(s[2]!.startFrame + s[2]!.frames, 300, 'last shot ends on the last frame');
  assert.deepEqual(s.map((x) => x.variant), [0, 1, 2], 'auto moves vary from shot to shot');
  assert.deepEqual(s.map((x) => x.fit), ['cover', 'blur', 'cover'], 'a portrait photo in a landscape reel is shown whole');
  assert.deepEqual(s.map((x) => [x.intensity, x.easing]), [[0.5, 'smooth'], [0.5, 'smooth'], [0.5, 'smooth']], 'defaults from the table');
  assert.throws(() => resolveDraft(d, () => undefined), (e: unknown) => e instanceof StillmotionError && e.kind === 'MEDIA_NOT_FOUND');
});
