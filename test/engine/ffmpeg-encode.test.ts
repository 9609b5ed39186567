/**
 * The ffmpeg door against real processes: encodes of synthetic frames probed back, cancel, the stop
 * ladder, a fake ffmpeg that fails, and a missing binary. Everything is written under os.tmpdir().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFrames, probeMedia, resolveBinaries, runTool, startEncoder, topLevelBoxes, yuv420pFrameBytes,
  type EncodeProgress, type EncodeSpec, type OutputFormat,
} from '../../src/engine/ffmpeg/index.js';
import { StillmotionError } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'stillmotion-ffmpeg-test-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => mkdtempSync(join(root, `t${dirs++}-`));

/** BT.709 limited-range YUV of an sRGB colour (what the renderer sends). */
const yuv709 = (r: number, g: number, b: number): [number, number, number] => {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  return [16 + 219 * y, 128 + 224 * ((B - y) / 1.8556), 128 + 224 * ((R - y) / 1.5748)].map(Math.round) as [number, number, number];
};
const PATCH = [200, 60, 40] as const;
/** Luma of the moving gradient at (x, y) in frame t, limited range. */
const gradY = (x: number, y: number, t: number) => Math.round(16 + 219 * (0.5 + 0.5 * Math.sin((x + 0.5 * y + 6 * t) / 23)));

/** A moving gradient with a fixed colour patch (64x64, top-left) as one yuv420p frame. */
const frame = (w: number, h: number, t: number): Uint8Array => {
  const buf = new Uint8Array(yuv420pFrameBytes(w, h));
  const [py, pu, pv] = yuv709(...PATCH);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) buf[y * w + x] = x < 64 && y < 64 ? py : gradY(x, y, t);
  const cw = w / 2, ch = h / 2, u = w * h, v = u + cw * ch;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const inPatch = x < 32 && y < 32;
      buf[u + y * cw + x] = inPatch ? pu : Math.round(128 + 30 * Math.sin(y / 11 + t / 5));
      buf[v + y * cw + x] = inPatch ? pv : Math.round(128 + 30 * Math.cos(x / 17));
    }
  }
  return buf;
};

const W = 320, H = 240, N = 40;
const base = (o: Partial<EncodeSpec> & { output: string }): EncodeSpec =>
  ({ width: W, height: H, fps: 15, frames: N, format: 'mp4', quality: 'medium', input: { kind: 'pipe' }, ...o });

const encode = async (s: EncodeSpec, onProgress?: (p: EncodeProgress) => void) => {
  const enc = startEncoder(s, { onProgress });
  for (let t = 0; t < s.frames; t++) await enc.write(frame(s.width, s.height, t));
  return enc.finish();
};

const rejectsWith = async (p: Promise<unknown>, kind: string, check?: (e: StillmotionError) => void) => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StillmotionError, `a StillmotionError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    check?.(e);
    return true;
  });
};
const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => Array.from(b).every((v, i) => Math.abs(a[i]! - v) <= tol);
const rgbAt = (f: Buffer, x: number, y: number) => [...f.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];

test('mp4: H.264 High yuv420p BT.709 tv, exactly N frames lasting N/fps, AAC-LC 48k stereo as long, fast start, 2 s GOP, colours intact', async () => {
  const dir = freshDir();
  const output = join(dir, 'clip.mp4');
  const reports: EncodeProgress[] = [];
  const r = await encode(base({ output }), (p) => reports.push(p));
  assert.equal(r.output, output);
  assert.deepEqual(readdirSync(dir), ['clip.mp4'], 'the partial file was renamed, nothing else left');
  assert.equal(reports.at(-1)?.frame, N, 'progress ends at the last frame');
  assert.ok(reports.every((p, i) => i === 0 || p.frame >= reports[i - 1]!.frame), 'progress only goes forward');

  const p = await probeMedia(output, { countFrames: true, keyframes: true });
  const v = p.video!;
  assert.match(p.format, /mp4/);
  assert.deepEqual([v.codec, v.profile, v.pixFmt], ['h264', 'High', 'yuv420p']);
  assert.deepEqual([v.colorPrimaries, v.colorTransfer, v.colorSpace, v.colorRange], ['bt709', 'bt709', 'bt709', 'tv']);
  assert.deepEqual([v.width, v.height, v.rFrameRate, v.frames], [W, H, '15/1', N]);
  assert.ok(Math.abs(v.durationS! - N / 15) < 1e-3, `video ${v.durationS}`);
  assert.ok(Math.abs(p.durationS - N / 15) < 1 / 15, `file ${p.durationS}`);
  assert.equal(p.hasAudio, true);
  assert.deepEqual([p.audio?.codec, p.audio?.profile, p.audio?.sampleRate, p.audio?.channels], ['aac', 'LC', 48000, 2]);
  assert.ok(Math.abs(p.audio!.durationS! - N / 15) < 0.025, `audio ${p.audio!.durationS} vs video ${N / 15}`);
  assert.equal(p.moovBeforeMdat, true);
  assert.deepEqual(p.keyframes, [0, 2], 'closed GOP with a keyframe every 2 s (and no scene-cut extras)');
  assert.ok(p.sizeBytes > 1000);

  // No conversion on the way: the patch comes back as its RGB, the gradient as its luma.
  const [rgb] = await decodeFrames(output, { pixFmt: 'rgb24', frames: [10] });
  assert.ok(near(rgbAt(rgb!, 24, 24), PATCH, 6), `patch ${rgbAt(rgb!, 24, 24)}`);
  const [gray] = await decodeFrames(output, { pixFmt: 'gray', frames: [10] });
  for (const [x, y] of [[160, 120], [250, 200], [100, 180]] as const) {
    const want = Math.round(((gradY(x, y, 10) - 16) * 255) / 219);
    assert.ok(Math.abs(gray![y * W + x]! - want) <= 6, `luma at ${x},${y}: ${gray![y * W + x]} vs ${want}`);
  }

  // Chosen frames come back in the order asked; the same as decoding everything.
  const all = await decodeFrames(output, { pixFmt: 'gray' });
  assert.equal(all.length, N);
  const some = await decodeFrames(output, { pixFmt: 'gray', frames: [30, 3, 30] });
  assert.deepEqual(some.map((f) => f.equals(all[30]!) || f.equals(all[3]!)), [true, true, true]);
  assert.ok(some[0]!.equals(all[30]!) && some[1]!.equals(all[3]!) && some[2]!.equals(all[30]!));
  const small = await decodeFrames(output, { pixFmt: 'rgb24', width: 160, height: 120, frames: [0] });
  assert.equal(small[0]!.length, 160 * 120 * 3);
  await rejectsWith(decodeFrames(output, { pixFmt: 'gray', frames: [N + 5] }), 'INVALID_OPTION');

  // Our own box scan: the same file without fast start has mdat first.
  const slow = join(dir, 'slow.mp4');
  await runTool(resolveBinaries().ffmpeg, ['-v', 'error', '-i', output, '-map', '0', '-c', 'copy', slow]);
  assert.deepEqual((await topLevelBoxes(output)).map((b) => b.type).filter((t) => t === 'moov' || t === 'mdat'), ['moov', 'mdat']);
  assert.equal((await probeMedia(slow)).moovBeforeMdat, false);
});

test('webm, gif and mov probe as what they claim, with exact frame counts', async () => {
  const dir = freshDir();
  const cases: Array<[OutputFormat, Partial<EncodeSpec>, (p: Awaited<ReturnType<typeof probeMedia>>) => void]> = [
    ['webm', {}, (p) => {
      assert.match(p.format, /webm|matroska/);
      assert.deepEqual([p.video?.codec, p.video?.pixFmt, p.video?.colorSpace, p.video?.colorRange], ['vp9', 'yuv420p', 'bt709', 'tv']);
      assert.deepEqual([p.audio?.codec, p.audio?.sampleRate, p.audio?.channels], ['opus', 48000, 2]);
      assert.equal(p.moovBeforeMdat, false);
    }],
    ['mov', {}, (p) => {
      assert.match(p.format, /mov/);
      assert.deepEqual([p.video?.codec, p.video?.profile, p.video?.colorRange], ['h264', 'High', 'tv']);
      assert.deepEqual([p.audio?.codec, p.audio?.sampleRate, p.audio?.channels], ['aac', 48000, 2]);
      assert.ok(Math.abs(p.audio!.durationS! - N / 15) < 0.025);
      assert.equal(p.moovBeforeMdat, true);
    }],
    ['gif', {}, (p) => {
      assert.equal(p.format, 'gif');
      assert.equal(p.video?.codec, 'gif');
      assert.equal(p.hasAudio, false);
      assert.equal(p.audio, null);
    }],
  ];
  for (const [format, extra, check] of cases) {
    const output = join(dir, `clip.${format}`);
    await encode(base({ output, format, ...extra }));
    const p = await probeMedia(output, { countFrames: true });
    check(p);
    assert.deepEqual([p.video?.width, p.video?.height, p.video?.frames], [W, H, N], format);
    assert.ok(Math.abs(p.durationS - N / 15) < 0.05, `${format} duration ${p.durationS}`);
    const [f] = await decodeFrames(output, { pixFmt: 'rgb24', frames: [5] });
    assert.ok(near(rgbAt(f!, 24, 24), PATCH, format === 'gif' ? 12 : 8), `${format} patch ${rgbAt(f!, 24, 24)}`);
  }
  // GIF above 30 fps is resampled to 30.
  const fast = join(dir, 'fast.gif');
  await encode(base({ output: fast, format: 'gif', fps: 60 }));
  const p = await probeMedia(fast, { countFrames: true });
  assert.equal(p.video?.frames, N / 2);
  assert.ok(Math.abs(p.durationS - N / 60) < 0.05, `gif duration ${p.durationS}`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), []);
});

test('audio tracks are placed, scaled and summed into 48k stereo AAC as long as the video', async () => {
  const dir = freshDir();
  const ff = resolveBinaries().ffmpeg;
  const tone = async (hz: number) => {
    const p = join(dir, `tone${hz}.wav`);
    // lavfi's sine has amplitude 1/8 (−18 dBFS peak).
    await runTool(ff, ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=44100:duration=1.5`, '-ac', '1', p]);
    return p;
  };
  const [a, b] = [await tone(440), await tone(1000)];
  const levels = async (file: string, fromS: number, toS: number) => {
    const { stderrTail } = await runTool(ff, ['-v', 'info', '-nostats', '-ss', String(fromS), '-t', String(toS - fromS), '-i', file, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-']);
    return { mean: Number(/mean_volume: (-?[\d.]+|-inf) dB/.exec(stderrTail)?.[1]), max: Number(/max_volume: (-?[\d.]+|-inf) dB/.exec(stderrTail)?.[1]) };
  };

  const mixed = join(dir, 'mixed.mp4');
  await encode(base({ output: mixed, audio: [{ path: a, volume: 0.5, durationS: 1 }, { path: b, volume: 0.5, durationS: 1, fadeOutS: 0.1 }] }));
  const p = await probeMedia(mixed);
  assert.deepEqual([p.audio?.codec, p.audio?.sampleRate, p.audio?.channels], ['aac', 48000, 2]);
  assert.ok(Math.abs(p.audio!.durationS! - N / 15) < 0.025, `audio ${p.audio!.durationS}`);
  // Each mono sine reaches both channels at −3 dB (constant-power upmix) and is halved by its volume:
  // RMS −21.1 −3 −6 = −30.1 dB each; two uncorrelated ones sum to −27.1 (amix's own 1/n would give −33.1).
  const both = await levels(mixed, 0.1, 0.8);
  assert.ok(Math.abs(both.mean - -27.1) < 1, `mix mean ${both.mean} dB`);
  assert.ok((await levels(mixed, 1.2, 2.5)).max < -60, 'silent after the tracks end (durationS)');

  const late = join(dir, 'late.mp4');
  await encode(base({ output: late, audio: [{ path: a, volume: 0.5, startS: 0.6, trimS: 0.2 }] }));
  assert.ok((await levels(late, 0, 0.5)).max < -60, 'silent before startS');
  const on = await levels(late, 0.8, 1.5);
  assert.ok(Math.abs(on.max - -27.1) < 1, `one sine at volume 0.5 peaks at −18.1 −3 −6 = −27.1 dB: ${on.max}`);
});

test('abort mid-encode ends as CANCELLED, stops ffmpeg and leaves neither output nor partial; twice is harmless', async () => {
  const dir = freshDir();
  const output = join(dir, 'cancel.mp4');
  const controller = new AbortController();
  const enc = startEncoder(base({ output, width: 640, height: 360, frames: 200 }), { signal: controller.signal });
  for (let t = 0; t < 12; t++) await enc.write(frame(640, 360, t));
  controller.abort();
  await rejectsWith(enc.write(frame(640, 360, 12)), 'CANCELLED');
  await rejectsWith(enc.finish(), 'CANCELLED');
  await enc.abort();
  await enc.abort('again');
  assert.deepEqual(readdirSync(dir), [], 'no output, no partial');
});

test('the stop ladder escalates to SIGKILL for an ffmpeg that ignores EOF and SIGTERM', async () => {
  const dir = freshDir();
  const stubborn = join(dir, 'stubborn-ffmpeg');
  // The stub says when its trap is set: before that, SIGTERM would end it and the ladder would stop
  // early (a fixed head start of 100 ms was not always enough for a loaded machine to get that far).
  const trapped = join(dir, 'trapped');
  writeFileSync(stubborn, `#!/bin/sh\ntrap '' TERM\n: > '${trapped}'\nwhile :; do sleep 0.05; done\n`);
  chmodSync(stubborn, 0o755);
  const output = join(dir, 'never.mp4');
  const enc = startEncoder(base({ output }), { ffmpegPath: stubborn, termAfterMs: 50, killAfterMs: 400 });
  for (const end = performance.now() + 30_000; !existsSync(trapped); await new Promise((r) => setTimeout(r, 10))) assert.ok(performance.now() < end, 'the stub set its trap');
  rmSync(trapped);
  const t0 = performance.now();
  await enc.abort();
  const ms = performance.now() - t0;
  assert.ok(ms >= 350 && ms < 3000, `stopped by SIGKILL after ${ms.toFixed(0)} ms`);
  await rejectsWith(enc.finish(), 'CANCELLED');
  assert.deepEqual(readdirSync(dir), ['stubborn-ffmpeg']);
});

test('an ffmpeg that dies mid-stream: ENCODER_FAILED naming the frame, with its stderr tail; no files left', async () => {
  const dir = freshDir();
  const fake = join(dir, 'fake-ffmpeg');
  writeFileSync(fake, '#!/bin/sh\nhead -c 200000 > /dev/null\necho "fake-ffmpeg: Error while decoding stream #0:0: Invalid data found when processing input" >&2\nexit 1\n');
  chmodSync(fake, 0o755);
  const output = join(dir, 'broken.mp4');
  const enc = startEncoder(base({ output }), { ffmpegPath: fake });
  let failedAt = -1;
  let err: unknown;
  for (let t = 0; t < N; t++) {
    try {
      await enc.write(frame(W, H, t));
    } catch (e) {
      failedAt = t;
      err = e;
      break;
    }
  }
  assert.ok(failedAt >= 1, `frames 0 and 1 fit in what the fake read (failed at ${failedAt})`);
  assert.ok(err instanceof StillmotionError);
  assert.equal(err.kind, 'ENCODER_FAILED');
  assert.match(err.message, new RegExp(`frame ${failedAt}\\b`));
  assert.match(err.message, /exited with code 1/);
  assert.match(err.message, /fake-ffmpeg: Error while decoding/);
  assert.equal(err.details.frame, failedAt);
  assert.equal(err.details.exit_code, 1);
  assert.match(String(err.details.stderr_tail), /Invalid data found/);
  assert.ok(Array.isArray(err.details.args));
  await rejectsWith(enc.write(frame(W, H, failedAt + 1)), 'ENCODER_FAILED', (e) => assert.match(e.message, new RegExp(`before frame ${failedAt + 1} could`)));
  await rejectsWith(enc.finish(), 'ENCODER_FAILED');
  assert.deepEqual(readdirSync(dir), ['fake-ffmpeg']);
});

test('a missing binary is ENCODER_MISSING; an unwritable folder is OUTPUT_NOT_WRITABLE; env overrides the binaries', async () => {
  const dir = freshDir();
  const enc = startEncoder(base({ output: join(dir, 'x.mp4') }), { ffmpegPath: join(dir, 'no-such-ffmpeg') });
  await rejectsWith(enc.write(frame(W, H, 0)), 'ENCODER_MISSING', (e) => assert.match(e.message, /no-such-ffmpeg/));
  await rejectsWith(enc.finish(), 'ENCODER_MISSING');
  await rejectsWith(probeMedia(join(dir, 'x.mp4'), { ffprobePath: join(dir, 'no-such-ffprobe') }), 'ENCODER_MISSING');
  assert.deepEqual(readdirSync(dir), []);

  assert.throws(() => startEncoder(base({ output: join(dir, 'missing-folder', 'x.mp4') })), (e: unknown) => e instanceof StillmotionError && e.kind === 'OUTPUT_NOT_WRITABLE');

  assert.deepEqual(resolveBinaries({ FFMPEG_PATH: '/opt/ff/ffmpeg', FFPROBE_PATH: '/opt/ff/ffprobe' }), { ffmpeg: '/opt/ff/ffmpeg', ffprobe: '/opt/ff/ffprobe' });
  const installed = resolveBinaries({});
  assert.ok(existsSync(installed.ffmpeg) && existsSync(installed.ffprobe));
  assert.deepEqual(resolveBinaries({ FFMPEG_PATH: '' }), installed, 'an empty variable counts as unset');
});

test('wrong-size frames, too many frames, and finishing early are caller bugs, refused without hanging', async () => {
  const dir = freshDir();
  const enc = startEncoder(base({ output: join(dir, 'a.mp4'), frames: 2 }));
  await rejectsWith(enc.write(new Uint8Array(10)), 'INTERNAL', (e) => assert.match(e.message, /frame 0 has 10 bytes/));
  await enc.write(frame(W, H, 0));
  await rejectsWith(enc.finish(), 'INTERNAL', (e) => assert.match(e.message, /after 1 of 2 frames/));
  assert.deepEqual(readdirSync(dir), []);
  const ok = startEncoder(base({ output: join(dir, 'b.mp4'), frames: 1 }));
  await ok.write(frame(W, H, 0));
  await rejectsWith(ok.write(frame(W, H, 1)), 'INTERNAL', (e) => assert.match(e.message, /beyond the 1 frames/));
  await ok.finish();
  await ok.abort(); // after success: a no-op that keeps the output
  assert.deepEqual(readdirSync(dir), ['b.mp4']);
});
