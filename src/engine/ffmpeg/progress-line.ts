/**
 * One line of ffmpeg's progress output, parsed (pure). Two dialects:
 *  - `-progress` blocks: `key=value` lines (`frame=40`, `fps=12.5`, `out_time_us=1333333`,
 *    `speed=2.5x`, …) closed by `progress=continue` or `progress=end`;
 *  - the classic stats line: `frame=   40 fps= 12 q=-1.0 size= 256kB time=00:00:01.33 bitrate=… speed=2.5x`.
 * Anything else (warnings, errors) is not progress and returns null: it belongs in the stderr tail.
 */
export interface EncodeProgress {
  readonly frame: number;
  readonly fps: number;
  readonly speed?: number;
  readonly outTimeMs?: number;
}

export type ProgressLine =
  /** One field of a `-progress` block (values may be empty for fields we do not use). */
  | { readonly kind: 'field'; readonly values: Partial<EncodeProgress> }
  /** A complete report: the `progress=` line closing a block (values empty), or a stats line (values filled). */
  | { readonly kind: 'report'; readonly values: Partial<EncodeProgress>; readonly end: boolean };

const finite = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : undefined;
};

/** `HH:MM:SS.micro` (possibly negative at the very start) → milliseconds. */
const clockMs = (s: string): number | undefined => {
  const m = /^(-)?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(s.trim());
  if (!m) return undefined;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return m[1] ? -ms : ms;
};

const clean = (v: Partial<Record<keyof EncodeProgress, number | undefined>>): Partial<EncodeProgress> =>
  Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as Partial<EncodeProgress>;

const STATS = /^frame=\s*(\d+)\s+fps=\s*([\d.]+)/;
const FIELD = /^([a-z_0-9]+)=(.*)$/;

export const parseProgressLine = (raw: string): ProgressLine | null => {
  const line = raw.trim();
  const stats = STATS.exec(line);
  if (stats) {
    const time = /\btime=\s*(-?[\d:.]+)/.exec(line)?.[1];
    const speed = /\bspeed=\s*([\d.]+)x/.exec(line)?.[1];
    return {
      kind: 'report',
      end: /\bLsize=/.test(line),
      values: clean({ frame: Number(stats[1]), fps: finite(stats[2]), outTimeMs: time ? clockMs(time) : undefined, speed: finite(speed) }),
    };
  }
  const f = FIELD.exec(line);
  if (!f) return null;
  const [, key, value] = f as unknown as [string, string, string];
  switch (key) {
    case 'progress':
      return { kind: 'report', end: value === 'end', values: {} };
    case 'frame':
      return { kind: 'field', values: clean({ frame: finite(value) }) };
    case 'fps':
      return { kind: 'field', values: clean({ fps: finite(value) }) };
    case 'speed':
      return { kind: 'field', values: clean({ speed: finite(value.replace(/x$/, '')) }) };
    // ffmpeg's out_time_ms is in microseconds too (a long-standing misnomer).
    case 'out_time_us':
    case 'out_time_ms': {
      const us = finite(value);
      return { kind: 'field', values: clean({ outTimeMs: us === undefined ? undefined : us / 1000 }) };
    }
    case 'out_time':
      return { kind: 'field', values: clean({ outTimeMs: clockMs(value) }) };
    default:
      // Other -progress keys (bitrate, total_size, dup_frames, stream_0_0_q, …): progress, but unused.
      return /^(bitrate|total_size|dup_frames|drop_frames|stream_\d+_\d+_q|stream_\d+_\d+_psnr_\w+)$/.test(key) ? { kind: 'field', values: {} } : null;
  }
};

/**
 * Folds parsed lines into complete reports: feed every line, get an EncodeProgress back when a
 * report completes (a `progress=` line or a stats line), else null. Local state, one per process.
 */
export const progressFolder = (): ((line: ProgressLine) => EncodeProgress | null) => {
  let acc: Partial<Record<keyof EncodeProgress, number>> = {};
  return (l) => {
    acc = { ...acc, ...l.values };
    if (l.kind !== 'report' || acc.frame === undefined) return null;
    const out: EncodeProgress = { frame: acc.frame, fps: acc.fps ?? 0, ...(acc.speed !== undefined ? { speed: acc.speed } : {}), ...(acc.outTimeMs !== undefined ? { outTimeMs: acc.outTimeMs } : {}) };
    acc = {};
    return out;
  };
};
