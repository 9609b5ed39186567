/** Media described from files on this machine (the CLI's drafts; the service keeps its own records). */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StillmotionError } from '../errors.js';
import { openStill, unsupported } from '../engine/input/load-still.js';
import { sniff } from '../engine/input/sniff.js';
import type { MediaInfo } from './resolve.js';

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
    const s = await openStill(path, limits);
    return { mediaId, path, kind: 'image', width: s.source.width, height: s.source.height, name };
  }
  const { probeMedia } = await import('../engine/ffmpeg/index.js');
  const p = await probeMedia(path).catch((e: unknown) => {
    throw new StillmotionError('CORRUPT_INPUT', `${path} could not be read as ${kind.type}: ${(e as Error).message}`, { cause: e });
  });
  if (kind.kind === 'video' && p.video) {
    return { mediaId, path, kind: 'video', width: p.video.width, height: p.video.height, durationMs: Math.round(p.durationS * 1000), name };
  }
  return { mediaId, path, kind: 'audio', durationMs: Math.round(p.durationS * 1000), name };
};
