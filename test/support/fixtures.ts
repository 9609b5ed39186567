/** Test photos made in code (a user's clone has no sample corpus). Written under os.tmpdir() only. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { wavBytes } from '../../src/engine/music/builtin.js';

export const tempDir = (prefix = 'stillmotion-test-'): { dir: string; path: (name: string) => string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** A deterministic photo-like texture: structure at many scales, so motion can be measured from pixels. */
export const texturedRgb = (w: number, h: number, seed = 1): Buffer => {
  const buf = Buffer.alloc(w * h * 3);
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const blobs = Array.from({ length: 60 }, () => ({ x: rnd() * w, y: rnd() * h, r: 4 + rnd() * Math.min(w, h) / 10, c: [rnd() * 255, rnd() * 255, rnd() * 255] }));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const base = 110 + 40 * Math.sin(x / 37) * Math.cos(y / 23) + 25 * Math.sin((x + 2 * y) / 9);
      let r = base, g = base * 0.9 + 10, b = base * 0.8 + 20;
      for (const o of blobs) {
        const d2 = (x - o.x) ** 2 + (y - o.y) ** 2;
        if (d2 < o.r * o.r) {
          const k = 1 - Math.sqrt(d2) / o.r;
          r = r * (1 - k) + o.c[0]! * k; g = g * (1 - k) + o.c[1]! * k; b = b * (1 - k) + o.c[2]! * k;
        }
      }
      buf[i] = Math.max(0, Math.min(255, r));
      buf[i + 1] = Math.max(0, Math.min(255, g));
      buf[i + 2] = Math.max(0, Math.min(255, b));
    }
  }
  return buf;
};

export const texturedJpeg = async (path: string, w: number, h: number, seed = 1): Promise<string> => {
  await sharp(texturedRgb(w, h, seed), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92 }).toFile(path);
  return path;
};

/** A flat photo of one colour with a red square marker in the upright picture's top-left corner. */
export const markerRgb = (w: number, h: number, fill: [number, number, number] = [40, 90, 200]): Buffer => {
  const buf = Buffer.alloc(w * h * 3);
  const m = Math.round(Math.min(w, h) / 5);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = x < m && y < m ? [230, 20, 20] : fill;
      buf.set(c, (y * w + x) * 3);
    }
  }
  return buf;
};

/**
 * A JPEG whose stored pixels are turned so that applying EXIF `orientation` shows the upright
 * marker picture (w x h as displayed).
 */
export const orientedJpeg = async (path: string, w: number, h: number, orientation: number): Promise<string> => {
  let p = sharp(markerRgb(w, h), { raw: { width: w, height: h, channels: 3 } });
  // Inverse of what a viewer applies for each tag.
  switch (orientation) {
    case 2: p = p.flop(); break;
    case 3: p = p.rotate(180); break;
    case 4: p = p.flip(); break;
    case 5: p = p.rotate(270).flop(); break; // sharp flops after rotating
    case 6: p = p.rotate(270); break;
    case 7: p = p.rotate(90).flop(); break;
    case 8: p = p.rotate(90); break;
  }
  const stored = await p.raw().toBuffer({ resolveWithObject: true });
  await sharp(stored.data, { raw: { width: stored.info.width, height: stored.info.height, channels: 3 } })
    .withMetadata({ orientation })
    .jpeg({ quality: 95 })
    .toFile(path);
  return path;
};

/** A click track (16-bit WAV, the same on both channels): a short 1.5 kHz click on every beat, a louder one with a low thump on every fourth. Returns the beat times. */
export const clickWav = (path: string, o: { bpm: number; firstS: number; seconds: number; rate?: number }): number[] => {
  const rate = o.rate ?? 48000;
  const beats = Array.from({ length: Math.floor((o.seconds - o.firstS) / (60 / o.bpm)) }, (_, i) => o.firstS + (i * 60) / o.bpm);
  const n = Math.round(o.seconds * rate);
  const x = new Float32Array(n);
  beats.forEach((t, i) => {
    const at = Math.round(t * rate);
    const down = i % 4 === 0;
    for (let k = 0; k < 0.08 * rate && at + k < n; k++) {
      const s = k / rate;
      x[at + k]! += (down ? 0.6 : 0.35) * Math.sin(2 * Math.PI * 1500 * s) * Math.exp(-s / 0.01) + (down ? 0.5 * Math.sin(2 * Math.PI * 70 * s) * Math.exp(-s / 0.03) : 0);
    }
  });
  writeFileSync(path, wavBytes(x, x, 1, rate));
  return beats;
};

/**
 * A landscape made in code for living-photo tests: a blue sky gradient with soft cloud texture in
 * the top ~45%, over textured green-brown ground with a slightly uneven horizon.
 */
export const skyLandscapeRgb = (w: number, h: number, seed = 3): Buffer => {
  const buf = Buffer.alloc(w * h * 3);
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  // Smooth noise from a few random sine waves (clouds) and sharper ones (ground).
  const waves = (n: number, fmin: number, fmax: number) => Array.from({ length: n }, () => ({ fx: (fmin + rnd() * (fmax - fmin)) * (rnd() < 0.5 ? -1 : 1), fy: fmin + rnd() * (fmax - fmin), p: rnd() * 6.283 }));
  const cloud = waves(9, 2, 9);
  const ground = waves(14, 25, 70);
  const hz = (x: number) => 0.45 * h + 0.03 * h * Math.sin((x / w) * 9) + 0.015 * h * Math.sin((x / w) * 31);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const u = x / w, v = y / h;
      if (y < hz(x)) {
        let c = 0;
        for (const k of cloud) c += Math.sin(6.283 * (k.fx * u + k.fy * v * (h / w)) + k.p);
        const a = Math.max(0, Math.min(1, c / 3 + 0.1));
        const t = y / hz(x);
        const sky = [40 + 90 * t, 110 + 80 * t, 210 + 35 * t];
        buf[i] = sky[0]! + (245 - sky[0]!) * a;
        buf[i + 1] = sky[1]! + (245 - sky[1]!) * a;
        buf[i + 2] = sky[2]! + (250 - sky[2]!) * a;
      } else {
        let g = 0;
        for (const k of ground) g += Math.sin(6.283 * (k.fx * u + k.fy * v) + k.p);
        const q = g / 4;
        buf[i] = Math.max(0, Math.min(255, 80 + 45 * q));
        buf[i + 1] = Math.max(0, Math.min(255, 110 + 55 * q));
        buf[i + 2] = Math.max(0, Math.min(255, 40 + 30 * q));
      }
    }
  }
  return buf;
};

/**
 * The same kind of landscape with the detail of a real photo: clouds and ground from value noise
 * at seven octaves (each 0.62 of the one above, so fine detail down to a few pixels, as in a photo's
 * clouds or grass), plus a little grain. Smooth fixtures hide what an encoder does to small
 * changes: x264 rounds them away where the texture is fine, and a loop's steps shrink.
 */
export const detailedLandscapeRgb = (w: number, h: number, seed = 5): Buffer => {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const octaves = Array.from({ length: 7 }, (_, k) => {
    const n = 4 << k;
    const g = new Float32Array((n + 1) * (n + 1)).map(() => rnd() * 2 - 1);
    return { n, g, a: 0.62 ** k };
  });
  // Smoothstep-interpolated value noise over [0, 1]², about -1..1.
  const noise = (u: number, v: number): number => {
    let t = 0;
    for (const o of octaves) {
      const x = u * o.n, y = v * o.n, x0 = Math.min(o.n - 1, Math.floor(x)), y0 = Math.min(o.n - 1, Math.floor(y)), r = o.n + 1;
      const fx = x - x0, fy = y - y0, sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
      const a = o.g[y0 * r + x0]!, b = o.g[y0 * r + x0 + 1]!, c = o.g[(y0 + 1) * r + x0]!, d = o.g[(y0 + 1) * r + x0 + 1]!;
      t += o.a * (a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy);
    }
    return t;
  };
  const buf = Buffer.alloc(w * h * 3);
  const hz = (x: number) => 0.45 * h + 0.03 * h * Math.sin((x / w) * 9) + 0.015 * h * Math.sin((x / w) * 31);
  const put = (i: number, rgb: readonly number[], grain: number) => {
    for (let c = 0; c < 3; c++) buf[i + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + grain)));
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3, u = x / w, v = y / h, grain = (rnd() - 0.5) * 6;
      if (y < hz(x)) {
        const a = Math.max(0, Math.min(1, 0.45 + 0.6 * noise(u, (v * h) / w)));
        const t = y / hz(x);
        const sky = [40 + 90 * t, 110 + 80 * t, 210 + 35 * t];
        put(i, [sky[0]! + (245 - sky[0]!) * a, sky[1]! + (245 - sky[1]!) * a, sky[2]! + (250 - sky[2]!) * a], grain);
      } else {
        const q = 1.3 * noise(1 - u, 1 - v);
        put(i, [80 + 70 * q, 110 + 80 * q, 40 + 45 * q], grain);
      }
    }
  }
  return buf;
};
