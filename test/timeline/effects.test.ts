/** Effects in the draft (issue 14): applied from words, checked by the schema, resolved against the photo's regions, summarised. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, edit as E, emptyDraft, fromCompact, keepResolvedEffects, planDraft, resolveDraft, summarize, toCompact, type Draft, type MediaInfo } from '../../src/timeline/index.js';
import { checkOptions, parseEffectOption } from '../../src/timeline/options.js';
import type { StillAnalysis } from '../../src/engine/index.js';

const analysis = (sky: number, water = 0): StillAnalysis => ({
  version: 1, width: 1600, height: 900, orientation: 1, hasAlpha: false, subject: { x: 0.4, y: 0.5, w: 0.2, h: 0.3 }, confidence: 0.5, notes: [], regions: { sky, water, foliage: 0 },
});
const media: Record<string, MediaInfo> = {
  'lake.jpg': { mediaId: 'lake.jpg', kind: 'image', width: 1600, height: 900, name: 'lake.jpg', analysis: analysis(0.35, 0.2) },
  'room.jpg': { mediaId: 'room.jpg', kind: 'image', width: 1600, height: 900, name: 'room.jpg', analysis: analysis(0) },
};
const lookup = (id: string) => media[id];
const say = (d: Draft, s: string) => applyRequest(d, parseInstruction(s));
const withPhoto = (id: string) => E.addShots(emptyDraft(), [{ mediaId: id, label: id }]);

test('words → effects on the shot, the camera separate, the summary says both', () => {
  const a = say(withPhoto('lake.jpg'), 'make the clouds drift left and add a slow zoom toward the subject');
  const s = a.draft.shots[0]!;
  assert.equal(s.move, 'zoom-in');
  assert.deepEqual(s.effects, [{ type: 'drift', region: 'sky', direction: 'left', speed: 0.5, strength: 0.5 }]);
  assert.ok(a.visual);
  assert.match(summarize(E.setTargetDuration(a.draft, 10000)), /Video: lake\.jpg, zoom-in, clouds drift left \(0-10s\)/);
  assert.match(summarize(a.draft, {}, {}, 'zh'), /云向左飘/);
  assert.ok(!a.notes.some((n) => /not a motion this engine knows/.test(n)), 'the drift was understood');
  assert.ok(say(withPhoto('sky.jpg'), 'make the northern lights dance').notes.some((n) => /"the northern lights dance" is not a motion this engine knows/.test(n)), 'motion nothing makes is said, with what can be made');
});

test('follow-ups edit the effects: calmer, slower, stop', () => {
  let d = say(withPhoto('lake.jpg'), 'gentle ripples on the lake and clouds drifting').draft;
  assert.deepEqual(d.shots[0]!.effects!.map((e) => e.type).sort(), ['drift', 'ripple']);
  const before = d.shots[0]!.effects!.find((e) => e.type === 'ripple')!;
  d = say(d, 'make the water calmer').draft;
  const after = d.shots[0]!.effects!.find((e) => e.type === 'ripple')!;
  assert.ok(after.strength < before.strength && after.speed < before.speed);
  const drift0 = d.shots[0]!.effects!.find((e) => e.type === 'drift')!.speed;
  d = say(d, '云再慢一点').draft;
  assert.ok(d.shots[0]!.effects!.find((e) => e.type === 'drift')!.speed < drift0);
  d = say(d, 'stop the clouds').draft;
  assert.deepEqual(d.shots[0]!.effects!.map((e) => e.type), ['ripple']);
  assert.match(say(withPhoto('lake.jpg'), 'stop the clouds').notes.join(' '), /no "sky" motion to change/);
});

test('cinemagraph: static camera; impossible motion and unplaced effects are said, not faked', () => {
  const c = say(withPhoto('lake.jpg'), 'only the water ripples, everything else perfectly still');
  assert.equal(c.draft.shots[0]!.move, 'static');
  assert.equal(c.draft.shots[0]!.effects?.[0]?.type, 'ripple');
  const p = say(withPhoto('lake.jpg'), 'make her blink and smile');
  assert.equal(p.draft.shots[0]!.effects, undefined);
  assert.match(p.notes.join(' '), /cannot be made from one photo; the nearest is a slow push-in/);
  const w = say(withPhoto('lake.jpg'), 'only the waterfall is moving');
  assert.equal(w.draft.shots[0]!.effects, undefined);
  assert.match(w.notes.join(' '), /say where it is .* or paint it on the page/);
});

test('steam rises above the subject; with no clear subject it is not rendered, and the note says how to show it', () => {
  const s = say(withPhoto('lake.jpg'), 'animate only the steam rising from the coffee cup, seamless loop');
  assert.deepEqual(s.draft.shots[0]!.effects?.map((e) => [e.type, e.region]), [['rise', 'above-subject']]);
  assert.match(summarize(s.draft), /steam or smoke rises/);
  assert.match(summarize(s.draft, {}, {}, 'zh'), /烟气升腾/);
  const r = resolveDraft(s.draft, lookup);
  assert.equal(r.shots[0]!.effects?.length, 1);
  const plan = planDraft(r, lookup);
  const region = plan.shots[0]!.kind === 'image' ? plan.shots[0]!.effects?.[0]?.region : undefined;
  assert.deepEqual(region, { kind: 'named', name: 'above-subject', subject: { x: 0.4, y: 0.5, w: 0.2, h: 0.3 } }, 'the region carries the subject it rises from');
  const unsure = { ...media['lake.jpg']!, mediaId: 'plain.jpg', name: 'plain.jpg', analysis: { ...analysis(0), confidence: 0.01 } };
  const plain = say(withPhoto('plain.jpg'), 'steam rising from the cup').draft;
  const pr = resolveDraft(plain, (id) => (id === 'plain.jpg' ? unsure : undefined));
  assert.equal(pr.shots[0]!.effects, undefined);
  assert.match(pr.notes.join(' '), /no clear subject was found in plain\.jpg for the steam to rise from.*the top third.*paint it/);
});

test('a sky the photo does not have is not rendered, and the note says how to show it', () => {
  const d = say(withPhoto('room.jpg'), 'make the clouds drift left').draft;
  const r = resolveDraft(d, lookup);
  assert.equal(r.shots[0]!.effects, undefined);
  assert.match(r.notes.join(' '), /no sky was found in room\.jpg.*the top third.*paint it/);
  // What is stored and summarised is what renders: the dropped drift leaves the draft, the snow stays.
  const both = say(withPhoto('room.jpg'), 'make the clouds drift left and add snow').draft;
  const kept = keepResolvedEffects(both, resolveDraft(both, lookup));
  assert.deepEqual(kept.shots[0]!.effects?.map((e) => e.type), ['snow']);
  assert.doesNotMatch(summarize(kept), /clouds/);
  assert.equal(keepResolvedEffects(d, resolveDraft(d, lookup)).shots[0]!.effects, undefined);
  const lake = say(withPhoto('lake.jpg'), 'make the clouds drift left').draft;
  assert.equal(keepResolvedEffects(lake, resolveDraft(lake, lookup)), lake, 'nothing dropped: the same draft');
  const ok = resolveDraft(say(withPhoto('lake.jpg'), 'make the clouds drift left').draft, lookup);
  const plan = planDraft(ok, lookup);
  const shot = plan.shots[0]!;
  assert.ok(shot.kind === 'image' && shot.effects?.length === 1);
  const e = shot.kind === 'image' ? shot.effects![0]! : null;
  assert.deepEqual(e?.dir, [-1, 0]);
  assert.ok(e && Number.isInteger(Math.round(shot.frames / e.period)) && Math.abs(shot.frames / e.period - Math.round(shot.frames / e.period)) < 1e-9, 'the period divides the shot');
});

test('"bring this photo to life": the sky and the water where the photo has them, without a note; neither: the note says what to do', () => {
  const sky = { ...media['lake.jpg']!, mediaId: 'hills.jpg', name: 'hills.jpg', analysis: analysis(0.3, 0) };
  const find = (id: string) => (id === 'hills.jpg' ? sky : lookup(id));
  for (const words of ['bring this photo to life', '让照片活起来', 'make this photo come alive, slow zoom in']) {
    const lake = say(withPhoto('lake.jpg'), words).draft;
    const lr = resolveDraft(lake, find);
    assert.deepEqual(lr.shots[0]!.effects?.map((e) => [e.type, e.region]), [['drift', 'sky'], ['ripple', 'water']], words);
    assert.equal(lr.notes.length, 0, `${words}: ${lr.notes.join(' ')}`);
    const hills = say(withPhoto('hills.jpg'), words).draft;
    const hr = resolveDraft(hills, find);
    assert.deepEqual(hr.shots[0]!.effects?.map((e) => [e.type, e.region]), [['drift', 'sky']], `${words}: no water, left out without a word`);
    assert.equal(hr.notes.length, 0, hr.notes.join(' '));
    assert.match(summarize(keepResolvedEffects(hills, hr)), /clouds drift/);
    const room = say(withPhoto('room.jpg'), words).draft;
    const rr = resolveDraft(room, find);
    assert.equal(rr.shots[0]!.effects, undefined, words);
    assert.match(rr.notes.join(' '), /nothing in room\.jpg is sure to move by itself.*only the camera.*paint it/, words);
    assert.notEqual(rr.shots[0]!.move, 'static', 'the camera still moves');
  }
  // A cinemagraph that names nothing that moves: the same places, with the camera still.
  const c = say(withPhoto('lake.jpg'), 'make a cinemagraph').draft;
  assert.deepEqual(c.shots[0]!.effects?.map((e) => e.type), ['drift', 'ripple', 'sway']);
  assert.equal(c.shots[0]!.move, 'static');
  // Asked again, what is there stays as it was (not reset).
  const calm = say(say(withPhoto('lake.jpg'), 'gentle ripples on the lake').draft, 'bring it to life').draft;
  assert.deepEqual(calm.shots[0]!.effects?.map((e) => [e.type, e.strength]), [['ripple', 0.3], ['drift', 0.5], ['sway', 0.4]]);
  // Trees sway by themselves outdoors (a sky found), not in a close-up of leaves or a green knit.
  const withFoliage = (id: string, sky: number, foliage: number) => ({ ...media['lake.jpg']!, mediaId: id, name: id, analysis: { ...analysis(sky, 0), regions: { sky, water: 0, foliage } } });
  const photos: Record<string, MediaInfo> = { 'park.jpg': withFoliage('park.jpg', 0.3, 0.25), 'leaf.jpg': withFoliage('leaf.jpg', 0, 0.8), 'desk.jpg': withFoliage('desk.jpg', 0, 0) };
  const fxAfter = (id: string, words: string) => { const r = resolveDraft(say(withPhoto(id), words).draft, (x) => photos[x]); return { fx: r.shots[0]!.effects?.map((e) => [e.type, e.region]), notes: r.notes.join(' ') }; };
  assert.deepEqual(fxAfter('park.jpg', 'bring this photo to life').fx, [['drift', 'sky'], ['sway', 'foliage']]);
  assert.deepEqual(fxAfter('leaf.jpg', 'bring this photo to life').fx, undefined);
  assert.deepEqual(fxAfter('leaf.jpg', 'make the leaves sway').fx, [['sway', 'foliage']], 'asked by name, a close-up of leaves sways');
  assert.match(fxAfter('desk.jpg', 'make the trees sway in the wind').notes, /no trees, leaves or grass were found in desk\.jpg, so the sway was not added/);
  // An analysis made before foliage was looked for (no share for it): outdoors, the renderer finds the trees.
  const older = { ...media['lake.jpg']!, mediaId: 'old.jpg', name: 'old.jpg', analysis: { ...analysis(0.3, 0), regions: { sky: 0.3, water: 0 } } };
  assert.deepEqual(resolveDraft(say(withPhoto('old.jpg'), 'bring this photo to life').draft, () => older).shots[0]!.effects?.map((e) => e.type), ['drift', 'sway']);
  assert.match(summarize(say(withPhoto('park.jpg'), 'make the trees sway').draft), /leaves sway/);
  assert.match(summarize(say(withPhoto('park.jpg'), 'make the trees sway').draft, {}, {}, 'zh'), /草木摇曳/);
});

test('loop: a looping shot with effects keeps the camera still', () => {
  const d = say(withPhoto('lake.jpg'), 'clouds drifting, seamless loop').draft;
  assert.equal(d.loop, true);
  assert.equal(resolveDraft(d, lookup).shots[0]!.move, 'static');
});

test('the draft schema: m.fx round-trips and refuses what is not in its lists', () => {
  let d = say(withPhoto('lake.jpg'), 'make the clouds drift left').draft;
  d = { ...d, shots: [{ ...d.shots[0]!, effects: [...d.shots[0]!.effects!, { type: 'sway', region: { polygon: [[0.1, 0.6], [0.4, 0.6], [0.3, 0.9]] }, direction: null, speed: 0.3, strength: 0.7 }] }] };
  const c = toCompact(d);
  assert.deepEqual(fromCompact(JSON.parse(JSON.stringify(c))).shots[0]!.effects, d.shots[0]!.effects);
  const bad = (fx: unknown) => {
    const x = JSON.parse(JSON.stringify(c));
    x.t[0].sg[0].m.fx = fx;
    return () => fromCompact(x);
  };
  assert.throws(bad([{ type: 'explode' }]), /m\.fx\[0\]\.type: must be one of/);
  assert.throws(bad([{ type: 'drift', region: 'ceiling' }]), /m\.fx\[0\]\.region: must be one of/);
  assert.throws(bad([{ type: 'drift', speed: 3 }]), /m\.fx\[0\]\.speed: must be <= 1/);
  assert.throws(bad([{ type: 'drift', href: 'x' }]), /m\.fx\[0\]\.href: is not a field here/);
  assert.throws(bad([{ type: 'sway', region: { poly: [[0, 0], [1, 2], [0, 1]] } }]), /poly\[1\]\[1\]: must be <= 1/);
  assert.throws(bad([{ type: 'sway', region: { poly: [[0, 0]] } }]), /must be a list of 3 to 64/);
  assert.throws(bad('drift'), /m\.fx: must be a list of effects/);
  assert.throws(bad([{ type: 'drift', auto: 'yes' }]), /m\.fx\[0\]\.auto: must be/);
  // "Bring it to life" marks what it added; the mark survives the compact form (the service stores that).
  const life = say(withPhoto('room.jpg'), 'bring this photo to life').draft;
  const back = fromCompact(JSON.parse(JSON.stringify(toCompact(life))));
  assert.deepEqual(back.shots[0]!.effects, life.shots[0]!.effects);
  assert.ok(back.shots[0]!.effects!.every((e) => e.auto === true));
  assert.doesNotMatch(resolveDraft(back, lookup).notes.join(' '), /no sky was found/, 'left out without the note a named sky gets');
});

test('--effect: type[:region][:direction][:speed][:strength]', () => {
  assert.deepEqual(parseEffectOption('drift:sky:left:0.3'), { type: 'drift', region: 'sky', direction: 'left', speed: 0.3, strength: 0.5 });
  assert.deepEqual(parseEffectOption('snow'), { type: 'snow', region: 'all', direction: null, speed: 0.5, strength: 0.5 });
  assert.deepEqual(parseEffectOption('ripple:gentle:slow'), { type: 'ripple', region: 'water', direction: null, speed: 0.3, strength: 0.3 });
  assert.throws(() => parseEffectOption('explode'), /effect/);
  assert.throws(() => parseEffectOption('drift:ceiling'), /effect/);
  assert.equal(checkOptions({ effect: ['drift', 'snow'], loop: true }).effects?.length, 2);
});
