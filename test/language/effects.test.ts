/** Motion inside the picture in words (issue 14): effects, edits, cinemagraphs, what one photo cannot do. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstruction } from '../../src/language/index.js';

const fx = (s: string) => parseInstruction(s).effects ?? [];

test('effects keep the camera move separate', () => {
  const r = parseInstruction('make the clouds drift left and add a slow zoom toward the subject');
  assert.deepEqual(r.effects?.map(({ phrase: _p, ...e }) => e), [{ type: 'drift', region: 'sky', direction: 'left', speed: null, strength: null }]);
  assert.deepEqual(r.moves.map((m) => [m.type, m.direction]), [['zoom', 'in']]);
  const zh = parseInstruction('让天空的云向左飘，镜头慢慢推进');
  assert.deepEqual(zh.effects?.map((e) => [e.type, e.region, e.direction]), [['drift', 'sky', 'left']]);
  assert.equal(zh.moves[0]?.direction, 'in');
});

test('kinds, regions, speed and strength from the words', () => {
  assert.deepEqual(fx('gentle ripples on the lake surface').map((e) => [e.type, e.region, e.strength]), [['ripple', 'water', 0.3]]);
  assert.deepEqual(fx('add falling snow').map((e) => e.type), ['snow']);
  assert.deepEqual(fx('dust particles in light beams').map((e) => [e.type, e.strength]), [['dust', null]]);
  assert.deepEqual(fx('warm light shifting').map((e) => e.type), ['warm-shift']);
  assert.deepEqual(fx('drifting fog').map((e) => e.type), ['fog']);
  assert.equal(parseInstruction('drifting fog').moves.length, 0, '"drifting" was the fog, not the camera');
  assert.deepEqual(fx('shine sweeping across the product').map((e) => [e.type, e.region]), [['shine', 'subject']], 'a shine stays on the product');
  assert.deepEqual(fx('a light sweep across the whole photo').map((e) => [e.type, e.region]), [['shine', 'all']]);
  assert.deepEqual(fx('make the top third move to the right').map((e) => [e.type, e.region, e.direction]), [['drift', 'top-third', 'right']]);
  assert.equal(parseInstruction('make the top third move to the right').moves.length, 0);
  assert.deepEqual(fx('steam rising from the cup in the middle').map((e) => [e.type, e.region, e.direction]), [['rise', 'above-subject', 'up']], 'steam rises above the cup, which stays still');
  assert.deepEqual(fx('水面波光粼粼').map((e) => [e.type, e.region]), [['ripple', 'water']]);
  assert.deepEqual(fx('背景里飘着雪花').map((e) => [e.type]), [['snow']]);
  assert.deepEqual(fx('clouds moving fast').map((e) => e.speed), [0.8]);
  assert.deepEqual(fx('水面泛起涟漪').map((e) => [e.type, e.region]), [['ripple', 'water']], 'ripples are motion by themselves');
  assert.deepEqual(fx('subtle reflections shifting').map((e) => [e.type, e.region, e.strength]), [['ripple', 'water', 0.3]]);
});

test('a clause naming only a place puts the effect before it there', () => {
  assert.deepEqual(fx('make the grass sway in the wind, left half only').map((e) => [e.type, e.region]), [['sway', 'left-half']]);
  assert.deepEqual(parseInstruction('make the grass sway in the wind, left half only').not_understood, []);
  assert.deepEqual(fx('add snow, just the top third').map((e) => [e.type, e.region]), [['snow', 'top-third']]);
  assert.deepEqual(fx('让树叶摇动，只在左半边').map((e) => [e.type, e.region]), [['sway', 'left-half']]);
  assert.equal(parseInstruction('slow zoom in, left half only').effects, undefined, 'no effect to place: nothing made up');
});

test('what people type (2026-12-06 session): life, wind, rays, lanterns, stars, waves, and nouns joined by "and"', () => {
  for (const words of ['bring this photo to life', 'bring it to life', 'make this photo come alive', 'make the picture move', 'add subtle life to this photo', '让照片活起来', '让画面活起来']) {
    const r = parseInstruction(words);
    assert.equal(r.ambient, true, words);
    assert.deepEqual(r.not_understood, [], words);
    assert.equal(r.effects, undefined, `${words}: no particular effect`);
  }
  assert.equal(parseInstruction('bring the sky to life').ambient, undefined, 'a named place is that effect');
  assert.deepEqual(fx('bring the sky to life').map((e) => [e.type, e.region]), [['drift', 'sky']]);
  assert.deepEqual(fx('animate the clouds and the water').map((e) => [e.type, e.region]), [['drift', 'sky'], ['ripple', 'water']]);
  assert.deepEqual(parseInstruction('animate the clouds and the water').not_understood, []);
  assert.deepEqual(fx('make the clouds drift and add a title').map((e) => e.type), ['drift'], 'not every clause after "and" is a place');
  assert.deepEqual(parseInstruction('make the sea move but keep the boat still').not_understood, []);
  assert.deepEqual(fx('gentle breeze').map((e) => [e.type, e.region]), [['sway', 'foliage']], 'wind moves the trees and grass');
  assert.deepEqual(fx('make the trees sway').map((e) => [e.type, e.region]), [['sway', 'foliage']]);
  assert.deepEqual(fx('让树叶随风摆动').map((e) => [e.type, e.region]), [['sway', 'foliage']]);
  assert.deepEqual(fx('her hair blowing in the wind').map((e) => [e.type, e.region]), [['sway', null]], 'hair: the words or the brush have to say where');
  assert.deepEqual(parseInstruction('make the grass sway in the wind, camera still').moves.map((m) => m.type), ['static']);
  assert.deepEqual(fx('lens flare').map((e) => e.type), ['light-leak']);
  assert.deepEqual(fx('god rays').map((e) => e.type), ['light-leak']);
  assert.deepEqual(fx('dust particles in light beams').map((e) => e.type), ['dust'], 'the dust, not the beams');
  assert.deepEqual(fx('sunlight filtering through the trees').map((e) => e.type), ['warm-shift']);
  assert.deepEqual(fx('lanterns glowing softly').map((e) => [e.type, e.strength]), [['flicker', 0.3]]);
  assert.deepEqual(fx('让星星闪烁').map((e) => e.type), ['sparkles']);
  assert.deepEqual(fx('让海浪拍打沙滩').map((e) => [e.type, e.region]), [['ripple', 'water']]);
  assert.deepEqual(fx('smoke rising from the candle').map((e) => [e.type, e.region]), [['rise', 'above-subject']], 'smoke off a candle rises');
  const cn = parseInstruction('热气从咖啡杯升起');
  assert.deepEqual(cn.effects?.map((e) => e.type), ['rise']);
  assert.deepEqual(cn.moves, [], 'the steam rises, not the camera');
  assert.deepEqual(parseInstruction('steam rising, camera tilts up').moves.map((m) => m.type), ['tilt'], 'a camera named is a camera move');
  assert.deepEqual(fx('下着小雨').map((e) => e.type), ['rain']);
  const wall = parseInstruction('做成动态壁纸');
  assert.deepEqual([wall.ambient, wall.loop, wall.not_understood], [true, true, []], 'a live wallpaper: the scene moves, looping');
});

test('what people type (2026-12-05 session): each gives its effect and region', () => {
  const table: Array<[string, Array<[string, string | null, string | null]>]> = [
    ['subtle reflections shifting on the water', [['ripple', 'water', null]]],
    ['light rays shifting through the window', [['warm-shift', 'all', null]]],
    ['sun rays moving', [['warm-shift', 'all', null]]],
    ['make the flag wave', [['sway', null, null]]],
    ['make the water flow to the right', [['flow', 'water', 'right']]],
    ['流水潺潺', [['flow', 'water', null]]],
    ['fireflies', [['sparkles', 'all', null]]],
    ['dust particles in light beams', [['dust', 'all', null]]],
    ['gentle waves lapping on the shore', [['ripple', 'water', null]]],
    ['水面微微波动', [['ripple', 'water', null]]],
    ['让天空的云慢慢向左飘', [['drift', 'sky', 'left']]],
  ];
  for (const [words, want] of table) assert.deepEqual(fx(words).map((e) => [e.type, e.region, e.direction]), want, words);
  assert.equal(fx('subtle reflections shifting on the water')[0]?.strength, 0.3);
  assert.deepEqual(parseInstruction('subtle reflections shifting on the water').not_understood, []);
});

test('a thing whose place the words do not give has no region (the reply asks where); steam rises off the subject', () => {
  assert.deepEqual(fx('animate only the steam rising from the coffee cup').map((e) => [e.type, e.region]), [['rise', 'above-subject']]);
  assert.deepEqual(fx('咖啡杯冒着热气').map((e) => [e.type, e.region]), [['rise', 'above-subject']]);
  assert.deepEqual(fx('smoke rising in the top third').map((e) => [e.type, e.region]), [['rise', 'top-third']], 'a place said is the place');
  assert.deepEqual(fx('steam rising from the cup, in the middle').map((e) => [e.type, e.region]), [['rise', 'above-subject']], 'the middle in a clause of its own: still above the cup');
  assert.deepEqual(fx('咖啡杯冒着热气，在中间').map((e) => [e.type, e.region]), [['rise', 'above-subject']]);
  assert.deepEqual(fx('only the waterfall is moving').map((e) => [e.type, e.region]), [['flow', null]]);
});

test('no effect from a scene noun without motion, nor from a camera sentence', () => {
  assert.equal(parseInstruction('zoom into the clouds').effects, undefined);
  assert.equal(parseInstruction('slow zoom in').effects, undefined);
  assert.equal(parseInstruction('a photo of the lake').effects, undefined);
});

test('follow-ups change the effects there, not the camera or the length', () => {
  const calmer = parseInstruction('make the water calmer');
  assert.deepEqual(calmer.effect_edits, [{ target: 'water', change: 'calmer' }]);
  assert.equal(calmer.edits?.speed, undefined);
  assert.deepEqual(parseInstruction('stop the clouds').effect_edits, [{ target: 'sky', change: 'stop' }]);
  assert.deepEqual(parseInstruction('云再慢一点').effect_edits, [{ target: 'sky', change: 'slower' }]);
  assert.deepEqual(parseInstruction('make the snow faster').effect_edits, [{ target: 'snow', change: 'faster' }]);
});

test('"only X moves" is a cinemagraph; people and animals moving are kept to be answered', () => {
  assert.equal(parseInstruction('only the waterfall is moving, everything else remains perfectly still').cinemagraph, true);
  assert.equal(parseInstruction('水面荡漾，其他保持静止').cinemagraph, true);
  assert.equal(parseInstruction('make the clouds drift').cinemagraph, undefined);
  assert.deepEqual(parseInstruction('make her blink').impossible_motion, ['make her blink']);
  assert.deepEqual(parseInstruction('a dog running on the beach').impossible_motion, ['a dog running on the beach']);
  assert.equal(parseInstruction('让小狗跑起来').impossible_motion?.length, 1);
  assert.equal(parseInstruction('her hair blowing in the wind').impossible_motion, undefined, 'hair swaying is a region, not a person moving');
  assert.equal(parseInstruction('make her blink').effects, undefined);
});

test('the motion brush: a painted area spelled out reaches the draft as a polygon, checked like every draft field', async () => {
  const { applyRequest, emptyDraft, toCompact, fromCompact } = await import('../../src/timeline/index.js');
  const photos = [{ mediaId: 'p0', kind: 'image' as const }, { mediaId: 'p1', kind: 'image' as const }];
  const base = applyRequest(emptyDraft(), parseInstruction('a slideshow of both photos'), photos).draft;
  const r = parseInstruction('motion brush on photo 2: flow right, speed 0.4, strength 0.7, area 0.1 0.2, 0.5 0.2, 0.45 0.6, 0.12 0.55');
  assert.deepEqual(r.effects?.map(({ phrase: _p, ...e }) => e), [{ type: 'flow', region: null, polygon: [[0.1, 0.2], [0.5, 0.2], [0.45, 0.6], [0.12, 0.55]], direction: 'right', speed: 0.4, strength: 0.7 }]);
  assert.deepEqual(r.photos, [2]);
  assert.deepEqual(r.moves, [], 'the brush words are not a camera move');
  const d = applyRequest(base, r, photos).draft;
  assert.equal(d.shots[0]!.effects, undefined);
  const c = toCompact(d) as { t: Array<{ sg: Array<{ m: { fx?: unknown } }> }> };
  assert.deepEqual(c.t[0]!.sg[1]!.m.fx, [{ type: 'flow', region: { poly: [[0.1, 0.2], [0.5, 0.2], [0.45, 0.6], [0.12, 0.55]] }, dir: 'right', speed: 0.4, strength: 0.7 }]);
  assert.deepEqual(fromCompact(c).shots[1]!.effects, d.shots[1]!.effects);
  // With a camera sentence in the same message, both are read.
  const both = parseInstruction('slow zoom in. motion brush: ripple, area 0 0.5, 1 0.5, 1 1');
  assert.equal(both.moves[0]?.direction, 'in');
  assert.deepEqual(both.effects?.map((e) => [e.type, e.region, e.polygon?.length]), [['ripple', null, 3]]);
  // Out of range: the draft check names the corner (4007).
  const bad = applyRequest(base, parseInstruction('motion brush on photo 1: drift left, area 0.1 0.2, 1.5 0.2, 0.4 0.6'), photos).draft;
  assert.throws(() => fromCompact(toCompact(bad)), (e: Error & { kind?: string }) => e.kind === 'INVALID_DRAFT' && /t\[0\]\.sg\[0\]\.m\.fx\[0\]\.region\.poly\[1\]\[0\]/.test(e.message));
  const strong = applyRequest(base, parseInstruction('motion brush on photo 1: drift left, strength 3, area 0.1 0.2, 0.5 0.2, 0.4 0.6'), photos).draft;
  assert.throws(() => fromCompact(toCompact(strong)), /m\.fx\[0\]\.strength/);
});
