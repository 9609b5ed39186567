/**
 * Text normalisation and the scanner every extractor reads from.
 *
 * `normalize` keeps the length of the string (one UTF-16 unit in, one out) so that a span found in
 * the normalised text is the same span in the original: verbatim fragments (texts, subject motion,
 * not_understood) are cut from the original. Full-width digits, letters and punctuation become
 * ASCII, control characters become spaces, and letters are lower-cased.
 */

/** Marks a consumed character in `Scan.work`: never present in normalised text. */
export const USED = '\u0000';

const MAP: Record<number, string> = {
  0x3000: ' ', 0x00a0: ' ', 0x2002: ' ', 0x2003: ' ', 0x2009: ' ', 0x200b: ' ', 0xfeff: ' ',
  0x3002: '.', 0xff61: '.', 0x3001: ',', 0xff64: ',',
  0x2013: '-', 0x2012: '-', 0x2212: '-', 0x2014: ',', 0x2015: ',',
  0x00d7: 'x', 0x2019: "'", 0x02bc: "'",
};

/** Runs of letters, digits or Chinese numerals longer than this are cut (no word is that long). */
const MAX_RUN = 24;
const RUN_CLASS = /[a-z0-9]/;
const CN_NUM_CLASS = /[零〇一二两三四五六七八九十百千万点半]/;
const MAX_CN_RUN = 8;

export const normalize = (text: string): string => capRuns(normalizeChars(text));

/**
 * A run of one kind longer than MAX_RUN (letters and digits, one repeated character) or of more
 * than MAX_SPACES spaces is broken with a \u0001 every so often: it keeps every pattern linear on
 * pathological input ("1111…", "aaaa…", 10 000 spaces). Length is kept.
 */
const MAX_SPACES = 8;
const capRuns = (s: string): string => {
  let out = '';
  let run = 0;
  let same = 0;
  let spaces = 0;
  let cn = 0;
  let last = -1;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    run = RUN_CLASS.test(s[i]!) ? run + 1 : 0;
    same = c === last ? same + 1 : 0;
    spaces = c === 32 ? spaces + 1 : 0;
    cn = CN_NUM_CLASS.test(s[i]!) ? cn + 1 : 0;
    last = c;
    if (run > MAX_RUN || same > MAX_RUN || spaces > MAX_SPACES || cn > MAX_CN_RUN) {
      out += `${s.slice(from, i)}\u0001`;
      from = i + 1;
      run = same = spaces = cn = 0;
      last = 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
};

const normalizeChars = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += ' ';
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0).toLowerCase();
    else if (c < 0x80) out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i];
    else if (MAP[c] !== undefined) out += MAP[c];
    else if (c >= 0xd800 && c <= 0xdfff) out += text[i];
    else {
      const l = text[i]!.toLowerCase();
      out += l.length === 1 ? l : text[i];
    }
  }
  return out;
};

export interface Hit {
  start: number;
  end: number;
  m: RegExpExecArray;
}

export class Scan {
  readonly orig: string;
  readonly norm: string;
  /** `norm` with every consumed character replaced by USED. */
  work: string;
  private pending: Array<[number, number]> = [];

  constructor(text: string) {
    this.orig = text;
    this.norm = normalize(text);
    this.work = this.norm;
  }

  /** The original text of a span, trimmed. */
  text(start: number, end: number): string {
    return this.orig.slice(start, end).trim();
  }

  /** Marks a span consumed; takes effect at the next `flush` (after the current pass). */
  take(start: number, end: number): void {
    if (end > start) this.pending.push([start, end]);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a[0] - b[0]);
    let out = '';
    let pos = 0;
    for (const [s, e] of this.pending) {
      const a = Math.max(s, pos);
      if (e <= a) continue;
      out += this.work.slice(pos, a) + USED.repeat(e - a);
      pos = e;
    }
    this.work = out + this.work.slice(pos);
    this.pending = [];
  }

  /**
   * All matches of a global regex over the unconsumed text, in order. `fn` returns true to consume
   * the match (or a [start, end] span to consume instead). Consumptions apply after the pass.
   * At most `limit` matches are visited (bounds the work on pathological input).
   */
  each(re: RegExp, fn: (h: Hit) => boolean | [number, number] | void, limit = 32): void {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(this.work)) !== null && n++ < limit) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const r = fn({ start: m.index, end: m.index + m[0].length, m });
      if (r === true) this.take(m.index, m.index + m[0].length);
      else if (Array.isArray(r)) this.take(r[0], r[1]);
    }
    this.flush();
  }

  /** Whether a regex matches anywhere in the unconsumed text. */
  has(re: RegExp): boolean {
    re.lastIndex = 0;
    const r = re.test(this.work);
    re.lastIndex = 0;
    return r;
  }

  /** The clause around a position: bounded by sentence punctuation, consumed text is kept. */
  clauseBounds(pos: number, commas = false): [number, number] {
    const stop = commas ? /[.;!?\n。！？；,，]/ : /[.;!?\n。！？；]/;
    let a = pos;
    while (a > 0 && !stop.test(this.norm[a - 1]!) && pos - a < 200) a--;
    let b = pos;
    while (b < this.norm.length && !stop.test(this.norm[b]!) && b - pos < 200) b++;
    return [a, b];
  }
}
