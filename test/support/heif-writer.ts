/**
 * HEIC files made in code for tests: pictures encoded to HEVC by the bundled ffmpeg (libx265),
 * wrapped in a HEIF container written here (one image or a tile grid, optional rotation, mirroring,
 * ICC or nclx colour box, alpha plane, clean aperture, auxiliary depth and matte images). Real HEVC data, so both decoders (libheif
 * and ffmpeg) read them as they would read a phone's file.
 */
import { spawnSync } from 'node:child_process';
import { resolveBinaries } from '../../src/engine/ffmpeg/binaries.js';

const box = (type: string, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length, 0);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
};
const full = (v: number, flags = 0) => Buffer.from([v, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]);
const u8 = (n: number) => Buffer.from([n & 255]);
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const cstr = (s: string) => Buffer.from(`${s}\0`, 'latin1');

/** Annex-B stream → NAL units (without start codes). */
export const splitAnnexB = (s: Buffer): Buffer[] => {
  const starts: Array<[number, number]> = [];
  for (let i = 0; i + 3 <= s.length; i++) {
    if (s[i] === 0 && s[i + 1] === 0 && s[i + 2] === 1) {
      starts.push([i + 3, i > 0 && s[i - 1] === 0 ? i - 1 : i]);
      i += 2;
    }
  }
  return starts.map(([at], k) => {
    let end = k + 1 < starts.length ? starts[k + 1]![1] : s.length;
    while (end > at && s[end - 1] === 0) end--; // trailing zero bytes belong to no unit
    return s.subarray(at, end);
  });
};

const nalType = (n: Buffer) => (n[0]! >> 1) & 63;

export interface CodedPicture {
  readonly width: number;
  readonly height: number;
  /** VPS, SPS, PPS. */
  readonly params: Buffer[];
  /** The picture's other NAL units (slices). */
  readonly slices: Buffer[];
  readonly chroma: 'yuv420p' | 'gray' | 'yuv444p';
}

export interface EncodeOptions {
  /** Pixel format of the coded pictures (default yuv420p). */
  readonly pixFmt?: 'yuv420p' | 'gray' | 'yuv444p';
  /** Full range (VUI video_full_range_flag = 1), limited, or null: not signalled; default full (as phones write). */
  readonly fullRange?: boolean | null;
  /** VUI matrix coefficients name for x265 (bt470bg = 6, bt709 = 1); default bt470bg. */
  readonly matrix?: 'bt470bg' | 'bt709' | 'undef';
  /** x265 lossless coding (the decoded picture is exactly the input). */
  readonly lossless?: boolean;
}

/**
 * Encodes `count` pictures of `width`x`height` (raw frames in `pixFmt`, concatenated in `raw`) as
 * separate HEVC intra pictures, each with its own parameter sets.
 */
export const encodeHevcPictures = (raw: Buffer, width: number, height: number, count: number, o: EncodeOptions = {}): CodedPicture[] => {
  const pixFmt = o.pixFmt ?? 'yuv420p';
  const matrix = o.matrix ?? 'bt470bg';
  const params = ['keyint=1', 'repeat-headers=1', 'info=0', 'log-level=error'];
  if (o.fullRange !== null) params.push(`range=${o.fullRange === false ? 'limited' : 'full'}`);
  if (matrix !== 'undef') params.push(`colormatrix=${matrix}`, `colorprim=${matrix === 'bt709' ? 'bt709' : 'smpte170m'}`, `transfer=${matrix === 'bt709' ? 'bt709' : 'smpte170m'}`);
  if (o.lossless) params.push('lossless=1');
  const { ffmpeg } = resolveBinaries();
  const r = spawnSync(ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-i', 'pipe:0',
    '-frames:v', String(count), '-c:v', 'libx265', '-preset', 'ultrafast', ...(o.lossless ? [] : ['-crf', '18']), '-x265-params', params.join(':'), '-f', 'hevc', 'pipe:1'], { input: raw, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`x265 failed: ${r.stderr.toString()}`);
  const pics: CodedPicture[] = [];
  let cur: { params: Buffer[]; slices: Buffer[] } | null = null;
  for (const n of splitAnnexB(r.stdout)) {
    const t = nalType(n);
    if (t === 32) {
      cur = { params: [], slices: [] };
      pics.push({ width, height, chroma: pixFmt, ...cur } as CodedPicture);
    }
    if (!cur) continue;
    if (t >= 32 && t <= 34) cur.params.push(n);
    else if (t < 32) cur.slices.push(n);
  }
  if (pics.length !== count) throw new Error(`x265 gave ${pics.length} pictures, ${count} asked`);
  return pics;
};

/** The hvcC box of a picture (its parameter sets, 4-byte NAL lengths). */
const hvcC = (p: CodedPicture): Buffer => {
  const sps = p.params.find((n) => nalType(n) === 33)!;
  // profile_tier_level's first 12 bytes sit right after the SPS's first byte (no emulation bytes there for x265's values).
  const ptl = sps.subarray(3, 15);
  const chroma = p.chroma === 'gray' ? 0 : p.chroma === 'yuv444p' ? 3 : 1;
  const arrays = [32, 33, 34].map((t) => {
    const n = p.params.find((x) => nalType(x) === t)!;
    return Buffer.concat([u8(0x80 | t), u16(1), u16(n.length), n]);
  });
  return box('hvcC', u8(1), ptl, u16(0xf000), u8(0xfc), u8(0xfc | chroma), u8(0xf8), u8(0xf8), u16(0), u8(0x0f), u8(arrays.length), ...arrays);
};

const lengthPrefixed = (nals: Buffer[]): Buffer => Buffer.concat(nals.flatMap((n) => [u32(n.length), n]));

export interface HeifLayout {
  /** One picture (a single image) or a grid's tiles in row-major order. */
  readonly pictures: CodedPicture[];
  readonly grid?: { readonly columns: number; readonly rows: number; readonly width: number; readonly height: number };
  /** irot: counter-clockwise quarter turns. */
  readonly rotate?: number;
  /** imir: 0 top-bottom, 1 left-right. */
  readonly mirror?: 0 | 1;
  readonly icc?: Buffer;
  readonly nclx?: { primaries: number; transfer: number; matrix: number; fullRange: boolean };
  /** An alpha plane: a monochrome picture of the image's size. */
  readonly alpha?: CodedPicture;
  /** Clean aperture: a centred crop to this size. */
  readonly clap?: { readonly width: number; readonly height: number };
  /** Put a thumbnail item (a small picture) in the file too. */
  readonly thumbnail?: CodedPicture;
  /**
   * Auxiliary images of the primary (depth, mattes): each an hvc1 item with an auxC property (type
   * URN, then `subtype` bytes) and an auxl reference to the primary; optionally its own irot/imir,
   * as Apple writes them.
   */
  readonly auxiliary?: ReadonlyArray<{ readonly picture: CodedPicture; readonly urn: string; readonly subtype?: Buffer; readonly rotate?: number; readonly mirror?: 0 | 1 }>;
  /** Add an iOS 18 style tone-map item (`tmap`, derived from the primary) and link the auxiliary images to it instead. */
  readonly auxToToneMap?: boolean;
}

/** A HEIC file (brands heic/mif1) with the layout given. */
export const writeHeif = (l: HeifLayout): Buffer => {
  const props: Buffer[] = [];
  const prop = (b: Buffer): number => {
    props.push(b);
    return props.length;
  };
  interface Item { id: number; type: string; data: Buffer; props: Array<[number, boolean]>; hidden?: boolean }
  const items: Item[] = [];
  const refs: Array<[string, number, number[]]> = [];
  let nextId = 1;
  const add = (type: string, data: Buffer, ps: Array<[number, boolean]>): number => {
    const id = nextId++;
    items.push({ id, type, data, props: ps });
    return id;
  };
  const picItem = (p: CodedPicture, extra: Array<[number, boolean]> = []): number =>
    add('hvc1', lengthPrefixed(p.slices), [[prop(hvcC(p)), true], [prop(box('ispe', full(0), u32(p.width), u32(p.height))), false], ...extra]);

  const transforms: Array<[number, boolean]> = [];
  if (l.clap) {
    // Centred: both offsets 0 (they are measured from the image centre).
    transforms.push([prop(box('clap', u32(l.clap.width), u32(1), u32(l.clap.height), u32(1), u32(0), u32(1), u32(0), u32(1))), true]);
  }
  if (l.rotate) transforms.push([prop(box('irot', u8(l.rotate & 3))), true]);
  if (l.mirror !== undefined) transforms.push([prop(box('imir', u8(l.mirror))), true]);
  const colour: Array<[number, boolean]> = [];
  if (l.icc) colour.push([prop(box('colr', Buffer.from('prof'), l.icc)), false]);
  if (l.nclx) colour.push([prop(box('colr', Buffer.from('nclx'), u16(l.nclx.primaries), u16(l.nclx.transfer), u16(l.nclx.matrix), u8(l.nclx.fullRange ? 0x80 : 0))), false]);

  let primary: number;
  if (l.grid) {
    const g = l.grid;
    const tiles = l.pictures.map((p) => picItem(p));
    for (const t of items) if (tiles.includes(t.id)) t.hidden = true; // tiles are not shown on their own
    const desc = Buffer.concat([u8(0), u8(0), u8(g.rows - 1), u8(g.columns - 1), u16(g.width), u16(g.height)]);
    primary = add('grid', desc, [[prop(box('ispe', full(0), u32(g.width), u32(g.height))), false], ...colour, ...transforms]);
    refs.push(['dimg', primary, tiles]);
  } else {
    primary = picItem(l.pictures[0]!, [...colour, ...transforms]);
  }
  if (l.alpha) {
    const auxC = prop(box('auxC', full(0), cstr('urn:mpeg:hevc:2015:auxid:1')));
    const a = picItem(l.alpha, [[auxC, true]]);
    refs.push(['auxl', a, [primary]]);
  }
  let auxTarget = primary;
  if (l.auxToToneMap) {
    // The tone map's own parameters do not matter here (no decoder reads them for the primary).
    auxTarget = add('tmap', Buffer.from([0, 0, 0, 0]), []);
    refs.push(['dimg', auxTarget, [primary]]);
  }
  for (const a of l.auxiliary ?? []) {
    const ps: Array<[number, boolean]> = [[prop(box('auxC', full(0), cstr(a.urn), a.subtype ?? Buffer.alloc(0))), true]];
    if (a.rotate) ps.push([prop(box('irot', u8(a.rotate & 3))), true]);
    if (a.mirror !== undefined) ps.push([prop(box('imir', u8(a.mirror))), true]);
    const id = picItem(a.picture, ps);
    refs.push(['auxl', id, [auxTarget]]);
  }
  if (l.thumbnail) {
    const t = picItem(l.thumbnail);
    refs.push(['thmb', t, [primary]]);
  }

  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heicmiaf'));
  const ipco = box('ipco', ...props);
  const ipma = box('ipma', full(0), u32(items.length), ...items.map((it) => Buffer.concat([u16(it.id), u8(it.props.length), ...it.props.map(([i, e]) => u8((e ? 0x80 : 0) | i))])));
  const iref = refs.length ? box('iref', full(0), ...refs.map(([t, from, to]) => box(t, u16(from), u16(to.length), ...to.map(u16)))) : Buffer.alloc(0);
  const iinf = box('iinf', full(0), u16(items.length), ...items.map((it) => box('infe', full(2, it.hidden ? 1 : 0), u16(it.id), u16(0), Buffer.from(it.type), cstr(''))));
  const meta = (base: number) => {
    let off = base;
    const entries = items.map((it) => {
      const e = Buffer.concat([u16(it.id), u16(0), u16(1), u32(off), u32(it.data.length)]);
      off += it.data.length;
      return e;
    });
    const iloc = box('iloc', full(0), Buffer.from([0x44, 0x00]), u16(items.length), ...entries);
    return box('meta', full(0), box('hdlr', full(0), u32(0), Buffer.from('pict'), Buffer.alloc(12), cstr('')), box('pitm', full(0), u16(primary)), iloc, iinf, iref, box('iprp', ipco, ipma));
  };
  const base = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(base), box('mdat', ...items.map((it) => it.data))]);
};

/** Raw planar frames: RGB pictures (3 bytes a pixel) → yuv420p through ffmpeg (full range BT.601 by default). */
export const rgbToYuvFrames = (rgb: Buffer, width: number, height: number, count: number, o: { fullRange?: boolean; matrix?: 'bt470bg' | 'bt709'; pixFmt?: 'yuv420p' | 'gray' | 'yuv444p' } = {}): Buffer => {
  const { ffmpeg } = resolveBinaries();
  const matrix = o.matrix === 'bt709' ? 'bt709' : 'bt601';
  const r = spawnSync(ffmpeg, ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', String(count),
    '-vf', `scale=out_color_matrix=${matrix}:out_range=${o.fullRange === false ? 'tv' : 'pc'}:flags=accurate_rnd+full_chroma_int`, '-pix_fmt', o.pixFmt ?? 'yuv420p', '-f', 'rawvideo', 'pipe:1'], { input: rgb, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return r.stdout;
};
