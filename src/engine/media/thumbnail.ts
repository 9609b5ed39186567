/**
 * A small JPEG picture of a photo or clip for lists and timelines: upright, sRGB, fits in a
 * box of `size` pixels. Photos go through the same door as rendering (HEIC included); clips
 * give a frame from their first second. A transparent photo is shown on `background`, the
 * colour the video puts behind it (the canvas background, black unless the draft says otherwise).
 */
import sharp from 'sharp';
import { StillmotionError } from '../../errors.js';
import { parseColour } from '../settings.js';
import { resolveBinaries, runTool } from '../ffmpeg/index.js';
import { corrupt, openStill, stillPipeline, type StillLimits } from '../input/load-still.js';

export const makeThumbnail = async (input: string, kind: 'image' | 'video', output: string, o: StillLimits & { size?: number; signal?: AbortSignal; background?: string }): Promise<{ width: number; height: number }> => {
  const size = o.size ?? 320;
  const [r, g, b] = parseColour(o.background ?? '#000000');
  if (kind === 'image') {
    const still = await openStill(input, o);
    try {
      const info = await stillPipeline(still)
        .resize(size, size, { fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
        .flatten({ background: { r, g, b } })
        .toColourspace('srgb')
        .jpeg({ quality: 78, mozjpeg: false })
        .toFile(output);
      return { width: info.width, height: info.height };
    } catch (e) {
      throw corrupt(still.source.name, still.source.type.toUpperCase(), e);
    }
  }
  const { ffmpeg } = resolveBinaries();
  const args = ['-v', 'error', '-ss', '0.5', '-i', input, '-frames:v', '1', '-vf', `scale=${size}:${size}:force_original_aspect_ratio=decrease`, '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'];
  let png = (await runTool(ffmpeg, args, { signal: o.signal, maxStdoutBytes: 16 << 20 })).stdout;
  if (png.length === 0) png = (await runTool(ffmpeg, args.filter((_, i) => i !== 2 && i !== 3), { signal: o.signal, maxStdoutBytes: 16 << 20 })).stdout;
  if (png.length === 0) throw new StillmotionError('CORRUPT_INPUT', 'the clip has no picture to make a thumbnail from');
  const info = await sharp(png).jpeg({ quality: 78 }).toFile(output);
  return { width: info.width, height: info.height };
};
