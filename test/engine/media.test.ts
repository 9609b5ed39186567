/**
 * Media inputs against the real ffmpeg: music under synthetic video (length, format, sync of placed
 * pulses, volume, loudness), clips as frame sources (frame count, size, held last frame, colour,
 * rotation) and inspecting files. Every fixture is made here, by ffmpeg or in code, under os.tmpdir().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMedia, resolveBinaries, runTool, startEncoder, yuv420pFrameBytes, type AudioSpec, type EncodeSpec } from '../../src/engine/ffmpeg/index.js';
import { openClip } from '../../src/engine/media/clip-frames.js';
import { inspectMedia } from '../../src/engine/media/probe-media-file.js';
import { StillmotionError } from '../../src/errors.js';
import { wavBytes } from '../../src/engine/music/builtin.js';

const root = mkdtempSync(join(tmpdir(), 'stillmotion-media-test-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const at = (name: string) => join(root, name);
const ff = async (...args: string[]) => (await runTool(resolveBinaries().ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args], { maxStdoutBytes: 2 ** 31 })).stdout;

const RATE = 48000;
const FPS = 30;
const FRAME_S = 1 / FPS;

/** A 16-bit stereo PCM wav from float samples (same on both channels). */
const wav = (path: string, samples: Float32Array, rate = RATE): string => {
  writeFileSync(path, wavBytes(samples, samples, 1, rate));
  return path;
};

const PULSES = [0.5, 1.0, 1.5, 2.0, 2.5];
/** 3 s of silence with 5 ms bursts of 1 kHz at amplitude `amp`, starting exactly at each PULSES time. */
const clickTrack = (path: string, amp = 0.8): string => {
  const x = new Float32Array(3 * RATE);
  for (const t of PULSES) {
    const s = Math.round(t * RATE);
    for (let i = 0; i < 240; i++) x[s + i] = amp * Math.sin((2 * Math.PI * 1000 * i) / RATE);
  }
  return wav(path, x);
};

/** The left channel of a file's first audio stream, as 48 kHz float. */
const pcm = async (path: string): Promise<Float32Array> => {
  const raw = await ff('-i', path, '-map', '0:a:0', '-f', 'f32le', '-acodec', 'pcm_f32le', '-ar', String(RATE), '-ac', '2', 'pipe:1');
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  return all.filter((_, i) => i % 2 === 0);
};

/** Onsets (s) of bursts above `threshold`, with each burst's peak. */
const pulses = (x: Float32Array, threshold: number): { t: number; peak: number }[] => {
  const found: { t: number; peak: number }[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i]!) < threshold) continue;
    let peak = 0;
    for (let j = i; j < Math.min(x.length, i + 480); j++) peak = Math.max(peak, Math.abs(x[j]!));
    // The onset is where the burst first rises above a tenth of its peak (AAC smears a few samples).
    let k = i;
    while (k > 0 && Math.abs(x[k - 1]!) > peak * 0.1) k--;
    found.push({ t: k / RATE, peak });
    i += RATE / 10;
  }
  return found;
};

/** Encodes `frames` flat grey frames at 30 fps with the given audio; returns the output path. */
const encodeUnder = async (name: string, frames: number, audio: readonly AudioSpec[], extra: Partial<EncodeSpec> = {}): Promise<string> => {
  const W = 64, H = 48;
  const output = at(name);
  const enc = startEncoder({ width: W, height: H, fps: FPS, frames, format: 'mp4', quality: 'low', preset: 'ultrafast', output, input: { kind: 'pipe' }, audio, ...extra } as EncodeSpec);
  const frame = new Uint8Array(yuv420pFrameBytes(W, H));
  for (let i = 0; i < frames; i++) {
    frame.fill(16 + ((i * 7) % 200), 0, W * H);
    frame.fill(128, W * H);
    await enc.write(frame);
  }
  await enc.finish();
  return output;
};

const near = (got: number[], want: number[], tol: number, what: string) => {
  assert.equal(got.length, want.length, `${what}: found pulses at ${got.map((t) => t.toFixed(4)).join(', ')}; expected ${want.join(', ')}`);
  got.forEach((t, i) => assert.ok(Math.abs(t - want[i]!) <= tol, `${what}: pulse ${i} at ${t.toFixed(4)} s, placed at ${want[i]} s`));
};

// Fixtures, made once.
let sineWav: string, sineMp3: string, clickWav: string;
const clips: Record<string, string> = {};
const CLIP_CODECS: Record<string, string[]> = {
  mp4: ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'],
  mov: ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'],
  mkv: ['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'libvorbis'],
  webm: ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '1M', '-c:a', 'libopus'],
  avi: ['-c:v', 'mpeg4', '-q:v', '2', '-c:a', 'libmp3lame'],
};
test.before(async () => {
  sineWav = at('sine.wav');
  await ff('-f', 'lavfi', '-i', `sine=f=440:sample_rate=${RATE}:duration=1`, '-c:a', 'pcm_s16le', sineWav);
  sineMp3 = at('sine.mp3');
  await ff('-i', sineWav, '-c:a', 'libmp3lame', '-b:a', '128k', sineMp3);
  clickWav = clickTrack(at('click.wav'));
  await Promise.all(Object.entries(CLIP_CODECS).map(async ([ext, codecs]) => {
    clips[ext] = at(`clip.${ext}`);
    await ff('-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=1', '-f', 'lavfi', '-i', `sine=f=330:sample_rate=${RATE}:duration=1`,
      '-pix_fmt', 'yuv420p', ...codecs, '-shortest', clips[ext]!);
  }));
  // This ffmpeg writes the rotation only when remuxing (an encode drops it). It stores `rotate=90` as a
  // display matrix that both it and ffprobe read back as 90° counter-clockwise (270° clockwise).
  clips.rotated = at('portrait.mp4');
  await ff('-i', clips.mp4!, '-map', '0:v', '-c', 'copy', '-metadata:s:v:0', 'rotate=90', clips.rotated);
});

test('a 1 s music file looped under 3 s of video: 48 kHz stereo AAC-LC, as long as the video', async () => {
  for (const [name, path] of [['wav', sineWav], ['mp3', sineMp3]] as const) {
    const out = await encodeUnder(`loop-${name}.mp4`, 90, [{ path, loop: true, fadeInS: 0.2, fadeOutS: 0.5 }]);
    const p = await probeMedia(out);
    assert.deepEqual([p.audio?.codec, p.audio?.profile, p.audio?.sampleRate, p.audio?.channels], ['aac', 'LC', 48000, 2]);
    assert.ok(Math.abs(p.audio!.durationS! - 3) <= FRAME_S, `${name}: audio lasts ${p.audio!.durationS} s`);
    assert.ok(Math.abs(p.durationS - 3) <= FRAME_S, `${name}: file lasts ${p.durationS} s`);
    // Sound all through the middle (the loop did not stop after 1 s).
    const x = await pcm(out);
    for (const t of [0.5, 1.5, 2.2]) {
      let peak = 0;
      for (let i = Math.round(t * RATE); i < Math.round((t + 0.1) * RATE); i++) peak = Math.max(peak, Math.abs(x[i]!));
      assert.ok(peak > 0.05, `${name}: loud at ${t} s (peak ${peak.toFixed(3)})`);
    }
  }
});

test('AUDIO SYNC: pulses land within one frame of where they were placed (plain, shifted by startS, with fades)', async () => {
  const plain = pulses(await pcm(await encodeUnder('sync.mp4', 90, [{ path: clickWav }])), 0.2);
  near(plain.map((p) => p.t), PULSES, FRAME_S, 'plain');

  const shifted = pulses(await pcm(await encodeUnder('sync-shift.mp4', 90, [{ path: clickWav, startS: 0.2 }])), 0.2);
  // The 2.5 s pulse moves to 2.7 s; the track is cut at the video's end (3 s).
  near(shifted.map((p) => p.t), PULSES.map((t) => t + 0.2), FRAME_S, 'startS=0.2');
  shifted.forEach((p, i) => assert.ok(Math.abs(p.t - plain[i]!.t - 0.2) <= 2 / RATE * 24, `shift of pulse ${i} is ${(p.t - plain[i]!.t).toFixed(5)} s`));

  // Fades 0.3 s in and out: the pulses inside them stay put (the outer ones quieter, still found at a low threshold).
  const faded = pulses(await pcm(await encodeUnder('sync-fade.mp4', 90, [{ path: clickWav, fadeInS: 0.6, fadeOutS: 0.6 }])), 0.05);
  near(faded.map((p) => p.t), PULSES, FRAME_S, 'fades');
  assert.ok(faded[0]!.peak < plain[0]!.peak * 0.95 && faded[4]!.peak < plain[4]!.peak * 0.95, 'first and last pulses are in the fades');
  assert.ok(Math.abs(faded[2]!.peak - plain[2]!.peak) < 0.05 * plain[2]!.peak, 'the middle one is not');

  // Trimmed by 0.4 s and mixed with a second (quiet) track: pulses 0.4 s earlier, mix timing unchanged.
  const mixed = pulses(await pcm(await encodeUnder('sync-mix.mp4', 90, [{ path: clickWav, trimS: 0.4 }, { path: sineWav, volume: 0.05 }])), 0.3);
  near(mixed.map((p) => p.t), PULSES.map((t) => t - 0.4), FRAME_S, 'trimS=0.4 in a mix');

  // A mix whose volumes add past 1 goes through the limiter: still in place, and under full scale.
  const loud = pulses(await pcm(await encodeUnder('sync-limit.mp4', 90, [{ path: clickWav }, { path: clickWav, startS: 0.1 }])), 0.2);
  near(loud.map((p) => p.t), [0.5, 0.6, 1.0, 1.1, 1.5, 1.6, 2.0, 2.1, 2.5, 2.6], FRAME_S, 'limited mix');
  for (const p of loud) assert.ok(p.peak <= 1.0, `peak ${p.peak}`);
});

test('volume 0.5 halves the amplitude', async () => {
  const full = pulses(await pcm(await encodeUnder('vol1.mp4', 90, [{ path: clickWav }])), 0.1);
  const half = pulses(await pcm(await encodeUnder('vol05.mp4', 90, [{ path: clickWav, volume: 0.5 }])), 0.1);
  assert.equal(half.length, 5);
  half.forEach((p, i) => {
    const r = p.peak / full[i]!.peak;
    assert.ok(Math.abs(r - 0.5) <= 0.05, `pulse ${i}: ratio ${r.toFixed(3)}`);
  });
});

test('loudnorm brings a quiet tone to about -14 LUFS, without moving it', async () => {
  const quiet = at('quiet.wav');
  await ff('-f', 'lavfi', '-i', `sine=f=440:sample_rate=${RATE}:duration=6`, '-af', 'volume=0.03', '-c:a', 'pcm_s16le', quiet);
  const lufs = async (path: string): Promise<number> => {
    const { stderrTail } = await runTool(resolveBinaries().ffmpeg, ['-hide_banner', '-nostats', '-nostdin', '-i', path, '-map', '0:a:0', '-af', 'ebur128=framelog=verbose', '-f', 'null', '-']);
    const m = [...stderrTail.matchAll(/I:\s+(-?[\d.]+) LUFS/g)].pop();
    assert.ok(m, stderrTail);
    return Number(m[1]);
  };
  const before = await lufs(await encodeUnder('ln-off.mp4', 150, [{ path: quiet }]));
  const after = await lufs(await encodeUnder('ln-on.mp4', 150, [{ path: quiet }], { loudnorm: true }));
  assert.ok(before < -30, `the tone starts quiet (${before} LUFS)`);
  assert.ok(Math.abs(after - -14) <= 1.5, `normalised to ${after} LUFS`);
  const p = await probeMedia(at('ln-on.mp4'));
  assert.deepEqual([p.audio?.sampleRate, p.audio?.channels], [48000, 2]);
  assert.ok(Math.abs(p.audio!.durationS! - 5) <= FRAME_S, `audio lasts ${p.audio!.durationS} s`);
  // The click track keeps its timing through loudnorm.
  const clicks = pulses(await pcm(await encodeUnder('ln-sync.mp4', 90, [{ path: clickWav }], { loudnorm: true })), 0.2);
  near(clicks.map((c) => c.t), PULSES, FRAME_S, 'loudnorm');
});

test("a video clip's soundtrack can be laid under the video", async () => {
  const out = await encodeUnder('from-clip.mp4', 30, [{ path: clips.mov!, fromVideo: true, streamIndex: 0 }]);
  const x = await pcm(out);
  let peak = 0;
  for (let i = RATE * 0.2; i < RATE * 0.8; i++) peak = Math.max(peak, Math.abs(x[i]!));
  assert.ok(peak > 0.05, `the clip's tone is heard (peak ${peak})`);
});

// --- clips as frame sources ---

/** sRGB of the BT.709 limited-range YUV at (x, y) of a yuv420p frame. */
const rgbAt = (f: Uint8Array, W: number, H: number, x: number, y: number): [number, number, number] => {
  const Y = f[y * W + x]!;
  const ci = (y >> 1) * (W >> 1) + (x >> 1);
  const U = f[W * H + ci]!, V = f[W * H + (W >> 1) * (H >> 1) + ci]!;
  const yn = (Y - 16) / 219, cb = (U - 128) / 224, cr = (V - 128) / 224;
  const r = yn + 1.5748 * cr, g = yn - 0.1873 * cb - 0.4681 * cr, b = yn + 1.8556 * cb;
  return [r, g, b].map((c) => Math.round(255 * Math.max(0, Math.min(1, c)))) as [number, number, number];
};

const drain = async (c: { next(): Promise<Uint8Array | null>; close(): Promise<void> }): Promise<Uint8Array[]> => {
  const frames: Uint8Array[] = [];
  for (let f = await c.next(); f; f = await c.next()) frames.push(f);
  await c.close();
  return frames;
};

test('openClip gives exactly round(d × fps) canvas-sized frames for each container', async () => {
  const W = 160, H = 160;
  for (const ext of Object.keys(CLIP_CODECS)) {
    for (const fit of ['cover', 'contain'] as const) {
      const c = await openClip(clips[ext]!, { width: W, height: H, fps: 30, trimStartS: 0.2, durationS: 0.5, fit });
      const frames = await drain(c);
      assert.equal(frames.length, 15, `${ext} ${fit}`);
      for (const f of frames) assert.equal(f.byteLength, yuv420pFrameBytes(W, H));
    }
  }
  // 29.97 fps canvas, 0.7 s: round(20.979) = 21.
  assert.equal((await drain(await openClip(clips.mp4!, { width: 64, height: 48, fps: 30000 / 1001, trimStartS: 0, durationS: 0.7, fit: 'cover' }))).length, 21);
});

test('a clip shorter than its slot holds its last frame', async () => {
  const W = 64, H = 48;
  const frames = await drain(await openClip(clips.mp4!, { width: W, height: H, fps: 30, trimStartS: 0.5, durationS: 2, fit: 'cover' }));
  assert.equal(frames.length, 60);
  // 0.5 s of clip = 15 frames of motion, then the same picture.
  const same = (a: Uint8Array, b: Uint8Array) => a.every((v, i) => v === b[i]);
  assert.ok(!same(frames[0]!, frames[14]!), 'the clip moves');
  for (let i = 16; i < 60; i++) assert.ok(same(frames[i]!, frames[59]!), `frame ${i} is the held last frame`);
  // A trim past the end still shows the last picture rather than failing.
  assert.equal((await drain(await openClip(clips.mp4!, { width: W, height: H, fps: 30, trimStartS: 5, durationS: 0.2, fit: 'cover' }))).length, 6);
});

test("a decoded frame's colour matches the source's colour bars (BT.709 limited range out)", async () => {
  // testsrc2's bars, left to right: red, green, yellow, blue, magenta, cyan (each 1/6 of the width).
  const bars: [number, [number, number, number]][] = [[27, [255, 0, 0]], [80, [0, 255, 0]], [133, [255, 255, 0]], [186, [0, 0, 255]], [240, [255, 0, 255]], [293, [0, 255, 255]]];
  for (const ext of Object.keys(CLIP_CODECS)) {
    const [f] = await drain(await openClip(clips[ext]!, { width: 320, height: 240, fps: 25, trimStartS: 0, durationS: 0.04, fit: 'cover' }));
    for (const [x, want] of bars) {
      const got = rgbAt(f!, 320, 240, x, 212);
      assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 24), `${ext}: bar at x=${x} is ${got}, source ${want}`);
    }
  }
  // contain into a wider canvas: padded with the background colour, picture in the middle.
  const [f] = await drain(await openClip(clips.mp4!, { width: 480, height: 240, fps: 25, trimStartS: 0, durationS: 0.04, fit: 'contain', background: '#3366cc' }));
  const pad = rgbAt(f!, 480, 240, 20, 120);
  assert.ok(pad.every((v, i) => Math.abs(v - [0x33, 0x66, 0xcc][i]!) <= 6), `background ${pad}`);
  const yellow = rgbAt(f!, 480, 240, 80 + 133, 212);
  assert.ok(yellow.every((v, i) => Math.abs(v - [255, 255, 0][i]!) <= 24), `yellow bar ${yellow}`);
});

test("a clip's rotation metadata is honoured: the portrait clip arrives upright", async () => {
  const info = await inspectMedia(clips.rotated!);
  assert.deepEqual([info.kind, info.width, info.height, info.rotation], ['video', 240, 320, 270]);
  // contain into a portrait canvas of the same shape: no padding, the bars fill it, now running top to bottom.
  const [f] = await drain(await openClip(clips.rotated!, { width: 240, height: 320, fps: 25, trimStartS: 0, durationS: 0.04, fit: 'contain' }));
  // Turned 270° clockwise for display: the leftmost (red) bar becomes the bottom rows, cyan the top (x = 200 is the source's row 200, clear of the timecode box).
  const top = rgbAt(f!, 240, 320, 200, 20);
  const bottom = rgbAt(f!, 240, 320, 200, 300);
  assert.ok(bottom[0] > 200 && bottom[1] < 60 && bottom[2] < 60, `bottom is red: ${bottom}`);
  assert.ok(top[0] < 60 && top[1] > 200 && top[2] > 200, `top is cyan: ${top}`);
  // Without the metadata the same frame is landscape: cover into 240x320 shows the middle bars side by side.
  const [g] = await drain(await openClip(clips.mp4!, { width: 240, height: 320, fps: 25, trimStartS: 0, durationS: 0.04, fit: 'cover' }));
  assert.notDeepEqual(rgbAt(g!, 240, 320, 200, 300), bottom);
});

test('inspectMedia: kinds, types, durations, sizes; non-media gives UNSUPPORTED_TYPE, a broken file CORRUPT_INPUT', async () => {
  const v = await inspectMedia(clips.mp4!);
  assert.equal(v.kind, 'video');
  assert.equal(v.type, 'mp4');
  assert.deepEqual([v.width, v.height, v.fps, v.hasAudio], [320, 240, 25, true]);
  assert.ok(Math.abs(v.durationMs - 1000) <= 50, `${v.durationMs} ms`);
  for (const ext of ['mov', 'webm', 'mkv', 'avi']) {
    const i = await inspectMedia(clips[ext]!);
    assert.deepEqual([i.kind, i.type, i.width, i.height], ['video', ext, 320, 240]);
  }
  const m = await inspectMedia(sineMp3);
  assert.deepEqual([m.kind, m.type, m.hasAudio, m.width], ['audio', 'mp3', true, undefined]);
  assert.ok(Math.abs(m.durationMs - 1000) <= 60, `${m.durationMs} ms`);
  const w = await inspectMedia(sineWav);
  assert.deepEqual([w.kind, w.type, w.durationMs], ['audio', 'wav', 1000]);
  const m4a = at('tone.m4a');
  await ff('-i', sineWav, '-c:a', 'aac', m4a);
  assert.deepEqual([(await inspectMedia(m4a)).kind], ['audio']);

  const text = at('notes.txt');
  writeFileSync(text, 'not a video at all\n');
  await assert.rejects(inspectMedia(text), (e: unknown) =>
    e instanceof StillmotionError && e.kind === 'UNSUPPORTED_TYPE' && (e.details.accepted as string[]).includes('mp4') && (e.details.accepted as string[]).includes('mp3'));
  const png = at('pic.png');
  await ff('-f', 'lavfi', '-i', 'color=red:s=8x8', '-frames:v', '1', png);
  await assert.rejects(inspectMedia(png), (e: unknown) => e instanceof StillmotionError && e.kind === 'UNSUPPORTED_TYPE' && /image/.test(e.message));
  // An mp4 header and then garbage.
  const broken = at('broken.mp4');
  const head = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 0x69, 0x73, 0x6f, 0x6d, 0x6d, 0x70, 0x34, 0x31]);
  writeFileSync(broken, Buffer.concat([head, Buffer.alloc(2000, 7)]));
  await assert.rejects(inspectMedia(broken), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT');
  await assert.rejects(inspectMedia(at('missing.mp4')), (e: unknown) => e instanceof StillmotionError && e.kind === 'INPUT_NOT_FOUND');
  await assert.rejects(openClip(broken, { width: 64, height: 48, fps: 30, trimStartS: 0, durationS: 1, fit: 'cover' }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT');
});
