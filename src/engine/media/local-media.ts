/**
 * What a file on this machine is: its kind by content, its size or length, and for a photo, when
 * asked, its analysis (subject, orientation). The CLI describes its files once per run; the service
 * once at upload, and keeps the answer with the media.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StillmotionError } from '../../errors.js';
import { analyseStill } from '../analyze/analyse-still.js';
import { probeStillSize, unsupported, type StillLimits } from '../input/load-still.js';
import { sniff } from '../input/sniff.js';
import type { StillCache } from '../input/still-cache.js';
import type { StillAnalysis } from '../plan/plan-shot.js';
import { DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_PIXELS } from '../settings.js';

export interface MediaFacts {
  readonly kind: 'image' | 'video' | 'audio';
  /** The file's name (no folders), for display. */
  readonly name: string;
  /** Photos and clips: upright size in pixels. */
  readonly width?: number;
  readonly height?: number;
  /** Clips and sounds. */
  readonly durationMs?: number;
  /** Clips: whether there is a sound track to keep. */
  readonly hasAudio?: boolean;
  /** Photos, when asked for. */
  readonly analysis?: StillAnalysis;
}

export interface DescribeOptions {
  readonly limits?: StillLimits;
  /** Analyse a photo (decodes it small); otherwise only its size is read. */
  readonly analyse?: boolean;
  /** false: the analysis leaves the depth estimate out (`estimateStillDepth` makes it when a plan needs it). */
  readonly depthEstimate?: boolean;
  /** Keeps the opened photo for the render of the same run. */
  readonly cache?: StillCache;
}

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

export const describeMediaFile = async (path: string, o: DescribeOptions = {}): Promise<MediaFacts> => {
  const limits = o.limits ?? { maxImageBytes: DEFAULT_MAX_IMAGE_BYTES, maxPixels: DEFAULT_MAX_PIXELS };
  const kind = sniff(await head(path));
  if (!kind) throw unsupported(path);
  const name = basename(path);
  if (kind.kind === 'image') {
    if (o.analyse) {
      const analysis = await analyseStill(path, limits, o.cache, { depthEstimate: o.depthEstimate !== false });
      return { kind: 'image', name, width: analysis.width, height: analysis.height, analysis };
    }
    // Only the size: the photo is decoded when it is rendered.
    const { width, height } = await probeStillSize(path, limits);
    return { kind: 'image', name, width, height };
  }
  const { inspectMedia } = await import('./probe-media-file.js');
  const m = await inspectMedia(path);
  return m.kind === 'video'
    ? { kind: 'video', name, width: m.width, height: m.height, durationMs: m.durationMs, hasAudio: m.hasAudio }
    : { kind: 'audio', name, durationMs: m.durationMs };
};
