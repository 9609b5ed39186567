/**
 * Motion inside the scene ("clouds drifting", "hair blowing in the wind", "咖啡冒着热气"): a clause
 * with a scene noun and a motion verb is kept verbatim as subject_motion.
 */
import type { Scan } from './scan.js';
import { USED } from './scan.js';
import type { InstructionRequest } from './request.js';

const NOUNS_EN = [
  'clouds?', 'sky', 'hair', 'water', 'steam', 'smoke', 'leaves', 'leaf', 'trees?', 'branches', 'waves?', 'ocean', 'sea', 'river', 'stream',
  'waterfalls?', 'flags?', 'fire', 'flames?', 'candles?', 'candle ?light', 'grass', 'flowers?', 'petals?', 'snow(?:flakes)?', 'rain(?:drops)?', 'lights',
  'stars', 'headlights', 'lamps', 'people', 'her', 'him', 'his', 'them', 'crowd', 'birds?', 'fabric', 'dress', 'scarf', 'curtains?', 'fog', 'mist', 'boats?', 'cars?', 'traffic', 'coffee', 'tea',
  'sauce', 'cheese', 'honey', 'syrup', 'wine', 'bubbles', 'model', 'woman', 'man', 'girl', 'boy', 'she', 'he', 'they', 'dogs?', 'cats?', 'kids?',
  'baby', 'couple', 'bride', 'groom', 'subject', 'person', 'eyes', 'skirt', 'veil', 'balloons', 'confetti', 'sparklers?', 'lanterns?', 'wheat',
  'fields?', 'reeds', 'windmills?', 'plants?', 'palms?', 'palm trees', 'surf', 'tide', 'lake', 'pool', 'fountain', 'sun', 'sunlight', 'moon',
  'shadows?', 'reflections?', 'dust', 'sand', 'feathers?', 'butterfl(?:y|ies)', 'fish', 'horses?', 'trains?', 'ice', 'chocolate', 'milk',
  'juice', 'soup', 'noodles', 'pasta', 'ferris wheel', 'city', 'neon', 'signs?', 'snowfall', 'aurora', 'northern lights', 'grain', 'sails?',
  'her hair', 'his hair', 'their hair', 'the wind', 'wind', 'wheel', 'blades', 'fan', 'liquid', 'drink', 'glass', 'ripples', 'kite', 'jellyfish',
];
export const SCENE_NOUNS_EN = NOUNS_EN.join('|');
const NOUNS_CN = [
  '云朵', '云彩', '云', '头发', '发丝', '长发', '水面', '湖面', '海面', '水', '蒸汽', '热气', '雾气', '雾', '烟雾', '烟', '树叶', '叶子', '落叶', '树枝', '树',
  '海浪', '波浪', '浪花', '浪', '旗帜', '旗子', '火焰', '火', '烛光', '蜡烛', '草地', '草', '花瓣', '花朵', '花', '雪花', '雪', '雨', '灯光', '霓虹', '星星',
  '人群', '人物', '行人', '人', '鸟', '裙摆', '裙子', '窗帘', '船', '车流', '车', '咖啡', '茶', '瀑布', '河水', '溪水', '河', '喷泉', '模特', '女孩', '男孩', '她', '他',
  '狗', '猫', '孩子', '新娘', '眼睛', '气泡', '泡泡', '光影', '阳光', '影子', '沙', '羽毛', '蝴蝶', '鱼', '马', '麦田', '稻田', '芦苇', '风车', '樱花', '烟花',
  '彩带', '气球', '汤', '面条', '芝士', '酱汁', '风', '柳树', '竹子', '极光', '月亮', '太阳',
];
export const SCENE_NOUNS_CN = NOUNS_CN.join('|');

const VERBS_EN = [
  'drift', 'blow', 'flow', 'rise', 'rustle', 'crash', 'flicker', 'sway', 'wave', 'fall', 'float', 'ripple', 'twinkle', 'sparkle', 'swirl',
  'spin', 'turn', 'walk', 'run', 'smile', 'blink', 'dance', 'flutter', 'move', 'shimmer', 'pour', 'drip', 'melt', 'sizzle', 'bubble',
  'glow', 'roll', 'splash', 'steam', 'stream', 'drizzle', 'snow', 'rain', 'fly', 'glide', 'breathe', 'shine', 'burn', 'wag', 'nod',
  'laugh', 'wink', 'gallop', 'race', 'rush', 'drive', 'sail', 'bob', 'swim', 'bloom', 'shake', 'tremble', 'stir', 'billow', 'curl',
  'rotate', 'cascade', 'lap', 'hover', 'pulse', 'flash', 'gaze', 'kiss', 'hug', 'jump',
];
const forms = (v: string): string[] => {
  const stem = v.endsWith('e') ? v.slice(0, -1) : v;
  const dbl = /^[a-z]*[^aeiou][aeiou][bdgmnprt]$/.test(v) ? v + v.slice(-1) : v;
  const out = [v, `${v}s`, `${v}es`, `${stem}ing`, `${dbl}ing`, `${stem}ed`, `${dbl}ed`, `${v}d`];
  if (v.endsWith('y')) out.push(`${v.slice(0, -1)}ies`, `${v.slice(0, -1)}ied`);
  if (v === 'fly') out.push('flew', 'flown');
  if (v === 'blow') out.push('blew', 'blown');
  if (v === 'rise') out.push('rose', 'risen');
  if (v === 'fall') out.push('fell');
  if (v === 'swim') out.push('swam');
  if (v === 'run') out.push('ran');
  if (v === 'shine') out.push('shone');
  if (v === 'go') out.push('goes', 'went');
  return out;
};
const VERB_EN_RE = new RegExp(`(?<![a-z])(?:${[...new Set(VERBS_EN.flatMap(forms))].sort((a, b) => b.length - a.length).join('|')})(?![a-z])`);
const NOUN_EN_RE = new RegExp(`(?<![a-z])(?:${SCENE_NOUNS_EN})(?![a-z])`);
const VERB_CN_RE = /飘动|飘扬|飘落|飘荡|飘舞|飘|流动|流淌|流过|流|摇曳|摇摆|摆动|闪烁|闪耀|闪闪发光|波光粼粼|升起|升腾|冒着?热气|冒烟|冒泡|飞舞|飞翔|飞过|飞|荡漾|波动|涌动|翻滚|翻腾|拍打|吹动|吹起|吹拂|转动|走动|走过|奔跑|跑|眨眼|微笑|笑|挥手|点头|跳舞|滴落|融化|绽放|游动|游|下雪|下着雪|下雨|落下|摇动|发光|燃烧|跳动|穿过|驶过|行驶|流转|舞动|抖动|晃动|冒出|溅起|蒸腾|拉丝|眨/;
const NOUN_CN_RE = new RegExp(SCENE_NOUNS_CN);

const LEAD_EN = /^(?:(?:(?:a\s+|an\s+)?(?:slow-motion\s+|slow\s+motion\s+)?(?:video|clip|shot|photo|picture|image)\s+of|of|with|and|while|make|makes|let|have|add|get|plus|as|so|also|please|animate|then|where|but|i want|i'd like|want|show|showing|keep|the camera|,|-)\s+)+/i;
const TRAIL_EN = /(?:\s+(?:and|with|a|an|the|while|please|plus|then|also|too|as well|,))+$/i;
const LEAD_CN = /^(?:让|使|把|加上|添加|并且|并|然后|同时|和|有|要|做出|呈现|画面中|画面里|画面|背景里|背景中|还有|以及|再|也)+/;
const TRAIL_CN = /(?:的效果|效果|一下|吧|的|了)+$/;

/** Finds subject-motion clauses in what is left of the sentence. */
export const extractSubjectMotion = (scan: Scan, req: InstructionRequest): void => {
  const found: string[] = [];
  const w = scan.work;
  const sep = new RegExp(`[${USED},.;!?:()\\[\\]\\n。，；！？、]+|\\s+(?:then|and then|but)\\s+`, 'g');
  let pos = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  const clause = (a0: number, b0: number) => {
    if (n++ > 64 || b0 - a0 < 2 || b0 - a0 > 240) return;
    // Narrow to the part with the noun and the verb: "on the latte with steam rising" → "steam rising".
    let a = a0;
    let b = b0;
    const parts = w.slice(a0, b0).split(/(?<=\s)(?=(?:with|while|as|and|where|whilst)\s)|(?=同时|并且|然后)/);
    if (parts.length > 1) {
      let off = a0;
      let fa = -1;
      for (const p of parts) {
        if ((VERB_EN_RE.test(p) && NOUN_EN_RE.test(p)) || (VERB_CN_RE.test(p) && NOUN_CN_RE.test(p))) {
          if (fa < 0) fa = off;
          a = fa;
          b = off + p.length;
        } else if (fa >= 0 && b === off && VERB_EN_RE.test(p)) b = off + p.length;
        off += p.length;
      }
    }
    const text = w.slice(a, b);
    const en = VERB_EN_RE.test(text) && NOUN_EN_RE.test(text);
    const cn = VERB_CN_RE.test(text) && NOUN_CN_RE.test(text);
    if (!en && !cn) return;
    // Trim lead and trail fillers on the normalised text, then cut the original.
    let s = a + (text.length - text.trimStart().length);
    let e = b - (text.length - text.trimEnd().length);
    const lead = (cn && !en ? LEAD_CN : LEAD_EN).exec(w.slice(s, e));
    if (lead) s += lead[0].length;
    const trail = (cn && !en ? TRAIL_CN : TRAIL_EN).exec(w.slice(s, e));
    if (trail) e -= trail[0].length;
    if (e - s < 2) return;
    found.push(scan.text(s, e));
    scan.take(s, e);
  };
  sep.lastIndex = 0;
  while ((m = sep.exec(w)) !== null) {
    clause(pos, m.index);
    pos = m.index + m[0].length;
    if (m[0].length === 0) sep.lastIndex++;
  }
  clause(pos, w.length);
  scan.flush();
  if (found.length) req.subject_motion = found.slice(0, 4).join(', ');
};
