/** The ffmpeg door's pure parts, tested as data: the argument builder and the progress-line parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import {
  DEFAULT_X264_PRESET, VP9_CRF, X264_CRF, buildEncodeArgs, encodeNotes, parseProgressLine, partialPath, progressFolder,
  type EncodeSpec, type OutputFormat, type OutputQuality, type ProgressLine,
} from '../../src/engine/ffmpeg/index.js';
import { StillmotionError } from '../../src/errors.js';

const spec = (o: Partial<EncodeSpec> = {}): EncodeSpec =>
  Object.freeze({ width: 320, height: 240, fps: 30, frames: 40, format: 'mp4', quality: 'high', output: '/tmp/out/clip.mp4', input: { kind: 'pipe' }, ...o } as EncodeSpec);

/** The value after the first `flag` at or after `from`. */
const val = (a: string[], flag: string, from = 0): string | undefined => {
  const i = a.indexOf(flag, from);
  return i < 0 ? undefined : a[i + 1];
};
const firstInput = (a: string[]) => a.indexOf('-i');
/** Options placed after the last input, i.e. output options. */
const out = (a: string[], flag: string) => val(a, flag, a.lastIndexOf('-filter_complex'));
const graph = (a: string[]) => val(a, '-filter_complex') ?? '';
const FORMATS: OutputFormat[] = ['mp4', 'mov', 'webm', 'gif'];
const QUALITIES: OutputQuality[] = ['high', 'medium', 'low'];

test('input is raw yuv420p of the spec size and rate, tagged BT.709 limited range, from the pipe or a file', () => {
  for (const format of FORMATS) {
    const a = buildEncodeArgs(spec({ format }));
    const head = a.slice(0, firstInput(a) + 2);
    assert.equal(val(head, '-f'), 'rawvideo');
    assert.equal(val(head, '-pix_fmt'), 'yuv420p');
    assert.equal(val(head, '-s'), '320x240');
    assert.equal(val(head, '-framerate'), '30');
    assert.deepEqual(['-color_primaries', '-color_trc', '-colorspace', '-color_range'].map((f) => val(head, f)), ['bt709', 'bt709', 'bt709', 'tv']);
    assert.equal(val(a, '-i'), 'pipe:0');
    assert.equal(val(a, '-progress'), 'pipe:2');
    assert.ok(a.includes('-nostdin') && a.includes('-y'));
  }
  assert.equal(val(buildEncodeArgs(spec({ input: { kind: 'file', path: '/tmp/frames.yuv' } })), '-i'), '/tmp/frames.yuv');
});

test('every format writes to a hidden .partial next to the output, with the muxer named explicitly', () => {
  for (const format of FORMATS) {
    const output = `/tmp/out/clip.${format}`;
    const a = buildEncodeArgs(spec({ format, output }));
    assert.equal(a.at(-1), partialPath(output));
    assert.equal(a.at(-1), `/tmp/out/.clip.${format}.partial`);
    assert.equal(dirname(a.at(-1)!), dirname(output));
    assert.equal(a.at(-2), format);
    assert.equal(a.at(-3), '-f');
  }
  assert.equal(partialPath('clip.mp4'), '.clip.mp4.partial');
});

test('mp4 and mov: H.264 High yuv420p BT.709 tv, CRF per quality, CFR, closed 2 s GOP, exact frames, AAC-LC 48k stereo, fast start', () => {
  for (const format of ['mp4', 'mov'] as const) {
    for (const quality of QUALITIES) {
      const a = buildEncodeArgs(spec({ format, quality }));
      const g = graph(a);
      assert.equal(out(a, '-c:v'), 'libx264');
      assert.equal(out(a, '-crf'), String(X264_CRF[quality]));
      assert.equal(out(a, '-preset'), DEFAULT_X264_PRESET);
      assert.equal(out(a, '-profile:v'), 'high');
      assert.equal(out(a, '-pix_fmt'), 'yuv420p');
      assert.deepEqual(['-color_primaries', '-color_trc', '-colorspace', '-color_range'].map((f) => out(a, f)), ['bt709', 'bt709', 'bt709', 'tv']);
      assert.equal(out(a, '-g'), '60', 'keyframe every 2 s at 30 fps');
      assert.equal(out(a, '-keyint_min'), '60');
      assert.equal(out(a, '-sc_threshold'), '0');
      assert.equal(out(a, '-flags'), '+cgop');
      assert.match(out(a, '-x264-params')!, /open-gop=0/);
      assert.equal(out(a, '-vsync'), 'cfr');
      assert.equal(out(a, '-r'), '30');
      assert.equal(a.includes('-threads'), false, 'x264 picks its own threads unless told (faster on 2 cores while we render)');
      assert.match(g, /\[0:v\]trim=end_frame=40\[v\]/, 'exactly 40 frames');
      assert.doesNotMatch(g, /scale|format=|colorspace/, 'no conversion: the samples are already BT.709 tv yuv420p');
      assert.ok(!a.includes('-frames:v'), '-frames:v would cut the audio short in the shipped ffmpeg (see encode-args.ts)');
      assert.equal(out(a, '-c:a'), 'aac');
      assert.equal(out(a, '-profile:a'), 'aac_low');
      assert.equal(out(a, '-ar'), '48000');
      assert.equal(out(a, '-ac'), '2');
      assert.match(g, /anullsrc=r=48000:cl=stereo,atrim=end_sample=64000\[aout\]/, 'silence exactly 40/30 s long');
      assert.deepEqual(a.filter((_, i) => a[i - 1] === '-map'), ['[v]', '[aout]']);
      assert.equal(out(a, '-movflags'), '+faststart');
    }
  }
  const fast = buildEncodeArgs(spec({ preset: 'medium', fps: 25, frames: 100, threads: 1 }));
  assert.equal(out(fast, '-preset'), 'medium');
  assert.deepEqual([out(fast, '-g'), out(fast, '-r'), out(fast, '-threads')], ['50', '25', '1']);
  assert.match(graph(fast), /atrim=end_sample=192000/);
  const ntsc = buildEncodeArgs(spec({ fps: 30000 / 1001, frames: 300 }));
  assert.match(graph(ntsc), /atrim=end_sample=480480\[aout\]/, '300 frames at 29.97 fps = 10.01 s');
});

test('webm: VP9 constant quality at a realtime-ish speed with row-mt, Opus 48k stereo silence', () => {
  for (const quality of QUALITIES) {
    const a = buildEncodeArgs(spec({ format: 'webm', quality, output: '/tmp/out/clip.webm' }));
    assert.equal(out(a, '-c:v'), 'libvpx-vp9');
    assert.equal(out(a, '-crf'), String(VP9_CRF[quality]));
    assert.equal(out(a, '-b:v'), '0');
    assert.equal(out(a, '-deadline'), 'good');
    const speed = Number(out(a, '-cpu-used'));
    assert.ok(speed >= 4 && speed <= 8, `cpu-used ${speed}`);
    assert.equal(out(a, '-row-mt'), '1');
    assert.equal(out(a, '-pix_fmt'), 'yuv420p');
    assert.equal(out(a, '-colorspace'), 'bt709');
    assert.equal(out(a, '-g'), '60');
    assert.equal(out(a, '-c:a'), 'libopus');
    assert.equal(out(a, '-ar'), '48000');
    assert.equal(out(a, '-ac'), '2');
    assert.match(graph(a), /trim=end_frame=40\[v\]/);
    assert.match(graph(a), /anullsrc=r=48000:cl=stereo/);
    assert.ok(!a.includes('aac') && !a.includes('libx264'));
  }
});

test('gif: one-pass palette (split → palettegen → paletteuse) from BT.709 limited YUV, no audio, fps capped at 30', () => {
  const a = buildEncodeArgs(spec({ format: 'gif', output: '/tmp/out/clip.gif' }));
  const g = graph(a);
  assert.match(g, /scale=in_color_matrix=bt709:in_range=tv:out_range=pc/);
  assert.match(g, /split\[g0\]\[g1\];\[g0\]palettegen[^;]*\[pal\];\[g1\]\[pal\]paletteuse/);
  assert.doesNotMatch(g, /fps=/, '30 fps needs no resampling');
  assert.doesNotMatch(g, /anullsrc|aout/);
  assert.deepEqual(a.filter((_, i) => a[i - 1] === '-map'), ['[v]']);
  assert.equal(out(a, '-frames:v'), '40');
  assert.equal(out(a, '-loop'), '0');
  assert.deepEqual(encodeNotes(spec({ format: 'gif' })), []);

  const fast = buildEncodeArgs(spec({ format: 'gif', fps: 60, frames: 40, output: '/tmp/out/clip.gif' }));
  assert.match(graph(fast), /trim=end_frame=40,fps=30,/);
  assert.equal(out(fast, '-frames:v'), '20');
  assert.match(encodeNotes(spec({ format: 'gif', fps: 60 })).join('\n'), /capped at 30 fps/);
  // Odd sizes are fine for GIF (no 4:2:0 output).
  assert.doesNotThrow(() => buildEncodeArgs(spec({ format: 'gif', width: 321 })));
  // A clip too big to hold for one palette gets a palette per frame instead.
  assert.match(graph(buildEncodeArgs(spec({ format: 'gif', width: 3840, height: 2160, frames: 600 }))), /stats_mode=single.*new=1/);
});

test('audio tracks become inputs mixed into [aout] (details: media/audio-mix.ts and ffmpeg-args.test.ts); GIF leaves them out', () => {
  const a = buildEncodeArgs(spec({ frames: 90, audio: [{ path: '/m/music.mp3', volume: 0.8, trimS: 12, fadeInS: 1 }, { path: '/m/voice.wav', volume: 0.5, startS: 0.5 }] }));
  assert.deepEqual(a.filter((_, i) => a[i - 1] === '-i'), ['pipe:0', '/m/music.mp3', '/m/voice.wav']);
  assert.doesNotMatch(graph(a), /anullsrc/);
  assert.match(graph(a), /\[1:a\].*\[2:a\].*\[aout\]/);
  assert.match(graph(a), /atrim=end_sample=144000\[aout\]|end_sample=144000[^;]*\[aout\]/, 'cut to the video length');
  assert.deepEqual(a.filter((_, i) => a[i - 1] === '-map'), ['[v]', '[aout]']);
  assert.equal(out(a, '-c:a'), 'aac');
  assert.doesNotMatch(graph(buildEncodeArgs(spec({ format: 'gif', audio: [{ path: '/m/a.wav' }] }))), /a\.wav|aout/);
  assert.match(encodeNotes(spec({ format: 'gif', audio: [{ path: '/m/a.wav' }] })).join(), /no sound/);
});

test('the builder is pure: same spec, same list; the spec is not touched', () => {
  const s = spec({ audio: Object.freeze([Object.freeze({ path: '/m/a.wav', volume: 0.5 })]) });
  assert.deepEqual(buildEncodeArgs(s), buildEncodeArgs(s));
  for (const format of FORMATS) assert.deepEqual(buildEncodeArgs({ ...s, format }), buildEncodeArgs({ ...s, format }));
});

test('a bad spec is refused at the door, naming the field, the rule and what arrived', () => {
  const refuses = (o: Partial<EncodeSpec>, field: RegExp) =>
    assert.throws(() => buildEncodeArgs(spec(o)), (e: unknown) => e instanceof StillmotionError && e.kind === 'INVALID_OPTION' && field.test(e.message));
  refuses({ width: 321 }, /width: expected an even number for mp4.*got 321/);
  assert.throws(() => buildEncodeArgs(spec({ height: 241 })), (e: StillmotionError) => e.hint === 'use 242 or 240');
  refuses({ frames: 0 }, /frames/);
  refuses({ fps: 0 }, /fps/);
  refuses({ fps: Number.NaN }, /fps/);
  refuses({ preset: 'ludicrous' }, /preset/);
  refuses({ format: 'avi' as OutputFormat }, /format/);
  refuses({ quality: 'best' as OutputQuality }, /quality/);
  refuses({ audio: [{ path: '/a.wav', volume: 1.5 }] }, /audio\[0\]\.volume: expected a number from 0 to 1, got 1\.5/);
  refuses({ audio: [{ path: '/a.wav', fadeInS: -1 }] }, /audio\[0\]\.fadeInS/);
  refuses({ input: { kind: 'file', path: '' } }, /input/);
});

const parsed = (l: string): ProgressLine | null => parseProgressLine(l);

test('progress lines: -progress fields, block ends, classic stats lines, and everything else is not progress', () => {
  assert.deepEqual(parsed('frame=40'), { kind: 'field', values: { frame: 40 } });
  assert.deepEqual(parsed('fps=12.50'), { kind: 'field', values: { fps: 12.5 } });
  assert.deepEqual(parsed('out_time_us=1333333'), { kind: 'field', values: { outTimeMs: 1333.333 } });
  assert.deepEqual(parsed('out_time_ms=1333333'), { kind: 'field', values: { outTimeMs: 1333.333 } }, 'out_time_ms is µs too');
  assert.deepEqual(parsed('out_time=00:01:02.500000'), { kind: 'field', values: { outTimeMs: 62500 } });
  assert.deepEqual(parsed('out_time=-577014:32:22.775808'), { kind: 'field', values: { outTimeMs: -(577014 * 3600 + 32 * 60 + 22.775808) * 1000 } });
  assert.deepEqual(parsed('speed=2.53x'), { kind: 'field', values: { speed: 2.53 } });
  assert.deepEqual(parsed('speed=N/A'), { kind: 'field', values: {} });
  assert.deepEqual(parsed('bitrate= 320.1kbits/s'), { kind: 'field', values: {} });
  assert.deepEqual(parsed('stream_0_0_q=28.0'), { kind: 'field', values: {} });
  assert.deepEqual(parsed('progress=continue'), { kind: 'report', end: false, values: {} });
  assert.deepEqual(parsed('progress=end\r'), { kind: 'report', end: true, values: {} });
  assert.deepEqual(parsed('frame=  120 fps= 41 q=28.0 size=     512kB time=00:00:03.93 bitrate=1066.3kbits/s speed=1.37x    '),
    { kind: 'report', end: false, values: { frame: 120, fps: 41, outTimeMs: 3930, speed: 1.37 } });
  assert.deepEqual(parsed('frame=  150 fps=0.0 q=-1.0 Lsize=     800kB time=00:00:05.00 bitrate=1310.7kbits/s speed=N/A'),
    { kind: 'report', end: true, values: { frame: 150, fps: 0, outTimeMs: 5000 } });
  for (const l of ['', '[libx264 @ 0x5581] using cpu capabilities: MMX2 SSE2Fast', 'Error opening output file /x.mp4.', 'pipe:0: Invalid data found when processing input', 'key=value', 'Input #0, rawvideo, from pipe:0:']) {
    assert.equal(parsed(l), null, l);
  }
});

test('a -progress block folds into one report; a stats line is a report by itself', () => {
  const block = 'frame=40\nfps=0.00\nstream_0_0_q=-1.0\nbitrate= 320.1kbits/s\ntotal_size=53771\nout_time_us=1344000\nout_time_ms=1344000\nout_time=00:00:01.344000\ndup_frames=0\ndrop_frames=0\nspeed=18.1x\nprogress=end';
  const fold = progressFolder();
  const reports = block.split('\n').map((l) => fold(parseProgressLine(l)!)).filter((r) => r !== null);
  assert.deepEqual(reports, [{ frame: 40, fps: 0, speed: 18.1, outTimeMs: 1344 }]);
  const fold2 = progressFolder();
  assert.deepEqual(fold2(parseProgressLine('frame=   12 fps=6.0 q=28.0 size=0kB time=00:00:00.40 bitrate=0.0kbits/s speed=0.2x')!), { frame: 12, fps: 6, speed: 0.2, outTimeMs: 400 });
  assert.equal(fold2(parseProgressLine('progress=continue')!), null, 'no frame seen yet in this block');
});
