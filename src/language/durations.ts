/**
 * Lengths of time in both languages: "5-second", "5s", "five seconds", "30 sec", "1 minute",
 * "1 min 30 s", "half a second", "500ms", "五秒", "5秒", "十五秒", "一分钟", "一分半", "1分30秒".
 * Extraction of per-photo lengths, relative changes and the total length.
 */
import { NUM_CN, NUM_EN, parseNumber, round } from './numbers.js';
import type { Scan } from './scan.js';
import type { InstructionRequest } from './request.js';

const NUM_EN_NOA = NUM_EN.replace('|an?)', ')');
const SEC_EN = `(?:seconds?|secs?\\.?|(?<=\\d\\s?)s(?!\\s*(?:music|vibe|style|look|feel|aesthetic|era|songs?|hits|retro|disco|fashion)))(?![a-z])`;
const MIN_EN = `(?:minutes?|mins?\\.?)(?![a-z])`;
const B = '(?<![a-z0-9.])';
const EN = [
  `${B}(?:${NUM_EN_NOA})\\s*-?\\s*(?:minutes?|mins?|m)\\s*(?:and\\s+)?(?:${NUM_EN_NOA})\\s*-?\\s*${SEC_EN}`,
  `${B}(?:${NUM_EN_NOA})\\s*-?\\s*(?:ms|milliseconds?)(?![a-z])`,
  `${B}(?:a|an|one)\\s+(?:${MIN_EN})(?:\\s+and\\s+a\\s+half)?`,
  `${B}half\\s*(?:-|\\s)\\s*(?:a\\s+)?(?:minute|second)(?![a-z])`,
  `${B}(?:${NUM_EN_NOA})\\s*(?:-|\\s)?\\s*(?:${SEC_EN}|${MIN_EN})`,
];
const CN = [
  `${NUM_CN}\\s*个?\\s*分钟?\\s*${NUM_CN}\\s*秒钟?`,
  `${NUM_CN}\\s*分半钟?`,
  `半分钟`,
  `${NUM_CN}\\s*毫秒`,
  `${NUM_CN}\\s*个?半?\\s*(?:秒钟|秒|分钟)`,
];
/** Regex source for one length of time (no capture groups). */
export const DUR = `(?:${[...CN, ...EN].join('|')})`;

/** Seconds in a length matched by DUR, or null. */
export const durationValue = (raw: string): number | null => {
  const s = raw.trim().toLowerCase();
  if (s === '半分钟') return 30;
  let m = new RegExp(`^(${NUM_CN})\\s*个?\\s*分钟?\\s*(${NUM_CN})\\s*秒`).exec(s);
  if (m) return sum(parseNumber(m[1]!), 60, parseNumber(m[2]!), 1);
  if ((m = new RegExp(`^(${NUM_CN})\\s*分半`).exec(s))) return sum(parseNumber(m[1]!), 60, 0.5, 60);
  if ((m = new RegExp(`^(${NUM_CN})\\s*毫秒`).exec(s))) return scale(parseNumber(m[1]!), 0.001);
  if ((m = new RegExp(`^(${NUM_CN})\\s*个?(半)?\\s*(秒|分)`).exec(s))) {
    const n = parseNumber(m[1]!);
    return scale(n === null ? null : n + (m[2] ? 0.5 : 0), m[3] === '分' ? 60 : 1);
  }
  if ((m = /^half\s*(?:-|\s)\s*(?:a\s+)?(minute|second)/.exec(s))) return m[1] === 'minute' ? 30 : 0.5;
  if ((m = /^(?:a|an|one)\s+min\w*(\s+and\s+a\s+half)?/.exec(s))) return m[1] ? 90 : 60;
  if ((m = new RegExp(`^(${NUM_EN_NOA})\\s*-?\\s*(?:minutes?|mins?|m)\\s*(?:and\\s+)?(${NUM_EN_NOA})\\s*-?\\s*${SEC_EN}`).exec(s))) {
    return sum(parseNumber(m[1]!), 60, parseNumber(m[2]!), 1);
  }
  if ((m = new RegExp(`^(${NUM_EN_NOA})\\s*-?\\s*(?:ms|milli)`).exec(s))) return scale(parseNumber(m[1]!), 0.001);
  if ((m = new RegExp(`^(${NUM_EN_NOA})\\s*(?:-|\\s)?\\s*(min|m|s)`).exec(s))) return scale(parseNumber(m[1]!), m[2] === 's' ? 1 : 60);
  return null;
};

const scale = (n: number | null, f: number): number | null => (n === null ? null : round(n * f));
const sum = (a: number | null, fa: number, b: number | null, fb: number): number | null =>
  a === null || b === null ? null : round(a * fa + b * fb);

const PHOTO = `(?:photos?|images?|pictures?|pics?|slides?|shots?|stills?|frames?|ones?|clips?)`;
const APPROX = `(?:(?:about|around|roughly|approximately|approx\\.?|~|just|exactly|only|maybe|大约|大概|约)\\s*)?`;
const PER_PHOTO = new RegExp(
  [
    // "1.5 s each", "3 seconds per photo", "2s on each slide", "3 seconds a slide"
    `(${DUR})\\s*(?:each|apiece|a piece|per\\s+${PHOTO}|(?:for|on|per)\\s+(?:each|every)(?:\\s+${PHOTO})?|a\\s+${PHOTO}|per)(?![a-z])`,
    // "each photo for 2 seconds", "every slide lasts 3s", "per image: 2s"
    `(?:each|every|per)\\s+${PHOTO}\\s*(?:should\\s+)?(?:(?:be\\s+)?(?:shown|displayed|held|on screen)\\s+)?(?:for|lasts?|lasting|at|gets?|is|stays?(?:\\s+on\\s+screen)?(?:\\s+for)?|of|:|=|-)?\\s*${APPROX}(${DUR})`,
    // "hold each photo for 2 seconds", "show every image 3s"
    `(?:hold|show|display|keep|give)\\s+(?:each|every)\\s+(?:${PHOTO}\\s+)?(?:on\\s+screen\\s+)?(?:for\\s+)?${APPROX}(${DUR})`,
    // "3-second slides"
    `(${DUR})\\s*(?:long\\s+)?slides(?![a-z])`,
    // 每张3秒, 每张照片停留2秒, 每一张图片显示1.5秒, 照片每张2秒
    `每一?(?:张|幅|页|个)(?:照片|图片|相片|图|画面)?\\s*(?:各|都)?\\s*(?:停留|显示|展示|持续|播放|放|停|定格)?\\s*${APPROX}(?:停留|显示|展示|持续|播放)?\\s*(${DUR})`,
    `(${DUR})\\s*(?:一张|每张|一幅)`,
  ].join('|'),
  'g',
);

/** "3 seconds longer", "add 5 more seconds", "shorten it by 2s", "延长3秒", "缩短2秒". */
const DELTA = new RegExp(
  [
    `(${DUR})\\s+(longer|shorter|more|less)(?![a-z])`,
    `(longer|shorter)\\s+by\\s+(${DUR})`,
    `(extend|lengthen|stretch|add|cut|trim|shorten|reduce|take off|remove)\\s+(?:it\\s+|the video\\s+|the clip\\s+)?(?:by\\s+)?(?:another\\s+)?(${DUR})(?!\\s+(?:each|per|to|clip|video))`,
    `(延长|加长|增加|多加|再加|加|缩短|减少|剪掉|减掉|减)\\s*(${DUR})`,
  ].join('|'),
  'g',
);

const LONGER = /^(longer|more|extend|lengthen|stretch|add|延长|加长|增加|多加|再加|加)$/;

const TOTAL = new RegExp(
  `(?:(?:about|around|roughly|approximately|approx\\.?|~|exactly|only|just|max(?:imum)?|at most|up to|under|less than|no (?:longer|more) than|within|at least|over|大约|大概|约|不超过|最多|最长|左右|以内)\\s*)?(${DUR})(?:\\s*(?:long|in length|total|in total|overall|max|左右|以内|以下|总长|总时长))?`,
  'g',
);
const RANGE = new RegExp(`(?:between\\s+(?:${NUM_EN_NOA}|${NUM_CN})\\s*and|(?<![a-z0-9.])(?:${NUM_EN_NOA}|${NUM_CN})\\s*(?:-|to|~|or|到|至|或))\\s*(${DUR})`, 'g');

/** Pulls per-photo lengths, relative changes and the total length out of the scan. */
export const extractDurations = (scan: Scan, req: InstructionRequest, notes: string[]): void => {
  scan.each(PER_PHOTO, (h) => {
    const raw = h.m.slice(1).find((g) => g !== undefined);
    const v = raw === undefined ? null : durationValue(raw);
    if (v === null || req.per_photo_s !== null) return false;
    req.per_photo_s = v;
    return true;
  });
  scan.each(DELTA, (h) => {
    const g = h.m.slice(1);
    let word: string;
    let dur: string;
    if (g[0] !== undefined) [dur, word] = [g[0], g[1]!];
    else if (g[2] !== undefined) [word, dur] = [g[2], g[3]!];
    else if (g[4] !== undefined) [word, dur] = [g[4], g[5]!];
    else [word, dur] = [g[6]!, g[7]!];
    const v = durationValue(dur);
    if (v === null) return false;
    // "add 5 seconds" in a first request is ambiguous with the total; only read it as a change
    // when the verb is about changing a length.
    const edits = (req.edits ??= {});
    edits.duration = LONGER.test(word) ? 'longer' : 'shorter';
    edits.duration_by_s = v;
    return true;
  });
  scan.each(RANGE, (h) => {
    notes.push(scan.text(h.start, h.end));
    return true;
  });
  scan.each(TOTAL, (h) => {
    const v = durationValue(h.m[1]!);
    if (v === null || v <= 0) return false;
    const tr = req.transitions.find((t) => t.duration_s === null && t.type !== 'none');
    if (v < 1.5 && tr) {
      tr.duration_s = v;
      return true;
    }
    if (req.duration_s === null) {
      req.duration_s = v;
      return true;
    }
    return false;
  });
};
