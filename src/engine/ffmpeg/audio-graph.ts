/**
 * The audio half of the encode, as data: extra inputs and filter-graph chains ending in `[aout]`,
 * always 48 kHz stereo and exactly as long as the video (in samples), silent when no tracks are given.
 * Written for the ffmpeg 4.1 build we ship and newer ones (no amix normalize=, no adelay all=).
 */
import { AUDIO_RATE, audioSamples, type AudioSpec } from './encode-spec.js';

export interface AudioGraph {
  /** Input arguments (`-ss`, `-i` …) for the tracks, to follow the video input. */
  readonly inputs: string[];
  /** Filter chains (without `;`) whose last one ends in `[aout]`. */
  readonly chains: string[];
}

const num = (n: number): string => String(Math.round(n * 1e6) / 1e6);

/**
 * @param firstInput index of the first audio input (the video is input 0)
 */
export const buildAudioGraph = (tracks: readonly AudioSpec[], frames: number, fps: number, firstInput = 1): AudioGraph => {
  const samples = audioSamples(frames, fps);
  const fit = `apad,atrim=end_sample=${samples}`;
  if (tracks.length === 0) {
    return { inputs: [], chains: [`anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=end_sample=${samples}[aout]`] };
  }
  const duration = frames / fps;
  const inputs: string[] = [];
  const chains: string[] = [];
  tracks.forEach((t, i) => {
    if (t.loop) inputs.push('-stream_loop', '-1');
    if (t.trimS) inputs.push('-ss', num(t.trimS));
    inputs.push('-i', t.path);
    const start = Math.min(t.startS ?? 0, duration);
    const len = Math.min(duration - start, t.durationS ?? Infinity);
    const c = [`aresample=${AUDIO_RATE}`, 'aformat=sample_fmts=fltp:channel_layouts=stereo', `atrim=duration=${num(len)}`, 'asetpts=PTS-STARTPTS', `volume=${num(t.volume ?? 1)}`];
    if (t.fadeInS) c.push(`afade=t=in:st=0:d=${num(Math.min(t.fadeInS, len))}`);
    if (t.fadeOutS) c.push(`afade=t=out:st=${num(Math.max(0, len - t.fadeOutS))}:d=${num(Math.min(t.fadeOutS, len))}`);
    if (start > 0) {
      const ms = Math.round(start * 1000); // whole ms: ffmpeg 4.1 has no sample-exact adelay
      c.push(`adelay=${ms}|${ms}`);
    }
    c.push(fit);
    chains.push(`[${firstInput + i}:a]${c.join(',')}[a${i}]`);
  });
  if (tracks.length === 1) {
    chains.push('[a0]anull[aout]');
  } else {
    // amix scales each input by 1/n (every input lasts the whole clip, so n never changes); undo it so tracks add.
    const labels = tracks.map((_, i) => `[a${i}]`).join('');
    chains.push(`${labels}amix=inputs=${tracks.length}:duration=longest:dropout_transition=0,volume=${tracks.length},${fit}[aout]`);
  }
  return { inputs, chains };
};
