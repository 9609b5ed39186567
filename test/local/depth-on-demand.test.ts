import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseStill } from '../../src/engine/analyze/analyse-still.js';
import { planDraft, resolveDraft } from '../../src/timeline/index.js';
import { checkOptions, draftFromWords, guessPlan, LocalMedia, planLocal, requirePhoto } from '../../src/local/make.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

const tmp = tempDir();
test.after(() => tmp.remove());
const limits = { maxImageBytes: 50 * 1024 * 1024, maxPixels: 200_000_000 };

/** The plan of the same draft from a complete analysis (what the service stores), for comparison. */
const fullPlan = async (path: string, flags: Parameters<typeof checkOptions>[0]) => {
  const analysis = await analyseStill(path, limits);
  assert.ok(analysis.depth?.estimated, 'a full analysis carries the estimate');
  const info = { mediaId: path, kind: 'image' as const, name: 'photo.jpg', width: analysis.width, height: analysis.height, analysis };
  const made = draftFromWords([info], undefined, checkOptions(flags));
  const lookup = (id: string) => (id === path ? info : undefined);
  return planDraft(resolveDraft(made.draft, lookup, {}), lookup, { variant: 0 });
};

test('the CLI path leaves the depth estimate out of a flat move, and the plan is the one a full analysis gives', async () => {
  const path = await texturedJpeg(tmp.path('flat.jpg'), 1200, 800);
  const media = new LocalMedia(limits);
  const info = requirePhoto(await media.add(path));
  assert.ok(info.analysis?.depth, 'the depth analysis is there');
  assert.equal(info.analysis.depth.estimated, undefined, 'no estimate made at analysis');
  for (const move of ['zoom-in', 'pan-right', 'auto'] as const) {
    const made = draftFromWords([info], undefined, checkOptions({ move, duration: 1 }));
    const { plan } = await planLocal(made.draft, media, {});
    assert.equal(media.lookup(path)?.analysis?.depth?.estimated, undefined, `${move}: still no estimate`);
    assert.deepEqual(plan, await fullPlan(path, { move, duration: 1 }), `${move}: same plan as with a full analysis`);
  }
});

test('a depth move makes the estimate when planned, and plans exactly as a full analysis does', async () => {
  const path = await texturedJpeg(tmp.path('deep.jpg'), 1200, 800);
  const media = new LocalMedia(limits);
  const info = requirePhoto(await media.add(path));
  assert.equal(info.analysis?.depth?.estimated, undefined);
  const flags = { move: 'dolly-in', duration: 1 } as const;
  const { plan } = await planLocal(draftFromWords([info], undefined, checkOptions(flags)).draft, media, {});
  const full = await analyseStill(path, limits);
  assert.deepEqual(media.lookup(path)?.analysis, full, 'the completed analysis is the full one');
  assert.deepEqual(plan, await fullPlan(path, flags));
  const shot = plan.shots[0]!;
  assert.ok(shot.kind === 'image' && (shot.motion.kind === 'depth' || shot.motion.reason.includes('not reliable')), `a depth move or its honest fallback: ${shot.kind === 'image' ? shot.motion.reason : ''}`);
});

test('depth off: no estimate even for a depth move', async () => {
  const path = await texturedJpeg(tmp.path('off.jpg'), 1000, 800);
  const media = new LocalMedia(limits);
  const info = requirePhoto(await media.add(path));
  const { plan } = await planLocal(draftFromWords([info], undefined, checkOptions({ move: 'dolly-in', depth: 'off', duration: 1 })).draft, media, {});
  assert.equal(media.lookup(path)?.analysis?.depth?.estimated, undefined);
  const shot = plan.shots[0]!;
  assert.ok(shot.kind === 'image' && shot.motion.kind === 'camera');
});

test('the picture decoded ahead is the one the render would decode, and is used only for the same framing and canvas', async () => {
  const { StillCache } = await import('../../src/engine/input/still-cache.js');
  const { prepareStill } = await import('../../src/engine/prepare-still.js');
  const { parseColour } = await import('../../src/engine/settings.js');
  const path = await texturedJpeg(tmp.path('ahead.jpg'), 1400, 900, 3);
  const media = new LocalMedia(limits);
  const options = checkOptions({ move: 'zoom-in', duration: 1 });
  let guessed: ReturnType<typeof guessPlan> | null = null;
  const info = requirePhoto(await media.addAhead(path, (sized) => (guessed = guessPlan(sized, undefined, options, 0))));
  const { plan } = await planLocal(draftFromWords([info], undefined, options).draft, media, {});
  assert.ok(guessed, 'the plan was guessed from the size');
  const shot = plan.shots[0]!;
  assert.ok(shot.kind === 'image');
  const g = (guessed as ReturnType<typeof guessPlan>).shots[0]!;
  assert.ok(g.kind === 'image');
  assert.deepEqual(g.framing, shot.framing, 'the size alone gives the framing');
  const opened = await media.stills.open(path, limits);
  const at = { framing: shot.framing, width: plan.width, height: plan.height, background: plan.background };
  const ahead = await media.stills.takeAhead(path, opened, at);
  assert.ok(ahead, 'a picture was decoded ahead');
  const fresh = await prepareStill(opened, shot.framing, plan.width, plan.height, parseColour(plan.background));
  const got = await ahead.picture;
  assert.deepEqual([got.width, got.height], [fresh.width, fresh.height]);
  assert.ok(Buffer.from(got.data).equals(Buffer.from(fresh.data)), 'the same pixels');
  assert.equal(await media.stills.takeAhead(path, opened, at), null, 'taken once');
  const other = new StillCache();
  other.prepareAhead(path, limits, () => at);
  assert.equal(await other.takeAhead(path, await other.open(path, limits), { ...at, width: at.width + 2 }), null, 'another canvas: not used');
});

test('a HEIC larger than the guessed shot draws is decoded once, reduced (its analysis too); a plan that needs more opens it again whole', async () => {
  const { StillCache } = await import('../../src/engine/input/still-cache.js');
  const { stillDecodeSize } = await import('../../src/engine/prepare-still.js');
  const { writeHeif, encodeHevcPictures, rgbToYuvFrames } = await import('../support/heif-writer.js');
  const { texturedRgb } = await import('../support/fixtures.js');
  const { writeFileSync } = await import('node:fs');
  const path = tmp.path('large.heic');
  writeFileSync(path, writeHeif({ pictures: encodeHevcPictures(rgbToYuvFrames(texturedRgb(1024, 768, 5), 1024, 768, 1), 1024, 768, 1) }));
  // A 320x180 cover shot of a 1024x768 photo draws 320x240 of it: the photo halved (1024 / 4 would be too small).
  const at = { framing: { fit: 'cover' as const, detailZoom: 1 }, width: 320, height: 180, background: '#000000' };
  const cache = new StillCache();
  const sizes: Array<{ width: number; height: number }> = [];
  cache.prepareAhead(path, limits, (size) => { sizes.push({ width: size.width, height: size.height }); return at; });
  const opened = await cache.open(path, limits);
  assert.deepEqual(sizes, [{ width: 1024, height: 768 }], 'guessed from the size in the header');
  assert.deepEqual([opened.source.width, opened.source.height], [1024, 768], 'the photo keeps its own size');
  assert.ok(opened.input.kind === 'raw');
  assert.deepEqual([opened.input.width, opened.input.height], [512, 384], 'decoded halved');
  const analysis = await analyseStill(path, limits, cache);
  assert.deepEqual([analysis.width, analysis.height], [1024, 768]);
  assert.ok(await cache.takeAhead(path, opened, at), 'the picture decoded ahead is there for the same shot');
  // The same shot takes the opened photo; a plan that needs the whole photo (a depth move) opens it again.
  const again = new StillCache();
  again.prepareAhead(path, limits, () => at);
  const first = await again.open(path, limits);
  assert.equal(await again.take(path, limits, { atMost: stillDecodeSize(at.framing, at.width, at.height) }), first, 'enough for its shot: no second decode');
  again.prepareAhead(path + '', limits, () => at);
  const whole = await again.take(path, limits, {});
  assert.ok(whole.input.kind === 'raw');
  assert.deepEqual([whole.input.width, whole.input.height], [1024, 768], 'opened again whole');
});
