/**
 * The auxiliary images a phone stores next to a HEIC's primary image: the iPhone Portrait depth
 * (disparity) map and the iOS mattes (portrait effects, sky, skin, hair, teeth, glasses). Each is
 * a monochrome HEVC item linked to the primary by an `auxl` reference and typed by its `auxC`
 * property; a depth item's `auxC` subtype (or an SEI in its `hvcC`) may carry the HEVC depth
 * representation info (disparity or depth, its range).
 *
 * Decoded by ffmpeg's HEVC decoder like the primary image (one small picture each), turned upright
 * with the item's own irot/imir (Apple writes them on every auxiliary item) or, when it has none,
 * the primary's. Errors are values: an item that cannot be read is left out with a reason.
 */
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { runTool } from '../ffmpeg/run-tool.js';
import { primaryProps, type PrimaryProps } from './bmff.js';
import { Bits, NAL_SPS, nalType, parameterSets, parseHvcC, rbsp, readSps, toAnnexB } from './hevc.js';
import { readItems, type HeifItems } from './items.js';
import { placement } from './yuv-rgba.js';

export const AUX_KINDS = ['depth', 'portrait-matte', 'sky-matte', 'skin-matte', 'hair-matte', 'teeth-matte', 'glasses-matte'] as const;
export type AuxKind = (typeof AUX_KINDS)[number];

const KIND_OF: Array<[RegExp, AuxKind]> = [
  [/^urn:mpeg:hevc:2015:auxid:2$|^urn:mpeg:mpegB:cicp:systems:auxiliary:depth$|:aux:(depth|disparity)$/i, 'depth'],
  [/portraiteffectsmatte$/i, 'portrait-matte'],
  [/semanticskymatte$/i, 'sky-matte'],
  [/semanticskinmatte$/i, 'skin-matte'],
  [/semantichairmatte$/i, 'hair-matte'],
  [/semanticteethmatte$/i, 'teeth-matte'],
  [/semanticglassesmatte$/i, 'glasses-matte'],
];

/** What an auxiliary type URN is to us, or null (gain maps, thumbnails, alpha…). */
export const auxKind = (urn: string): AuxKind | null => KIND_OF.find(([re]) => re.test(urn))?.[1] ?? null;

/** HEVC depth representation info (H.265 annex I, SEI payload 177), as libheif reports it. */
export interface DepthRepresentation {
  /** Sample values are proportional to 1/Z, to disparity, to Z, or to disparity through a curve. */
  readonly type: 'inverse-z' | 'disparity' | 'z' | 'nonuniform-disparity';
  readonly zNear?: number;
  readonly zFar?: number;
  readonly dMin?: number;
  readonly dMax?: number;
}

export interface HeifAuxItem {
  readonly id: number;
  readonly urn: string;
  readonly kind: AuxKind;
}

export interface HeifAuxImage extends HeifAuxItem {
  /** Upright size (the item's transforms applied). */
  readonly width: number;
  readonly height: number;
  /** width*height samples, 8 bits, full range, upright. */
  readonly data: Uint8Array;
  /** Depth items only: what the samples mean, when the file says. */
  readonly representation: DepthRepresentation | null;
}

const auxC = (items: HeifItems, id: number): { urn: string; subtype: Buffer } | null => {
  const p = items.props(id).find((x) => x.box.type === 'auxC');
  if (!p) return null;
  const body = items.buf.subarray(p.box.body + 4, p.box.end); // FullBox
  const end = body.indexOf(0);
  return { urn: body.toString('latin1', 0, end < 0 ? body.length : end), subtype: end < 0 ? Buffer.alloc(0) : body.subarray(end + 1) };
};

/**
 * The auxiliary images of the primary image that we know, in file order. iOS 18 may link them to
 * the tone-mapped item (`tmap`, derived from the primary) instead: those count too.
 */
export const listAuxiliary = (items: HeifItems): HeifAuxItem[] => {
  const out: HeifAuxItem[] = [];
  const primary = new Set([items.primaryId, ...[...items.items.keys()].filter((id) => items.items.get(id)?.type === 'tmap' && items.refsFrom('dimg', id).includes(items.primaryId))]);
  for (const [id] of items.items) {
    if (!items.refsFrom('auxl', id).some((t) => primary.has(t))) continue;
    const c = auxC(items, id);
    const kind = c ? auxKind(c.urn) : null;
    if (c && kind) out.push({ id, urn: c.urn, kind });
  }
  return out;
};

/** The value of one depth_rep_info_element (sign, 7-bit exponent, mantissa of a given length). */
const repElement = (r: Bits): number => {
  const sign = r.u(1);
  const e = r.u(7);
  const len = r.u(5) + 1;
  const n = r.u(len);
  const x = e === 0 ? 2 ** -(30 + len) * n : e < 127 ? 2 ** (e - 31) * (1 + n / 2 ** len) : NaN;
  return sign ? -x : x;
};

const TYPES: ReadonlyArray<DepthRepresentation['type']> = ['inverse-z', 'disparity', 'z', 'nonuniform-disparity'];

/** depth_representation_info from an SEI NAL unit (prefix or suffix), or null. */
export const depthRepresentationFromSei = (nal: Uint8Array): DepthRepresentation | null => {
  const t = nalType(nal);
  if (t !== 39 && t !== 40) return null;
  const b = rbsp(nal);
  let p = 0;
  try {
    while (p + 2 <= b.length) {
      let type = 0, size = 0;
      while (b[p] === 0xff) { type += 255; p++; }
      type += b[p++]!;
      while (b[p] === 0xff) { size += 255; p++; }
      size += b[p++]!;
      if (type === 177) {
        const r = new Bits(b.subarray(p, p + size));
        const zn = r.u(1), zf = r.u(1), dmin = r.u(1), dmax = r.u(1);
        const kind = TYPES[r.ue()];
        if (!kind) return null;
        if (dmin || dmax) r.ue(); // disparity_ref_view_id
        const out: { -readonly [K in keyof DepthRepresentation]: DepthRepresentation[K] } = { type: kind };
        if (zn) out.zNear = repElement(r);
        if (zf) out.zFar = repElement(r);
        if (dmin) out.dMin = repElement(r);
        if (dmax) out.dMax = repElement(r);
        return out;
      }
      p += size;
    }
  } catch {
    return null;
  }
  return null;
};

/**
 * The depth representation of a depth item: from its auxC subtype (Apple: a 4-byte length, then
 * NAL units each after a 4-byte size) or an SEI among its hvcC parameter sets.
 */
export const depthRepresentation = (items: HeifItems, id: number): DepthRepresentation | null => {
  const c = auxC(items, id);
  if (c && c.subtype.length >= 8) {
    const s = c.subtype;
    const total = Math.min(s.readUInt32BE(0), s.length - 4);
    for (let p = 4; p + 4 <= 4 + total;) {
      const n = s.readUInt32BE(p);
      if (n < 2 || p + 4 + n > s.length) break;
      const r = depthRepresentationFromSei(s.subarray(p + 4, p + 4 + n));
      if (r) return r;
      p += 4 + n;
    }
  }
  const hv = items.props(id).find((x) => x.box.type === 'hvcC');
  const cfg = hv ? parseHvcC(items.buf.subarray(hv.box.body, hv.box.end)) : null;
  for (const n of cfg?.nals ?? []) {
    const r = depthRepresentationFromSei(n);
    if (r) return r;
  }
  return null;
};

const ownTransforms = (items: HeifItems, id: number): PrimaryProps['transforms'] => {
  const out: Array<PrimaryProps['transforms'][number]> = [];
  const b = items.buf;
  for (const { box } of items.props(id)) {
    if (box.type === 'irot' && box.body < box.end) out.push({ rotateCcw: (b[box.body]! & 3) * 90 });
    else if (box.type === 'imir' && box.body < box.end) out.push({ mirror: (b[box.body]! & 1) === 0 ? 'top-bottom' : 'left-right' });
  }
  return out;
};

export interface ReadAuxOptions {
  readonly ffmpegPath?: string;
  readonly signal?: AbortSignal;
  /** Refuse items with more pixels than this (default 24 MP). */
  readonly maxPixels?: number;
}

/** How an auxiliary image is named to people. */
export const auxLabel = (k: AuxKind): string => (k === 'depth' ? 'depth map' : k.replace('-', ' '));

/** One auxiliary item decoded, upright; a string says why it could not be. */
const decodeItem = async (items: HeifItems, a: HeifAuxItem, primary: PrimaryProps['transforms'], bin: string, o: ReadAuxOptions): Promise<HeifAuxImage | string> => {
  const it = items.items.get(a.id);
  const name = auxLabel(a.kind);
  if (it?.type !== 'hvc1') return `${name} is a ${it?.type ?? 'missing'} item, not read`;
  const hv = items.props(a.id).find((x) => x.box.type === 'hvcC');
  const cfg = hv ? parseHvcC(items.buf.subarray(hv.box.body, hv.box.end)) : null;
  if (!cfg) return `${name} has no readable decoder configuration`;
  const spsNal = cfg.nals.find((n) => nalType(n) === NAL_SPS);
  const sps = spsNal ? readSps(spsNal) : null;
  if (!sps || !(sps.width > 0 && sps.height > 0)) return `${name} has no readable sequence parameter set`;
  if (sps.width * sps.height > (o.maxPixels ?? 24e6)) return `${name} is too large (${sps.width}x${sps.height})`;
  const data = items.data(a.id);
  const nals = data ? toAnnexB(data, cfg.lengthSize) : null;
  if (!nals?.length) return `${name} data is unreadable`;
  const w = sps.width, h = sps.height;
  const bps = sps.bitDepthLuma > 8 ? 2 : 1;
  const cw = sps.chromaFormat === 0 ? 0 : sps.chromaFormat === 3 ? w : (w + 1) >> 1;
  const ch = sps.chromaFormat === 0 ? 0 : sps.chromaFormat === 1 ? (h + 1) >> 1 : h;
  const frame = (w * h + 2 * cw * ch) * bps;
  let out;
  try {
    out = await runTool(bin, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', '1', '-f', 'hevc', '-i', 'pipe:0', '-map', '0:v:0', '-frames:v', '1', '-c:v', 'rawvideo', '-f', 'rawvideo', 'pipe:1'], {
      input: Buffer.concat([...parameterSets(cfg), ...nals]), signal: o.signal, maxStdoutBytes: frame + 1,
    });
  } catch {
    return `${name} is damaged (the decoder refused it)`;
  }
  if (out.stdout.length !== frame || out.stderrTail.trim()) return `${name} is damaged (the decoder complained)`;
  // Luma to 8-bit full range (limited range when the stream says so; unsaid is full, as phones write).
  const limited = sps.fullRange === false;
  const max = (1 << sps.bitDepthLuma) - 1;
  // One 8-bit value per sample value (a table: the same arithmetic, once per value, not per pixel).
  const lut = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) {
    const f = limited ? (v / (1 << (sps.bitDepthLuma - 8)) - 16) / 219 : v / max;
    lut[v] = Math.round(Math.min(1, Math.max(0, f)) * 255);
  }
  const own = ownTransforms(items, a.id);
  const place = placement(w, h, own.length ? own : primary);
  const up = new Uint8Array(w * h);
  const src = out.stdout;
  const { o0, ox, oy } = place;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let o = o0 + y * oy;
    if (bps === 2) for (let x = 0; x < w; x++, o += ox) { const i = (row + x) * 2; const v = src[i]! | (src[i + 1]! << 8); up[o] = v > max ? 255 : lut[v]!; }
    else for (let x = 0; x < w; x++, o += ox) up[o] = lut[src[row + x]!]!;
  }
  return { ...a, width: place.width, height: place.height, data: up, representation: a.kind === 'depth' ? depthRepresentation(items, a.id) : null };
};

/**
 * The auxiliary images of `kinds` in a HEIC (all that are there, in file order), decoded upright;
 * `problems` says what could not be read. Never throws for what the file holds.
 */
export const readAuxiliary = async (file: Uint8Array, kinds: readonly AuxKind[], o: ReadAuxOptions = {}): Promise<{ images: HeifAuxImage[]; problems: string[] }> => {
  const items = readItems(file);
  if (!items) return { images: [], problems: [] };
  const want = listAuxiliary(items).filter((a) => kinds.includes(a.kind));
  if (!want.length) return { images: [], problems: [] };
  let bin: string;
  try {
    bin = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  } catch {
    return { images: [], problems: ['no ffmpeg to decode the auxiliary images'] };
  }
  const primary = primaryProps(file).transforms;
  // Each item is one small picture: decoded side by side, one ffmpeg each.
  const done = await Promise.all(want.map((a) => decodeItem(items, a, primary, bin, o)));
  return { images: done.filter((r): r is HeifAuxImage => typeof r !== 'string'), problems: done.filter((r): r is string => typeof r === 'string') };
};
