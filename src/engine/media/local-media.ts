/** Media described from files on this machine (the CLI's drafts; the service keeps its own records). */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StillmotionError } from '../../errors.js';
import { probeStillSize, unsupported } from '../input/load-still.js';
import { sniff } from '../input/sniff.js';
import type { MediaInfo } from '../../timeline/resolve.js';

const head = async (path: string): Promise<Buffer> => {
  try {
    const fh = await open(path, 'r');
    try {
      const b = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(b, 0, 4096, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new StillmotionError('INPUT_NOT_FOUND', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { details: { path } });
  }
};

export const describeLocalMedia = async (path: string, mediaId = path, limits = { maxBytes: 50 * 1024 * 1024, maxPixels: 200_000_000 }): Promise<MediaInfo> => {
  const kind = sniff(await head(path));
  if (!kind) throw unsupported(path);
  const name = basename(path);
  if (kind.kind === 'image') {
    // Only the size is needed here; the photo is decoded once, when it is rendered.
    const { width, height } = await probeStillSize(path, limits);
    return { mediaId, path, kind: 'image', width, height, name };
  }
  const { inspectMedia } = await import('./probe-media-file.js');
  const m = await inspectMedia(path);
  return m.kind === 'video'
    ? { mediaId, path, kind: 'video', width: m.width, height: m.height, durationMs: m.durationMs, name, hasAudio: m.hasAudio }
    : { mediaId, path, kind: 'audio', durationMs: m.durationMs, name };
};
