import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import sharp from 'sharp';
import { animate } from '../../src/local/animate.js';
import { measureMotion } from '../../src/engine/analyze/measure-motion.js';
import { decodeFrames, probeMedia } from '../../src/engine/ffmpeg/index.js';
import { StillmotionError } from '../../src/errors.js';
import { orientedJpeg, tempDir, texturedJpeg, texturedRgb } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

const at = (f: Buffer, w: number, x: number, y: number) => [...f.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

test('default clip: 1080p H.264 High yuv420p BT.709, exact frames, AAC 48k stereo, fast start, closed GOP', async () => {
  const photo = await texturedJpeg(tmp.path('tex.jpg'), 1600, 1000);
  const out = tmp.path('default.mp4');
  const events: string[] = [];
  const r = await animate(photo, { output: out, duration: 2.5, onProgress: (p) => events.push(p.stage) });
  assert.deepEqual([r.width, r.height, r.fps, r.frames, r.duration_ms], [1920, 1080, 30, 75, 2500]);
  assert.ok(r.size_bytes > 10_000);
  assert.ok(events.includes('render') && events.at(-1) === 'finish');
  const p = await probeMedia(out, { countFrames: true, keyframes: true });
  const v = p.video!;
  assert.equal(v.codec, 'h264');
  assert.equal(v.profile, 'High');
  assert.equal(v.pixFmt, 'yuv420p');
  assert.deepEqual([v.colorPrimaries, v.colorTransfer, v.colorSpace, v.colorRange], ['bt709', 'bt709', 'bt709', 'tv']);
  assert.deepEqual([v.width, v.height, v.fps, v.frames], [1920, 1080, 30, 75]);
  assert.ok(Math.abs(p.durationS - 2.5) < 0.05, `duration ${p.durationS}`);
  assert.equal(p.audio?.codec, 'aac');
  assert.equal(p.audio?.profile, 'LC');
  assert.deepEqual([p.audio?.sampleRate, p.audio?.channels], [48000, 2]);
  assert.ok(Math.abs((p.audio?.durationS ?? 0) - 2.5) < 0.1, `audio ${p.audio?.durationS}`);
  assert.equal(p.moovBeforeMdat, true);
  const keys = p.keyframes!;
  assert.equal(keys[0], 0);
  for (let i = 1; i < keys.length; i++) assert.ok(keys[i]! - keys[i - 1]! <= 2.0001);
  assert.ok(keys.length >= 2, 'a keyframe at least every 2 s');
  assert.ok(!readdirSync(tmp.dir).some((f) => f.endsWith('.partial')), 'no partial file left');
});

test('EXIF orientation reaches the video upright (marker stays top-left)', async () => {
  const photo = await orientedJpeg(tmp.path('o6.jpg'), 540, 960, 6);
  const out = tmp.path('o6.mp4');
  const r = await animate(photo, { output: out, duration: 1, move: 'static', size: '720p' });
  assert.deepEqual([r.width, r.height], [720, 1280], 'portrait photo → 9:16');
  const [f] = await decodeFrames(out, { pixFmt: 'rgb24', frames: [0] });
  assert.ok(near(at(f!, 720, 40, 40), [230, 20, 20], 45), `top-left ${at(f!, 720, 40, 40)}`);
  assert.ok(near(at(f!, 720, 680, 1240), [40, 90, 200], 45), `bottom-right ${at(f!, 720, 680, 1240)}`);
  assert.ok(near(at(f!, 720, 680, 40), [40, 90, 200], 45), `top-right ${at(f!, 720, 680, 40)}`);
});

test('a known colour survives decode, YUV and the encoder within tolerance', async () => {
  for (const c of [[200, 60, 40], [30, 140, 90], [250, 250, 250]] as const) {
    const p = tmp.path(`c${c[0]}.png`);
    await sharp({ create: { width: 320, height: 180, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } }).png().toFile(p);
    const out = tmp.path(`c${c[0]}.mp4`);
    await animate(p, { output: out, duration: 0.5, size: '720p' });
    const [f] = await decodeFrames(out, { pixFmt: 'rgb24', frames: [7] });
    assert.ok(near(at(f!, 1280, 640, 360), [...c], 6), `${c} → ${at(f!, 1280, 640, 360)}`);
  }
});

test('auto keeps a distinct subject inside the frame in every frame', async () => {
  // Grey texture with a red disc left of centre, low: the subject.
  const w = 1800, h = 1200;
  const rgb = texturedRgb(w, h, 3);
  for (let i = 0; i < w * h; i++) { const g = (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!) / 3; rgb.set([g, g, g].map((x) => x * 0.6 + 40), i * 3); }
  const sx = 560, sy = 760, rad = 110;
  for (let y = sy - rad; y <= sy + rad; y++) for (let x = sx - rad; x <= sx + rad; x++) if ((x - sx) ** 2 + (y - sy) ** 2 <= rad * rad) rgb.set([235, 30, 30], (y * w + x) * 3);
  const photo = tmp.path('subject.jpg');
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).jpeg().toFile(photo);
  for (const aspect of ['16:9', '9:16']) {
    const out = tmp.path(`subject-${aspect.replace(':', 'x')}.mp4`);
    const r = await animate(photo, { output: out, duration: 2, size: '720p', aspect, intensity: 'strong' });
    const cx = r.subject.x + r.subject.w / 2, cy = r.subject.y + r.subject.h / 2;
    assert.ok(Math.abs(cx - sx / w) < 0.12 && Math.abs(cy - sy / h) < 0.12, `subject found near the disc: ${cx.toFixed(2)},${cy.toFixed(2)}`);
    const frames = await decodeFrames(out, { pixFmt: 'rgb24' });
    const W = r.width, H = r.height;
    for (const [i, f] of frames.entries()) {
      let n = 0, mx = 0, my = 0, minX = W, maxX = 0, minY = H, maxY = 0;
      for (let y = 0; y < H; y += 2) for (let x = 0; x < W; x += 2) {
        const [R, G, B] = at(f, W, x, y);
        if (R! > 180 && G! < 90 && B! < 90) { n++; mx += x; my += y; minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
      }
      assert.ok(n > 50, `${aspect} frame ${i}: subject not visible (move ${r.move})`);
      assert.ok(minX > 0 && minY > 0 && maxX < W - 2 && maxY < H - 2, `${aspect} frame ${i}: subject touches the edge (${minX},${minY})-(${maxX},${maxY}) move ${r.move}`);
    }
  }
});

test('motion measured from decoded frames is smooth and monotone (zoom-in and pan)', async () => {
  const photo = await texturedJpeg(tmp.path('smooth.jpg'), 2400, 1350, 5);
  for (const move of ['zoom-in', 'pan-right'] as const) {
    const out = tmp.path(`smooth-${move}.mp4`);
    await animate(photo, { output: out, duration: 2, size: '720p', move, easing: 'smooth' });
    const frames = await decodeFrames(out, { pixFmt: 'gray' });
    assert.equal(frames.length, 60);
    const m = measureMotion(frames.map((f) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength)), 1280, 720);
    assert.ok(m.jitterPx < 0.2, `${move}: jitter ${m.jitterPx.toFixed(3)} px`);
    assert.ok(m.meanSpeedPx > 0.3, `${move}: the camera moves (${m.meanSpeedPx.toFixed(2)} px/frame)`);
    // Monotone: every patch keeps moving the same way, frame after frame (no repeats, no reversals).
    for (let p = 0; p < 4; p++) {
      const xs = m.shifts.map((s) => s[p]![0]);
      const sign = Math.sign(xs.reduce((a, b) => a + b, 0));
      const reversals = xs.filter((x) => Math.sign(x) !== sign && Math.abs(x) > 0.15).length; // beyond the measuring noise
      assert.equal(reversals, 0, `${move}: patch ${p} reverses: ${xs.map((x) => x.toFixed(2)).join(' ')}`);
    }
  }
});

test('contain with a blurred fill shows the photo over a soft copy of itself; color fit uses the colour', async () => {
  // A portrait photo: orange left half, teal right half.
  const w = 400, h = 800;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set(x < w / 2 ? [240, 140, 20] : [20, 160, 170], (y * w + x) * 3);
  const photo = tmp.path('portrait.png');
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png().toFile(photo);
  const blur = tmp.path('blur.mp4');
  await animate(photo, { output: blur, duration: 0.5, size: '720p', aspect: '16:9', fit: 'blur', move: 'static' });
  const [f] = await decodeFrames(blur, { pixFmt: 'rgb24', frames: [0] });
  const left = at(f!, 1280, 60, 360), right = at(f!, 1280, 1220, 360);
  assert.ok(left[0]! > 60 && left[0]! > left[2]!, `left fill is the orange side, darkened: ${left}`);
  assert.ok(right[2]! > 50 && right[2]! > right[0]!, `right fill is the teal side: ${right}`);
  assert.ok(near(at(f!, 1280, 560, 360), [240, 140, 20], 25), 'photo itself in the middle');
  const col = tmp.path('color.mp4');
  await animate(photo, { output: col, duration: 0.5, size: '720p', aspect: '16:9', fit: 'color', background: '#ffffff', move: 'static' });
  const [g] = await decodeFrames(col, { pixFmt: 'rgb24', frames: [0] });
  assert.ok(near(at(g!, 1280, 60, 360), [255, 255, 255], 6), `colour fill: ${at(g!, 1280, 60, 360)}`);
});

test('every output format probes correctly', async () => {
  const photo = await texturedJpeg(tmp.path('fmt.jpg'), 800, 450, 9);
  const expect: Record<string, (p: Awaited<ReturnType<typeof probeMedia>>) => void> = {
    webm: (p) => { assert.equal(p.video?.codec, 'vp9'); assert.equal(p.audio?.codec, 'opus'); assert.match(p.format, /webm|matroska/); },
    gif: (p) => { assert.equal(p.video?.codec, 'gif'); assert.equal(p.audio, null); },
    mov: (p) => { assert.equal(p.video?.codec, 'h264'); assert.equal(p.audio?.codec, 'aac'); assert.match(p.format, /mov/); assert.equal(p.moovBeforeMdat, true); },
    mp4: (p) => { assert.equal(p.video?.codec, 'h264'); },
  };
  for (const format of ['webm', 'gif', 'mov', 'mp4']) {
    for (const quality of format === 'mp4' ? ['medium', 'low'] : ['high']) {
      const out = tmp.path(`fmt-${quality}.${format}`);
      const r = await animate(photo, { output: out, duration: 1, size: '480p', format, quality });
      const p = await probeMedia(out, { countFrames: true });
      expect[format]!(p);
      assert.deepEqual([p.video?.width, p.video?.height], [854, 480].map((n) => n - (n % 2)));
      assert.equal(p.video?.frames, r.frames, `${format} frames`);
      assert.ok(Math.abs(p.durationS - 1) < 0.1, `${format} duration ${p.durationS}`);
    }
  }
});

test('tiny and odd inputs: a 1x1 photo makes a clip', async () => {
  const one = tmp.path('one.png');
  await sharp({ create: { width: 1, height: 1, channels: 3, background: '#3366cc' } }).png().toFile(one);
  const out = tmp.path('one.mp4');
  const r = await animate(one, { output: out, duration: 0.5 });
  assert.deepEqual([r.width, r.height, r.frames], [1080, 1080, 15]);
  const [f] = await decodeFrames(out, { pixFmt: 'rgb24', frames: [3] });
  assert.ok(near(at(f!, 1080, 540, 540), [0x33, 0x66, 0xcc], 6));
});

test('bad input and cancel: coded errors, no output file', async () => {
  const txt = tmp.path('not-a-photo.jpg');
  await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toFile(tmp.path('x.png'));
  (await import('node:fs')).writeFileSync(txt, 'just text');
  const out = tmp.path('never.mp4');
  await assert.rejects(animate(txt, { output: out }), (e: unknown) => e instanceof StillmotionError && e.code === 4001);
  await assert.rejects(animate(tmp.path('x.png'), { output: out, duration: 99 }), (e: unknown) => e instanceof StillmotionError && e.code === 4005 && /duration/.test(e.message));
  await assert.rejects(animate(tmp.path('x.png'), { output: out, size: '1921x1080' }), (e: unknown) => e instanceof StillmotionError && /1922x1080/.test(e.hint));
  const photo = await texturedJpeg(tmp.path('cancel.jpg'), 1600, 900, 2);
  const ac = new AbortController();
  const p = animate(photo, { output: out, duration: 20, signal: ac.signal, onProgress: (e) => { if (e.stage === 'render' && e.done > 5) ac.abort(); } });
  await assert.rejects(p, (e: unknown) => e instanceof StillmotionError && e.kind === 'CANCELLED');
  assert.equal(existsSync(out), false);
  assert.ok(!readdirSync(tmp.dir).some((f) => f.endsWith('.partial')), 'no partial file left');
});

test('"bring this photo to life": the clouds and grass of a landscape move, a photo with nothing sure to move gets the camera and a note saying why', async () => {
  const { planClip } = await import('../../src/local/animate.js');
  const { skyLandscapeRgb } = await import('../support/fixtures.js');
  const W = 960, H = 540;
  const land = tmp.path('life-land.png');
  await sharp(skyLandscapeRgb(W, H), { raw: { width: W, height: H, channels: 3 } }).png().toFile(land);
  const l = await planClip(land, { prompt: 'bring this photo to life', duration: 2 });
  await l.media.close();
  const shot = l.plan.shots[0]!;
  assert.ok(shot.kind === 'image');
  assert.deepEqual(shot.effects?.map((e) => [e.type, e.region.kind === 'named' ? e.region.name : 'polygon']), [['drift', 'sky'], ['sway', 'foliage']], 'the sky drifts and the grass under it sways; no water, so no ripple');
  assert.notEqual(shot.motion.move, 'static', 'the camera moves too');
  assert.deepEqual(l.notes, [], 'nothing to say: what was left out was not asked for by name');
  const flat = tmp.path('life-flat.png');
  await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6b6b6b' } }).png().toFile(flat);
  const f = await planClip(flat, { prompt: 'bring this photo to life', duration: 2 });
  await f.media.close();
  const fs = f.plan.shots[0]!;
  assert.ok(fs.kind === 'image' && !fs.effects?.length);
  assert.match(f.notes.join(' '), /nothing in life-flat\.png is sure to move by itself .*, so only the camera brings it to life/);
});
