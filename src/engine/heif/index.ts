/**
 * HEIC/HEIF decoding (prebuilt sharp has no HEVC decoder). The primary image's HEVC tiles go to
 * ffmpeg's native decoder (multi-threaded; ./decode-ffmpeg.ts) when the file is of the common kind
 * (./hevc-plan.ts says which); everything else, and anything ffmpeg stumbles on, goes to libheif
 * compiled to WebAssembly. Both give the same picture: same size, orientation, colour handling
 * and YCbCr → RGB arithmetic.
 *
 * - The primary image of multi-image files (bursts, files with depth/matte/gain-map images).
 * - Tile grids decode whole (libheif assembles them).
 * - Container rotation and mirroring (irot/imir) are applied once, by libheif; EXIF orientation
 *   inside a HEIF is ignored, as the format requires, so callers must not rotate again.
 * - Colours are converted to sRGB through the embedded profile: an ICC profile via lcms (libvips),
 *   an nclx box with Display P3 primaries via libvips' built-in P3 profile; BT.709/sRGB as is. On
 *   ffmpeg's path a matrix-shaper profile (what phones write) is converted here instead, tile by
 *   tile, with lcms' own tables and arithmetic (./matrix-shaper.ts): the same bytes.
 * - The pixel limit is enforced from the header, before anything is decoded.
 * - Failures are coded StillmotionErrors, never raw wasm exceptions; nothing is printed.
 */
import { StillmotionError } from '../../errors.js';
import { ftypBrands, primaryProps, truncatedItems, type Nclx, type PrimaryProps } from './bmff.js';
import { decodeWithFfmpeg, FfmpegDecodeFailed } from './decode-ffmpeg.js';
import { planHevc } from './hevc-plan.js';
import { readItems } from './items.js';
import { placement } from './yuv-rgba.js';
import {
  AUX_FILTER_OMIT_ALPHA,
  CHANNEL_INTERLEAVED,
  CHROMA_INTERLEAVED_RGBA,
  COLORSPACE_RGB,
  ERROR_MEMORY_ALLOCATION,
  ERROR_UNSUPPORTED_FEATURE,
  ERROR_UNSUPPORTED_FILETYPE,
  LibheifError,
  SUBERROR_NO_MATCHING_DECODER,
  SUBERROR_SECURITY_LIMIT,
  SUBERROR_UNSUPPORTED_CODEC,
  SUBERROR_UNSUPPORTED_IMAGE_TYPE,
  Scope,
  dropLibheif,
  fourcc,
  libheif,
} from './libheif.js';
import { matrixShaper, type MatrixShaper } from './matrix-shaper.js';
import { displayP3Icc, srgbIcc, tiffHeaderBytes, tiffToSrgb, writeTiffHeader } from './srgb.js';

export { rgbaToSrgb, displayP3Icc } from './srgb.js';
export { primaryProps, ftypBrands } from './bmff.js';

export interface HeifColour {
  /** Where the colour description came from: an ICC profile, an nclx box, or nothing (assumed sRGB). */
  readonly kind: 'icc' | 'nclx' | 'none';
  /** ICC profile description, or a short name of the nclx primaries. */
  readonly description: string;
  /** Whether pixels were converted to sRGB (false when they already were, or could not be). */
  readonly converted: boolean;
  readonly nclx?: Nclx;
}

export interface HeifStill {
  readonly width: number;
  readonly height: number;
  /** 8-bit RGBA, width*height*4 bytes, upright (irot/imir applied), in sRGB; alpha not premultiplied. */
  readonly data: Buffer;
  readonly hasAlpha: boolean;
  /** Every image the file holds: top-level images plus their thumbnails and auxiliary images (depth, matte, gain map), not counting an alpha plane. */
  readonly imageCount: number;
  /** Index of the primary image among the file's top-level images. */
  readonly primaryIndex: number;
  readonly notes: string[];
  /** How the colours were read and converted (extra detail for logs; the pixels are already sRGB). */
  readonly colour: HeifColour;
  /** Which decoder made the pixels: ffmpeg's HEVC decoder, or libheif (WebAssembly). */
  readonly decoder: 'ffmpeg' | 'libheif';
  /** The picture is the image reduced by this factor (1 unless `atLeast` allowed less; see DecodeHeifOptions). */
  readonly scale?: number;
  /** The image's own upright size (the picture's when `scale` is 1). */
  readonly imageWidth?: number;
  readonly imageHeight?: number;
}

const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set([...HEVC_BRANDS, 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/**
 * An ISO-BMFF file whose `ftyp` names a HEIF brand. AVIF also lists mif1/msf1, so a file that
 * names avif/avis counts as HEIF only if it also names an HEVC brand (AVIF goes to sharp).
 */
export const isHeif = (buf: Uint8Array): boolean => {
  const brands = ftypBrands(buf);
  if (!brands) return false;
  if (brands.some((b) => HEVC_BRANDS.has(b))) return true;
  return brands.some((b) => HEIF_BRANDS.has(b)) && !brands.some((b) => AVIF_BRANDS.has(b));
};

const HINT_CORRUPT = 'the file may be truncated or damaged: export or download it again';
const corrupt = (why: string, details: Record<string, unknown> = {}, cause?: unknown) =>
  new StillmotionError('CORRUPT_INPUT', `HEIC could not be decoded: ${why}`, { hint: HINT_CORRUPT, details, cause });

const fmtPixels = (n: number): string => `${n} pixels${n >= 1e6 ? ` (${(n / 1e6).toFixed(1)} MP)` : ''}`;

/** Turn anything thrown while libheif was working into a coded error. */
const classify = (e: unknown, size: { width: number; height: number } | null): StillmotionError => {
  if (e instanceof StillmotionError) return e;
  if (e instanceof LibheifError) {
    const { code, subcode, message } = e.err;
    const details = { libheif_code: code, libheif_subcode: subcode, libheif_message: message };
    if (code === ERROR_UNSUPPORTED_FILETYPE || (code === ERROR_UNSUPPORTED_FEATURE && [SUBERROR_NO_MATCHING_DECODER, SUBERROR_UNSUPPORTED_CODEC, SUBERROR_UNSUPPORTED_IMAGE_TYPE].includes(subcode)) || subcode === SUBERROR_NO_MATCHING_DECODER) {
      return new StillmotionError('UNSUPPORTED_TYPE', `this HEIF file cannot be decoded here: ${e.message}`, { hint: 'convert it to JPEG or PNG first', details, cause: e });
    }
    if (code === ERROR_MEMORY_ALLOCATION) {
      return new StillmotionError('TOO_MANY_PIXELS', `the HEIC decoder ran out of memory${size ? ` on a ${size.width}x${size.height} image` : ''}`, { details, cause: e });
    }
    if (subcode === SUBERROR_SECURITY_LIMIT) return corrupt(`the file exceeds the decoder's safety limits (${message})`, details, e);
    return corrupt(e.message, details, e);
  }
  // Anything else came out of the WebAssembly module itself (a trap or an abort): its memory can no
  // longer be trusted, so the next decode gets a fresh instance.
  dropLibheif();
  const msg = e instanceof Error ? e.message : String(e);
  return corrupt(`the decoder stopped on damaged image data (${msg})`, {}, e);
};

const AUX_NAMES: Array<[RegExp, string]> = [
  [/hdrgainmap|gainmap/i, 'HDR gain map'],
  [/skinmatte/i, 'skin matte'],
  [/hairmatte/i, 'hair matte'],
  [/teethmatte/i, 'teeth matte'],
  [/glassesmatte/i, 'glasses matte'],
  [/portraiteffectsmatte/i, 'portrait matte'],
  [/skymatte/i, 'sky matte'],
  [/linearthumbnail/i, 'linear thumbnail'],
  [/styledeltamap/i, 'style delta map'],
  [/depth|auxid:2$|disparity/i, 'depth map'],
];
const auxName = (urn: string): string => AUX_NAMES.find(([re]) => re.test(urn))?.[1] ?? (urn.split(':').pop() || 'unknown');

const NCLX_PRIMARIES: Record<number, string> = { 1: 'BT.709/sRGB', 2: 'unspecified', 9: 'BT.2020', 11: 'DCI-P3', 12: 'Display P3' };

/** The description of an ICC profile ('desc' tag, v2 text or v4 mluc), or ''. */
export const iccDescription = (icc: Uint8Array): string => {
  try {
    const b = Buffer.from(icc.buffer, icc.byteOffset, icc.byteLength);
    const n = b.readUInt32BE(128);
    for (let i = 0; i < n && i < 100; i++) {
      const e = 132 + i * 12;
      if (b.toString('latin1', e, e + 4) !== 'desc') continue;
      const off = b.readUInt32BE(e + 4);
      const type = b.toString('latin1', off, off + 4);
      if (type === 'desc') {
        const len = b.readUInt32BE(off + 8);
        return b.toString('latin1', off + 12, off + 12 + len).replace(/\0.*$/s, '').trim();
      }
      if (type === 'mluc') {
        const recLen = b.readUInt32BE(off + 12);
        const len = b.readUInt32BE(off + 16 + 4);
        const at = b.readUInt32BE(off + 16 + 8);
        if (recLen < 12) return '';
        const s = b.subarray(off + at, off + at + len);
        let out = '';
        for (let k = 0; k + 1 < s.length; k += 2) out += String.fromCharCode(s.readUInt16BE(k));
        return out.replace(/\0.*$/s, '').trim();
      }
    }
  } catch {
    /* not a readable profile: no name */
  }
  return '';
};

const describeTransforms = (t: PrimaryProps['transforms']): string =>
  t
    .map((x) => ('rotateCcw' in x ? (x.rotateCcw ? `rotated ${x.rotateCcw}° counter-clockwise` : '') : `mirrored ${x.mirror}`))
    .filter(Boolean)
    .join(', then ');

interface Decoded {
  width: number;
  height: number;
  /** RGBA at `offset` in `buf` (buf may start with a TIFF header reserved for colour conversion). */
  buf: Buffer;
  offset: number;
  hasAlpha: boolean;
  premultiplied: boolean;
  imageCount: number;
  primaryIndex: number;
  notes: string[];
  icc: Buffer | null;
  colour: Omit<HeifColour, 'converted'> & { convert: 'icc' | 'p3' | null };
  /** The decoder already converted the pixels to sRGB (`convert` says from what): finishHeif has nothing to do. */
  srgb: boolean;
  decoder: HeifStill['decoder'];
  /** Reduction factor of the picture (1: full size), and the image's own upright size. */
  scale: number;
  imageWidth: number;
  imageHeight: number;
}

export interface DecodeHeifOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). */
  readonly maxPixels: number;
  /** Diagnostics and tests only: return the image as coded, without irot/imir/clap. */
  readonly ignoreTransformations?: boolean;
  /** 'auto' (default): ffmpeg when the file allows, libheif otherwise; 'libheif': libheif only. */
  readonly decoder?: 'auto' | 'libheif';
  /** ffmpeg to run (default: resolveBinaries()). */
  readonly ffmpegPath?: string;
  /**
   * The picture is wanted at this size (upright) or smaller: ffmpeg's path may then return it
   * reduced by 2, 4 or 8 (never below this size), as a JPEG decoder shrinks on load, so that the
   * conversion to RGB and sRGB runs on a quarter (or less) of the pixels. `scale` says by how much.
   */
  readonly atLeast?: { readonly width: number; readonly height: number };
  /** Stops ffmpeg's decode (the decode then throws the signal's reason, or CANCELLED). */
  readonly signal?: AbortSignal;
  /**
   * ffmpeg's path converts a matrix-shaper profile's colours to sRGB itself, tile by tile as they
   * arrive (./matrix-shaper.ts: the bytes libvips gives). It reads libvips' sRGB profile, so sharp
   * loads on this thread: the decode thread, which never loads it, leaves the conversion to finishHeif.
   */
  readonly srgbOnDecode?: boolean;
}

export const decodeHeif = async (buf: Uint8Array, opts: DecodeHeifOptions): Promise<HeifStill> => finishHeif(await decodeHeifPixels(buf, { srgbOnDecode: true, ...opts }));

/**
 * A HEIC's pixels as decoded, before the conversion to sRGB (`finishHeif` does it, unless the
 * decoder already did: `srgb`): the decode thread sends this back (its buffer moved, not copied)
 * and the conversion runs in libvips' threads from the caller's side, whose output buffer then
 * needs no copy between threads.
 */
export type HeifPixels = Decoded;

export const decodeHeifPixels = async (buf: Uint8Array, opts: DecodeHeifOptions): Promise<HeifPixels> => {
  if (!isHeif(buf)) {
    const brands = ftypBrands(buf);
    if (!brands && buf.length >= 8 && Buffer.from(buf.subarray(4, 8)).toString('latin1') === 'ftyp') throw corrupt('the file ends inside its ftyp header');
    throw new StillmotionError('UNSUPPORTED_TYPE', brands ? `not a HEIF image (brands: ${brands.join(', ')})` : 'not a HEIF image (no ISO-BMFF ftyp box)', { details: { brands } });
  }
  const props = primaryProps(buf);
  if (truncatedItems(buf)) throw corrupt('the file is truncated (its image data reaches past the end of the file)', { bytes: buf.length });

  const fast = opts.decoder === 'libheif' ? null : await decodeFast(buf, props, opts);
  const d = fast ?? decodeWithLibheif(buf, opts.maxPixels, props, opts.ignoreTransformations === true);
  if (d.premultiplied && d.hasAlpha) {
    unpremultiply(d.buf, d.offset);
    d.premultiplied = false;
  }
  return d;
};

/**
 * The ffmpeg path alone, for a caller that would rather not start a thread: the pixels when the file
 * is of the kind ffmpeg decodes here and each tile is at most `maxTilePixels` (its conversion to RGB
 * then holds the calling thread for a few ms at a time), else null (libheif decodes it, on its
 * thread, and says what is wrong with the file if anything is). Refusals ffmpeg's path makes
 * itself (the pixel limit) are thrown as `decodeHeifPixels` throws them.
 */
export const decodeHeifNative = async (buf: Uint8Array, opts: DecodeHeifOptions & { readonly maxTilePixels: number }): Promise<HeifPixels | null> => {
  if (opts.decoder === 'libheif' || !isHeif(buf) || truncatedItems(buf)) return null;
  return decodeFast(buf, primaryProps(buf), { srgbOnDecode: true, ...opts }, opts.maxTilePixels);
};

/** Byte arrays that crossed a thread arrive as plain Uint8Arrays: Buffers again, without copying. */
const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** The decoded pixels converted to sRGB (when the file says they are not) and described. */
export const finishHeif = async (d: HeifPixels): Promise<HeifStill> => {
  d.buf = asBuffer(d.buf);
  if (d.icc) d.icc = asBuffer(d.icc);
  let data = d.buf;
  let converted = d.srgb;
  if (d.colour.convert && !d.srgb) {
    const icc = d.colour.convert === 'p3' ? await displayP3Icc() : d.icc!;
    // The decoder reserved room for the header in front of the pixels unless the profile was P3.
    let tiff = d.buf;
    if (d.offset !== tiffHeaderBytes(icc)) {
      tiff = Buffer.allocUnsafe(tiffHeaderBytes(icc) + d.width * d.height * 4);
      tiff.set(d.buf.subarray(d.offset, d.offset + d.width * d.height * 4), tiffHeaderBytes(icc));
    }
    writeTiffHeader(tiff, d.width, d.height, icc);
    try {
      data = await tiffToSrgb(tiff, d.width, d.height);
      converted = true;
    } catch (e) {
      // A profile lcms cannot use (damaged or exotic): keep the pixels, say so.
      d.notes.push(`colour profile could not be applied (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); colours shown as stored`);
      data = d.buf.subarray(d.offset, d.offset + d.width * d.height * 4);
    }
  } else if (d.offset) data = d.buf.subarray(d.offset, d.offset + d.width * d.height * 4);

  const c = d.colour;
  if (converted) d.notes.push(`colours converted to sRGB from the embedded ${c.kind === 'icc' ? 'ICC profile' : 'nclx colour box'} (${c.description})`);
  return {
    width: d.width,
    height: d.height,
    data,
    hasAlpha: d.hasAlpha,
    imageCount: d.imageCount,
    primaryIndex: d.primaryIndex,
    notes: d.notes,
    colour: { kind: c.kind, description: c.description, converted, ...(c.nclx ? { nclx: c.nclx } : {}) },
    decoder: d.decoder,
    ...(d.scale !== 1 ? { scale: d.scale, imageWidth: d.imageWidth, imageHeight: d.imageHeight } : {}),
  };
};

const tooManyPixels = (width: number, height: number, maxPixels: number, what = 'is') =>
  new StillmotionError('TOO_MANY_PIXELS', `HEIC image ${what} ${width}x${height} = ${fmtPixels(width * height)}; the decode limit is ${fmtPixels(maxPixels)}`, {
    details: { width, height, pixels: width * height, limit_pixels: maxPixels },
  });

/** The notes both decoders give: what else the file holds, and the rotation/mirroring applied. */
const fileNotes = (topCount: number, auxNames: readonly string[], thumbs: number, transforms: PrimaryProps['transforms']): { imageCount: number; notes: string[] } => {
  const notes: string[] = [];
  const imageCount = topCount + auxNames.length + thumbs;
  if (imageCount > 1) {
    const parts = [`${topCount} top-level`];
    if (auxNames.length) parts.push(`${auxNames.length} auxiliary: ${summarise(auxNames)}`);
    if (thumbs) parts.push(`${thumbs} thumbnail${thumbs > 1 ? 's' : ''}`);
    notes.push(`file holds ${imageCount} images (${parts.join('; ')}); using the primary one`);
  }
  const t = describeTransforms(transforms);
  if (t) notes.push(`${t} as the file's rotation/mirror boxes ask (EXIF orientation ignored, as HEIF requires)`);
  return { imageCount, notes };
};

/**
 * The native path: null when the file is not of the kind it handles or ffmpeg could not decode it
 * (libheif then decodes it, and says what is wrong if anything is).
 */
const decodeFast = async (buf: Uint8Array, props: PrimaryProps, opts: DecodeHeifOptions, maxTilePixels = Infinity): Promise<Decoded | null> => {
  const items = readItems(buf);
  const planned = items ? planHevc(items) : null;
  if (!planned?.plan) return null;
  const plan = planned.plan;
  if (plan.tileWidth * plan.tileHeight > maxTilePixels) return null;
  const transforms = opts.ignoreTransformations === true ? [] : props.transforms;
  const shown = placement(plan.width, plan.height, transforms);
  if (shown.width * shown.height > opts.maxPixels) throw tooManyPixels(shown.width, shown.height, opts.maxPixels);
  const { imageCount, notes } = fileNotes(plan.summary.topCount, plan.summary.auxTypes.map(auxName), plan.summary.thumbnails, transforms);
  const colour = colourPlan(plan.icc, plan.nclx);
  if (colour.note) notes.push(colour.note);
  const toSrgb = opts.srgbOnDecode && colour.convert ? await shaperToSrgb(colour.convert === 'p3' ? await displayP3Icc() : colour.icc!) : null;
  const offset = !toSrgb && colour.convert === 'icc' && colour.icc ? tiffHeaderBytes(colour.icc) : 0;
  let out;
  try {
    out = await decodeWithFfmpeg(plan, { transforms, offset, ffmpegPath: opts.ffmpegPath, shrink: shrinkFor(plan, shown, opts.atLeast), toSrgb, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (e) {
    // Stopped on purpose: not a file for libheif to try.
    if (opts.signal?.aborted) throw opts.signal.reason instanceof StillmotionError ? opts.signal.reason : new StillmotionError('CANCELLED', 'HEIC decoding was stopped');
    if (e instanceof FfmpegDecodeFailed) return null;
    throw e;
  }
  return {
    width: out.width, height: out.height, buf: out.buf, offset: out.offset, hasAlpha: false, premultiplied: false,
    imageCount, primaryIndex: plan.summary.primaryIndex, notes, icc: colour.icc,
    colour: { kind: colour.kind, description: colour.description, convert: colour.convert, ...(colour.nclx ? { nclx: colour.nclx } : {}) },
    srgb: !!toSrgb, decoder: 'ffmpeg', scale: out.scale, imageWidth: shown.width, imageHeight: shown.height,
  };
};

/** Transforms made from profiles lately seen (a few: phones write one or two profiles). */
const shapers = new Map<string, MatrixShaper | null>();

/** The tile-by-tile conversion from this profile to sRGB, or null when only libvips can do it. */
const shaperToSrgb = async (icc: Buffer): Promise<MatrixShaper | null> => {
  const key = icc.toString('latin1');
  if (!shapers.has(key)) {
    let srgb;
    try {
      srgb = await srgbIcc();
    } catch {
      return null; // sharp could not give its profile: finishHeif's libvips conversion says what is wrong
    }
    if (shapers.size >= 4) shapers.delete(shapers.keys().next().value!);
    shapers.set(key, matrixShaper(icc, srgb));
  }
  return shapers.get(key)!;
};

/**
 * The largest reduction (1, 2, 4 or 8) that keeps the upright picture at least `atLeast`, and that
 * divides the tiles into whole 4:2:0 pictures.
 */
const shrinkFor = (plan: { tileWidth: number; tileHeight: number }, shown: { width: number; height: number }, atLeast: DecodeHeifOptions['atLeast']): number => {
  if (!atLeast) return 1;
  for (const s of [8, 4, 2]) {
    if (plan.tileWidth % (2 * s) || plan.tileHeight % (2 * s)) continue;
    if (Math.floor(shown.width / s) >= atLeast.width && Math.floor(shown.height / s) >= atLeast.height) return s;
  }
  return 1;
};

/** Everything that touches the wasm heap, synchronous, with every allocation freed on the way out. */
const decodeWithLibheif = (buf: Uint8Array, maxPixels: number, props: PrimaryProps, ignoreTransformations: boolean): Decoded => {
  let size: { width: number; height: number } | null = null;
  let h;
  try {
    h = libheif();
  } catch (e) {
    dropLibheif();
    throw new StillmotionError('INTERNAL', `the HEIC decoder (libheif WebAssembly) could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const s = new Scope(h);
  try {
    const ctx = h._heif_context_alloc();
    if (!ctx) throw new LibheifError('starting the decoder', { code: ERROR_MEMORY_ALLOCATION, subcode: 0, message: 'out of memory' });
    s.defer(() => h._heif_context_free(ctx));

    // libheif keeps its own copy of the file, so ours is freed straight away.
    const mem = h._malloc(Math.max(buf.length, 1));
    if (!mem) throw new LibheifError('reading the file', { code: ERROR_MEMORY_ALLOCATION, subcode: 0, message: 'out of memory' });
    try {
      h.HEAPU8.set(buf, mem);
      s.call('reading the file structure', (err) => h._heif_context_read_from_memory(err, ctx, mem, buf.length, 0));
    } finally {
      h._free(mem);
    }

    const topCount = h._heif_context_get_number_of_top_level_images(ctx);
    if (topCount < 1) throw corrupt('the file holds no image');
    const idsPtr = s.alloc(topCount * 4);
    h._heif_context_get_list_of_top_level_image_IDs(ctx, idsPtr, topCount);
    const ids = Array.from({ length: topCount }, (_, i) => s.u32(idsPtr + i * 4));
    const idPtr = s.alloc(4);
    s.call('finding the primary image', (err) => h._heif_context_get_primary_image_ID(err, ctx, idPtr));
    const primaryId = s.u32(idPtr);
    const primaryIndex = Math.max(0, ids.indexOf(primaryId));

    const out = s.alloc(4);
    s.call('opening the primary image', (err) => h._heif_context_get_image_handle(err, ctx, primaryId, out));
    const handle = s.u32(out);
    s.defer(() => h._heif_image_handle_release(handle));

    // Size after rotation (libheif reports the displayed size); refuse before decoding anything.
    const width = h._heif_image_handle_get_width(handle);
    const height = h._heif_image_handle_get_height(handle);
    if (!(width > 0 && height > 0)) throw corrupt('the primary image has no size');
    size = { width, height };
    if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
    const hasAlpha = h._heif_image_handle_has_alpha_channel(handle) !== 0;
    const premultiplied = hasAlpha && h._heif_image_handle_is_premultiplied_alpha(handle) !== 0;

    // What else the file holds, for the notes.
    const auxNames: string[] = [];
    let thumbs = 0;
    for (const id of ids) {
      const o = s.alloc(4);
      s.call('opening an image', (err) => h._heif_context_get_image_handle(err, ctx, id, o));
      const hd = s.u32(o);
      try {
        thumbs += h._heif_image_handle_get_number_of_thumbnails(hd);
        const n = h._heif_image_handle_get_number_of_auxiliary_images(hd, AUX_FILTER_OMIT_ALPHA);
        if (n > 0) {
          const list = s.alloc(n * 4);
          h._heif_image_handle_get_list_of_auxiliary_image_IDs(hd, AUX_FILTER_OMIT_ALPHA, list, n);
          for (let k = 0; k < n; k++) auxNames.push(auxType(s, hd, s.u32(list + k * 4)));
        }
      } finally {
        h._heif_image_handle_release(hd);
      }
    }
    const { imageCount, notes } = fileNotes(topCount, auxNames, thumbs, ignoreTransformations ? [] : props.transforms);

    // The colour description, as libheif read it from the primary item's colr box(es).
    const colour = readColour(s, handle, props);
    if (colour.note) notes.push(colour.note);

    // Decode into a buffer that already has room for the TIFF header the colour conversion needs.
    const offset = colour.convert === 'icc' && colour.icc ? tiffHeaderBytes(colour.icc) : 0;
    const options = h._heif_decoding_options_alloc();
    if (!options) throw new LibheifError('decoding', { code: ERROR_MEMORY_ALLOCATION, subcode: 0, message: 'out of memory' });
    s.defer(() => h._heif_decoding_options_free(options));
    // Defaults: transformations (clean aperture, irot, imir) applied, HDR reduced to 8 bits.
    // struct heif_decoding_options { uint8_t version; uint8_t ignore_transformations; ... }
    if (ignoreTransformations) h.HEAPU8[options + 1] = 1;
    const imgOut = s.alloc(4);
    s.call('decoding the image data', (err) => h._heif_decode_image(err, handle, imgOut, COLORSPACE_RGB, CHROMA_INTERLEAVED_RGBA, options));
    const img = s.u32(imgOut);
    s.defer(() => h._heif_image_release(img));

    const w = h._heif_image_get_width(img, CHANNEL_INTERLEAVED);
    const ht = h._heif_image_get_height(img, CHANNEL_INTERLEAVED);
    const stridePtr = s.alloc(4);
    const plane = h._heif_image_get_plane_readonly2(img, CHANNEL_INTERLEAVED, stridePtr);
    const stride = s.u32(stridePtr);
    if (!plane || !(w > 0 && ht > 0) || stride < w * 4) throw corrupt('the decoder returned no RGBA picture');
    if (w * ht > maxPixels) throw tooManyPixels(w, ht, maxPixels, 'decodes to');

    const row = w * 4;
    const target = Buffer.allocUnsafe(offset + row * ht);
    const heap = h.HEAPU8; // read after decoding: the heap may have grown
    if (stride === row) target.set(heap.subarray(plane, plane + row * ht), offset);
    else for (let y = 0; y < ht; y++) target.set(heap.subarray(plane + y * stride, plane + y * stride + row), offset + y * row);
    // Without an alpha plane libheif's RGBA output already has alpha 255 everywhere.

    // libheif fills a grid tile it could not decode with black and only warns: a person would see
    // a black square in their photo, so that is a damaged file.
    const warnings = decodingWarnings(s, img);
    if (warnings.length) throw corrupt(`part of the picture could not be decoded (${warnings[0]}${warnings.length > 1 ? ` and ${warnings.length - 1} more` : ''})`, { warnings });

    return { width: w, height: ht, buf: target, offset, hasAlpha, premultiplied, imageCount, primaryIndex, notes, icc: colour.icc, colour: { kind: colour.kind, description: colour.description, convert: colour.convert, ...(colour.nclx ? { nclx: colour.nclx } : {}) }, srgb: false, decoder: 'libheif', scale: 1, imageWidth: w, imageHeight: ht };
  } catch (e) {
    throw classify(e, size);
  } finally {
    s.close();
  }
};

const auxType = (s: Scope, main: number, id: number): string => {
  const h = s.h;
  const o = s.alloc(4);
  try {
    s.call('opening an auxiliary image', (err) => h._heif_image_handle_get_auxiliary_image_handle(err, main, id, o));
  } catch {
    return 'unknown';
  }
  const aux = s.u32(o);
  try {
    const tp = s.alloc(4);
    s.call('reading an auxiliary image type', (err) => h._heif_image_handle_get_auxiliary_type(err, aux, tp));
    const urn = s.cString(s.u32(tp));
    h._heif_image_handle_release_auxiliary_type(aux, tp);
    return auxName(urn);
  } catch {
    return 'unknown';
  } finally {
    h._heif_image_handle_release(aux);
  }
};

const summarise = (names: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${c} ${n}s` : n)).join(', ');
};

interface ColourPlan {
  kind: HeifColour['kind'];
  description: string;
  icc: Buffer | null;
  nclx?: Nclx;
  convert: 'icc' | 'p3' | null;
  note?: string;
}

/**
 * How to get the primary image to sRGB. An ICC profile wins (libheif prefers it too when a file has
 * both); nclx Display P3 goes through libvips' P3 profile; BT.709/sRGB and "unspecified" need
 * nothing. libheif itself has already used the nclx matrix and range for YCbCr → RGB.
 */
const readColour = (s: Scope, handle: number, props: PrimaryProps): ColourPlan => {
  const h = s.h;
  const type = fourcc(h._heif_image_handle_get_color_profile_type(handle) >>> 0);
  let icc: Buffer | null = null;
  if (type === 'prof' || type === 'rICC') {
    const n = h._heif_image_handle_get_raw_color_profile_size(handle);
    if (n > 0) {
      const p = s.alloc(n);
      try {
        s.call('reading the colour profile', (err) => h._heif_image_handle_get_raw_color_profile(err, handle, p));
        icc = Buffer.from(h.HEAPU8.subarray(p, p + n));
      } catch {
        icc = null;
      }
    }
  }
  // Our own parse of the colr boxes is the fallback (and gives the nclx values when there is also an ICC profile).
  icc ??= props.icc;
  let nclx: Nclx | null = props.nclx;
  if (!nclx) {
    const o = s.alloc(4);
    try {
      s.call('reading the nclx colour box', (err) => h._heif_image_handle_get_nclx_color_profile(err, handle, o));
      const p = s.u32(o);
      if (p) {
        nclx = { primaries: s.i32(p + 4), transfer: s.i32(p + 8), matrix: s.i32(p + 12), fullRange: h.HEAPU8[p + 16] !== 0 };
        h._heif_nclx_color_profile_free(p);
      }
    } catch {
      /* no nclx box: heif_error_Color_profile_does_not_exist */
    }
  }
  return colourPlan(icc, nclx);
};

/** The colour decision both decoders share, from the image's ICC profile and nclx box (either may be absent). */
const colourPlan = (icc: Buffer | null, nclx: Nclx | null): ColourPlan => {
  if (icc && icc.length >= 132 && icc.toString('latin1', 36, 40) === 'acsp') {
    const description = iccDescription(icc) || `${icc.toString('latin1', 4, 8).trim() || 'unnamed'} ICC profile`;
    return { kind: 'icc', description, icc, convert: 'icc', ...(nclx ? { nclx } : {}) };
  }
  const note = icc ? 'the embedded ICC profile is unreadable; colours assumed sRGB' : undefined;
  if (nclx) {
    const name = NCLX_PRIMARIES[nclx.primaries] ?? `primaries ${nclx.primaries}`;
    const hdr = nclx.transfer === 16 ? 'PQ' : nclx.transfer === 18 ? 'HLG' : null;
    const hdrNote = hdr ? `HDR (${hdr}) transfer shown without tone mapping` : undefined;
    if (nclx.primaries === 12) return { kind: 'nclx', description: name, icc: null, nclx, convert: 'p3', ...(hdrNote ? { note: hdrNote } : {}) };
    const convertible = nclx.primaries === 1 || nclx.primaries === 2;
    const extra = [note, hdrNote, convertible ? undefined : `colour primaries ${name} are not converted; colours may look less saturated`].filter(Boolean).join('; ');
    return { kind: 'nclx', description: name, icc: null, nclx, convert: null, ...(extra ? { note: extra } : {}) };
  }
  return { kind: 'none', description: 'no colour profile (sRGB assumed)', icc: null, convert: null, ...(note ? { note } : {}) };
};

const decodingWarnings = (s: Scope, img: number): string[] => {
  const h = s.h;
  const max = 8;
  const arr = s.alloc(max * 12);
  const n = Math.min(max, h._heif_image_get_decoding_warnings(img, 0, arr, max));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(s.readErr(arr + i * 12).message || 'unnamed warning');
  return out;
};

/** Premultiplied → straight alpha, in place. */
const unpremultiply = (buf: Buffer, offset: number): void => {
  for (let i = offset; i + 3 < buf.length; i += 4) {
    const a = buf[i + 3]!;
    if (a === 0 || a === 255) continue;
    for (let c = 0; c < 3; c++) buf[i + c] = Math.min(255, Math.round((buf[i + c]! * 255) / a));
  }
};

/**
 * The upright size of a HEIF's primary image from its properties (ispe, turned by irot), without
 * decoding a pixel; null when the file does not state it.
 */
export const heifSize = (buf: Uint8Array): { width: number; height: number } | null => {
  const p = primaryProps(buf);
  if (!p.ispe) return null;
  const turns = p.transforms.reduce((n, t) => n + ('rotateCcw' in t ? t.rotateCcw / 90 : 0), 0);
  return turns % 2 ? { width: p.ispe.height, height: p.ispe.width } : { ...p.ispe };
};
