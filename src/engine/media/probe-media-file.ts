/**
 * What a user's video or music file is: its type by content (never by name), then ffprobe's view of it.
 * Failures are coded: INPUT_NOT_FOUND (cannot open), UNSUPPORTED_TYPE (not a video or audio file we
 * take, with the accepted list), CORRUPT_INPUT (the right kind of file, but unreadable or without the
 * stream its type promises).
 */
import { open } from 'node:fs/promises';
import { StillmotionError, isStillmotionError } from '../../errors.js';
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { probeMedia } from '../ffmpeg/probe.js';
import { runTool } from '../ffmpeg/run-tool.js';
import { ACCEPTED_AUDIO, ACCEPTED_VIDEO, sniff } from '../input/sniff.js';

export interface MediaFileInfo {
  readonly kind: 'video' | 'audio';
  /** Short type by content: mp4, mov, webm, mkv, avi, mp3, wav, m4a, aac. */
  readonly type: string;
  readonly mime: string;
  readonly durationMs: number;
  /** Video: the picture as shown, i.e. after the clip's rotation (a phone's portrait clip is taller than wide). */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Video: clockwise rotation applied on display (0, 90, 180, 270). */
  readonly rotation?: number;
  readonly hasAudio: boolean;
}

export interface InspectOptions {
  readonly ffprobePath?: string;
  readonly signal?: AbortSignal;
}

export const ACCEPTED_MEDIA: readonly string[] = [...ACCEPTED_VIDEO, ...ACCEPTED_AUDIO];

const unsupported = (path: string, what: string): StillmotionError =>
  new StillmotionError('UNSUPPORTED_TYPE', `${path} is ${what}, not a video or audio file Stillmotion can read`, {
    hint: `accepted video: ${ACCEPTED_VIDEO.join(', ')}; accepted audio: ${ACCEPTED_AUDIO.join(', ')}`,
    details: { path, accepted: [...ACCEPTED_MEDIA] },
  });

const corrupt = (path: string, type: string, why: string, cause?: unknown): StillmotionError =>
  new StillmotionError('CORRUPT_INPUT', `${path} could not be read as ${type}: ${why}`, {
    hint: 'the file may be truncated or damaged: export or download it again',
    details: { path, type },
    ...(cause === undefined ? {} : { cause }),
  });

const head = async (path: string): Promise<Buffer> => {
  try {
    const fh = await open(path, 'r');
    try {
      const b = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(b, 0, b.length, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new StillmotionError('INPUT_NOT_FOUND', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { details: { path } });
  }
};

/** Clockwise display rotation of the first video stream (the `rotate` tag, or the display matrix), 0 when none. */
export const videoRotation = async (path: string, o: InspectOptions = {}): Promise<number> => {
  const bin = o.ffprobePath ?? resolveBinaries().ffprobe;
  const { stdout } = await runTool(bin, ['-v', 'error', '-select_streams', 'v:0', '-print_format', 'json', '-show_entries', 'stream_tags=rotate:stream_side_data=rotation', path], { signal: o.signal });
  const j = JSON.parse(stdout.toString('utf8')) as { streams?: { tags?: { rotate?: string }; side_data_list?: { rotation?: number }[] }[] };
  const s = j.streams?.[0];
  // The tag is clockwise; the display matrix's rotation is counter-clockwise.
  const deg = s?.tags?.rotate !== undefined ? Number(s.tags.rotate) : -(s?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0);
  return Number.isFinite(deg) ? (((Math.round(deg / 90) * 90) % 360) + 360) % 360 : 0;
};

export const inspectMedia = async (path: string, o: InspectOptions = {}): Promise<MediaFileInfo> => {
  const s = sniff(await head(path));
  if (!s) throw unsupported(path, 'of an unknown type');
  if (s.kind === 'image') throw unsupported(path, `an image (${s.type})`);
  let p;
  try {
    p = await probeMedia(path, { ffprobePath: o.ffprobePath, signal: o.signal });
  } catch (e) {
    if (isStillmotionError(e) && (e.kind === 'CANCELLED' || e.kind === 'ENCODER_MISSING')) throw e;
    throw corrupt(path, s.type, e instanceof Error ? e.message.split('\n')[0]! : String(e), e);
  }
  const durationMs = Math.round(p.durationS * 1000);
  // An mp4 with only sound is music (sniffed as mp4 by its brand); a cover picture in an mp3 is not a video.
  if (s.kind === 'video' && p.video && p.video.fps > 0 && (p.video.frames === null || p.video.frames > 1)) {
    if (!(durationMs > 0)) throw corrupt(path, s.type, 'it has no duration');
    const rotation = await videoRotation(path, o).catch(() => 0);
    const turned = rotation === 90 || rotation === 270;
    return {
      kind: 'video', type: s.type, mime: s.mime, durationMs,
      width: turned ? p.video.height : p.video.width,
      height: turned ? p.video.width : p.video.height,
      fps: p.video.fps, rotation, hasAudio: p.hasAudio,
    };
  }
  if (!p.hasAudio) throw corrupt(path, s.type, s.kind === 'video' ? 'it has neither a video nor an audio stream' : 'it has no audio stream');
  if (!(durationMs > 0)) throw corrupt(path, s.type, 'it has no duration');
  return { kind: 'audio', type: s.type === 'mp4' ? 'm4a' : s.type, mime: s.type === 'mp4' ? 'audio/mp4' : s.mime, durationMs, hasAudio: true };
};
