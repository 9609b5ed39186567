import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeRgb, openStill } from '../../src/engine/input/load-still.js';
import { sniff } from '../../src/engine/input/sniff.js';
import { StillmotionError } from '../../src/errors.js';
import { markerRgb, orientedJpeg, tempDir } from '../support/fixtures.js';

const limits = { maxImageBytes: 50 * 1024 * 1024, maxPixels: 200_000_000 };
const tmp = tempDir();
test.after(() => tmp.remove());

const px = (rgb: { data: Buffer; width: number }, x: number, y: number) => [...rgb.data.subarray((y * rgb.width + x) * 3, (y * rgb.width + x) * 3 + 3)];
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

const rejects = async (p: Promise<unknown>, kind: string, re?: RegExp) => {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StillmotionError, `not coded: ${e}`);
    assert.equal(e.kind, kind);
    if (re) assert.match(e.message, re);
    return true;
  });
};

test('type is decided by content: every accepted image type, whatever its name', async () => {
  const img = sharp(markerRgb(64, 48), { raw: { width: 64, height: 48, channels: 3 } });
  const files: Record<string, Buffer> = {
    jpeg: await img.clone().jpeg().toBuffer(),
    png: await img.clone().png().toBuffer(),
    webp: await img.clone().webp().toBuffer(),
    tiff: await img.clone().tiff().toBuffer(),
    gif: await img.clone().gif().toBuffer(),
    avif: await img.clone().avif().toBuffer(),
  };
  for (const [type, data] of Object.entries(files)) {
    assert.equal(sniff(data)?.type, type);
    // Named as something else: still read by content.
    const p = tmp.path(`lying-${type}.txt`);
    writeFileSync(p, data);
    const s = await openStill(p, limits);
    assert.equal(s.source.type, type);
    assert.equal(s.source.width, 64);
    assert.equal(s.source.height, 48);
    const rgb = await decodeRgb(s, 64, 48, [0, 0, 0]);
    assert.ok(near(px(rgb, 2, 2), [230, 20, 20], 40), `${type}: marker ${px(rgb, 2, 2)}`);
    assert.ok(near(px(rgb, 50, 40), [40, 90, 200], 40), `${type}: fill ${px(rgb, 50, 40)}`);
  }
});

test('EXIF orientation is applied exactly once for all eight tags', async () => {
  for (let o = 1; o <= 8; o++) {
    const p = await orientedJpeg(tmp.path(`o${o}.jpg`), 90, 60, o);
    const s = await openStill(p, limits);
    assert.equal(s.source.orientation, o);
    assert.deepEqual([s.source.width, s.source.height], [90, 60], `orientation ${o}: upright size`);
    const rgb = await decodeRgb(s, 90, 60, [0, 0, 0]);
    assert.ok(near(px(rgb, 3, 3), [230, 20, 20], 40), `orientation ${o}: marker not top-left (${px(rgb, 3, 3)})`);
    assert.ok(near(px(rgb, 86, 56), [40, 90, 200], 40), `orientation ${o}: bottom-right ${px(rgb, 86, 56)}`);
  }
});

test('colours are converted to sRGB through the embedded profile (Display P3, CMYK, grayscale)', async () => {
  const red = { width: 16, height: 16, channels: 3 as const, background: { r: 255, g: 0, b: 0 } };
  const p3 = await sharp({ create: red }).withIccProfile('p3', { attach: true }).jpeg({ quality: 100 }).toBuffer();
  const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
  assert.ok(stored[0]! < 245 && stored[1]! > 25, 'fixture holds P3 values');
  const s = await openStill(p3, limits);
  const rgb = await decodeRgb(s, 16, 16, [0, 0, 0]);
  assert.ok(near(px(rgb, 8, 8), [255, 0, 0], 8), `P3 red back to sRGB red: ${px(rgb, 8, 8)}`);

  const cmyk = await sharp({ create: { ...red, background: { r: 200, g: 60, b: 40 } } }).toColourspace('cmyk').jpeg().toBuffer();
  const c = await decodeRgb(await openStill(cmyk, limits), 16, 16, [0, 0, 0]);
  assert.ok(near(px(c, 8, 8), [200, 60, 40], 30), `CMYK: ${px(c, 8, 8)}`);

  const gray = await sharp({ create: { ...red, background: { r: 120, g: 120, b: 120 } } }).grayscale().jpeg().toBuffer();
  const g = await decodeRgb(await openStill(gray, limits), 16, 16, [0, 0, 0]);
  assert.equal(g.data.length, 16 * 16 * 3);
  assert.ok(near(px(g, 8, 8), [120, 120, 120], 4));
});

test('16-bit PNG with alpha is flattened onto the background; progressive and 4:4:4 JPEG read', async () => {
  const rgba = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < 32 * 32; i++) rgba.set(i % 32 < 16 ? [255, 255, 255, 0] : [0, 200, 0, 255], i * 4);
  const png16 = await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } }).toColourspace('rgb16').png().toBuffer();
  const s = await openStill(png16, limits);
  assert.ok(s.source.hasAlpha);
  const rgb = await decodeRgb(s, 32, 32, [10, 20, 30]);
  assert.ok(near(px(rgb, 4, 4), [10, 20, 30], 2), `transparent → background: ${px(rgb, 4, 4)}`);
  assert.ok(near(px(rgb, 28, 4), [0, 200, 0], 3));
  for (const opts of [{ progressive: true }, { chromaSubsampling: '4:4:4' }]) {
    const j = await sharp(markerRgb(40, 40), { raw: { width: 40, height: 40, channels: 3 } }).jpeg(opts).toBuffer();
    const d = await decodeRgb(await openStill(j, limits), 40, 40, [0, 0, 0]);
    assert.ok(near(px(d, 2, 2), [230, 20, 20], 40));
  }
});

test('a 1x1 image opens; shrink-on-load gives the asked size', async () => {
  const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#336699' } }).png().toBuffer();
  const s = await openStill(one, limits);
  assert.deepEqual([s.source.width, s.source.height], [1, 1]);
  const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const d = await decodeRgb(await openStill(big, limits), 400, 300, [0, 0, 0]);
  assert.deepEqual([d.width, d.height, d.data.length], [400, 300, 400 * 300 * 3]);
});

test('animated GIF uses the first frame and says so', async () => {
  const frames = Buffer.concat([markerRgb(20, 20, [0, 0, 255]), markerRgb(20, 20, [0, 255, 0])]);
  const gif = await sharp(frames, { raw: { width: 20, height: 40, channels: 3, pageHeight: 20 } as never }).gif().toBuffer();
  const s = await openStill(gif, limits);
  assert.equal(s.source.frames, 2);
  assert.equal(s.source.height, 20);
  assert.match(s.source.notes.join(' '), /first frame/);
  const d = await decodeRgb(s, 20, 20, [0, 0, 0]);
  assert.ok(near(px(d, 15, 15), [0, 0, 255], 40), `first frame is the blue one: ${px(d, 15, 15)}`);
});

test('bad input gets coded errors', async () => {
  await rejects(openStill(Buffer.from('hello, this is not an image at all'), limits), 'UNSUPPORTED_TYPE', /not an image/);
  const e = await openStill(Buffer.from('x'), limits).catch((x: StillmotionError) => x);
  assert.ok(e instanceof StillmotionError && Array.isArray(e.details.accepted), 'lists accepted types');
  const mp3 = Buffer.concat([Buffer.from('ID3'), Buffer.alloc(100)]);
  await rejects(openStill(mp3, limits), 'UNSUPPORTED_TYPE', /mp3 audio/);
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#123456' } }).jpeg().toBuffer();
  await rejects(openStill(jpeg, { ...limits, maxImageBytes: 100 }), 'FILE_TOO_LARGE', /limit is/);
  await rejects(openStill(jpeg, { ...limits, maxPixels: 1000 }), 'TOO_MANY_PIXELS', /300x200/);
  const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
  await rejects((async () => { const s = await openStill(truncated, limits); await decodeRgb(s, 300, 200, [0, 0, 0]); })(), 'CORRUPT_INPUT');
  await rejects(openStill(Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2, 3]), limits), 'CORRUPT_INPUT');
  await rejects(openStill(tmp.path('missing.jpg'), limits), 'INPUT_NOT_FOUND');
  const big = tmp.path('big.bin');
  writeFileSync(big, Buffer.alloc(2048));
  await rejects(openStill(big, { ...limits, maxImageBytes: 1024 }), 'FILE_TOO_LARGE', /2\.0 KB|0\.0 MB/);
});
