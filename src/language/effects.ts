/**
 * Motion inside the picture in words (issue 14): "make the clouds drift left" → {drift, sky, left},
 * "gentle ripples on the lake" → {ripple, water, strength 0.3}, "add falling snow", "云向左飘",
 * follow-ups that change effects already there ("make the water calmer", "stop the clouds",
 * "云再慢一点"), "only the water moves" (a cinemagraph: static camera), and motion of people and
 * animals that one photo cannot give ("make her blink"), kept verbatim so the reply can say so.
 * Works on the whole sentence, clause by clause, after the other extractors.
 */
import type { EffectDirectionWord, EffectEdit, EffectRegionWord, EffectRequest, EffectWord, InstructionRequest } from './request.js';

interface Rule { re: RegExp; type: EffectWord; region: EffectRegionWord | null; /** Words alone make it (no motion verb needed). */ self: boolean; strength?: number }

const RULES: readonly Rule[] = [
  { re: /light[- ]?leaks?|漏光/, type: 'light-leak', region: 'all', self: true },
  // A shine sweeps across the product (the subject) unless the words say where.
  { re: /\bshine\b|\bglint|light sweep|sweeping light|\bsheen\b|\bglare\b|扫光|高光扫过|光泽/, type: 'shine', region: 'subject', self: true },
  { re: /warm (?:light|glow|tones?)|golden light|(?:light|sunlight|lighting|(?:light|sun) ?(?:rays?|beams?)) (?:slowly )?(?:shift|chang|mov)\w*|(?:shifting|moving) (?:light|sunlight|(?:light|sun) ?(?:rays?|beams?))|暖光|光影变化|光线变化|光影流转|阳光变化/, type: 'warm-shift', region: 'all', self: true },
  // Steam and smoke rise off something (a cup, a candle, a chimney): above the photo's subject.
  { re: /\bsteam\w*|\bsmoke\w*|vapou?r|蒸汽|热气|烟雾|炊烟|冒烟/, type: 'rise', region: 'above-subject', self: true },
  { re: /embers?|\bsparks\b|火星|火花/, type: 'embers', region: 'all', self: true },
  { re: /flicker\w*|lanterns?|candle ?light|\bcandles?\b|\bflames?\b|\bfire\b|firelight|烛光|蜡烛|火焰|火光|灯笼|油灯/, type: 'flicker', region: 'all', self: true },
  { re: /snow(?:flakes?|fall|ing)?\b|下雪|下着雪|雪花|飘雪|落雪/, type: 'snow', region: 'all', self: true },
  { re: /\brain(?:drops?|ing|fall)?\b|drizzl\w*|下雨|下着?[小中大]?雨|[小中大]雨|雨滴|雨丝|细雨|雨天/, type: 'rain', region: 'all', self: true },
  { re: /petals?|cherry blossoms?|blossoms?|falling leaves|花瓣|樱花|落叶/, type: 'petals', region: 'all', self: true },
  { re: /bokeh|light orbs|floating lights|光斑/, type: 'bokeh', region: 'all', self: true },
  { re: /sparkl\w*|glitter\w*|twinkl\w*|\bstars?\b|starry|fireflies|firefly|闪光|星光|星星|繁星|星空|闪闪|亮晶晶|萤火虫/, type: 'sparkles', region: 'all', self: true },
  { re: /\bdust\b|\bmotes?\b|particles|pollen|灰尘|尘埃|粒子|微尘/, type: 'dust', region: 'all', self: true },
  { re: /\bfog\w*|\bmist\w*|\bhaze\b|雾气|薄雾|起雾|云雾|晨雾|大雾/, type: 'fog', region: 'all', self: true },
  // Rays and flares are light coming in from the side: a light leak is the nearest we make.
  { re: /lens flares?|\bflares?\b|sun ?rays|sunbeams?|god ?rays|light rays|rays of (?:sun)?light|crepuscular|光晕|光芒|丁达尔|耶稣光|阳光射线/, type: 'light-leak', region: 'all', self: true },
  { re: /sunlight filter\w*|light filter\w*|dappled (?:sun)?light|斑驳/, type: 'warm-shift', region: 'all', self: true },
  { re: /waterfalls?|cascade|瀑布/, type: 'flow', region: null, self: false },
  // Water that flows is a flow, not ripples ("make the water flow to the right", "流水").
  { re: /\bwater (?:to )?(?:flow|flows|flowing|rush\w*|running|runs|stream\w*|pour\w*)\b|\b(?:flowing|running|rushing|streaming) water\b|水流|流水/, type: 'flow', region: 'water', self: true },
  // Fabric, hair and flags wave and sway: before the ripple rule, whose "waves" is the sea's.
  { re: /\bhair\b|dress|scarf|curtains?|flags?|fabric|\bveil\b|skirt|头发|发丝|裙|窗帘|旗/, type: 'sway', region: null, self: false },
  { re: /\brivers?\b|\bstreams?\b|\bcreek\b|rapids|河|溪/, type: 'flow', region: 'water', self: false },
  // Ripples are motion by themselves ("水面泛起涟漪"); the water alone needs a motion word.
  { re: /ripples?|rippling|shimmer\w*|波纹|涟漪|波光|粼粼|荡漾/, type: 'ripple', region: 'water', self: true },
  { re: /\bwaves?\b|\bwater\b|\blake\b|\bpond\b|\bsea\b|\bocean\b|surface|reflections?|\bpool\b|\btide\b|水面|湖面|海面|湖水|海水|河水|倒影|海浪|浪花|波浪|波涛|[和与跟]水|水[和与跟]/, type: 'ripple', region: 'water', self: false },
  { re: /clouds?|\bsky\b|云|天空/, type: 'drift', region: 'sky', self: false },
  { re: /leaves|\bleaf\b|\btrees?\b|\bgrass\b|branches|plants?|flowers?|wheat|reeds|foliage|palms?|树叶|树枝|树|草|花|麦田|芦苇|柳/, type: 'sway', region: 'foliage', self: false },
  // Wind moves what it blows through: the trees and grass, unless the words say what else.
  { re: /\bin the (?:wind|breeze)\b|\bwind(?:s)? (?:blow\w*|mov\w*|rustl\w*|through the (?:trees|grass|leaves))|\b(?:blowing|gusty|strong|gentle|light|soft|cool|warm) (?:wind|breeze)\b|\bwindy (?:day|weather|afternoon|morning)\b|\bbreezes? (?:blow\w*|through)|^(?:a |some )?(?:gentle |light |soft |cool )?(?:wind|breeze)$|\badd (?:some |a )?(?:gentle |light |soft )?(?:wind|breeze)\b|\bmake it windy\b|随风|风吹|微风|清风|起风/, type: 'sway', region: 'foliage', self: true },
];

/** Words that make a scene noun move ("clouds drifting", "云飘"). */
const MOTION = /\b(?:mov\w*|animat\w*|drift\w*|flow\w*|ripple\w*|sway\w*|ris\w*|rose|float\w*|roll\w*|blow\w*|blew|shimmer\w*|wav\w*|swirl\w*|stream\w*|pour\w*|fall\w*|flutter\w*|rustl\w*|billow\w*|curl\w*|danc\w*|rush\w*|cascad\w*|lap\w*|glid\w*|pass\w*|churn\w*|splash\w*|bob\w*|shift\w*|glisten\w*|sparkl\w*)\b|飘|流|动|荡漾|泛起|晃|摇|摆|升|冒|翻滚|翻腾|波|涌|吹|落|闪|漂|拍打|拍岸|拍击|拍着/;

/**
 * "Bring this photo to life", "make it come alive", "让照片活起来": motion in the scene with no
 * particular effect named; a cinemagraph that names nothing that moves asks the same.
 */
const AMBIENT = /\bbring(?:s|ing)?\b[^.!?,;]{0,40}?\bto life\b|\bcom(?:e|es|ing) (?:to )?(?:alive|life)\b|\b(?:make|let) (?:it|this|them|these|the (?:photo|picture|image|scene|shot))(?: (?:photo|picture|image|one))? (?:feel |look |seem )?(?:alive|living|breathe\b|move$)|\bsubtle (?:movement|motion|life)\b|\b(?:add )?(?:a bit of |some |subtle )?life (?:to|into) (?:it|this|(?:the|my) (?:photo|picture|image|scene|shot))\b|活起来|活过来|栩栩如生|有生命力|生动起来|有生气/;

/** "keep the boat still": what stays still is understood (nothing outside the effect's region moves). */
const KEEP_STILL = /\bkeep(?:ing)? (?:the |my |our |this |that )?[a-z' ]{1,30}? (?:still|static|steady|frozen|unchanged|as it is)\b|保持[\u4e00-\u9fff]{0,6}(?:静止|不动)/;

/** "the lake stays calm", "the sky remains still": a place that should not move. */
const STAYS = /\b(?:stays?|remains?|is|are|should (?:stay|be)|keeps? (?:still|calm))\s+(?:perfectly |completely |totally )?(?:still|calm|static|frozen|unchanged|steady)\b|保持(?:静止|不动|平静)/;

const PEOPLE = /\b(?:people|person|man|men|woman|women|girl|boy|she|he|her|him|his|they|them|model|bride|groom|couple|baby|kids?|child(?:ren)?|dogs?|cats?|birds?|horses?|fish|butterfl(?:y|ies)|puppy|animals?)\b|人|她|他|狗|猫|鸟|马|鱼|蝴蝶|孩子|宝宝|新娘|模特|小狗|小猫/;
const ACTION = /\b(?:blink\w*|smil\w*|breath\w*|turn\w*|nod\w*|wav(?:e|es|ing) (?:her|his|their)? ?hands?|wave\b|walk\w*|run\w*|ran|danc\w*|fly\w*|flies|flew|jump\w*|laugh\w*|wink\w*|wag\w*|gallop\w*|swim\w*|swam|talk\w*|look\w*|kiss\w*|hug\w*|wave at)\b|眨眼|微笑|笑|呼吸|转头|回头|点头|挥手|走|跑|跳|飞|游|说话|摇尾巴/;

const REGION_WORDS: ReadonlyArray<readonly [RegExp, EffectRegionWord]> = [
  [/\b(?:top|upper) third\b|上面三分之一|上方三分之一|顶部三分之一|上三分之一/, 'top-third'],
  [/\b(?:bottom|lower) third\b|下面三分之一|下方三分之一|底部三分之一|下三分之一/, 'bottom-third'],
  [/\bmiddle third\b|中间三分之一/, 'middle-third'],
  [/\bleft third\b|左边三分之一|左侧三分之一/, 'left-third'],
  [/\bright third\b|右边三分之一|右侧三分之一/, 'right-third'],
  [/\b(?:top|upper) half\b|上半/, 'top-half'],
  [/\b(?:bottom|lower) half\b|下半/, 'bottom-half'],
  [/\bleft half\b|左半/, 'left-half'],
  [/\bright half\b|右半/, 'right-half'],
  [/\bbackground\b|背景/, 'background'],
  [/\b(?:in|across|through) the sky\b|天空/, 'sky'],
  [/\b(?:on|in|across) the (?:water|lake|sea|ocean|pond|river)\b|水面|湖面|海面/, 'water'],
  [/\bin the (?:middle|center|centre)\b|\bthe subject\b|中间|中央|主体/, 'subject'],
  [/\beverywhere\b|whole (?:photo|picture|image|frame)|整个画面|全画面/, 'all'],
];

const DIRECTIONS: ReadonlyArray<readonly [RegExp, EffectDirectionWord]> = [
  [/\b(?:up and (?:to the )?left|upper left|up-left)\b|向左上|左上/, 'up-left'],
  [/\b(?:up and (?:to the )?right|upper right|up-right)\b|向右上|右上/, 'up-right'],
  [/\b(?:down and (?:to the )?left|lower left|down-left)\b|向左下|左下/, 'down-left'],
  [/\b(?:down and (?:to the )?right|lower right|down-right)\b|向右下|右下/, 'down-right'],
  [/\b(?:to the |towards? (?:the )?)?left(?:wards?)?\b(?! (?:half|third|side of))|向左|往左|朝左|自右向左/, 'left'],
  [/\b(?:to the |towards? (?:the )?)?right(?:wards?)?\b(?! (?:half|third|side of))|向右|往右|朝右|自左向右/, 'right'],
  [/\bupwards?\b|\bup\b|\brising\b|向上|往上|上升|升起|升腾/, 'up'],
  [/\bdownwards?\b|\bdown\b|向下|往下|落下|飘落/, 'down'],
];

const SLOW = /\b(?:slow\w*|gentl\w*|lazy|lazily|calm\w*|subtl\w*|soft\w*|leisurely)\b|缓|慢|轻/;
const FAST = /\b(?:fast\w*|quick\w*|rapid\w*|rushing|swift\w*)\b|快|急/;
const WEAK = /\b(?:gentl\w*|subtl\w*|slight\w*|small|calm\w*|soft\w*|faint\w*|little)\b|\blight (?:rain|snow|fog|mist|dust|haze)|轻微|微微|淡淡|轻轻|一点点/;
const STRONG = /\b(?:strong\w*|heavy|heavily|big|dramatic\w*|wild\w*|intense\w*|lots of|thick|dense)\b|大|强|猛|浓/;

const STOP = /\b(?:stop\w*|remove|no more|freeze|without|get rid of|don'?t move|still)\b|^no\b|停|不要|去掉|别动|取消|不动/;
const SLOWER = /\bslower\b|slow (?:it |them |that )?down|less fast|慢一点|慢一些|更慢|再慢|慢点/;
const FASTER = /\bfaster\b|speed (?:it |them )?up|quicker|快一点|快一些|更快|再快|快点/;
const CALMER = /\b(?:calmer|gentler|subtler|softer|weaker|less)\b|平静|小一点|弱一点|轻一点|柔和/;
const STRONGER = /\b(?:stronger|bigger|more|heavier|denser)\b|更明显|强一点|大一点|多一点|明显一点/;

const CINEMAGRAPH = /\bonly (?:the )?[a-z]+(?: [a-z]+)? (?:is |are |should )?(?:mov|animat|flow|drift|ripple|sway)\w*|\bonly (?:animate|move) |\beverything else (?:remains |stays |is |should be |should stay )?(?:perfectly |completely |totally )?(?:still|static|frozen)|\bthe rest (?:of the (?:photo|picture|image|frame) )?(?:remains |stays |is )?(?:perfectly |completely )?(?:still|static|frozen)|cinemagraph|只有|只让|仅让|其他(?:部分|地方)?(?:都)?(?:保持)?(?:静止|不动)|其余(?:部分)?(?:都)?(?:保持)?(?:静止|不动)|动态照片/;

/** A clause that names a place and nothing else ("left half only", "just in the sky", "只在左半边"). */
const ONLY_PLACE = /^(?:(?:only|just)\s+)?(?:(?:in|on|across)\s+)?(?:the\s+)?[a-z ]{0,20}?(?:half|third|sky|water|background|middle|centre|center|subject)(?:\s+(?:only|of the (?:photo|picture|image|frame)))?$|^(?:只在|仅在|只有)?[\u4e00-\u9fff]{0,6}(?:半边|半部分|三分之一|天空|水面|背景|中间)(?:部分)?$/;

const SEP = /[,.;!?。，；！？、\n]+|\s+(?:and then|then|and|while|plus|but)\s+|同时|并且|然后|并/;

/** Direction words of a camera move: a clause about the camera is not an effect. */
const CAMERA = /\b(?:camera|zoom\w*|pan\w*|dolly|push(?:es|ing)? in|ken burns|tilt\w*)\b|镜头|推进|拉远|推近|平移|运镜/;

const first = <T>(list: ReadonlyArray<readonly [RegExp, T]>, s: string): T | null => {
  for (const [re, v] of list) if (re.test(s)) return v;
  return null;
};

/** The effects, effect edits, cinemagraph and impossible motion in a sentence; edits `req` in place. */
export const extractEffects = (text: string, req: InstructionRequest): void => {
  const lower = text.toLowerCase().normalize('NFKC');
  const effects: EffectRequest[] = [];
  const edits: EffectEdit[] = [];
  const impossible: string[] = [];
  const used: string[] = [];
  if (CINEMAGRAPH.test(lower)) { req.cinemagraph = true; used.push(...(lower.match(new RegExp(CINEMAGRAPH.source, 'g')) ?? [])); }
  // A live wallpaper: the scene's own motion, looping.
  const wallpaper = lower.match(/\blive wallpapers?\b|动态壁纸|动态桌面/);
  if (wallpaper) { req.ambient = true; req.loop ??= true; used.push(wallpaper[0]); }
  let movedBefore = false;
  const stays: EffectEdit['target'][] = [];
  for (const raw of lower.split(SEP)) {
    const clause = raw.trim();
    const movedPrev: boolean = movedBefore;
    movedBefore = false;
    if (clause.length < 1) continue;
    if (PEOPLE.test(clause) && ACTION.test(clause) && !/\bhair\b|头发|发丝/.test(clause)) {
      impossible.push(clause);
      used.push(clause);
      continue;
    }
    const adding = /\badd\b|添加|加上|加点|加一些|来点|要有/.test(clause);
    // "animate the clouds and the water": a bare noun after "and" moves as the one before it did.
    const bare: boolean = movedPrev && !adding && !MOTION.test(clause) && /^(?:the |my |our )?[a-z]+(?: [a-z]+)?$/.test(clause);
    const ambient = AMBIENT.test(clause);
    const moving: boolean = MOTION.test(clause) || adding || bare || ambient;
    const rules = RULES.filter((r) => r.re.test(clause));
    if (!rules.length && ambient) { req.ambient = true; used.push(clause); continue; }
    const named = first(REGION_WORDS, clause);
    if (!rules.length && named && named !== 'subject' && moving && !bare && !CAMERA.test(clause)) {
      // "make the top third move to the right": a region by position moving is a drift there.
      const direction = first(DIRECTIONS, clause.replace(/\b(?:left|right|top|bottom|upper|lower) (?:half|third)\b|左半|右半|上半|下半/g, ' '));
      effects.push({ type: 'drift', region: named, direction, speed: SLOW.test(clause) ? 0.3 : FAST.test(clause) ? 0.8 : null, strength: null, phrase: clause });
      used.push(clause);
      // The camera parser read "move to the right" as a pan: it was this region's motion.
      req.moves = req.moves.filter((m) => !(m.type === 'pan' && m.direction === direction));
      continue;
    }
    if (!rules.length && KEEP_STILL.test(clause)) { used.push(clause); continue; }
    if (!rules.length) {
      // "…, left half only", "只在天空": a clause that only names a place is where the effect before it goes.
      const last = effects.at(-1);
      if (named && last && ONLY_PLACE.test(clause)) { last.region = last.type === 'rise' && named === 'subject' ? 'above-subject' : named; used.push(clause); }
      continue;
    }
    const rule = rules[0]!;
    // "…and the lake stays calm": said beside new motion, it is what stays as it is; said alone, the lake's motion stops.
    if (STAYS.test(clause) && !MOTION.test(clause.replace(STAYS, ' '))) {
      stays.push(first(REGION_WORDS, clause) ?? (rule.type === 'drift' ? 'sky' : rule.type === 'ripple' ? 'water' : rule.type));
      used.push(clause);
      continue;
    }
    // A follow-up about an effect: a target and a change, no new motion asked for.
    const change = STOP.test(clause) && !/\bstill (?:moving|drifting|flowing)/.test(clause) ? 'stop'
      : SLOWER.test(clause) ? 'slower' : FASTER.test(clause) ? 'faster' : CALMER.test(clause) ? 'calmer' : STRONGER.test(clause) ? 'stronger' : null;
    if (change && (!moving || change === 'stop' || /\b(?:make|let)\b|让|把|再|更/.test(clause)) && !/\badd\b|添加/.test(clause)) {
      const region = first(REGION_WORDS, clause);
      edits.push({ target: region ?? (rule.type === 'drift' ? 'sky' : rule.type === 'ripple' ? 'water' : rule.type), change });
      used.push(clause);
      continue;
    }
    if (!rule.self && !moving) continue;
    if (CAMERA.test(clause) && !rule.self && !/clouds?|云|water|水|waves?|浪/.test(clause)) continue;
    const said = first(REGION_WORDS, clause.replace(rule.re, ' '));
    // "steam rising from the cup in the middle": it rises above the cup, which itself stays still.
    const region = rule.type === 'rise' && said === 'subject' ? 'above-subject' : said ?? rule.region;
    const weak = WEAK.test(clause), strong = STRONG.test(clause);
    effects.push({
      type: rule.type,
      region: rule.type === 'drift' || rule.type === 'ripple' ? (first(REGION_WORDS, clause.replace(rule.re, ' ')) ?? rule.region) : region,
      direction: first(DIRECTIONS, clause.replace(/\b(?:left|right|top|bottom|upper|lower) (?:half|third)\b|左半|右半|上半|下半/g, ' ')),
      speed: SLOW.test(clause) ? 0.3 : FAST.test(clause) ? 0.8 : null,
      strength: weak ? 0.3 : strong || /\bwaves\b|浪/.test(clause) ? 0.8 : null,
      phrase: clause,
    });
    // "让云和水都动起来": scene nouns joined by 和 move alike (English splits at "and" instead).
    if (/和|与|跟|以及/.test(clause)) {
      const last = effects.at(-1)!;
      for (const r of rules.slice(1)) if (!r.self && r.region && r.type !== rule.type) effects.push({ ...last, type: r.type, region: r.region });
    }
    used.push(clause);
    movedBefore = moving;
  }
  // One effect per kind and region: "水面波光粼粼，只有水在动" is one ripple.
  const unique = effects.filter((e, i) => effects.findIndex((x) => x.type === e.type && x.region === e.region) === i);
  if (!unique.length) for (const target of stays) edits.push({ target, change: 'stop' });
  if (unique.length) req.effects = [...(req.effects ?? []), ...unique].slice(0, 6);
  if (unique.length) delete req.ambient;
  if (edits.length) req.effect_edits = edits.slice(0, 6);
  if (impossible.length) req.impossible_motion = impossible.slice(0, 4);
  if (!used.length) return;
  // What the effect words took is understood now; a "drift" the camera parser took from "drifting fog" was not a camera move.
  req.not_understood = req.not_understood.filter((n) => !used.some((u) => u.includes(n.toLowerCase()) || n.toLowerCase().includes(u)));
  if (unique.some((e) => /drift/.test(e.phrase) && !CAMERA.test(e.phrase))) req.moves = req.moves.filter((m) => !(m.type === 'drift' && m.direction === null));
  // "热气从咖啡杯升起": the steam rises, not the camera (unless the words name the camera).
  if (unique.some((e) => e.type === 'rise') && !CAMERA.test(lower)) req.moves = req.moves.filter((m) => !((m.type === 'pedestal' || m.type === 'tilt') && m.direction === 'up'));
  if (edits.length && req.edits) {
    // "make the water calmer" is about the water, not the camera or the clip's length.
    delete req.edits.speed;
    delete req.edits.intensity;
    if (Object.keys(req.edits).length === 0) delete req.edits;
  }
  if (req.intent === 'unknown') req.intent = req.ambient ? 'generate' : 'edit';
};

/**
 * The page's motion brush speaks in words too, with the painted outline spelled out:
 * "motion brush on photo 2: flow right, speed 0.5, strength 0.6, area 0.10 0.20, 0.40 0.20, 0.40 0.50".
 * Numbers are taken as written (the draft check refuses corners outside 0–1, more than 64 of them, or
 * a speed or strength outside 0–1, naming the field: 4007). Returns the text without the brush part.
 */
const BRUSH = /motion brush(?: on photo (\d{1,4}))?\s*[:：]\s*(drift|flow|ripple|sway|rise)(?:\s+(up-left|up-right|down-left|down-right|left|right|up|down))?(?:\s*,\s*speed\s+(-?\d+(?:\.\d+)?))?(?:\s*,\s*strength\s+(-?\d+(?:\.\d+)?))?\s*,\s*area\s+((?:-?\d+(?:\.\d+)?\s+-?\d+(?:\.\d+)?\s*,?\s*){1,200})/i;

export const extractBrush = (text: string, req: InstructionRequest): string => {
  const m = BRUSH.exec(text);
  if (!m) return text;
  const nums = m[6]!.trim().split(/[\s,]+/).map(Number);
  const polygon: Array<[number, number]> = [];
  for (let i = 0; i + 1 < nums.length; i += 2) polygon.push([nums[i]!, nums[i + 1]!]);
  (req.effects ??= []).push({
    type: m[2]!.toLowerCase() as EffectWord, region: null, polygon,
    direction: (m[3]?.toLowerCase() ?? null) as EffectDirectionWord | null,
    speed: m[4] !== undefined ? Number(m[4]) : null, strength: m[5] !== undefined ? Number(m[5]) : null,
    phrase: `motion brush: ${m[2]!.toLowerCase()}${m[3] ? ` ${m[3].toLowerCase()}` : ''}`,
  });
  if (m[1]) req.photos = [Number(m[1])];
  req.intent = 'edit';
  return text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length);
};
