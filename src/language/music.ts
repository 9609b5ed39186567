/**
 * Music: style or mood (lo-fi, upbeat, cinematic, calm, 轻音乐), volume ("35%", "百分之三十五",
 * "half volume"), fades ("2 s fade in", "淡出"), removal ("no music", "静音") and relative volume
 * ("louder", "quieter", "音量小一点").
 */
import { DUR, durationValue } from './durations.js';
import { NUM_CN, PERCENT, parseNumber, parsePercent, round, clamp01 } from './numbers.js';
import type { Scan } from './scan.js';
import type { InstructionRequest, Music } from './request.js';

export const MUSIC_NOUN_EN = `(?:background\\s+music|background\\s+track|music(?:\\s+track)?|soundtrack|songs?|tunes?|beats|audio(?:\\s+track)?|bgm|score|melody|jingle|instrumental)`;
export const MUSIC_NOUN_CN = `(?:背景音乐|配乐|纯音乐|音乐|bgm|歌曲|歌|曲子|曲|旋律)`;
const MUSIC_NOUN = `(?:(?<![a-z])${MUSIC_NOUN_EN}(?![a-z])|${MUSIC_NOUN_CN})`;

export const STYLES_EN = [
  'lo-fi', 'lofi', 'lo fi', 'chillhop', 'upbeat', 'cinematic', 'calm', 'chill', 'chilled', 'relaxing', 'relaxed', 'ambient', 'acoustic', 'piano',
  'jazz', 'jazzy', 'electronic', 'edm', 'hip-hop', 'hip hop', 'hiphop', 'rap', 'pop', 'rock', 'classical', 'orchestral', 'epic', 'dramatic',
  'emotional', 'inspirational', 'inspiring', 'uplifting', 'motivational', 'corporate', 'happy', 'cheerful', 'energetic', 'romantic', 'dreamy',
  'funky', 'funk', 'groovy', 'soft', 'gentle', 'mellow', 'sad', 'dark', 'suspenseful', 'tropical', 'summery', 'summer', 'festive', 'christmas',
  'holiday', 'retro', 'synthwave', 'synth', 'indie', 'folk', 'country', 'lounge', 'bossa nova', 'latin', 'reggae', 'trap', 'house', 'techno',
  'dance', 'wedding', 'peaceful', 'soothing', 'warm', 'playful', 'quirky', 'minimal', 'modern', 'elegant', 'luxury', 'luxurious', 'trendy',
  'fun', 'bright', 'moody', 'nostalgic', 'vintage', 'guitar', 'violin', 'strings', 'cello', 'ukulele', 'light', 'quiet', 'slow', 'fast',
  'energizing', 'powerful', 'heroic', 'tense', 'spooky', 'halloween', 'cozy', 'cosy', 'jazz-hop', 'k-pop', 'kpop', 'r&b', 'soul', 'blues', 'gospel',
  'ethnic', 'world', 'middle eastern', 'asian', 'chinese', 'japanese', 'celtic', 'meditative', 'zen', 'spa', 'study', 'sleepy', 'lush', 'airy',
  'heartwarming', 'sentimental', 'triumphant', 'catchy', 'bouncy', 'lively', 'serene', 'tranquil', 'atmospheric', 'background',
  'trending', 'viral', 'popular',
];
const STYLE_EN = STYLES_EN.slice().sort((a, b) => b.length - a.length).map((s) => s.replace(/[-&]/g, (c) => `\\${c}`).replace(/ /g, '\\s+')).join('|');
export const STYLES_CN = [
  '轻音乐', '纯音乐', '欢快', '轻快', '舒缓', '抒情', '动感', '浪漫', '古典', '钢琴', '吉他', '电子', '爵士', '摇滚', '流行', '史诗', '大气', '温馨', '治愈', '激昂',
  '悲伤', '伤感', '安静', '轻松', '悠扬', '中国风', '国风', '古风', '民谣', '说唱', '嘻哈', '电音', '热闹', '喜庆', '温柔', '清新', '文艺', '励志', '震撼',
  '科技感', '神秘', '节奏感强', '动听', '柔和', '活泼', '可爱', '复古', '优雅', '高级感', '高级', '梦幻', '紧张', '热血', '小清新', '氛围感', '氛围', '空灵',
  '舒服', '放松', '轻柔', '柔美', '安静的', '宁静', '温暖', '阳光', '快节奏', '慢节奏', 'lo-fi', 'lofi', '热门', '爆款',
];
const STYLE_CN = STYLES_CN.slice().sort((a, b) => b.length - a.length).join('|');

const canonStyle = (s: string): string =>
  s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/^lo ?fi$|^lofi$/, 'lo-fi').replace(/\blo ?fi\b|\blofi\b/g, 'lo-fi').replace(/\bhip ?hop\b|\bhiphop\b/g, 'hip-hop').replace(/\s*,\s*/g, ' ').replace(/\s+and\s+/g, ' ').replace(/\s*\/\s*/g, ' ').replace(/\bbackground\b\s*/g, '').trim();

const STYLE_LIST_EN = `(?:(?<![a-z])(?:${STYLE_EN})(?:(?:\\s*,\\s*|\\s*/\\s*|\\s+and\\s+|\\s+|-)(?:${STYLE_EN}))*)`;
const STYLE_LIST_CN = `(?:(?:${STYLE_CN})(?:(?:、|和|又|且|一点|一些)?(?:${STYLE_CN}))*)`;
/** "upbeat lo-fi music", "calm piano track", "欢快的背景音乐", "轻音乐", "lofi beats". */
const STYLED = new RegExp(
  [
    `(${STYLE_LIST_EN})(?:[\\s-]+(?:style|vibe|vibes|mood|type|kind\\s+of|sort\\s+of))?\\s*(?:-|\\s)\\s*${MUSIC_NOUN}`,
    `${MUSIC_NOUN}\\s*(?:that(?:'s|\\s+is)|which\\s+is|:|-|,|should\\s+be|in\\s+an?|in|with\\s+an?|with|that\\s+feels?|feeling|to|into|for|要|用|是|选|换成|改成)?\\s*(?:a\\s+|an\\s+|something\\s+|kind\\s+of\\s+|more\\s+|very\\s+|really\\s+)?(${STYLE_LIST_EN})(?:[\\s-]+(?:style|vibe|vibes|mood|feel|one|genre))?(?![a-z])`,
    `(${STYLE_LIST_CN})\\s*(?:的|风格的?|风的?|一点的|感的?|类的?|类型的?)?\\s*${MUSIC_NOUN}`,
    `${MUSIC_NOUN}\\s*(?:用|要|选|是|来点|来个|选用|换成|改成|风格是|风格为|风格)?\\s*(?:一首|一段|一些|点)?\\s*(${STYLE_LIST_CN})(?:风格|风|的|一点|的音乐|音乐)?`,
    `(?<![a-z])(lo-?fi|lo\\s+fi|chillhop|轻音乐|纯音乐)(?:\\s+(?:beats?|vibes?|track))?(?![a-z])`,
    `(?<![a-z])((?:(?:${STYLE_EN})\\s+)*(?:jazz|jazzy|hip[\\s-]?hop|edm|techno|synthwave|reggae|bossa\\s+nova|classical|orchestral|r&b|k-?pop|trap|acoustic\\s+guitar|piano|lounge))(?:\\s+(?:beats?|vibes?|track|tunes?))?(?![a-z])`,
  ].join('|'),
  'g',
);

const VOLUME_VALUE = `(?:${PERCENT}|0?\\.\\d+|1(?:\\.0+)?(?![\\d.%])|\\d{1,3}(?![\\d.%])|half|full|max(?:imum)?|a\\s+quarter|一半|满|最大)`;
const VOLUME = new RegExp(
  [
    `(?<![a-z])(?:volume|音量)\\s*(?:level\\s*)?(?:at|to|of|=|:|is|around|about|调到|调成|调至|设为|设置为|设成|为|到|在|保持在|保持)?\\s*(${VOLUME_VALUE})`,
    `(${PERCENT}|0?\\.\\d+|half|full|max(?:imum)?|low|a\\s+quarter)\\s*(?:-|\\s)?\\s*(?:volume|音量)`,
    `(?<=${MUSIC_NOUN}[^,.;!?，。；！？\\u0000]{0,24}?)(?:at|to|around|about|调到|调成|调至|为|到|在|降到|降低到|提高到|调低到|调高到)\\s*(${PERCENT}|百分之\\s*${NUM_CN}|0?\\.\\d+)(?:\\s*volume)?`,
    `(?<![a-z])(half|quarter)[\\s-]volume`,
  ].join('|'),
  'g',
);
const volumeValue = (raw: string): number | null => {
  const s = raw.trim();
  if (/^(half|一半)$/.test(s)) return 0.5;
  if (/^a\s+quarter$|^quarter$/.test(s)) return 0.25;
  if (/^(full|max|maximum|满|最大)$/.test(s)) return 1;
  if (/^low$/.test(s)) return null;
  const p = /%|percent|cent|pct|百分之/.test(s) ? parsePercent(s) : null;
  if (p !== null) return round(clamp01(p));
  const n = parseNumber(s);
  if (n === null) return null;
  return round(clamp01(n > 1 ? n / 100 : n));
};

const FADE = new RegExp(
  [
    `(?:(${DUR})\\s*(?:-|\\s)?\\s*)?(?:audio\\s+|music\\s+)?fad(?:e|es|ed|ing)[\\s-]?(in|out|ins|outs)(?![a-z])(?:\\s*(?:and|&|/)\\s*(?:fade[\\s-]?)?(in|out))?(?:\\s+(?:the\\s+)?(?:music|audio|song|soundtrack))?(?:\\s*(?:of|over|for|during|across|lasting|in)?\\s*(?:the\\s+(?:first|last|final)\\s+)?(${DUR}))?(?:\\s+(?:at|towards?|by|in)\\s+the\\s+(?:very\\s+)?(?:end|finish|close|start|beginning))?`,
    `fade(?:s|d)?\\s+(?:the\\s+)?(?:music|audio|song|soundtrack|track|bgm)\\s+(in|out)(?:\\s*(?:and|&)\\s*(in|out))?(?:\\s*(?:of|over|for|during|across|in)?\\s*(?:the\\s+(?:first|last|final)\\s+)?(${DUR}))?`,
    `(?:(${DUR})\\s*(?:的)?\\s*)?(淡入淡出|渐入渐出|淡入|淡出|渐入|渐出|渐强|渐弱)(?:\\s*(${DUR}))?`,
  ].join('|'),
  'g',
);

const LOUDER = /(?<![a-z])(?:louder|(?:turn|crank|bring|pump)\s+(?:up\s+the\s+(?:music|volume|audio|song)|(?:the\s+)?(?:music|volume|audio|song)\s+up)|raise\s+the\s+(?:music|volume|audio)|increase\s+the\s+(?:music|volume|audio)(?:\s+volume)?|more\s+volume|boost\s+the\s+(?:music|audio|volume)|music\s+(?:is\s+)?too\s+(?:quiet|soft|low))(?![a-z])|大声一?点|音量(?:调|开)?大一?点|调大音量|音量调大|调高音量|音量调高|提高音量|音乐大声|声音大一?点|太小声/g;
const QUIETER = /(?<![a-z])(?:quieter|softer|(?:turn|bring|dial)\s+(?:down\s+the\s+(?:music|volume|audio|song)|(?:the\s+)?(?:music|volume|audio|song)\s+down)|lower\s+the\s+(?:music|volume|audio)(?:\s+volume)?|reduce\s+the\s+(?:music|volume|audio)(?:\s+volume)?|decrease\s+the\s+(?:music|volume|audio)(?:\s+volume)?|less\s+volume|music\s+(?:is\s+)?too\s+loud|duck\s+the\s+music)(?![a-z])|小声一?点|音量(?:调)?小一?点|调小音量|音量调小|调低音量|音量调低|降低音量|声音小一?点|太大声|太吵/g;
const REMOVE = /(?<![a-z])(?:(?:no|without|remove|delete|drop|lose|kill|cut|mute|get\s+rid\s+of|take\s+out|take\s+off|turn\s+off|skip|(?:don'?t|do\s+not)\s+(?:add|use|want|include|put|need|have)|not?\s+any)\s+(?:the\s+|any\s+|some\s+)?(?:background\s+)?(?:music|soundtrack|audio|sound|songs?|bgm)|mute(?:\s+(?:it|the\s+video|the\s+clip|everything))?|muted|silent(?:\s+video)?|no\s+sound|without\s+sound)(?![a-z])|(?:不要|去掉|删掉|删除|取消|去除|关掉|关闭|别加|不加|不用|不需要|无需|没有|拿掉|移除|不带|无)\s*(?:背景)?(?:音乐|配乐|bgm|声音|歌曲?)|(?:背景音乐|音乐|配乐|bgm|music|声音)\s*(?:去掉|删掉|删除|取消|关掉|拿掉|不要了?)|静音|无声/g;
const ADJUST_VERB = /(?<![a-z])(?:set|change|lower|raise|turn|adjust|make|reduce|increase|bring|keep)(?![a-z])|调|降低|提高|改|设/;
const ADD_HINT = new RegExp(MUSIC_NOUN);

const newMusic = (req: InstructionRequest, action: Music['action']): Music =>
  (req.music ??= { action, style: null, volume: null, fade_in_s: null, fade_out_s: null });

/** Removal, relative volume, style, volume and fades (fades only when the clause is about music). */
export const extractMusic = (scan: Scan, req: InstructionRequest, fadeToTransition: (start: number, end: number, dir: 'in' | 'out', dur: number | null) => boolean): void => {
  scan.each(REMOVE, () => {
    const m = newMusic(req, 'remove');
    m.action = 'remove';
    return true;
  });
  let adjust = false;
  scan.each(VOLUME, (h) => {
    const raw = h.m.slice(1).find((x) => x !== undefined);
    const v = raw === undefined ? null : volumeValue(raw);
    if (v === null) return false;
    const [a] = scan.clauseBounds(h.start);
    if (ADJUST_VERB.test(scan.norm.slice(a, h.end))) adjust = true;
    newMusic(req, 'add').volume = v;
    return true;
  });
  scan.each(LOUDER, () => {
    newMusic(req, 'adjust');
    (req.edits ??= {}).volume = 'louder';
    return true;
  });
  scan.each(QUIETER, () => {
    newMusic(req, 'adjust');
    (req.edits ??= {}).volume = 'quieter';
    return true;
  });
  scan.each(STYLED, (h) => {
    const raw = h.m.slice(1).find((x) => x !== undefined);
    const m = newMusic(req, 'add');
    if (raw !== undefined && m.style === null) {
      const st = canonStyle(raw);
      if (st !== '') m.style = st;
    }
    return true;
  });
  let lastFadeMusic = false;
  scan.each(FADE, (h) => {
    const g = h.m;
    const [a, b] = scan.clauseBounds(h.start, true);
    const clause = scan.norm.slice(a, b);
    const aboutMusic = ADD_HINT.test(clause) || lastFadeMusic || (req.music !== null && req.music.action !== 'remove' && /music|audio|song|音乐|配乐|bgm/.test(h.m[0]));
    const dirs: Array<'in' | 'out'> = [];
    let dur: number | null = null;
    if (g[2] !== undefined) {
      dirs.push(g[2].startsWith('in') ? 'in' : 'out');
      if (g[3]) dirs.push(g[3] as 'in' | 'out');
      dur = durationValue(g[1] ?? g[4] ?? '') ;
    } else if (g[5] !== undefined) {
      dirs.push(g[5] as 'in' | 'out');
      if (g[6]) dirs.push(g[6] as 'in' | 'out');
      dur = g[7] ? durationValue(g[7]) : null;
    } else {
      const w = g[9]!;
      if (/淡入淡出|渐入渐出/.test(w)) dirs.push('in', 'out');
      else dirs.push(/入|强/.test(w) ? 'in' : 'out');
      dur = durationValue(g[8] ?? g[10] ?? '');
    }
    lastFadeMusic = aboutMusic;
    if (!aboutMusic) {
      let any = false;
      for (const d of dirs) any = fadeToTransition(h.start, h.end, d, dur) || any;
      return any;
    }
    const m = newMusic(req, 'add');
    for (const d of dirs) {
      if (d === 'in') m.fade_in_s = dur;
      else m.fade_out_s = dur;
    }
    return true;
  });
  // Music nouns with nothing else: "add music", "with background music", "配乐".
  scan.each(new RegExp(MUSIC_NOUN, 'g'), (h) => {
    if (/^(?:score|melody|beats|instrumental)$/.test(h.m[0])) return false;
    newMusic(req, 'add');
    return true;
  });
  if (req.music && adjust && req.music.action === 'add' && req.music.style === null) req.music.action = 'adjust';
  if (req.music && req.music.volume !== null && req.edits?.volume) delete req.edits.volume;
  if (req.music && req.music.action === 'remove') {
    req.music.style = null;
  }
  void parseNumber;
};
