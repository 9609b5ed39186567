/**
 * Decodes chosen frames (or all) of a video to raw rgb24 or gray buffers, for tests and benchmarks.
 * YUV sources are read by their own tags (BT.709 limited range unless tagged otherwise) and turned
 * into full-range values, so a pixel compares directly with the RGB that went in.
 */
import { StillmotionError } from '../../errors.js';
import { resolveBinaries } from './binaries.js';
import { probeMedia } from './probe.js';
import { runTool } from './run-tool.js';

export interface DecodeOptions {
  readonly pixFmt: 'rgb24' | 'gray';
  /** Scale to this size (default: the video's own). */
  readonly width?: number;
  readonly height?: number;
  /** 0-based frame indices, in any order (buffers come back in this order); default: every frame. */
  readonly frames?: readonly number[];
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  readonly signal?: AbortSignal;
}

const MATRIX: Record<string, string> = { bt709: 'bt709', bt470bg: 'bt601', smpte170m: 'bt601', smpte240m: 'smpte240m', fcc: 'fcc', bt2020nc: 'bt2020', bt2020c: 'bt2020' };

export const decodeFrames = async (path: string, o: DecodeOptions): Promise<Buffer[]> => {
  const bin = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  const probe = await probeMedia(path, { ffprobePath: o.ffprobePath, signal: o.signal });
  const v = probe.video;
  if (!v) throw new StillmotionError('CORRUPT_INPUT', `${path} has no video stream`, { details: { path } });
  const w = o.width ?? v.width;
  const h = o.height ?? v.height;
  const wanted = o.frames ? [...new Set(o.frames)].sort((a, b) => a - b) : null;
  for (const i of o.frames ?? []) {
    if (!Number.isInteger(i) || i < 0) throw new StillmotionError('INVALID_OPTION', `frames: expected 0-based frame indices, got ${JSON.stringify(i)}`, { details: { field: 'frames', received: i } });
  }
  const filters: string[] = [];
  if (wanted) filters.push(`select='${wanted.map((i) => `eq(n\\,${i})`).join('+')}'`);
  const yuv = /^yuv/.test(v.pixFmt);
  const colour = yuv
    ? `:in_color_matrix=${MATRIX[v.colorSpace ?? ''] ?? 'bt709'}:in_range=${v.colorRange === 'pc' || v.pixFmt.startsWith('yuvj') ? 'pc' : 'tv'}:out_range=pc`
    : '';
  filters.push(`scale=${w}:${h}:flags=area${colour}`);
  const { stdout } = await runTool(bin, ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-vf', filters.join(','), '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', o.pixFmt, 'pipe:1'], {
    signal: o.signal,
    maxStdoutBytes: 2 ** 32 - 1,
  });
  const size = w * h * (o.pixFmt === 'rgb24' ? 3 : 1);
  const decoded: Buffer[] = [];
  for (let p = 0; p + size <= stdout.length; p += size) decoded.push(stdout.subarray(p, p + size));
  if (!wanted) return decoded;
  if (decoded.length !== wanted.length) {
    throw new StillmotionError('INVALID_OPTION', `frames: ${path} has no frame ${wanted[decoded.length]} (decoded ${decoded.length} of ${wanted.length} asked)`, {
      details: { field: 'frames', received: o.frames },
    });
  }
  const byIndex = new Map(wanted.map((i, k) => [i, decoded[k]!]));
  return o.frames!.map((i) => byIndex.get(i)!);
};
