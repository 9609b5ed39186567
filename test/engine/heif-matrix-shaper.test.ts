import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayP3Icc, rgbaToSrgb } from '../../src/engine/heif/index.js';
import { applyMatrixShaper, matrixShaper } from '../../src/engine/heif/matrix-shaper.js';
import { srgbIcc } from '../../src/engine/heif/srgb.js';

/** Every colour on a grid through the cube (both ends and the darkest steps included), alpha varying. */
const colours = (): Buffer => {
  const steps = [0, 1, 2, 3, 4, 6, 9, 13, 17, 22, 28, 35, 43, 52, 62, 73, 85, 98, 112, 127, 143, 160, 178, 197, 211, 226, 240, 250, 254, 255];
  const out = Buffer.alloc(steps.length ** 3 * 4);
  let i = 0;
  for (const r of steps) for (const g of steps) for (const b of steps) {
    out.set([r, g, b, (r * 7 + g * 3 + b) & 255], i);
    i += 4;
  }
  return out;
};

/** The profile with its tag `sig` changed by `edit` (its data at `at`). */
const withTag = (icc: Buffer, sig: string, edit: (b: Buffer, at: number) => void): Buffer => {
  const b = Buffer.from(icc);
  for (let i = 0; i < b.readUInt32BE(128); i++) {
    const e = 132 + i * 12;
    if (b.toString('latin1', e, e + 4) === sig) edit(b, b.readUInt32BE(e + 4));
  }
  return b;
};

/** Display P3 turned into a different profile: other colorants, v2, plain gamma curves (ICC parametric type 0). */
const gammaProfile = async (): Promise<Buffer> => {
  let icc = await displayP3Icc();
  icc = withTag(icc, 'rXYZ', (b, at) => b.writeInt32BE(b.readInt32BE(at + 8) + 1500, at + 8));
  icc = withTag(icc, 'bXYZ', (b, at) => b.writeInt32BE(b.readInt32BE(at + 16) - 900, at + 16));
  for (const [sig, gamma] of [['rTRC', 2.2], ['gTRC', 1.8], ['bTRC', 2.6]] as const) {
    icc = withTag(icc, sig, (b, at) => {
      b.writeUInt16BE(0, at + 8);
      b.writeInt32BE(Math.round(gamma * 65536), at + 12);
    });
  }
  icc[8] = 2;
  icc[9] = 0x40;
  return icc;
};

test('a matrix-shaper profile is converted to sRGB with the bytes libvips (lcms) gives, alpha kept', async () => {
  const srgb = await srgbIcc();
  const px = colours();
  const n = px.length / 4;
  for (const [name, icc] of [['Display P3', await displayP3Icc()], ['sRGB', srgb], ['gamma curves, other colorants, v2', await gammaProfile()]] as const) {
    const t = matrixShaper(icc, srgb);
    assert.ok(t, name);
    const want = await rgbaToSrgb(px, n, 1, icc);
    // Converted as a rectangle inside a wider picture: two rows of n/2, each followed by two pixels left alone.
    const w = n / 2, stride = w + 2;
    const src = new Uint32Array(px.buffer, px.byteOffset, n);
    const pic = new Uint32Array(stride * 2).fill(0x12345678);
    pic.set(src.subarray(0, w), 0);
    pic.set(src.subarray(w), stride);
    applyMatrixShaper(t, pic, 0, w, 2, stride);
    assert.deepEqual([pic[w], pic[w + 1], pic[stride + w], pic[stride + w + 1]], Array(4).fill(0x12345678), `${name}: outside the rectangle`);
    const mine = Buffer.alloc(n * 4);
    mine.set(Buffer.from(pic.buffer, 0, w * 4), 0);
    mine.set(Buffer.from(pic.buffer, stride * 4, w * 4), w * 4);
    let differ = 0;
    for (let i = 0; i < mine.length; i++) if (mine[i] !== want[i]) differ++;
    assert.equal(differ, 0, `${name}: ${differ} bytes differ from lcms`);
  }
});

test('profiles lcms does not treat as a plain matrix-shaper are left to libvips', async () => {
  const p3 = await displayP3Icc();
  const srgb = await srgbIcc();
  // A LUT tag takes precedence over the matrix in lcms.
  assert.equal(matrixShaper(renamed(p3, 'cprt', 'A2B0'), srgb), null);
  // A sampled curve, a parametric type other than 0 and 3, a CMYK profile, junk.
  assert.equal(matrixShaper(withTag(p3, 'gTRC', (b, at) => b.write('curv', at, 'latin1')), srgb), null);
  assert.equal(matrixShaper(withTag(p3, 'gTRC', (b, at) => b.writeUInt16BE(4, at + 8)), srgb), null);
  const cmyk = Buffer.from(p3);
  cmyk.write('CMYK', 16, 'latin1');
  assert.equal(matrixShaper(cmyk, srgb), null);
  assert.equal(matrixShaper(Buffer.alloc(200), srgb), null);
  assert.equal(matrixShaper(p3.subarray(0, 300), srgb), null);
});

/** The profile with tag `from`'s signature changed to `to` (its data unchanged). */
const renamed = (icc: Buffer, from: string, to: string): Buffer => {
  const b = Buffer.from(icc);
  for (let i = 0; i < b.readUInt32BE(128); i++) {
    const e = 132 + i * 12;
    if (b.toString('latin1', e, e + 4) === from) b.write(to, e, 'latin1');
  }
  return b;
};
