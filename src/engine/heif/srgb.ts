/**
 * RGBA pixels in the colour space of an ICC profile → RGBA in sRGB, through libvips (lcms).
 *
 * sharp has no way to say "these raw pixels are in profile X", so the pixels travel in a minimal
 * uncompressed TIFF that carries the profile (tag 34675); sharp reads it, converts from the
 * embedded profile to sRGB and hands back raw RGBA. The TIFF is built around the pixels in one
 * buffer: the decoder writes the pixels straight after the header, so nothing large is copied.
 */
// sharp loads on first use: the HEIC decode thread imports this file but never converts colours
// (the caller does), and loading sharp there cost ~170 ms of CPU per thread.
const sharpLib = async () => (await import('sharp')).default;

const ENTRIES = 12;
const IFD_AT = 8;
const IFD_BYTES = 2 + ENTRIES * 12 + 4;
const BPS_AT = IFD_AT + IFD_BYTES;
const ICC_AT = BPS_AT + 8;

/** Bytes before the pixels in a TIFF carrying this profile (a multiple of 4, so pixels can be written as u32). */
export const tiffHeaderBytes = (icc: Uint8Array): number => (ICC_AT + icc.length + 3) & ~3;

/**
 * Fill `buf[0, tiffHeaderBytes(icc))` with a little-endian baseline TIFF header for a single strip
 * of `width`x`height` 8-bit RGBA (unassociated alpha) starting right after it.
 */
export const writeTiffHeader = (buf: Buffer, width: number, height: number, icc: Uint8Array): void => {
  const pixelsAt = tiffHeaderBytes(icc);
  const pixelBytes = width * height * 4;
  if (pixelsAt + pixelBytes > 0xffffffff) throw new RangeError('image too large for a TIFF wrapper');
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(IFD_AT, 4);
  buf.writeUInt16LE(ENTRIES, IFD_AT);
  const SHORT = 3, LONG = 4, UNDEFINED = 7;
  const tags: Array<[number, number, number, number]> = [
    [256, LONG, 1, width], // ImageWidth
    [257, LONG, 1, height], // ImageLength
    [258, SHORT, 4, BPS_AT], // BitsPerSample 8,8,8,8 (stored out of line)
    [259, SHORT, 1, 1], // Compression: none
    [262, SHORT, 1, 2], // PhotometricInterpretation: RGB
    [273, LONG, 1, pixelsAt], // StripOffsets
    [277, SHORT, 1, 4], // SamplesPerPixel
    [278, LONG, 1, height], // RowsPerStrip
    [279, LONG, 1, pixelBytes], // StripByteCounts
    [284, SHORT, 1, 1], // PlanarConfiguration: chunky
    [338, SHORT, 1, 2], // ExtraSamples: unassociated alpha
    [34675, UNDEFINED, icc.length, ICC_AT], // ICC profile
  ];
  tags.forEach(([tag, type, count, value], i) => {
    const e = IFD_AT + 2 + i * 12;
    buf.writeUInt16LE(tag, e);
    buf.writeUInt16LE(type, e + 2);
    buf.writeUInt32LE(count, e + 4);
    if (type === SHORT && count === 1) {
      buf.writeUInt16LE(value, e + 8);
      buf.writeUInt16LE(0, e + 10);
    } else buf.writeUInt32LE(value, e + 8);
  });
  buf.writeUInt32LE(0, IFD_AT + 2 + ENTRIES * 12); // no next IFD
  for (let i = 0; i < 4; i++) buf.writeUInt16LE(8, BPS_AT + i * 2);
  buf.set(icc, ICC_AT);
  buf.fill(0, ICC_AT + icc.length, pixelsAt);
};

/** Convert a TIFF made by writeTiffHeader (+ pixels) to sRGB RGBA. */
export const tiffToSrgb = async (tiff: Buffer, width: number, height: number): Promise<Buffer> => {
  const sharp = await sharpLib();
  const { data, info } = await sharp(tiff, { limitInputPixels: false, sequentialRead: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 4) {
    throw new Error(`colour conversion returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x4`);
  }
  return data;
};

/** RGBA in the colour space of `icc` → RGBA in sRGB (a convenience for tests and one-off calls). */
export const rgbaToSrgb = async (rgba: Uint8Array, width: number, height: number, icc: Uint8Array): Promise<Buffer> => {
  const at = tiffHeaderBytes(icc);
  const tiff = Buffer.allocUnsafe(at + width * height * 4);
  writeTiffHeader(tiff, width, height, icc);
  tiff.set(rgba.subarray(0, width * height * 4), at);
  return tiffToSrgb(tiff, width, height);
};

const builtin = new Map<'p3' | 'srgb', Promise<Buffer>>();
/** One of libvips' built-in profiles, as ICC bytes (read once). */
const builtinProfile = (name: 'p3' | 'srgb'): Promise<Buffer> => {
  let p = builtin.get(name);
  if (!p) {
    p = sharpLib().then((sharp) => sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .withIccProfile(name, { attach: true })
      .png()
      .toBuffer()
      .then(async (png) => {
        const icc = (await sharp(png).metadata()).icc;
        if (!icc) throw new Error(`sharp did not attach its ${name} profile`);
        return icc;
      }));
    p.catch(() => builtin.delete(name));
    builtin.set(name, p);
  }
  return p;
};

/** libvips' built-in Display P3 profile (P3 primaries, D65, sRGB transfer curve), as ICC bytes. */
export const displayP3Icc = (): Promise<Buffer> => builtinProfile('p3');

/** libvips' built-in sRGB profile: the one `tiffToSrgb` converts to. */
export const srgbIcc = (): Promise<Buffer> => builtinProfile('srgb');
