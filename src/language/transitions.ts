/**
 * Transitions between photos: crossfade/dissolve, fade to black/white, slide, push, wipe, zoom,
 * blur, none ("hard cuts", "no transitions", "直接切"), with their length ("0.5 s crossfades").
 */
import { DUR, durationValue } from './durations.js';
import type { Scan } from './scan.js';
import type { InstructionRequest, Transition, TransitionType } from './request.js';

const NOUN = `(?:transitions?|transitioning|between\\s+(?:the\\s+)?(?:photos|images|pictures|slides|shots|each\\s+(?:photo|image|picture|slide|shot)))`;
const NOUN_CN = `(?:转场|过渡)`;
const TYPES: Array<[RegExp, TransitionType]> = [
  [/black|黑场|黑屏/, 'fade_black'],
  [/white|flash|白场|闪白/, 'fade_white'],
  [/cross|dissolve|blend|mix|叠化|溶解|交叉|淡入淡出/, 'crossfade'],
  [/slide|sliding|swipe|滑/, 'slide'],
  [/push|推移/, 'push'],
  [/wipe|擦除|擦/, 'wipe'],
  [/zoom|缩放|推拉/, 'zoom'],
  [/blur|模糊/, 'blur'],
  [/none|hard|straight|jump|simple\s+cut|no\s|without|just\s+cut|cut\s+directly|直接切|硬切|无|不要|不加|去掉|不用/, 'none'],
  [/fade|淡/, 'crossfade'],
];

const TYPE_EN_STRONG = `(?:cross[\\s-]?fades?|cross[\\s-]?dissolves?|dissolves?|(?:dip|fade|fades|fading)\\s+(?:out\\s+|in\\s+)?(?:to|through|into|from)\\s+(?:black|white)|(?:black|white)\\s+(?:fades?|dips?)|flash\\s+(?:to\\s+)?white|wipes?)`;
const TYPE_EN_WEAK = `(?:fade|fading|slide|sliding|swipe|push|zoom|blur|blurry|whip|spin|glitch|smooth|simple|quick|soft|gentle|clean|subtle|cut)`;
const NONE_EN = `(?:no\\s+transitions?|without\\s+(?:any\\s+)?transitions?|(?:hard|straight|jump|simple)\\s+cuts?|just\\s+cut|cut\\s+directly|(?:don'?t|do\\s+not)\\s+(?:use|add|want)\\s+(?:any\\s+)?transitions?|skip\\s+(?:the\\s+)?transitions?|remove\\s+(?:the\\s+|all\\s+)?transitions?)`;
const TYPE_CN = `(?:叠化|溶解|交叉淡化|交叉溶解|淡入淡出|黑场|黑屏|白场|闪白|滑动|滑入|推移|擦除|缩放|推拉|模糊)`;
const NONE_CN = `(?:不要转场|去掉转场|无转场|不加转场|不用转场|没有转场|直接切换?|硬切)`;

const BETWEEN = `(?:\\s+between\\s+(?:the\\s+|each\\s+|all\\s+|my\\s+)?(?:photos?|images?|pictures?|slides?|shots?|clips?|scenes?|pics?|them|each\\s+other))?(?:\\s+(?:at|in)\\s+the\\s+(?:very\\s+)?(?:start|beginning|end|close|finish))?`;
const ADJ = `(?:smooth|simple|quick|soft|gentle|clean|subtle|short|long|fast|slow|nice|elegant|seamless)`;
const TYPE_CN_STRONG = `(?:叠化|交叉淡化|交叉溶解|黑场|白场|闪白)`;
/** The words that name a transition; what is around them (length, kind) is read from small windows. */
const KEY = new RegExp(
  `(${NONE_EN}|${NONE_CN})|(?<![a-z])(${TYPE_EN_STRONG})(?![a-z])|(?<![a-z])(${NOUN})(?![a-z])|(${TYPE_CN_STRONG})|(${NOUN_CN})`,
  'g',
);
const PRE = new RegExp(`(?:(${DUR})\\s*(?:-|\\s)?\\s*)?(?:${ADJ}\\s+)?(?:(${TYPE_EN_WEAK}|${TYPE_EN_STRONG}|${TYPE_CN})[\\s-]*)?(?:的\\s*)?$`);
const POST = new RegExp(
  `^(?:\\s+${NOUN})?(?:\\s+(?:shorter|longer|faster|slower|quicker))?(?:\\s*(?:of|lasting|for|over|at|each|,|to|with|using|用|为|是|效果)?\\s*(?:about\\s+|around\\s+)?(?:(${DUR})|(?:an?\\s+)?(${TYPE_EN_STRONG}|slides?|push(?:es)?|zooms?|blurs?|${TYPE_CN})))?(?:\\s*(?:的)?\\s*(${DUR}))?${BETWEEN}`,
);

const typeOf = (words: string): TransitionType | null => {
  for (const [re, t] of TYPES) if (re.test(words)) return t;
  return null;
};

const add = (req: InstructionRequest, t: Transition): void => {
  if (req.transitions.length >= 6) return;
  const same = req.transitions.find((x) => x.type === t.type);
  if (same) {
    if (same.duration_s === null) same.duration_s = t.duration_s;
    return;
  }
  if (t.type !== null) {
    const untyped = req.transitions.find((x) => x.type === null);
    if (untyped) {
      untyped.type = t.type;
      if (untyped.duration_s === null) untyped.duration_s = t.duration_s;
      return;
    }
  } else if (req.transitions.length > 0) {
    const first = req.transitions[0]!;
    if (first.duration_s === null) first.duration_s = t.duration_s;
    return;
  }
  req.transitions.push(t);
};

const REPLACED = new RegExp(`(?<![a-z])(?:replace|swap)\\s+(?:the\\s+|all\\s+(?:the\\s+)?)?(?:${TYPE_EN_STRONG}|${TYPE_EN_WEAK})(?:\\s+${NOUN})?\\s+(?:with|for)(?![a-z])`, 'g');

const GATE = /transition|between|fad|dissolve|wipe|black|white|flash|cut|转场|过渡|叠化|黑场|白场|闪白|溶解|淡|切/;

export const extractTransitions = (scan: Scan, req: InstructionRequest): void => {
  if (!scan.has(GATE)) return;
  scan.each(REPLACED, () => ((req.edits ??= {}).replace = true));
  scan.each(KEY, (h) => {
    const g = h.m;
    if (g[1] !== undefined) {
      add(req, { type: 'none', duration_s: null });
      return true;
    }
    const w = scan.work;
    const before = w.slice(Math.max(0, h.start - 40), h.start);
    const pre = PRE.exec(before);
    const post = POST.exec(w.slice(h.end, h.end + 60));
    const preLen = pre && pre[0].trim() !== '' ? pre[0].length : 0;
    const postLen = post && post[0].trim() !== '' ? post[0].length : 0;
    const d = (x: string | undefined) => (x === undefined ? null : durationValue(x));
    const dur = d(pre?.[1]) ?? d(post?.[1]) ?? d(post?.[3]);
    const own = g[2] ?? g[4];
    const noun = g[3] ?? g[5];
    let type: TransitionType | null = null;
    if (own !== undefined) type = typeOf(own);
    else {
      const words = `${preLen ? pre![2] ?? '' : ''} ${postLen ? post![2] ?? '' : ''}`;
      type = typeOf(words);
      if (type === 'none' && !/cut/.test(words)) type = null;
      if (preLen && pre![2] && /^(?:smooth|simple|quick|soft|gentle|clean|subtle)$/.test(pre![2]) && !(postLen && post![2])) type = null;
      if (preLen && pre![2] && /cut/.test(pre![2])) type = 'none';
      // "between the photos" alone is not a transition.
      if (noun !== undefined && /^between/.test(noun) && type === null && dur === null) return false;
    }
    add(req, { type, duration_s: dur });
    return [h.start - preLen, h.end + postLen];
  });
};

/** A fade that is not about music: "fade in at the start", "fade out at the end" → fade_black. */
export const fadeTransition = (req: InstructionRequest, dur: number | null): boolean => {
  add(req, { type: 'fade_black', duration_s: dur });
  return true;
};
