/**
 * The encoder's argument list, built as data (pure, tested as data). Input is raw yuv420p whose
 * samples are already BT.709 limited range, so mp4/mov need no conversion at all.
 */
export type OutputFormat = 'mp4' | 'webm' | 'gif' | 'mov';
export type OutputQuality = 'high' | 'medium' | 'low';

/** Music or sound to mix under the video; the timeline extends this. */
export interface AudioSpec {
  readonly path: string;
  /** 0..1 */
  readonly volume: number;
  /** Where the sound starts on the video's timeline, seconds. */
  readonly startS?: number;
  /** Seconds into the file to start from. */
  readonly trimS?: number;
  readonly fadeInS?: number;
  readonly fadeOutS?: number;
  /** Repeat the file to fill the video. */
  readonly loop?: boolean;
}

export interface EncodeSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly format: OutputFormat;
  readonly quality: OutputQuality;
  readonly preset?: string;
  readonly output: string;
  readonly input: { readonly kind: 'pipe' } | { readonly kind: 'file'; readonly path: string };
  readonly audio?: readonly AudioSpec[];
}

/** x264 CRF per quality: 18 is visually transparent for camera moves over photos; 21 and 26 trade size. */
export const X264_CRF: Record<OutputQuality, number> = { high: 18, medium: 21, low: 26 };
/** VP9 CRF per quality (constant quality mode with -b:v 0). */
export const VP9_CRF: Record<OutputQuality, number> = { high: 28, medium: 33, low: 40 };
export const GIF_MAX_FPS = 30;

/** Where the encoder writes until it finishes; renamed onto the output only on success. */
export const partialPath = (output: string): string => {
  const slash = output.lastIndexOf('/');
  return `${output.slice(0, slash + 1)}.${output.slice(slash + 1)}.partial`;
};

const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);

/** The -f muxer name for each format (the partial file has no telling extension). */
const MUXER: Record<OutputFormat, string> = { mp4: 'mp4', mov: 'mov', webm: 'webm', gif: 'gif' };

export const buildEncodeArgs = (s: EncodeSpec): string[] => {
  const dur = s.frames / s.fps;
  const a: string[] = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:2', '-y'];
  a.push('-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${s.width}x${s.height}`, '-framerate', String(s.fps),
    '-color_range', 'tv', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709',
    '-i', s.input.kind === 'pipe' ? 'pipe:0' : s.input.path);
  const audio = s.audio ?? [];
  const wantsAudio = s.format !== 'gif';
  // Silence exactly as long as the video. (An output -frames:v limit makes this ffmpeg cut the
  // audio short, so the video's length comes from the frames we send and the audio's from here.)
  if (wantsAudio && audio.length === 0) a.push('-f', 'lavfi', '-t', fmt(dur), '-i', 'anullsrc=r=48000:cl=stereo');
  if (wantsAudio) {
    for (const t of audio) {
      if (t.loop) a.push('-stream_loop', '-1');
      if (t.trimS) a.push('-ss', fmt(t.trimS));
      a.push('-i', t.path);
    }
  }
  const filters: string[] = [];
  let vOut = '0:v';
  if (s.format === 'gif') {
    const fps = Math.min(s.fps, GIF_MAX_FPS);
    filters.push(`[0:v]scale=in_color_matrix=bt709:in_range=tv:out_range=pc,fps=${fps},split[g0][g1];[g0]palettegen=stats_mode=diff[pal];[g1][pal]paletteuse=dither=sierra2_4a[v]`);
    vOut = '[v]';
  }
  let aOut = '1:a';
  if (wantsAudio && audio.length > 0) {
    const parts: string[] = [];
    audio.forEach((t, i) => {
      const chain = [`aresample=48000`, `aformat=channel_layouts=stereo`, `volume=${fmt(t.volume)}`];
      if (t.fadeInS) chain.push(`afade=t=in:st=0:d=${fmt(t.fadeInS)}`);
      const len = dur - (t.startS ?? 0);
      chain.push(`atrim=0:${fmt(Math.max(0, len))}`, 'asetpts=PTS-STARTPTS');
      if (t.fadeOutS) chain.push(`afade=t=out:st=${fmt(Math.max(0, len - t.fadeOutS))}:d=${fmt(t.fadeOutS)}`);
      if (t.startS) chain.push(`adelay=${Math.round(t.startS * 1000)}:all=1`);
      parts.push(`[${i + 1}:a]${chain.join(',')}[a${i}]`);
    });
    const mix = audio.length === 1 ? `[a0]apad,atrim=0:${fmt(dur)}[aout]` : `${audio.map((_, i) => `[a${i}]`).join('')}amix=inputs=${audio.length}:duration=longest:normalize=0,apad,atrim=0:${fmt(dur)}[aout]`;
    filters.push(...parts, mix);
    aOut = '[aout]';
  }
  if (filters.length) a.push('-filter_complex', filters.join(';'));
  a.push('-map', vOut);
  if (wantsAudio) a.push('-map', aOut);

  const gop = Math.max(1, Math.round(s.fps * 2));
  switch (s.format) {
    case 'mp4':
    case 'mov':
      a.push('-c:v', 'libx264', '-preset', s.preset ?? 'veryfast', '-crf', String(X264_CRF[s.quality]), '-profile:v', 'high', '-pix_fmt', 'yuv420p',
        '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-flags', '+cgop',
        '-x264-params', `open-gop=0:scenecut=0`,
        '-color_range', 'tv', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709',
        '-vsync', 'cfr', '-r', String(s.fps),
        '-c:a', 'aac', '-profile:a', 'aac_low', '-b:a', '160k', '-ar', '48000', '-ac', '2');
      if (s.format === 'mp4') a.push('-movflags', '+faststart', '-brand', 'mp42');
      else a.push('-movflags', '+faststart');
      break;
    case 'webm':
      a.push('-c:v', 'libvpx-vp9', '-crf', String(VP9_CRF[s.quality]), '-b:v', '0', '-deadline', 'good', '-cpu-used', '5', '-row-mt', '1',
        '-g', String(gop), '-pix_fmt', 'yuv420p', '-color_range', 'tv', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709',
        '-vsync', 'cfr', '-r', String(s.fps), '-c:a', 'libopus', '-b:a', '128k', '-ar', '48000', '-ac', '2');
      break;
    case 'gif':
      a.push('-loop', '0');
      break;
  }
  a.push('-f', MUXER[s.format], partialPath(s.output));
  return a;
};
