/**
 * Pace and relative changes: speed words ("fast-paced", "slow motion", "快节奏"), comparatives
 * ("slower", "再快一点", "longer", "more dramatic", "subtler") and removals of texts ("no text",
 * "不要字幕", "remove the watermark").
 */
import type { Scan } from './scan.js';
import type { InstructionRequest, Removable, Speed, TextRole } from './request.js';
import { roleOf } from './texts.js';

const FASTER = /(?<![a-z])(?:faster|quicker|speed\s+(?:it\s+)?up|more\s+quickly|snappier|pick\s+up\s+the\s+pace|less\s+slow|(?:it'?s|is|way|a\s+bit|much)\s+too\s+slow|too\s+slow|up\s+the\s+pace|increase\s+the\s+speed)(?![a-z])|再快一?点|快一?点|快些|更快|加快|加速|提速|太慢了?/g;
const SLOWER = /(?<![a-z])(?:slower|slow\s+(?:it\s+)?down|more\s+slowly|less\s+fast|calmer|(?:it'?s|is|way|a\s+bit|much)\s+too\s+fast|too\s+fast|too\s+quick|decrease\s+the\s+speed|reduce\s+the\s+speed)(?![a-z])|再慢一?点|慢一?点|慢些|更慢|放慢|减速|降速|太快了?/g;
const LONGER = /(?<![a-z])(?:longer|lengthen|extend\s+(?:it|the\s+(?:video|clip))|make\s+it\s+last\s+longer|(?:is|it'?s|way)?\s*too\s+short)(?![a-z])|长一?点|更长|加长|延长|太短了?/g;
const SHORTER = /(?<![a-z])(?:shorter|shorten|trim\s+(?:it|the\s+(?:video|clip))(?:\s+down)?|cut\s+it\s+down|(?:is|it'?s|way)?\s*too\s+long)(?![a-z])|短一?点|更短|缩短|剪短|太长了?/g;
const MORE = /(?<![a-z])(?:more\s+(?:zoom|movement|motion|dramatic|intense|dynamic|pronounced|noticeable|obvious|camera\s+movement|aggressive)|stronger|bigger\s+(?:zoom|move|movement|motion)|intensify|exaggerate)(?![a-z])|幅度大一?点|幅度更大|更明显|更强烈|加强|强一点|动作大一?点|动感强一?点/g;
const LESS = /(?<![a-z])(?:less\s+(?:zoom|movement|motion|dramatic|intense|camera\s+movement|aggressive)|subtler|more\s+subtle|gentler|more\s+gentle|softer\s+(?:zoom|move|movement|motion)|tone\s+(?:it|the\s+(?:motion|movement|zoom))\s+down|smaller\s+(?:zoom|move|movement|motion)|too\s+(?:much\s+(?:zoom|movement|motion)|dramatic|intense|shaky))(?![a-z])|幅度小一?点|幅度更小|更轻微|减弱|弱一点|柔和一?点|轻一点|动作小一?点/g;

const SPEED_WORDS: Array<[RegExp, Speed]> = [
  [/(?<![a-z])(?:fast[\s-]paced|quick[\s-]paced|fast\s+pace|quick\s+pace|fast\s+cuts|quick\s+cuts|snappy|rapid[\s-]fire|high[\s-]energy|speedy|brisk|fast|quick|rapid|energetic\s+pace|time[\s-]?lapse|sped\s+up|hyperlapse)(?![a-z])|快节奏|节奏快|节奏感强|节奏紧凑|快速|快剪|加速/g, 'fast'],
  // "make it more cinematic", "电影感": slow, unhurried camera (cinematic music is the music's, taken before).
  [/(?<![a-z])(?:more\s+)?cinematic(?:ally)?(?:\s+(?:look|feel|style|vibe|motion|movement|camera|shot))?(?![a-z])|电影感|大片感|电影质感|像电影一样|电影一样/g, 'slow'],
  [/(?<![a-z])(?:slow[\s-]paced|slow\s+pace|leisurely|relaxed\s+pace|unhurried|slow[\s-]?mo(?:tion)?|slo[\s-]?mo|slow|slowly|calm\s+pace|gentle\s+pace)(?![a-z])|慢节奏|节奏慢|节奏舒缓|慢动作|慢速|慢放|缓慢|慢慢/g, 'slow'],
  [/(?<![a-z])(?:normal|regular|medium|moderate|standard|real[\s-]?time)\s+(?:speed|pace|pacing|tempo)(?![a-z])|正常速度|正常节奏|中速|原速/g, 'normal'],
];

const LEAD = `(?:no|without|remove|delete|drop|lose|kill|hide|get\\s+rid\\s+of|take\\s+(?:out|off|away)|turn\\s+off|skip|(?:don'?t|do\\s+not)\\s+(?:add|use|want|include|put|need|have|show)|not?\\s+any|minus)`;
const REMOVE_TEXT = new RegExp(
  `(?<![a-z])${LEAD}\\s+(?:the\\s+|any\\s+|all\\s+(?:the\\s+)?|my\\s+)?(?:on-?screen\\s+)?(text(?:\\s+overlays?)?|texts|overlays?|words|captions?|subtitles?|titles?|headline|watermarks?|logo|cta|call[\\s-]to[\\s-]action|buttons?|labels?|typography|lettering)(?![a-z])|(?:不要|去掉|删掉|删除|取消|去除|别加|不加|不用|不需要|无需|没有|拿掉|移除|隐藏|关掉|不带|无)\\s*(字幕|文字|文案|标题|水印|标语|按钮|配文)|(?:把\\s*)?(?:所有的?|全部的?)?(字幕|文字|文案|标题|水印|标语|配文)\\s*(?:都|全)?(?:去掉|删掉|删除|去除|拿掉|移除|隐藏|关掉|不要了?)`,
  'g',
);
const REMOVE_SUBJECT = /(?<![a-z])(?:no|without|don'?t\s+(?:add|want))\s+(?:any\s+)?(?:subject|scene)\s+(?:motion|movement|animation)(?![a-z])/g;
const NO_ZOOM = /(?<![a-z])(?:no|without|(?:don'?t|do\s+not)\s+(?:use\s+(?:a\s+)?|add\s+(?:a\s+)?)?)\s*(?:zoom(?:ing)?|pan(?:ning)?|shake|shaking)(?![a-z])|不要(?:缩放|推拉|放大|缩小|平移|抖动|晃动)/g;

const addRemove = (req: InstructionRequest, r: Removable) => {
  const e = (req.edits ??= {});
  const list = (e.remove ??= []);
  if (!list.includes(r)) list.push(r);
};

export const extractRemovals = (scan: Scan, req: InstructionRequest): void => {
  scan.each(REMOVE_TEXT, (h) => {
    const w = (h.m[1] ?? h.m[2] ?? h.m[3] ?? '').toLowerCase();
    const role = /logo/.test(w) ? 'watermark' : roleOf(w);
    addRemove(req, role ?? 'texts');
    return true;
  });
  scan.each(REMOVE_SUBJECT, () => {
    addRemove(req, 'subject_motion');
    return true;
  });
  // "no zoom", "不要缩放": understood, and nothing to add.
  scan.each(NO_ZOOM, () => true);
};

const TEXT_NOUN = `(text|texts|titles?|captions?|subtitles?|words|fonts?|lettering|headline|cta|call[\\s-]to[\\s-]action|watermark|logo)`;
const TEXT_SIZE = new RegExp(
  `(?<![a-z])(?:make\\s+)?(?:the\\s+|my\\s+|all\\s+(?:the\\s+)?)?${TEXT_NOUN}(?:\\s+size)?\\s+(?:a\\s+(?:bit|little|lot)\\s+|much\\s+|slightly\\s+|even\\s+)?(bigger|larger|smaller|tinier|big|large|small)(?![a-z])`
  + `|(?<![a-z])(?:the\\s+)?${TEXT_NOUN}\\s+size\\s+(up|down)(?![a-z])`
  + `|(?<![a-z])(?:the\\s+)?${TEXT_NOUN}\\s+(?:is|are|looks?|seems?)\\s+(?:a\\s+(?:bit|little)\\s+|way\\s+|much\\s+)?too\\s+(small|tiny|big|large|huge)(?![a-z])`
  + `|(?<![a-z])(bigger|larger|smaller|tinier)\\s+${TEXT_NOUN}(?![a-z])`
  + `|(?<![a-z])(increase|enlarge|decrease|reduce|shrink)\\s+(?:the\\s+)?${TEXT_NOUN}(?:\\s+size)?(?![a-z])`
  + `|(字幕|标题|文字|字体|字号|水印|字)\\s*(?:的)?(?:大小)?(?:再|更|稍微|调|有点|有些)?(太)?(大|小)(?!小|气|方|写|标题|字)(?:了|一点|一些|点|些)?(?![\\u4e00-\\u9fff]*(?:标题|文字))`
  + `|(放大|缩小|加大|调大|调小|变大|变小)\\s*(?:一点|一些)?\\s*(字幕|标题|文字|字体|字号|水印|字)`
  + `|把?(字幕|标题|文字|字体|字号|水印|字)\\s*(?:再|更|稍微)?(放大|缩小|调大|调小|变大|变小|改大|改小|加大)`,
  'g',
);

/** The text a size change is about: a role, or null for every text ("the text", "字"). */
const sizedRole = (noun: string): TextRole | null =>
  /logo|watermark|水印/.test(noun) ? 'watermark' : /^(?:text|texts|words|fonts?|lettering|文字|字体|字号|字)$/.test(noun) ? null : roleOf(noun);

/** "add the title 'Iceland' and make it bigger": "it" is the text the sentence names. */
const IT_SIZE = /(?<![a-z])make\s+(?:it|them)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|slightly\s+)?(bigger|larger|smaller)(?![a-z])/g;

/** "move the title up", "the caption a bit lower", "字幕往下一点": a text one place up or down. */
const TEXT_MOVE = new RegExp(
  `(?<![a-z])(?:move|shift|nudge|bring|push|put)\\s+(?:the\\s+|my\\s+|all\\s+(?:the\\s+)?)?${TEXT_NOUN}\\s+(?:a\\s+(?:bit|little|touch)\\s+|slightly\\s+|further\\s+)?(up|down|higher|lower|upwards?|downwards?)(?!\\s+(?:to|top|at|there|here|the|in|on))(?![a-z])`
  + `|(?<![a-z])(raise|lower)\\s+(?:the\\s+|my\\s+)?${TEXT_NOUN}(?![a-z])`
  + `|(?<![a-z])(?:the\\s+)?${TEXT_NOUN}\\s+(?:a\\s+(?:bit|little|touch)\\s+|slightly\\s+)?(higher|lower)(?![a-z])`
  + `|(字幕|标题|文字|字|水印)\\s*(?:再|稍微|往|向)*(?:往|向)(上|下)(?:移|挪|放|调|一点|一些|点)*`
  + `|把(字幕|标题|文字|字|水印)\\s*(?:再|稍微)?(上移|下移|上挪|下挪)`,
  'g',
);

/**
 * Edits of the texts already there: their place ("move the title up", "字幕往下一点") and their size
 * ("make the title bigger", "smaller text", "字再大一点"; the title's only, when it is named).
 */
export const extractTextEdits = (scan: Scan, req: InstructionRequest): void => {
  scan.each(TEXT_MOVE, (h) => {
    const g = h.m.slice(1).filter((x): x is string => x !== undefined).map((x) => x.toLowerCase());
    const way = g.find((x) => /^(?:up|down|higher|lower|upwards?|downwards?|raise|上|下|上移|下移|上挪|下挪)$/.test(x)) ?? '';
    const noun = g.find((x) => x !== way) ?? '';
    (req.edits ??= {}).text_move = { dir: /^(?:up|higher|upwards?|raise|上|上移|上挪)$/.test(way) ? 'up' : 'down', role: sizedRole(noun) };
    return true;
  });
  const named = new RegExp(`(?<![a-z])${TEXT_NOUN}(?![a-z])|字幕|标题|文字`).exec(scan.norm);
  if (named) {
    scan.each(IT_SIZE, (h) => {
      const noun = (named[1] ?? named[0]).toLowerCase();
      (req.edits ??= {}).text_size = { change: /smaller/.test(h.m[1]!.toLowerCase()) ? 'smaller' : 'bigger', role: sizedRole(noun) };
      return true;
    });
  }
  scan.each(TEXT_SIZE, (h) => {
    const g = h.m.slice(1).filter((x): x is string => x !== undefined).map((x) => x.toLowerCase());
    if (g.length < 2) return false;
    // "the text is too small", "字太小了" ask for bigger.
    const big = g.some((x) => /^(?:bigger|larger|big|large|up|increase|enlarge|大|放大|加大|调大|变大|改大)$/.test(x)) !== /\btoo\s|太/.test(h.m[0]);
    const noun = g.find((x) => !/^(?:bigger|larger|smaller|tinier|big|large|small|tiny|huge|up|down|increase|enlarge|decrease|reduce|shrink|大|小|太|放大|缩小|加大|调大|调小|变大|变小|改大|改小)$/.test(x)) ?? '';
    (req.edits ??= {}).text_size = { change: big ? 'bigger' : 'smaller', role: sizedRole(noun) };
    return true;
  });
};

const LOOKS = /(?<![a-z])(?:(?:look\s+like\s+)?(?:an?\s+)?(?:old|vintage|retro|analog(?:ue)?)[\s-]+(?:film|movie|photo)(?:\s+look)?(?:\s+with\s+(?:film\s+)?grain)?|black[\s-]+(?:and|&|n)[\s-]+white|b\s*&\s*w|monochrome|gr[ae]yscale|sepia|film\s+grain|grainy|(?:add|apply|with)\s+(?:some\s+)?grain|vignett\w*|colou?r\s+(?:grad\w*|correct\w*)|(?:add|apply|use|with|put)\s+(?:an?\s+|some\s+)?(?:instagram\s+|colou?r\s+|b&w\s+|vintage\s+|retro\s+|warm\s+|cool\s+|moody\s+|cinematic\s+)?(?:filters?|luts?)|(?:instagram|colou?r|vintage|retro|sepia|moody|cinematic)\s+(?:filters?|luts?)|desaturat\w*|(?:more|less|higher|lower|boost|increase|reduce|turn\s+up|turn\s+down)\s+(?:the\s+)?(?:contrast|exposure|saturation|brightness)|teal\s+and\s+orange|(?:warmer|cooler|colder)\s+(?:colou?rs?|tones?|look|grade))(?![a-z])|黑白|褪色|胶片颗粒感?|颗粒感|暗角|调色|滤镜|饱和度|对比度|曝光|冷色调|暖色调|复古色调/g;

/** Colour looks ("black and white", "film grain", "调色"): understood as asked, and not made yet. */
export const extractLooks = (scan: Scan, req: InstructionRequest): void => {
  scan.each(LOOKS, (h) => {
    const list = (req.looks ??= []);
    if (list.length < 4 && !list.includes(h.m[0])) list.push(h.m[0]);
    return true;
  });
};

export const extractPace = (scan: Scan, req: InstructionRequest): void => {
  const e = () => (req.edits ??= {});
  scan.each(FASTER, () => ((e().speed = 'faster'), true));
  scan.each(SLOWER, () => ((e().speed = 'slower'), true));
  scan.each(LONGER, () => ((e().duration ??= 'longer'), true));
  scan.each(SHORTER, () => ((e().duration ??= 'shorter'), true));
  scan.each(MORE, () => ((e().intensity = 'more'), true));
  scan.each(LESS, () => ((e().intensity = 'less'), true));
};

export const extractSpeed = (scan: Scan, req: InstructionRequest): void => {
  for (const [re, s] of SPEED_WORDS) {
    scan.each(re, () => {
      if (req.speed === null) req.speed = s;
      return true;
    });
  }
};
