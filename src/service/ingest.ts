/**
 * Taking in a file a user sends (multipart part or URL download): the type is decided by the
 * first bytes, the size limit for that type applies while the bytes stream in (nothing is held
 * in memory), then the file is described and given a thumbnail under a name we make.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StillmotionError } from '../errors.js';
import { sniff, ACCEPTED_IMAGES, ACCEPTED_VIDEO, ACCEPTED_AUDIO, type Sniffed } from '../engine/input/sniff.js';
import { makeThumbnail } from '../engine/media/thumbnail.js';
import { describeLocalMedia } from '../timeline/local-media.js';
import { newId, type MediaRow } from '../store/store.js';
import type { Files } from './files.js';

export const ACCEPTED = [...ACCEPTED_IMAGES, ...ACCEPTED_VIDEO, ...ACCEPTED_AUDIO];

export interface IngestLimits {
  readonly maxImageBytes: number;
  readonly maxMediaBytes: number;
  readonly maxPixels: number;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

export const unsupportedType = (name: string): StillmotionError =>
  new StillmotionError('UNSUPPORTED_TYPE', `${name} is not a photo, video or audio file we can read`, {
    hint: `send one of: ${ACCEPTED.join(', ')}`, details: { accepted: ACCEPTED },
  });

export const tooLarge = (name: string, limit: number, kind: string, seen?: number): StillmotionError =>
  new StillmotionError('FILE_TOO_LARGE', `${name} is ${seen ? `over ${mb(seen)}` : 'too large'}; the limit for ${kind === 'image' ? 'photos' : `${kind} files`} is ${mb(limit)}`, {
    hint: kind === 'image' ? 'export it at a lower quality or resize it' : 'compress or trim it', details: { limit_bytes: limit },
  });

/** A display name: the last path part, no control characters, at most 120 characters. */
export const displayName = (raw: string | undefined, fallback: string): string => {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => c >= ' ' && c !== '\u007f').join('').trim().slice(0, 120);
  return clean || fallback;
};

/** Streams `source` to a temporary file, enforcing type and size while it arrives. */
const receive = async (source: Readable, name: string, limits: IngestLimits, tmp: string): Promise<{ sniffed: Sniffed; bytes: number }> => {
  const out = createWriteStream(tmp, { flags: 'wx' });
  let head = Buffer.alloc(0);
  let sniffed: Sniffed | null = null;
  let bytes = 0;
  let limit = limits.maxMediaBytes;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (!sniffed) {
        head = Buffer.concat([head, chunk]).subarray(0, 4096);
        if (head.length >= 64) {
          sniffed = sniff(head);
          if (!sniffed) throw unsupportedType(name);
          limit = sniffed.kind === 'image' ? limits.maxImageBytes : limits.maxMediaBytes;
        }
      }
      if (bytes > limit) throw tooLarge(name, limit, sniffed?.kind ?? 'media', bytes);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    if ((source as { truncated?: boolean }).truncated) throw tooLarge(name, limit, sniffed?.kind ?? 'media', bytes);
    if (!sniffed) sniffed = sniff(head);
    if (!sniffed || bytes === 0) throw unsupportedType(name);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return { sniffed, bytes };
  } catch (e) {
    out.destroy();
    source.destroy?.();
    await rm(tmp, { force: true });
    throw e;
  }
};

export const ingest = async (source: Readable, rawName: string | undefined, o: { files: Files; limits: IngestLimits; sessionId: string; userId: string }): Promise<MediaRow> => {
  const id = newId('med');
  const tmp = o.files.path('tmp', `${id}.part`);
  const name = displayName(rawName, 'upload');
  const { sniffed, bytes } = await receive(source, name, o.limits, tmp);
  const file = `${id}.${sniffed.type}`;
  const dest = o.files.path('media', file);
  try {
    const info = await describeLocalMedia(tmp, id, { maxBytes: o.limits.maxImageBytes, maxPixels: o.limits.maxPixels });
    let thumb: string | null = null;
    if (info.kind !== 'audio') {
      thumb = `${id}.jpg`;
      try {
        await makeThumbnail(tmp, info.kind, o.files.path('thumbs', thumb), { maxBytes: o.limits.maxImageBytes, maxPixels: o.limits.maxPixels });
      } catch (e) {
        if (info.kind === 'image') throw e; // a photo we cannot draw small is one we cannot render
        thumb = null;
      }
    }
    await rename(tmp, dest);
    return {
      id, session_id: o.sessionId, user_id: o.userId, name, kind: info.kind, mime: sniffed.mime, type: sniffed.type,
      width: info.width ?? null, height: info.height ?? null, duration_ms: info.durationMs !== undefined ? Math.round(info.durationMs) : null,
      size_bytes: bytes, file, thumb, created_at: Date.now(), has_audio: info.kind === 'image' ? null : info.kind === 'audio' ? true : (info.hasAudio ?? null),
    };
  } catch (e) {
    await rm(tmp, { force: true });
    await rm(o.files.path('thumbs', `${id}.jpg`), { force: true });
    throw e;
  }
};
