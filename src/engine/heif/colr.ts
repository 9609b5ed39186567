/**
 * The colour boxes (`colr`) of a HEIF file's primary item, read from the ISO-BMFF structure
 * (meta → pitm, iprp → ipco + ipma). Pure parsing of bytes; no decoding.
 */
export interface HeifColour {
  readonly icc: Buffer | null;
  readonly nclx: { primaries: number; transfer: number; matrix: number; fullRange: boolean } | null;
}

interface Box { type: string; start: number; end: number; body: number }

const boxes = (b: Buffer, start: number, end: number): Box[] => {
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
    if (size < 8 || p + size > end) break;
    out.push({ type, start: p, end: p + size, body });
    p += size;
  }
  return out;
};

export const primaryColour = (data: Uint8Array): HeifColour => {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const none: HeifColour = { icc: null, nclx: null };
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return none;
  const kids = boxes(b, meta.body + 4, meta.end); // meta is a FullBox
  const pitm = kids.find((x) => x.type === 'pitm');
  let primary = -1;
  if (pitm) primary = b[pitm.body] === 0 ? b.readUInt16BE(pitm.body + 4) : b.readUInt32BE(pitm.body + 4);
  const iprp = kids.find((x) => x.type === 'iprp');
  if (!iprp) return none;
  const ip = boxes(b, iprp.body, iprp.end);
  const ipco = ip.find((x) => x.type === 'ipco');
  if (!ipco) return none;
  const props = boxes(b, ipco.body, ipco.end);
  // Which properties belong to the primary item (1-based indices into ipco).
  const mine = new Set<number>();
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
        if (id === primary || primary < 0) mine.add(idx);
      }
    }
  }
  let icc: Buffer | null = null;
  let nclx: HeifColour['nclx'] = null;
  props.forEach((box, i) => {
    if (box.type !== 'colr' || (mine.size > 0 && !mine.has(i + 1))) return;
    const kind = b.toString('latin1', box.body, box.body + 4);
    if ((kind === 'prof' || kind === 'rICC') && !icc) icc = Buffer.from(b.subarray(box.body + 4, box.end));
    if (kind === 'nclx' && !nclx && box.body + 11 <= box.end) {
      nclx = { primaries: b.readUInt16BE(box.body + 4), transfer: b.readUInt16BE(box.body + 6), matrix: b.readUInt16BE(box.body + 8), fullRange: (b[box.body + 10]! & 0x80) !== 0 };
    }
  });
  return { icc, nclx };
};

/**
 * Whether any item's data (iloc extents stored in the file itself) reaches past the end of the
 * file: a truncated download. libheif would otherwise fill the missing tiles of a grid with black.
 */
export const truncatedItems = (data: Uint8Array): boolean => {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
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
    if (p + 16 > iloc.end) return false;
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
