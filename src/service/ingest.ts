/**
 * Taking in a file a user sends (multipart part or URL download): the type is decided by the
 * first bytes, the size limit for that type applies while the bytes stream in (nothing is held
 * in memory), then the file is described and given a thumbnail under a name we make.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StillmotionError, isStillmotionError } from '../errors.js';
import { clientError, type Lang } from './client-error.js';
import { sniff, ACCEPTED_IMAGES, ACCEPTED_VIDEO, ACCEPTED_AUDIO, describeMediaFile, detectBeats, makeThumbnail, parseColour, type Sniffed } from '../engine/index.js';
import { badCharacter } from '../timeline/check.js';
import { newId, type MediaRow } from '../store/store.js';
import type { Files } from '../media-storage/files.js';

export const ACCEPTED = [...ACCEPTED_IMAGES, ...ACCEPTED_VIDEO, ...ACCEPTED_AUDIO];

export interface IngestLimits {
  readonly maxImageBytes: number;
  readonly maxMediaBytes: number;
  readonly maxPixels: number;
  /** The user's storage quota: the error for a file of `bytes` when it would go past it (checked while the file streams). */
  readonly overQuota?: (bytes: number) => StillmotionError | null;
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

/**
 * A display name: the last path part, at most 120 characters, without what a draft's label may
 * not hold (control characters, lone surrogates), so the name can go into a draft as it is.
 */
export const displayName = (raw: string | undefined, fallback: string): string => {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => badCharacter(c) === null).slice(0, 120).join('').trim();
  return clean || fallback;
};

/** Streams `source` to a temporary file, enforcing type and size while it arrives; any failure (a write error too) is thrown, never left to crash the process. */
const receive = async (source: Readable, name: string, limits: IngestLimits, tmp: string): Promise<{ sniffed: Sniffed; bytes: number }> => {
  let head = Buffer.alloc(0);
  let sniffed: Sniffed | null = null;
  let bytes = 0;
  let limit = limits.maxMediaBytes;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (!sniffed) {
        head = Buffer.concat([head, chunk]).subarray(0, 4096);
        if (head.length >= 64) {
          sniffed = sniff(head);
          if (!sniffed) { done(unsupportedType(name)); return; }
          limit = sniffed.kind === 'image' ? limits.maxImageBytes : limits.maxMediaBytes;
        }
      }
      if (bytes > limit) { done(tooLarge(name, limit, sniffed?.kind ?? 'media', bytes)); return; }
      const quota = limits.overQuota?.(bytes);
      if (quota) { done(quota); return; }
      done(null, chunk);
    },
  });
  const out = createWriteStream(tmp, { flags: 'wx' });
  try {
    await pipeline(source, guard, out);
    const seen = (sniffed as Sniffed | null) ?? sniff(head);
    if ((source as { truncated?: boolean }).truncated) throw tooLarge(name, limit, seen?.kind ?? 'media', bytes);
    if (!seen || bytes === 0) throw unsupportedType(name);
    return { sniffed: seen, bytes };
  } catch (e) {
    // A refusal early in the stream can come before the file is even opened: removing it then would
    // race the open and leave the file behind. Wait until the stream has closed its file, then remove it.
    if (!out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    await rm(tmp, { force: true });
    if (e instanceof StillmotionError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(name, limits.maxMediaBytes, 'media', bytes);
    if (code === 'ENOSPC' || code === 'EIO' || code === 'ENOENT' || code === 'EACCES' || code === 'EROFS') {
      throw new StillmotionError('OUTPUT_NOT_WRITABLE', `the server could not store ${name} (${code})`, { hint: 'the server is out of space or misconfigured; tell its operator' });
    }
    throw new StillmotionError('BAD_REQUEST', `files: the upload of ${name} broke off`, { hint: 'send the file again', details: { field: 'files' } });
  }
};

/** A colour the renderer can read, or undefined (the default black) for one it cannot: such a draft is refused when it renders, not here. */
const readableColour = (c: string | undefined): string | undefined => {
  if (c === undefined) return undefined;
  try {
    parseColour(c);
    return c;
  } catch {
    return undefined;
  }
};

type IngestCall = { files: Files; limits: IngestLimits; sessionId: string; userId: string; lang?: Lang; background?: string };

/**
 * Receives and describes one file. Every refusal about the file itself names it by the user's
 * name, in the session's language, with no server path or decoder message in it. `background`: the
 * session's canvas colour, what a transparent photo's thumbnail is shown on.
 */
export const ingest = async (source: Readable, rawName: string | undefined, o: IngestCall): Promise<MediaRow> => {
  const name = displayName(rawName, 'upload');
  try {
    return await ingestFile(source, name, o);
  } catch (e) {
    if (isStillmotionError(e) && (e.kind === 'BAD_REQUEST' || e.kind === 'REQUEST_TIMEOUT' || e.kind === 'CANCELLED' || e.kind === 'STORAGE_QUOTA')) throw e;
    throw clientError(e, name, o.lang ?? 'en');
  }
};

const ingestFile = async (source: Readable, name: string, o: IngestCall): Promise<MediaRow> => {
  const id = newId('med');
  const tmp = o.files.path('tmp', `${id}.part`);
  const { sniffed, bytes } = await receive(source, name, o.limits, tmp);
  const file = `${id}.${sniffed.type}`;
  const dest = o.files.path('media', file);
  try {
    // A photo is analysed once, here (size, orientation, subject); every plan reads what is kept.
    const info = await describeMediaFile(tmp, { analyse: true, limits: { maxImageBytes: o.limits.maxImageBytes, maxPixels: o.limits.maxPixels } });
    // Music is analysed once, here: its beats and downbeats, for cuts on the beat.
    const beats = info.kind === 'audio' ? await detectBeats(tmp).catch(() => null) : null;
    let thumb: string | null = null;
    if (info.kind !== 'audio') {
      thumb = `${id}.jpg`;
      try {
        await makeThumbnail(tmp, info.kind, o.files.path('thumbs', thumb), { maxImageBytes: o.limits.maxImageBytes, maxPixels: o.limits.maxPixels, background: readableColour(o.background) });
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
      analysis: info.analysis ?? (beats ? { version: 1, beats } as unknown as MediaRow['analysis'] : null),
    };
  } catch (e) {
    await rm(tmp, { force: true });
    await rm(o.files.path('thumbs', `${id}.jpg`), { force: true });
    throw e;
  }
};
