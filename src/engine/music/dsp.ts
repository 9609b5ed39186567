/**
 * The synthesiser's parts: a circular stereo bus (a note that rings past the loop's end wraps to its
 * start, so every track loops without a seam), instruments made from oscillators, plucked strings
 * (Karplus-Strong) and noise, and a few effects run twice round the loop (so their state at the
 * start is the state the end leaves). All deterministic: noise comes from a seeded generator.
 */
import { rng } from '../random.js';

export const SR = 48000;
const TAU = Math.PI * 2;

export const mtof = (m: number): number => 440 * Math.pow(2, (m - 69) / 12);

export class Bus {
  readonly L: Float32Array;
  readonly R: Float32Array;
  constructor(readonly n: number) {
    this.L = new Float32Array(n);
    this.R = new Float32Array(n);
  }
  /** Adds one sample at `i` (wrapping), panned -1 (left) … 1 (right), equal power. */
  #pan = 0;
  #gl = 1;
  #gr = 1;
  add(i: number, x: number, pan = 0): void {
    const k = ((i % this.n) + this.n) % this.n;
    if (pan !== this.#pan) {
      const a = ((pan + 1) * Math.PI) / 4;
      this.#pan = pan;
      this.#gl = Math.cos(a) * Math.SQRT2;
      this.#gr = Math.sin(a) * Math.SQRT2;
    }
    this.L[k]! += x * this.#gl;
    this.R[k]! += x * this.#gr;
  }
  addStereo(i: number, l: number, r: number): void {
    const k = ((i % this.n) + this.n) % this.n;
    this.L[k]! += l;
    this.R[k]! += r;
  }
  mixInto(out: Bus, gain: number): void {
    for (let i = 0; i < this.n; i++) { out.L[i]! += this.L[i]! * gain; out.R[i]! += this.R[i]! * gain; }
  }
}

// --- effects (in place, run twice round the loop) --------------------------------------------

type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };
const biquad = (type: 'lp' | 'hp' | 'bp', f: number, q: number): Biquad => {
  const w = (TAU * Math.min(f, SR * 0.45)) / SR, c = Math.cos(w), s = Math.sin(w), al = s / (2 * q), a0 = 1 + al;
  if (type === 'lp') return { b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - al) / a0 };
  if (type === 'hp') return { b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - al) / a0 };
  return { b0: al / a0, b1: 0, b2: -al / a0, a1: (-2 * c) / a0, a2: (1 - al) / a0 };
};

/** A fixed filter over a whole channel, circularly. */
export const filterLoop = (x: Float32Array, type: 'lp' | 'hp' | 'bp', f: number, q = 0.707): void => {
  const k = biquad(type, f, q);
  const n = x.length;
  const src = Float32Array.from(x);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < 2 * n; i++) {
    const v = src[i % n]!;
    const y = k.b0 * v + k.b1 * x1 + k.b2 * x2 - k.a1 * y1 - k.a2 * y2;
    x2 = x1; x1 = v; y2 = y1; y1 = y;
    if (i >= n) x[i - n] = y;
  }
};

export const filterBus = (b: Bus, type: 'lp' | 'hp' | 'bp', f: number, q = 0.707): void => {
  filterLoop(b.L, type, f, q);
  filterLoop(b.R, type, f, q);
};

/** A small Freeverb-style room: four damped combs and two all-passes per side; returns the wet signal. */
export const reverb = (b: Bus, o: { size?: number; damp?: number; wet?: number } = {}): Bus => {
  const size = o.size ?? 0.8, damp = o.damp ?? 0.3, wet = o.wet ?? 0.3;
  const out = new Bus(b.n);
  const combs = [1116, 1188, 1277, 1356, 1422, 1491];
  const aps = [556, 441, 341];
  for (const [side, spread] of [[0, 0], [1, 23]] as const) {
    const src = side === 0 ? b.L : b.R;
    const dst = side === 0 ? out.L : out.R;
    const cb = combs.map((l) => ({ buf: new Float32Array(Math.round((l + spread) * 1.09)), i: 0, lp: 0 }));
    const ab = aps.map((l) => ({ buf: new Float32Array(Math.round((l + spread) * 1.09)), i: 0 }));
    const n = b.n;
    for (let t = 0; t < 2 * n; t++) {
      const x = src[t % n]! * 0.015;
      let y = 0;
      for (const c of cb) {
        const o2 = c.buf[c.i]!;
        c.lp = o2 * (1 - damp) + c.lp * damp;
        c.buf[c.i] = x + c.lp * size;
        c.i = (c.i + 1) % c.buf.length;
        y += o2;
      }
      for (const a of ab) {
        const o2 = a.buf[a.i]!;
        a.buf[a.i] = y + o2 * 0.5;
        y = o2 - y;
        a.i = (a.i + 1) % a.buf.length;
      }
      if (t >= n) dst[t - n] = y * wet * 4;
    }
  }
  return out;
};

/** Multiplies the bus by gain(t seconds) (side-chain ducking, swells). */
export const shape = (b: Bus, gain: (s: number) => number): void => {
  for (let i = 0; i < b.n; i++) { const g = gain(i / SR); b.L[i]! *= g; b.R[i]! *= g; }
};

/** Tape wobble: a slowly varying delay (wow), read circularly. */
export const wobble = (b: Bus, depthMs: number, rateHz: number): void => {
  // Whole cycles per loop, so the wobble is continuous across the seam.
  const cycles = Math.max(1, Math.round((b.n / SR) * rateHz));
  for (const ch of [b.L, b.R]) {
    const src = Float32Array.from(ch);
    for (let i = 0; i < b.n; i++) {
      const d = (depthMs / 1000) * SR * (1 + Math.sin((TAU * cycles * i) / b.n)) * 0.5 + 4;
      const p = i - d;
      const i0 = Math.floor(p), f = p - i0;
      const a = src[((i0 % b.n) + b.n) % b.n]!, c = src[(((i0 + 1) % b.n) + b.n) % b.n]!;
      ch[i] = a + (c - a) * f;
    }
  }
};

export const saturate = (b: Bus, drive: number): void => {
  const k = Math.tanh(drive);
  for (let i = 0; i < b.n; i++) { b.L[i] = Math.tanh(b.L[i]! * drive) / k; b.R[i] = Math.tanh(b.R[i]! * drive) / k; }
};

// --- instruments: each writes into a bus from sample `at` ----------------------------------------

export interface Voice { at: number; vel: number; pan?: number }

const env = (t: number, a: number, d: number): number => (t < a ? t / a : Math.exp(-(t - a) / d));

/** Partials of fixed frequency, each sin by recurrence (cheap): amplitude and decay per partial. */
const partials = (bus: Bus, at: number, len: number, pan: number, list: ReadonlyArray<{ f: number; a: number; decay: number }>, attack: number, release: { off: number; time: number } | null): void => {
  const buf = new Float32Array(len);
  for (const p of list) {
    if (p.f >= SR * 0.45 || p.a <= 0) continue;
    const w = (TAU * p.f) / SR;
    const c2 = 2 * Math.cos(w);
    let y1 = Math.sin(-w), y2 = Math.sin(-2 * w);
    const dk = Math.exp(-1 / (p.decay * SR));
    let g = p.a;
    for (let i = 0; i < len; i++) {
      const y = c2 * y1 - y2;
      y2 = y1; y1 = y;
      buf[i]! += y * g;
      g *= dk;
    }
  }
  const atk = Math.max(1, Math.round(attack * SR));
  for (let i = 0; i < len; i++) {
    let e = i < atk ? i / atk : 1;
    if (release && i > release.off) e *= Math.exp(-(i - release.off) / (release.time * SR));
    bus.add(at + i, buf[i]! * e, pan);
  }
};

/** An acoustic-ish piano: slightly stretched partials, brighter and longer when low and loud. */
export const piano = (bus: Bus, v: Voice, midi: number, durS: number): void => {
  const f = mtof(midi);
  const t1 = Math.max(0.9, 5 - (midi - 36) * 0.07);
  const list = Array.from({ length: 12 }, (_, k) => {
    const h = k + 1;
    return { f: f * h * Math.sqrt(1 + 0.0004 * h * h), a: (v.vel / Math.pow(h, 1.1)) * (h > 1 ? 0.5 + 0.5 * v.vel : 1) * (h % 7 === 0 ? 0.2 : 1), decay: t1 / (1 + 0.5 * (h - 1)) };
  });
  const off = Math.round(durS * SR);
  partials(bus, v.at, off + Math.round(0.6 * SR), v.pan ?? 0, list, 0.003, { off, time: 0.12 });
};

/** An electric piano (two-operator FM, a tine's bell on the attack) with a gentle tremolo. */
export const epiano = (bus: Bus, v: Voice, midi: number, durS: number): void => {
  const f = mtof(midi);
  const off = Math.round(durS * SR), len = off + Math.round(0.5 * SR);
  for (let i = 0; i < len; i++) {
    const t = i / SR;
    const idx = 1.6 * v.vel * Math.exp(-t / 0.25) + 0.3;
    const x = Math.sin(TAU * f * t + idx * Math.sin(TAU * f * t)) * Math.exp(-t / 2.2) + 0.25 * Math.sin(TAU * f * 4 * t) * Math.exp(-t / 0.08);
    let e = Math.min(1, t / 0.004) * v.vel;
    if (i > off) e *= Math.exp(-(i - off) / (0.12 * SR));
    bus.add(v.at + i, x * e * (1 + 0.12 * Math.sin(TAU * 4.5 * t)), v.pan ?? 0);
  }
};

/** A bell or glockenspiel: inharmonic FM partials, long decay. */
export const bell = (bus: Bus, v: Voice, midi: number, decay = 1.6): void => {
  const f = mtof(midi);
  partials(bus, v.at, Math.round(decay * 4 * SR), v.pan ?? 0, [
    { f, a: v.vel, decay }, { f: f * 2.76, a: v.vel * 0.35, decay: decay * 0.4 }, { f: f * 5.4, a: v.vel * 0.18, decay: decay * 0.2 }, { f: f * 8.93, a: v.vel * 0.08, decay: decay * 0.1 },
  ], 0.002, null);
};

/** A sustained ensemble: several detuned band-limited saws per note, slow attack and release. */
export const pad = (bus: Bus, v: Voice, midis: readonly number[], durS: number, o: { attack?: number; release?: number; cutoff?: number; detune?: number; voices?: number } = {}): void => {
  const attack = o.attack ?? 0.8, release = o.release ?? 1.5, cutoff = o.cutoff ?? 1800, det = o.detune ?? 0.08, nv = o.voices ?? 3;
  const off = Math.round(durS * SR), len = off + Math.round(release * 3 * SR);
  midis.forEach((m, mi) => {
    for (let k = 0; k < nv; k++) {
      const f = mtof(m + (k - (nv - 1) / 2) * det * 2);
      const list = [];
      for (let h = 1; h <= 24; h++) {
        const fh = f * h;
        if (1 / h / (1 + Math.pow(fh / cutoff, 2)) < 0.02) break;
        list.push({ f: fh, a: (v.vel / h / (1 + Math.pow(fh / cutoff, 2))) / Math.sqrt(nv * midis.length), decay: 1e6 });
      }
      const pan = (v.pan ?? 0) + ((k / Math.max(1, nv - 1)) - 0.5) * 0.8 * (mi % 2 ? -1 : 1);
      partials(bus, v.at, len, Math.max(-1, Math.min(1, pan)), list, attack, { off, time: release });
    }
  });
};

/** A plucked string (Karplus-Strong): guitar, muted guitar, harp-like plucks. */
export const pluck = (bus: Bus, v: Voice, midi: number, o: { durS?: number; bright?: number; damp?: number; mute?: number; seed?: number } = {}): void => {
  // The loop is M samples plus half a sample of the two-point average.
  const M = Math.max(2, Math.round(SR / mtof(midi) - 0.5));
  const r = rng(o.seed ?? Math.round(midi * 977 + v.at));
  const buf = new Float32Array(M);
  const bright = o.bright ?? 0.6;
  let lp = 0;
  for (let i = 0; i < M; i++) { const x = r() * 2 - 1; lp = lp + bright * (x - lp); buf[i] = lp; }
  let mean = 0;
  for (let i = 0; i < M; i++) mean += buf[i]! / M;
  for (let i = 0; i < M; i++) buf[i]! -= mean;
  const durS = o.durS ?? 2.5, len = Math.round(durS * SR);
  const damp = o.damp ?? 0.996;
  const fade = Math.min(len >> 1, Math.round(0.05 * SR));
  let idx = 0;
  for (let i = 0; i < len; i++) {
    const a = buf[idx]!, b = buf[(idx + 1) % M]!;
    buf[idx] = damp * 0.5 * (a + b);
    idx = (idx + 1) % M;
    let e = i > len - fade ? (len - i) / fade : 1;
    if (o.mute) e *= Math.exp(-i / (o.mute * SR));
    bus.add(v.at + i, a * v.vel * e * 1.5, v.pan ?? 0);
  }
};

/**
 * A tone whose pitch moves (lead, 808, bowed string, guzheng bends): harmonics summed by phase,
 * `pitch(t)` in MIDI, `amp(t)` the envelope, `harm(h)` each harmonic's level.
 */
export const tone = (bus: Bus, at: number, lenS: number, pitch: (t: number) => number, amp: (t: number) => number, harm: (h: number, f: number) => number, pan = 0, maxH = 16): void => {
  const len = Math.round(lenS * SR);
  let ph = 0;
  const hs: number[] = [];
  for (let i = 0; i < len; i++) {
    const t = i / SR;
    const f = mtof(pitch(t));
    ph += f / SR;
    if (ph > 1) ph -= 1;
    if (i % 64 === 0) { hs.length = 0; for (let h = 1; h <= maxH; h++) hs.push(h * f < SR * 0.45 ? harm(h, f * h) : 0); }
    // sin((h+1)θ) = 2cosθ·sin(hθ) − sin((h−1)θ): one sin and one cos per sample.
    const s1 = Math.sin(TAU * ph), c2 = 2 * Math.cos(TAU * ph);
    let x = 0, sPrev = 0, sCur = s1;
    for (let h = 0; h < hs.length; h++) {
      x += hs[h]! * sCur;
      const nx = c2 * sCur - sPrev;
      sPrev = sCur; sCur = nx;
    }
    bus.add(at + i, x * amp(t), pan);
  }
};

// --- drums -----------------------------------------------------------------------------------

export const kick = (bus: Bus, v: Voice, o: { f0?: number; f1?: number; decay?: number; click?: number } = {}): void => {
  const f0 = o.f0 ?? 150, f1 = o.f1 ?? 48, d = o.decay ?? 0.32, click = o.click ?? 0.4;
  const len = Math.round(d * 5 * SR);
  let ph = 0;
  for (let i = 0; i < len; i++) {
    const t = i / SR;
    const f = f1 + (f0 - f1) * Math.exp(-t / 0.035);
    ph += f / SR;
    const x = Math.sin(TAU * ph) * Math.exp(-t / d) + click * Math.exp(-t / 0.004) * Math.sin(TAU * 1800 * t);
    bus.add(v.at + i, Math.tanh(x * 1.5) * v.vel, v.pan ?? 0);
  }
};

const noiseHit = (bus: Bus, v: Voice, lenS: number, decay: number, type: 'lp' | 'hp' | 'bp', f: number, q: number, seed: number, extra?: (t: number) => number, attack = 0.0005): void => {
  const len = Math.round(lenS * SR);
  const r = rng(seed);
  const k = biquad(type, f, q);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < len; i++) {
    const t = i / SR;
    const x = r() * 2 - 1;
    const y = k.b0 * x + k.b1 * x1 + k.b2 * x2 - k.a1 * y1 - k.a2 * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    const e = env(t, attack, decay);
    bus.add(v.at + i, (y * e + (extra ? extra(t) : 0)) * v.vel, v.pan ?? 0);
  }
};

export const snare = (bus: Bus, v: Voice, o: { tone?: number; decay?: number; seed?: number } = {}): void => {
  const f = o.tone ?? 190;
  noiseHit(bus, v, 0.5, o.decay ?? 0.13, 'bp', 3200, 0.6, o.seed ?? v.at, (t) => 0.5 * Math.sin(TAU * f * t) * Math.exp(-t / 0.05));
};

export const clap = (bus: Bus, v: Voice, seed = 7): void => {
  for (const [dt, g] of [[0, 0.6], [0.011, 0.7], [0.022, 1]] as const) {
    noiseHit(bus, { ...v, at: v.at + Math.round(dt * SR), vel: v.vel * g }, dt === 0.022 ? 0.4 : 0.012, dt === 0.022 ? 0.09 : 0.004, 'bp', 1300, 1.2, seed + dt * 1e4);
  }
};

export const hat = (bus: Bus, v: Voice, open = false, seed = 3): void =>
  noiseHit(bus, v, open ? 0.5 : 0.08, open ? 0.16 : 0.022, 'hp', 7500, 0.9, seed + v.at);

export const shaker = (bus: Bus, v: Voice, seed = 5): void =>
  noiseHit(bus, v, 0.12, 0.03, 'bp', 6000, 1.2, seed + v.at, undefined, 0.012);

export const tom = (bus: Bus, v: Voice, f: number, decay = 0.5): void => {
  const len = Math.round(decay * 4 * SR);
  let ph = 0;
  const r = rng(v.at);
  for (let i = 0; i < len; i++) {
    const t = i / SR;
    ph += (f * (1 + 0.5 * Math.exp(-t / 0.03))) / SR;
    const x = Math.sin(TAU * ph) * Math.exp(-t / decay) + (r() * 2 - 1) * 0.25 * Math.exp(-t / 0.02);
    bus.add(v.at + i, Math.tanh(x * 1.3) * v.vel, v.pan ?? 0);
  }
};

export const woodblock = (bus: Bus, v: Voice, f = 1100): void =>
  partials(bus, v.at, Math.round(0.25 * SR), v.pan ?? 0, [{ f, a: v.vel, decay: 0.035 }, { f: f * 2.3, a: v.vel * 0.4, decay: 0.02 }], 0.0005, null);

/** Vinyl crackle: sparse clicks and a little hiss over the whole loop. */
export const crackle = (bus: Bus, level: number, seed = 11): void => {
  const r = rng(seed);
  let lp = 0;
  for (let i = 0; i < bus.n; i++) {
    lp += 0.05 * ((r() * 2 - 1) - lp);
    let x = lp * 0.15;
    if (r() < 0.0004) x += (r() * 2 - 1) * 0.8;
    bus.add(i, x * level, 0);
  }
};
