/**
 * What to encode, as plain data, and the numbers behind each format and quality. Everything here is
 * a constant or a pure function of an EncodeSpec.
 */
export type OutputFormat = 'mp4' | 'webm' | 'gif' | 'mov';
export type OutputQuality = 'high' | 'medium' | 'low';

/**
 * A sound to lay under the video (minimal on purpose; the timeline work extends it). Every track is
 * resampled to 48 kHz stereo, placed on the video's timeline, and cut or padded with silence to the
 * video's exact length. Several tracks are summed (keep their volumes adding up to ≤ 1 to avoid clipping).
 */
export interface AudioSpec {
  /** Any file ffmpeg can decode. */
  readonly path: string;
  /** Gain 0..1 (1 = as recorded). Default 1. */
  readonly volume?: number;
  /** Where the sound starts on the video's timeline, seconds. Default 0. */
  readonly startS?: number;
  /** Seconds skipped at the head of the file. Default 0. */
  readonly trimS?: number;
  /** Play at most this many seconds of the file (default: until the video ends). */
  readonly durationS?: number;
  /** Repeat the whole file to fill the time (default false). */
  readonly loop?: boolean;
  /** Fade in over this many seconds from where the sound starts. */
  readonly fadeInS?: number;
  /** Fade out over this many seconds, ending where the sound ends (its durationS, else the end of the video). */
  readonly fadeOutS?: number;
}

export type EncodeInput = { readonly kind: 'pipe' } | { readonly kind: 'file'; readonly path: string };

export interface EncodeSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Exactly this many frames are encoded. */
  readonly frames: number;
  readonly format: OutputFormat;
  readonly quality: OutputQuality;
  /** x264 preset (mp4/mov); default DEFAULT_X264_PRESET. */
  readonly preset?: string;
  /** Final path; ffmpeg writes to partialPath(output) and the encoder renames on success. */
  readonly output: string;
  /** Raw yuv420p frames whose samples are already BT.709 limited range (tv). */
  readonly input: EncodeInput;
  /** Absent or empty: a silent track (mp4/mov/webm). GIF has no audio. */
  readonly audio?: readonly AudioSpec[];
  /**
   * Frames carry straight alpha after the chroma planes (raw yuva420p) and the file keeps it: WebM
   * (VP9 with alpha, yuva420p) and MOV (ProRes 4444, yuva444p10le) only.
   */
  readonly alpha?: boolean;
  /**
   * The clip is a seamless loop (its last frame flows into its first): x264 codes it as one GOP, with
   * the first frame and the last two near-lossless, so the loop point carries no keyframe's noise.
   */
  readonly seamless?: boolean;
  /**
   * With `seamless`: the camera holds still, so everything that moves moves a little inside the
   * picture, and x264 codes every frame alike (no B-frames, deadzones or fast P-skip) so that the
   * steps inside keep their motion (see encode-args.ts). A moving camera's steps are many times the
   * loop point's without it.
   */
  readonly stillCamera?: boolean;
  /** Encoder threads for x264 (default: x264 decides; measured faster on 2 cores than a fixed 2, as its lookahead overlaps our rendering). VP9 uses 2. */
  readonly threads?: number;
}

/**
 * x264 CRF per quality. 18 is the usual "visually transparent" point for x264 and leaves headroom for
 * the re-encode every social platform applies; +3 (21) is about 30% smaller and still clean on slow
 * camera moves; 26 is about half of 21 again (each +6 CRF roughly halves the bitrate) for previews.
 */
export const X264_CRF: Readonly<Record<OutputQuality, number>> = Object.freeze({ high: 18, medium: 21, low: 26 });
/** libvpx-vp9 constant-quality CRF (with -b:v 0) per quality; VP9's scale sits ~10 above x264's. */
export const VP9_CRF: Readonly<Record<OutputQuality, number>> = Object.freeze({ high: 28, medium: 33, low: 40 });
/** prores_ks quantiser per quality for transparent MOV (ProRes 4444): lower is larger and cleaner. */
export const PRORES_QSCALE: Readonly<Record<OutputQuality, number>> = Object.freeze({ high: 4, medium: 8, low: 14 });
/** libvpx-vp9 speed for `-deadline good`: 5 is the fastest "good" setting that keeps row-mt busy on 2 cores. */
export const VP9_CPU_USED = 5;
/** Chosen by quality per encode second, see bench/x264-presets.ts. */
export const DEFAULT_X264_PRESET = 'veryfast';
export const DEFAULT_THREADS = 2;
/**
 * GIF frame delays are whole centiseconds and browsers stretch delays under 2 cs, so anything above
 * 30 fps only costs size; GIF output is capped at 30 fps.
 */
export const GIF_MAX_FPS = 30;
/** Above this many bytes of RGBA frames the one-pass palette (which holds every frame) switches to per-frame palettes. */
export const GIF_GLOBAL_PALETTE_MAX_BYTES = 1 << 30;
export const AUDIO_RATE = 48000;

/** Bytes in one raw input frame of a spec (yuv420p, or yuva420p with alpha). */
export const inputFrameBytes = (s: Pick<EncodeSpec, 'width' | 'height' | 'alpha'>): number =>
  yuv420pFrameBytes(s.width, s.height) + (s.alpha ? s.width * s.height : 0);

/** Bytes in one raw yuv420p frame. */
export const yuv420pFrameBytes = (width: number, height: number): number =>
  width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);

/** The GIF's frame rate and frame count after the cap. */
export const gifTiming = (fps: number, frames: number): { fps: number; frames: number } => {
  if (fps <= GIF_MAX_FPS) return { fps, frames };
  return { fps: GIF_MAX_FPS, frames: Math.max(1, Math.round((frames * GIF_MAX_FPS) / fps)) };
};

/** Whether a GIF uses one palette for the whole clip (true) or one per frame (very large clips). */
export const gifGlobalPalette = (s: Pick<EncodeSpec, 'width' | 'height' | 'fps' | 'frames'>): boolean =>
  s.width * s.height * 4 * gifTiming(s.fps, s.frames).frames <= GIF_GLOBAL_PALETTE_MAX_BYTES;

/** Audio samples in the video's exact duration. */
export const audioSamples = (frames: number, fps: number): number => Math.round((frames * AUDIO_RATE) / fps);

/** Things the caller may want to tell the user about how this spec will be encoded (values, never printed here). */
export const encodeNotes = (s: EncodeSpec): string[] => {
  const notes: string[] = [];
  if (s.format === 'gif') {
    const g = gifTiming(s.fps, s.frames);
    if (g.fps !== s.fps) notes.push(`GIF is capped at ${GIF_MAX_FPS} fps: ${s.fps} fps becomes ${g.fps} fps (${g.frames} frames)`);
    if (s.audio?.length) notes.push('GIF has no sound: the audio tracks are left out');
    if (!gifGlobalPalette(s)) notes.push('GIF is too large to hold in memory for one palette: each frame gets its own palette');
  }
  return notes;
};
