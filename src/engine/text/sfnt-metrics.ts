/**
 * Just enough of a TrueType/OpenType reader to measure text for line wrapping: the cmap
 * (which code points a font has), horizontal advances and a few vertical metrics.
 * Kerning and shaping are ignored, so measured widths can be a few percent wider than what
 * resvg draws; layout leaves room for that.
 */
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  readonly unitsPerEm: number;
  /** Cap height in em (from OS/2, or 0.7 when the font does not say). */
  readonly capHeight: number;
  has(cp: number): boolean;
  /** Advance width in em of the glyph for `cp` (the .notdef advance when missing). */
  advance(cp: number): number;
}

const tableOffsets = (dv: DataView, buf: Buffer): Map<string, number> => {
  const n = dv.getUint16(4);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = 12 + i * 16;
    out.set(buf.toString('latin1', r, r + 4), dv.getUint32(r + 8));
  }
  return out;
};

const readCmap = (dv: DataView, cmapOff: number): Map<number, number> => {
  const map = new Map<number, number>();
  const nt = dv.getUint16(cmapOff + 2);
  let f12 = -1;
  let f4 = -1;
  for (let i = 0; i < nt; i++) {
    const r = cmapOff + 4 + i * 8;
    const pid = dv.getUint16(r);
    const eid = dv.getUint16(r + 2);
    const off = cmapOff + dv.getUint32(r + 4);
    const fmt = dv.getUint16(off);
    if (fmt === 12 && (pid === 3 || pid === 0)) f12 = off;
    if (fmt === 4 && ((pid === 3 && (eid === 1 || eid === 0)) || pid === 0)) f4 = off;
  }
  if (f12 >= 0) {
    const ng = dv.getUint32(f12 + 12);
    for (let g = 0; g < ng; g++) {
      const p = f12 + 16 + g * 12;
      const start = dv.getUint32(p);
      const end = dv.getUint32(p + 4);
      const gid = dv.getUint32(p + 8);
      for (let c = start; c <= end; c++) map.set(c, gid + (c - start));
    }
    return map;
  }
  if (f4 >= 0) {
    const segX2 = dv.getUint16(f4 + 6);
    const ends = f4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    for (let k = 0; k < segX2 / 2; k++) {
      const end = dv.getUint16(ends + 2 * k);
      const start = dv.getUint16(starts + 2 * k);
      const delta = dv.getInt16(deltas + 2 * k);
      const ro = dv.getUint16(ranges + 2 * k);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let g: number;
        if (ro === 0) g = (c + delta) & 0xffff;
        else {
          g = dv.getUint16(ranges + 2 * k + ro + 2 * (c - start));
          if (g !== 0) g = (g + delta) & 0xffff;
        }
        if (g !== 0) map.set(c, g);
      }
    }
  }
  return map;
};

export const readFontMetrics = (file: string): FontMetrics => {
  const buf = readFileSync(file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const t = tableOffsets(dv, buf);
  const head = t.get('head');
  const hhea = t.get('hhea');
  const hmtx = t.get('hmtx');
  const cmapOff = t.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmapOff === undefined) {
    throw new Error(`not a usable font file: ${file}`);
  }
  const unitsPerEm = dv.getUint16(head + 18);
  const nh = dv.getUint16(hhea + 34);
  const advances = new Uint16Array(nh);
  for (let i = 0; i < nh; i++) advances[i] = dv.getUint16(hmtx + 4 * i);
  const os2 = t.get('OS/2');
  const capUnits = os2 !== undefined && dv.getUint16(os2) >= 2 ? dv.getInt16(os2 + 88) : 0;
  const capHeight = capUnits > 0 ? capUnits / unitsPerEm : 0.7;
  const cmap = readCmap(dv, cmapOff);
  return {
    unitsPerEm,
    capHeight,
    has: (cp) => cmap.has(cp),
    advance: (cp) => {
      const gid = cmap.get(cp) ?? 0;
      return advances[Math.min(gid, nh - 1)]! / unitsPerEm;
    },
  };
};
