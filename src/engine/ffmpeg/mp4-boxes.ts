/** The top-level boxes of an ISO-BMFF (MP4/MOV) file, read from their headers without parsing any payload. */
import { open } from 'node:fs/promises';

export interface Box {
  readonly type: string;
  readonly offset: number;
  readonly size: number;
}

export const topLevelBoxes = async (path: string, maxBoxes = 256): Promise<Box[]> => {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const boxes: Box[] = [];
    const hdr = Buffer.alloc(16);
    let pos = 0;
    while (pos + 8 <= fileSize && boxes.length < maxBoxes) {
      const { bytesRead } = await fh.read(hdr, 0, 16, pos);
      if (bytesRead < 8) break;
      let size = hdr.readUInt32BE(0);
      const type = hdr.toString('latin1', 4, 8);
      if (size === 1) {
        if (bytesRead < 16) break;
        size = Number(hdr.readBigUInt64BE(8));
      } else if (size === 0) {
        size = fileSize - pos; // runs to the end of the file
      }
      if (size < 8 || !/^[\x20-\x7e]{4}$/.test(type)) break; // not (or no longer) a box
      boxes.push({ type, offset: pos, size });
      pos += size;
    }
    return boxes;
  } finally {
    await fh.close();
  }
};

/** True when the index (moov) precedes the media data (mdat): the file can start playing while it downloads. */
export const moovBeforeMdat = (boxes: readonly Box[]): boolean => {
  const moov = boxes.findIndex((b) => b.type === 'moov');
  const mdat = boxes.findIndex((b) => b.type === 'mdat');
  return moov >= 0 && (mdat < 0 || moov < mdat);
};
