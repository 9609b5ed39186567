/**
 * The built-in music library against the real ffmpeg: every track mastered to -14 LUFS with its true
 * peak under -1 dBTP, loop length = its bars at its tempo, styles told apart by words; and "add
 * lo-fi music at 30%" with no file, through the one path (words → parser → applyRequest →
 * resolveDraft → planDraft → renderPlan), gives an export whose music is heard at 30%.
 * Tracks are cached under os.tmpdir() between runs (made again when the synthesiser's version changes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILTIN_TRACKS, ensureBuiltinTrack, measureLoudness, pickTrack, renderPlan, trackSeconds,
} from '../../src/engine/index.js';
import { probeMedia, resolveBinaries, runTool } from '../../src/engine/ffmpeg/index.js';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, planDraft, resolveDraft, summarize, type MediaInfo } from '../../src/timeline/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

const MUSIC_DIR = join(tmpdir(), 'stillmotion-music-test-cache');
const tmp = tempDir();
test.after(() => tmp.remove());

/** Mean volume (dBFS) of a file's audio as ffmpeg's volumedetect measures it, after optional filters. */
const meanVolume = async (path: string, filters: string[] = [], seconds?: number): Promise<number> => {
  const lines: string[] = [];
  await runTool(resolveBinaries().ffmpeg, ['-hide_banner', '-nostdin', ...(seconds ? ['-t', String(seconds)] : []), '-i', path, '-vn', '-af', [...filters, 'volumedetect'].join(','), '-f', 'null', '-'], { log: (l) => lines.push(l) });
  const m = /mean_volume:\s*(-?[\d.]+) dB/.exec(lines.join('\n'));
  assert.ok(m, 'volumedetect reported a mean volume');
  return Number(m[1]);
};

test('music: every built-in track is mastered to about -14 LUFS, true peak under -1 dBTP, and loops in whole bars', async (t) => {
  for (const x of BUILTIN_TRACKS) {
    const file = await ensureBuiltinTrack(x.id, { dir: MUSIC_DIR });
    const l = await measureLoudness(file);
    t.diagnostic(`${x.slug}: ${l.integrated} LUFS, true peak ${l.truePeak} dBTP, LRA ${l.range} LU`);
    assert.ok(Math.abs(l.integrated - -14) <= 0.5, `${x.slug}: ${l.integrated} LUFS`);
    assert.ok(l.truePeak < -1, `${x.slug}: true peak ${l.truePeak} dBTP`);
    const p = await probeMedia(file);
    const seconds = (p.audio?.durationS ?? p.durationS ?? 0);
    assert.ok(Math.abs(seconds - trackSeconds(x)) < 0.01, `${x.slug}: ${seconds} s is ${x.bars} bars at ${x.bpm} BPM`);
  }
});

test('music: styles in words choose their track (English and Chinese)', () => {
  const rows: Array<[string, string]> = [
    ['lo-fi', 'lofi-rainy-window'], ['upbeat', 'pop-sunny-side'], ['pop', 'pop-sunny-side'], ['cinematic', 'cinematic-rising-tide'], ['epic', 'cinematic-rising-tide'],
    ['calm', 'ambient-still-water'], ['ambient', 'ambient-still-water'], ['piano', 'piano-quiet-letters'], ['corporate', 'corporate-forward-motion'],
    ['acoustic', 'acoustic-open-road'], ['electronic', 'electronic-neon-drive'], ['edm', 'electronic-neon-drive'], ['hip-hop', 'hiphop-block-party'],
    ['古风', 'guofeng-moon-river'], ['中国风', 'guofeng-moon-river'], ['钢琴', 'piano-quiet-letters'], ['欢快', 'pop-sunny-side'], ['舒缓', 'ambient-still-water'],
    ['chinese', 'guofeng-moon-river'], [ 'calm piano', 'piano-quiet-letters'],
  ];
  for (const [style, slug] of rows) assert.equal(pickTrack(style).slug, slug, style);
  assert.equal(pickTrack(null).slug, 'lofi-rainy-window', 'no style: the lo-fi track');
});

test('music: "add lo-fi music at 30%" with no file exports the lo-fi track at 30% (reply names it; an uploaded file still wins)', async (t) => {
  const photo = await texturedJpeg(tmp.path('p.jpg'), 640, 360);
  const info: MediaInfo = { mediaId: 'p1', kind: 'image', width: 640, height: 360 };
  const lookup = (id: string) => (id === 'p1' ? info : undefined);
  const req = parseInstruction('add lo-fi music at 30%, 6 seconds');
  const applied = applyRequest(emptyDraft(), req, [{ mediaId: 'p1', kind: 'image' }]);
  assert.ok(applied.notes.some((n) => n.includes('"Rainy Window"')), `the reply names the track: ${applied.notes.join(' | ')}`);
  assert.match(summarize(applied.draft), /BGM: Rainy Window \(lo-fi\)/);
  const plan = planDraft(resolveDraft(applied.draft, lookup, { size: '360p' }), lookup);
  assert.equal(plan.audio.length, 1);
  assert.equal(plan.audio[0]!.media, 'builtin:lofi-rainy-window');
  assert.equal(plan.audio[0]!.volume, 0.3);
  const out = tmp.path('music.mp4');
  await renderPlan(plan, { output: out, locate: () => photo, musicDir: MUSIC_DIR });
  const p = await probeMedia(out);
  assert.ok(p.audio, 'the export has a sound track');
  const seconds = plan.frames / plan.fps;
  const a = plan.audio[0]!;
  const exported = await meanVolume(out);
  // The track's own level over the same span with the same fades, lowered by 30% (-10.46 dB).
  const track = await ensureBuiltinTrack(a.media, { dir: MUSIC_DIR });
  const own = await meanVolume(track, [`afade=t=in:st=0:d=${a.fadeInS}`, `afade=t=out:st=${seconds - a.fadeOutS}:d=${a.fadeOutS}`], seconds);
  const expected = own + 20 * Math.log10(0.3);
  t.diagnostic(`export mean ${exported} dBFS; track ${own} dBFS over the same span; expected ${expected.toFixed(2)} dBFS`);
  assert.ok(exported > -35, `audible: ${exported} dBFS`);
  assert.ok(Math.abs(exported - expected) <= 2, `30% of the track: ${exported} dBFS, expected ${expected.toFixed(1)}`);

  // An uploaded music file wins over the built-in library.
  const withFile = applyRequest(applied.draft, parseInstruction('use this music'), [{ mediaId: 'song1', kind: 'audio', name: 'mine.mp3' }]);
  assert.equal(withFile.draft.audio[0]!.mediaId, 'song1');
  const lk2 = (id: string) => (id === 'song1' ? { mediaId: 'song1', kind: 'audio' as const, durationMs: 30000 } : lookup(id));
  assert.equal(planDraft(resolveDraft(withFile.draft, lk2), lk2).audio[0]!.media, 'song1');
});
