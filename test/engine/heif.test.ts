import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeHeif, isHeif, toSrgb } from '../../src/engine/heif/index.js';
import { primaryColour } from '../../src/engine/heif/colr.js';
import { openStill } from '../../src/engine/input/load-still.js';
import { StillmotionError } from '../../src/errors.js';

const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
};
const full = (v: number) => Buffer.from([v, 0, 0, 0]);
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));

// Real phone files are optional: a user's clone has no corpus.
const corpus = process.env.STILLMOTION_PHOTOS ? `${process.env.STILLMOTION_PHOTOS.replace(/\/$/, '')}/` : '';
const sample = (name: string) => `${corpus}${name}`;

test('HEIF is recognised by its brands, AVIF is not HEIF', () => {
  assert.equal(isHeif(ftyp), true);
  assert.equal(isHeif(box('ftyp', Buffer.from('avif'), u32(0), Buffer.from('mif1avif'))), false);
  assert.equal(isHeif(Buffer.from('not a heif at all')), false);
});

test('the primary item\'s colour box is found: ICC wins over nclx, another item\'s box is ignored', () => {
  const icc = Buffer.concat([Buffer.alloc(36), Buffer.from('acsp'), Buffer.alloc(20, 7)]);
  const colrIcc = box('colr', Buffer.from('prof'), icc);
  const colrNclx = box('colr', Buffer.from('nclx'), u16(12), u16(13), u16(6), Buffer.from([0x80]));
  const colrOther = box('colr', Buffer.from('nclx'), u16(9), u16(16), u16(9), Buffer.from([0]));
  const ipco = box('ipco', colrNclx, colrIcc, colrOther);
  // item 1 (primary) → properties 1, 2; item 2 → property 3.
  const ipma = box('ipma', full(0), u32(2), u16(1), Buffer.from([2, 1, 2]), u16(2), Buffer.from([1, 3]));
  const meta = box('meta', full(0), box('pitm', full(0), u16(1)), box('iprp', ipco, ipma));
  const c = primaryColour(Buffer.concat([ftyp, meta]));
  assert.deepEqual(c.icc, icc);
  assert.deepEqual(c.nclx, { primaries: 12, transfer: 13, matrix: 6, fullRange: true });
  const onlyOther = primaryColour(Buffer.concat([ftyp, box('meta', full(0), box('pitm', full(0), u16(2)), box('iprp', ipco, ipma))]));
  assert.equal(onlyOther.icc, null);
  assert.equal(onlyOther.nclx?.primaries, 9);
  assert.deepEqual(primaryColour(Buffer.from('garbage')), { icc: null, nclx: null });
});

test('pixels in a Display P3 profile are converted to sRGB', async () => {
  const p3jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 255, g: 0, b: 0 } } }).withIccProfile('p3', { attach: true }).jpeg({ quality: 100 }).toBuffer();
  const icc = (await sharp(p3jpeg).metadata()).icc!;
  const p3values = await sharp(p3jpeg).keepIccProfile().ensureAlpha().raw().toBuffer();
  assert.ok(p3values[0]! < 245, 'P3 encoding of sRGB red is not (255,0,0)');
  for (const profile of [icc, 'p3'] as const) {
    const out = await toSrgb(p3values, 4, 4, profile);
    assert.ok(out[0]! > 248 && out[1]! < 12 && out[2]! < 12, `back to sRGB red: ${[...out.subarray(0, 4)]}`);
  }
});

test('corrupt, truncated and oversized HEIC files get coded errors', async () => {
  const garbage = Buffer.concat([ftyp, Buffer.alloc(200, 0x55)]);
  await assert.rejects(decodeHeif(garbage, { maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT');
  await assert.rejects(openStill(garbage, { maxBytes: 1e8, maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT');
  const real = sample('heic_grid_960x640.heic');
  if (!corpus || !existsSync(real)) return;
  const data = readFileSync(real);
  await assert.rejects(decodeHeif(data, { maxPixels: 10 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'TOO_MANY_PIXELS' && /960x640/.test(e.message));
  await assert.rejects(decodeHeif(data.subarray(0, Math.floor(data.length * 0.6)), { maxPixels: 1e8 }), (e: unknown) => e instanceof StillmotionError && e.kind === 'CORRUPT_INPUT');
});

test('real phone HEIC files decode upright, whole and in colour (when the sample corpus is present)', async (t) => {
  if (!corpus || !existsSync(corpus)) {
    t.skip('set STILLMOTION_PHOTOS to a folder of real phone photos to run this');
    return;
  }
  const expect: Record<string, [number, number]> = {
    'heic_iphone_rotated_and_mirrored.heic': [2316, 3088],
    'heic_iphone_iOS18_tmap_MatteMaps.heic': [4284, 5712],
    'heic_iphone_telephoto_with_scaling_list.heic': [3024, 4032],
    'heic_samsung_a71.heic': [4624, 3468],
    'heic_grid_960x640.heic': [960, 640],
    'heic_gimp_rgb_420_with_alpha.heic': [430, 430],
  };
  for (const [name, size] of Object.entries(expect)) {
    const s = await openStill(sample(name), { maxBytes: 50e6, maxPixels: 2e8 });
    assert.equal(s.source.type, 'heif');
    assert.deepEqual([s.source.width, s.source.height], size, name);
    assert.equal(s.input.kind, 'raw');
    if (s.input.kind !== 'raw') continue;
    // Not blank: the picture has real variation.
    let lo = 255, hi = 0;
    for (let i = 0; i < s.input.data.length; i += 4 * 997) { lo = Math.min(lo, s.input.data[i]!); hi = Math.max(hi, s.input.data[i]!); }
    assert.ok(hi - lo > 40, `${name} looks blank`);
  }
  const alpha = await openStill(sample('heic_gimp_rgb_420_with_alpha.heic'), { maxBytes: 50e6, maxPixels: 2e8 });
  assert.equal(alpha.source.hasAlpha, true);
});
