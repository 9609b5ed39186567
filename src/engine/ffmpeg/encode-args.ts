/**
 * The encoder's argument list, built as data (pure: same spec, same list; tested as data).
 *
 * The input is raw yuv420p whose samples are already BT.709 limited range; the input is tagged so,
 * and mp4/mov/webm keep yuv420p, so no scaler runs. The frame count is made exact inside the filter
 * graph (`trim=end_frame=N`) rather than with `-frames:v`, because the ffmpeg build we ship closes
 * every stream of the file when a `-frames:v` limit is reached, which cuts the audio short by the
 * encoder's delay (~0.6 s at veryfast). GIF has no audio, so it also gets `-frames:v`.
 *
 * The audio (tracks placed, trimmed or looped, faded, mixed, optionally loudness-normalised, cut to the
 * video's exact sample count; silence when there are none) comes from media/audio-mix.ts, which also
 * adds the timeline's fields (`loudnorm`, `streamIndex`, `fromVideo`, `sourceDurationS`) to the spec.
 */
import { buildAudioMix } from '../media/audio-mix.js';
import {
  DEFAULT_THREADS, DEFAULT_X264_PRESET, PRORES_QSCALE, VP9_CPU_USED, VP9_CRF, X264_CRF,
  gifGlobalPalette, gifTiming, type EncodeSpec,
} from './encode-spec.js';
import { partialPath } from './partial-path.js';
import { validateEncodeSpec } from './validate-spec.js';

const BT709_TV = ['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'];

const MUXER = { mp4: 'mp4', mov: 'mov', webm: 'webm', gif: 'gif' } as const;

const videoChain = (s: EncodeSpec): string => {
  const trim = `[0:v]trim=end_frame=${s.frames}`;
  if (s.format !== 'gif') return `${trim}[v]`;
  const g = gifTiming(s.fps, s.frames);
  const fps = g.fps === s.fps ? '' : `,fps=${g.fps}`;
  // From BT.709 limited-range YUV to full-range RGB for the palette.
  const rgb = 'scale=in_color_matrix=bt709:in_range=tv:out_range=pc,format=bgra';
  return gifGlobalPalette(s)
    ? `${trim}${fps},${rgb},split[g0][g1];[g0]palettegen=max_colors=256:stats_mode=full[pal];[g1][pal]paletteuse=dither=sierra2_4a:diff_mode=rectangle[v]`
    : `${trim}${fps},${rgb},split[g0][g1];[g0]palettegen=max_colors=256:stats_mode=single[pal];[g1][pal]paletteuse=dither=sierra2_4a:new=1[v]`;
};

/**
 * A seamless loop (one GOP, see below): the first frame (the I-frame) and the last two at a
 * near-lossless quantiser, reached over the last twelve frames in steps. The last frame and the
 * first are coded apart (one ends the chain of predictions, the other starts it), so their coding
 * errors do not cancel as consecutive frames' do: near-lossless, the loop point is the true step.
 * The ramp keeps the still parts from popping sharper two frames before the end (a jump straight to
 * a near-lossless quantiser did: 0.92 grey levels on a still product shot). QP 1 rather than 4 at
 * the ends halves the last frame's error for about 2% more bytes.
 *
 * With a still camera the steps inside the clip are small, and x264 shrank them below the true ones:
 * its deadzones round small changes to nothing, fast P-skip keeps blocks that moved a little, and
 * B-frames interpolate between P-frames. So the loop point, which keeps the whole step, stood out:
 * on real photos at 540p (decoded, 960x540 grey) 1.35x the median step for a drift, 1.8x for a sway,
 * 1.5x for fog. Coded alike, without them, the steps keep their motion (and some coding noise) and
 * the loop point is at the median step or under it wherever the rendered frames are (0.93–0.99x).
 * Costs 1.5–2.6x the bytes (the P-frames carry the motion they used to drop) and 0–50% more
 * encoder CPU. A moving camera's steps are many times the loop point's without it (0.1–0.2x).
 */
export const LOOP_QP = 1;
const LOOP_RAMP: ReadonlyArray<readonly [number, number, number]> = [[12, 10, 16], [9, 7, 12], [6, 5, 8], [4, 3, 5], [2, 1, LOOP_QP]];
/** x264 settings that code every frame of a still-camera loop alike (see above). */
export const LOOP_X264 = 'bframes=0:deadzone-inter=0:deadzone-intra=0:no-fast-pskip=1';
const loopParams = (s: EncodeSpec): string =>
  s.seamless && s.frames >= 24
    ? `${s.stillCamera ? `:${LOOP_X264}` : ''}:zones=0,0,q=${LOOP_QP}/${LOOP_RAMP.map(([a, b, q]) => `${s.frames - a},${s.frames - b},q=${q}`).join('/')}`
    : '';

export const buildEncodeArgs = (s: EncodeSpec): string[] => {
  validateEncodeSpec(s);
  const threads = String(s.threads ?? DEFAULT_THREADS);
  // A seamless loop is one GOP: a second keyframe would re-code the still parts with noise of its
  // own, which the last frame carries and the first does not (the loop point flickered: 1.55 grey
  // levels against a median step of 0.16 on a 3 s clip of clouds).
  const gop = String(s.seamless ? s.frames : Math.max(1, Math.round(s.fps * 2)));
  const hasAudio = s.format !== 'gif';
  const audio = hasAudio ? buildAudioMix(s.audio ?? [], s.frames, s.fps, { loudnorm: s.loudnorm === true }) : { inputs: [], chains: [] };

  const a: string[] = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:2', '-y'];
  a.push('-f', 'rawvideo', '-pix_fmt', s.alpha ? 'yuva420p' : 'yuv420p', '-s', `${s.width}x${s.height}`, '-framerate', String(s.fps), ...BT709_TV,
    '-i', s.input.kind === 'pipe' ? 'pipe:0' : s.input.path);
  a.push(...audio.inputs);
  a.push('-filter_complex', [videoChain(s), ...audio.chains].join(';'));
  a.push('-map', '[v]');
  if (hasAudio) a.push('-map', '[aout]');

  switch (s.format) {
    case 'mov':
    case 'mp4':
      if (s.format === 'mov' && s.alpha) {
        // ProRes 4444 keeps a 16-bit alpha channel; quality by its quantiser (lower is better).
        a.push('-c:v', 'prores_ks', '-profile:v', '4444', '-pix_fmt', 'yuva444p10le', '-alpha_bits', '16', '-qscale:v', String(PRORES_QSCALE[s.quality]),
          '-vendor', 'apl0', ...BT709_TV, '-vsync', 'cfr', '-r', String(s.fps),
          '-c:a', 'aac', '-profile:a', 'aac_low', '-b:a', '160k', '-ar', '48000', '-ac', '2');
        break;
      }
      // An opaque MOV is H.264 like the MP4.
      a.push('-c:v', 'libx264', '-preset', s.preset ?? DEFAULT_X264_PRESET, '-crf', String(X264_CRF[s.quality]),
        '-profile:v', 'high', '-pix_fmt', 'yuv420p', ...BT709_TV,
        '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-flags', '+cgop', '-x264-params', `open-gop=0:scenecut=0${loopParams(s)}`,
        '-vsync', 'cfr', '-r', String(s.fps), ...(s.threads ? ['-threads', threads] : []),
        '-c:a', 'aac', '-profile:a', 'aac_low', '-b:a', '160k', '-ar', '48000', '-ac', '2',
        '-movflags', '+faststart');
      break;
    case 'webm':
      a.push('-c:v', 'libvpx-vp9', '-crf', String(VP9_CRF[s.quality]), '-b:v', '0', '-deadline', 'good', '-cpu-used', String(VP9_CPU_USED),
        '-row-mt', '1', '-tile-columns', '1', '-threads', threads, '-pix_fmt', s.alpha ? 'yuva420p' : 'yuv420p', ...(s.alpha ? ['-auto-alt-ref', '0'] : []), ...BT709_TV,
        '-g', gop, '-keyint_min', gop, '-vsync', 'cfr', '-r', String(s.fps),
        '-c:a', 'libopus', '-b:a', '128k', '-ar', '48000', '-ac', '2');
      break;
    case 'gif':
      a.push('-frames:v', String(gifTiming(s.fps, s.frames).frames), '-loop', '0');
      break;
  }
  a.push('-f', MUXER[s.format], partialPath(s.output));
  return a;
};
