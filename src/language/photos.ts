/** Which photos a sentence is about: "all", or 1-based indices ("the second photo", "第二张", "photos 1-3"). */
import { NUM_CN, ORDINAL_EN, parseNumber, parseOrdinal } from './numbers.js';
import type { Scan } from './scan.js';
import type { InstructionRequest } from './request.js';

const NOUN = `(?:photos?|pictures?|pics?|images?|shots?|slides?|stills?|ones?|frames?|clips?)`;
const ALL = new RegExp(`(?<![a-z])(?:all|every|each)\\s+(?:of\\s+)?(?:the\\s+|my\\s+|these\\s+|those\\s+|our\\s+)?(?:\\d+\\s+|${'(?:two|three|four|five|six|seven|eight|nine|ten)'}\\s+)?${NOUN}(?![a-z])|(?:所有|全部|每一?)(?:的)?(?:张|幅)?(?:照片|图片|相片|图)|每一?张|(?<![a-z])(?:all|both|each|every)\\s+(?:one\\s+)?of\\s+them(?![a-z])|(?<![a-z])them\\s+all(?![a-z])|(?<![a-z])(?:each|every)\\s+one(?![a-z])|全部|它们都|每个视频`, 'g');
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
  const idx: number[] = Array.isArray(req.photos) ? [...req.photos] : [];
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

// --- references the `photos` field cannot hold (issue 15) -------------------------------------

const EXT = '(?:jpe?g|png|webp|heic|heif|gif|avif|tiff?|bmp|mp4|mov|webm|mkv|avi|m4v)';
/** A file name as typed: no spaces (a name with spaces is found by the session, which knows its names). */
const NAME = new RegExp(`(?<![\\p{L}\\p{N}_.()\\[\\]-])([\\p{L}\\p{N}_()\\[\\]-][\\p{L}\\p{N}_.()\\[\\]-]{0,120}\\.${EXT})(?![\\p{L}\\p{N}_])`, 'gu');
const PNOUN = '(?:photos?|pictures?|pics?|images?|shots?|slides?|stills?|ones?|frames?|clips?)';
const SEPARATE = new RegExp([
  `(?<![a-z])(?:a\\s+|one\\s+)?(?:separate|individual|distinct|single|different)\\s+(?:videos?|clips?|movies?|reels?|renders?|files?)\\s+(?:for|of|from|per)\\s+(?:each|every|all(?:\\s+the)?)(?:\\s+(?:single\\s+)?${PNOUN})?(?![a-z])`,
  `(?<![a-z])(?:one|a)\\s+(?:video|clip|movie|reel|render|file)\\s+(?:for|per|of|from)\\s+(?:each|every)(?:\\s+(?:single\\s+)?${PNOUN})?(?![a-z])`,
  `(?<![a-z])(?:videos?|clips?|reels?)\\s+per\\s+${PNOUN}(?![a-z])`,
  `(?<![a-z])(?:each|every)\\s+(?:${PNOUN}\\s+)?(?:gets?|has|have|with|in|into)\\s+(?:its|their|an?)\\s+own\\s+(?:videos?|clips?|renders?|reels?|files?)(?![a-z])`,
  `(?<![a-z])(?:each|every)\\s+${PNOUN}\\s+(?:as|into)\\s+(?:a\\s+)?(?:separate|individual|its\\s+own)\\s+(?:videos?|clips?)(?![a-z])`,
  `(?<![a-z])(?:videos?|clips?)\\s+(?:for|of)\\s+(?:each|every)\\s+${PNOUN}\\s+separately(?![a-z])`,
  `(?<![a-z])separate\\s+(?:videos?|clips?)(?![a-z])`,
  `(?:每一?张|每个|每幅)(?:照片|图片|相片|图)?(?:都)?(?:单独|分别|各自|各)?(?:做|生成|制作|出|弄|剪)(?:成)?(?:一个|一条|一段|单独的?)*(?:单独的?)?(?:视频|短片|片子)`,
  `(?:单独|分别|各自)(?:为|给|把)?(?:每一?张|每个|每幅)(?:照片|图片|相片|图)?(?:做|生成|制作|出)(?:成)?(?:一个|一条|一段)?(?:视频|短片)`,
  `一张(?:照片|图片|图)?一个视频`,
  `(?:每一?张|每个)(?:照片|图片|图)?(?:单独|分别)(?:成片|导出)`,
].join('|'), 'g');
const OTHERS = /(?<![a-z])(?:remove|delete|drop|get\s+rid\s+of|take\s+out|lose|cut|discard|ditch)\s+(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:other|rest|remaining)(?:\s+(?:ones|photos?|pictures?|images?|pics|shots|slides|of\s+the\s+(?:photos|pictures|images)))?(?![a-z])|(?:去掉|删掉|删除|移除|不要)(?:其他|其它|其余|别的)(?:的)?(?:照片|图片|相片|图)?|(?:其他|其它|其余)(?:的)?(?:照片|图片|图)?(?:都)?(?:删掉|去掉|删除|不要了?)/g;
const ONLY = /(?<![a-z])(?:only|just)\s+(?:use|keep|show|include|want|need)(?![a-z])|(?<![a-z])(?:use|keep|show|include)\s+only(?![a-z])|(?<![a-z])only\s+(?=(?:the\s+)?(?:first|second|third|fourth|fifth|last|\d+(?:st|nd|rd|th))\b|(?:photo|picture|image)\s*\d)|只(?:用|要|保留|留|剩|放)|仅(?:用|保留)/g;
const REMOVE_REF = new RegExp(`(?<![a-z])(?:remove|delete|drop|take\\s+out|get\\s+rid\\s+of|lose|discard|ditch)\\s+(?:the\\s+)?(?=(?:${ORDINAL_EN}|last|very\\s+last|(?:photo|picture|image|pic)s?\\s*(?:#|no\\.?|number)?\\s*\\d)|[\\p{L}\\p{N}_()\\[\\]-][\\p{L}\\p{N}_.()\\[\\]-]{0,120}\\.${EXT})|(?:删掉|删除|去掉|移除|不要)(?=第|最后|倒数)|(?<=把(?:第|最后|倒数)[^，。,.；;]{0,12}?)(?:删掉|删除|去掉|移除|拿掉)`, 'gu');
const LAST = new RegExp(`(?<![a-z])(?:the\\s+)?(?:very\\s+)?(?:(second|third|2nd|3rd)[\\s-]+(?:to[\\s-]+)?last|last)(?:\\s+(${PNOUN}|videos?))?(?![a-z])`, 'g');
const LAST_CN = new RegExp(`最后(?:一|那)?(?:张|幅|个)(?:照片|图片|相片|图|视频)?|倒数第\\s*(${NUM_CN})\\s*(?:张|幅|个)(?:照片|图片|相片|图|视频)?`, 'g');
const THIS = /(?<![a-z])this\s+(?:one|photo|picture|image|pic|shot|slide|still)(?![a-z])|(?<![a-z])(?:that|this)\s+one(?![a-z])|这张(?:照片|图片|相片|图)?|这一张|这幅(?:图)?/g;
/** "a 9:16 version of the third": an ordinal without its noun, after "version of". */
const BARE_ORD = new RegExp(`(?<![a-z])(?:version|cut|edit|video|clip|reel)\\s+(?:of|for|from)\\s+(?:the\\s+)?(${ORDINAL_EN})(?!\\s*(?:\\d|half|quarter|${PNOUN}|seconds?|minutes?|frames?))(?![a-z])`, 'g');

const refs = (req: InstructionRequest) => (req.refs ??= {});

/**
 * File names, one clip per photo, "only"/"the others"/"remove …", counting from the end and "this
 * one". Runs before the other extractors, so a name ("two_wings.jpg") is not read as words.
 */
export const extractPhotoRefs = (scan: Scan, req: InstructionRequest): void => {
  scan.each(REMOVE_REF, () => ((refs(req).remove = true), true));
  scan.each(NAME, (h) => {
    const name = scan.text(h.start, h.end);
    const r = refs(req);
    (r.names ??= []).includes(name) || r.names.push(name);
    return true;
  });
  scan.each(SEPARATE, () => ((refs(req).separate = true), true));
  scan.each(OTHERS, () => {
    refs(req).others = true;
    delete req.refs!.remove;
    return true;
  });
  scan.each(ONLY, () => ((refs(req).only = true), true));
  scan.each(LAST, (h) => {
    // "the last 3 seconds", "make it last": not a photo. A bare "last" needs "the" and an end after it.
    const after = scan.work.slice(h.end, h.end + 24);
    if (!h.m[2]) {
      if (!/^\s*the\s/.test(h.m[0]) && !/^(?:the\s+)?very\s/.test(h.m[0]) && !h.m[1]) return false;
      if (!/^\s*(?:$|[,.;:!?)]|\s(?:with|and|to|in|as|into|at|a|an|pan|zoom|slow|fast|only|please|one|photo|be|should|gets?|has)\b)/.test(after)) return false;
    }
    const n = h.m[1] ? (/^(?:second|2nd)$/.test(h.m[1]) ? 2 : 3) : 1;
    const r = refs(req);
    (r.from_end ??= []).includes(n) || r.from_end.push(n);
    return true;
  });
  scan.each(LAST_CN, (h) => {
    const n = h.m[1] ? parseNumber(h.m[1]) : 1;
    if (n === null || n < 1) return false;
    const r = refs(req);
    (r.from_end ??= []).includes(n) || r.from_end.push(n);
    return true;
  });
  scan.each(BARE_ORD, (h) => {
    const v = parseOrdinal(h.m[1]!);
    if (v === null) return false;
    req.photos = [...(Array.isArray(req.photos) ? req.photos : []), v];
    return [h.end - h.m[1]!.length, h.end];
  });
  scan.each(THIS, () => ((refs(req).this = true), false));
};

/** After every extractor: drop flags that found nothing to act on. */
export const settleRefs = (req: InstructionRequest): void => {
  const r = req.refs;
  if (!r) return;
  const named = req.photos !== null || !!r.names || !!r.from_end || !!r.this;
  if (r.only && !named) delete r.only;
  if (r.remove && !named) delete r.remove;
  if (Object.keys(r).length === 0) delete req.refs;
};
