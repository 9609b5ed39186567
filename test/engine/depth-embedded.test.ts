/**
 * Depth the camera stored, beyond the iPhone Portrait JPEG (issue 13): an iPhone HEIC's auxiliary
 * disparity map and its portrait and sky mattes, Google Dynamic Depth container items and GDepth
 * split across extended XMP segments. Every fixture is made here to the published formats; a
 * broken or blank depth item falls back to the estimate and never fails a render.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { main } from '../../src/cli/main.js';
import { openStill } from '../../src/engine/input/load-still.js';
import { analyseDepth } from '../../src/engine/depth/analyse.js';
import { analyseOpened } from '../../src/engine/analyze/analyse-still.js';
import { decodeDepth, DEPTH_LABELS, DEPTH_SOURCES, type DepthMap } from '../../src/engine/depth/map.js';
import { noteIn } from '../../src/agent/reply.js';
import { readAuxiliary, depthRepresentationFromSei, listAuxiliary } from '../../src/engine/heif/auxiliary.js';
import { readItems } from '../../src/engine/heif/items.js';
import { regionMask } from '../../src/engine/analyze/regions.js';
import { planEffects } from '../../src/timeline/plan.js';
import { animate } from '../../src/local/animate.js';
import { dynamicDepthJpeg, gdepthExtendedJpeg, iphoneMattesJpeg } from '../support/depth-fixtures.js';
import { appleSubtype, depthSei, heicWithDepth, NEAR_BOX } from '../support/heic-depth-fixtures.js';
import { tempDir } from '../support/fixtures.js';

const tmp = tempDir('stillmotion-depth-embedded-');
const limits = { maxImageBytes: 50e6, maxPixels: 50e6 };
test.after(() => tmp.remove());

/** Mean of a map inside the near box (its middle) and well outside it. */
const insideOutside = (m: { width: number; height: number }, d: Uint8Array, box: { x: number; y: number; w: number; h: number }): [number, number] => {
  let si = 0, ni = 0, so = 0, no = 0;
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) {
    const fx = (x + 0.5) / m.width, fy = (y + 0.5) / m.height;
    const v = d[y * m.width + x]!;
    const inX = fx > box.x + box.w * 0.2 && fx < box.x + box.w * 0.8, inY = fy > box.y + box.h * 0.2 && fy < box.y + box.h * 0.8;
    const outX = fx < box.x - 0.05 || fx > box.x + box.w + 0.05, outY = fy < box.y - 0.05 || fy > box.y + box.h + 0.05;
    if (inX && inY) { si += v; ni++; } else if (outX || outY) { so += v; no++; }
  }
  return [si / ni, so / no];
};
const CENTRE_BOX = { x: 0.35, y: 0.3, w: 0.3, h: 0.4 };

const analyse = async (name: string, file: Buffer) => {
  const path = tmp.path(name);
  writeFileSync(path, file);
  return analyseDepth(await openStill(path, limits));
};

const nearIsBright = (m: DepthMap | null, box = NEAR_BOX, label = '') => {
  assert.ok(m, `${label}: a map`);
  const [inside, outside] = insideOutside(m, decodeDepth(m), box);
  assert.ok(inside > 200 && outside < 60, `${label}: near box ${inside.toFixed(0)}, elsewhere ${outside.toFixed(0)}`);
};

test('the depth representation SEI: Apple\'s auxC subtype bytes, and every type and range written here read back', () => {
  // An iPhone depth item's subtype (shown by MP4Box for a real file): uniform disparity with d-min and d-max.
  const apple = depthRepresentationFromSei(Buffer.from('4E01B109351F7B760103C7A020', 'hex'))!;
  assert.equal(apple.type, 'disparity');
  assert.ok(apple.dMin! > 0 && apple.dMax! > apple.dMin!, JSON.stringify(apple));
  for (const info of [{ type: 'z', zNear: 0.5, zFar: 12.25 }, { type: 'inverse-z' }, { type: 'disparity', dMin: 0.149780, dMax: 3.21875 }] as const) {
    const r = depthRepresentationFromSei(depthSei(info))!;
    assert.equal(r.type, info.type);
    for (const k of ['zNear', 'zFar', 'dMin', 'dMax'] as const) {
      const want = (info as Partial<Record<typeof k, number>>)[k];
      if (want !== undefined) assert.ok(Math.abs(r[k]! - want) < 1e-4, `${k}: ${r[k]}`);
      else assert.equal(r[k], undefined);
    }
  }
  assert.equal(depthRepresentationFromSei(Buffer.from('4E01B1', 'hex')), null, 'cut short');
  assert.equal(appleSubtype(depthSei({ type: 'disparity' })).readUInt32BE(0), depthSei({ type: 'disparity' }).length + 4);
});

test('an iPhone HEIC: its auxiliary disparity map is found, turned with the photo and used as "iphone-heic" depth', async () => {
  const file = heicWithDepth({ width: 320, height: 240, rotate: 1, depth: {} });
  const items = readItems(file)!;
  assert.deepEqual(listAuxiliary(items).map((a) => a.kind), ['depth']);
  const aux = await readAuxiliary(file, ['depth']);
  assert.deepEqual(aux.problems, []);
  assert.equal(aux.images[0]!.representation?.type, 'disparity');
  // Upright: the coded depth is 120x160 (the photo turned), the map as shown 160x120.
  assert.deepEqual([aux.images[0]!.width, aux.images[0]!.height], [160, 120]);

  const { depth, notes } = await analyse('iphone.heic', file);
  assert.equal(depth.embedded?.source, 'iphone-heic');
  assert.ok(depth.embedded!.confidence >= 0.85);
  assert.equal(depth.embedded!.width / depth.embedded!.height, 320 / 240);
  nearIsBright(depth.embedded, NEAR_BOX, 'irot 90');
  assert.ok(notes.some((n) => /depth map in the file \(iPhone Portrait depth in the HEIC\)/.test(n)), notes.join('; '));
});

test('HEIC depth orientation: with its own irot/imir, or without (the photo\'s apply), mirrored too', async () => {
  for (const [rotate, mirror, own] of [[3, 1, true], [1, 0, false], [2, undefined, false], [0, 1, true]] as const) {
    const f = heicWithDepth({ width: 320, height: 240, rotate, ...(mirror === undefined ? {} : { mirror }), depth: { ownTransforms: own } });
    const { depth } = await analyse(`o-${rotate}-${mirror}-${own}.heic`, f);
    assert.equal(depth.embedded?.source, 'iphone-heic');
    nearIsBright(depth.embedded, NEAR_BOX, `irot ${rotate} imir ${mirror} own ${own}`);
  }
});

test('iOS 18: auxiliary images linked to the tone-map item (derived from the primary) count as the photo\'s', async () => {
  const f = heicWithDepth({ width: 320, height: 240, rotate: 1, depth: {}, toneMap: true });
  assert.deepEqual(listAuxiliary(readItems(f)!).map((a) => a.kind), ['depth']);
  const { depth } = await analyse('tmap.heic', f);
  assert.equal(depth.embedded?.source, 'iphone-heic');
  nearIsBright(depth.embedded, NEAR_BOX, 'linked to tmap');
});

test('HEIC depth stored as Z (bright far) with its near/far range is turned into disparity (near bright)', async () => {
  const f = heicWithDepth({ width: 320, height: 240, depth: { info: { type: 'z', zNear: 1, zFar: 4 } } });
  const { depth } = await analyse('z.heic', f);
  nearIsBright(depth.embedded, NEAR_BOX, 'uniform Z');
  const noRange = heicWithDepth({ width: 320, height: 240, depth: { info: { type: 'z' } } });
  nearIsBright((await analyse('z-norange.heic', noRange)).depth.embedded, NEAR_BOX, 'Z without a range');
});

test('an iOS portrait matte without depth: subject near, the rest far, labelled "matte"', async () => {
  const f = heicWithDepth({ width: 320, height: 240, rotate: 3, portraitMatte: true });
  const { depth, notes } = await analyse('matte.heic', f);
  assert.equal(depth.embedded?.source, 'matte');
  assert.ok(depth.embedded!.confidence >= 0.5 && depth.embedded!.confidence < 0.9);
  // The subject at the top; the rest keeps the estimate's order, pushed back (at most 55% of it).
  const [inside, outside] = insideOutside(depth.embedded!, decodeDepth(depth.embedded!), NEAR_BOX);
  assert.ok(inside > 240 && outside < 141 && inside - outside > 120, `near box ${inside}, elsewhere ${outside}`);
  assert.ok(notes.some((n) => /portrait matte/.test(n)));
  // With both, the depth map wins.
  const both = await analyse('both.heic', heicWithDepth({ width: 320, height: 240, portraitMatte: true, depth: {} }));
  assert.equal(both.depth.embedded?.source, 'iphone-heic');
});

test('the iOS sky matte: stored with the analysis, it is the sky region (not the colour guess) for living photos', async () => {
  const f = heicWithDepth({ width: 320, height: 240, rotate: 1, sky: 0.3 });
  const path = tmp.path('sky.heic');
  writeFileSync(path, f);
  const a = await analyseOpened(await openStill(path, limits));
  // The photo's colours hold no sky (textured squares): only the matte says where it is.
  assert.ok(a.regions && Math.abs(a.regions.sky - 0.3) < 0.05, `sky share ${a.regions?.sky}`);
  const matte = a.regions!.skyMatte!;
  assert.ok(matte && matte.width / matte.height === 320 / 240, 'the matte is upright, with the photo');
  const [plan] = planEffects([{ type: 'drift', region: 'sky', speed: 0.5, strength: 0.5 }] as never, 's1', 60, 30, a);
  assert.deepEqual(plan!.region, { kind: 'named', name: 'sky', mask: matte });
  const [water] = planEffects([{ type: 'flow', region: 'water', speed: 0.5, strength: 0.5 }] as never, 's1', 60, 30, a);
  const { found, ...waterRegion } = water!.region as { found?: unknown };
  assert.deepEqual(waterRegion, { kind: 'named', name: 'water', mask: matte }, 'water finds its horizon from the matte too');
  assert.deepEqual(found, a.regions!.waterMatte, 'and moves the water the analysis found below it');
  const m = regionMask(plan!.region, 320, 240, () => { throw new Error('the colour detector is not asked'); })!;
  const at = (fx: number, fy: number) => m.data[Math.floor(fy * m.height) * m.width + Math.floor(fx * m.width)]!;
  assert.ok(at(0.5, 0.1) > 0.95 && at(0.2, 0.05) > 0.95, 'the top is sky');
  assert.ok(at(0.5, 0.5) === 0 && at(0.5, 0.9) === 0, 'below the matte nothing moves');
  // A matte that says "no sky" wins over the colour guess too: share 0, nothing stored.
  const none = tmp.path('nosky.heic');
  writeFileSync(none, heicWithDepth({ width: 320, height: 240, sky: 0 }));
  const b = await analyseOpened(await openStill(none, limits));
  assert.equal(b.regions?.sky, 0);
  assert.equal(b.regions?.skyMatte, undefined);
});

test('a broken or blank HEIC depth item falls back to the estimate, says so, and the render still works', async () => {
  const junk = heicWithDepth({ width: 320, height: 240, depth: { junk: true } });
  const a = await analyse('junk.heic', junk);
  assert.equal(a.depth.embedded, null);
  assert.equal(a.depth.estimated?.source, 'estimated');
  assert.ok(a.notes.some((n) => /the HEIC's depth map is damaged \(the decoder (refused it|complained)\): estimated depth instead/.test(n)), a.notes.join('; '));
  const flat = await analyse('flat.heic', heicWithDepth({ width: 320, height: 240, depth: { flat: true } }));
  assert.equal(flat.depth.embedded, null);
  assert.ok(flat.notes.some((n) => /is flat: estimated depth instead/.test(n)), flat.notes.join('; '));
  // A broken depth item with a matte: the matte stands in.
  const withMatte = await analyse('junk-matte.heic', heicWithDepth({ width: 320, height: 240, depth: { junk: true }, portraitMatte: true }));
  assert.equal(withMatte.depth.embedded?.source, 'matte');

  const path = tmp.path('junk-render.heic');
  writeFileSync(path, junk);
  const r = await animate(path, { output: tmp.path('junk.mp4'), move: 'parallax-left', size: '360p', duration: 1, workers: 1 });
  assert.equal(r.frames, 30);
});

test('Google Dynamic Depth: the depth item appended to the JPEG (16-bit PNG, RangeLinear), not the confidence map', async () => {
  for (const o of [{}, { byUri: false }, { padding: 7 }]) {
    const { depth, notes } = await analyse('ddf.jpg', await dynamicDepthJpeg(480, 360, o));
    assert.equal(depth.embedded?.source, 'gdepth', JSON.stringify(o));
    nearIsBright(depth.embedded, CENTRE_BOX, `Dynamic Depth ${JSON.stringify(o)}`);
    assert.ok(notes.some((n) => /Android depth, Dynamic Depth/.test(n)), notes.join('; '));
  }
  // Lengths that do not fit the file: no depth, no error.
  const bad = await dynamicDepthJpeg(480, 360);
  const cut = bad.subarray(0, bad.length - 100); // inside the confidence map: every item is now misplaced
  const { depth } = await analyse('ddf-cut.jpg', cut);
  assert.notEqual(depth.embedded?.source, 'gdepth');
});

test('GDepth with its depth map in extended XMP split across APP1 segments (written out of order)', async () => {
  const { file, segments } = await gdepthExtendedJpeg(480, 360);
  assert.ok(segments >= 2, `${segments} segments`);
  const { depth, notes } = await analyse('gdepth-ext.jpg', file);
  assert.equal(depth.embedded?.source, 'gdepth');
  nearIsBright(depth.embedded, CENTRE_BOX, 'extended XMP');
  assert.ok(notes.some((n) => /GDepth/.test(n)));
});

test('an iPhone JPEG with mattes: the portrait matte is the near layer, the sky matte the sky, the skin matte neither', async () => {
  const path = tmp.path('mattes.jpg');
  writeFileSync(path, await iphoneMattesJpeg(480, 360, 0.25));
  const a = await analyseOpened(await openStill(path, limits));
  assert.equal(a.depth?.embedded?.source, 'matte');
  const m = a.depth!.embedded!;
  const [inside, outside] = insideOutside(m, decodeDepth(m), CENTRE_BOX);
  assert.ok(inside > 240 && inside - outside > 120, `near square ${inside}, elsewhere ${outside}`);
  // The skin matte's corner is not pulled forward as a subject would be.
  const d = decodeDepth(m);
  assert.ok(d[(m.height - 2) * m.width + m.width - 2]! < 200, 'the skin corner is not a near layer');
  assert.ok(a.regions && Math.abs(a.regions.sky - 0.25) < 0.05, `sky share ${a.regions?.sky}`);
  assert.ok(a.regions?.skyMatte);
});

// ---- a real iOS 18 HEIC, when this machine has the sample photos (STILLMOTION_PHOTOS) ----------
const PHOTOS = process.env.STILLMOTION_PHOTOS ?? '';

test('a real iOS 18 HEIC: its portrait matte (feet, bottom left) is the near layer; its sky matte says no sky', async (t) => {
  const path = `${PHOTOS}/heic_iphone_iOS18_tmap_MatteMaps.heic`;
  if (!PHOTOS || !existsSync(path)) return t.skip('real sample photos are optional (STILLMOTION_PHOTOS)');
  const a = await analyseOpened(await openStill(path, limits));
  assert.equal(a.depth?.embedded?.source, 'matte');
  const m = a.depth!.embedded!;
  const d = decodeDepth(m);
  let best = 0, at = [0, 0];
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) if (d[y * m.width + x]! > best) { best = d[y * m.width + x]!; at = [x / m.width, y / m.height]; }
  assert.ok(at[0]! < 0.4 && at[1]! > 0.6, `the nearest point at ${at.map((v) => v.toFixed(2))}`);
  assert.equal(a.regions?.sky, 0);
});

test('every depth source is said in English and in Chinese (the agent\'s reply, the CLI and the page)', () => {
  for (const s of DEPTH_SOURCES) {
    const zh = noteIn(`parallax-left used ${DEPTH_LABELS[s]}`, 'zh');
    assert.match(zh, /使用了/, s);
    assert.doesNotMatch(zh, /使用了深度图$/, `${s} has its own Chinese name`);
  }
  assert.equal(DEPTH_LABELS['iphone-heic'], 'depth from the iPhone (HEIC)');
  assert.equal(DEPTH_LABELS.gdepth, 'Android depth');
  assert.equal(DEPTH_LABELS.matte, 'portrait matte');
});

test('the CLI on an iPhone HEIC: --json says the depth used ("depth from the iPhone (HEIC)") and --save-depth draws it upright', async () => {
  const path = tmp.path('cli.heic');
  writeFileSync(path, heicWithDepth({ width: 640, height: 480, rotate: 1, depth: {} }));
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  out.on('data', (d) => { o += d; });
  err.resume();
  const code = await main(['animate', path, '--move', 'parallax-right', '--save-depth', 'depth.png', '--json', '-d', '1', '--size', '360p', '-o', 'cli.mp4'], { stdout: out, stderr: err, cwd: tmp.dir, env: {} });
  assert.equal(code, 0);
  const result = o.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.type === 'result')!;
  assert.deepEqual(result.depth, { source: 'iphone-heic', label: 'Parallax right · depth from the iPhone (HEIC)', fallback: null });
  const { data, info } = await sharp(result.depth_picture as string).greyscale().raw().toBuffer({ resolveWithObject: true });
  const px = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height);
  const [inside, outside] = insideOutside(info, px, NEAR_BOX);
  assert.ok(inside > 200 && outside < 60, `depth picture: near box ${inside}, elsewhere ${outside}`);
});
