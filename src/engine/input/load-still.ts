/**
 * Opening and decoding a photo as it arrives from a phone or a camera: type by content, size and
 * pixel limits before any decoding, EXIF orientation (or HEIF irot/imir) applied exactly once,
 * colours converted to sRGB through the embedded profile, alpha flattened, and shrink-on-load so a
 * 108-megapixel photo never sits in memory at full resolution.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import { StillmotionError } from '../../errors.js';
import { ACCEPTED_IMAGES, sniff, type Sniffed } from './sniff.js';

sharp.cache(false);

export interface StillSource {
  readonly name: string;
  readonly type: string;
  readonly bytes: number;
  /** Upright size in pixels (after orientation). */
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
  readonly orientation: number;
  /** Frames or pages in the file; only the first (or the HEIF primary image) is used. */
  readonly frames: number;
  readonly notes: readonly string[];
}

export interface OpenedStill {
  readonly source: StillSource;
  /** A sharp pipeline source: the file's bytes, or decoded RGBA for HEIF (with the file's bytes, for its depth and mattes). */
  readonly input: { readonly kind: 'encoded'; readonly data: Buffer } | { readonly kind: 'raw'; readonly data: Buffer; readonly width: number; readonly height: number; readonly file?: Buffer };
}

export interface StillLimits {
  readonly maxImageBytes: number;
  readonly maxPixels: number;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const unsupported = (what: string, details: Record<string, unknown> = {}): StillmotionError =>
  new StillmotionError('UNSUPPORTED_TYPE', `${what} is not an image Stillmotion can read`, {
    hint: `accepted images: ${ACCEPTED_IMAGES.join(', ')}`,
    details: { accepted: [...ACCEPTED_IMAGES], ...details },
  });

const readInput = async (input: string | Uint8Array, maxBytes: number): Promise<{ name: string; data: Buffer }> => {
  if (typeof input !== 'string') {
    if (input.byteLength > maxBytes) throw tooLarge('the image', input.byteLength, maxBytes);
    return { name: 'image', data: Buffer.from(input.buffer, input.byteOffset, input.byteLength) };
  }
  let size: number;
  try {
    const st = await stat(input);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (e) {
    throw new StillmotionError('INPUT_NOT_FOUND', `cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { details: { path: input } });
  }
  if (size > maxBytes) throw tooLarge(input, size, maxBytes);
  return { name: input, data: await readFile(input) };
};

const tooLarge = (name: string, size: number, limit: number) =>
  new StillmotionError('FILE_TOO_LARGE', `${name} is ${mb(size)}; the limit is ${mb(limit)}`, {
    hint: 'export it at a lower quality or resize it, or raise the limit setting',
    details: { size_bytes: size, limit_bytes: limit },
  });

const tooManyPixels = (name: string, w: number, h: number, limit: number) =>
  new StillmotionError('TOO_MANY_PIXELS', `${name} is ${w}x${h} (${((w * h) / 1e6).toFixed(1)} MP); the decode limit is ${(limit / 1e6).toFixed(1)} MP`, {
    details: { width: w, height: h, limit_pixels: limit },
  });

export const corrupt = (name: string, type: string, e: unknown) =>
  new StillmotionError('CORRUPT_INPUT', `${name} could not be decoded as ${type}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, {
    hint: 'the file may be truncated or damaged: export or download it again',
    details: { type },
    cause: e,
  });

const SHARP_TYPES: Record<string, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', avif: 'heif' };

/**
 * What the caller will decode the photo to: a function of its upright size giving the largest
 * picture it will ask for. A HEIC is then decoded reduced (by 2, 4 or 8, never below that size), as
 * a JPEG shrinks on load; without it, or for other types, the photo is opened whole.
 */
export interface OpenOptions {
  readonly atMost?: (width: number, height: number) => { width: number; height: number };
}

export const openStill = async (input: string | Uint8Array, limits: StillLimits, o: OpenOptions = {}): Promise<OpenedStill> => {
  const { name, data } = await readInput(input, limits.maxImageBytes);
  const kind: Sniffed | null = sniff(data);
  if (!kind) throw unsupported(name);
  if (kind.kind !== 'image') throw unsupported(`${name} (${kind.type} ${kind.kind})`, { detected: kind.type });
  const notes: string[] = [];

  if (kind.type === 'heif') {
    let d;
    try {
      // The HEIF decoder (libheif as WebAssembly) loads only when a HEIC arrives, on a thread of its own.
      const { decodeHeifInThread } = await import('../heif/decode-in-thread.js');
      let atLeast: { width: number; height: number } | undefined;
      if (o.atMost) {
        const size = (await import('../heif/index.js')).heifSize(data);
        if (size) atLeast = o.atMost(size.width, size.height);
      }
      d = await decodeHeifInThread(data, { maxPixels: limits.maxPixels, ...(atLeast ? { atLeast } : {}) });
    } catch (e) {
      if (e instanceof StillmotionError) throw e;
      throw corrupt(name, 'HEIC', e);
    }
    notes.push(...d.notes);
    return {
      // The picture may be the image reduced (atMost): the source keeps the image's own size.
      source: { name, type: 'heif', bytes: data.length, width: d.imageWidth ?? d.width, height: d.imageHeight ?? d.height, hasAlpha: d.hasAlpha, orientation: 1, frames: d.imageCount, notes },
      input: { kind: 'raw', data: d.data, width: d.width, height: d.height, file: data },
    };
  }

  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false, failOn: 'truncated' }).metadata();
  } catch (e) {
    throw corrupt(name, kind.type.toUpperCase(), e);
  }
  const expected = SHARP_TYPES[kind.type];
  if (!meta.format || (expected && meta.format !== expected && !(kind.type === 'avif' && meta.format === 'heif'))) {
    throw corrupt(name, kind.type.toUpperCase(), new Error(`decoder saw ${meta.format ?? 'nothing'}`));
  }
  const w0 = meta.width ?? 0;
  const h0 = meta.pageHeight && (meta.pages ?? 1) > 1 ? meta.pageHeight : (meta.height ?? 0);
  if (!w0 || !h0) throw corrupt(name, kind.type.toUpperCase(), new Error('no image size'));
  if (w0 * h0 > limits.maxPixels) throw tooManyPixels(name, w0, h0, limits.maxPixels);
  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  const frames = meta.pages ?? 1;
  if (frames > 1) {
    notes.push(kind.type === 'gif' || kind.type === 'webp'
      ? `animated ${kind.type.toUpperCase()} with ${frames} frames: using the first frame`
      : `${kind.type.toUpperCase()} with ${frames} pages: using the first page`);
  }
  return {
    source: { name, type: kind.type, bytes: data.length, width: swap ? h0 : w0, height: swap ? w0 : h0, hasAlpha: !!meta.hasAlpha, orientation, frames, notes },
    input: { kind: 'encoded', data },
  };
};

/**
 * The upright size of a photo, as cheaply as the format allows: a HEIC's stated size (no
 * decoding); anything else through `openStill` (headers only). The limits are checked all the same.
 */
export const probeStillSize = async (input: string | Uint8Array, limits: StillLimits): Promise<{ width: number; height: number }> => {
  const { name, data } = await readInput(input, limits.maxImageBytes);
  if (sniff(data)?.type === 'heif') {
    const { heifSize } = await import('../heif/index.js');
    const size = heifSize(data);
    if (size && size.width * size.height > limits.maxPixels) throw tooManyPixels(name, size.width, size.height, limits.maxPixels);
    if (size) return size;
  }
  const s = await openStill(data, limits);
  return { width: s.source.width, height: s.source.height };
};

/** A sharp pipeline on the opened still: upright, first frame, sRGB. */
export const stillPipeline = (s: OpenedStill): Sharp => {
  const opts: SharpOptions = { limitInputPixels: false, failOn: 'truncated', sequentialRead: true };
  if (s.input.kind === 'raw') return sharp(s.input.data, { ...opts, raw: { width: s.input.width, height: s.input.height, channels: 4 } });
  return sharp(s.input.data, { ...opts, page: 0, pages: 1 }).rotate();
};

export interface DecodedRgb {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/**
 * Decode to 8-bit sRGB RGB at exactly width x height (the caller keeps the photo's shape), shrinking
 * on load and flattening alpha onto `background`.
 */
export const decodeRgb = async (s: OpenedStill, width: number, height: number, background: readonly [number, number, number]): Promise<DecodedRgb> => {
  try {
    let p = stillPipeline(s);
    const [iw, ih] = s.input.kind === 'raw' ? [s.input.width, s.input.height] : [s.source.width, s.source.height];
    if (width !== iw || height !== ih) {
      p = p.resize(width, height, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: true });
    }
    const { data, info } = await p
      .flatten({ background: { r: background[0], g: background[1], b: background[2] } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== width || info.height !== height) {
      throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}`);
    }
    return { data, width, height };
  } catch (e) {
    if (e instanceof StillmotionError) throw e;
    throw corrupt(s.source.name, s.source.type.toUpperCase(), e);
  }
};
