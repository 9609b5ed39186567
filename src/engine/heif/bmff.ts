/**
 * Just enough ISO-BMFF (ISO/IEC 14496-12) and HEIF (ISO/IEC 23008-12) parsing to sniff a HEIF
 * file, read the primary item's properties (colour boxes, rotation, mirroring) and notice a file
 * cut short. Pure byte parsing: nothing is decoded, nothing throws on malformed input.
 */

export interface Box {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Offset of the payload (after the size/type header). */
  readonly body: number;
}

const asBuffer = (d: Uint8Array): Buffer => (Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength));

/** The boxes between `start` and `end`; stops at the first box that does not fit. */
export const boxes = (b: Buffer, start: number, end: number): Box[] => {
  const out: Box[] = [];
  let p = start;
  while (p + 8 <= end) {
    let size = b.readUInt32BE(p);
    const type = b.toString('latin1', p + 4, p + 8);
    let body = p + 8;
    if (size === 1) {
      if (p + 16 > end) break;
      size = Number(b.readBigUInt64BE(p + 8));
      body = p + 16;
    } else if (size === 0) size = end - p;
    if (size < body - p || p + size > end) break;
    out.push({ type, start: p, end: p + size, body });
    p += size;
  }
  return out;
};

/** Brands of a leading `ftyp` box (major first, then compatible), or null when there is none. */
export const ftypBrands = (data: Uint8Array): string[] | null => {
  if (data.length < 16) return null;
  const b = asBuffer(data);
  if (b.toString('latin1', 4, 8) !== 'ftyp') return null;
  const size = Math.min(b.readUInt32BE(0), b.length);
  if (size < 16) return null;
  const brands = [b.toString('latin1', 8, 12)];
  for (let p = 16; p + 4 <= size; p += 4) brands.push(b.toString('latin1', p, p + 4));
  return brands;
};

export interface Nclx {
  readonly primaries: number;
  readonly transfer: number;
  readonly matrix: number;
  readonly fullRange: boolean;
}

export interface PrimaryProps {
  /** Item id of the primary image (pitm), or -1. */
  readonly primaryId: number;
  /** ICC profile bytes from a `colr` box of type `prof` or `rICC`. */
  readonly icc: Buffer | null;
  readonly nclx: Nclx | null;
  /** Transformative properties in the order they apply (ipma order): rotations are counter-clockwise degrees. */
  readonly transforms: ReadonlyArray<{ readonly rotateCcw: number } | { readonly mirror: 'top-bottom' | 'left-right' }>;
  /** Size of the coded image (ispe), before rotation. */
  readonly ispe: { readonly width: number; readonly height: number } | null;
}

const NONE: PrimaryProps = { primaryId: -1, icc: null, nclx: null, transforms: [], ispe: null };

/** Properties associated with the primary item, read from meta → pitm and iprp → ipco + ipma. */
export const primaryProps = (data: Uint8Array): PrimaryProps => {
  try {
    return readPrimaryProps(asBuffer(data));
  } catch {
    return NONE;
  }
};

const readPrimaryProps = (b: Buffer): PrimaryProps => {
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return NONE;
  const kids = boxes(b, meta.body + 4, meta.end); // meta is a FullBox
  const pitm = kids.find((x) => x.type === 'pitm');
  const primaryId = pitm ? (b[pitm.body] === 0 ? b.readUInt16BE(pitm.body + 4) : b.readUInt32BE(pitm.body + 4)) : -1;
  const iprp = kids.find((x) => x.type === 'iprp');
  if (!iprp) return { ...NONE, primaryId };
  const ip = boxes(b, iprp.body, iprp.end);
  const ipco = ip.find((x) => x.type === 'ipco');
  if (!ipco) return { ...NONE, primaryId };
  const props = boxes(b, ipco.body, ipco.end);
  // The primary item's property indices (1-based into ipco), in association order.
  const mine: number[] = [];
  for (const ipma of ip.filter((x) => x.type === 'ipma')) {
    const version = b[ipma.body]!;
    const flags = b.readUIntBE(ipma.body + 1, 3);
    let p = ipma.body + 4;
    const count = b.readUInt32BE(p);
    p += 4;
    for (let i = 0; i < count && p < ipma.end; i++) {
      const id = version < 1 ? b.readUInt16BE(p) : b.readUInt32BE(p);
      p += version < 1 ? 2 : 4;
      const n = b[p++]!;
      for (let k = 0; k < n; k++) {
        const idx = flags & 1 ? b.readUInt16BE(p) & 0x7fff : b[p]! & 0x7f;
        p += flags & 1 ? 2 : 1;
        if (id === primaryId) mine.push(idx);
      }
    }
  }
  let icc: Buffer | null = null;
  let nclx: Nclx | null = null;
  let ispe: PrimaryProps['ispe'] = null;
  const transforms: Array<PrimaryProps['transforms'][number]> = [];
  for (const idx of mine) {
    const box = props[idx - 1];
    if (!box) continue;
    if (box.type === 'colr') {
      const kind = b.toString('latin1', box.body, box.body + 4);
      if ((kind === 'prof' || kind === 'rICC') && !icc) icc = Buffer.from(b.subarray(box.body + 4, box.end));
      if (kind === 'nclx' && !nclx && box.body + 11 <= box.end) {
        nclx = { primaries: b.readUInt16BE(box.body + 4), transfer: b.readUInt16BE(box.body + 6), matrix: b.readUInt16BE(box.body + 8), fullRange: (b[box.body + 10]! & 0x80) !== 0 };
      }
    } else if (box.type === 'irot' && box.body < box.end) {
      transforms.push({ rotateCcw: (b[box.body]! & 3) * 90 });
    } else if (box.type === 'imir' && box.body < box.end) {
      // HEIF 2nd edition (and libheif, and Apple): 0 exchanges top and bottom, 1 exchanges left and
      // right. (The 2017 text said "vertical axis" for 0; iPhone files follow the corrected reading:
      // irot 90 + imir 0 is the same picture as their EXIF orientation 5, a transpose.)
      transforms.push({ mirror: (b[box.body]! & 1) === 0 ? 'top-bottom' : 'left-right' });
    } else if (box.type === 'ispe' && box.body + 12 <= box.end) {
      ispe = { width: b.readUInt32BE(box.body + 4), height: b.readUInt32BE(box.body + 8) };
    }
  }
  return { primaryId, icc, nclx, transforms, ispe };
};

/**
 * Whether any item's data (iloc extents stored in the file itself) reaches past the end of the
 * file: a truncated download. libheif would otherwise fill the missing tiles of a grid with black,
 * or fail deep inside the HEVC decoder with a less helpful message.
 */
export const truncatedItems = (data: Uint8Array): boolean => {
  try {
    return readTruncated(asBuffer(data));
  } catch {
    return false;
  }
};

const readTruncated = (b: Buffer): boolean => {
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return false;
  const iloc = boxes(b, meta.body + 4, meta.end).find((x) => x.type === 'iloc');
  if (!iloc) return false;
  const v = b[iloc.body]!;
  let p = iloc.body + 4;
  const read = (n: number): number => {
    if (n === 0) return 0;
    const val = n === 8 ? Number(b.readBigUInt64BE(p)) : b.readUIntBE(p, n);
    p += n;
    return val;
  };
  const offSize = b[p]! >> 4, lenSize = b[p]! & 15, baseSize = b[p + 1]! >> 4, idxSize = v >= 1 ? b[p + 1]! & 15 : 0;
  p += 2;
  const count = v < 2 ? read(2) : read(4);
  for (let i = 0; i < count; i++) {
    if (p >= iloc.end) return false;
    read(v < 2 ? 2 : 4);
    const method = v >= 1 ? read(2) & 15 : 0;
    read(2);
    const base = read(baseSize);
    const extents = read(2);
    for (let k = 0; k < extents; k++) {
      read(idxSize);
      const off = read(offSize);
      const len = read(lenSize);
      if (method === 0 && base + off + len > b.length) return true;
    }
  }
  return false;
};
