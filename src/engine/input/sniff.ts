/**
 * What a file is, decided by its first bytes, never by its name.
 */

export type MediaKind = 'image' | 'video' | 'audio';
export interface Sniffed {
  readonly kind: MediaKind;
  /** Short type name: jpeg, png, webp, gif, tiff, heif, avif, mp4, mov, webm, mkv, avi, mp3, wav, m4a, aac. */
  readonly type: string;
  readonly mime: string;
}

export const ACCEPTED_IMAGES = ['jpg/jpeg', 'png', 'webp', 'heic/heif', 'avif', 'tiff', 'gif (first frame)'] as const;
export const ACCEPTED_VIDEO = ['mp4', 'mov', 'avi', 'webm', 'mkv'] as const;
export const ACCEPTED_AUDIO = ['mp3', 'wav', 'm4a', 'aac'] as const;

const ascii = (b: Uint8Array, start: number, len: number): string => {
  let s = '';
  for (let i = start; i < start + len && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** Brands of an ISO-BMFF `ftyp` box (major first), or null when the file does not start with one. */
export const ftypBrands = (b: Uint8Array): string[] | null => {
  if (b.length < 12 || ascii(b, 4, 4) !== 'ftyp') return null;
  const size = Math.min(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0, b.length);
  const brands = [ascii(b, 8, 4)];
  for (let p = 16; p + 4 <= size; p += 4) brands.push(ascii(b, p, 4));
  return brands.map((x) => x.trim().toLowerCase());
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

export const sniff = (b: Uint8Array): Sniffed | null => {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', type: 'jpeg', mime: 'image/jpeg' };
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return { kind: 'image', type: 'png', mime: 'image/png' };
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF') {
    const sub = ascii(b, 8, 4);
    if (sub === 'WEBP') return { kind: 'image', type: 'webp', mime: 'image/webp' };
    if (sub === 'WAVE') return { kind: 'audio', type: 'wav', mime: 'audio/wav' };
    if (sub === 'AVI ') return { kind: 'video', type: 'avi', mime: 'video/x-msvideo' };
  }
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return { kind: 'image', type: 'gif', mime: 'image/gif' };
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))) {
    return { kind: 'image', type: 'tiff', mime: 'image/tiff' };
  }
  const brands = ftypBrands(b);
  if (brands) {
    const major = brands[0]!;
    if (AVIF_BRANDS.has(major) || (!HEIF_BRANDS.has(major) && brands.some((x) => AVIF_BRANDS.has(x)) && !brands.some((x) => x.startsWith('he')))) {
      return { kind: 'image', type: 'avif', mime: 'image/avif' };
    }
    if (HEIF_BRANDS.has(major) || brands.some((x) => x === 'heic' || x === 'heix' || x === 'mif1')) {
      return { kind: 'image', type: 'heif', mime: 'image/heic' };
    }
    if (major === 'qt') return { kind: 'video', type: 'mov', mime: 'video/quicktime' };
    if (major === 'm4a' || major === 'm4b' || major === 'm4p') return { kind: 'audio', type: 'm4a', mime: 'audio/mp4' };
    return { kind: 'video', type: 'mp4', mime: 'video/mp4' };
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    const head = ascii(b, 0, Math.min(b.length, 64));
    return head.includes('webm') ? { kind: 'video', type: 'webm', mime: 'video/webm' } : { kind: 'video', type: 'mkv', mime: 'video/x-matroska' };
  }
  if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return { kind: 'audio', type: 'mp3', mime: 'audio/mpeg' };
  if (b.length >= 2 && b[0] === 0xff) {
    if ((b[1]! & 0xf6) === 0xf0) return { kind: 'audio', type: 'aac', mime: 'audio/aac' };
    if ((b[1]! & 0xe0) === 0xe0) return { kind: 'audio', type: 'mp3', mime: 'audio/mpeg' };
  }
  return null;
};
