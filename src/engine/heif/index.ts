/**
 * HEIC/HEIF decoding through libheif compiled to WebAssembly (prebuilt sharp has no HEVC decoder).
 * The primary image of multi-image files; tile grids decode whole; container rotation and
 * mirroring (irot/imir) are applied by libheif exactly once (EXIF orientation inside a HEIF is
 * ignored, as the format requires); the embedded colour profile (ICC, or nclx Display P3) is
 * converted to sRGB through libvips. Silent: failures are coded errors, never console output.
 */
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { StillmotionError } from '../../errors.js';
import { ftypBrands } from '../input/sniff.js';
import { primaryColour, truncatedItems } from './colr.js';

const require = createRequire(import.meta.url);

export interface HeifStill {
  readonly width: number;
  readonly height: number;
  /** 8-bit RGBA, upright, in sRGB. */
  readonly data: Buffer;
  readonly hasAlpha: boolean;
  readonly imageCount: number;
  readonly primaryIndex: number;
  readonly colour: 'icc' | 'nclx-p3' | 'nclx' | 'none';
  readonly notes: readonly string[];
}

const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];

export const isHeif = (buf: Uint8Array): boolean => {
  const b = ftypBrands(buf);
  return !!b && b.some((x) => HEIF_BRANDS.includes(x)) && !(b[0] === 'avif' || b[0] === 'avis');
};

/* eslint-disable @typescript-eslint/no-explicit-any */
type Lib = any;
let lib: Lib | null = null;
const libheif = (): Lib => (lib ??= require('libheif-js/wasm-bundle'));

const corrupt = (why: string) =>
  new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${why}`, { hint: 'the file may be truncated or damaged: export or download it again' });

/** RGBA in a colour space described by an ICC profile (or P3) → RGBA in sRGB, through libvips. */
let p3Profile: Promise<Buffer> | null = null;
/** libvips' built-in Display P3 profile, as bytes. */
const displayP3 = (): Promise<Buffer> =>
  (p3Profile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('p3', { attach: true }).png().toBuffer()
    .then(async (b) => (await sharp(b).metadata()).icc!));

export const toSrgb = async (rgba: Buffer, w: number, h: number, icc: Buffer | 'p3'): Promise<Buffer> => {
  // A minimal uncompressed TIFF carries the pixels; its profile tag is pointed at the photo's own
  // profile, then libvips reads the pixels in that profile and converts them to sRGB.
  const tiff = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
    .withIccProfile('srgb', { attach: true })
    .tiff({ compression: 'none' })
    .toBuffer();
  const withProfile = await replaceIcc(tiff, icc === 'p3' ? await displayP3() : icc);
  return sharp(withProfile).toColourspace('srgb').ensureAlpha().raw().toBuffer();
};

/**
 * Swap the ICC profile of a TIFF made by sharp for the photo's own: keeps the pixel values as they
 * are (attaching through sharp would convert them) and lets libvips read them in that profile.
 */
const replaceIcc = async (tiff: Buffer, icc: Buffer): Promise<Buffer> => {
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (u16(e) === 34675) {
      // Point the ICC tag at a copy of the photo's profile appended to the file.
      const out = Buffer.concat([tiff, Buffer.alloc(tiff.length % 2), icc]);
      const off = tiff.length + (tiff.length % 2);
      if (le) { out.writeUInt32LE(icc.length, e + 4); out.writeUInt32LE(off, e + 8); } else { out.writeUInt32BE(icc.length, e + 4); out.writeUInt32BE(off, e + 8); }
      return out;
    }
  }
  return tiff;
};

export const decodeHeif = async (buf: Uint8Array, opts: { maxPixels: number }): Promise<HeifStill> => {
  const h = libheif();
  const ctx = h.heif_context_alloc();
  if (!ctx) throw new StillmotionError('INTERNAL', 'could not create a HEIF decoder');
  const handles: number[] = [];
  try {
    if (truncatedItems(buf)) throw corrupt('the file is truncated (image data reaches past its end)');
    const r = h.heif_context_read_from_memory(ctx, buf);
    if (!r || r.code !== h.heif_error_code.heif_error_Ok) throw corrupt(r?.message ?? 'unreadable container');
    const ids = h.heif_js_context_get_list_of_top_level_image_IDs(ctx);
    if (!ids || ids.code || !ids.length) throw corrupt('no image in the file');
    let primaryIndex = 0;
    for (let i = 0; i < ids.length; i++) {
      const hd = h.heif_js_context_get_image_handle(ctx, ids[i]);
      if (!hd || hd.code) continue;
      handles.push(hd);
      if (h.heif_image_handle_is_primary_image(hd)) primaryIndex = handles.length - 1;
    }
    const handle = handles[primaryIndex];
    if (handle === undefined) throw corrupt('no decodable image');
    const w = h.heif_image_handle_get_width(handle);
    const ht = h.heif_image_handle_get_height(handle);
    if (!w || !ht) throw corrupt('image has no size');
    if (w * ht > opts.maxPixels) {
      throw new StillmotionError('TOO_MANY_PIXELS', `HEIC image is ${w}x${ht} (${((w * ht) / 1e6).toFixed(1)} MP); the decode limit is ${(opts.maxPixels / 1e6).toFixed(1)} MP`, { details: { width: w, height: ht, limit_pixels: opts.maxPixels } });
    }
    const hasAlpha = !!h.heif_image_handle_has_alpha_channel(handle);
    const colr = primaryColour(buf);
    // An ICC profile wins over nclx (libheif reports nclx when both are present); BT.709/sRGB nclx
    // needs no conversion; Display P3 (primaries 12) goes through libvips' P3 profile.
    const colour: { kind: HeifStill['colour']; icc: Buffer | null } = colr.icc && colr.icc.toString('latin1', 36, 40) === 'acsp'
      ? { kind: 'icc', icc: colr.icc }
      : colr.nclx?.primaries === 12 ? { kind: 'nclx-p3', icc: null } : { kind: colr.nclx ? 'nclx' : 'none', icc: null };
    const img = await h.heif_js_decode_image2(handle, h.heif_colorspace.heif_colorspace_RGB, h.heif_chroma.heif_chroma_interleaved_RGBA);
    if (!img || img.code) throw corrupt(img?.message ?? 'the image data could not be decoded');
    let rgba: Buffer | null = null;
    let width = w, height = ht;
    try {
      for (const c of img.channels) {
        if (c.id !== h.heif_channel.heif_channel_interleaved) continue;
        width = c.width; height = c.height;
        const src = c.data as Uint8Array;
        rgba = Buffer.alloc(width * height * 4);
        if (c.stride === width * 4) rgba.set(src.subarray(0, width * height * 4));
        else for (let y = 0; y < height; y++) rgba.set(src.subarray(y * c.stride, y * c.stride + width * 4), y * width * 4);
      }
    } finally {
      h.heif_image_release(img.image);
    }
    if (!rgba) throw corrupt('no RGBA plane');
    const notes: string[] = [];
    if (handles.length > 1) notes.push(`file holds ${handles.length} images; using the primary one`);
    let data = rgba;
    if (colour.kind === 'icc' && colour.icc) data = await toSrgb(rgba, width, height, colour.icc);
    else if (colour.kind === 'nclx-p3') data = await toSrgb(rgba, width, height, 'p3');
    return { width, height, data, hasAlpha, imageCount: handles.length, primaryIndex, colour: colour.kind, notes };
  } catch (e) {
    if (e instanceof StillmotionError) throw e;
    throw corrupt(e instanceof Error ? e.message : String(e));
  } finally {
    for (const hd of handles) h.heif_image_handle_release(hd);
    h.heif_context_free(ctx);
  }
};
