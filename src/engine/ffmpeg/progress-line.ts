/** One line of ffmpeg's `-progress` output (key=value) folded into a progress value. */
export interface EncoderProgress {
  frame?: number;
  fps?: number;
  outTimeMs?: number;
  speed?: number;
  end?: boolean;
}

export const parseProgressLine = (line: string, into: EncoderProgress = {}): EncoderProgress => {
  const eq = line.indexOf('=');
  if (eq < 0) return into;
  const k = line.slice(0, eq).trim();
  const v = line.slice(eq + 1).trim();
  const n = Number.parseFloat(v);
  switch (k) {
    case 'frame': if (Number.isFinite(n)) into.frame = n; break;
    case 'fps': if (Number.isFinite(n)) into.fps = n; break;
    case 'out_time_us':
    case 'out_time_ms': if (Number.isFinite(n)) into.outTimeMs = n / 1000; break;
    case 'speed': if (Number.isFinite(n)) into.speed = n; break;
    case 'progress': into.end = v === 'end'; break;
  }
  return into;
};
