/**
 * Cuts on the beat against the real ffmpeg: a click track made here (known beats, a heavier click on
 * each downbeat) is analysed as an upload would be; "cut to the beat" with five flat-coloured photos
 * renders a video whose every cut (found in the decoded frames) lands within one frame of a beat;
 * "every 2 beats" halves the pace; the built-in tracks' grids drive 卡点 with no music file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { builtinGrid, detectBeats, pickTrack, renderPlan, type BeatGrid } from '../../src/engine/index.js';
import { resolveBinaries, runTool } from '../../src/engine/ffmpeg/index.js';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, planDraft, resolveDraft, type MediaInfo, type MediaRef } from '../../src/timeline/index.js';
import { clickWav, tempDir } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());
const RATE = 48000;
const BPM = 96;
const FIRST = 0.37;
const SECONDS = 20;
const BEATS = Array.from({ length: Math.floor((SECONDS - FIRST) / (60 / BPM)) }, (_, i) => FIRST + (i * 60) / BPM);

const clickTrack = (path: string): string => {
  clickWav(path, { bpm: BPM, firstS: FIRST, seconds: SECONDS, rate: RATE });
  return path;
};

const COLOURS: Array<[number, number, number]> = [[220, 40, 40], [40, 200, 60], [40, 80, 220], [230, 210, 40], [200, 60, 200]];

let grid: BeatGrid;
const files: Record<string, string> = {};

test('beats: a click track\'s beats and downbeat are found (as at upload)', async () => {
  files.click = clickTrack(tmp.path('click.wav'));
  grid = await detectBeats(files.click);
  assert.ok(Math.abs(grid.bpm - BPM) < 0.5, `tempo ${grid.bpm}`);
  let worst = 0;
  for (const b of BEATS.slice(0, -1)) worst = Math.max(worst, Math.min(...grid.beats.map((g) => Math.abs(g - b))));
  assert.ok(worst < 0.012, `every beat found within 12 ms (worst ${(worst * 1000).toFixed(1)} ms)`);
  const firstDown = grid.beats[grid.downbeat]!;
  assert.ok(Math.abs(firstDown - FIRST) < 0.012 || Math.abs(((firstDown - FIRST) / (4 * 60 / BPM)) - Math.round((firstDown - FIRST) / (4 * 60 / BPM))) < 0.02, `downbeat on a heavy click: ${firstDown}`);
});

test('beats: "cut to the beat" puts every cut of the rendered video within one frame of a beat', async (t) => {
  assert.ok(grid, 'the analysis test ran');
  const W = 160, H = 90, FPS = 30;
  const media: MediaRef[] = [];
  const info = new Map<string, MediaInfo>();
  for (let i = 0; i < COLOURS.length; i++) {
    const c = COLOURS[i]!;
    const p = tmp.path(`c${i}.png`);
    await sharp({ create: { width: W, height: H, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } }).png().toFile(p);
    files[`p${i}`] = p;
    media.push({ mediaId: `p${i}`, kind: 'image' });
    info.set(`p${i}`, { mediaId: `p${i}`, kind: 'image', width: W, height: H });
  }
  media.push({ mediaId: 'click', kind: 'audio', name: 'click.wav' });
  info.set('click', { mediaId: 'click', kind: 'audio', durationMs: SECONDS * 1000, beats: grid });
  const lookup = (id: string) => info.get(id);
  const applied = applyRequest(emptyDraft(), parseInstruction('cut to the beat, static'), media);
  assert.ok(applied.draft.beat, 'beat sync is on');
  const plan = planDraft(resolveDraft(applied.draft, lookup, { size: `${W}x${H}` }), lookup);
  assert.equal(plan.fps, FPS);
  const out = tmp.path('beat.mp4');
  await renderPlan(plan, { output: out, locate: (id) => files[id]! });
  // Each frame's mean colour → which photo it shows; a cut is where that changes.
  const raw = (await runTool(resolveBinaries().ffmpeg, ['-v', 'error', '-nostdin', '-i', out, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxStdoutBytes: 2 ** 30 })).stdout;
  const frames = raw.length / (W * H * 3);
  const shown: number[] = [];
  for (let f = 0; f < frames; f++) {
    const at = (f * W * H + (H / 2) * W + W / 2) * 3;
    const px = [raw[at]!, raw[at + 1]!, raw[at + 2]!];
    let best = 0, bd = Infinity;
    COLOURS.forEach((c, i) => { const d = Math.abs(c[0] - px[0]!) + Math.abs(c[1] - px[1]!) + Math.abs(c[2] - px[2]!); if (d < bd) { bd = d; best = i; } });
    shown.push(best);
  }
  const cuts: number[] = [];
  for (let f = 1; f < frames; f++) if (shown[f] !== shown[f - 1]) cuts.push(f);
  assert.equal(cuts.length, COLOURS.length - 1, `four cuts between five photos: ${cuts}`);
  t.diagnostic(`detected ${grid.bpm} BPM; cuts at frames ${cuts.join(', ')}; beats at ${BEATS.slice(0, 8).map((b) => b.toFixed(3)).join(', ')} s`);
  for (const f of cuts) {
    const t = f / FPS;
    const near = Math.min(...BEATS.map((b) => Math.abs(b - t)));
    assert.ok(near <= 1 / FPS + 1e-6, `the cut at frame ${f} (${t.toFixed(3)} s) is ${(near * 1000).toFixed(1)} ms from a beat`);
  }
  // "every 2 beats": the cuts are two beats apart.
  const two = applyRequest(applied.draft, parseInstruction('on the beat, every 2 beats'), []);
  const plan2 = planDraft(resolveDraft(two.draft, lookup, { size: `${W}x${H}` }), lookup);
  const starts = plan2.shots.map((s) => s.startFrame / FPS);
  for (let i = 2; i < starts.length; i++) assert.ok(Math.abs(starts[i]! - starts[i - 1]! - 2 * 60 / BPM) <= 1 / FPS + 1e-6, `two beats apart: ${starts}`);
});

test('beats: 卡点 with no music uses a built-in track and cuts on its grid, with flash accents on the cuts', () => {
  const info: MediaInfo = { mediaId: 'p', kind: 'image', width: 640, height: 360 };
  const lookup = (id: string) => (id.startsWith('p') ? { ...info, mediaId: id } : undefined);
  const media: MediaRef[] = ['p1', 'p2', 'p3', 'p4'].map((id) => ({ mediaId: id, kind: 'image' }));
  const applied = applyRequest(emptyDraft(), parseInstruction('卡点视频，每拍闪光，电子音乐'), media);
  assert.equal(applied.draft.beat?.accent, 'flash');
  assert.equal(applied.draft.beat?.every, 1);
  const plan = planDraft(resolveDraft(applied.draft, lookup, { size: '360p' }), lookup);
  const track = pickTrack('electronic');
  assert.equal(plan.audio[0]!.media, track.id);
  const beatS = builtinGrid(track).beats[1]!;
  plan.shots.slice(1).forEach((s, i) => assert.ok(Math.abs(s.startFrame / plan.fps - (i + 1) * beatS) <= 0.5 / plan.fps + 1e-9, `shot ${i + 1} starts on beat ${i + 1}`));
  assert.deepEqual(plan.accents, { kind: 'flash', frames: plan.shots.slice(1).map((s) => s.startFrame) });
  assert.ok(plan.shots.every((s) => s.transitionOut === null), 'cuts, not cross-fades');
});
