/** Which ffmpeg and ffprobe to run: FFMPEG_PATH/FFPROBE_PATH, else the static builds from npm. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Binaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

export const resolveBinaries = (env: NodeJS.ProcessEnv = process.env): Binaries => ({
  ffmpeg: env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
  ffprobe: env.FFPROBE_PATH || (require('@ffprobe-installer/ffprobe') as { path: string }).path,
});
