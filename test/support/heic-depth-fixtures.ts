/**
 * iPhone-style HEICs made in code: a photo (HEVC, turned by irot/imir) with auxiliary images as
 * iOS writes them: a disparity map (`urn:mpeg:hevc:2015:auxid:2`, its depth representation SEI in
 * the auxC subtype), the portrait effects matte and the semantic sky matte, each a monochrome HEVC
 * picture with the photo's own rotation boxes. The scene is asymmetric (the near box sits up and to
 * the left), so a map turned the wrong way is noticed.
 */
import { placement } from '../../src/engine/heif/yuv-rgba.js';
import { layeredScene } from './depth-fixtures.js';
import { encodeHevcPictures, rgbToYuvFrames, writeHeif, type CodedPicture } from './heif-writer.js';

/** Where the near box is, in fractions of the upright photo. */
export const NEAR_BOX = { x: 0.1, y: 0.15, w: 0.35, h: 0.4 };

type Transforms = Parameters<typeof placement>[2];
const transformsOf = (rotate: number, mirror?: 0 | 1): Transforms => [
  ...(rotate ? [{ rotateCcw: (rotate & 3) * 90 }] : []),
  ...(mirror === undefined ? [] : [{ mirror: mirror === 0 ? ('top-bottom' as const) : ('left-right' as const) }]),
];

/** The coded picture (channels per pixel) that the transforms turn into the upright `up` of W x H. */
const codedFrom = (up: Uint8Array, W: number, H: number, channels: number, t: Transforms): { data: Buffer; width: number; height: number } => {
  const quarter = t.reduce((n, x) => n + ('rotateCcw' in x ? x.rotateCcw / 90 : 0), 0) % 2 === 1;
  const w = quarter ? H : W, h = quarter ? W : H;
  const p = placement(w, h, t);
  const out = Buffer.alloc(w * h * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = p.o0 + x * p.ox + y * p.oy;
    for (let c = 0; c < channels; c++) out[(y * w + x) * channels + c] = up[o * channels + c]!;
  }
  return { data: out, width: w, height: h };
};

/** Writes bits MSB first (H.265 RBSP syntax). */
class BitWriter {
  readonly bits: number[] = [];
  u(v: number, n: number): this { for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) & 1); return this; }
  ue(v: number): this { const x = v + 1, len = Math.floor(Math.log2(x)); return this.u(0, len).u(x, len + 1); }
  bytes(): number[] {
    const b = [...this.bits];
    while (b.length % 8) b.push(0);
    const out: number[] = [];
    for (let i = 0; i < b.length; i += 8) out.push(b.slice(i, i + 8).reduce((a, v) => a * 2 + v, 0));
    return out;
  }
}

export interface DepthInfo {
  readonly type: 'inverse-z' | 'disparity' | 'z' | 'nonuniform-disparity';
  readonly zNear?: number;
  readonly zFar?: number;
  readonly dMin?: number;
  readonly dMax?: number;
}

const element = (w: BitWriter, x: number) => {
  const e = Math.floor(Math.log2(Math.abs(x))) + 31;
  const len = 16;
  w.u(x < 0 ? 1 : 0, 1).u(e, 7).u(len - 1, 5).u(Math.round((Math.abs(x) / 2 ** (e - 31) - 1) * 2 ** len), len);
};

/** An SEI NAL unit (prefix) carrying depth_representation_info (payload 177), emulation-prevented. */
export const depthSei = (d: DepthInfo): Buffer => {
  const w = new BitWriter();
  w.u(d.zNear !== undefined ? 1 : 0, 1).u(d.zFar !== undefined ? 1 : 0, 1).u(d.dMin !== undefined ? 1 : 0, 1).u(d.dMax !== undefined ? 1 : 0, 1);
  w.ue(['inverse-z', 'disparity', 'z', 'nonuniform-disparity'].indexOf(d.type));
  if (d.dMin !== undefined || d.dMax !== undefined) w.ue(0);
  for (const v of [d.zNear, d.zFar, d.dMin, d.dMax]) if (v !== undefined) element(w, v);
  const payload = w.bytes();
  const raw = [177, payload.length, ...payload, 0x80];
  const out = [0x4e, 0x01];
  let zeros = 0;
  for (const v of raw) {
    if (zeros >= 2 && v <= 3) { out.push(3); zeros = 0; }
    out.push(v);
    zeros = v === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
};

/** Apple's auxC subtype: a 4-byte length, then each NAL unit after its 4-byte size. */
export const appleSubtype = (nal: Buffer): Buffer => {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(nal.length + 4, 0);
  b.writeUInt32BE(nal.length, 4);
  return Buffer.concat([b, nal]);
};

const gray = (up: Uint8Array, W: number, H: number, t: Transforms): CodedPicture => {
  const c = codedFrom(up, W, H, 1, t);
  return encodeHevcPictures(c.data, c.width, c.height, 1, { pixFmt: 'gray' })[0]!;
};

export interface HeicDepthOptions {
  readonly width: number;
  readonly height: number;
  /** irot of the photo (counter-clockwise quarter turns) and imir. */
  readonly rotate?: number;
  readonly mirror?: 0 | 1;
  /** A depth item: its representation (default disparity, as Apple), whether it carries the photo's irot/imir (default yes). */
  readonly depth?: { readonly info?: DepthInfo | null; readonly ownTransforms?: boolean; readonly junk?: boolean; readonly flat?: boolean };
  readonly portraitMatte?: boolean;
  /** A sky matte: the top `sky` fraction of the photo is sky (at 230 of 255: mattes are soft, not all 255). */
  readonly sky?: number;
  /** Link the auxiliary images to an iOS 18 tone-map item instead of the primary. */
  readonly toneMap?: boolean;
}

/** An iPhone Portrait-style HEIC of the layered scene. */
export const heicWithDepth = (o: HeicDepthOptions): Buffer => {
  const W = o.width, H = o.height;
  const t = transformsOf(o.rotate ?? 0, o.mirror);
  const { rgb, near } = layeredScene(W, H, NEAR_BOX);
  const c = codedFrom(rgb, W, H, 3, t);
  const photo = encodeHevcPictures(rgbToYuvFrames(c.data, c.width, c.height, 1), c.width, c.height, 1)[0]!;
  const dw = W / 2, dh = H / 2;
  const picture = (f: (x: number, y: number) => number): Uint8Array => {
    const d = new Uint8Array(dw * dh);
    for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) d[y * dw + x] = f((x + 0.5) * 2, (y + 0.5) * 2);
    return d;
  };
  const auxiliary: Array<{ picture: CodedPicture; urn: string; subtype?: Buffer; rotate?: number; mirror?: 0 | 1 }> = [];
  const own = { ...(o.rotate ? { rotate: o.rotate } : {}), ...(o.mirror === undefined ? {} : { mirror: o.mirror }) };
  if (o.depth) {
    const info = o.depth.info === undefined ? { type: 'disparity' as const, dMin: 0.15, dMax: 3.2 } : o.depth.info;
    // Disparity and inverse Z are bright near; Z is bright far.
    const [nv, fv] = info?.type === 'z' ? [20, 235] : [230, 30];
    const d = picture((x, y) => (o.depth!.flat ? 128 : near(x, y) ? nv : fv));
    const ownT = o.depth.ownTransforms !== false;
    let pic = gray(d, dw, dh, t);
    if (o.depth.junk) pic = { ...pic, slices: pic.slices.map((s) => Buffer.concat([s.subarray(0, 2), Buffer.alloc(300, 0x5a)])) };
    auxiliary.push({ picture: pic, urn: 'urn:mpeg:hevc:2015:auxid:2', ...(info ? { subtype: appleSubtype(depthSei(info)) } : {}), ...(ownT ? own : {}) });
  }
  if (o.portraitMatte) {
    auxiliary.push({ picture: gray(picture((x, y) => (near(x, y) ? 255 : 0)), dw, dh, t), urn: 'urn:com:apple:photo:2018:aux:portraiteffectsmatte', ...own });
  }
  if (o.sky !== undefined) {
    const sky = o.sky;
    auxiliary.push({ picture: gray(picture((_x, y) => (y < sky * H ? 230 : 0)), dw, dh, t), urn: 'urn:com:apple:photo:2020:aux:semanticskymatte', ...own });
  }
  return writeHeif({ pictures: [photo], ...(o.rotate ? { rotate: o.rotate } : {}), ...(o.mirror === undefined ? {} : { mirror: o.mirror }), auxiliary, ...(o.toneMap ? { auxToToneMap: true } : {}) });
};
