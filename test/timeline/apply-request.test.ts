import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, movesFor, timing, type Draft } from '../../src/timeline/index.js';

/** A sentence applied as a chat's first turn with one photo (and what `animate -p` does too). */
const once = (sentence: string, photos = 1): { draft: Draft; notes: readonly string[] } =>
  applyRequest(emptyDraft(), parseInstruction(sentence), Array.from({ length: photos }, (_, i) => ({ mediaId: `p${i}`, kind: 'image' as const })));

test('the moves words name: the better answer of what the CLI and the chat once gave', () => {
  // The sentences of issue 12's table, where the two paths disagreed.
  const cases: Array<[string, string]> = [
    ['orbit around the bottle', 'orbit-right'],
    ['parallax effect', '3d-zoom'],
    ['handheld shake', 'ken-burns'],
    ['dolly left', 'parallax-left'],
    ['pan up and to the left', 'pan-up-left'],
    ['zoom in and pan left', 'ken-burns'],
    ['dolly in', 'dolly-in'],
    ['dolly out slowly', 'dolly-out'],
    ['drift to the right', 'pan-right'],
    ['tilt down', 'pan-down'],
    ['orbit counterclockwise', 'orbit-left'],
    ['crane up', 'parallax-up'],
    ['truck left', 'parallax-left'],
    ['dolly zoom', 'dolly-zoom'],
    ['3D zoom', '3d-zoom'],
    ['slow dolly forward through the entrance', 'dolly-in'],
    ['推镜头', 'dolly-in'],
    ['拉镜头', 'dolly-out'],
    ['环绕拍摄', 'orbit-right'],
    ['视差效果', '3d-zoom'],
    ['3D效果', '3d-zoom'],
    ['每张3秒，肯伯恩斯效果', 'ken-burns'],
  ];
  for (const [sentence, move] of cases) assert.equal(once(sentence).draft.shots[0]!.move, move, sentence);
  // Approximations say so; a shake is a gentle drift.
  assert.ok(once('handheld shake').notes.some((n) => /shake/.test(n)));
  assert.equal(once('handheld shake').draft.shots[0]!.intensity, 0.3);
  // Depth moves are asked for as such: whether the photo's depth allows them is decided when planned.
  assert.deepEqual(once('orbit around the bottle').notes, []);
  assert.deepEqual(movesFor(parseInstruction('pan down and to the right').moves).map((m) => m.move), ['pan-down-right']);
});

test('speed, platform, aspect and fps words become values from the one table', () => {
  const a = once('8 second slow push in, 9:16, 1080p, 60fps');
  const s = a.draft.shots[0]!;
  assert.deepEqual([s.move, s.intensity], ['dolly-in', 0.3]);
  assert.deepEqual([a.draft.canvas.aspect, a.draft.canvas.size, a.draft.canvas.fps], ['9:16', '1080p', 60]);
  assert.equal(timing(a.draft).totalMs, 8000);
  assert.equal(once('pan up and to the left, for TikTok').draft.canvas.aspect, '9:16');
  assert.equal(once('for the instagram feed').draft.canvas.aspect, '4:5');
  assert.equal(once('fast').draft.shots[0]!.intensity, 0.8, 'a speed without a move still sets how much the camera moves');
  const wide = once('21:9 please');
  assert.equal(wide.draft.canvas.aspect, '16:9');
  assert.ok(wide.notes.some((n) => /21:9/.test(n)));
  const odd = once('at 29 fps');
  assert.equal(odd.draft.canvas.fps, 30);
  assert.ok(odd.notes.some((n) => /29 fps/.test(n)));
});

test('one shot makes one move; a slideshow uses several in turn', () => {
  const one = once('zoom in, then pan right, then zoom out');
  assert.equal(one.draft.shots[0]!.move, 'ken-burns', 'a zoom with a pan, for one shot');
  assert.ok(one.notes.some((n) => /one move per shot/.test(n)), one.notes.join('; '));
  const three = once('zoom in, then pan right, then zoom out', 3);
  assert.deepEqual(three.draft.shots.map((s) => s.move), ['zoom-in', 'pan-right', 'zoom-out']);
});

test('a one-shot draft takes titles, music and loops as a chat does', () => {
  const d = once('title "Sale", lo-fi music at 30%, loop it').draft;
  assert.equal(d.texts[0]!.text, 'Sale');
  assert.deepEqual([d.audio[0]!.style, d.audio[0]!.volume, d.audio[0]!.fadeInMs, d.audio[0]!.fadeOutMs], ['lo-fi', 0.3, 500, 1000]);
  assert.equal(d.loop, true);
});
