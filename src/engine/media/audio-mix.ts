/**
 * The audio half of the encode for the timeline, as data: extra ffmpeg inputs and filter-graph chains
 * ending in `[aout]`, always 48 kHz stereo float and exactly as long as the video (in samples).
 *
 * Checked against the ffmpeg we ship (static N-47683, 2018, i.e. 4.1-era):
 * - amix has no `normalize` option and scales every input by 1/inputs: we follow it with `volume=<n>`
 *   (every input is padded to the whole clip, so the count never changes mid-clip and tracks simply add);
 * - adelay has no `all=1`: we give one delay per channel (`adelay=500|500`, always stereo by then);
 * - `-stream_loop` drifts on AAC-in-MP4 files (each pass loses ~19 ms: the priming is not re-applied),
 *   so looping is done after decoding with `aloop` (sample-exact; it buffers at most the video's length);
 * - alimiter has no latency compensation: its output is late by `attack` ms, so we cut exactly that many
 *   samples back off (`atrim=start_sample`);
 * - loudnorm (single pass, dynamic mode) keeps timestamps: it holds a 3 s look-ahead internally and emits
 *   192 kHz, so we resample to 48 kHz after it; a pulse placed at t stays at t (tested);
 * - input `-vn -sn -dn` exist, so a video clip's soundtrack is read without decoding its pictures.
 */
import { StillmotionError } from '../../errors.js';
import { AUDIO_RATE, audioSamples, type AudioSpec } from '../ffmpeg/encode-spec.js';

// The timeline's additions to the encoder's spec. They live here (by module augmentation) because the
// media inputs own them; they are plain optional fields of AudioSpec / EncodeSpec for every caller.
declare module '../ffmpeg/encode-spec.js' {
  interface AudioSpec {
    /** Which audio stream of the file: 0 = its first audio stream. Default: the first one. */
    readonly streamIndex?: number;
    /** The file is a video clip whose soundtrack is wanted: its pictures are not even demuxed. */
    readonly fromVideo?: boolean;
    /**
     * The file's own duration, seconds (inspectMedia(path).durationMs / 1000). With it, an unlooped
     * track shorter than the video fades out at its own end; without it, the fade-out ends at durationS
     * or the end of the video.
     */
    readonly sourceDurationS?: number;
  }
  interface EncodeSpec {
    /** Normalise the mixed sound to about -14 LUFS integrated, -1 dBTP (single-pass loudnorm). Default false. */
    readonly loudnorm?: boolean;
  }
}

export interface AudioMix {
  /** Input arguments (`-ss`, `-i` …) for the tracks, to follow the video input. */
  readonly inputs: string[];
  /** Filter chains (without `;`) whose last one ends in `[aout]`. */
  readonly chains: string[];
}

export interface AudioMixOptions {
  readonly loudnorm?: boolean;
  /** Index of the first audio input (the video is input 0). */
  readonly firstInput?: number;
}

/** Streaming-platform loudness: -14 LUFS integrated, true peak ≤ -1 dBTP, loudness range up to 11 LU. */
export const LOUDNORM_FILTER = 'loudnorm=I=-14:TP=-1:LRA=11';
/** Peak limiter for sums that can pass full scale; its `attack` (ms) is also its delay, undone right after. */
export const LIMITER_ATTACK_MS = 5;
const limiter = `alimiter=limit=0.98:attack=${LIMITER_ATTACK_MS}:release=50:level=0,atrim=start_sample=${(AUDIO_RATE * LIMITER_ATTACK_MS) / 1000},asetpts=PTS-STARTPTS`;

const num = (n: number): string => String(Math.round(n * 1e6) / 1e6);

const invalid = (field: string, expected: string, received: unknown): StillmotionError =>
  new StillmotionError('INVALID_OPTION', `encode ${field}: expected ${expected}, got ${JSON.stringify(received)}`, {
    details: { field, expected, received },
  });

const checkExtras = (t: AudioSpec, i: number): void => {
  if (t.streamIndex !== undefined && !(Number.isInteger(t.streamIndex) && t.streamIndex >= 0)) {
    throw invalid(`audio[${i}].streamIndex`, 'a whole number ≥ 0', t.streamIndex);
  }
  if (t.sourceDurationS !== undefined && !(typeof t.sourceDurationS === 'number' && Number.isFinite(t.sourceDurationS) && t.sourceDurationS >= 0)) {
    throw invalid(`audio[${i}].sourceDurationS`, 'seconds ≥ 0', t.sourceDurationS);
  }
  if (t.fromVideo !== undefined && typeof t.fromVideo !== 'boolean') throw invalid(`audio[${i}].fromVideo`, 'true or false', t.fromVideo);
};

/**
 * How long a track sounds on the video's timeline (seconds), from its start: cut by the end of the
 * video, by durationS, and (unlooped, when its length is known) by the file's own end after trimS.
 */
export const audibleSeconds = (t: AudioSpec, videoS: number): number => {
  const start = Math.min(t.startS ?? 0, videoS);
  const own = !t.loop && t.sourceDurationS !== undefined ? Math.max(0, t.sourceDurationS - (t.trimS ?? 0)) : Infinity;
  return Math.max(0, Math.min(videoS - start, t.durationS ?? Infinity, own));
};

/**
 * @param tracks each placed at startS, trimmed by trimS (an accurate input seek), looped when asked
 *   (the part after trimS repeats), scaled by volume, faded in at its start and out at its end.
 */
export const buildAudioMix = (tracks: readonly AudioSpec[], frames: number, fps: number, o: AudioMixOptions = {}): AudioMix => {
  const samples = audioSamples(frames, fps);
  const fit = `apad,atrim=end_sample=${samples}`;
  if (tracks.length === 0) {
    // Silence made in the graph, cut to the exact sample count: no output -frames:v limit is needed
    // (that limit makes this ffmpeg close every stream early and cut the audio short).
    return { inputs: [], chains: [`anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=end_sample=${samples}[aout]`] };
  }
  const first = o.firstInput ?? 1;
  const videoS = frames / fps;
  const inputs: string[] = [];
  const chains: string[] = [];
  tracks.forEach((t, i) => {
    checkExtras(t, i);
    if (t.fromVideo) inputs.push('-vn', '-sn', '-dn');
    if (t.trimS) inputs.push('-ss', num(t.trimS));
    inputs.push('-i', t.path);
    const start = Math.min(t.startS ?? 0, videoS);
    const len = audibleSeconds(t, videoS);
    const c = [`aresample=${AUDIO_RATE}`, 'aformat=sample_fmts=fltp:channel_layouts=stereo'];
    if (len <= 0) {
      // Nothing of it is heard (atrim=duration=0 would mean "no limit"): a silent input of the right length.
      chains.push(`[${first + i}:${t.streamIndex === undefined ? 'a' : `a:${t.streamIndex}`}]${[...c, 'volume=0', fit].join(',')}[a${i}]`);
      return;
    }
    // aloop repeats what it has buffered once the file ends; size bounds the buffer. This ffmpeg's
    // aloop misbehaves when the file is longer than its buffer (it loops the buffer and holds the rest:
    // measured at 22 GB for a 24 s track under a 6 s video), so with the file's length known a file
    // long enough is not looped at all, and a shorter one gets a buffer that holds all of it.
    const own = t.sourceDurationS !== undefined ? Math.max(0, t.sourceDurationS - (t.trimS ?? 0)) : undefined;
    if (t.loop && (own === undefined || own < len)) c.push(`aloop=loop=-1:size=${Math.max(1, Math.ceil((own !== undefined ? own + 0.1 : len) * AUDIO_RATE))}`);
    c.push(`atrim=duration=${num(len)}`, 'asetpts=PTS-STARTPTS', `volume=${num(t.volume ?? 1)}`);
    if (t.fadeInS) c.push(`afade=t=in:st=0:d=${num(Math.min(t.fadeInS, len))}`);
    if (t.fadeOutS) c.push(`afade=t=out:st=${num(Math.max(0, len - t.fadeOutS))}:d=${num(Math.min(t.fadeOutS, len))}`);
    if (start > 0) {
      const ms = Math.round(start * 1000); // whole ms (48 samples): this adelay takes milliseconds only
      c.push(`adelay=${ms}|${ms}`);
    }
    c.push(fit);
    const stream = t.streamIndex === undefined ? 'a' : `a:${t.streamIndex}`;
    chains.push(`[${first + i}:${stream}]${c.join(',')}[a${i}]`);
  });
  const post: string[] = [];
  if (o.loudnorm) post.push(LOUDNORM_FILTER, `aresample=${AUDIO_RATE}`);
  else if (tracks.length > 1 && tracks.reduce((s, t) => s + (t.volume ?? 1), 0) > 1) post.push(limiter);
  if (tracks.length === 1) {
    chains.push(post.length ? `[a0]${post.join(',')},${fit}[aout]` : '[a0]anull[aout]');
  } else {
    const labels = tracks.map((_, i) => `[a${i}]`).join('');
    chains.push(`${labels}amix=inputs=${tracks.length}:duration=longest:dropout_transition=0,volume=${tracks.length},${[...post, fit].join(',')}[aout]`);
  }
  return { inputs, chains };
};
