/**
 * Depth a camera stored in the photo itself, read from the JPEG's bytes:
 *
 * - iPhone Portrait mode: the disparity (or depth) map and the portrait effects matte are extra
 *   JPEG images listed in the Multi-Picture Format index (APP2 "MPF"), each tagged by Apple XMP
 *   (`apdi:AuxiliaryImageType` disparity / depth, `apdi:AuxiliaryImageSubType` portraiteffectsmatte).
 * - Google depth (GDepth XMP, Lens Blur and Pixel portraits): `GDepth:Data`, a base64 PNG or JPEG,
 *   usually in the extended XMP segments, with `GDepth:Format` RangeInverse or RangeLinear and the
 *   `Near`/`Far` distances it was normalised with.
 *
 * - Google Dynamic Depth (Android): the depth map as a container item appended to the JPEG, listed
 *   in the XMP `Container:Directory`, with the device XMP's `DepthMap` Format/Near/Far.
 * - iPhone HEIC: the disparity map and the mattes as auxiliary images (../heif/auxiliary.ts).
 *
 * Pure byte parsing plus sharp for the small embedded pictures; malformed input gives null.
 */
import sharp from 'sharp';
import { readAuxiliary, type HeifAuxImage } from '../heif/auxiliary.js';
import { resizeArea } from './filters.js';

const XMP_STD = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT = 'http://ns.adobe.com/xmp/extension/\0';

export interface JpegSegments {
  /** The standard XMP packet, or ''. */
  readonly xmp: string;
  /** Extended XMP chunks joined in offset order (by GUID, the first seen), or ''. */
  readonly xmpExtended: string;
  /** Offset of the MPF TIFF header in the file and its bytes, or null. */
  readonly mpf: { readonly base: number; readonly body: Buffer } | null;
}

/** Reads the APPn segments of the JPEG starting at `start` (until the scan starts). */
export const jpegSegments = (b: Buffer, start = 0): JpegSegments | null => {
  if (b.length < start + 4 || b[start] !== 0xff || b[start + 1] !== 0xd8) return null;
  let p = start + 2;
  let xmp = '';
  let mpf: JpegSegments['mpf'] = null;
  const ext = new Map<string, Array<{ off: number; data: Buffer }>>();
  let guid = '';
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1]!;
    if (m === 0xff) { p++; continue; }
    if (m === 0xda || m === 0xd9) break;
    const len = b.readUInt16BE(p + 2);
    if (len < 2 || p + 2 + len > b.length) break;
    const body = b.subarray(p + 4, p + 2 + len);
    if (m === 0xe1) {
      if (body.subarray(0, XMP_STD.length).toString('latin1') === XMP_STD) xmp = body.subarray(XMP_STD.length).toString('utf8');
      else if (body.subarray(0, XMP_EXT.length).toString('latin1') === XMP_EXT && body.length >= XMP_EXT.length + 40) {
        const g = body.subarray(XMP_EXT.length, XMP_EXT.length + 32).toString('latin1');
        const off = body.readUInt32BE(XMP_EXT.length + 36);
        guid ||= g;
        const list = ext.get(g) ?? [];
        list.push({ off, data: body.subarray(XMP_EXT.length + 40) });
        ext.set(g, list);
      }
    } else if (m === 0xe2 && body.subarray(0, 4).toString('latin1') === 'MPF\0') {
      mpf = { base: p + 8, body: body.subarray(4) };
    }
    p += 2 + len;
  }
  // The standard packet names the GUID of its extension; else the first one seen.
  const named = /xmpNote:HasExtendedXMP\s*=\s*"([0-9A-Fa-f]{32})"|<xmpNote:HasExtendedXMP>([0-9A-Fa-f]{32})</.exec(xmp);
  const chunks = ext.get(named?.[1] ?? named?.[2] ?? guid) ?? ext.get(guid) ?? [];
  const xmpExtended = Buffer.concat(chunks.sort((a, c) => a.off - c.off).map((c) => c.data)).toString('utf8');
  return { xmp, xmpExtended, mpf };
};

/** Absolute offsets and sizes of the images an MPF index lists after the first. */
export const mpfImages = (file: Buffer, mpf: NonNullable<JpegSegments['mpf']>): Array<{ offset: number; size: number }> => {
  const t = mpf.body;
  if (t.length < 8) return [];
  const le = t.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return [];
  const n = u16(ifd);
  let entries = -1, count = 0;
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) break;
    if (u16(e) === 0xb002) { count = u32(e + 4); entries = u32(e + 8); }
  }
  if (entries < 0 || entries + count > t.length) return [];
  const out: Array<{ offset: number; size: number }> = [];
  for (let k = 1; k < Math.floor(count / 16); k++) {
    const e = entries + k * 16;
    const size = u32(e + 4), off = u32(e + 8);
    const offset = mpf.base + off;
    if (off > 0 && size > 0 && offset + size <= file.length) out.push({ offset, size });
  }
  return out;
};

const tag = (xmp: string, name: string): string | null => {
  const esc = name.replace(/[.:]/g, (c) => `\\${c}`);
  const m = new RegExp(`${esc}\\s*=\\s*"([^"]*)"|<${esc}>([^<]*)</${esc}>`).exec(xmp);
  return m ? (m[1] ?? m[2] ?? '').trim() : null;
};

/** A grey picture decoded at most `max` px on its long side. */
const grey = async (data: Buffer, max: number): Promise<{ data: Uint8Array; width: number; height: number }> => {
  const { data: px, info } = await sharp(data, { failOn: 'none' })
    .resize(max, max, { fit: 'inside', withoutEnlargement: true, kernel: 'cubic' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = px[i * info.channels]!;
  return { data: out, width: info.width, height: info.height };
};

export interface EmbeddedDepth {
  /** A depth map (as disparity, 255 near), a portrait matte (255 subject) or a sky matte (255 sky). */
  readonly kind: 'disparity' | 'depth' | 'matte' | 'sky';
  /** Stored orientation (the photo's EXIF orientation turns it upright); 255 near. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly from: 'iphone' | 'iphone-heic' | 'gdepth';
}

/** The iPhone's auxiliary images of a Portrait-mode JPEG: its disparity/depth map, its portrait matte and its sky matte. */
export const iphoneAuxiliary = async (file: Buffer, max: number): Promise<EmbeddedDepth[]> => {
  const segs = jpegSegments(file);
  if (!segs?.mpf) return [];
  const out: EmbeddedDepth[] = [];
  for (const im of mpfImages(file, segs.mpf)) {
    const sub = jpegSegments(file, im.offset);
    if (!sub?.xmp) continue;
    const type = (tag(sub.xmp, 'apdi:AuxiliaryImageType') ?? '').toLowerCase();
    const subtype = (tag(sub.xmp, 'apdi:AuxiliaryImageSubType') ?? '').toLowerCase();
    // The portrait matte, the sky matte; other semantic mattes (skin, hair, teeth, glasses) are not layers.
    const both = `${type} ${subtype}`;
    const kind = /skymatte/.test(both) ? 'sky' : /semantic|(skin|hair|teeth|glasses)matte/.test(both) ? null : both.includes('matte') ? 'matte'
      : type === 'disparity' || type.endsWith(':disparity') ? 'disparity' : type === 'depth' || type.endsWith(':depth') ? 'depth' : null;
    if (!kind) continue;
    try {
      const g = await grey(file.subarray(im.offset, im.offset + im.size), max);
      // Disparity and matte are bright near; a depth map is bright far.
      if (kind === 'depth') for (let i = 0; i < g.data.length; i++) g.data[i] = 255 - g.data[i]!;
      out.push({ kind, ...g, from: 'iphone' });
    } catch {
      // an unreadable auxiliary image is only a missed hint
    }
  }
  return out;
};

/** Depth values (0..1 as stored) → disparity, per the Google depthmap formats; null range: order only (0 nearest). */
const rangeToDisparity = (dn: number, format: string, near: number, far: number): number => {
  const ok = Number.isFinite(near) && Number.isFinite(far) && near > 0 && far > near;
  let d: number;
  if (!ok) d = 1 + dn;
  else if (format.toLowerCase() === 'rangelinear') d = dn * (far - near) + near;
  else d = (far * near) / (far - dn * (far - near));
  return 1 / d;
};

/** A disparity map as bytes, 255 nearest, spanning its own range. */
const toBytes = (disp: Float32Array): Uint8Array => {
  let lo = Infinity, hi = -Infinity;
  for (const v of disp) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const out = new Uint8Array(disp.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(((disp[i]! - lo) / span) * 255);
  return out;
};

const fromRange = (g: { data: Uint8Array; width: number; height: number }, format: string, near: number, far: number, from: EmbeddedDepth['from']): EmbeddedDepth => {
  const disp = new Float32Array(g.data.length);
  for (let i = 0; i < disp.length; i++) disp[i] = rangeToDisparity(g.data[i]! / 255, format, near, far);
  return { kind: 'disparity', data: toBytes(disp), width: g.width, height: g.height, from };
};

/**
 * Google depth (GDepth XMP): the map as disparity (255 near), from RangeInverse or RangeLinear
 * values and the Near/Far distances, per the published depthmap metadata format.
 */
export const googleDepth = async (file: Buffer, max: number): Promise<EmbeddedDepth | null> => {
  const segs = jpegSegments(file);
  if (!segs) return null;
  const all = `${segs.xmp}\n${segs.xmpExtended}`;
  const b64 = tag(all, 'GDepth:Data');
  if (!b64) return null;
  let g: { data: Uint8Array; width: number; height: number };
  try {
    g = await grey(Buffer.from(b64.replace(/\s+/g, ''), 'base64'), max);
  } catch {
    return null;
  }
  return fromRange(g, tag(all, 'GDepth:Format') ?? 'RangeInverse', Number(tag(all, 'GDepth:Near') ?? 'NaN'), Number(tag(all, 'GDepth:Far') ?? 'NaN'), 'gdepth');
};

export interface ContainerItem {
  readonly mime: string;
  readonly semantic: string;
  readonly uri: string;
  /** Where its bytes are in the file. */
  readonly offset: number;
  readonly length: number;
}

/**
 * The items of a Dynamic Depth (or GContainer) directory: `Container:Directory` lists them in
 * order, the first being the primary image itself (length 0); the others are appended after it,
 * each `Item:Length` bytes and `Item:Padding` bytes of padding, the last ending at the end of the file.
 */
export const containerItems = (file: Buffer, xmp: string): ContainerItem[] => {
  const dir = /<Container:Directory\b[\s\S]*?<\/Container:Directory>/.exec(xmp)?.[0];
  if (!dir) return [];
  const listed = dir.split(/<rdf:li\b/).slice(1).map((li) => ({
    mime: tag(li, 'Item:Mime') ?? '',
    semantic: tag(li, 'Item:Semantic') ?? '',
    uri: tag(li, 'Item:DataURI') ?? '',
    length: Number(tag(li, 'Item:Length') ?? '0'),
    padding: Number(tag(li, 'Item:Padding') ?? '0'),
  }));
  if (listed.some((i) => !(Number.isInteger(i.length) && i.length >= 0 && Number.isInteger(i.padding) && i.padding >= 0))) return [];
  const out: ContainerItem[] = [];
  let end = file.length;
  for (let i = listed.length - 1; i >= 1; i--) {
    const it = listed[i]!;
    end -= it.padding;
    const offset = end - it.length;
    if (offset < 0 || it.length === 0) return [];
    out.unshift({ mime: it.mime, semantic: it.semantic, uri: it.uri, offset, length: it.length });
    end = offset;
  }
  return out;
};

const MAGIC: Record<string, number[]> = { 'image/png': [0x89, 0x50, 0x4e, 0x47], 'image/jpeg': [0xff, 0xd8, 0xff] };

/**
 * Google Dynamic Depth (Android): the depth map is an item of the container appended to the JPEG,
 * named by the device XMP's `DepthMap:DepthURI` (or an item whose semantic says depth), converted
 * with the `DepthMap` element's Format, Near and Far.
 */
export const dynamicDepth = async (file: Buffer, max: number): Promise<EmbeddedDepth | null> => {
  const segs = jpegSegments(file);
  if (!segs) return null;
  const all = `${segs.xmp}\n${segs.xmpExtended}`;
  const items = containerItems(file, all);
  if (!items.length) return null;
  // A DepthMap whose ItemSemantic is Segmentation holds a mask, not depth.
  if (/segmentation/i.test(tag(all, 'DepthMap:ItemSemantic') ?? '')) return null;
  const uri = tag(all, 'DepthMap:DepthURI');
  const isDepth = (i: ContainerItem) => !/confidence/i.test(`${i.semantic} ${i.uri}`)
    && ((uri && i.uri === uri) || /^depth(map)?$/i.test(i.semantic) || (!i.semantic && /depth/i.test(i.uri)));
  const item = items.find(isDepth);
  if (!item) return null;
  const bytes = file.subarray(item.offset, item.offset + item.length);
  const magic = MAGIC[item.mime.toLowerCase()];
  if (magic && !magic.every((v, k) => bytes[k] === v)) return null;
  let g: { data: Uint8Array; width: number; height: number };
  try {
    g = await grey(bytes, max);
  } catch {
    return null;
  }
  const format = tag(all, 'DepthMap:Format') ?? tag(all, 'GDepth:Format') ?? 'RangeInverse';
  return fromRange(g, format, Number(tag(all, 'DepthMap:Near') ?? 'NaN'), Number(tag(all, 'DepthMap:Far') ?? 'NaN'), 'gdepth');
};

/** A picture shrunk (area average) to at most `max` px on its long side. */
const shrink = (im: { data: Uint8Array; width: number; height: number }, max: number): { data: Uint8Array; width: number; height: number } => {
  const k = Math.min(1, max / Math.max(im.width, im.height));
  if (k === 1) return im;
  const w = Math.max(1, Math.round(im.width * k)), h = Math.max(1, Math.round(im.height * k));
  const v = resizeArea(im.data, im.width, im.height, w, h);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(v[i]!);
  return { data: out, width: w, height: h };
};

/** An HEIC depth item as disparity (255 near), by its depth representation (disparity when unsaid, as Apple writes). */
const heicDisparity = (a: HeifAuxImage, max: number): EmbeddedDepth => {
  const g = shrink(a, max);
  const r = a.representation;
  if (r?.type !== 'z') return { kind: 'disparity', ...g, from: 'iphone-heic' };
  const near = r.zNear ?? NaN, far = r.zFar ?? NaN;
  if (!(near > 0 && far > near)) return { kind: 'depth', ...g, data: g.data.map((v) => 255 - v), from: 'iphone-heic' };
  const disp = new Float32Array(g.data.length);
  for (let i = 0; i < disp.length; i++) disp[i] = 1 / (near + (g.data[i]! / 255) * (far - near));
  return { kind: 'depth', ...g, data: toBytes(disp), from: 'iphone-heic' };
};

export interface HeicAuxiliary {
  readonly depth: EmbeddedDepth | null;
  readonly matte: EmbeddedDepth | null;
  /** The iOS sky matte (upright, 255 sky), or null. */
  readonly sky: { readonly data: Uint8Array; readonly width: number; readonly height: number } | null;
  /** What could not be read (for the notes). */
  readonly problems: readonly string[];
}

/** An iPhone HEIC's depth (disparity) map, portrait matte and sky matte, upright, at most `max` px on the long side. */
export const heicAuxiliary = async (file: Buffer, max: number): Promise<HeicAuxiliary> => {
  const { images, problems } = await readAuxiliary(file, ['depth', 'portrait-matte', 'sky-matte']);
  const depth = images.find((a) => a.kind === 'depth');
  const matte = images.find((a) => a.kind === 'portrait-matte');
  const sky = images.find((a) => a.kind === 'sky-matte');
  return {
    depth: depth ? heicDisparity(depth, max) : null,
    matte: matte ? { kind: 'matte', ...shrink(matte, max), from: 'iphone-heic' } : null,
    sky: sky ? shrink(sky, max) : null,
    problems,
  };
};
