/**
 * The item level of a HEIF file (ISO/IEC 23008-12): item types (iinf), where each item's bytes are
 * (iloc, idat), references between items (iref) and each item's properties (ipco + ipma). Enough to
 * find the primary image's coded HEVC tiles and how they are laid out, so they can be handed to a
 * native decoder. Pure byte parsing; malformed input gives null, never a throw.
 */
import { boxes, type Box } from './bmff.js';

export interface ItemProperty {
  readonly box: Box;
  readonly essential: boolean;
}

export interface ItemInfo {
  /** Item type, four characters ('hvc1', 'grid', 'Exif', 'mime'...). */
  readonly type: string;
  /** Flag 1 of its infe box: not meant to be shown on its own (tiles, usually). */
  readonly hidden: boolean;
  /** Content type of a 'mime' item, else ''. */
  readonly contentType: string;
}

export interface HeifItems {
  readonly buf: Buffer;
  readonly primaryId: number;
  /** Every item with a type (infe version 2 or later), in the order the file lists them. */
  readonly items: ReadonlyMap<number, ItemInfo>;
  /** Items referenced by `from` with a reference of this type, in order. */
  refsFrom(type: string, from: number): number[];
  /** Items that reference `to` with a reference of this type. */
  refsTo(type: string, to: number): number[];
  /** The item's properties in association order. */
  props(id: number): ItemProperty[];
  /** The item's bytes (its extents joined), or null when they are not in this file. */
  data(id: number): Buffer | null;
}

interface Location {
  method: number;
  base: number;
  extents: Array<{ offset: number; length: number }>;
}

const asBuffer = (d: Uint8Array): Buffer => (Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength));

export const readItems = (data: Uint8Array): HeifItems | null => {
  try {
    return parse(asBuffer(data));
  } catch {
    return null;
  }
};

const parse = (b: Buffer): HeifItems | null => {
  const meta = boxes(b, 0, b.length).find((x) => x.type === 'meta');
  if (!meta) return null;
  const kids = boxes(b, meta.body + 4, meta.end);
  const find = (t: string) => kids.find((x) => x.type === t);
  const pitm = find('pitm');
  if (!pitm) return null;
  const primaryId = b[pitm.body] === 0 ? b.readUInt16BE(pitm.body + 4) : b.readUInt32BE(pitm.body + 4);

  // iinf: item types.
  const items = new Map<number, ItemInfo>();
  const iinf = find('iinf');
  if (!iinf) return null;
  const iinfStart = iinf.body + 4 + (b[iinf.body] === 0 ? 2 : 4);
  for (const infe of boxes(b, iinfStart, iinf.end)) {
    if (infe.type !== 'infe') continue;
    const v = b[infe.body]!;
    if (v < 2) continue; // versions 0 and 1 carry no item type
    const hidden = (b[infe.body + 3]! & 1) === 1;
    const p = infe.body + 4;
    const id = v === 2 ? b.readUInt16BE(p) : b.readUInt32BE(p);
    const at = p + (v === 2 ? 2 : 4) + 2;
    const type = b.toString('latin1', at, at + 4);
    let contentType = '';
    if (type === 'mime') {
      const nameEnd = b.indexOf(0, at + 4);
      if (nameEnd >= 0 && nameEnd < infe.end) {
        const ctEnd = b.indexOf(0, nameEnd + 1);
        contentType = b.toString('latin1', nameEnd + 1, ctEnd >= 0 && ctEnd < infe.end ? ctEnd : infe.end);
      }
    }
    items.set(id, { type, hidden, contentType });
  }

  // iloc: where each item's bytes are.
  const locations = new Map<number, Location>();
  const iloc = find('iloc');
  if (iloc) {
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
    for (let i = 0; i < count && p < iloc.end; i++) {
      const id = v < 2 ? read(2) : read(4);
      const method = v >= 1 ? read(2) & 15 : 0;
      read(2); // data_reference_index: 0 = this file
      const base = read(baseSize);
      const n = read(2);
      const extents: Location['extents'] = [];
      for (let k = 0; k < n; k++) {
        read(idxSize);
        const offset = read(offSize);
        const length = read(lenSize);
        extents.push({ offset, length });
      }
      locations.set(id, { method, base, extents });
    }
  }
  const idat = find('idat');

  // iref: references.
  const refs: Array<{ type: string; from: number; to: number[] }> = [];
  const iref = find('iref');
  if (iref) {
    const wide = b[iref.body] !== 0;
    for (const r of boxes(b, iref.body + 4, iref.end)) {
      let p = r.body;
      const id = () => {
        const x = wide ? b.readUInt32BE(p) : b.readUInt16BE(p);
        p += wide ? 4 : 2;
        return x;
      };
      const from = id();
      const n = b.readUInt16BE(p);
      p += 2;
      const to: number[] = [];
      for (let k = 0; k < n && p < r.end; k++) to.push(id());
      refs.push({ type: r.type, from, to });
    }
  }

  // iprp: properties and their associations.
  const props = new Map<number, ItemProperty[]>();
  const iprp = find('iprp');
  if (iprp) {
    const ip = boxes(b, iprp.body, iprp.end);
    const ipco = ip.find((x) => x.type === 'ipco');
    const all = ipco ? boxes(b, ipco.body, ipco.end) : [];
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
        const list = props.get(id) ?? [];
        for (let k = 0; k < n; k++) {
          const raw = flags & 1 ? b.readUInt16BE(p) : b[p]!;
          p += flags & 1 ? 2 : 1;
          const essential = flags & 1 ? (raw & 0x8000) !== 0 : (raw & 0x80) !== 0;
          const idx = flags & 1 ? raw & 0x7fff : raw & 0x7f;
          const box = all[idx - 1];
          if (box) list.push({ box, essential });
        }
        props.set(id, list);
      }
    }
  }

  return {
    buf: b,
    primaryId,
    items,
    refsFrom: (type, from) => refs.filter((r) => r.type === type && r.from === from).flatMap((r) => r.to),
    refsTo: (type, to) => refs.filter((r) => r.type === type && r.to.includes(to)).map((r) => r.from),
    props: (id) => props.get(id) ?? [],
    data: (id) => {
      const loc = locations.get(id);
      if (!loc || loc.extents.length === 0) return null;
      let src: Buffer;
      let start: number;
      if (loc.method === 0) {
        src = b;
        start = 0;
      } else if (loc.method === 1 && idat) {
        src = b.subarray(idat.body, idat.end);
        start = 0;
      } else return null;
      const parts: Buffer[] = [];
      for (const e of loc.extents) {
        const from = start + loc.base + e.offset;
        // A zero length means "to the end of the file" (only sensible for a single extent).
        const to = e.length === 0 ? src.length : from + e.length;
        if (from < 0 || to > src.length || from > to) return null;
        parts.push(src.subarray(from, to));
      }
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    },
  };
};
