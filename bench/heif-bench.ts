/**
 * HEIC decode speed: each HEIC of the photo folder decoded (to upright sRGB RGBA, as `decodeHeif`
 * returns it) by libheif alone and by the default path (ffmpeg's HEVC decoder when the file allows),
 * alternately, median of a few runs. Wall time and CPU time (this process and the children it
 * waited for, i.e. ffmpeg), in ms per megapixel of the photo. Also the default path asked for what
 * a 540p preview's picture needs (`atLeast`: the photo reduced by 2, 4 or 8 on decode).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHeif } from '../src/engine/heif/index.js';
import { stillDecodeSize } from '../src/engine/prepare-still.js';
import { cpuTimes } from './cpu.js';

/** CPU ms of this process plus its reaped children (ffmpeg). */
const cpuMs = (): number => {
  const c = cpuTimes();
  return (c.own_s + c.children_s) * 1000;
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface HeifBenchRow {
  readonly photo: string;
  readonly megapixels: number;
  readonly decoder: string;
  readonly libheif_ms_per_mp: number;
  readonly ours_ms_per_mp: number;
  readonly libheif_cpu_ms_per_mp: number;
  readonly ours_cpu_ms_per_mp: number;
  readonly speedup_wall: number;
  /** The default path asked for a 540p preview's picture: how much it reduced, and its CPU. */
  readonly preview_scale: number;
  readonly preview_cpu_ms_per_mp: number;
}

export const benchHeif = async (dir: string, runs = 3): Promise<HeifBenchRow[]> => {
  const rows: HeifBenchRow[] = [];
  for (const name of readdirSync(dir).filter((f) => /\.hei[cf]$/i.test(f)).sort()) {
    const buf = readFileSync(join(dir, name));
    const wall = { libheif: [] as number[], ours: [] as number[] };
    const cpu = { libheif: [] as number[], ours: [] as number[], preview: [] as number[] };
    let previewScale = 1;
    let mp = 0;
    let size = { w: 0, h: 0 };
    let decoder = '';
    for (let i = 0; i < runs + 1; i++) {
      for (const which of ['libheif', 'ours', 'preview'] as const) {
        const c0 = cpuMs();
        const t0 = performance.now();
        // A 540p cover picture of the photo's shape, pushed in 1.25x (as a preview's plan asks).
        const atLeast = (w: number, h: number) => stillDecodeSize({ fit: 'cover', detailZoom: 1.25 }, w >= h ? 960 : 540, w >= h ? 540 : 960)(w, h);
        const s = await decodeHeif(buf, { maxPixels: 2e8, decoder: which === 'libheif' ? 'libheif' : 'auto', ...(which === 'preview' ? { atLeast: atLeast(size.w, size.h) } : {}) });
        if (which === 'preview') {
          previewScale = s.scale ?? 1;
          if (i > 0) cpu.preview.push(cpuMs() - c0);
          continue;
        }
        const t = performance.now() - t0;
        const c = cpuMs() - c0;
        mp = (s.width * s.height) / 1e6;
        size = { w: s.width, h: s.height };
        if (which === 'ours') decoder = s.decoder;
        if (i === 0) continue; // the first round loads and compiles the decoders
        wall[which].push(t);
        cpu[which].push(c);
      }
    }
    const r = (n: number) => Math.round(n * 10) / 10;
    rows.push({
      photo: name,
      megapixels: r(mp),
      decoder,
      libheif_ms_per_mp: r(median(wall.libheif) / mp),
      ours_ms_per_mp: r(median(wall.ours) / mp),
      libheif_cpu_ms_per_mp: r(median(cpu.libheif) / mp),
      ours_cpu_ms_per_mp: r(median(cpu.ours) / mp),
      speedup_wall: Math.round((median(wall.libheif) / median(wall.ours)) * 100) / 100,
      preview_scale: previewScale,
      preview_cpu_ms_per_mp: r(median(cpu.preview) / mp),
    });
  }
  return rows;
};

// `node dist/bench/heif-bench.js <folder>`: the table alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: heif-bench.js <folder of HEICs>');
  for (const row of await benchHeif(dir, Number(process.argv[3] ?? 3))) console.log(JSON.stringify(row));
}
