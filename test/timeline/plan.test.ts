import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PhotoShotPlan, RenderPlan, StillAnalysis } from '../../src/engine/index.js';
import { edit as E, emptyDraft, planDraft, resolveDraft, type Draft, type MediaInfo } from '../../src/timeline/index.js';

const analysis = (width: number, height: number, subject = { x: 0.7, y: 0.4, w: 0.15, h: 0.2 }, confidence = 0.6): StillAnalysis =>
  ({ version: 1, width, height, orientation: 1, hasAlpha: false, subject, confidence, notes: [] });

const MEDIA: Record<string, MediaInfo> = {
  wide: { mediaId: 'wide', kind: 'image', width: 3000, height: 1000, analysis: analysis(3000, 1000) },
  land: { mediaId: 'land', kind: 'image', width: 1800, height: 1200, analysis: analysis(1800, 1200) },
  tall: { mediaId: 'tall', kind: 'image', width: 900, height: 1600, analysis: analysis(900, 1600, { x: 0.4, y: 0.1, w: 0.2, h: 0.15 }) },
  song: { mediaId: 'song', kind: 'audio', durationMs: 20000 },
};
const lookup = (id: string) => MEDIA[id];
const plan = (d: Draft, size?: string): RenderPlan => planDraft(resolveDraft(d, lookup, size ? { size } : {}), lookup);
const photoShot = (p: RenderPlan, i = 0): PhotoShotPlan => {
  const s = p.shots[i]!;
  assert.equal(s.kind, 'image');
  return s as PhotoShotPlan;
};
const one = (id: string, aspect = 'auto') => E.setCanvas(E.addShots(emptyDraft(), [{ mediaId: id }]), { aspect, size: '720p' });

test('a plan is plain data: it survives JSON and carries every decision', () => {
  let d = E.addShots(emptyDraft(), [{ mediaId: 'land' }, { mediaId: 'tall' }]);
  d = E.setTransitions(E.setCanvas(d, { aspect: '16:9', size: '720p', background: 'white' }), { type: 'crossfade', durationMs: 500 });
  d = E.addText(d, { text: 'Summer Sale', role: 'title', style: { color: '#ffcc00' } });
  d = E.addText(d, { text: 'shop now', role: 'cta' });
  d = E.setMusic(d, { mediaId: 'song', volume: 0.35 });
  const p = plan(d);
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  assert.deepEqual([p.width, p.height, p.background], [1280, 720, '#ffffff']);
  assert.equal(p.shots[0]!.transitionOut?.kind, 'crossfade');
  const m = photoShot(p).motion;
  assert.equal(m.kind, 'camera');
  assert.ok(m.move !== ('auto' as string) && m.start.zoom >= 1 && m.end.zoom >= 1 && m.frames === p.shots[0]!.frames);
  // Texts: the role's whole style with the draft's own on top, a place and an entrance.
  const [title, cta] = p.texts;
  assert.deepEqual([title!.style.color, title!.style.font, title!.style.weight, title!.position, title!.animation], ['#ffcc00', 'sans', 900, 'top', 'fade']);
  assert.ok(title!.style.size > 0.05 && title!.endS === 3, 'a title stays 3 s');
  assert.deepEqual([cta!.style.box?.color, cta!.position, cta!.animation], ['#ffd60a', 'bottom', 'pop']);
  // Music: gain and fades from the table (500 ms in, 1 s out), to the end of the video.
  assert.deepEqual(p.audio, [{ id: 'music1', media: 'song', volume: 0.35, startS: 0, trimS: 0, durationS: null, loop: true, fadeInS: 0.5, fadeOutS: 1, sourceDurationS: 20 }]);
});

test('a photo alone is cropped and panned along toward its subject when its shape is far from the canvas', () => {
  const p = photoShot(plan(one('wide', '9:16')));
  assert.equal(p.framing.fit, 'cover');
  assert.equal(p.motion.move, 'pan-right', 'the subject is right of centre');
  assert.ok(p.motion.end.cx > p.motion.start.cx);
  const left = planDraft(resolveDraft(one('wide', '9:16'), (id) => (id === 'wide' ? { ...MEDIA.wide!, analysis: analysis(3000, 1000, { x: 0.1, y: 0.4, w: 0.15, h: 0.2 }) } : undefined)), (id) => (id === 'wide' ? { ...MEDIA.wide!, analysis: analysis(3000, 1000, { x: 0.1, y: 0.4, w: 0.15, h: 0.2 }) } : undefined));
  assert.equal(photoShot(left).motion.move, 'pan-left', 'the stored subject steers the move');
  const tall = photoShot(plan(one('tall', '16:9')));
  assert.deepEqual([tall.framing.fit, tall.motion.move], ['cover', 'pan-up'], 'a portrait photo alone in 16:9: a tilt toward its subject at the top');
  // A photo of the canvas's shape: a push toward the subject.
  assert.equal(photoShot(plan(one('land', '4:3'))).motion.move, 'zoom-in');
});

test('in a slideshow a much taller photo is shown whole over a blurred copy; a much wider one is panned along', () => {
  let d = E.addShots(emptyDraft(), [{ mediaId: 'tall' }, { mediaId: 'wide' }, { mediaId: 'land' }]);
  d = E.setCanvas(d, { aspect: '16:9', size: '720p' });
  const p = plan(d);
  const [tall, wide, land] = [0, 1, 2].map((i) => photoShot(p, i));
  assert.equal(tall!.framing.fit, 'blur');
  if (tall!.framing.fit === 'blur') {
    // The picture is canvas-shaped; the photo sits in its middle at its own shape.
    assert.ok(Math.abs(tall!.framing.picture.width / tall!.framing.picture.height - 16 / 9) < 0.01);
    assert.ok(Math.abs(tall!.framing.photo.width / tall!.framing.photo.height - 900 / 1600) < 0.01);
  }
  assert.equal(wide!.framing.fit, 'cover');
  assert.match(wide!.motion.move, /^pan-/);
  assert.equal(land!.framing.fit, 'cover');
  const reel = plan(E.setCanvas(d, { aspect: '9:16' }));
  assert.deepEqual(reel.shots.map((s) => (s as PhotoShotPlan).framing.fit), ['cover', 'cover', 'cover'], 'in a 9:16 reel every one of these fills the screen');
  // An asked framing wins.
  assert.equal(photoShot(plan(E.setShots(d, 'all', { fit: 'color' }))).framing.fit, 'color');
});

test('the plan does not depend on where it will render, only its size does', () => {
  const a = plan(one('land'), '360p');
  const b = plan(one('land'), '1080p');
  assert.deepEqual([a.width, b.width], [640, 1920]);
  assert.equal(photoShot(a).motion.move, photoShot(b).motion.move);
  assert.deepEqual(photoShot(a).motion.subject, photoShot(b).motion.subject);
  // A photo without analysis (its size known) is planned toward the centre.
  const bare = planDraft(resolveDraft(one('x'), () => ({ mediaId: 'x', kind: 'image', width: 1600, height: 900 })), () => ({ mediaId: 'x', kind: 'image', width: 1600, height: 900 }));
  assert.deepEqual(photoShot(bare).motion.subject, { x: 0.35, y: 0.35, w: 0.3, h: 0.3 });
});
