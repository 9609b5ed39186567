/**
 * The built-in tracks, composed here note by note and synthesised (dsp.ts): no recordings, no
 * samples. Each style has its own progression, bass line, drum pattern and sounds; every loop is
 * a whole number of bars and wraps without a seam. Output: 48 kHz stereo floats, not yet
 * loudness-normalised (builtin.ts does that with ffmpeg's own meter).
 */
import { BUILTIN_TRACKS, type BuiltinTrack } from './library.js';
import { rng } from '../random.js';
import {
  Bus, SR, bell, clap, crackle, epiano, filterBus, hat, kick, mtof, pad, piano, pluck, reverb, saturate, shape, shaker, snare, tom, tone, wobble, woodblock,
} from './dsp.js';

interface Song {
  readonly n: number;
  readonly beatS: number;
  readonly beats: number;
  /** Sample index of a beat position (fractional beats), with swing on off-beat sixteenths. */
  at(beat: number): number;
  readonly r: () => number;
}

const song = (x: BuiltinTrack, swing = 0): Song => {
  const beatS = 60 / x.bpm;
  const beats = x.bars * x.beatsPerBar;
  const n = Math.round(beats * beatS * SR);
  return {
    n, beatS, beats, r: rng(x.slug.length * 7919 + x.bpm),
    at: (b: number) => {
      const q = Math.round(b * 4);
      const offSixteenth = Math.abs(b * 4 - q) < 1e-6 && q % 2 !== 0;
      return Math.round((b + (offSixteenth ? swing * 0.25 : 0)) * beatS * SR);
    },
  };
};

type Chord = { root: number; notes: number[] };
const ch = (root: number, ...notes: number[]): Chord => ({ root, notes });

/** One chord per bar, repeating. */
const chordAt = (prog: readonly Chord[], bar: number, barsPerChord = 1): Chord => prog[((Math.floor(bar / barsPerChord) % prog.length) + prog.length) % prog.length]!;

// --- lo-fi ------------------------------------------------------------------------------------
const lofi = (x: BuiltinTrack): Bus => {
  const s = song(x, 0.32);
  const drums = new Bus(s.n), keys = new Bus(s.n), bass = new Bus(s.n), fx = new Bus(s.n);
  const prog = [ch(38, 53, 57, 60, 64), ch(43, 53, 59, 64, 69), ch(36, 52, 55, 59, 62), ch(45, 55, 60, 64, 71)];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4;
    const c = chordAt(prog, bar);
    // Rhodes: on the one and a push on the "and" of two, each voicing rolled a little.
    c.notes.forEach((m, i) => {
      epiano(keys, { at: s.at(b0) + i * 420, vel: 0.34 - i * 0.03, pan: -0.3 + i * 0.15 }, m, s.beatS * 1.7);
      epiano(keys, { at: s.at(b0 + 2.5) + i * 300, vel: 0.22 - i * 0.02, pan: -0.3 + i * 0.15 }, m, s.beatS * 1.3);
    });
    // Round bass: root, a fifth on the and of three, a walk into the next chord.
    const next = chordAt(prog, bar + 1).root;
    const bl = (b: number, m: number, d: number, v: number) => tone(bass, s.at(b0 + b), d * s.beatS, () => m, (t) => Math.min(1, t / 0.01) * Math.exp(-t / 1.2) * v, (h) => (h === 1 ? 1 : h === 2 ? 0.25 : 0.05), 0, 3);
    bl(0, c.root, 1.6, 0.55); bl(2.5, c.root + 7, 0.9, 0.4); bl(3.5, next + (next > c.root ? -1 : 1), 0.45, 0.35);
    // Boom-bap: kick on one, the and of two (sometimes) and three-and; snare on two and four; swung hats.
    kick(drums, { at: s.at(b0), vel: 0.9 }, { f0: 120, f1: 50, decay: 0.28, click: 0.15 });
    if (bar % 2 === 1) kick(drums, { at: s.at(b0 + 1.75), vel: 0.5 }, { f0: 120, f1: 50, decay: 0.2, click: 0.1 });
    kick(drums, { at: s.at(b0 + 2.5), vel: 0.75 }, { f0: 120, f1: 50, decay: 0.25, click: 0.1 });
    snare(drums, { at: s.at(b0 + 1) + 200, vel: 0.55 }, { tone: 180, decay: 0.16 });
    snare(drums, { at: s.at(b0 + 3) + 200, vel: 0.55 }, { tone: 180, decay: 0.16 });
    for (let k = 0; k < 8; k++) hat(drums, { at: s.at(b0 + k * 0.5), vel: k % 2 ? 0.12 : 0.2, pan: 0.25 });
    if (bar % 4 === 3) hat(drums, { at: s.at(b0 + 3.75), vel: 0.1, pan: 0.25 });
  }
  // A sparse melody over the second half: minor-pentatonic tones on the e-piano an octave up.
  const mel: Array<[number, number, number]> = [[16.5, 76, 1], [17.5, 74, 0.5], [18, 72, 1.5], [20.5, 69, 1], [21.5, 72, 1.5], [24, 74, 1], [25, 76, 0.5], [25.5, 79, 2], [28.5, 76, 1], [29.5, 74, 2]];
  for (const [b, m, d] of mel) epiano(keys, { at: s.at(b), vel: 0.26, pan: 0.2 }, m, d * s.beatS);
  wobble(keys, 3, 0.5);
  filterBus(keys, 'lp', 3200);
  filterBus(drums, 'lp', 6500);
  filterBus(bass, 'lp', 700);
  crackle(fx, 0.4);
  const room = reverb(keys, { size: 0.82, wet: 0.35 });
  const out = new Bus(s.n);
  keys.mixInto(out, 1); room.mixInto(out, 0.8); drums.mixInto(out, 0.9); bass.mixInto(out, 0.9); fx.mixInto(out, 0.5);
  return out;
};

// --- upbeat pop -------------------------------------------------------------------------------
const pop = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const drums = new Bus(s.n), syn = new Bus(s.n), bass = new Bus(s.n), lead = new Bus(s.n);
  const prog = [ch(43, 55, 59, 62, 67), ch(38, 54, 57, 62, 66), ch(40, 55, 59, 64, 67), ch(36, 55, 60, 64, 67)];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, c = chordAt(prog, bar), chorus = bar >= 8;
    for (let k = 0; k < 4; k++) {
      kick(drums, { at: s.at(b0 + k), vel: 0.85 }, { f0: 160, f1: 52, decay: 0.22, click: 0.35 });
      // Off-beat chord stabs: a bright, short pluck per chord tone.
      c.notes.forEach((m, i) => tone(syn, s.at(b0 + k + 0.5), 0.22, () => m, (t) => Math.min(1, t / 0.003) * Math.exp(-t / 0.09) * 0.16, (h, f) => 1 / h / (1 + Math.pow(f / 3500, 2)), (i - 1.5) * 0.3, 12));
      hat(drums, { at: s.at(b0 + k + 0.5), vel: 0.22, pan: 0.3 });
      if (chorus) hat(drums, { at: s.at(b0 + k + 0.25), vel: 0.1, pan: 0.3 }), hat(drums, { at: s.at(b0 + k + 0.75), vel: 0.1, pan: 0.3 });
      // Octave bass in eighths.
      for (const [o, m] of [[0, c.root], [0.5, c.root + 12]] as const) {
        tone(bass, s.at(b0 + k + o), s.beatS * 0.45, () => m, (t) => Math.min(1, t / 0.004) * Math.exp(-t / 0.25) * 0.45, (h) => (h === 1 ? 1 : 0.5 / h), 0, 6);
      }
    }
    clap(drums, { at: s.at(b0 + 1), vel: 0.6 }); clap(drums, { at: s.at(b0 + 3), vel: 0.6 });
    if (bar % 4 === 3) hat(drums, { at: s.at(b0 + 3.5), vel: 0.25, pan: -0.2 }, true);
  }
  // The hook (chorus, bars 9–16): a whistle-like lead in G major pentatonic.
  const hook: Array<[number, number, number]> = [
    [0, 74, 1], [1, 71, 0.5], [1.5, 74, 0.5], [2, 76, 1], [3, 74, 1], [4, 71, 0.5], [4.5, 69, 0.5], [5, 67, 1.5], [6.5, 69, 0.5], [7, 71, 1],
    [8, 74, 1], [9, 71, 0.5], [9.5, 74, 0.5], [10, 79, 1.5], [11.5, 76, 0.5], [12, 74, 1], [13, 76, 0.5], [13.5, 74, 0.5], [14, 71, 2],
  ];
  for (const rep of [32, 48]) {
    for (const [b, m, d] of hook) {
      tone(lead, s.at(rep + b), d * s.beatS, (t) => m + 0.15 * Math.sin(2 * Math.PI * 5.5 * t) * Math.min(1, t / 0.2), (t) => Math.min(1, t / 0.02) * (t > d * s.beatS - 0.05 ? Math.max(0, (d * s.beatS - t) / 0.05) : 1) * 0.22, (h) => (h === 1 ? 1 : h === 2 ? 0.15 : h === 3 ? 0.08 : 0), 0.1, 3);
    }
  }
  // Verse (bars 1–8): a soft pad so the first half is not empty.
  for (let bar = 0; bar < 8; bar += 1) pad(syn, { at: s.at(bar * 4), vel: 0.22 }, chordAt(prog, bar).notes.slice(0, 3), s.beatS * 4 - 0.1, { attack: 0.3, release: 0.4, cutoff: 2200 });
  const room = reverb(lead, { size: 0.7, wet: 0.3 });
  const out = new Bus(s.n);
  drums.mixInto(out, 0.9); syn.mixInto(out, 1); bass.mixInto(out, 0.8); lead.mixInto(out, 1); room.mixInto(out, 0.6);
  return out;
};

// --- cinematic --------------------------------------------------------------------------------
const cinematic = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const strings = new Bus(s.n), low = new Bus(s.n), drums = new Bus(s.n), brass = new Bus(s.n);
  const prog = [ch(45, 57, 60, 64, 69), ch(41, 57, 60, 65, 69), ch(48, 55, 60, 64, 67), ch(43, 55, 59, 62, 67)];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, c = chordAt(prog, bar, 2), build = bar / x.bars;
    if (bar % 2 === 0) pad(strings, { at: s.at(b0), vel: 0.3 + 0.15 * build }, c.notes, s.beatS * 8 - 0.2, { attack: 1.2, release: 1.5, cutoff: 1400 + 1600 * build, voices: 3, detune: 0.1 });
    // Sixteenth ostinato in the low strings: root, root, fifth, octave.
    const pat = [0, 0, 7, 12, 0, 0, 7, 10];
    for (let k = 0; k < 16; k++) {
      const m = c.root + 12 + pat[k % 8]!;
      tone(low, s.at(b0 + k * 0.25), s.beatS * 0.22, () => m, (t) => Math.min(1, t / 0.01) * Math.exp(-t / 0.12) * (k % 4 === 0 ? 0.3 : 0.2) * (0.6 + 0.6 * build), (h, f) => 1 / h / (1 + Math.pow(f / 1500, 2)), k % 2 ? 0.3 : -0.3, 14);
    }
    // Drums: a deep hit on one and three; from bar 9 the full taiko pattern.
    tom(drums, { at: s.at(b0), vel: 0.8 }, 55, 0.6);
    if (bar >= 4) tom(drums, { at: s.at(b0 + 2), vel: 0.55 }, 62, 0.45);
    if (bar >= 8) {
      tom(drums, { at: s.at(b0 + 2.5), vel: 0.4 }, 80, 0.3); tom(drums, { at: s.at(b0 + 3.5), vel: 0.4 }, 90, 0.3);
      snare(drums, { at: s.at(b0 + 1), vel: 0.35 }, { tone: 160, decay: 0.25 }); snare(drums, { at: s.at(b0 + 3), vel: 0.35 }, { tone: 160, decay: 0.25 });
    }
    if (bar === x.bars - 1) for (let k = 0; k < 8; k++) tom(drums, { at: s.at(b0 + 2 + k * 0.25), vel: 0.25 + k * 0.06 }, 70 + k * 4, 0.2);
    // Brass swells from bar 9.
    if (bar >= 8 && bar % 2 === 0) {
      for (const m of [c.root + 12, c.root + 19, c.root + 24]) {
        const d = s.beatS * 7.5;
        tone(brass, s.at(b0), d, () => m, (t) => Math.min(1, t / 0.6) * (t > d - 0.6 ? Math.max(0, (d - t) / 0.6) : 1) * 0.16, (h, f) => 1 / h / (1 + Math.pow(f / 1200, 2)), 0, 16);
      }
    }
  }
  const room = reverb(strings, { size: 0.88, wet: 0.5 });
  const room2 = reverb(drums, { size: 0.8, wet: 0.3 });
  const room3 = reverb(brass, { size: 0.86, wet: 0.4 });
  const out = new Bus(s.n);
  strings.mixInto(out, 1); room.mixInto(out, 0.8); low.mixInto(out, 0.9); drums.mixInto(out, 1); room2.mixInto(out, 0.6); brass.mixInto(out, 1); room3.mixInto(out, 0.6);
  return out;
};

// --- ambient ----------------------------------------------------------------------------------
const ambient = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const pads = new Bus(s.n), bells = new Bus(s.n), sub = new Bus(s.n);
  const prog = [ch(36, 52, 55, 59, 62, 67), ch(41, 57, 60, 64, 71)];
  for (let half = 0; half < 2; half++) {
    const c = prog[half]!, b0 = half * 16;
    pad(pads, { at: s.at(b0), vel: 0.35 }, c.notes, s.beatS * 16 - 1, { attack: 2.5, release: 3, cutoff: 1100, voices: 3, detune: 0.12 });
    tone(sub, s.at(b0), s.beatS * 16, () => c.root, (t) => Math.min(1, t / 2) * (t > s.beatS * 16 - 2 ? Math.max(0, (s.beatS * 16 - t) / 2) : 1) * 0.3, (h) => (h === 1 ? 1 : 0), 0, 1);
    // A bell figure on chord tones, one note a beat, gently varied.
    const tones = c.notes.map((m) => m + 12);
    for (let k = 0; k < 16; k++) {
      if (k % 8 === 7) continue;
      const m = tones[(k * 3 + (k >> 2)) % tones.length]!;
      bell(bells, { at: s.at(b0 + k), vel: 0.12 + (k % 4 === 0 ? 0.05 : 0), pan: Math.sin(k * 1.3) * 0.6 }, m, 2.2);
    }
  }
  const room = reverb(bells, { size: 0.93, damp: 0.4, wet: 0.7 });
  const room2 = reverb(pads, { size: 0.9, wet: 0.4 });
  const out = new Bus(s.n);
  pads.mixInto(out, 1); room2.mixInto(out, 0.7); bells.mixInto(out, 0.8); room.mixInto(out, 1); sub.mixInto(out, 0.7);
  return out;
};

// --- solo piano -------------------------------------------------------------------------------
const pianoSolo = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const p = new Bus(s.n);
  // C – G/B – Am – F, a broken-chord left hand in eighths.
  const lh = [[36, 43, 48, 52, 55, 52, 48, 43], [35, 43, 47, 50, 55, 50, 47, 43], [33, 40, 45, 48, 52, 48, 45, 40], [29, 36, 41, 45, 48, 45, 41, 36]];
  for (let bar = 0; bar < x.bars; bar++) {
    lh[bar % 4]!.forEach((m, k) => piano(p, { at: s.at(bar * 4 + k * 0.5) + (k % 2 ? 90 : 0), vel: k === 0 ? 0.42 : 0.24, pan: -0.25 }, m, k === 0 ? s.beatS * 3.8 : s.beatS * 1.5));
  }
  const mel: Array<[number, number, number]> = [
    [0, 76, 1.5], [1.5, 74, 0.5], [2, 72, 1], [3, 74, 1], [4, 74, 2], [6, 71, 1], [7, 67, 1], [8, 72, 1], [9, 76, 1], [10, 81, 1.5], [11.5, 79, 0.5], [12, 77, 1], [13, 76, 1], [14, 72, 2],
    [16, 76, 1], [17, 79, 1], [18, 84, 1.5], [19.5, 83, 0.5], [20, 79, 2], [22, 74, 1], [23, 76, 0.5], [23.5, 74, 0.5], [24, 72, 1.5], [25.5, 71, 0.5], [26, 69, 1], [27, 72, 1], [28, 72, 1], [29, 69, 1], [30, 67, 2],
  ];
  for (const [b, m, d] of mel) piano(p, { at: s.at(b), vel: 0.5, pan: 0.2 }, m, d * s.beatS);
  const room = reverb(p, { size: 0.85, wet: 0.35 });
  const out = new Bus(s.n);
  p.mixInto(out, 1); room.mixInto(out, 0.7);
  return out;
};

// --- corporate --------------------------------------------------------------------------------
const corporate = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const gtr = new Bus(s.n), keys = new Bus(s.n), drums = new Bus(s.n), bass = new Bus(s.n), glock = new Bus(s.n);
  const prog = [ch(38, 62, 66, 69), ch(45, 61, 64, 69), ch(47, 62, 66, 71), ch(43, 62, 67, 71)];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, c = chordAt(prog, bar), second = bar >= 8;
    for (let k = 0; k < 8; k++) {
      const m = c.notes[[0, 1, 2, 1][k % 4]!]! - 12;
      pluck(gtr, { at: s.at(b0 + k * 0.5), vel: k % 2 ? 0.3 : 0.4, pan: 0.35 }, m, { durS: 0.3, bright: 0.7, damp: 0.99, mute: 0.09 });
      tone(bass, s.at(b0 + k * 0.5), s.beatS * 0.4, () => c.root, (t) => Math.min(1, t / 0.005) * Math.exp(-t / 0.3) * 0.4, (h) => (h === 1 ? 1 : 0.3 / h), 0, 5);
    }
    for (const b of [0, 1.5, 3]) c.notes.forEach((m) => piano(keys, { at: s.at(b0 + b), vel: 0.25, pan: -0.25 }, m, s.beatS * 0.9));
    kick(drums, { at: s.at(b0), vel: 0.8 }); kick(drums, { at: s.at(b0 + 2), vel: 0.8 }); kick(drums, { at: s.at(b0 + 2.5), vel: 0.5 });
    clap(drums, { at: s.at(b0 + 1), vel: 0.5 }); clap(drums, { at: s.at(b0 + 3), vel: 0.5 });
    if (second) for (let k = 0; k < 8; k++) hat(drums, { at: s.at(b0 + k * 0.5), vel: k % 2 ? 0.16 : 0.1, pan: 0.3 });
    if (second) {
      const mel = [[0, 78], [1, 74], [1.5, 76], [2, 78], [3, 81]] as const;
      for (const [b, m] of mel) bell(glock, { at: s.at(b0 + b), vel: 0.13, pan: 0.15 }, m + (bar % 4 === 3 ? -3 : 0), 0.9);
    }
  }
  const room = reverb(glock, { size: 0.75, wet: 0.4 });
  const out = new Bus(s.n);
  gtr.mixInto(out, 1); keys.mixInto(out, 0.9); drums.mixInto(out, 0.9); bass.mixInto(out, 0.8); glock.mixInto(out, 1); room.mixInto(out, 0.6);
  return out;
};

// --- acoustic ---------------------------------------------------------------------------------
const acoustic = (x: BuiltinTrack): Bus => {
  const s = song(x, 0.12);
  const gtr = new Bus(s.n), perc = new Bus(s.n), bass = new Bus(s.n);
  const shapes = [[43, 47, 50, 55, 59, 67], [50, 57, 62, 66], [40, 47, 52, 55, 59, 64], [48, 52, 55, 60, 64]];
  const roots = [43, 38, 40, 36];
  // Down, down-up, up-down-up: the campfire strum.
  const strum: Array<[number, 'd' | 'u']> = [[0, 'd'], [1, 'd'], [1.5, 'u'], [2.5, 'u'], [3, 'd'], [3.5, 'u']];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, sh = shapes[bar % 4]!;
    for (const [b, dir] of strum) {
      const order = dir === 'd' ? sh : [...sh].reverse().slice(0, 4);
      order.forEach((m, i) => pluck(gtr, { at: s.at(b0 + b) + i * (dir === 'd' ? 480 : 360), vel: (dir === 'd' ? 0.3 : 0.2) * (b === 0 ? 1.2 : 1), pan: -0.2 + (m - 40) / 80 }, m, { durS: 1.6, bright: dir === 'd' ? 0.55 : 0.7, damp: 0.995 }));
    }
    for (let k = 0; k < 8; k++) shaker(perc, { at: s.at(b0 + k * 0.5), vel: k % 2 ? 0.35 : 0.2, pan: 0.4 });
    if (bar >= 4) {
      kick(perc, { at: s.at(b0), vel: 0.6 }, { f0: 110, f1: 55, decay: 0.25, click: 0.05 }); kick(perc, { at: s.at(b0 + 2), vel: 0.5 }, { f0: 110, f1: 55, decay: 0.25, click: 0.05 });
      for (const [b, m] of [[0, roots[bar % 4]!], [2, roots[bar % 4]! + 7]] as const) tone(bass, s.at(b0 + b), s.beatS * 1.9, () => m, (t) => Math.min(1, t / 0.01) * Math.exp(-t / 0.9) * 0.45, (h) => (h === 1 ? 1 : 0.25 / h), 0, 4);
    }
    if (bar >= 8) { snare(perc, { at: s.at(b0 + 1), vel: 0.3 }, { tone: 200, decay: 0.1 }); snare(perc, { at: s.at(b0 + 3), vel: 0.3 }, { tone: 200, decay: 0.1 }); }
  }
  filterBus(gtr, 'hp', 90);
  const room = reverb(gtr, { size: 0.7, wet: 0.25 });
  const out = new Bus(s.n);
  gtr.mixInto(out, 1); room.mixInto(out, 0.6); perc.mixInto(out, 0.8); bass.mixInto(out, 0.8);
  return out;
};

// --- electronic -------------------------------------------------------------------------------
const electronic = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const drums = new Bus(s.n), padB = new Bus(s.n), arp = new Bus(s.n), bass = new Bus(s.n);
  const prog = [ch(45, 57, 60, 64), ch(41, 57, 60, 65), ch(48, 55, 60, 64), ch(43, 55, 59, 62)];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, c = chordAt(prog, bar), sweep = 0.5 - 0.5 * Math.cos((2 * Math.PI * bar) / x.bars);
    pad(padB, { at: s.at(b0), vel: 0.4 }, c.notes, s.beatS * 4 - 0.05, { attack: 0.05, release: 0.2, cutoff: 2500, voices: 3, detune: 0.12 });
    for (let k = 0; k < 4; k++) {
      kick(drums, { at: s.at(b0 + k), vel: 0.95 }, { f0: 170, f1: 50, decay: 0.3, click: 0.3 });
      hat(drums, { at: s.at(b0 + k + 0.5), vel: 0.25, pan: 0.2 }, true);
      tone(bass, s.at(b0 + k + 0.5), s.beatS * 0.42, () => c.root, (t) => Math.min(1, t / 0.004) * Math.exp(-t / 0.2) * 0.5, (h, f) => 1 / h / (1 + Math.pow(f / 600, 2)), 0, 10);
    }
    clap(drums, { at: s.at(b0 + 1), vel: 0.55 }); clap(drums, { at: s.at(b0 + 3), vel: 0.55 });
    if (bar >= 4) {
      const up = [...c.notes, c.notes[0]! + 12].map((m) => m + 12);
      for (let k = 0; k < 16; k++) {
        const m = up[[0, 1, 2, 3, 2, 1, 2, 3][k % 8]!]!;
        const cut = 900 + 4000 * sweep;
        tone(arp, s.at(b0 + k * 0.25), s.beatS * 0.2, () => m, (t) => Math.min(1, t / 0.002) * Math.exp(-t / 0.1) * 0.17, (h, f) => 1 / h / (1 + Math.pow(f / cut, 2)), k % 2 ? 0.4 : -0.4, 16);
      }
    }
  }
  // Side-chain: the pad ducks under every kick and swells back before the next beat.
  shape(padB, (t) => { const ph = (t / s.beatS) % 1; return 0.25 + 0.75 * Math.min(1, ph / 0.45); });
  const room = reverb(arp, { size: 0.8, wet: 0.35 });
  const out = new Bus(s.n);
  drums.mixInto(out, 0.9); padB.mixInto(out, 0.9); arp.mixInto(out, 1); room.mixInto(out, 0.7); bass.mixInto(out, 0.8);
  return out;
};

// --- hip-hop ----------------------------------------------------------------------------------
const hiphop = (x: BuiltinTrack): Bus => {
  const s = song(x, 0.1);
  const drums = new Bus(s.n), b808 = new Bus(s.n), bells = new Bus(s.n), keys = new Bus(s.n);
  const prog = [ch(36, 60, 63, 67), ch(32, 60, 63, 68), ch(29, 60, 65, 68), ch(31, 59, 62, 67)];
  const motif = [0, 2, 1, 2, 0, 2, 1, 0];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, c = chordAt(prog, bar);
    // Kick and 808 together: one, the and of two, the last sixteenth of three.
    const hits: Array<[number, number]> = [[0, 1.4], [1.5, 0.9], [2.75, 1.1]];
    if (bar % 2 === 1) hits.push([3.5, 0.4]);
    hits.forEach(([b, d], i) => {
      kick(drums, { at: s.at(b0 + b), vel: 0.9 }, { f0: 140, f1: 55, decay: 0.18, click: 0.3 });
      const prev = i > 0 ? c.root + 12 : chordAt(prog, bar - 1).root + 12;
      tone(b808, s.at(b0 + b), d * s.beatS, (t) => c.root + 12 + (prev - c.root - 12) * Math.exp(-t / 0.04), (t) => Math.min(1, t / 0.005) * Math.exp(-t / 1.1) * 0.7, (h) => (h === 1 ? 1 : h === 2 ? 0.12 : 0), 0, 2);
    });
    snare(drums, { at: s.at(b0 + 1), vel: 0.7 }, { tone: 210, decay: 0.15 }); clap(drums, { at: s.at(b0 + 1), vel: 0.35 });
    snare(drums, { at: s.at(b0 + 3), vel: 0.7 }, { tone: 210, decay: 0.15 }); clap(drums, { at: s.at(b0 + 3), vel: 0.35 });
    for (let k = 0; k < 16; k++) hat(drums, { at: s.at(b0 + k * 0.25), vel: k % 4 === 0 ? 0.22 : 0.12, pan: 0.2 });
    // A hat roll in triplet thirty-seconds at the end of every other bar.
    if (bar % 2 === 1) for (let k = 0; k < 6; k++) hat(drums, { at: s.at(b0 + 3.5) + Math.round((k * s.beatS * SR) / 12), vel: 0.1 + k * 0.02, pan: 0.2 });
    motif.forEach((ix, k) => bell(bells, { at: s.at(b0 + k * 0.5), vel: k % 2 ? 0.1 : 0.15, pan: -0.2 }, c.notes[ix]! + 12, 0.7));
    pad(keys, { at: s.at(b0), vel: 0.22 }, c.notes.map((m) => m - 12), s.beatS * 4 - 0.1, { attack: 0.2, release: 0.3, cutoff: 900 });
  }
  saturate(b808, 1.8);
  const room = reverb(bells, { size: 0.8, wet: 0.4 });
  const out = new Bus(s.n);
  drums.mixInto(out, 0.9); b808.mixInto(out, 0.8); bells.mixInto(out, 0.9); room.mixInto(out, 0.6); keys.mixInto(out, 0.8);
  return out;
};

// --- 古风: Chinese traditional ----------------------------------------------------------------
/** A guzheng pluck: bright harmonics, fast decay of the upper ones, an optional bend (按音) and vibrato (揉弦). */
const zheng = (bus: Bus, at: number, m: number, vel: number, o: { bendTo?: number; bendAt?: number; vib?: number; pan?: number; lenS?: number } = {}): void => {
  const lenS = o.lenS ?? 2.2;
  tone(bus, at, lenS, (t) => {
    let p = m;
    if (o.bendTo !== undefined) { const bt = o.bendAt ?? 0.25; p = t < bt ? m : m + (o.bendTo - m) * Math.min(1, (t - bt) / 0.12); }
    return p + (o.vib ?? 0) * Math.sin(2 * Math.PI * 5.5 * t) * Math.min(1, t / 0.3);
  }, (t) => Math.min(1, t / 0.002) * (Math.exp(-t / 0.9) * 0.7 + Math.exp(-t / 0.08) * 0.3) * vel * (t > lenS - 0.05 ? (lenS - t) / 0.05 : 1),
  (h, f) => (1 / Math.pow(h, 0.9)) * Math.exp(-f / 4000) * (h === 1 ? 1 : 0.8), o.pan ?? 0, 14);
};

const guofeng = (x: BuiltinTrack): Bus => {
  const s = song(x);
  const zh = new Bus(s.n), erhu = new Bus(s.n), perc = new Bus(s.n), drone = new Bus(s.n);
  // D major pentatonic (宫调式): D E F# A B.
  const scale = [50, 52, 54, 57, 59, 62, 64, 66, 69, 71, 74, 76, 78, 81];
  const roots = [50, 50, 47, 47, 52, 52, 45, 45];
  for (let bar = 0; bar < x.bars; bar++) {
    const b0 = bar * 4, r = roots[bar % 8]!;
    // Open fifth drone under the bar (low strings of the zheng, let ring).
    zheng(drone, s.at(b0), r - 12, 0.35, { lenS: s.beatS * 4 + 0.5, pan: -0.2 });
    zheng(drone, s.at(b0 + 2), r - 5, 0.22, { lenS: s.beatS * 2 + 0.5, pan: -0.2 });
    // A glissando (刮奏) sweeping up the scale into every second bar.
    if (bar % 2 === 0) for (let k = 0; k < 9; k++) zheng(zh, s.at(b0) - Math.round((9 - k) * 0.028 * SR), scale[k + 2]!, 0.1 + k * 0.015, { lenS: 1.2, pan: -0.4 + k * 0.09 });
    // An eighth-note pattern on the chord tones in the middle register.
    const base = scale.findIndex((m) => m >= r + 12);
    const pat = [0, 2, 1, 3, 2, 1, 0, 2];
    pat.forEach((d, k) => { if (k > 0 || bar % 2 === 1) zheng(zh, s.at(b0 + k * 0.5), scale[Math.min(scale.length - 1, Math.max(0, base + d - 1))]!, k % 2 ? 0.16 : 0.22, { pan: 0.2 }); });
    // Frame drum on one, wood block on the and of two and on four.
    tom(perc, { at: s.at(b0), vel: 0.45 }, 70, 0.4);
    woodblock(perc, { at: s.at(b0 + 1.5), vel: 0.22, pan: 0.4 }, 1200);
    woodblock(perc, { at: s.at(b0 + 3), vel: 0.18, pan: 0.4 }, 1000);
    if (bar % 4 === 3) tom(perc, { at: s.at(b0 + 3.5), vel: 0.3 }, 85, 0.3);
  }
  // The melody: the zheng alone first (with bends), then a bowed erhu-like voice sings it.
  const mel: Array<[number, number, number, number?]> = [
    [0, 69, 1], [1, 71, 0.5], [1.5, 69, 0.5], [2, 66, 1], [3, 64, 1, 66], [4, 62, 2], [6, 64, 1], [7, 66, 1],
    [8, 69, 1.5], [9.5, 71, 0.5], [10, 74, 1], [11, 71, 1], [12, 69, 3, 71], [15, 66, 1],
  ];
  for (const [b, m, d, bend] of mel) zheng(zh, s.at(b), m + 12, 0.34, { ...(bend !== undefined ? { bendTo: bend + 12, bendAt: 0.3 } : {}), vib: d >= 2 ? 0.25 : 0.08, pan: 0.1, lenS: Math.max(1, d * s.beatS + 0.8) });
  mel.forEach(([b, m, d], i) => {
    const next = mel[i + 1];
    const len = d * s.beatS;
    tone(erhu, s.at(16 + b), len + 0.02, (t) => {
      const slide = next && t > len - 0.09 ? (next[1] - m) * ((t - (len - 0.09)) / 0.09) : 0;
      return m + slide + 0.3 * Math.sin(2 * Math.PI * 6 * t) * Math.min(1, t / 0.35);
    }, (t) => Math.min(1, t / 0.12) * (0.85 + 0.15 * Math.sin(2 * Math.PI * 0.9 * t)) * 0.28 * (t > len - 0.02 ? Math.max(0, (len + 0.02 - t) / 0.04) : 1),
    // A nasal bowed tone: strong 2nd-4th harmonics with a formant near 1 kHz.
    (h, f) => (1 / h) * (1 + 1.5 * Math.exp(-Math.pow((f - 1000) / 500, 2))) / (1 + Math.pow(f / 3500, 2)), 0.15, 16);
  });
  const room = reverb(zh, { size: 0.85, wet: 0.4 });
  const room2 = reverb(erhu, { size: 0.85, wet: 0.35 });
  const out = new Bus(s.n);
  zh.mixInto(out, 1); room.mixInto(out, 0.7); erhu.mixInto(out, 0.9); room2.mixInto(out, 0.6); perc.mixInto(out, 0.9); drone.mixInto(out, 0.8);
  return out;
};

const COMPOSERS: Record<string, (x: BuiltinTrack) => Bus> = {
  'lofi-rainy-window': lofi, 'pop-sunny-side': pop, 'cinematic-rising-tide': cinematic, 'ambient-still-water': ambient, 'piano-quiet-letters': pianoSolo,
  'corporate-forward-motion': corporate, 'acoustic-open-road': acoustic, 'electronic-neon-drive': electronic, 'hiphop-block-party': hiphop, 'guofeng-moon-river': guofeng,
};

/** The track's loop as 48 kHz stereo floats (not normalised). */
export const synthesize = (x: BuiltinTrack): { L: Float32Array; R: Float32Array } => {
  const f = COMPOSERS[x.slug];
  if (!f) throw new Error(`no composer for ${x.slug}`);
  const b = f(x);
  filterBus(b, 'hp', 28);
  return { L: b.L, R: b.R };
};

void BUILTIN_TRACKS; void mtof;
