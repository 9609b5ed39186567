/**
 * The output: aspect ratio (only when stated as a ratio or a shape word), platform, resolution,
 * frame rate, file format and looping.
 */
import { NUM_CN, parseNumber } from './numbers.js';
import type { Scan } from './scan.js';
import type { AspectRatio, Format, InstructionRequest, Platform, Resolution } from './request.js';
import { ASPECT_RATIOS } from './request.js';

const RATIO = /(?<![\d.:])(\d{1,2})\s*(?::|x|\/|by|比)\s*(\d{1,2})(?![\d.:]|\s*(?:seconds?|secs?|s|秒|min|分))/g;
const SHAPES: Array<[RegExp, AspectRatio]> = [
  [/(?<![a-z])(?:vertical(?!\s+(?:pan|tilt|move|movement|motion|lines?|scroll|stripes?))(?:\s+(?:video|format|orientation|version|clip|reel|ratio|aspect(?:\s+ratio)?|layout|crop|frame|mode))?|portrait\s+(?:mode|orientation|format|aspect(?:\s+ratio)?|ratio|video|version|layout|crop)|in\s+portrait(?!\s+(?:photo|shot|lighting|of|style))|phone[\s-]sized|full[\s-]?screen\s+(?:on\s+)?(?:mobile|phone)|mobile\s+(?:format|size))(?![a-z])|竖屏|竖版|竖向|竖幅|竖构图|竖的/g, '9:16'],
  [/(?<![a-z])(?:horizontal(?!\s+(?:pan|move|movement|motion|lines?|scroll|stripes?))(?:\s+(?:video|format|orientation|version|clip|ratio|layout|crop|mode))?|landscape\s+(?:mode|orientation|format|aspect(?:\s+ratio)?|ratio|video|version|layout|crop)|in\s+landscape(?!\s+(?:photo|shot|of))|wide[\s-]?screen)(?![a-z])|横屏|横版|横幅|宽屏/g, '16:9'],
  [/(?<![a-z])(?:square(?:\s+(?:format|video|crop|aspect(?:\s+ratio)?|ratio|version|post|frame|layout))?)(?![a-z])|正方形|方形|方屏/g, '1:1'],
  [/(?<![a-z])(?:ultra[\s-]?wide|cinemascope|anamorphic)(?![a-z])|超宽屏/g, '21:9'],
];

const RES: Array<[RegExp, Resolution]> = [
  [/(?<![a-z0-9])(?:4k|4\s+k|uhd|ultra\s+hd|2160p)(?![a-z0-9])|超高清|4k超清/g, '4k'],
  [/(?<![a-z0-9])(?:1440p|2k|qhd|2\s*k)(?![a-z0-9])|2k高清/g, '1440p'],
  [/(?<![a-z0-9])(?:1080p?(?=\s*(?:resolution|res|quality|hd|video|export|version|\b))(?!\s*(?:x|\*)\s*\d)|full[\s-]?hd|fhd)(?![a-z0-9])|全高清|1080p/g, '1080p'],
  [/(?<![a-z0-9])(?:720p?(?=\s*(?:resolution|res|quality|hd|video|export|version|\b))(?!\s*(?:x|\*)\s*\d)|hd(?:\s+(?:quality|resolution|video))?)(?![a-z0-9])|高清/g, '720p'],
  [/(?<![a-z0-9])(?:480p|sd)(?![a-z0-9])|标清/g, '480p'],
];
const RES_NUMERIC = /(?<![a-z0-9])(480|720|1080|1440|2160)p(?![a-z0-9])/g;
const DIMENSIONS = /(?<![\d.])(\d{3,4})\s*(?:x|\*|by)\s*(\d{3,4})(?![\d.])/g;
const shortSideRes = (n: number): Resolution | null =>
  ({ 480: '480p', 720: '720p', 1080: '1080p', 1440: '1440p', 2160: '4k' } as Record<number, Resolution>)[n] ?? null;

const FPS = new RegExp(
  `(?<![\\d.])(\\d{1,3}(?:\\.\\d+)?)\\s*(?:fps|frames?\\s*(?:per|/|a)\\s*(?:second|sec|s)|帧(?:每秒|/秒|/s)?|f/s)(?![a-z])|(?<![a-z])(?:frame\\s*rate|fps|帧率)\\s*(?:of|at|to|=|:|is|为|设为|调到)?\\s*(\\d{1,3}(?:\\.\\d+)?)|每秒\\s*(${NUM_CN})\\s*帧|(?<![a-z])(${'twenty[\\s-]four|thirty|sixty|twenty[\\s-]five|fifty|one\\s+twenty'})\\s+(?:fps|frames\\s+per\\s+second)`,
  'g',
);

const FORMAT = /(?<![a-z0-9])(mp4|webm|gif|mov|quicktime|animated\s+gif|m4v)(?![a-z0-9])|(动图|gif动图)/g;

const LOOP = /(?<![a-z])(?:seamless(?:ly)?\s+)?(?:loop(?:s|ing|able|ed)?|boomerang|on\s+repeat|repeating|cinemagraph)(?![a-z])|无缝循环|循环播放|循环|来回播放/g;
const NO_LOOP = /(?<![a-z])(?:(?:no|don'?t|do\s+not|without|not)\s+(?:a\s+)?loop(?:ing|ed)?|(?:play(?:s)?|run(?:s)?)\s+(?:it\s+)?(?:just\s+)?once|(?:not|no)\s+looping|one[\s-]shot)(?![a-z])|不要循环|不循环|别循环|只播放?一次|播放一次|不需要循环/g;

const PLATFORMS: Array<[RegExp, Platform]> = [
  [/(?<![a-z])(?:youtube|yt)\s*shorts?(?![a-z])|(?<![a-z])(?:for|on|to|as)\s+(?:a\s+)?shorts?(?![a-z])/g, 'youtube_shorts'],
  [/(?<![a-z])(?:instagram|insta|ig)\s*(?:stor(?:y|ies))(?![a-z])|(?<![a-z])(?:ig|insta)\s*story/g, 'instagram_story'],
  [/(?<![a-z])(?:instagram|insta|ig)\s*(?:reels?)(?![a-z])/g, 'instagram_reels'],
  [/(?<![a-z])(?:instagram|insta)\s*(?:feed|posts?|grid|carousel)(?![a-z])/g, 'instagram_feed'],
  [/(?<![a-z])(?:facebook|fb)(?:\s+(?:reels?|feed|posts?|stor(?:y|ies)|ads?|page))?(?![a-z])|脸书/g, 'facebook'],
  [/(?<![a-z])(?:tik\s*tok|douyin)(?![a-z])|抖音/g, 'tiktok'],
  [/(?<![a-z])(?:you\s*tube|yt)(?![a-z])|油管/g, 'youtube'],
  [/(?<![a-z])(?:instagram|insta|ig)(?![a-z])|ins(?=[\u4e00-\u9fff])/g, 'instagram_feed'],
  [/(?<![a-z])reels?(?![a-z])/g, 'instagram_reels'],
  [/(?<![a-z])(?:twitter|tweet)(?![a-z])|推特/g, 'x'],
  [/(?<![a-z])linked\s*in(?![a-z])|领英/g, 'linkedin'],
];
/** "X" only as a platform: capital X after for/on/to/post, not "2x" or "1920x1080". */
const X_PLATFORM = /(?<![a-z])(?:for|on|to|post(?:ed)?\s+(?:it\s+)?(?:on|to))\s+x(?![a-z0-9])(?:\s*\/\s*twitter|\s*\(twitter\))?/g;

export const extractCanvas = (scan: Scan, req: InstructionRequest): void => {
  scan.each(DIMENSIONS, (h) => {
    const w = Number(h.m[1]);
    const hh = Number(h.m[2]);
    const res = shortSideRes(Math.min(w, hh));
    const ratio = ASPECT_RATIOS.find((r) => {
      const [a, b] = r.split(':').map(Number) as [number, number];
      return Math.abs(w / hh - a / b) < 0.01;
    });
    if (!res && !ratio) return false;
    if (res && req.resolution === null) req.resolution = res;
    if (ratio && req.aspect === null) req.aspect = ratio;
    return true;
  });
  scan.each(RATIO, (h) => {
    const r = `${h.m[1]}:${h.m[2]}`;
    if (!(ASPECT_RATIOS as readonly string[]).includes(r)) return false;
    if (req.aspect === null) req.aspect = r as AspectRatio;
    return true;
  });
  for (const [re, r] of SHAPES) {
    scan.each(re, () => {
      if (req.aspect === null) req.aspect = r;
      return true;
    });
  }
  scan.each(FPS, (h) => {
    const raw = h.m[1] ?? h.m[2] ?? h.m[3] ?? h.m[4]!;
    const key = raw.replace(/[\s-]+/g, ' ');
    const v = key === 'one twenty' ? 120 : parseNumber(key);
    if (v === null || v <= 0 || v > 240) return false;
    if (req.fps === null) req.fps = v;
    return true;
  });
  scan.each(RES_NUMERIC, (h) => {
    if (req.resolution === null) req.resolution = shortSideRes(Number(h.m[1]));
    return true;
  });
  for (const [re, r] of RES) {
    scan.each(re, () => {
      if (req.resolution === null) req.resolution = r;
      return true;
    });
  }
  scan.each(FORMAT, (h) => {
    const w = (h.m[1] ?? h.m[2] ?? '').replace(/\s+/g, ' ');
    const f: Format = /gif|动图/.test(w) ? 'gif' : /mov|quicktime/.test(w) ? 'mov' : w === 'webm' ? 'webm' : 'mp4';
    if (req.format === null) req.format = f;
    return true;
  });
  scan.each(NO_LOOP, () => {
    req.loop = false;
    return true;
  });
  scan.each(LOOP, () => {
    if (req.loop === null) req.loop = true;
    return true;
  });
  for (const [re, p] of PLATFORMS) {
    scan.each(re, () => {
      if (req.platform === null) {
        req.platform = p;
        return true;
      }
      // "a reel for Instagram": the bare brand and the format name the same platform.
      if (req.platform.startsWith('instagram') && p.startsWith('instagram')) {
        if (req.platform === 'instagram_feed') req.platform = p;
        return true;
      }
      return false;
    });
  }
  scan.each(X_PLATFORM, (h) => {
    // Only a capital X in the original names the platform.
    const x = scan.orig.slice(h.start, h.end).search(/X/);
    if (x < 0 || req.platform !== null) return false;
    req.platform = 'x';
    return true;
  });
};
