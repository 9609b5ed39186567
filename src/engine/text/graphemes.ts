/** Grapheme clusters (what a reader calls a character): CJK, emoji and ZWJ sequences stay whole. */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

export const graphemeCount = (text: string): number => {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
};
