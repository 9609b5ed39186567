/**
 * Greedy line wrapping by measured width. Latin and Hangul break at spaces (a word wider than
 * the line is split by grapheme); Han and kana may break between any two characters, except
 * before closing punctuation or after opening punctuation (basic kinsoku).
 */
import { graphemes } from './graphemes.js';

/** Width of one grapheme, in the same unit as `maxWidth`. */
export type MeasureGrapheme = (g: string) => number;

const NO_BREAK_BEFORE = new Set([...'、。，．,.!?！？：；:;)）」』】〕〉》’”ー々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ…～〜']);
const NO_BREAK_AFTER = new Set([...'(（「『【〔〈《‘“']);

const isIdeographic = (g: string): boolean => {
  const cp = g.codePointAt(0)!;
  return (
    (cp >= 0x3000 && cp <= 0x30ff) || // CJK punctuation, hiragana, katakana
    (cp >= 0x3400 && cp <= 0x9fff) || // CJK ideographs (ext A + unified)
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xffef) || // full-width forms
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
};

const isSpace = (g: string): boolean => /^\s+$/u.test(g);

/** Splits a paragraph into units that must stay on one line. */
const units = (gs: string[]): string[][] => {
  const out: string[][] = [];
  let cur: string[] = [];
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]!;
    const next = gs[i + 1];
    cur.push(g);
    let brk = false;
    if (next === undefined) brk = true;
    else if (isSpace(g) && !isSpace(next)) brk = true;
    else if (!isSpace(g) && !isSpace(next) && (isIdeographic(g) || isIdeographic(next))) {
      brk = !NO_BREAK_AFTER.has(g) && !NO_BREAK_BEFORE.has(next);
    }
    if (brk) {
      out.push(cur);
      cur = [];
    }
  }
  return out;
};

const trimEnd = (line: string[]): string[] => {
  let n = line.length;
  while (n > 0 && isSpace(line[n - 1]!)) n--;
  return line.slice(0, n);
};

/** Lines of graphemes, each no wider than `maxWidth` (unless one grapheme alone is). */
export const wrapText = (text: string, maxWidth: number, measure: MeasureGrapheme): string[][] => {
  const lines: string[][] = [];
  const width = (gs: string[]) => gs.reduce((s, g) => s + measure(g), 0);
  for (const para of text.replace(/\r\n?/g, '\n').split('\n')) {
    const gs = graphemes(para.trim());
    if (gs.length === 0) {
      lines.push([]);
      continue;
    }
    let line: string[] = [];
    for (const unit of units(gs)) {
      if (width(trimEnd([...line, ...unit])) <= maxWidth) {
        line.push(...unit);
        continue;
      }
      if (line.length > 0) lines.push(trimEnd(line));
      line = [];
      // A unit wider than a whole line: split it by grapheme.
      for (const g of unit) {
        if (line.length > 0 && width(trimEnd([...line, g])) > maxWidth) {
          lines.push(trimEnd(line));
          line = [];
        }
        if (line.length === 0 && isSpace(g)) continue;
        line.push(g);
      }
    }
    lines.push(trimEnd(line));
  }
  return lines;
};
