import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraAt, planMotion, viewRect, type Box, type MotionInput } from '../../src/engine/plan/plan-motion.js';
import { ease, EASINGS, MOVES, type MoveName } from '../../src/engine/plan/moves.js';

const base: MotionInput = {
  stillWidth: 2400, stillHeight: 1500, sourcePixelsAcross: 2560, canvasWidth: 1920, canvasHeight: 1080,
  subject: { x: 0.55, y: 0.3, w: 0.2, h: 0.25 }, move: 'auto', intensity: 0.5, easing: 'smooth', frames: 150, fps: 30, variant: 0,
};

// Deterministic pseudo-random numbers for the invariant sweep.
const rng = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

const inside = (r: Box, eps = 1e-9) => r.x >= -eps && r.y >= -eps && r.x + r.w <= 1 + eps && r.y + r.h <= 1 + eps;
const contains = (r: Box, b: Box, eps = 1e-6) => b.x >= r.x - eps && b.y >= r.y - eps && b.x + b.w <= r.x + r.w + eps && b.y + b.h <= r.y + r.h + eps;

test('easing curves start at 0, end at 1, are monotone, and smooth starts and ends at rest', () => {
  for (const e of EASINGS) {
    assert.equal(ease(e, 0), 0);
    assert.equal(ease(e, 1), 1);
    let prev = 0;
    for (let i = 1; i <= 1000; i++) {
      const v = ease(e, i / 1000);
      assert.ok(v >= prev - 1e-12, `${e} not monotone at ${i}`);
      prev = v;
    }
  }
  const h = 1e-4;
  assert.ok(ease('smooth', h) / h < 1e-3, 'smooth starts at rest');
  assert.ok((1 - ease('smooth', 1 - h)) / h < 1e-3, 'smooth ends at rest');
});

test('every move over many random photos: view inside the still, zoom >= 1, capped, no jumps', () => {
  const rand = rng(7);
  for (let n = 0; n < 400; n++) {
    const sw = 200 + rand() * 6000;
    const sh = 200 + rand() * 6000;
    const [cw, ch] = rand() < 0.5 ? [1920, 1080] : rand() < 0.5 ? [1080, 1920] : [1080, 1080];
    const w = 0.05 + rand() * 0.5;
    const h = 0.05 + rand() * 0.5;
    const subject = { x: rand() * (1 - w), y: rand() * (1 - h), w, h };
    const move = MOVES[Math.floor(rand() * MOVES.length)] as MoveName;
    const inp: MotionInput = { ...base, stillWidth: sw, stillHeight: sh, sourcePixelsAcross: sw, canvasWidth: cw, canvasHeight: ch, subject, move, intensity: rand(), frames: 60, variant: n };
    const plan = planMotion(inp);
    assert.ok(plan.maxZoom <= 1.4 + 1e-9);
    let prev = viewRect(plan, cameraAt(plan, 0));
    for (let i = 0; i < plan.frames; i++) {
      const v = cameraAt(plan, i);
      assert.ok(v.zoom >= 1 - 1e-12, `zoom ${v.zoom} < 1 for ${move}`);
      const r = viewRect(plan, v);
      assert.ok(inside(r), `view leaves the still for ${move} at frame ${i}: ${JSON.stringify(r)}`);
      // No jump: the view moves by a small fraction of itself per frame.
      assert.ok(Math.abs(r.x - prev.x) < 0.05 * r.w + 1e-9 && Math.abs(r.w - prev.w) < 0.05 * r.w + 1e-9, `jump at ${i} for ${move} ${JSON.stringify(inp)} ${JSON.stringify([prev, r])}`);
      prev = r;
    }
  }
});

test('auto keeps the subject inside the frame at every frame (or, when it is bigger, stays on it)', () => {
  const rand = rng(11);
  let whole = 0, partly = 0;
  for (let n = 0; n < 300; n++) {
    const sw = 500 + rand() * 5000;
    const sh = 500 + rand() * 5000;
    const w = 0.05 + rand() * 0.3;
    const h = 0.05 + rand() * 0.3;
    const subject = { x: rand() * (1 - w), y: rand() * (1 - h), w, h };
    const [cw, ch] = n % 3 === 0 ? [1080, 1920] : [1920, 1080];
    const plan = planMotion({ ...base, stillWidth: sw, stillHeight: sh, sourcePixelsAcross: sw, canvasWidth: cw, canvasHeight: ch, subject, intensity: rand(), variant: n });
    // A subject larger than the zoom-1 crop cannot fit; the planner keeps as much as it can: along
    // an axis where it fits it stays inside the view, along the other the view stays on it.
    const fitsW = subject.w <= plan.baseHalfW * 2, fitsH = subject.h <= plan.baseHalfH * 2;
    if (fitsW && fitsH) whole++;
    else partly++;
    const e = 1e-6;
    for (let i = 0; i < plan.frames; i++) {
      const r = viewRect(plan, cameraAt(plan, i));
      const onX = fitsW ? subject.x >= r.x - e && subject.x + subject.w <= r.x + r.w + e : r.x >= subject.x - e && r.x + r.w <= subject.x + subject.w + e;
      const onY = fitsH ? subject.y >= r.y - e && subject.y + subject.h <= r.y + r.h + e : r.y >= subject.y - e && r.y + r.h <= subject.y + subject.h + e;
      assert.ok(onX && onY, `${plan.move}: subject ${fitsW && fitsH ? 'leaves' : 'lost from'} frame ${i} (${JSON.stringify(r)} vs ${JSON.stringify(subject)})`);
      if (fitsW && fitsH) assert.ok(contains(r, subject));
    }
  }
  // Both kinds of case were really checked (the sweep's seed decides how many of each).
  assert.ok(whole >= 200 && partly >= 10, `${whole} subjects that fit, ${partly} that do not`);
});

test('auto pans along a much wider photo and zooms on a photo of the canvas shape', () => {
  const wide = planMotion({ ...base, stillWidth: 6000, stillHeight: 1500, sourcePixelsAcross: 2667, subject: { x: 0.7, y: 0.4, w: 0.1, h: 0.2 } });
  assert.equal(wide.move, 'pan-right');
  assert.ok(wide.end.cx > wide.start.cx + 0.1, 'travels to the right');
  const tall = planMotion({ ...base, stillWidth: 1000, stillHeight: 3000, sourcePixelsAcross: 1000, subject: { x: 0.4, y: 0.1, w: 0.2, h: 0.1 } });
  assert.equal(tall.move, 'pan-up');
  const same = planMotion({ ...base, stillWidth: 1920 * 1.2, stillHeight: 1080 * 1.2 });
  assert.ok(['zoom-in', 'zoom-out', 'ken-burns'].includes(same.move));
  assert.notEqual(planMotion({ ...base, variant: 0 }).move, planMotion({ ...base, variant: 1 }).move, 'batch variants differ');
});

test('zoom-in pushes toward the subject; zoom-out is its reverse; static does not move', () => {
  const zin = planMotion({ ...base, move: 'zoom-in' });
  assert.ok(zin.end.zoom > zin.start.zoom);
  const sc = base.subject!.x + base.subject!.w / 2;
  assert.ok(Math.abs(zin.end.cx - sc) < Math.abs(zin.start.cx - sc) + 1e-9);
  const zout = planMotion({ ...base, move: 'zoom-out' });
  assert.ok(zout.end.zoom < zout.start.zoom);
  const st = planMotion({ ...base, move: 'static' });
  assert.deepEqual(cameraAt(st, 0), cameraAt(st, 149));
});

test('a small photo gets a gentler zoom; a large one the full move', () => {
  const big = planMotion({ ...base, move: 'zoom-in', sourcePixelsAcross: 4000 });
  const small = planMotion({ ...base, move: 'zoom-in', sourcePixelsAcross: 640 });
  assert.ok(Math.abs(big.maxZoom - 1.2) < 1e-9, `big ${big.maxZoom}`);
  assert.ok(small.maxZoom < big.maxZoom && small.maxZoom > 1, `small ${small.maxZoom}`);
  // Never magnify a photo that can afford it beyond 1.15x of its own pixels.
  const mid = planMotion({ ...base, move: 'zoom-in', intensity: 1, sourcePixelsAcross: 2000 });
  assert.ok((2000 / mid.maxZoom) / 1920 >= 1 / 1.15 - 1e-9);
});

test('zoom progresses monotonically and the camera path has no frame repeats', () => {
  const p = planMotion({ ...base, move: 'zoom-in' });
  for (let i = 1; i < p.frames; i++) {
    const a = cameraAt(p, i - 1);
    const b = cameraAt(p, i);
    assert.ok(b.zoom > a.zoom, `zoom repeats or reverses at ${i}`);
  }
});

test('a loop goes there and back: the frame after the last is the first, at rest at both turns, no faster than the one-way move', () => {
  for (const move of ['zoom-in', 'zoom-out', 'pan-left', 'pan-up-right', 'ken-burns', 'auto'] as const) {
    const inp: MotionInput = { ...base, move, frames: 90 };
    const once = planMotion(inp);
    const loop = planMotion({ ...inp, loop: true });
    assert.ok(loop.loop, move);
    const at = (i: number) => cameraAt(loop, i);
    const dist = (a: ReturnType<typeof at>, b: ReturnType<typeof at>) => Math.hypot(a.cx - b.cx, a.cy - b.cy) + Math.abs(Math.log(a.zoom / b.zoom));
    assert.ok(dist(at(90), at(0)) < 1e-12, `${move}: frame 90 is frame 0`);
    assert.ok(dist(at(45), loop.end) < 1e-9, `${move}: halfway at the end view`);
    const steps = Array.from({ length: 89 }, (_, i) => dist(at(i), at(i + 1)));
    const seam = dist(at(89), at(0));
    assert.ok(seam <= Math.max(...steps) && seam < 0.2 * Math.max(...steps), `${move}: the loop point is a small step (${seam} against ${Math.max(...steps)})`);
    const onceSteps = Array.from({ length: 89 }, (_, i) => dist(cameraAt(once, i), cameraAt(once, i + 1)));
    assert.ok(Math.max(...steps) <= 1.3 * Math.max(...onceSteps) + 1e-9, `${move}: no faster than the one-way move`);
  }
  assert.equal(planMotion({ ...base, move: "static", frames: 90, loop: true }).loop, true, 'a still camera in an asked-for loop is marked (the encoder codes it for its loop point)');
  assert.equal(planMotion({ ...base, move: "static", frames: 90 }).loop, undefined);
});

test('an asked-for pan travels wherever the subject is (its path slides into the still instead of collapsing at an edge)', () => {
  for (const sx of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    for (const move of ['pan-left', 'pan-right', 'pan-up', 'pan-down'] as const) {
      const p = planMotion({ ...base, subject: { x: sx - 0.05, y: sx - 0.05, w: 0.1, h: 0.1 }, move });
      const travel = Math.hypot(p.end.cx - p.start.cx, p.end.cy - p.start.cy);
      const [hx, hy] = [p.baseHalfW / p.start.zoom, p.baseHalfH / p.start.zoom];
      const room = move === 'pan-left' || move === 'pan-right' ? 1 - 2 * hx : 1 - 2 * hy;
      assert.ok(travel >= 0.5 * room - 1e-9, `${move} with the subject at ${sx}: travels ${travel.toFixed(3)} of ${room.toFixed(3)}`);
      const d = move === 'pan-left' ? p.start.cx - p.end.cx : move === 'pan-right' ? p.end.cx - p.start.cx : move === 'pan-up' ? p.start.cy - p.end.cy : p.end.cy - p.start.cy;
      assert.ok(d > 0, `${move} goes its way`);
    }
  }
});
