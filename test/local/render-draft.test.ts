import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeFrames, probeMedia, resolveBinaries } from '../../src/engine/ffmpeg/index.js';
import { describeMediaFile, renderPlan } from '../../src/engine/index.js';
import { edit as E, emptyDraft, planDraft, resolveDraft, type Draft, type MediaInfo } from '../../src/timeline/index.js';
import { tempDir } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());

const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], blue: [30, 60, 220], green: [30, 200, 60] };

/** Media known to the test, with where their files are. */
type Known = MediaInfo & { path: string };
const media: Record<string, Known> = {};
const describeLocalMedia = async (path: string, mediaId: string): Promise<Known> => ({ mediaId, path, ...(await describeMediaFile(path)) });
const photo = async (name: string) => {
  const path = tmp.path(`${name}.png`);
  const [r, g, b] = COLOURS[name]!;
  await sharp({ create: { width: 640, height: 360, channels: 3, background: { r, g, b } } }).png().toFile(path);
  media[name] = { mediaId: name, path, kind: 'image', width: 640, height: 360 };
};

const centre = (f: Buffer, w: number, h: number) => [...f.subarray(((h >> 1) * w + (w >> 1)) * 3, ((h >> 1) * w + (w >> 1)) * 3 + 3)];
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

const slides = (names: string[], shotMs: number): Draft => {
  let d = E.addShots(emptyDraft(), names.map((n) => ({ mediaId: n, durationMs: shotMs })));
  d = E.setShots(d, 'all', { move: 'static' });
  return E.setCanvas(d, { aspect: '16:9', size: '480p', fps: 30 });
};

/** The one path: resolve, plan, render the plan. */
const render = async (d: Draft, name: string, extra: Record<string, Known> = {}) => {
  const out = tmp.path(`${name}.mp4`);
  const lookup = (id: string) => media[id] ?? extra[id];
  const plan = planDraft(resolveDraft(d, lookup, { quality: 'high' }), lookup);
  const r = await renderPlan(plan, { output: out, locate: (id) => lookup(id)!.path });
  return { out, r };
};

test('cuts land exactly on the frame the timeline says', async () => {
  await photo('red'); await photo('blue'); await photo('green');
  const { out, r } = await render(slides(['red', 'blue', 'green'], 1000), 'cuts');
  assert.equal(r.frames, 90);
  const p = await probeMedia(out, { countFrames: true });
  assert.equal(p.video?.frames, 90);
  const frames = await decodeFrames(out, { pixFmt: 'rgb24' });
  const W = r.width, H = r.height;
  for (const [i, want] of [[0, 'red'], [29, 'red'], [30, 'blue'], [59, 'blue'], [60, 'green'], [89, 'green']] as const) {
    assert.ok(near(centre(frames[i]!, W, H), COLOURS[want]!, 25), `frame ${i} should be ${want}: ${centre(frames[i]!, W, H)}`);
  }
});

test('transitions overlap the neighbouring shots and blend as named', async () => {
  const cross = E.setTransitions(slides(['red', 'blue'], 1000), { type: 'crossfade', durationMs: 500 });
  const { out, r } = await render(cross, 'crossfade');
  assert.equal(r.frames, 45, '2 x 1 s minus the 0.5 s overlap');
  const f = await decodeFrames(out, { pixFmt: 'rgb24' });
  const W = r.width, H = r.height;
  assert.ok(near(centre(f[14]!, W, H), COLOURS.red!, 25), 'before the overlap: red');
  assert.ok(near(centre(f[30]!, W, H), COLOURS.blue!, 25), 'after the overlap: blue');
  const reds = f.slice(15, 30).map((x) => centre(x, W, H)[0]!);
  for (let i = 1; i < reds.length; i++) assert.ok(reds[i]! <= reds[i - 1]! + 3, `crossfade is monotone: ${reds.join(' ')}`);
  const mid = centre(f[22]!, W, H);
  assert.ok(mid[0]! > 70 && mid[0]! < 180 && mid[2]! > 70 && mid[2]! < 180, `half way is a mix: ${mid}`);

  const black = await render(E.setTransitions(slides(['red', 'blue'], 1000), { type: 'fade_black', durationMs: 600 }), 'fadeblack');
  const fb = await decodeFrames(black.out, { pixFmt: 'rgb24' });
  const darkest = Math.min(...fb.slice(12, 30).map((x) => Math.max(...centre(x, W, H))));
  assert.ok(darkest < 30, `passes through black: ${darkest}`);

  const slide = await render(E.setTransitions(slides(['red', 'blue'], 1000), { type: 'slide_left', durationMs: 600 }), 'slide');
  const fs = await decodeFrames(slide.out, { pixFmt: 'rgb24' });
  const m = fs[30 - 9]!; // middle of the overlap
  const px = (x: number) => [...m.subarray(((H >> 1) * W + x) * 3, ((H >> 1) * W + x) * 3 + 3)];
  assert.ok(near(px(20), COLOURS.red!, 30) && near(px(W - 20), COLOURS.blue!, 30), `new shot enters from the right: ${px(20)} | ${px(W - 20)}`);
});

test('audio stays in sync: a click placed at each cut lands on the cut', async () => {
  // A click track: 1 ms pulses at 1.0 s and 2.0 s, silence elsewhere, 3 s, 48 kHz stereo 16-bit.
  const rate = 48000, secs = 3;
  const pcm = Buffer.alloc(rate * secs * 4);
  for (const t of [1.0, 2.0]) for (let i = 0; i < 48; i++) { const k = Math.round(t * rate) + i; pcm.writeInt16LE(30000, k * 4); pcm.writeInt16LE(30000, k * 4 + 2); }
  const hdr = Buffer.alloc(44);
  hdr.write('RIFF', 0); hdr.writeUInt32LE(36 + pcm.length, 4); hdr.write('WAVE', 8); hdr.write('fmt ', 12); hdr.writeUInt32LE(16, 16);
  hdr.writeUInt16LE(1, 20); hdr.writeUInt16LE(2, 22); hdr.writeUInt32LE(rate, 24); hdr.writeUInt32LE(rate * 4, 28); hdr.writeUInt16LE(4, 32); hdr.writeUInt16LE(16, 34);
  hdr.write('data', 36); hdr.writeUInt32LE(pcm.length, 40);
  const wav = tmp.path('clicks.wav');
  writeFileSync(wav, Buffer.concat([hdr, pcm]));
  let d = slides(['red', 'blue', 'green'], 1000);
  d = E.setMusic(d, { mediaId: 'clicks', volume: 1, loop: false });
  const { out, r } = await render(d, 'clicks', { clicks: { mediaId: 'clicks', path: wav, kind: 'audio', durationMs: 3000 } });
  // Where the picture changes.
  const frames = await decodeFrames(out, { pixFmt: 'rgb24' });
  const cuts: number[] = [];
  for (let i = 1; i < frames.length; i++) if (!near(centre(frames[i]!, r.width, r.height), centre(frames[i - 1]!, r.width, r.height), 40)) cuts.push(i / 30);
  assert.deepEqual(cuts, [1, 2]);
  // Where the clicks are in the encoded audio.
  const { ffmpeg } = resolveBinaries();
  const raw = spawnSync(ffmpeg, ['-v', 'error', '-i', out, '-map', '0:a', '-f', 's16le', '-ac', '1', '-ar', String(rate), 'pipe:1'], { maxBuffer: 1 << 26 }).stdout;
  const clicks: number[] = [];
  let last = -1;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (Math.abs(raw.readInt16LE(i)) > 8000 && (last < 0 || i / 2 - last > rate / 10)) { clicks.push(i / 2 / rate); last = i / 2; }
    else if (Math.abs(raw.readInt16LE(i)) > 8000) last = i / 2;
  }
  assert.equal(clicks.length, 2, `two clicks heard: ${clicks}`);
  for (let k = 0; k < 2; k++) assert.ok(Math.abs(clicks[k]! - cuts[k]!) < 1 / 30, `click ${clicks[k]} vs cut ${cuts[k]}`);
});

test('a title in Chinese is drawn into the video (glyphs, not boxes) and only while it is on', async () => {
  let d = slides(['blue'], 2000);
  d = E.addText(d, { text: '夏日特卖', role: 'title', animation: 'none', startMs: 0, durationMs: 1000 });
  const { out, r } = await render(d, 'cjk');
  const [on, off] = await decodeFrames(out, { pixFmt: 'rgb24', frames: [15, 45] });
  const W = r.width, H = r.height;
  let changed = 0, rows = new Set<number>(), cols = new Set<number>();
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    if (Math.abs(on![i]! - off![i]!) + Math.abs(on![i + 1]! - off![i + 1]!) + Math.abs(on![i + 2]! - off![i + 2]!) > 250) { changed++; rows.add(y); cols.add(x); }
  }
  assert.ok(changed > 500, `text ink present: ${changed} px`);
  // Four Han characters: ink spread over a wide, short band, with gaps (not four solid boxes).
  assert.ok(cols.size > rows.size * 2, `a line of text: ${cols.size} columns x ${rows.size} rows`);
  assert.ok(changed < cols.size * rows.size * 0.7, 'strokes, not filled rectangles');
  assert.ok(near(centre(off!, W, H), COLOURS.blue!, 25), 'gone after its time');
});

test('a draft with a video clip renders it trimmed and scaled to the canvas, with its sound', async () => {
  const { ffmpeg } = resolveBinaries();
  const clip = tmp.path('clip.mp4');
  spawnSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-shortest', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
  let d = E.addShots(slides(['red'], 1000), [{ mediaId: 'clip', kind: 'video', durationMs: 1500 }]);
  d = E.setShots(d, 1, { trimStartMs: 500, volume: 0.8 });
  const { out, r } = await render(d, 'withclip', { clip: { mediaId: 'clip', path: clip, kind: 'video', width: 320, height: 240, durationMs: 3000 } });
  const p = await probeMedia(out, { countFrames: true });
  assert.equal(p.video?.frames, 75);
  assert.deepEqual([p.video?.width, p.video?.height], [854, 480]);
  const f = await decodeFrames(out, { pixFmt: 'rgb24', frames: [10, 50] });
  assert.ok(near(centre(f[0]!, r.width, r.height), COLOURS.red!, 25));
  assert.ok(!near(centre(f[1]!, r.width, r.height), COLOURS.red!, 60), 'the clip shows after the photo');
  const raw = spawnSync(ffmpeg, ['-v', 'error', '-i', out, '-ss', '1.5', '-t', '0.5', '-map', '0:a', '-f', 's16le', '-ac', '1', 'pipe:1'], { maxBuffer: 1 << 24 }).stdout;
  let peak = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) peak = Math.max(peak, Math.abs(raw.readInt16LE(i)));
  assert.ok(peak > 1000, `the clip's sound is kept: peak ${peak}`);
});

test('a clip without a sound track renders (a phone screen recording, a GIF turned MP4): silence in its place', async () => {
  await photo('red');
  const { ffmpeg } = resolveBinaries();
  const clip = tmp.path('silent.mp4');
  spawnSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const info = await describeLocalMedia(clip, 'silent');
  assert.equal(info.hasAudio, false, 'the clip is known to be silent');
  const d = E.addShots(slides(['red'], 1000), [{ mediaId: 'silent', kind: 'video', durationMs: 1000 }]);
  const { out } = await render(d, 'silentclip', { silent: info });
  const p = await probeMedia(out, { countFrames: true });
  assert.equal(p.video?.frames, 60);
  assert.equal(p.hasAudio, true, 'the output still has its (silent) AAC track');
});

test('a clip of another shape is shown whole over a blurred copy of itself, not on black bars', async () => {
  const { ffmpeg } = resolveBinaries();
  const clip = tmp.path('wide.mp4');
  spawnSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  let d = E.addShots(emptyDraft(), [{ mediaId: 'wide', kind: 'video', durationMs: 1000 }]);
  d = E.setCanvas(d, { aspect: '9:16', size: '480p', fps: 25 });
  const { out } = await render(d, 'wideclip', { wide: await describeLocalMedia(clip, 'wide') });
  const p = await probeMedia(out);
  assert.deepEqual([p.video?.width, p.video?.height], [480, 854]);
  const [f] = await decodeFrames(out, { pixFmt: 'rgb24', frames: [12] });
  const at = (x: number, y: number) => [...f!.subarray((y * 480 + x) * 3, (y * 480 + x) * 3 + 3)];
  const bright = (px: number[]) => px.reduce((a, b) => a + b, 0);
  // Above the clip (its 16:9 picture covers rows ~292–562): the blurred copy, not black.
  assert.ok(bright(at(240, 100)) > 60 && bright(at(120, 780)) > 60, `fill above/below: ${at(240, 100)} ${at(120, 780)}`);
  // Blurred: neighbouring pixels in the fill differ little compared with the sharp clip's bar edges.
  const fillStep = Math.abs(bright(at(200, 100)) - bright(at(204, 100)));
  assert.ok(fillStep < 60, `the fill is smooth: step ${fillStep}`);
});
