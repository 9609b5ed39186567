/** What a media file holds, from ffprobe, plus the MP4 box order (moov before mdat = fast start). */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { StillmotionError } from '../../errors.js';
import { resolveBinaries } from './binaries.js';

export interface ProbeResult {
  readonly format: string;
  readonly durationS: number;
  readonly sizeBytes: number;
  readonly video: null | {
    readonly codec: string;
    readonly profile: string | null;
    readonly pixFmt: string;
    readonly width: number;
    readonly height: number;
    readonly fps: number;
    readonly frames: number | null;
    readonly colorPrimaries: string | null;
    readonly colorTransfer: string | null;
    readonly colorSpace: string | null;
    readonly colorRange: string | null;
    readonly durationS: number | null;
  };
  readonly audio: null | { readonly codec: string; readonly profile: string | null; readonly sampleRate: number; readonly channels: number; readonly durationS: number | null };
  /** MP4/MOV only: the index (moov) comes before the media data (mdat). */
  readonly moovBeforeMdat: boolean | null;
  /** Keyframe times in seconds (when asked). */
  readonly keyframes: readonly number[] | null;
}

const run = (bin: string, args: string[], maxBytes = 64 << 20): Promise<Buffer> =>
  new Promise((res, rej) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    p.stdout.on('data', (d: Buffer) => { size += d.length; if (size <= maxBytes) out.push(d); });
    p.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    p.on('error', (e) => rej(new StillmotionError('ENCODER_MISSING', `cannot start ${bin}: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? res(Buffer.concat(out)) : rej(new StillmotionError('ENCODER_FAILED', `${bin} exited with code ${code}: ${err.trim().split('\n').slice(-2).join(' | ')}`, { details: { stderr_tail: err } }))));
  });

/** Top-level box order of an ISO-BMFF file. */
export const topLevelBoxes = async (path: string): Promise<string[]> => {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const names: string[] = [];
    let pos = 0;
    const hdr = Buffer.alloc(16);
    while (pos + 8 <= size && names.length < 64) {
      await fh.read(hdr, 0, 16, pos);
      let len = hdr.readUInt32BE(0);
      const name = hdr.toString('latin1', 4, 8);
      if (len === 1) len = Number(hdr.readBigUInt64BE(8));
      else if (len === 0) len = size - pos;
      if (len < 8) break;
      names.push(name);
      pos += len;
    }
    return names;
  } finally {
    await fh.close();
  }
};

const ratio = (r: string | undefined): number => {
  if (!r) return 0;
  const [a, b] = r.split('/').map(Number);
  return b ? a! / b : a ?? 0;
};

export const probeMedia = async (path: string, opts: { countFrames?: boolean; keyframes?: boolean; ffprobePath?: string } = {}): Promise<ProbeResult> => {
  const bin = opts.ffprobePath ?? resolveBinaries().ffprobe;
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  if (opts.countFrames) args.push('-count_frames');
  args.push(path);
  const j = JSON.parse((await run(bin, args)).toString('utf8')) as {
    format: { format_name: string; duration?: string; size?: string };
    streams: Array<Record<string, string | number | undefined>>;
  };
  const v = j.streams.find((s) => s.codec_type === 'video');
  const a = j.streams.find((s) => s.codec_type === 'audio');
  const num = (x: unknown) => (x === undefined || x === 'N/A' ? null : Number(x));
  let keyframes: number[] | null = null;
  if (opts.keyframes && v) {
    const out = (await run(bin, ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', path])).toString('utf8');
    keyframes = out.split('\n').map((l) => Number.parseFloat(l)).filter((n) => Number.isFinite(n));
  }
  const isBmff = /mp4|mov/.test(j.format.format_name);
  let moovBeforeMdat: boolean | null = null;
  if (isBmff) {
    const boxes = await topLevelBoxes(path);
    moovBeforeMdat = boxes.includes('moov') && boxes.indexOf('moov') < boxes.indexOf('mdat');
  }
  return {
    format: j.format.format_name,
    durationS: Number(j.format.duration ?? 0),
    sizeBytes: Number(j.format.size ?? 0),
    video: v ? {
      codec: String(v.codec_name),
      profile: v.profile === undefined ? null : String(v.profile),
      pixFmt: String(v.pix_fmt),
      width: Number(v.width),
      height: Number(v.height),
      fps: ratio(v.r_frame_rate as string),
      frames: num(v.nb_read_frames ?? v.nb_frames),
      colorPrimaries: (v.color_primaries as string) ?? null,
      colorTransfer: (v.color_transfer as string) ?? null,
      colorSpace: (v.color_space as string) ?? null,
      colorRange: (v.color_range as string) ?? null,
      durationS: num(v.duration),
    } : null,
    audio: a ? { codec: String(a.codec_name), profile: a.profile === undefined ? null : String(a.profile), sampleRate: Number(a.sample_rate), channels: Number(a.channels), durationS: num(a.duration) } : null,
    moovBeforeMdat,
    keyframes,
  };
};

/** Decode frames to raw buffers (all, or chosen 0-based indices), optionally scaled. */
export const decodeFrames = async (path: string, o: { pixFmt: 'rgb24' | 'gray'; width?: number; height?: number; frames?: readonly number[]; ffmpegPath?: string }): Promise<Buffer[]> => {
  const bin = o.ffmpegPath ?? resolveBinaries().ffmpeg;
  const probe = await probeMedia(path);
  const w = o.width ?? probe.video?.width ?? 0;
  const h = o.height ?? probe.video?.height ?? 0;
  const filters: string[] = [];
  if (o.frames) filters.push(`select='${o.frames.map((i) => `eq(n\\,${i})`).join('+')}'`);
  // Interpret the video's own tags (BT.709 limited) when converting to RGB.
  filters.push(`scale=${w}:${h}:flags=area:in_color_matrix=bt709:in_range=tv:out_range=pc`);
  const data = await run(bin, ['-v', 'error', '-i', path, '-vf', filters.join(','), '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', o.pixFmt, 'pipe:1'], 2 ** 32);
  const size = w * h * (o.pixFmt === 'rgb24' ? 3 : 1);
  const out: Buffer[] = [];
  for (let p = 0; p + size <= data.length; p += size) out.push(data.subarray(p, p + size));
  return out;
};
