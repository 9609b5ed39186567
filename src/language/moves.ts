/**
 * Camera moves: the vocabulary of video people and image-to-video tools, in English and Chinese,
 * with their direction and intensity words ("slow push in", "dramatic 2x zoom", "缓慢向左平移").
 */
import { clamp01, parsePercent, PERCENT, round } from './numbers.js';
import type { Scan } from './scan.js';
import type { Direction, InstructionRequest, Move, MoveType, Speed } from './request.js';
import { SCENE_NOUNS_EN, SCENE_NOUNS_CN } from './subject.js';

interface Core {
  re: string;
  type: MoveType;
  dir?: Direction;
  /** Direction read from the first capture group. */
  dirGroup?: boolean;
  /** Not a move when the word before is a scene noun ("clouds drifting" is subject motion). */
  sceneCheck?: boolean;
}

const D = `(?:to(?:wards?)?\\s+|toward\\s+)?(?:the\\s+)?`;
/** English cores, most specific first. */
const CORES_EN: Core[] = [
  { re: `ken[\\s-]?burns?(?:\\s+(?:effect|style|move|pan))?`, type: 'ken_burns' },
  { re: `dolly[\\s-]zoom|vertigo(?:\\s+effect)?|zolly|hitchcock(?:\\s+zoom)?`, type: 'dolly_zoom' },
  { re: `3d[\\s-]?zoom(?:\\s+effect)?`, type: '3d_zoom' },
  { re: `(?:push(?:es|ing)?|push(?:ed)?)[\\s-](in(?:to)?|forward|closer|toward)`, type: 'dolly', dir: 'in' },
  { re: `(?:pull(?:s|ing|ed)?)[\\s-](?:back|out|away)`, type: 'dolly', dir: 'out' },
  { re: `(?:slowly\\s+)?(?:move|moving|get|getting|creep|creeping)\\s+(?:in\\s+)?closer`, type: 'dolly', dir: 'in' },
  { re: `(?:camera\\s+)?(?:moves?|moving|flies|flying|glides?|gliding|travels?|travelling|traveling|pushes|creeps?)\\s+forwards?`, type: 'dolly', dir: 'in' },
  { re: `(?:camera\\s+)?(?:moves?|moving|glides?|travels?|pulls?)\\s+backwards?`, type: 'dolly', dir: 'out' },
  { re: `dolly(?:ing)?(?:[\\s-](in(?:to)?|out|forward|back(?:ward)?|left|right))?(?:\\s+(?:shot|move))?`, type: 'dolly', dirGroup: true },
  // "start wide and end close on the face", "start close and pull back": where the frame begins and ends.
  { re: `start(?:s|ing)?\\s+(?:wide|far(?:\\s+away)?|with\\s+(?:a\\s+)?wide\\s+shot)[^.,;!?]{0,40}?(?:end|finish|move|push|zoom|go|get|come)\\w*\\s+(?:in\\s+)?(?:close|closer|tight|in)`, type: 'zoom', dir: 'in' },
  { re: `start(?:s|ing)?\\s+(?:close|tight|with\\s+(?:a\\s+)?close[\\s-]?up)[^.,;!?]{0,40}?(?:end|finish|pull|zoom|go|move)\\w*\\s+(?:out\\s+|back\\s+)?(?:wide|far|out|back)`, type: 'zoom', dir: 'out' },
  { re: `zoom(?:s|ed|ing)?(?:[\\s-](in(?!to)|out|back|inwards?|outwards?))?`, type: 'zoom', dirGroup: true },
  { re: `truck(?:s|ing)?\\s+${D}(left|right)`, type: 'truck', dirGroup: true },
  { re: `tracking\\s+shot|trucking(?:\\s+shot)?|lateral\\s+(?:move|movement|slide|tracking)|slider\\s+(?:shot|move)`, type: 'truck' },
  { re: `(?:camera\\s+)?slides?\\s+${D}(left|right)`, type: 'truck', dirGroup: true },
  { re: `(?:pedestal|crane|boom|jib)(?:s|ing)?(?:[\\s-](up|down|upward|downward))?(?:\\s+(?:shot|move))?`, type: 'pedestal', dirGroup: true },
  { re: `(?:camera\\s+)?(?:rises?|rising|ascends?|ascending)`, type: 'pedestal', dir: 'up', sceneCheck: true },
  { re: `(?:camera\\s+)?(?:descends?|descending|lowers?)`, type: 'pedestal', dir: 'down', sceneCheck: true },
  { re: `tilt(?:s|ed|ing)?(?![\\s-]shift)(?:[\\s-](?:the\\s+camera\\s+)?(up|down|upwards?|downwards?))?`, type: 'tilt', dirGroup: true },
  { re: `(?:orbit(?:s|ing|al)?|arc(?:s|ing)?(?:\\s+shot)?|circl(?:e|es|ing)\\s+around|rotat(?:e|es|ing)\\s+around|revolv(?:e|es|ing)\\s+around|spin(?:s|ning)?\\s+around|go(?:es|ing)?\\s+around|360(?:°|-degree|\\s+degrees?)?\\s*(?:orbit|spin|rotation|turn|view|pan|shot|camera)|turntable(?:\\s+(?:effect|spin|rotation))?)`, type: 'orbit' },
  { re: `(?:dutch\\s+(?:angle|tilt|roll)|barrel\\s+roll|camera\\s+roll|roll(?:s|ing)?(?=\\s+(?:the\\s+camera\\s+)?(?:slowly\\s+|gently\\s+)?(?:clockwise|counter-?clockwise|anti-?clockwise|left|right|to\\s+the))|rotat(?:e|es|ing|ion))`, type: 'roll', sceneCheck: true },
  { re: `(?:parallax(?:\\s+(?:effect|motion|move|scroll))?|2\\.5d(?:\\s+(?:effect|motion|parallax))?|3d\\s+(?:effect|motion|parallax|photo|depth|look|camera|move|movement|feel)|in\\s+3d|depth(?:\\s+effect)?(?!\\s+of\\s+field))`, type: 'parallax' },
  { re: `(?:drift(?:s|ing|ed)?|float(?:s|ing|y)?|hover(?:s|ing)?)`, type: 'drift', sceneCheck: true },
  { re: `(?:hand[\\s-]?held(?:\\s+(?:camera|look|style|feel|shake|motion|movement|shot))?|camera\\s+shake|shak(?:e|y|ing)(?:\\s+cam(?:era)?)?|jitter(?:y)?|wobbl(?:e|y|ing)|earthquake(?:\\s+effect)?)`, type: 'shake', sceneCheck: true },
  { re: `(?:static(?:\\s+(?:shot|camera|frame))?|locked[\\s-]?(?:off|down)(?:\\s+(?:shot|camera))?|tripod\\s+shot|no\\s+(?:camera\\s+)?(?:movement|motion|moves?)|still\\s+camera|(?:the\\s+)?camera\\s+(?:is\\s+|stays\\s+|remains\\s+|should\\s+(?:be|stay)\\s+)?(?:completely\\s+|perfectly\\s+)?(?:still|static|fixed|locked|steady)|keep\\s+(?:the\\s+camera|it|the\\s+shot|the\\s+frame)\\s+still|(?:don'?t|do\\s+not)\\s+move\\s+the\\s+camera|without\\s+(?:any\\s+)?(?:camera\\s+)?(?:movement|motion))`, type: 'static' },
  { re: `(?:then\\s+)?hold(?:s|ing)?(?:\\s+(?:still|steady|the\\s+(?:frame|shot)|on\\s+it))?(?=\\s*(?:[,.;!?]|$|for\\s|at\\s))`, type: 'static' },
  { re: `pan(?:s|ned|ning)?(?!-(?:fried|seared|roasted|cake|cakes|asian))(?:[\\s-](?:shot|move))?`, type: 'pan' },
  { re: `(?:camera|view|frame)\\s+(?:moves?|moving|glides?|gliding|travels?|sweeps?)`, type: 'pan' },
  { re: `(?:move|glide|sweep)(?:s|ing)?(?=\\s+(?:slowly\\s+|gently\\s+)?${D}(?:left|right|upward|downward)\\b)`, type: 'pan' },
  { re: `(?:move|moves|moving)\\s+the\\s+camera(?=\\s+(?:slowly\\s+|gently\\s+)?${D}(?:left|right|up|down|upward|downward)\\b)`, type: 'pan' },
];

/** Chinese cores. Direction may come from a prefix (向左平移) or the core itself (左移). */
const CORES_CN: Core[] = [
  { re: `肯\\s*[·.]?\\s*伯恩斯(?:效果)?`, type: 'ken_burns' },
  { re: `希区柯克变焦|滑动变焦`, type: 'dolly_zoom' },
  { re: `3d\\s*(?:推进|推镜头?|缩放|变焦)`, type: '3d_zoom' },
  { re: `(?:镜头)?(?:推近|推进|前推|向前推|往前推|推镜头?)`, type: 'dolly', dir: 'in' },
  { re: `(?:镜头)?(?:拉远|后拉|拉开|向后拉|往后拉|拉镜头?)`, type: 'dolly', dir: 'out' },
  { re: `(?:镜头)?(?:拉近|放大|逐渐放大|慢慢放大|特写推进)`, type: 'zoom', dir: 'in' },
  { re: `(?:镜头)?(?:缩小|逐渐缩小)`, type: 'zoom', dir: 'out' },
  { re: `缩放|变焦|zoom`, type: 'zoom' },
  { re: `(?<![向往朝到])(?:镜头)?(左|右)(?:移|平移|摇)`, type: 'pan', dirGroup: true },
  { re: `(?:镜头)?(?:上|下)(?:摇|仰)`, type: 'tilt' },
  { re: `横移|侧移|跟拍|横向移动|左右移动`, type: 'truck' },
  { re: `升降镜头|摇臂|升起镜头|(?:镜头)?(?:上升|升起|下降|降落)`, type: 'pedestal', sceneCheck: true },
  { re: `环绕(?:拍摄|镜头|运镜)?|绕拍|环拍|围绕|绕着|360度(?:旋转|环绕)?`, type: 'orbit' },
  { re: `旋转(?:镜头)?|翻滚`, type: 'roll', sceneCheck: true },
  { re: `3d\\s*(?:立体感|效果|视差)|视差(?:效果)?|3d效果|立体感|立体效果|2\\.5d`, type: 'parallax' },
  { re: `漂移|漂浮|浮动|悬浮`, type: 'drift', sceneCheck: true },
  { re: `手持(?:镜头|感|效果|拍摄)?|镜头(?:抖动|晃动|摇晃|震动)|抖动|晃动|摇晃|震动`, type: 'shake', sceneCheck: true },
  { re: `固定镜头|静止镜头|镜头(?:固定|静止)(?:不动)?|镜头不动|固定不动|保持静止|静态(?:镜头)?|不要运镜|不要动`, type: 'static' },
  { re: `(?:镜头)?(?:平移|摇镜头?|横摇|移动|运动)`, type: 'pan' },
  { re: `(?:镜头)?(?:倾斜|俯仰)`, type: 'tilt' },
];

const CORE_RE = new RegExp(
  `(?<![a-z])(?:${CORES_EN.map((c) => `(${c.re})`).join('|')})(?![a-z])|${CORES_CN.map((c) => `(${c.re})`).join('|')}`,
  'g',
);
/** Index of the capture group that starts each core, in CORES_EN then CORES_CN order. */
const GROUP_INDEX: number[] = (() => {
  const out: number[] = [];
  let g = 1;
  for (const c of [...CORES_EN, ...CORES_CN]) {
    out.push(g);
    g += 1 + new RegExp(`${c.re}|`).exec('')!.length - 1;
  }
  return out;
})();
const ALL_CORES = [...CORES_EN, ...CORES_CN];

/** Intensity words, English. */
export const INTENSITY_EN: Record<string, number> = {
  'barely': 0.1, 'very subtle': 0.15, 'very subtly': 0.15, 'very slight': 0.15, 'very gentle': 0.2, 'very slow': 0.2, 'very slowly': 0.2, 'tiny': 0.15,
  'slight': 0.2, 'slightly': 0.2, 'a bit': 0.25, 'a little': 0.25, 'a touch': 0.2, 'minimal': 0.15,
  'subtle': 0.3, 'subtly': 0.3, 'gentle': 0.3, 'gently': 0.3, 'soft': 0.3, 'softly': 0.3, 'light': 0.3, 'lightly': 0.3, 'delicate': 0.3,
  'slow': 0.3, 'slowly': 0.3, 'calm': 0.3, 'relaxed': 0.3, 'leisurely': 0.3, 'easy': 0.3,
  'smooth': 0.4, 'smoothly': 0.4, 'steady': 0.4, 'steadily': 0.4, 'graceful': 0.4, 'gracefully': 0.4, 'elegant': 0.4, 'soothing': 0.3,
  'moderate': 0.5, 'moderately': 0.5, 'medium': 0.5, 'normal': 0.5, 'natural': 0.5,
  'noticeable': 0.6, 'visible': 0.6, 'bold': 0.7, 'energetic': 0.7, 'dynamic': 0.7,
  'fast': 0.7, 'quick': 0.7, 'quickly': 0.7, 'rapid': 0.7, 'rapidly': 0.7, 'swift': 0.7, 'swiftly': 0.7, 'snappy': 0.7, 'punchy': 0.7,
  'strong': 0.8, 'strongly': 0.8, 'big': 0.8, 'large': 0.8, 'deep': 0.8, 'dramatic': 0.8, 'dramatically': 0.8, 'intense': 0.8, 'heavy': 0.8, 'aggressive': 0.9,
  'very dramatic': 0.95, 'very strong': 0.95, 'very fast': 0.9, 'very quick': 0.9, 'extreme': 0.95, 'huge': 0.95, 'massive': 0.95, 'crash': 0.9, 'whip': 0.9,
};
/** Intensity words, Chinese. */
export const INTENSITY_CN: Record<string, number> = {
  轻微: 0.2, 微微: 0.2, 稍微: 0.2, 略微: 0.2, 一点点: 0.15, 轻轻: 0.3, 轻柔: 0.3, 柔和: 0.3, 缓缓: 0.3, 缓慢: 0.3, 慢慢: 0.3, 慢速: 0.3, 徐徐: 0.3,
  慢: 0.3, 平滑: 0.4, 平稳: 0.4, 丝滑: 0.4, 顺滑: 0.4, 流畅: 0.4, 匀速: 0.5, 明显: 0.6, 快速: 0.7, 迅速: 0.7, 快: 0.7, 急速: 0.9,
  强烈: 0.8, 剧烈: 0.8, 大幅: 0.8, 大幅度: 0.8, 猛烈: 0.9, 极速: 0.95,
};
const SLOW_WORDS = /^(?:very )?(?:slow|slowly|leisurely|缓慢|慢慢|慢速|慢|缓缓|徐徐)$/;
const FAST_WORDS = /^(?:very )?(?:fast|quick|quickly|rapid|rapidly|swift|swiftly|快速|迅速|快|急速|极速|whip|crash)$/;

const DIR_WORDS: Record<string, Direction> = {
  in: 'in', into: 'in', inward: 'in', inwards: 'in', forward: 'in', forwards: 'in', closer: 'in', toward: 'in',
  out: 'out', outward: 'out', outwards: 'out', back: 'out', backward: 'out', backwards: 'out', away: 'out',
  left: 'left', leftward: 'left', leftwards: 'left', right: 'right', rightward: 'right', rightwards: 'right',
  up: 'up', upward: 'up', upwards: 'up', down: 'down', downward: 'down', downwards: 'down',
  clockwise: 'cw', cw: 'cw', counterclockwise: 'ccw', 'counter-clockwise': 'ccw', anticlockwise: 'ccw', 'anti-clockwise': 'ccw', ccw: 'ccw',
  'left-to-right': 'right', 'left to right': 'right', 'right-to-left': 'left', 'right to left': 'left',
  'top-to-bottom': 'down', 'top to bottom': 'down', 'bottom-to-top': 'up', 'bottom to top': 'up',
};
const DIR_CN: Record<string, Direction> = {
  左: 'left', 右: 'right', 上: 'up', 下: 'down', 前: 'in', 后: 'out', 顺时针: 'cw', 逆时针: 'ccw',
  从左到右: 'right', 从左往右: 'right', 从右到左: 'left', 从右往左: 'left', 从上到下: 'down', 从上往下: 'down', 从下到上: 'up', 从下往上: 'up',
};

const INT_EN_ALT = Object.keys(INTENSITY_EN).sort((a, b) => b.length - a.length).join('|');
const DIR_EN_ALT = Object.keys(DIR_WORDS).sort((a, b) => b.length - a.length).join('|').replace(/ /g, '\\s+');
const INT_CN_ALT = Object.keys(INTENSITY_CN).sort((a, b) => b.length - a.length).join('|');

/** Numbers that state an amount of zoom or movement: "20%", "1.5x", "2x". */
const AMOUNT = `(?:by\\s+|of\\s+|about\\s+|around\\s+)?(?:${PERCENT}|\\d+(?:\\.\\d+)?\\s*x(?![a-z0-9]))`;
const amountValue = (s: string): number | null => {
  const x = /(\d+(?:\.\d+)?)\s*x$/.exec(s.trim());
  if (x) return round(clamp01(Number(x[1]) - 1));
  const p = parsePercent(s.replace(/^(by|of|about|around)\s+/, ''));
  return p === null ? null : round(clamp01(p));
};

/** Modifiers before a core, read right to left: "a very slow, smooth left-to-right". */
const PRE_EN = new RegExp(
  `(?:^|[\\s,;(])((?:(?:${INT_EN_ALT}|${DIR_EN_ALT}|${AMOUNT}|a|an|the|camera|and|,|very|nice|slow-?moving|cinematic)(?:\\s+|,\\s*|-(?=[a-z])|$))+)$`,
);
/** Modifiers after a core: "in slowly", "to the left", "from left to right", "by 20%", "clockwise". */
const POST_EN = new RegExp(
  `^((?:\\s*(?:${INT_EN_ALT}|${AMOUNT}|from\\s+(?:the\\s+)?(?:left|right|top|bottom)\\s+to\\s+(?:the\\s+)?(?:left|right|top|bottom)|(?:across|over|on|onto|into|towards?)\\s+(?!the\\s+(?:left|right)\\b)(?:the\\s+)?(?:photo|image|picture|scene|frame|shot|subject)|(?:on|onto|into|towards?|at|up|down|across|along|over|past|through|from|to)\\s+(?:the|a|an|my|our|this|her|his|their)\\s+(?!(?:left|right|top|bottom|end|start|beginning|same|first|last|second|third)\\b)[a-z]+(?:'s)?(?:\\s+(?!(?:with|and|then|but|while|for|at|in|to|on|of|from|${INT_EN_ALT})(?![a-z]))[a-z]+(?![a-z]))?(?:\\s+of\\s+the\\s+[a-z]+)?(?:\\s+(?:face|eyes|logo|label|bottle|product|building|dish|plate|cake|cup|door|entrance|house|model|window|table))?|the\\s+camera|(?:to\\s+reveal|revealing|reveals?)\\s+(?:the\\s+)?(?:whole\\s+|entire\\s+|full\\s+)?[a-z]+(?:\\s+[a-z]+)?|around\\s+(?:the\\s+|a\\s+|my\\s+|our\\s+)?(?!(?:the|a)\\b)[a-z]+(?:\\s+(?:bottle|shoe|car|watch|building|house|table|cake|dish|model|product))?|,\\s*(?:${INT_EN_ALT})(?=\\s*(?:[,.;!?]|$))|${D}(?:${DIR_EN_ALT})(?![a-z])|(?:${INT_EN_ALT}))(?![a-z]))*)`,
);
const PRE_CN = new RegExp(`((?:(?:${INT_CN_ALT}|(?:向|往|朝)(?:左|右|上|下|前|后)|从(?:左|右|上|下)(?:到|往)(?:左|右|上|下)|顺时针|逆时针|${PERCENT})\\s*(?:地|的)?\\s*)+)$`);
const POST_CN = new RegExp(`^((?:\\s*(?:地|的)?\\s*(?:${INT_CN_ALT}|(?:向|往|朝)?(?:左|右|上|下)(?:方|边)?(?![a-z])|顺时针|逆时针|${PERCENT}))*)`);

const dirFromPhrase = (p: string): Direction | null => {
  const from = /from\s+(?:the\s+)?(left|right|top|bottom)\s+to\s+(?:the\s+)?(left|right|top|bottom)/.exec(p);
  if (from) return ({ left: 'left', right: 'right', top: 'up', bottom: 'down' } as const)[from[2] as 'left'];
  const cnFrom = /从(左|右|上|下)(?:到|往)(左|右|上|下)/.exec(p);
  if (cnFrom) return DIR_CN[cnFrom[2]!]!;
  const m = new RegExp(`(?<![a-z])(${DIR_EN_ALT})(?![a-z])`).exec(p);
  if (m) return DIR_WORDS[m[1]!.replace(/\s+/g, ' ')] ?? null;
  const c = /(顺时针|逆时针|(?:向|往|朝)(左|右|上|下|前|后)|^\s*(左|右|上|下))/.exec(p);
  if (c) return DIR_CN[c[2] ?? c[3] ?? c[1]!] ?? null;
  return null;
};

const intensityFromPhrase = (p: string): { v: number | null; speed: Speed | null } => {
  let v: number | null = null;
  let speed: Speed | null = null;
  const am = new RegExp(AMOUNT).exec(p);
  if (am) v = amountValue(am[0]);
  const en = new RegExp(`(?<![a-z])(${INT_EN_ALT})(?![a-z])`, 'g');
  let m: RegExpExecArray | null;
  while ((m = en.exec(p)) !== null) {
    const w = m[1]!.replace(/\s+/g, ' ');
    if (v === null) v = INTENSITY_EN[w]!;
    if (SLOW_WORDS.test(w)) speed = 'slow';
    if (FAST_WORDS.test(w)) speed = 'fast';
  }
  const cn = new RegExp(INT_CN_ALT, 'g');
  while ((m = cn.exec(p)) !== null) {
    if (v === null) v = INTENSITY_CN[m[0]]!;
    if (SLOW_WORDS.test(m[0])) speed = 'slow';
    if (FAST_WORDS.test(m[0])) speed = 'fast';
  }
  return { v, speed };
};


/** Extracts every camera move; sets `speed` when a move is said to be slow or fast. */
export const extractMoves = (scan: Scan, req: InstructionRequest): void => {
  const sceneBefore = new RegExp(`(?:^|[^a-z])(?:${SCENE_NOUNS_EN})\\s+(?:are\\s+|is\\s+|slowly\\s+|gently\\s+)?$`);
  const sceneBeforeCn = new RegExp(`(?:${SCENE_NOUNS_CN})(?:在|慢慢|轻轻|微微|缓缓)?$`);
  scan.each(CORE_RE, (h) => {
    if (req.moves.length >= 8) return false;
    const idx = GROUP_INDEX.findIndex((g) => h.m[g] !== undefined);
    if (idx < 0) return false;
    const core = ALL_CORES[idx]!;
    const g0 = GROUP_INDEX[idx]!;
    const cn = idx >= CORES_EN.length;
    const before = scan.work.slice(Math.max(0, h.start - 48), h.start);
    if (core.sceneCheck && (cn ? sceneBeforeCn.test(before) : sceneBefore.test(before))) return false;
    let start = h.start;
    let end = h.end;
    const pre = (cn ? PRE_CN : PRE_EN).exec(before);
    let preText = '';
    if (pre && pre[1]!.trim() !== '' && !/^(?:a|an|the|and|,|-|\s)+$/.test(pre[1]!.trim())) {
      preText = pre[1]!;
      start = h.start - pre[1]!.length;
      // Don't swallow a leading article-only part of the prefix.
    }
    const after = scan.work.slice(h.end, h.end + 64);
    const post = (cn ? POST_CN : POST_EN).exec(after) ?? (cn ? POST_EN : POST_CN).exec(after);
    let postText = '';
    if (post && post[1]!.trim() !== '') {
      postText = post[1]!;
      end = h.end + post[1]!.length;
    }
    let dir: Direction | null = core.dir ?? null;
    if (core.dirGroup) {
      const g = h.m[g0 + 1];
      if (g) dir = dirFromPhrase(g) ?? DIR_CN[g] ?? null;
    }
    const coreText = h.m[0];
    if (dir === null && core.type === 'tilt' && cn) dir = coreText.includes('上') ? 'up' : coreText.includes('下') ? 'down' : null;
    if (dir === null && core.type === 'pedestal' && cn) dir = /上升|升起/.test(coreText) ? 'up' : /下降|降落/.test(coreText) ? 'down' : null;
    if (dir === null) dir = dirFromPhrase(postText) ?? dirFromPhrase(preText);
    dir = fitDirection(core.type, dir);
    const { v, speed } = intensityFromPhrase(`${preText} ${postText}`);
    if (speed && req.speed === null) req.speed = speed;
    const move: Move = { type: core.type, direction: dir, intensity: v };
    const prev = req.moves[req.moves.length - 1];
    if (prev && prev.type === move.type && (prev.direction === move.direction || move.direction === null || prev.direction === null)) {
      prev.direction ??= move.direction;
      prev.intensity ??= move.intensity;
    } else req.moves.push(move);
    // "zoom in and out": the way back is a second move.
    const back = /^\s*(?:and|then|,)\s+(?:back\s+)?out(?![a-z])/.exec(scan.work.slice(end, end + 20));
    if (back && (move.type === 'zoom' || move.type === 'dolly') && move.direction === 'in') {
      req.moves.push({ type: move.type, direction: 'out', intensity: move.intensity });
      end += back[0].length;
    }
    // "pan up and to the left": a diagonal, kept as two pans.
    const diag = /^\s*(?:and|,)\s+(?:(?:to|towards?)\s+)?(?:the\s+)?(left|right|up|down)(?![a-z])/.exec(scan.work.slice(end, end + 24));
    if (diag && !back && (move.type === 'pan' || move.type === 'drift' || move.type === 'truck') && move.direction !== null) {
      const d2 = DIR_WORDS[diag[1]!]!;
      const vertical = (x: Direction) => x === 'up' || x === 'down';
      if (vertical(d2) !== vertical(move.direction)) {
        req.moves.push({ type: move.type, direction: d2, intensity: move.intensity });
        end += diag[0].length;
      }
    }
    return [start, end];
  }, 16);
  // A clause that is only a direction or an intensity ("orbit, clockwise, dramatic") applies to the last move.
  if (req.moves.length === 0) return;
  scan.each(LONE_MODIFIER, (h) => {
    const last = req.moves[req.moves.length - 1]!;
    const w = h.m[1]!;
    const d = fitDirection(last.type, dirFromPhrase(w) ?? (DIR_CN[w] ?? null));
    const { v, speed } = intensityFromPhrase(w);
    if (d === null && v === null) return false;
    if (d !== null && last.direction === null) last.direction = d;
    if (v !== null && last.intensity === null) last.intensity = v;
    if (speed && req.speed === null) req.speed = speed;
    return [h.start + h.m[0].indexOf(w), h.start + h.m[0].indexOf(w) + w.length];
  });
};
const LONE_MODIFIER = new RegExp(`(?:^|[,;]|，|；)\\s*((?:very\\s+)?(?:${INT_EN_ALT}|clockwise|counter-?clockwise|anti-?clockwise|${INT_CN_ALT}|顺时针|逆时针)(?:\\s+(?:slowly|gently))?)\\s*(?=$|[,;.!?]|，|；|。)`, 'g');

/** Drops directions a move cannot have (a zoom goes in or out; a pan does not go "in"). */
const fitDirection = (type: MoveType, d: Direction | null): Direction | null => {
  if (d === null) return null;
  switch (type) {
    case 'zoom':
    case 'dolly':
      return d === 'in' || d === 'out' || (type === 'dolly' && (d === 'left' || d === 'right')) ? d : null;
    case 'pan':
    case 'truck':
    case 'drift':
      return d === 'in' || d === 'out' || d === 'cw' || d === 'ccw' ? null : d;
    case 'tilt':
    case 'pedestal':
      return d === 'up' || d === 'down' ? d : null;
    case 'parallax':
      return d === 'in' || d === 'out' || d === 'cw' || d === 'ccw' ? null : d;
    case 'orbit':
    case 'roll':
      return d === 'cw' || d === 'ccw' || d === 'left' || d === 'right' ? d : null;
    default:
      return null;
  }
};
