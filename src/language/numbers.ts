/**
 * Numbers in words and digits, English and Chinese: "5", "1.5", "five", "twenty-five", "one and a
 * half", "十五", "两", "一点五", "一百二十", "35%", "百分之三十五", "half". Full-width digits were
 * already made ASCII by `normalize`.
 */

const EN_SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const EN_TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SMALL_ALT = Object.keys(EN_SMALL).sort((a, b) => b.length - a.length).join('|');
const TENS_ALT = Object.keys(EN_TENS).join('|');
const UNIT_ALT = 'one|two|three|four|five|six|seven|eight|nine';

/** One English number word group: "twenty-five", "fifteen", "one hundred", "two and a half". */
const EN_WORD = `(?:(?:${TENS_ALT})(?:[- ](?:${UNIT_ALT}))?|${SMALL_ALT}|a hundred|one hundred)`;
/** Regex source for a number written in digits or English words (no capture groups). */
export const NUM_EN = `(?:\\d+(?:\\.\\d+)?|\\.\\d+|(?:${EN_WORD})(?:\\s+and\\s+a\\s+half)?|a\\s+half|half\\s+a|half|an?)`;
/** Regex source for a number in Chinese numerals or digits (no capture groups). */
export const NUM_CN = `(?:\\d+(?:\\.\\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?|半)`;
/** Either language. */
export const NUM_ANY = `(?:${NUM_EN}|${NUM_CN})`;

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Integer in Chinese numerals ("十五" 15, "二十" 20, "一百二十" 120, "三" 3), or null. */
export const parseChineseInt = (s: string): number | null => {
  if (s.length === 0) return null;
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in CN_DIGIT) {
      digit = CN_DIGIT[ch]!;
    } else if (ch in CN_UNIT) {
      section += (digit < 0 ? 1 : digit) * CN_UNIT[ch]!;
      digit = -1;
    } else if (ch === '万') {
      total += (section + Math.max(digit, 0)) * 10000;
      section = 0;
      digit = -1;
    } else return null;
  }
  // "一百五" style shorthand is rare in instructions; read the last digit as units.
  return total + section + Math.max(digit, 0);
};

const parseChinese = (s: string): number | null => {
  if (s === '半') return 0.5;
  const [int, frac] = s.split('点');
  const i = parseChineseInt(int!);
  if (i === null) return null;
  if (frac === undefined) return i;
  let f = '';
  for (const ch of frac) {
    if (!(ch in CN_DIGIT)) return null;
    f += String(CN_DIGIT[ch]);
  }
  return Number(`${i}.${f}`);
};

const parseEnglish = (s: string): number | null => {
  const toks = s.split(/[\s-]+/).filter((t) => t && t !== 'and');
  if (toks.length === 0) return null;
  let total = 0;
  let seen = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t === 'half') {
      total += 0.5;
      seen = true;
    } else if (t === 'a' || t === 'an') {
      if (toks[i + 1] !== 'half') {
        total += 1;
        seen = true;
      }
    } else if (t === 'hundred') {
      total = (total || 1) * 100;
      seen = true;
    } else if (t in EN_SMALL) {
      total += EN_SMALL[t]!;
      seen = true;
    } else if (t in EN_TENS) {
      total += EN_TENS[t]!;
      seen = true;
    } else return null;
  }
  return seen ? total : null;
};

/** The value of a number matched by NUM_EN / NUM_CN, or null. */
export const parseNumber = (raw: string): number | null => {
  const s = raw.trim().toLowerCase();
  if (s === '') return null;
  if (/^\d*\.?\d+$/.test(s)) return Number(s);
  if (/^[零〇一二两三四五六七八九十百千万点半]+$/.test(s)) return parseChinese(s);
  return parseEnglish(s);
};

/** Regex source for a percentage (one capture-free match): "35%", "35 percent", "百分之三十五". */
export const PERCENT = `(?:\\d+(?:\\.\\d+)?\\s*(?:%|percent\\b|per\\s*cent\\b|pct\\b)|百分之\\s*${NUM_CN})`;

/** The fraction (0–1 scale, not clamped) of a percentage matched by PERCENT, or null. */
export const parsePercent = (raw: string): number | null => {
  const s = raw.trim();
  const cn = /百分之\s*(.+)$/.exec(s);
  const n = cn ? parseNumber(cn[1]!) : parseNumber(s.replace(/\s*(%|percent|per\s*cent|pct)$/i, ''));
  return n === null ? null : round(n / 100);
};

export const round = (n: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const clamp01 = (n: number): number => (n < 0 ? 0 : n > 1 ? 1 : n);

/** English ordinals and Chinese "第N" → number: "second" 2, "3rd" 3, "第二" 2. */
const ORD: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12,
};
export const ORDINAL_EN = `(?:${Object.keys(ORD).join('|')}|\\d+(?:st|nd|rd|th))`;
export const parseOrdinal = (raw: string): number | null => {
  const s = raw.trim().toLowerCase();
  if (s in ORD) return ORD[s]!;
  const d = /^(\d+)(?:st|nd|rd|th)$/.exec(s);
  if (d) return Number(d[1]);
  return parseNumber(s.replace(/^第/, ''));
};
