import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeHeif, isHeif, rgbaToSrgb, displayP3Icc, iccDescription, type HeifStill } from '../../src/engine/heif/index.js';
import { primaryProps, truncatedItems } from '../../src/engine/heif/bmff.js';
import { libheif } from '../../src/engine/heif/libheif.js';
import { StillmotionError } from '../../src/errors.js';

// ---- building ISO-BMFF / HEIF bytes in code -------------------------------------------------
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
};
const full = (v: number, flags = 0) => Buffer.from([v, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]);
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const cstr = (s: string) => Buffer.from(`${s}\0`, 'latin1');
const ftyp = (major: string, ...compat: string[]) => box('ftyp', Buffer.from(major), u32(0), Buffer.from(compat.join('')));

/**
 * A structurally valid HEIC: one hvc1 item of `w`x`h` (ispe), rotated 90° (irot), whose "HEVC"
 * data is junk. libheif reads its size without decoding; decoding it fails.
 */
const syntheticHeic = (w: number, h: number, payload = Buffer.alloc(64, 0x42)) => {
  const head = ftyp('heic', 'mif1', 'heic');
  const hvcC = box('hvcC', Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]));
  const ipco = box('ipco', hvcC, box('ispe', full(0), u32(w), u32(h)), box('irot', Buffer.from([1])));
  const ipma = box('ipma', full(0), u32(1), u16(1), Buffer.from([3, 0x81, 0x02, 0x83]));
  const meta = (offset: number) => box('meta', full(0),
    box('hdlr', full(0), u32(0), Buffer.from('pict'), Buffer.alloc(12), cstr('')),
    box('pitm', full(0), u16(1)),
    box('iloc', full(0), Buffer.from([0x44, 0x00]), u16(1), u16(1), u16(0), u16(1), u32(offset), u32(payload.length)),
    box('iinf', full(0), u16(1), box('infe', full(2), u16(1), u16(0), Buffer.from('hvc1'), cstr(''))),
    box('iprp', ipco, ipma));
  const offset = head.length + meta(0).length + 8;
  return Buffer.concat([head, meta(offset), box('mdat', payload)]);
};

const isCoded = (kind: StillmotionError['kind'], re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof StillmotionError, `expected a StillmotionError, got ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

// ---- the real phone files, when this machine has them ---------------------------------------
// Real samples live outside the repository; a user's clone has none, so those cases skip.
// Point STILLMOTION_PHOTOS at a folder of real phone photos to run them (.ci/run does when it can).
const PHOTOS = process.env.STILLMOTION_PHOTOS ?? '';
const sample = (name: string) => `${PHOTOS}/${name}`;
const have = (name: string) => PHOTOS !== '' && existsSync(sample(name));
const px = (s: HeifStill, x: number, y: number) => [...s.data.subarray((y * s.width + x) * 4, (y * s.width + x) * 4 + 4)];
/** Mean of a square region's channels. */
const mean = (s: HeifStill, cx: number, cy: number, r: number) => {
  const sum = [0, 0, 0, 0];
  let n = 0;
  for (let y = cy - r; y <= cy + r; y++) for (let x = cx - r; x <= cx + r; x++) { px(s, x, y).forEach((v, i) => (sum[i]! += v)); n++; }
  return sum.map((v) => v / n);
};
const spread = (s: HeifStill) => {
  let lo = 255, hi = 0;
  for (let i = 0; i < s.data.length; i += 4 * 1013) { const l = (s.data[i]! + s.data[i + 1]! + s.data[i + 2]!) / 3; lo = Math.min(lo, l); hi = Math.max(hi, l); }
  return hi - lo;
};

test('isHeif: HEIF brands yes, AVIF and other ISO-BMFF no', () => {
  assert.equal(isHeif(ftyp('heic', 'mif1', 'heic')), true);
  assert.equal(isHeif(ftyp('mif1', 'heic')), true);
  assert.equal(isHeif(ftyp('msf1', 'hevc')), true);
  assert.equal(isHeif(ftyp('mif1', 'miaf')), true); // HEIF without a codec brand
  assert.equal(isHeif(ftyp('avif', 'mif1', 'miaf')), false);
  assert.equal(isHeif(ftyp('mif1', 'avif', 'miaf')), false);
  assert.equal(isHeif(ftyp('avis', 'msf1')), false);
  assert.equal(isHeif(ftyp('isom', 'mp41')), false);
  assert.equal(isHeif(Buffer.from('not a heif at all, just text')), false);
  assert.equal(isHeif(new Uint8Array(0)), false);
  assert.equal(isHeif(syntheticHeic(8, 8)), true);
});

test('primary item properties: colour boxes, rotation and mirroring in order, other items ignored', () => {
  const icc = Buffer.concat([Buffer.alloc(36), Buffer.from('acsp'), Buffer.alloc(100, 7)]);
  const ipco = box('ipco',
    box('colr', Buffer.from('nclx'), u16(12), u16(13), u16(6), Buffer.from([0x80])),
    box('colr', Buffer.from('prof'), icc),
    box('colr', Buffer.from('nclx'), u16(9), u16(16), u16(9), Buffer.from([0])),
    box('irot', Buffer.from([1])),
    box('imir', Buffer.from([0])),
    box('ispe', full(0), u32(4032), u32(3024)));
  // item 1 (primary) → 6, 1, 2, 4, 5; item 2 → 3.
  const ipma = box('ipma', full(0), u32(2), u16(1), Buffer.from([5, 6, 0x81, 2, 4, 0x85]), u16(2), Buffer.from([1, 3]));
  const file = (primary: number) => Buffer.concat([ftyp('heic', 'mif1'), box('meta', full(0), box('pitm', full(0), u16(primary)), box('iprp', ipco, ipma))]);
  const p = primaryProps(file(1));
  assert.deepEqual(p.icc, icc);
  assert.deepEqual(p.nclx, { primaries: 12, transfer: 13, matrix: 6, fullRange: true });
  assert.deepEqual(p.transforms, [{ rotateCcw: 90 }, { mirror: 'top-bottom' }]);
  assert.deepEqual(p.ispe, { width: 4032, height: 3024 });
  const other = primaryProps(file(2));
  assert.equal(other.icc, null);
  assert.equal(other.nclx?.primaries, 9);
  assert.deepEqual(other.transforms, []);
  assert.deepEqual(primaryProps(Buffer.from('garbage')).transforms, []);
  assert.equal(primaryProps(file(1).subarray(0, 50)).icc, null); // cut short: no throw
});

test('a truncated file is noticed from its item locations', () => {
  const f = syntheticHeic(64, 48);
  assert.equal(truncatedItems(f), false);
  assert.equal(truncatedItems(f.subarray(0, f.length - 1)), true);
});

test('Display P3 pixels are converted to sRGB through the profile (and a saturated colour changes)', async () => {
  // An sRGB orange and red, as a P3 file stores them.
  const srgb = Buffer.from([200, 100, 50, 255, 255, 0, 0, 255, 40, 170, 90, 128, 128, 128, 128, 255]);
  const p3 = await sharp(srgb, { raw: { width: 4, height: 1, channels: 4 } }).withIccProfile('p3').raw().toBuffer();
  assert.ok(Math.abs(p3[0]! - 200) + Math.abs(p3[1]! - 100) + Math.abs(p3[2]! - 50) > 15, `P3 numbers differ from sRGB ones: ${[...p3.subarray(0, 3)]}`);
  assert.ok(p3[4]! < 240 && p3[5]! > 40, `sRGB red is a less saturated P3 red: ${[...p3.subarray(4, 8)]}`);
  const icc = await displayP3Icc();
  assert.match(iccDescription(icc), /P3/);
  const back = await rgbaToSrgb(p3, 4, 1, icc);
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(back[i]! - srgb[i]!) <= 3, `channel ${i}: ${back[i]} vs ${srgb[i]} (${[...back]})`);
  // Without the conversion the orange would be read duller: the P3 numbers are less saturated.
  assert.ok(back[0]! - back[2]! > p3[0]! - p3[2]!);
});

test('corrupt, truncated, foreign and oversized input gets coded errors, never raw wasm exceptions', async () => {
  const f = syntheticHeic(640, 480);
  // The pixel limit is checked from the header, before any decoding; the size is after rotation.
  await assert.rejects(decodeHeif(f, { maxPixels: 10 }), isCoded('TOO_MANY_PIXELS', /480x640 = 307200 pixels.*limit is 10 pixels/));
  await assert.rejects(decodeHeif(f, { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT', /could not be decoded/));
  await assert.rejects(decodeHeif(f.subarray(0, f.length - 10), { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT', /truncated/));
  await assert.rejects(decodeHeif(f.subarray(0, 80), { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT')); // ends inside meta
  await assert.rejects(decodeHeif(Buffer.concat([ftyp('heic', 'mif1', 'heic'), Buffer.alloc(300, 0x55)]), { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT'));
  await assert.rejects(decodeHeif(f.subarray(0, 12), { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT', /ftyp/));
  await assert.rejects(decodeHeif(ftyp('avif', 'mif1'), { maxPixels: 1e8 }), isCoded('UNSUPPORTED_TYPE'));
  await assert.rejects(decodeHeif(Buffer.from('hello'), { maxPixels: 1e8 }), isCoded('UNSUPPORTED_TYPE'));
});

test('failed decodes free what they allocate (the wasm heap stops growing)', async () => {
  const f = syntheticHeic(640, 480, Buffer.alloc(200_000, 0x42));
  for (let i = 0; i < 5; i++) await decodeHeif(f, { maxPixels: 1e8 }).catch(() => undefined);
  const before = libheif().HEAPU8.length;
  for (let i = 0; i < 200; i++) await decodeHeif(f, { maxPixels: i % 2 ? 10 : 1e8 }).catch(() => undefined);
  assert.equal(libheif().HEAPU8.length, before);
});

test('real HEIC: rotated and mirrored iPhone photo is turned upright exactly once', async (t) => {
  if (!have('heic_iphone_rotated_and_mirrored.heic')) return t.skip(`${PHOTOS} not present (real sample photos are optional)`);
  const data = readFileSync(sample('heic_iphone_rotated_and_mirrored.heic'));
  const shown = await decodeHeif(data, { maxPixels: 1e8 });
  const coded = await decodeHeif(data, { maxPixels: 1e8, ignoreTransformations: true });
  assert.deepEqual([coded.width, coded.height], [3088, 2316]); // stored landscape
  assert.deepEqual([shown.width, shown.height], [2316, 3088]); // shown portrait
  assert.ok(shown.notes.some((n) => /rotated 90° counter-clockwise, then mirrored top-bottom/.test(n)), shown.notes.join(' | '));
  // irot 90 + imir 0 is a transpose: what the camera also wrote as EXIF orientation 5.
  // shown(x, y) must be coded(y, x) for every pixel (checked on a sparse lattice).
  let diff = 0, n = 0;
  for (let y = 0; y < shown.height; y += 7) {
    for (let x = 0; x < shown.width; x += 7) {
      const a = (y * shown.width + x) * 4, b = (x * coded.width + y) * 4;
      for (let c = 0; c < 3; c++) diff += Math.abs(shown.data[a + c]! - coded.data[b + c]!);
      n += 3;
    }
  }
  assert.ok(diff / n < 0.5, `shown picture is the transpose of the coded one (mean diff ${diff / n})`);
  assert.equal(shown.colour.kind, 'icc');
  assert.equal(shown.colour.converted, true);
  assert.ok(spread(shown) > 60, 'not blank');
});

test('real HEIC: every sample decodes whole, upright and in sRGB', async (t) => {
  if (!existsSync(PHOTOS)) return t.skip(`${PHOTOS} not present (real sample photos are optional)`);
  const expect: Record<string, { size: [number, number]; images: number; colour: string }> = {
    'heic_iphone_iOS18_tmap_MatteMaps.heic': { size: [4284, 5712], images: 8, colour: 'Display P3' },
    'heic_iphone_telephoto_with_scaling_list.heic': { size: [3024, 4032], images: 3, colour: 'Display P3' },
    'heic_samsung_a71.heic': { size: [4624, 3468], images: 2, colour: 'no colour profile (sRGB assumed)' },
    'heic_grid_960x640.heic': { size: [960, 640], images: 5, colour: 'no colour profile (sRGB assumed)' },
    'heic_gimp_rgb_420_with_alpha.heic': { size: [430, 430], images: 1, colour: 'GIMP built-in sRGB' },
  };
  for (const [name, e] of Object.entries(expect)) {
    await t.test(name, async (tt) => {
      if (!have(name)) return tt.skip('sample missing');
      const s = await decodeHeif(readFileSync(sample(name)), { maxPixels: 1e8 });
      assert.deepEqual([s.width, s.height], e.size);
      assert.equal(s.data.length, s.width * s.height * 4);
      assert.equal(s.imageCount, e.images);
      assert.equal(s.colour.description, e.colour);
      if (e.images > 1) assert.ok(s.notes.some((n) => n.startsWith(`file holds ${e.images} images`) && n.endsWith('using the primary one')), s.notes.join(' | '));
      assert.ok(spread(s) > 60, `${name} looks blank`);
    });
  }
});

test('real HEIC: what a person would see', async (t) => {
  if (!existsSync(PHOTOS)) return t.skip(`${PHOTOS} not present (real sample photos are optional)`);
  if (have('heic_gimp_rgb_420_with_alpha.heic')) {
    const s = await decodeHeif(readFileSync(sample('heic_gimp_rgb_420_with_alpha.heic')), { maxPixels: 1e8 });
    assert.equal(s.hasAlpha, true);
    const near = (got: number[], want: number[]) => assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 6), `${got} vs ${want}`);
    near(mean(s, 40, 25, 6), [255, 0, 0, 255]); // red, top left
    near(mean(s, 390, 25, 6), [255, 255, 0, 255]); // yellow, top right
    near(mean(s, 40, 405, 6), [0, 0, 255, 255]); // blue, bottom left
    near(mean(s, 390, 405, 6), [0, 255, 255, 255]); // cyan, bottom right
    assert.equal(px(s, 215, 215)[3], 0); // a transparent disc in the middle
  }
  if (have('heic_iphone_telephoto_with_scaling_list.heic')) {
    // A partial solar eclipse in an orange sky: bright crescent in the middle, sky orange.
    const s = await decodeHeif(readFileSync(sample('heic_iphone_telephoto_with_scaling_list.heic')), { maxPixels: 1e8 });
    const sky = mean(s, 1200, 1500, 40);
    assert.ok(sky[0]! > sky[1]! + 40 && sky[1]! > sky[2]!, `orange sky: ${sky}`);
  }
  if (have('heic_grid_960x640.heic')) {
    // Four photos in a 2x2 grid: the tiles are all there (none left black).
    const s = await decodeHeif(readFileSync(sample('heic_grid_960x640.heic')), { maxPixels: 1e8 });
    for (const [x, y] of [[240, 160], [720, 160], [240, 480], [720, 480]] as const) assert.ok(mean(s, x, y, 100).slice(0, 3).some((v) => v > 30), `tile at ${x},${y}`);
  }
});

test('real HEIC: refused before decoding when over the pixel limit; truncated copies are corrupt', async (t) => {
  if (!have('heic_grid_960x640.heic')) return t.skip(`${PHOTOS} not present (real sample photos are optional)`);
  const data = readFileSync(sample('heic_grid_960x640.heic'));
  await assert.rejects(decodeHeif(data, { maxPixels: 10 }), isCoded('TOO_MANY_PIXELS', /960x640 = 614400 pixels/));
  for (const frac of [0.05, 0.6, 0.999]) await assert.rejects(decodeHeif(data.subarray(0, Math.floor(data.length * frac)), { maxPixels: 1e8 }), isCoded('CORRUPT_INPUT'));
});

test('real HEIC: repeated decodes do not leak wasm memory', async (t) => {
  if (!have('heic_grid_960x640.heic')) return t.skip(`${PHOTOS} not present (real sample photos are optional)`);
  const data = readFileSync(sample('heic_grid_960x640.heic'));
  for (let i = 0; i < 3; i++) await decodeHeif(data, { maxPixels: 1e8 });
  const before = libheif().HEAPU8.length;
  for (let i = 0; i < 15; i++) await decodeHeif(data, { maxPixels: 1e8 }); // would leak ≥ 2.4 MB each
  assert.equal(libheif().HEAPU8.length, before);
});

test('HEIC decoding runs on its own thread: coded errors come back, and a time limit holds', async () => {
  const { decodeHeifInThread } = await import('../../src/engine/heif/decode-in-thread.js');
  const { StillmotionError: SE } = await import('../../src/errors.js');
  const junk = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(12), Buffer.alloc(100, 0x55)]);
  await assert.rejects(decodeHeifInThread(junk, { maxPixels: 1e8 }), (e: unknown) => e instanceof SE && e.kind === 'CORRUPT_INPUT');
  await assert.rejects(decodeHeifInThread(junk, { maxPixels: 1e8, timeoutMs: 1 }), (e: unknown) => e instanceof SE && (e.kind === 'TIMEOUT' || e.kind === 'CORRUPT_INPUT'));
});

test('a HEIC\'s upright size is read without decoding it, and the pixel limit still holds', async (t) => {
  if (!have('heic_iphone_rotated_and_mirrored.heic')) return t.skip('real sample photos are optional (STILLMOTION_PHOTOS)');
  const { probeStillSize } = await import('../../src/engine/input/load-still.js');
  const { StillmotionError: SE } = await import('../../src/errors.js');
  // Stored 3088x2316 with irot 90: upright 2316x3088, as the full decode gives.
  assert.deepEqual(await probeStillSize(sample('heic_iphone_rotated_and_mirrored.heic'), { maxImageBytes: 5e7, maxPixels: 2e8 }), { width: 2316, height: 3088 });
  assert.deepEqual(await probeStillSize(sample('heic_samsung_a71.heic'), { maxImageBytes: 5e7, maxPixels: 2e8 }), { width: 4624, height: 3468 });
  await assert.rejects(probeStillSize(sample('heic_samsung_a71.heic'), { maxImageBytes: 5e7, maxPixels: 1000 }), (e: unknown) => e instanceof SE && e.kind === 'TOO_MANY_PIXELS');
});
