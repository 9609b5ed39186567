/**
 * Backgrounds and transparency through the one path (words → parser → applyRequest → resolveDraft →
 * planDraft → renderPlan) against the real ffmpeg: a transparent PNG made here, exported as WebM
 * (VP9 with alpha) and MOV (ProRes 4444), keeps its alpha (decoded back and compared with the
 * source's); "white background" makes the MP4's transparent area white; MP4 never claims alpha.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { renderPlan } from '../../src/engine/index.js';
import { probeMedia, resolveBinaries, runTool } from '../../src/engine/ffmpeg/index.js';
import { parseInstruction } from '../../src/language/index.js';
import { applyRequest, emptyDraft, planDraft, resolveDraft, type MediaInfo } from '../../src/timeline/index.js';
import { tempDir } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());
const W = 320, H = 180;

/** Transparent all round; an opaque orange square in the middle; a band whose alpha ramps 0 → 255 left to right. */
const sourceRgba = (): Buffer => {
  const b = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      if (x >= 110 && x < 210 && y >= 40 && y < 140) b.set([240, 140, 30, 255], i);
      else if (y >= 150 && y < 170) b.set([40, 120, 220, Math.round((x / (W - 1)) * 255)], i);
    }
  }
  return b;
};

const photo = async (): Promise<string> => {
  const p = tmp.path('cutout.png');
  await sharp(sourceRgba(), { raw: { width: W, height: H, channels: 4 } }).png().toFile(p);
  return p;
};

const info: MediaInfo = { mediaId: 'p1', kind: 'image', width: W, height: H };
const lookup = (id: string) => (id === 'p1' ? info : undefined);

const render = async (sentence: string, format: 'mp4' | 'webm' | 'mov', out: string) => {
  const file = await photo();
  const applied = applyRequest(emptyDraft(), parseInstruction(sentence), [{ mediaId: 'p1', kind: 'image' }]);
  const resolved = resolveDraft(applied.draft, lookup, { format, size: `${W}x${H}` });
  const plan = planDraft(resolved, lookup);
  await renderPlan(plan, { output: out, locate: () => file });
  return { plan, notes: resolved.notes };
};

/** The first frame decoded to RGBA (VP9 alpha needs the libvpx decoder). */
const firstFrameRgba = async (path: string, decoder?: string): Promise<Buffer> =>
  (await runTool(resolveBinaries().ffmpeg, ['-v', 'error', '-nostdin', ...(decoder ? ['-c:v', decoder] : []), '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'])).stdout;

const compareAlpha = (got: Buffer, label: string) => {
  const src = sourceRgba();
  assert.equal(got.length, W * H * 4, `${label}: one ${W}x${H} RGBA frame`);
  let sum = 0, worst = 0;
  for (let i = 0; i < W * H; i++) {
    const d = Math.abs(got[i * 4 + 3]! - src[i * 4 + 3]!);
    sum += d;
    // Edges may soften by a pixel (resampling, 4:2:0 never touches alpha); the rest must match closely.
    const x = i % W, y = Math.floor(i / W);
    const nearEdge = (x >= 107 && x < 113) || (x >= 207 && x < 213) || (y >= 37 && y < 43) || (y >= 137 && y < 153) || (y >= 167 && y < 173);
    if (!nearEdge) worst = Math.max(worst, d);
  }
  const mean = sum / (W * H);
  assert.ok(mean < 3, `${label}: mean alpha difference ${mean.toFixed(2)}`);
  assert.ok(worst <= 12, `${label}: largest alpha difference away from edges ${worst}`);
  // The opaque square keeps its colour.
  const c = ((90 * W) + 160) * 4;
  assert.ok(Math.abs(got[c]! - 240) < 12 && Math.abs(got[c + 1]! - 140) < 12 && Math.abs(got[c + 2]! - 30) < 16, `${label}: square colour ${[...got.subarray(c, c + 4)]}`);
};

test('transparency: "transparent background" exported as WebM keeps the alpha of a transparent PNG', async () => {
  const out = tmp.path('alpha.webm');
  const { plan } = await render('transparent background, static, 1 second', 'webm', out);
  assert.equal(plan.transparent, true);
  const p = await probeMedia(out);
  assert.equal(p.video?.codec, 'vp9');
  compareAlpha(await firstFrameRgba(out, 'libvpx-vp9'), 'webm');
});

test('transparency: "透明背景" exported as MOV (ProRes 4444) keeps the alpha', async () => {
  const out = tmp.path('alpha.mov');
  const { plan } = await render('透明背景，静止，1秒', 'mov', out);
  assert.equal(plan.transparent, true);
  const p = await probeMedia(out);
  assert.equal(p.video?.codec, 'prores');
  compareAlpha(await firstFrameRgba(out), 'mov');
});

test('transparency: MP4 never pretends: a transparent background is flattened with a note saying so', async () => {
  const out = tmp.path('flat.mp4');
  const { plan, notes } = await render('transparent background, static, 1 second', 'mp4', out);
  assert.equal(plan.transparent, undefined);
  assert.ok(notes.some((n) => /MP4 has no transparency/.test(n)), notes.join(' | '));
});

test('backgrounds: "white background" makes the MP4\'s transparent area white', async () => {
  const out = tmp.path('white.mp4');
  await render('white background, static, 1 second', 'mp4', out);
  const f = await firstFrameRgba(out);
  const px = (x: number, y: number) => [...f.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];
  for (const [x, y] of [[10, 10], [300, 20], [40, 120], [300, 140]] as const) assert.ok(px(x, y).every((v) => v >= 240), `(${x},${y}) is white: ${px(x, y)}`);
  const sq = px(160, 90);
  assert.ok(Math.abs(sq[0]! - 240) < 14 && Math.abs(sq[1]! - 140) < 14 && sq[2]! < 60, `the photo stays orange: ${sq}`);
});
