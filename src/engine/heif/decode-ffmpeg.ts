/**
 * The primary image of a HEIC decoded by ffmpeg's native HEVC decoder (multi-threaded, SIMD): all
 * tiles go in as one Annex-B stream, come out as raw 4:2:0 frames, and each is converted to RGBA and
 * put in its place (turned and mirrored), and to sRGB when asked, as soon as it arrives, while
 * ffmpeg decodes the next.
 */
import { endianness } from 'node:os';
import { resolveBinaries } from '../ffmpeg/binaries.js';
import { runTool } from '../ffmpeg/run-tool.js';
import type { PrimaryProps } from './bmff.js';
import type { HevcPlan } from './hevc-plan.js';
import type { MatrixShaper } from './matrix-shaper.js';
import { convertTile, placement } from './yuv-rgba.js';

export interface FfmpegDecoded {
  readonly width: number;
  readonly height: number;
  /** RGBA at `offset` in `buf`. */
  readonly buf: Buffer;
  readonly offset: number;
  /** The picture is the image reduced by this factor (the `shrink` asked for). */
  readonly scale: number;
}

/** Thrown when ffmpeg could not do it (missing, failed, or said anything): libheif decodes instead. */
export class FfmpegDecodeFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FfmpegDecodeFailed';
  }
}

export interface FfmpegDecodeOptions {
  readonly transforms: PrimaryProps['transforms'];
  /** Bytes to leave free before the pixels (rounded up to a multiple of 4). */
  readonly offset: number;
  readonly ffmpegPath?: string;
  readonly signal?: AbortSignal;
  /**
   * Reduce the picture by this factor (1, 2, 4, 8; it must divide the tiles into whole 4:2:0
   * pictures): ffmpeg averages each decoded tile down (area) before it comes out, so the
   * conversion here and the colour conversion after it see that many times fewer pixels.
   */
  readonly shrink?: number;
  /** Converts each tile on to sRGB as it arrives (see convertTile). */
  readonly toSrgb?: MatrixShaper | null;
}

export const decodeWithFfmpeg = async (plan: HevcPlan, o: FfmpegDecodeOptions): Promise<FfmpegDecoded> => {
  if (endianness() !== 'LE') throw new FfmpegDecodeFailed('big-endian machine');
  let bin: string;
  try {
    bin = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  } catch (e) {
    throw new FfmpegDecodeFailed('no ffmpeg', { cause: e });
  }
  const s = o.shrink ?? 1;
  const tw = plan.tileWidth / s, th = plan.tileHeight / s, columns = plan.columns;
  if (!Number.isInteger(tw) || !Number.isInteger(th) || tw % 2 || th % 2) throw new FfmpegDecodeFailed(`tiles of ${plan.tileWidth}x${plan.tileHeight} cannot be reduced by ${s}`);
  // A reduced picture drops the last partial pixel of an edge (the tile's padding is not image).
  const width = Math.floor(plan.width / s), height = Math.floor(plan.height / s);
  const place = placement(width, height, o.transforms);
  const offset = (o.offset + 3) & ~3;
  const buf = Buffer.allocUnsafe(offset + place.width * place.height * 4);
  // A Buffer this large owns its ArrayBuffer from byte 0, so `offset` keeps u32 alignment.
  if ((buf.byteOffset + offset) % 4) throw new FfmpegDecodeFailed('unaligned output buffer');
  const out = new Uint32Array(buf.buffer, buf.byteOffset + offset, place.width * place.height);
  const target = { out, place, width, height, fullRange: plan.fullRange, matrix: plan.matrix, toSrgb: o.toSrgb ?? null };

  const tiles = plan.columns * plan.rows;
  const frameBytes = tw * th + 2 * (tw >> 1) * (th >> 1);
  const frame = Buffer.allocUnsafe(frameBytes);
  let have = 0;
  let done = 0;
  const onStdout = (chunk: Buffer) => {
    let p = 0;
    while (p < chunk.length) {
      const n = Math.min(frameBytes - have, chunk.length - p);
      chunk.copy(frame, have, p, p + n);
      have += n;
      p += n;
      if (have === frameBytes) {
        if (done >= tiles) throw new FfmpegDecodeFailed(`ffmpeg gave more than ${tiles} pictures`);
        convertTile(frame, tw, th, (done % columns) * tw, Math.floor(done / columns) * th, target);
        done++;
        have = 0;
      }
    }
  };
  let tail: string;
  try {
    const r = await runTool(bin, [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', '0',
      '-f', 'hevc', '-i', 'pipe:0', '-map', '0:v:0', '-vsync', 'passthrough',
      // The decoder's own pixel format is kept: no -pix_fmt, or a full-range stream (yuvj420p)
      // would be converted to limited range on the way.
      ...(s > 1 ? ['-vf', `scale=${tw}:${th}:flags=area`] : []),
      '-c:v', 'rawvideo', '-f', 'rawvideo', 'pipe:1',
    ], { input: plan.stream, onStdout, signal: o.signal, maxStdoutBytes: frameBytes * tiles + 1 });
    tail = r.stderrTail.trim();
  } catch (e) {
    throw new FfmpegDecodeFailed(e instanceof Error ? e.message : String(e), { cause: e });
  }
  // Any complaint (a damaged tile is concealed, not refused) or a missing picture: not ours to judge.
  if (tail) throw new FfmpegDecodeFailed(`ffmpeg: ${tail.split('\n')[0]}`);
  if (done !== tiles || have !== 0) throw new FfmpegDecodeFailed(`ffmpeg gave ${done} of ${tiles} pictures`);
  return { width: place.width, height: place.height, buf, offset, scale: s };
};
