/** What a media file holds, from ffprobe's JSON, plus the MP4 box order checked by reading the file ourselves. */
import { resolveBinaries } from './binaries.js';
import { moovBeforeMdat, topLevelBoxes } from './mp4-boxes.js';
import { runTool } from './run-tool.js';

export interface ProbeVideo {
  readonly codec: string;
  /** e.g. 'High', 'Profile 0'; null when the codec has none. */
  readonly profile: string | null;
  readonly pixFmt: string;
  readonly width: number;
  readonly height: number;
  readonly colorPrimaries: string | null;
  readonly colorTransfer: string | null;
  readonly colorSpace: string | null;
  readonly colorRange: string | null;
  /** As ffprobe reports it, e.g. '30/1'. */
  readonly rFrameRate: string;
  /** rFrameRate as a number. */
  readonly fps: number;
  /** Decoded and counted when `countFrames` was asked, else the container's count (null when it keeps none). */
  readonly frames: number | null;
  readonly durationS: number | null;
}

export interface ProbeAudio {
  readonly codec: string;
  readonly profile: string | null;
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationS: number | null;
}

export interface ProbeResult {
  /** ffprobe's format name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm', 'gif'. */
  readonly format: string;
  readonly durationS: number;
  readonly sizeBytes: number;
  readonly video: ProbeVideo | null;
  readonly hasAudio: boolean;
  readonly audio: ProbeAudio | null;
  /** MP4/MOV: the moov box comes before mdat (fast start). False for other containers. */
  readonly moovBeforeMdat: boolean;
  /** Keyframe times in seconds, when `keyframes` was asked. */
  readonly keyframes: readonly number[] | null;
}

export interface ProbeOptions {
  /** Decode every frame to count them exactly (slower: it decodes the whole stream). */
  readonly countFrames?: boolean;
  /** Also list keyframe times (decodes keyframes only). */
  readonly keyframes?: boolean;
  readonly ffprobePath?: string;
  readonly signal?: AbortSignal;
}

type Stream = Record<string, string | number | undefined>;

const text = (v: unknown): string | null => (v === undefined || v === null || v === '' || v === 'unknown' || v === 'N/A' ? null : String(v));
const num = (v: unknown): number | null => {
  const n = text(v) === null ? NaN : Number(v);
  return Number.isFinite(n) ? n : null;
};
const ratio = (r: string | null): number => {
  if (!r) return 0;
  const [a, b] = r.split('/').map(Number);
  return b ? a! / b : (a ?? 0);
};

export const probeMedia = async (path: string, o: ProbeOptions = {}): Promise<ProbeResult> => {
  const bin = o.ffprobePath ?? resolveBinaries().ffprobe;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  if (o.countFrames) args.push('-count_frames');
  const { stdout } = await runTool(bin, [...args, path], { signal: o.signal });
  const j = JSON.parse(stdout.toString('utf8')) as { format: Stream; streams: Stream[] };
  const v = j.streams.find((s) => s.codec_type === 'video');
  const a = j.streams.find((s) => s.codec_type === 'audio');

  let keyframes: number[] | null = null;
  if (o.keyframes && v) {
    const k = await runTool(bin, ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time,best_effort_timestamp_time', '-of', 'csv=p=0', path], { signal: o.signal });
    keyframes = k.stdout.toString('utf8').split('\n').map((l) => Number.parseFloat(l.split(',').find((x) => x && x !== 'N/A') ?? '')).filter(Number.isFinite);
  }
  const format = String(j.format.format_name ?? '');
  const bmff = /\b(mov|mp4)\b/.test(format);
  const rFrameRate = text(v?.r_frame_rate) ?? '0/0';
  return {
    format,
    durationS: num(j.format.duration) ?? 0,
    sizeBytes: num(j.format.size) ?? 0,
    video: v ? {
      codec: String(v.codec_name),
      profile: text(v.profile),
      pixFmt: String(v.pix_fmt),
      width: Number(v.width),
      height: Number(v.height),
      colorPrimaries: text(v.color_primaries),
      colorTransfer: text(v.color_transfer),
      colorSpace: text(v.color_space),
      colorRange: text(v.color_range),
      rFrameRate,
      fps: ratio(rFrameRate),
      frames: o.countFrames ? num(v.nb_read_frames) : num(v.nb_frames),
      durationS: num(v.duration),
    } : null,
    hasAudio: a !== undefined,
    audio: a ? {
      codec: String(a.codec_name),
      profile: text(a.profile),
      sampleRate: Number(a.sample_rate),
      channels: Number(a.channels),
      durationS: num(a.duration),
    } : null,
    moovBeforeMdat: bmff ? moovBeforeMdat(await topLevelBoxes(path)) : false,
    keyframes,
  };
};
