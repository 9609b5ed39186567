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

/** One chain of a filter graph read back as data: `[in]name=k=v:k=v,name2[out]`. */
interface Chain { readonly inputs: string[]; readonly output: string; readonly filters: Array<{ name: string; args: Record<string, string> }> }
const parseChain = (c: string): Chain => {
  const m = /^((?:\[[^\]]+\])+)(.*?)\[([^\]]+)\]$/.exec(c);
  assert.ok(m, `not a chain: ${c}`);
  const filters = m[2]!.split(',').map((f) => {
    const [name, rest = ''] = f.split(/=(.*)/s);
    const args: Record<string, string> = {};
    rest.split(':').filter(Boolean).forEach((kv, i) => {
      const [k, v] = kv.includes('=') ? kv.split(/=(.*)/s) : [String(i), kv];
      args[k!] = v!;
    });
    return { name: name!, args };
  });
  return { inputs: [...m[1]!.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]!), output: m[3]!, filters };
};
/** The arguments of the `n`th filter called `name` in a chain (fails when it is not there). */
const arg = (c: Chain, name: string, n = 0): Record<string, string> => {
  const f = c.filters.filter((x) => x.name === name)[n];
  assert.ok(f, `no ${name} #${n} in ${c.filters.map((x) => x.name).join(',')}`);
  return f.args;
};
const order = (c: Chain, ...names: string[]) => {
  const at = names.map((n) => c.filters.findIndex((f) => f.name === n));
  assert.ok(at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)), `expected ${names.join(' → ')} in ${c.filters.map((x) => x.name).join(',')}`);
};

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
  // The numbers below are worked out from the spec, not copied from the builder's output.
  for (const t of [
    { path: '/m/song.m4a', volume: 0.6, trimS: 12, loop: true, fadeInS: 0.5, fadeOutS: 1, startS: 0.5 },
    { path: '/m/song.m4a', volume: 0.25, trimS: 3, loop: true, fadeInS: 0.2, fadeOutS: 0.4, startS: 1.25 },
  ]) {
    const a = buildEncodeArgs(spec({ audio: [t] }));
    assert.deepEqual(inputs(a), ['pipe:0', '/m/song.m4a']);
    const at = a.indexOf('/m/song.m4a');
    assert.deepEqual(a.slice(at - 3, at), ['-ss', String(t.trimS), '-i']);
    assert.ok(!a.includes('-stream_loop'), '-stream_loop drifts ~19 ms a pass on AAC-in-MP4 in this ffmpeg');
    const [, musicText, outText] = chains(a);
    const music = parseChain(musicText!);
    const videoS = 90 / 30, playS = videoS - t.startS;
    assert.deepEqual([music.inputs, music.output], [['1:a'], 'a0']);
    assert.deepEqual(arg(music, 'aresample'), { 0: '48000' });
    assert.deepEqual(arg(music, 'aformat'), { sample_fmts: 'fltp', channel_layouts: 'stereo' });
    // Looped for as long as it plays, then cut to that.
    assert.equal(Number(arg(music, 'aloop').loop), -1);
    assert.equal(Number(arg(music, 'aloop').size), Math.round(playS * 48000));
    assert.equal(Number(arg(music, 'atrim').duration), playS);
    assert.equal(Number(arg(music, 'volume')[0]), t.volume);
    // Fades on the track's own clock (before the delay): in from 0, out ending where it stops playing.
    const fin = arg(music, 'afade', 0), fout = arg(music, 'afade', 1);
    assert.deepEqual([fin.t, Number(fin.st), Number(fin.d)], ['in', 0, t.fadeInS]);
    assert.deepEqual([fout.t, Number(fout.d)], ['out', t.fadeOutS]);
    assert.ok(Math.abs(Number(fout.st) + Number(fout.d) - playS) < 1e-9, `fade-out ends at ${Number(fout.st) + Number(fout.d)} s of ${playS}`);
    assert.deepEqual(arg(music, 'adelay')[0]!.split('|').map(Number), [t.startS * 1000, t.startS * 1000], 'delayed on both channels');
    order(music, 'aloop', 'atrim', 'asetpts', 'volume', 'afade', 'adelay', 'apad');
    // Padded then cut to exactly the video's length in samples.
    assert.equal(music.filters.at(-1)!.name, 'atrim');
    assert.equal(Number(music.filters.at(-1)!.args.end_sample), videoS * 48000);
    assert.deepEqual(parseChain(outText!), { inputs: ['a0'], output: 'aout', filters: [{ name: 'anull', args: {} }] });
    assert.doesNotMatch(graph(a), /all=1|normalize/, 'options this ffmpeg lacks');
  }
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
  const mix = parseChain(c[3]!);
  assert.deepEqual([mix.inputs, mix.output], [['a0', 'a1'], 'aout']);
  assert.deepEqual(arg(mix, 'amix'), { inputs: '2', duration: 'longest', dropout_transition: '0' });
  assert.equal(Number(arg(mix, 'volume')[0]), 2, 'amix divided by the number of inputs');
  // The limiter delays the sound by its attack: exactly that many samples are cut from the front.
  const lim = arg(mix, 'alimiter');
  assert.ok(Number(lim.limit) < 1 && Number(lim.level) === 0, JSON.stringify(lim));
  assert.equal(Number(lim.attack), LIMITER_ATTACK_MS);
  assert.equal(Number(arg(mix, 'atrim', 0).start_sample), (48000 * Number(lim.attack)) / 1000);
  order(mix, 'amix', 'volume', 'alimiter', 'atrim', 'asetpts', 'apad');
  assert.equal(Number(mix.filters.at(-1)!.args.end_sample), 144000);
  // Volumes adding to ≤ 1 cannot clip: plain sum, no limiter.
  const quiet = graph(buildEncodeArgs(spec({ audio: [{ path: '/a.wav', volume: 0.5 }, { path: '/b.wav', volume: 0.5 }] })));
  assert.match(quiet, /amix=inputs=2:duration=longest:dropout_transition=0,volume=2,apad,atrim=end_sample=144000\[aout\]$/);
});

test('loudnorm: single-pass after the mix, back to 48 kHz, then cut to length; off by default', () => {
  // Its target (-14 LUFS) is measured on an encoded tone in media.test.ts, not restated here.
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

test('a seamless loop: one GOP, x264 codes the first frame and the last two near-lossless (reached in steps), and with a still camera every frame alike (no B-frames, deadzones or fast P-skip); other clips and formats are unchanged', async () => {
  const { buildEncodeArgs, LOOP_QP, LOOP_X264 } = await import('../../src/engine/ffmpeg/encode-args.js');
  const spec = { width: 320, height: 180, fps: 30, frames: 90, format: 'mp4' as const, quality: 'high' as const, output: '/tmp/x.mp4', input: { kind: 'pipe' as const } };
  const params = (a: string[]) => a[a.indexOf('-x264-params') + 1];
  assert.equal(params(buildEncodeArgs(spec)), 'open-gop=0:scenecut=0');
  const zones = `zones=0,0,q=${LOOP_QP}/78,80,q=16/81,83,q=12/84,85,q=8/86,87,q=5/88,89,q=${LOOP_QP}`;
  assert.equal(params(buildEncodeArgs({ ...spec, seamless: true })), `open-gop=0:scenecut=0:${zones}`, 'a moving camera: x264 as usual between the ends');
  assert.equal(params(buildEncodeArgs({ ...spec, seamless: true, stillCamera: true })), `open-gop=0:scenecut=0:${LOOP_X264}:${zones}`);
  assert.equal(params(buildEncodeArgs({ ...spec, stillCamera: true })), 'open-gop=0:scenecut=0', 'only for a loop');
  const g = (a: string[]) => a[a.indexOf('-g') + 1];
  assert.equal(g(buildEncodeArgs(spec)), '60');
  assert.equal(g(buildEncodeArgs({ ...spec, seamless: true })), '90', 'a loop is one GOP');
  assert.ok(!buildEncodeArgs({ ...spec, format: 'webm', seamless: true }).join(' ').includes('zones'));
});
