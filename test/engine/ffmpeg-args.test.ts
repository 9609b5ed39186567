/** The encoder's audio arguments as data: silence, one looped and faded track, a mix of two, loudnorm, a clip's soundtrack. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEncodeArgs, type EncodeSpec } from '../../src/engine/ffmpeg/index.js';
import { LIMITER_ATTACK_MS, LOUDNORM_FILTER, audibleSeconds, buildAudioMix } from '../../src/engine/media/audio-mix.js';
import { StillmotionError } from '../../src/errors.js';

const spec = (o: Partial<EncodeSpec> = {}): EncodeSpec =>
  Object.freeze({ width: 320, height: 240, fps: 30, frames: 90, format: 'mp4', quality: 'high', output: '/tmp/out/clip.mp4', input: { kind: 'pipe' }, ...o } as EncodeSpec);

const val = (a: string[], flag: string, from = 0): string | undefined => {
  const i = a.indexOf(flag, from);
  return i < 0 ? undefined : a[i + 1];
};
const graph = (a: string[]) => val(a, '-filter_complex') ?? '';
const chains = (a: string[]) => graph(a).split(';');
const inputs = (a: string[]) => a.filter((_, i) => a[i - 1] === '-i');
const outOpt = (a: string[], flag: string) => val(a, flag, a.indexOf('-filter_complex'));

test('no audio: silence made in the graph, exactly the video length in samples, 48k stereo AAC-LC, no -frames:v', () => {
  for (const format of ['mp4', 'mov'] as const) {
    const a = buildEncodeArgs(spec({ format }));
    assert.deepEqual(inputs(a), ['pipe:0']);
    assert.ok(chains(a).includes('anullsrc=r=48000:cl=stereo,atrim=end_sample=144000[aout]'), graph(a));
    assert.equal(val(a, '-map', a.indexOf('[v]')), '[aout]');
    assert.deepEqual(['-c:a', '-profile:a', '-ar', '-ac'].map((f) => outOpt(a, f)), ['aac', 'aac_low', '48000', '2']);
    assert.ok(!a.includes('-frames:v'), 'an output -frames:v limit cuts the audio short in this ffmpeg');
  }
  // 29.97 fps: samples are rounded from frames / fps.
  assert.match(graph(buildEncodeArgs(spec({ fps: 30000 / 1001, frames: 100 }))), /atrim=end_sample=160160\[aout\]/);
  assert.match(graph(buildEncodeArgs(spec({ format: 'webm' }))), /anullsrc/);
  assert.doesNotMatch(graph(buildEncodeArgs(spec({ format: 'gif' }))), /anullsrc|aout/);
});

test('one music track: trimmed by an input seek, looped with aloop (not -stream_loop), volume, fades at its own start and end', () => {
  const a = buildEncodeArgs(spec({ audio: [{ path: '/m/song.m4a', volume: 0.6, trimS: 12, loop: true, fadeInS: 0.5, fadeOutS: 1, startS: 0.5 }] }));
  assert.deepEqual(inputs(a), ['pipe:0', '/m/song.m4a']);
  const at = a.indexOf('/m/song.m4a');
  assert.deepEqual(a.slice(at - 3, at), ['-ss', '12', '-i']);
  assert.ok(!a.includes('-stream_loop'), '-stream_loop drifts ~19 ms a pass on AAC-in-MP4 in this ffmpeg');
  const [, music, out] = chains(a);
  // 0.5 s in, 2.5 s to play: faded in over 0.5 s, out over its last 1 s, then delayed 500 ms on both channels.
  assert.equal(music, '[1:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,aloop=loop=-1:size=120000,atrim=duration=2.5,asetpts=PTS-STARTPTS,'
    + 'volume=0.6,afade=t=in:st=0:d=0.5,afade=t=out:st=1.5:d=1,adelay=500|500,apad,atrim=end_sample=144000[a0]');
  assert.equal(out, '[a0]anull[aout]');
  assert.doesNotMatch(graph(a), /all=1|normalize/, 'options this ffmpeg lacks');
});

test('an unlooped track shorter than the video fades out at its own end when its length is known', () => {
  const t = { path: '/m/sfx.wav', startS: 1, trimS: 0.2, sourceDurationS: 1.2, fadeOutS: 0.25 };
  assert.equal(audibleSeconds(t, 3), 1);
  const g = graph(buildEncodeArgs(spec({ audio: [t] })));
  assert.match(g, /atrim=duration=1,asetpts=PTS-STARTPTS,volume=1,afade=t=out:st=0\.75:d=0\.25,adelay=1000\|1000,/);
  // Without its length, the fade ends where the video does.
  assert.match(graph(buildEncodeArgs(spec({ audio: [{ ...t, sourceDurationS: undefined }] }))), /atrim=duration=2,.*afade=t=out:st=1\.75:d=0\.25/);
  // Placed after the end: silent, never unbounded (atrim=duration=0 would mean "no limit").
  assert.match(graph(buildEncodeArgs(spec({ audio: [{ path: '/m/x.wav', startS: 5 }] }))), /\[1:a\]aresample=48000,aformat=[^,]+,volume=0,apad,atrim=end_sample=144000\[a0\]/);
});

test('two tracks: amix scales by 1/n in this ffmpeg, so volume=n puts it back; a sum that can pass full scale gets a latency-corrected limiter', () => {
  const a = buildEncodeArgs(spec({ audio: [{ path: '/m/music.mp3', volume: 0.8, loop: true }, { path: '/m/voice.wav', volume: 0.5, startS: 0.25 }] }));
  assert.deepEqual(inputs(a), ['pipe:0', '/m/music.mp3', '/m/voice.wav']);
  const c = chains(a);
  assert.match(c[1]!, /^\[1:a\].*volume=0\.8,apad,atrim=end_sample=144000\[a0\]$/);
  assert.match(c[2]!, /^\[2:a\].*atrim=duration=2\.75,.*volume=0\.5,adelay=250\|250,apad,atrim=end_sample=144000\[a1\]$/);
  const skip = (48000 * LIMITER_ATTACK_MS) / 1000;
  assert.equal(c[3], `[a0][a1]amix=inputs=2:duration=longest:dropout_transition=0,volume=2,alimiter=limit=0.98:attack=${LIMITER_ATTACK_MS}:release=50:level=0,`
    + `atrim=start_sample=${skip},asetpts=PTS-STARTPTS,apad,atrim=end_sample=144000[aout]`);
  // Volumes adding to ≤ 1 cannot clip: plain sum, no limiter.
  const quiet = graph(buildEncodeArgs(spec({ audio: [{ path: '/a.wav', volume: 0.5 }, { path: '/b.wav', volume: 0.5 }] })));
  assert.match(quiet, /amix=inputs=2:duration=longest:dropout_transition=0,volume=2,apad,atrim=end_sample=144000\[aout\]$/);
});

test('loudnorm: single-pass to -14 LUFS after the mix, back to 48 kHz, then cut to length; off by default', () => {
  assert.equal(LOUDNORM_FILTER, 'loudnorm=I=-14:TP=-1:LRA=11');
  const one = graph(buildEncodeArgs(spec({ loudnorm: true, audio: [{ path: '/m/a.mp3', volume: 0.5 }] })));
  assert.match(one, /\[a0\]loudnorm=I=-14:TP=-1:LRA=11,aresample=48000,apad,atrim=end_sample=144000\[aout\]$/);
  const two = graph(buildEncodeArgs(spec({ loudnorm: true, audio: [{ path: '/a.wav' }, { path: '/b.wav' }] })));
  assert.match(two, /volume=2,loudnorm=I=-14:TP=-1:LRA=11,aresample=48000,apad,atrim=end_sample=144000\[aout\]$/);
  assert.doesNotMatch(two, /alimiter/, 'loudnorm limits true peaks itself');
  assert.doesNotMatch(graph(buildEncodeArgs(spec({ audio: [{ path: '/a.wav' }] }))), /loudnorm/);
  // Silence is left alone.
  assert.doesNotMatch(graph(buildEncodeArgs(spec({ loudnorm: true }))), /loudnorm/);
});

test("a video clip's soundtrack: pictures not demuxed, a chosen audio stream", () => {
  const a = buildEncodeArgs(spec({ audio: [{ path: '/v/clip.mov', fromVideo: true, streamIndex: 1, trimS: 2 }] }));
  const at = a.indexOf('/v/clip.mov');
  assert.deepEqual(a.slice(at - 6, at), ['-vn', '-sn', '-dn', '-ss', '2', '-i']);
  assert.match(graph(a), /\[1:a:1\]aresample=48000/);
  assert.throws(() => buildAudioMix([{ path: '/x', streamIndex: -1 }], 90, 30), (e: unknown) => e instanceof StillmotionError && e.kind === 'INVALID_OPTION' && /streamIndex/.test(e.message));
  assert.throws(() => buildAudioMix([{ path: '/x', sourceDurationS: Number.NaN }], 90, 30), /sourceDurationS/);
});

test('video arguments are untouched by the audio', () => {
  const plain = buildEncodeArgs(spec());
  const loud = buildEncodeArgs(spec({ loudnorm: true, audio: [{ path: '/a.wav' }, { path: '/b.wav' }] }));
  assert.equal(chains(plain)[0], '[0:v]trim=end_frame=90[v]');
  assert.equal(chains(loud)[0], chains(plain)[0]);
  const tail = (a: string[]) => a.slice(a.lastIndexOf('-map'));
  assert.deepEqual(tail(loud), tail(plain));
});
