/**
 * Which ffmpeg and ffprobe to run: FFMPEG_PATH / FFPROBE_PATH when set (non-empty), else the static
 * builds shipped by the npm packages. Pure over `env`: nothing is cached or patched at module level,
 * so two jobs with different binaries never trample each other (pass `ffmpegPath` down instead).
 */
import { createRequire } from 'node:module';
import { StillmotionError } from '../../errors.js';

const load = createRequire(import.meta.url);

export interface Binaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

const installed = (pkg: string, variable: string): string => {
  try {
    return (load(pkg) as { path: string }).path;
  } catch (e) {
    throw new StillmotionError('ENCODER_MISSING', `${pkg} has no binary for ${process.platform}-${process.arch}: ${(e as Error).message}`, {
      hint: `reinstall with \`npm install\`, or set ${variable} to an ffmpeg build on this machine`,
      details: { package: pkg, variable },
      cause: e,
    });
  }
};

export const resolveBinaries = (env: NodeJS.ProcessEnv = process.env): Binaries => ({
  ffmpeg: env.FFMPEG_PATH?.trim() || installed('@ffmpeg-installer/ffmpeg', 'FFMPEG_PATH'),
  ffprobe: env.FFPROBE_PATH?.trim() || installed('@ffprobe-installer/ffprobe', 'FFPROBE_PATH'),
});
