/**
 * Whether a HEIC's primary image can be decoded by a native HEVC decoder (ffmpeg) instead of
 * libheif, and if so everything that decode needs: the tiles as one Annex-B stream, the grid
 * layout, the colour signalling libheif would use to turn YCbCr into RGB, and the file summary
 * (images held, auxiliary images, thumbnails) libheif would report.
 *
 * The plan only covers what is common and unambiguous (phones: 8-bit 4:2:0 tiles with the same
 * parameter sets, no alpha plane, no clean aperture, colour boxes that agree with the bitstream);
 * anything else gets `null` and a reason, and libheif decodes it as before. Pure.
 */
import type { Box } from './bmff.js';
import { NAL_SPS, nalType, parameterSets, parseHvcC, readSps, toAnnexB, type Sps } from './hevc.js';
import type { HeifItems } from './items.js';
import type { Nclx } from './bmff.js';

/** Item types libheif treats as images (libheif context.cc, item_type_is_image). */
const IMAGE_TYPES = new Set(['hvc1', 'av01', 'grid', 'tili', 'iden', 'iovl', 'avc1', 'unci', 'vvc1', 'jpeg', 'j2k1', 'mski']);
const ALPHA_URNS = new Set(['urn:mpeg:avc:2015:auxid:1', 'urn:mpeg:hevc:2015:auxid:1', 'urn:mpeg:mpegB:cicp:systems:auxiliary:alpha']);
/** Properties the primary item may carry for the native path (anything else essential: libheif). */
const KNOWN = new Set(['hvcC', 'ispe', 'colr', 'pixi', 'irot', 'imir', 'auxC', 'pasp', 'clli', 'mdcv', 'rloc', 'lsel']);
const TILE_KNOWN = new Set(['hvcC', 'ispe', 'colr', 'pixi']);
/** Matrix coefficients whose YCbCr → RGB libheif does with a plain linear matrix. */
const MATRICES = new Set([1, 2, 5, 6, 9]);

export interface HeifSummary {
  /** Top-level images (shown images that are not thumbnails or auxiliary images). */
  readonly topCount: number;
  readonly primaryIndex: number;
  /** Auxiliary image types (URNs) of the top-level images, alpha planes left out, in item order. */
  readonly auxTypes: readonly string[];
  readonly thumbnails: number;
}

export interface HevcPlan {
  /** Coded size of one tile (the whole image when not a grid). */
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly columns: number;
  readonly rows: number;
  /** Size of the assembled image before rotation (the grid's output size, or the tile's). */
  readonly width: number;
  readonly height: number;
  /** Every tile, in row-major order, as one Annex-B stream (parameter sets before each tile). */
  readonly stream: Buffer;
  /** YCbCr → RGB as libheif would do it. */
  readonly fullRange: boolean;
  readonly matrix: number;
  /** The colour boxes libheif reports for the image (a grid without its own takes its first tile's). */
  readonly icc: Buffer | null;
  readonly nclx: Nclx | null;
  readonly summary: HeifSummary;
}

export type PlanResult = { readonly plan: HevcPlan } | { readonly plan: null; readonly reason: string };

const no = (reason: string): PlanResult => ({ plan: null, reason });

const boxBody = (items: HeifItems, b: Box) => items.buf.subarray(b.body, b.end);

const auxType = (items: HeifItems, id: number): string | null => {
  const auxC = items.props(id).find((p) => p.box.type === 'auxC');
  if (!auxC) return null;
  const body = boxBody(items, auxC.box);
  const end = body.indexOf(0, 4);
  return body.toString('latin1', 4, end < 0 ? body.length : end);
};

/** What libheif reports about the file's images (libheif context.cc, interpret_heif_file_images). */
export const summarise = (items: HeifItems): HeifSummary | null => {
  const images = [...items.items].filter(([, i]) => IMAGE_TYPES.has(i.type) || (i.type === 'mime' && i.contentType === 'image/jpeg')).map(([id]) => id);
  const isImage = new Set(images);
  if (!isImage.has(items.primaryId)) return null;
  const top = new Set(images.filter((id) => !items.items.get(id)!.hidden));
  const thumbsOf = new Map<number, number>();
  const auxOf = new Map<number, number[]>();
  for (const id of [...images].sort((a, b) => a - b)) {
    const thumbOf = items.refsFrom('thmb', id);
    if (thumbOf.length) {
      for (const t of thumbOf) {
        if (!isImage.has(t)) return null; // libheif refuses the file
        thumbsOf.set(t, (thumbsOf.get(t) ?? 0) + 1);
      }
      top.delete(id);
    }
    const auxFor = items.refsFrom('auxl', id);
    if (auxFor.length) {
      const urn = auxType(items, id);
      if (urn === null) return null; // libheif refuses an auxiliary image without a type
      for (const t of auxFor) {
        if (!isImage.has(t)) continue;
        if (!ALPHA_URNS.has(urn)) auxOf.set(t, [...(auxOf.get(t) ?? []), id]);
        top.delete(id);
      }
    }
  }
  const topIds = images.filter((id) => top.has(id));
  const primaryIndex = topIds.indexOf(items.primaryId);
  if (primaryIndex < 0) return null;
  const auxTypes: string[] = [];
  let thumbnails = 0;
  for (const id of topIds) {
    thumbnails += thumbsOf.get(id) ?? 0;
    for (const a of auxOf.get(id) ?? []) auxTypes.push(auxType(items, a)!);
  }
  return { topCount: topIds.length, primaryIndex, auxTypes, thumbnails };
};

const readIcc = (items: HeifItems, id: number): Buffer | null => {
  for (const p of items.props(id)) {
    if (p.box.type !== 'colr') continue;
    const kind = items.buf.toString('latin1', p.box.body, p.box.body + 4);
    if (kind === 'prof' || kind === 'rICC') return Buffer.from(items.buf.subarray(p.box.body + 4, p.box.end));
  }
  return null;
};

const readNclx = (items: HeifItems, id: number): Nclx | null => {
  for (const p of items.props(id)) {
    if (p.box.type !== 'colr') continue;
    const b = boxBody(items, p.box);
    if (b.toString('latin1', 0, 4) === 'nclx' && b.length >= 11) {
      return { primaries: b.readUInt16BE(4), transfer: b.readUInt16BE(6), matrix: b.readUInt16BE(8), fullRange: (b[10]! & 0x80) !== 0 };
    }
  }
  return null;
};

/**
 * The colour libheif converts with: the colr nclx box when there is one (a grid without one takes
 * its first tile's), else the stream's VUI (limited range and unspecified matrix when absent).
 * A colr box that disagrees with the VUI makes libheif warn (and us refuse the file): libheif's case.
 */
const consolidate = (colr: Nclx | null, sps: Sps): { fullRange: boolean; matrix: number } | null => {
  const vui = { primaries: sps.colour?.primaries ?? 2, transfer: sps.colour?.transfer ?? 2, matrix: sps.colour?.matrix ?? 2, fullRange: sps.fullRange ?? false };
  if (!colr) return { fullRange: vui.fullRange, matrix: vui.matrix };
  const differ = (a: number, b: number) => a !== 2 && b !== 2 && a !== b;
  if (differ(vui.primaries, colr.primaries) || differ(vui.transfer, colr.transfer) || differ(vui.matrix, colr.matrix) || vui.fullRange !== colr.fullRange) return null;
  return { fullRange: colr.fullRange, matrix: colr.matrix };
};

export const planHevc = (items: HeifItems): PlanResult => {
  const summary = summarise(items);
  if (!summary) return no('file structure libheif reads its own way');
  const pid = items.primaryId;
  const type = items.items.get(pid)?.type;
  for (const p of items.props(pid)) if (p.essential && !KNOWN.has(p.box.type)) return no(`primary image has a ${p.box.type} property`);
  if (items.props(pid).some((p) => p.box.type === 'clap')) return no('clean aperture');
  for (const a of items.refsTo('auxl', pid)) if (ALPHA_URNS.has(auxType(items, a) ?? '')) return no('alpha plane');

  let tiles: number[];
  let columns = 1, rows = 1, width = 0, height = 0;
  if (type === 'hvc1') {
    tiles = [pid];
  } else if (type === 'grid') {
    const g = items.data(pid);
    if (!g || g.length < 8 || g[0] !== 0) return no('grid description unreadable');
    const wide = (g[1]! & 1) === 1;
    if (g.length < (wide ? 12 : 8)) return no('grid description unreadable');
    rows = g[2]! + 1;
    columns = g[3]! + 1;
    width = wide ? g.readUInt32BE(4) : g.readUInt16BE(4);
    height = wide ? g.readUInt32BE(8) : g.readUInt16BE(6);
    tiles = items.refsFrom('dimg', pid);
    if (tiles.length !== rows * columns) return no('grid tiles missing');
  } else return no(`primary image is a ${type ?? 'missing'} item`);

  let hvcCBytes: Buffer | null = null;
  let tileWidth = 0, tileHeight = 0;
  const parts: Buffer[] = [];
  let sps: Sps | null = null;
  for (const t of tiles) {
    if (items.items.get(t)?.type !== 'hvc1') return no('a tile that is not HEVC');
    const ps = items.props(t);
    if (t !== pid) for (const p of ps) if (p.essential && !TILE_KNOWN.has(p.box.type)) return no(`a tile has a ${p.box.type} property`);
    const hv = ps.find((p) => p.box.type === 'hvcC');
    const ispe = ps.find((p) => p.box.type === 'ispe');
    if (!hv || !ispe) return no('a tile without hvcC or ispe');
    const body = boxBody(items, hv.box);
    if (!hvcCBytes) {
      hvcCBytes = body;
      const isp = boxBody(items, ispe.box);
      if (isp.length < 12) return no('ispe unreadable');
      tileWidth = isp.readUInt32BE(4);
      tileHeight = isp.readUInt32BE(8);
    } else if (!body.equals(hvcCBytes)) return no('tiles coded with different parameters');
    else {
      const isp = boxBody(items, ispe.box);
      if (isp.length < 12 || isp.readUInt32BE(4) !== tileWidth || isp.readUInt32BE(8) !== tileHeight) return no('tiles of different sizes');
    }
    const c = parseHvcC(body);
    if (!c) return no('hvcC unreadable');
    if (c.chromaFormat !== 1 || c.bitDepthLuma !== 8 || c.bitDepthChroma !== 8) return no(`${c.bitDepthLuma}-bit, chroma format ${c.chromaFormat}`);
    if (!sps) {
      const nal = c.nals.find((n) => nalType(n) === NAL_SPS);
      sps = nal ? readSps(nal) : null;
      if (!sps) return no('sequence parameter set unreadable');
      if (sps.chromaFormat !== 1 || sps.bitDepthLuma !== 8 || sps.bitDepthChroma !== 8) return no('not 8-bit 4:2:0');
      if (sps.width !== tileWidth || sps.height !== tileHeight) return no('coded size differs from ispe');
      if (tileWidth % 2 || tileHeight % 2) return no('odd tile size');
    }
    const data = items.data(t);
    const nals = data ? toAnnexB(data, c.lengthSize) : null;
    if (!nals || nals.length === 0) return no('tile data unreadable');
    parts.push(...parameterSets(c), ...nals);
  }
  if (type === 'hvc1') {
    width = tileWidth;
    height = tileHeight;
  } else if (!(width > 0 && height > 0 && width <= columns * tileWidth && height <= rows * tileHeight)) return no('grid size does not fit its tiles');

  const nclx = readNclx(items, pid) ?? (type === 'grid' ? readNclx(items, tiles[0]!) : null);
  const icc = readIcc(items, pid) ?? (type === 'grid' ? readIcc(items, tiles[0]!) : null);
  const colour = consolidate(nclx, sps!);
  if (!colour) return no('colour box and bitstream disagree');
  if (!MATRICES.has(colour.matrix)) return no(`matrix coefficients ${colour.matrix}`);
  return { plan: { tileWidth, tileHeight, columns, rows, width, height, stream: Buffer.concat(parts), ...colour, icc, nclx, summary } };
};
