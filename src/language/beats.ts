/**
 * Cuts on the beat: 卡点, 踩点, "cut to the beat", "beat sync", "on the beat"; how often ("every
 * beat", "every other beat", "every 4 beats", "every bar", 每两拍, 每小节); accents on the beats
 * ("zoom pulse", "flash on the beat", 闪光, 缩放); and turning it off ("no beat sync", 不要卡点).
 */
import { NUM_CN } from './numbers.js';
import type { BeatSync, InstructionRequest } from './request.js';
import type { Scan } from './scan.js';

const SYNC = new RegExp([
  `(?<![a-z])(?:beat[\\s-]?(?:sync(?:ed|ing)?|synchroni[sz]ed|match(?:ed|ing)?|cuts?)|(?:sync(?:ed|hroni[sz]ed)?|match(?:ed)?|cut(?:s|ting)?|time(?:d)?|switch(?:es|ing)?|change(?:s)?)\\s+(?:(?:the\\s+)?(?:cuts|photos|pictures|images|shots|slides|it|them|everything)\\s+)?(?:to|on|with)\\s+(?:the\\s+)?(?:beats?|rhythm|music(?:'s)?\\s+beats?|bpm)|sync(?:ed|hroni[sz]ed)?\\s+(?:(?:the\\s+)?(?:cuts|photos|pictures|images|shots|slides|it|them|everything)\\s+)?(?:to|with)\\s+(?:the\\s+)?music|on\\s+(?:the\\s+|every\\s+)?beats?|rhythm(?:ic)?\\s+cuts?|cuts?\\s+on\\s+beat)(?![a-z])`,
  `卡点|踩点|踩节拍|卡节拍|跟着?节拍|随节拍|按节拍|节拍同步|踩着?鼓点|卡着?鼓点|跟着?鼓点|鼓点`,
].join('|'), 'g');
const OFF = /(?<![a-z])(?:no|without|stop|turn\s+off|remove|don'?t|do\s+not)\s+(?:the\s+)?(?:beat[\s-]?sync(?:ing)?|cut(?:ting)?\s+(?:to|on)\s+the\s+beat|beat\s+cuts?)(?![a-z])|(?:不要|取消|去掉|关掉|别|不用)\s*(?:卡点|踩点|节拍同步)/g;
const EVERY = new RegExp([
  `(?<![a-z])(?:every|each|on\\s+every|once\\s+(?:every|a|per))\\s+(?:(other|second|2nd|two|2|third|three|3|fourth|four|4|eight|8)\\s+)?(beats?|bars?|measures?)(?![a-z])`,
  `(?<![a-z])(twice|two\\s+times)\\s+(?:a|per)\\s+(bar|measure)(?![a-z])`,
  `每\\s*(${NUM_CN}|\\d+)?\\s*(?:个)?\\s*(拍|小节|节拍)`,
].join('|'), 'g');
const PULSE = /(?<![a-z])(?:zoom[\s-]?pulses?|pulse|pulsing|bounce|bump|punch[\s-]?in|zoom\s+(?:in\s+)?on\s+(?:the\s+|each\s+|every\s+)?beats?)(?![a-z])|缩放|放大一下|弹一下|脉冲|震动|抖动/g;
const FLASH = /(?<![a-z])(?:flash(?:es|ing)?|white\s+flash|strobe)(?![a-z])|闪光|闪白|闪一下|闪烁|白闪/g;

const countOf = (w: string | undefined): number | null => {
  if (!w) return 1;
  const m: Record<string, number> = { other: 2, second: 2, '2nd': 2, two: 2, '2': 2, third: 3, three: 3, '3': 3, fourth: 4, four: 4, '4': 4, eight: 8, '8': 8, 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 八: 8 };
  return m[w] ?? (Number.isFinite(Number(w)) ? Number(w) : null);
};

export const extractBeatSync = (scan: Scan, req: InstructionRequest): void => {
  let off = false;
  scan.each(OFF, () => { off = true; return true; });
  if (off) { req.beat_sync = { on: false, every: null, accent: null }; return; }
  let on = false;
  const b: BeatSync = { on: true, every: null, accent: null };
  scan.each(SYNC, (h) => { on = true; if (/every/.test(h.m[0])) b.every = 1; return true; });
  if (!on) return;
  scan.each(EVERY, (h) => {
    const g = h.m;
    if (g[2] !== undefined) { const k = countOf(g[1]); if (k === null) return false; b.every = /bar|measure/.test(g[2]) ? (k === 1 ? 'bar' : k * 4) : k; return true; }
    if (g[4] !== undefined) { b.every = 2; return true; }
    if (g[6] !== undefined) { const k = countOf(g[5]); if (k === null) return false; b.every = g[6] === '小节' ? (k === 1 ? 'bar' : k * 4) : k; return true; }
    return false;
  });
  scan.each(PULSE, () => { b.accent = 'pulse'; return true; });
  scan.each(FLASH, () => { b.accent = 'flash'; return true; });
  req.beat_sync = b;
};
