/** Which photos a sentence is about: "all", or 1-based indices ("the second photo", "第二张", "photos 1-3"). */
import { NUM_CN, ORDINAL_EN, parseNumber, parseOrdinal } from './numbers.js';
import type { Scan } from './scan.js';
import type { InstructionRequest } from './request.js';

const NOUN = `(?:photos?|pictures?|pics?|images?|shots?|slides?|stills?|ones?|frames?|clips?)`;
const ALL = new RegExp(`(?<![a-z])(?:all|every|each)\\s+(?:of\\s+)?(?:the\\s+|my\\s+|these\\s+|those\\s+|our\\s+)?(?:\\d+\\s+|${'(?:two|three|four|five|six|seven|eight|nine|ten)'}\\s+)?${NOUN}(?![a-z])|(?:所有|全部|每一?)(?:的)?(?:张|幅)?(?:照片|图片|相片|图)|每一?张`, 'g');
const ORD = new RegExp(`(?<![a-z])(?:the\\s+)?(${ORDINAL_EN})\\s+(?:and\\s+(?:the\\s+)?(${ORDINAL_EN})\\s+)?${NOUN}(?![a-z])`, 'g');
const FIRST_N = new RegExp(`(?<![a-z])(?:the\\s+)?first\\s+(two|three|four|five|six|\\d+)\\s+${NOUN}(?![a-z])|前\\s*(${NUM_CN})\\s*张`, 'g');
const NUMBERED = /(?<![a-z])(?:photos?|pictures?|images?|pics?|slides?|shots?)\s*(?:#|no\.?|number)?\s*(\d{1,3}(?:\s*(?:,|and|&|-|to|through)\s*\d{1,3})*)(?![\d.]|\s*(?:s|sec|seconds?|%|x)\b)/g;
const CN_ORD = new RegExp(`第\\s*(${NUM_CN})\\s*(?:(?:到|至|-|~)\\s*第?\\s*(${NUM_CN})\\s*)?(?:张|幅|个画面|幅图)(?:照片|图片|图)?((?:\\s*(?:和|、|与|跟|及|,)\\s*第\\s*${NUM_CN}\\s*(?:张|幅)(?:照片|图片|图)?)*)`, 'g');

const range = (a: number, b: number): number[] => {
  const out: number[] = [];
  if (!(a >= 1 && b >= a && b - a < 100)) return out;
  for (let i = a; i <= b; i++) out.push(i);
  return out;
};

export const extractPhotos = (scan: Scan, req: InstructionRequest): void => {
  const idx: number[] = [];
  let all = false;
  scan.each(FIRST_N, (h) => {
    const n = parseNumber(h.m[1] ?? h.m[2]!);
    if (n === null) return false;
    idx.push(...range(1, n));
    return true;
  });
  scan.each(CN_ORD, (h) => {
    const a = parseNumber(h.m[1]!);
    const b = h.m[2] !== undefined ? parseNumber(h.m[2]) : null;
    if (a === null) return false;
    if (b !== null) idx.push(...range(a, b));
    else idx.push(a);
    if (h.m[3]) {
      for (const m of h.m[3].matchAll(new RegExp(`第\\s*(${NUM_CN})`, 'g'))) {
        const v = parseNumber(m[1]!);
        if (v !== null) idx.push(v);
      }
    }
    return true;
  });
  scan.each(ORD, (h) => {
    for (const g of [h.m[1], h.m[2]]) {
      if (g === undefined) continue;
      const v = parseOrdinal(g);
      if (v !== null) idx.push(v);
    }
    return true;
  });
  scan.each(NUMBERED, (h) => {
    const parts = h.m[1]!.split(/\s*(?:,|and|&)\s*/);
    for (const p of parts) {
      const r = /^(\d+)\s*(?:-|to|through)\s*(\d+)$/.exec(p.trim());
      if (r) idx.push(...range(Number(r[1]), Number(r[2])));
      else if (/^\d+$/.test(p.trim())) idx.push(Number(p));
    }
    return true;
  });
  scan.each(ALL, () => {
    all = true;
    return true;
  });
  const uniq = [...new Set(idx.filter((n) => Number.isInteger(n) && n >= 1))];
  if (uniq.length) req.photos = uniq.slice(0, 100);
  else if (all) req.photos = 'all';
};
