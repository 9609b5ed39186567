/**
 * The native HEIC path (ffmpeg's HEVC decoder + our YCbCr → RGBA) against libheif, on HEICs made
 * here with x265: lossless pictures, where both decoders must give exactly the input's YCbCr, so the
 * two paths must agree to the byte (size, turn, mirror, colour, notes and pixels).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { decodeHeif, displayP3Icc, type HeifStill } from '../../src/engine/heif/index.js';
import { NAL_SPS, nalType, parseHvcC, readSps, toAnnexB } from '../../src/engine/heif/hevc.js';
import { readItems } from '../../src/engine/heif/items.js';
import { planHevc, summarise } from '../../src/engine/heif/hevc-plan.js';
import { placement } from '../../src/engine/heif/yuv-rgba.js';
import { StillmotionError } from '../../src/errors.js';
import { texturedRgb } from '../support/fixtures.js';
import { encodeHevcPictures, rgbToYuvFrames, writeHeif, type CodedPicture, type EncodeOptions, type HeifLayout } from '../support/heif-writer.js';

/** Cuts an I420 picture (w x h) into a cols x rows grid of tw x th tiles (edge tiles padded by repetition). */
const tilesOf = (yuv: Buffer, w: number, h: number, tw: number, th: number, cols: number, rows: number): Buffer => {
  const out: Buffer[] = [];
  const planes = [
    { at: 0, pw: w, ph: h, tw, th },
    { at: w * h, pw: w / 2, ph: h / 2, tw: tw / 2, th: th / 2 },
    { at: w * h + (w / 2) * (h / 2), pw: w / 2, ph: h / 2, tw: tw / 2, th: th / 2 },
  ];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (const p of planes) {
        const t = Buffer.alloc(p.tw * p.th);
        for (let y = 0; y < p.th; y++) {
          for (let x = 0; x < p.tw; x++) {
            const sx = Math.min(p.pw - 1, c * p.tw + x), sy = Math.min(p.ph - 1, r * p.th + y);
            t[y * p.tw + x] = yuv[p.at + sy * p.pw + sx]!;
          }
        }
        out.push(t);
      }
    }
  }
  return Buffer.concat(out);
};

interface Photo {
  pictures: CodedPicture[];
  grid?: HeifLayout['grid'];
}

/** A textured photo of w x h, as one picture or as a grid of tw x th tiles, coded losslessly. */
const photo = (w: number, h: number, tiles: [number, number] | null, enc: EncodeOptions = {}, seed = 3): Photo => {
  const yuv = rgbToYuvFrames(texturedRgb(w, h, seed), w, h, 1, { fullRange: enc.fullRange !== false, matrix: enc.matrix === 'bt709' ? 'bt709' : 'bt470bg' });
  if (!tiles) return { pictures: encodeHevcPictures(yuv, w, h, 1, { lossless: true, ...enc }) };
  const [tw, th] = tiles;
  const cols = Math.ceil(w / tw), rows = Math.ceil(h / th);
  return { pictures: encodeHevcPictures(tilesOf(yuv, w, h, tw, th, cols, rows), tw, th, cols * rows, { lossless: true, ...enc }), grid: { columns: cols, rows, width: w, height: h } };
};

const both = async (file: Buffer, o: { ignoreTransformations?: boolean } = {}): Promise<[HeifStill, HeifStill]> => [
  await decodeHeif(file, { maxPixels: 1e8, ...o }),
  await decodeHeif(file, { maxPixels: 1e8, decoder: 'libheif', ...o }),
];

const sameStill = (a: HeifStill, b: HeifStill, label: string) => {
  assert.deepEqual({ ...a, data: null, decoder: null }, { ...b, data: null, decoder: null }, `${label}: what is reported`);
  assert.equal(a.data.length, b.data.length, label);
  const diff = a.data.findIndex((v, i) => v !== b.data[i]);
  assert.equal(diff, -1, `${label}: first differing byte at ${diff} (pixel ${Math.floor(diff / 4)}): ${a.data[diff]} vs ${b.data[diff]}`);
};

test('SPS, hvcC and NAL units of an x265 picture are read as coded', () => {
  const [pic] = encodeHevcPictures(rgbToYuvFrames(texturedRgb(96, 64), 96, 64, 1, { fullRange: false, matrix: 'bt709' }), 96, 64, 1, { fullRange: false, matrix: 'bt709' });
  const sps = readSps(pic!.params.find((n) => nalType(n) === NAL_SPS)!);
  assert.deepEqual(sps, { width: 96, height: 64, chromaFormat: 1, bitDepthLuma: 8, bitDepthChroma: 8, fullRange: false, colour: { primaries: 1, transfer: 1, matrix: 1 } });
  const [full] = encodeHevcPictures(rgbToYuvFrames(texturedRgb(40, 30), 40, 30, 1), 40, 30, 1);
  // 40x30 is coded as 40x32 with a conformance window: the picture is still 40x30.
  assert.deepEqual(readSps(full!.params.find((n) => nalType(n) === NAL_SPS)!), { width: 40, height: 30, chromaFormat: 1, bitDepthLuma: 8, bitDepthChroma: 8, fullRange: true, colour: { primaries: 6, transfer: 6, matrix: 5 } });
  const [none] = encodeHevcPictures(rgbToYuvFrames(texturedRgb(32, 32), 32, 32, 1), 32, 32, 1, { fullRange: null, matrix: 'undef' });
  assert.deepEqual(readSps(none!.params.find((n) => nalType(n) === NAL_SPS)!)!.fullRange, null);

  const file = writeHeif({ pictures: [pic!] });
  const items = readItems(file)!;
  const hv = items.props(items.primaryId).find((p) => p.box.type === 'hvcC')!;
  const c = parseHvcC(file.subarray(hv.box.body, hv.box.end))!;
  assert.deepEqual(c.nals.map(nalType), [32, 33, 34]);
  assert.equal(c.lengthSize, 4);
  const nals = toAnnexB(items.data(items.primaryId)!, c.lengthSize)!;
  assert.deepEqual(nals.filter((_, i) => i % 2 === 1).map((n) => Buffer.from(n)), pic!.slices.map((n) => Buffer.from(n)));
  assert.equal(toAnnexB(Buffer.from([0, 0, 0, 9, 1, 2]), 4), null, 'a length past the end');
});

test('rotation and mirroring: every combination maps coded pixels where the file says', () => {
  // A 3x2 picture with distinct pixels; turn it the slow way and compare with the mapping.
  const w = 3, h = 2;
  const turnCcw = (p: number[][]) => p[0]!.map((_, x) => p.map((row) => row[p[0]!.length - 1 - x]!));
  const combos: Array<Array<{ rotateCcw: number } | { mirror: 'top-bottom' | 'left-right' }>> = [];
  for (const r of [0, 90, 180, 270]) for (const m of [null, 'top-bottom', 'left-right'] as const) combos.push([{ rotateCcw: r }, ...(m ? [{ mirror: m }] : [])]);
  combos.push([{ mirror: 'left-right' }, { rotateCcw: 90 }]);
  for (const ts of combos) {
    let pic = [[0, 1, 2], [3, 4, 5]];
    for (const t of ts) {
      if ('rotateCcw' in t) for (let k = 0; k < t.rotateCcw / 90; k++) pic = turnCcw(pic);
      else pic = t.mirror === 'top-bottom' ? [...pic].reverse() : pic.map((row) => [...row].reverse());
    }
    const p = placement(w, h, ts);
    assert.deepEqual([p.width, p.height], [pic[0]!.length, pic.length], JSON.stringify(ts));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = p.o0 + x * p.ox + y * p.oy;
        assert.equal(pic[Math.floor(o / p.width)]![o % p.width], y * w + x, `${JSON.stringify(ts)}: coded (${x},${y})`);
      }
    }
  }
});

test('a single-picture HEIC: the native path gives libheif\'s exact pixels, notes and colour', async () => {
  const f = writeHeif(photo(96, 64, null));
  const [a, b] = await both(f);
  assert.equal(a.decoder, 'ffmpeg');
  assert.equal(b.decoder, 'libheif');
  sameStill(a, b, 'single picture');
});

test('a tile grid (edge tiles cut), in every rotation and mirroring, matches libheif exactly', async () => {
  const { pictures, grid } = photo(150, 100, [64, 64]); // 3 x 2 tiles of 64, cut to 150 x 100
  for (const rotate of [0, 1, 2, 3]) {
    for (const mirror of [undefined, 0, 1] as const) {
      const f = writeHeif({ pictures, grid, rotate, ...(mirror === undefined ? {} : { mirror }) });
      const [a, b] = await both(f);
      assert.equal(a.decoder, 'ffmpeg');
      assert.deepEqual([a.width, a.height], rotate % 2 ? [100, 150] : [150, 100]);
      sameStill(a, b, `irot ${rotate}, imir ${mirror}`);
    }
  }
  // As coded, on request (the diagnostics option).
  const [a, b] = await both(writeHeif({ pictures, grid, rotate: 1, mirror: 0 }), { ignoreTransformations: true });
  assert.deepEqual([a.width, a.height], [150, 100]);
  sameStill(a, b, 'as coded');
});

test('limited range and BT.709 (libheif\'s float conversion), an nclx box that agrees, and an ICC profile', async () => {
  const limited = photo(64, 64, null, { fullRange: false, matrix: 'bt709' });
  for (const layout of [
    { pictures: limited.pictures },
    { pictures: limited.pictures, nclx: { primaries: 1, transfer: 1, matrix: 1, fullRange: false } },
  ]) {
    const [a, b] = await both(writeHeif(layout));
    assert.equal(a.decoder, 'ffmpeg');
    sameStill(a, b, JSON.stringify(layout.nclx ?? 'VUI only'));
  }
  const noVui = photo(64, 64, [32, 32], { fullRange: null, matrix: 'undef' });
  const [a1, b1] = await both(writeHeif(noVui));
  assert.equal(a1.decoder, 'ffmpeg');
  sameStill(a1, b1, 'no colour signalled: limited range, BT.601');

  const p3 = await displayP3Icc();
  const full = photo(64, 64, null);
  const [a2, b2] = await both(writeHeif({ pictures: full.pictures, icc: p3 }));
  assert.equal(a2.decoder, 'ffmpeg');
  assert.equal(a2.colour.converted, true);
  sameStill(a2, b2, 'Display P3 profile');
});

test('thumbnails and auxiliary images are counted as libheif counts them', async () => {
  const main = photo(64, 64, [32, 32]);
  const thumb = photo(16, 16, null, {}, 9).pictures[0]!;
  const f = writeHeif({ ...main, thumbnail: thumb });
  const [a, b] = await both(f);
  assert.equal(a.decoder, 'ffmpeg');
  assert.equal(a.imageCount, 2);
  assert.match(a.notes[0]!, /file holds 2 images \(1 top-level; 1 thumbnail\)/);
  sameStill(a, b, 'with a thumbnail');
  const s = summarise(readItems(f)!)!;
  assert.deepEqual(s, { topCount: 1, primaryIndex: 0, auxTypes: [], thumbnails: 1 });
});

test('what the native path leaves to libheif: alpha, clean aperture, 4:4:4, colour boxes that contradict the stream', async () => {
  const base = photo(64, 64, null);
  const alpha = encodeHevcPictures(Buffer.alloc(64 * 64, 200), 64, 64, 1, { pixFmt: 'gray', lossless: true })[0]!;
  const withAlpha = writeHeif({ pictures: base.pictures, alpha });
  assert.match(planHevc(readItems(withAlpha)!).plan === null ? (planHevc(readItems(withAlpha)!) as { reason: string }).reason : '', /alpha/);
  const [a, b] = await both(withAlpha);
  assert.equal(a.decoder, 'libheif');
  assert.equal(a.hasAlpha, true);
  sameStill(a, b, 'alpha');

  const clap = writeHeif({ pictures: base.pictures, clap: { width: 48, height: 40 } });
  const [c] = await both(clap);
  assert.equal(c.decoder, 'libheif');
  assert.deepEqual([c.width, c.height], [48, 40]);

  const yuv444 = encodeHevcPictures(Buffer.alloc(32 * 32 * 3, 128), 32, 32, 1, { pixFmt: 'yuv444p', lossless: true })[0]!;
  assert.equal((await decodeHeif(writeHeif({ pictures: [yuv444] }), { maxPixels: 1e8 })).decoder, 'libheif');

  // The stream says full range BT.601; the box says BT.709: libheif's verdict (damaged) stands.
  const contradict = writeHeif({ pictures: base.pictures, nclx: { primaries: 1, transfer: 1, matrix: 1, fullRange: true } });
  assert.equal(planHevc(readItems(contradict)!).plan, null);
  await assert.rejects(decodeHeif(contradict, { maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT' && /disagree/.test(e.message));
});

test('the pixel limit holds on the native path (upright size, before decoding); ffmpeg missing or failing means libheif', async () => {
  const { pictures, grid } = photo(150, 100, [64, 64]);
  const f = writeHeif({ pictures, grid, rotate: 1 });
  await assert.rejects(decodeHeif(f, { maxPixels: 100 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'TOO_MANY_PIXELS' && /100x150 = 15000 pixels/.test(e.message));
  const viaLibheif = await decodeHeif(f, { maxPixels: 1e8, ffmpegPath: '/nonexistent/ffmpeg' });
  assert.equal(viaLibheif.decoder, 'libheif');
  sameStill(viaLibheif, await decodeHeif(f, { maxPixels: 1e8 }), 'fallback');
  // A tile whose slice is junk after its NAL header: ffmpeg complains (and would conceal it), so
  // libheif has the last word, as before: the file is damaged.
  const junk = { ...pictures[1]!, slices: pictures[1]!.slices.map((s) => Buffer.concat([s.subarray(0, 2), Buffer.alloc(200, 0xa5)])) };
  const bad = writeHeif({ pictures: [pictures[0]!, junk, ...pictures.slice(2)], grid });
  const theirs = await decodeHeif(bad, { maxPixels: 1e8, decoder: 'libheif' }).catch((e: unknown) => e);
  assert.ok(theirs instanceof StillmotionError && theirs.kind === 'CORRUPT_INPUT', String(theirs));
  await assert.rejects(decodeHeif(bad, { maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT' && e.message === theirs.message);
});

test('openStill\'s HEIC decode: a phone-style grid is decoded without a thread, the same picture the thread gives; damage is still libheif\'s to judge; the time limit stops ffmpeg', async () => {
  const { decodeHeifInThread } = await import('../../src/engine/heif/decode-in-thread.js');
  const { pictures, grid } = photo(150, 100, [64, 64]);
  const f = writeHeif({ pictures, grid, rotate: 1, mirror: 1, icc: await displayP3Icc() });
  const here = await decodeHeifInThread(f, { maxPixels: 1e8 });
  const there = await decodeHeifInThread(f, { maxPixels: 1e8, where: 'thread' });
  assert.equal(here.decoder, 'ffmpeg');
  assert.equal(here.colour.converted, true);
  sameStill(here, there, 'calling thread vs decode thread');
  sameStill(here, await decodeHeif(f, { maxPixels: 1e8, decoder: 'libheif' }), 'calling thread vs libheif');
  await assert.rejects(decodeHeifInThread(f, { maxPixels: 100 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'TOO_MANY_PIXELS');
  const junk = { ...pictures[1]!, slices: pictures[1]!.slices.map((s) => Buffer.concat([s.subarray(0, 2), Buffer.alloc(200, 0xa5)])) };
  const bad = writeHeif({ pictures: [pictures[0]!, junk, ...pictures.slice(2)], grid });
  const theirs = await decodeHeif(bad, { maxPixels: 1e8, decoder: 'libheif' }).catch((e: unknown) => e);
  await assert.rejects(decodeHeifInThread(bad, { maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT' && e.message === (theirs as Error).message);
  // ffmpeg cannot start and decode in 1 ms: stopped, and a TIMEOUT (not libheif trying instead).
  await assert.rejects(decodeHeifInThread(f, { maxPixels: 1e8, timeoutMs: 1 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'TIMEOUT');
});

// ---- real phone files, when this machine has them (STILLMOTION_PHOTOS) -----------------------
const PHOTOS = process.env.STILLMOTION_PHOTOS ?? '';

test('real HEICs from phones take the native path and agree with libheif (within libheif\'s own decoding error)', async (t) => {
  if (!existsSync(PHOTOS)) return t.skip('real sample photos are optional (STILLMOTION_PHOTOS)');
  for (const name of ['heic_iphone_rotated_and_mirrored.heic', 'heic_iphone_telephoto_with_scaling_list.heic', 'heic_samsung_a71.heic', 'heic_grid_960x640.heic', 'heic_iphone_iOS18_tmap_MatteMaps.heic']) {
    if (!existsSync(`${PHOTOS}/${name}`)) continue;
    const [a, b] = await both(readFileSync(`${PHOTOS}/${name}`));
    assert.equal(a.decoder, 'ffmpeg', name);
    assert.deepEqual({ ...a, data: null, decoder: null }, { ...b, data: null, decoder: null }, name);
    // libheif's WebAssembly HEVC decoder filters some block edges differently from the standard
    // (ffmpeg and the native libde265 agree with each other to the byte): small, local differences.
    let sum = 0;
    for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
    assert.ok(sum / a.data.length < 1, `${name}: mean difference ${(sum / a.data.length).toFixed(3)}`);
  }
});

/** A reduced decode against the full one averaged s x s: PSNR and mean difference over R, G, B. */
const againstAveraged = (full: HeifStill, small: HeifStill, k: number): { psnr: number; mean: number } => {
  let se = 0, sum = 0, n = 0;
  for (let y = 0; y < small.height; y++) {
    for (let x = 0; x < small.width; x++) {
      for (let c = 0; c < 3; c++) {
        let a = 0;
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) a += full.data[((k * y + dy) * full.width + k * x + dx) * 4 + c]!;
        const d = small.data[(y * small.width + x) * 4 + c]! - a / (k * k);
        se += d * d; sum += d; n++;
      }
    }
  }
  return { psnr: 10 * Math.log10((255 * 255) / (se / n)), mean: sum / n };
};

test('decoded reduced when the caller needs less (atLeast): a power of two, never below what was asked, same picture averaged', async (t) => {
  const { pictures, grid } = photo(150, 100, [64, 64]);
  for (const [rotate, mirror] of [[0, undefined], [1, 0]] as const) {
    const f = writeHeif({ pictures, grid, rotate, ...(mirror === undefined ? {} : { mirror }) });
    const full = await decodeHeif(f, { maxPixels: 1e8 });
    const small = await decodeHeif(f, { maxPixels: 1e8, atLeast: rotate % 2 ? { width: 30, height: 40 } : { width: 40, height: 30 } });
    assert.equal(small.decoder, 'ffmpeg');
    assert.equal(small.scale, 2, 'by 4 would be 25 x 37, below what was asked');
    assert.deepEqual([small.width, small.height, small.imageWidth, small.imageHeight], [full.width / 2, full.height / 2, full.width, full.height]);
    // Same place, same range and colours (chroma is averaged rather than taken from the nearest
    // sample, hence not exact).
    const { psnr, mean } = againstAveraged(full, small, 2);
    assert.ok(psnr > 30, `irot ${rotate}: PSNR ${psnr.toFixed(1)} dB against the averaged full picture`);
    assert.ok(Math.abs(mean) < 1, `irot ${rotate}: mean difference ${mean.toFixed(2)}`);
  }
  // Nothing asked, or more than the image has: whole, as before.
  const f = writeHeif({ pictures, grid });
  assert.equal((await decodeHeif(f, { maxPixels: 1e8, atLeast: { width: 200, height: 100 } })).scale, undefined);
  // A phone's full-range stream stays full range (a conversion of range would brighten it by ~4).
  if (!existsSync(`${PHOTOS}/heic_samsung_a71.heic`)) return t.skip('real sample photos are optional (STILLMOTION_PHOTOS)');
  const file = readFileSync(`${PHOTOS}/heic_samsung_a71.heic`);
  const full = await decodeHeif(file, { maxPixels: 1e8 });
  const small = await decodeHeif(file, { maxPixels: 1e8, atLeast: { width: 1000, height: 800 } });
  assert.equal(small.scale, 4);
  const { psnr, mean } = againstAveraged(full, small, 4);
  assert.ok(psnr > 40 && Math.abs(mean) < 0.5, `Samsung photo: PSNR ${psnr.toFixed(1)} dB, mean difference ${mean.toFixed(2)}`);
});
