/**
 * On-screen text: quoted ("…", '…', “…”, 「…」, 《…》, 『…』, «…») and unquoted ("with the title
 * Summer Sale", "标题是夏日特惠"), its role (title, caption, subtitle, cta, watermark), position
 * (top, bottom, centre, lower third, 顶部, 底部, 居中) and timing ("for the first 3 seconds", "前3秒").
 */
import { DUR, durationValue } from './durations.js';
import { NUM_CN, NUM_EN, parseNumber } from './numbers.js';
import type { Scan } from './scan.js';
import type { InstructionRequest, PositionWord, TextItem, TextRole } from './request.js';

/** A text found in the sentence, with where it was (to attach positions and timings). */
export interface FoundText {
  item: TextItem;
  at: number;
  /** "for the last 2 seconds" / "at the end": resolved once the total length is known. */
  lastS?: number;
  atEnd?: boolean;
}

const ROLE_WORDS: Array<[RegExp, TextRole | null]> = [
  [/^(?:call[- ]to[- ]action|cta|button|按钮|行动号召)/, 'cta'],
  [/^(?:watermark|水印)/, 'watermark'],
  [/^(?:subtitles?|字幕|closed captions?)/, 'subtitle'],
  [/^(?:captions?|captioned|tagline|slogan|配文|文案|说明文字|说明|标语|口号|描述)/, 'caption'],
  [/^(?:titles?|titled|entitled|headline|heading|header|banner|called|named|大标题|主标题|标题|片名|副标题)/, 'title'],
  [/^(?:text|texts|overlay|text overlay|label|words|文字|字|lower[- ]third)/, null],
];
export const roleOf = (word: string): TextRole | null => {
  const w = word.trim().toLowerCase();
  for (const [re, r] of ROLE_WORDS) if (re.test(w)) return r;
  return null;
};

const ROLE_EN = `(?:address|price|tagline|hashtag|website|url|phone\\s+number|date|call[- ]to[- ]action|cta(?:\\s+button)?|button|watermark|subtitles?|closed\\s+captions?|captions?|tagline|slogan|titles?|headline|heading|header|banner|text\\s+overlays?|overlay(?:\\s+text)?|on-?screen\\s+text|text|label|lower[- ]third)`;
const ROLE_CN = `(?:大标题|主标题|副标题|标题|片名|字幕|水印|按钮|配文|文案|说明文字|文字|标语|口号)`;
export const ROLE_ANY = `(?:${ROLE_EN}|${ROLE_CN})`;

const VERB = `(?:add|put|with|include|use|show|write|overlay|display|place|type|insert|have|need|want|change|update|set|replace|rename|make|swap|edit|把|加上|添加|加个|加一个|加|写上|写|配上|打上|显示|放上|用|带)`;
const CHANGE = /change|update|set|replace|rename|swap|edit|改|换/;
/** Before a quote: "add a big title saying", "change the caption to", "标题是", "加上文字". */
const PREFIX = new RegExp(
  `(?:(?<![a-z])(${VERB})\\s*)?(?:(?:a|an|the|my|our|some|this)\\s+)?(?:(?:big|bold|small|large|short|simple|white|black|little|main|animated|new|final|opening|closing|centered|centred)\\s+)*(?:(${ROLE_ANY})\\s*(?:text\\s*)?)?(?:(saying|says|that\\s+says|which\\s+says|reading|reads|that\\s+reads|titled|entitled|called|named|captioned|of|to|with|as|into|:|=|-|是|为|写着|改成|改为|换成|改|内容是|内容为)\\s*)?$`,
);
/** After a quote: "as the title", "作为标题", "as a caption at the bottom". */
const SUFFIX = new RegExp(`^\\s*(?:as|for)\\s+(?:the|a|an|my)?\\s*(${ROLE_EN})(?![a-z])|^\\s*(?:作为|当作|当|做)?(${ROLE_CN})|^\\s*(button|banner|title|headline|caption|text|watermark|label|sticker|overlay|subtitle|cta)(?![a-z])`);

const CTA_CONTENT = /^(?:shop|buy|order|book|call|sign up|subscribe|learn more|get yours|get it|swipe up|link in bio|visit|download|try|join|follow|tap|click|register|reserve|grab|dm|message us|立即|马上|点击|关注|购买|预订|下单|抢购|扫码|私信)/i;

const QUOTES = /"([^"\n]{1,300})"|“([^”\n]{1,300})”|「([^」\n]{1,300})」|『([^』\n]{1,300})』|《([^》\n]{1,300})》|«([^»\n]{1,300})»|‘([^'’\n]{1,300})['’]|(?:^|(?<=[\s(\[{:,;=，：（]|[\u4e00-\u9fff]))'([^'\n]{1,300}?)'(?=$|[\s.,;:!?)\]}。，；！？、]|[\u4e00-\u9fff])/g;

/** A quoted phrase that is a setting, not a text ("use the 'Ken Burns' effect"). */
const NOT_TEXT = /^(?:ken[\s-]?burns|lo-?fi|zoom[\s-]?(?:in|out)|pan[\s-]?(?:left|right|up|down)|parallax|\d+:\d+|mp4|gif|webm|mov|\d+p|4k|vertical|square|crossfade|static|loop)$/i;
const MUSIC_BEFORE = /(?:music|song|track|soundtrack|bgm|音乐|配乐|歌曲?|曲子)\s*(?:by|called|named|like|用|是|选)?\s*$/;

const pushText = (found: FoundText[], item: TextItem, at: number) => {
  if (found.length < 12) found.push({ item, at });
};

/** Quoted and unquoted texts with their role; role words without text ("add subtitles"). */
export const extractTexts = (scan: Scan, req: InstructionRequest, found: FoundText[]): void => {
  // 1. Quotes.
  scan.each(QUOTES, (h) => {
    const g = h.m.slice(1).findIndex((x) => x !== undefined);
    if (g < 0) return false;
    const inner = h.m[g + 1]!;
    const qStart = h.start + h.m[0].indexOf(inner) - 1;
    const qEnd = qStart + inner.length + 2;
    const content = scan.text(qStart + 1, qEnd - 1);
    if (content === '' || NOT_TEXT.test(content.trim())) {
      scan.take(qStart, qStart + 1);
      scan.take(qEnd - 1, qEnd);
      return false;
    }
    const [cs] = scan.clauseBounds(qStart);
    const before = scan.work.slice(Math.max(cs, qStart - 80), qStart);
    if (MUSIC_BEFORE.test(before)) return false;
    let start = qStart;
    let end = qEnd;
    let role: TextRole | null = null;
    const pre = PREFIX.exec(before);
    if (pre && pre[0].trim() !== '') {
      start = qStart - pre[0].length;
      if (pre[2]) role = roleOf(pre[2]);
      else if (pre[3] && /titled|entitled|called|named/.test(pre[3])) role = 'title';
      else if (pre[3] && /captioned/.test(pre[3])) role = 'caption';
      if (pre[1] && CHANGE.test(pre[1]) && pre[2]) (req.edits ??= {}).replace = true;
    }
    const suf = SUFFIX.exec(scan.work.slice(qEnd, qEnd + 40));
    if (suf) {
      role = roleOf(suf[1] ?? suf[2] ?? suf[3]!);
      end = qEnd + suf[0].length;
    }
    if (role === null && CTA_CONTENT.test(content)) role = 'cta';
    pushText(found, { text: content, role, position: null, start_s: null, end_s: null }, qStart);
    return [start, end];
  });

  // 2. Unquoted. "change the title to Spring Sale".
  const CHANGE_TO = new RegExp(`(?<![a-z])(?:change|update|set|rename|replace|switch|make)\\s+(?:the\\s+)?(${ROLE_EN})(?:\\s+text)?\\s+(?:to|with|into|as)\\s+(?!(?:the|a|an|bottom|top|center|centre|middle|left|right|bigger|smaller|larger|bold|red|white|black)\\b)([^,.;!?\\n。，；！？\\u0000]{1,60})`, 'g');
  scan.each(CHANGE_TO, (h) => {
    const t = scan.text(h.end - h.m[2]!.length, h.end);
    if (!t) return false;
    (req.edits ??= {}).replace = true;
    pushText(found, { text: t, role: roleOf(h.m[1]!), position: null, start_s: null, end_s: null }, h.start);
    return true;
  });
  // Unquoted: "with the title Summer Sale at the top", "titled Golden Hour", "标题是夏日特惠".
  const STOP = `(?=\\s+(?:at|on|in|for|with|and|over|across|during|from|to|then|plus|using|while|centered|centred|placed|positioned|near|along|as|after|before|until|but|so|that|which|in)\\b|\\s*[,.;!?\\n。，；！？\\u0000]|$)`;
  const UNQ_EN = new RegExp(
    `(?<![a-z])(?:(${VERB})\\s+)?(?:(?:a|an|the|my|our)\\s+)?(?:(?:big|bold|small|large|short|simple|main|new)\\s+)?(?:(title|headline|heading|caption|subtitle|tagline|slogan|cta|call[- ]to[- ]action|watermark|text|button)(?:\\s+text)?(?:\\s*(?:saying|that says|which says|reading|that reads|:|=|-)\\s*|\\s+)|(titled|entitled|called|named|captioned|saying|that says|which says|reading|that reads)\\s+)(?!(?:at|on|in|for|with|and|to|the|a|an|of|that|which|is|be|should|will|text|bigger|smaller|larger|bold|font|color|colour|red|white|black|appear|appears|overlays?|animation|animations|effects?|style|size|colou?r|show|shows|disappear|disappears|fade|fades|move|moves|pop|pops|slide|slides|stay|stays|last|lasts|come|comes|animate|animates|bounce|first|last|from|after|before|until|only|please|here|there|up|down|too|more|less|so|it|this)\\b)([^,.;!?\\n。，；！？\\u0000]{1,60}?)${STOP}`,
    'g',
  );
  scan.each(UNQ_EN, (h) => {
    const text = h.m[4]!;
    const s = h.end - text.length;
    // Title Case continues through small words: "Autumn in Kyoto", "Taste of Tuscany".
    const more = /^\s+(?:in|of|and|the|at|on|for|to|&|a|by|with|de|la)\s+[A-Z0-9][\w'’-]*(?:\s+[A-Z0-9][\w'’-]*)*/.exec(scan.orig.slice(h.end, h.end + 80));
    const end = more && !/\u0000/.test(scan.work.slice(h.end, h.end + more[0].length)) ? h.end + more[0].length : h.end;
    const t = scan.text(s, end);
    if (t === '' || /^\d+(\.\d+)?\s*(s|sec|seconds?)?$/.test(t)) return false;
    let role = h.m[2] ? roleOf(h.m[2]) : h.m[3] ? roleOf(h.m[3]) : null;
    if (h.m[3] && /saying|says|reading|reads/.test(h.m[3])) role = null;
    if (role === null && CTA_CONTENT.test(t)) role = 'cta';
    if (h.m[1] && CHANGE.test(h.m[1]) && h.m[2]) (req.edits ??= {}).replace = true;
    pushText(found, { text: t, role, position: null, start_s: null, end_s: null }, h.start);
    return [h.start, end];
  }, 12);
  const UNQ_CN = new RegExp(
    `(?:把)?(${ROLE_CN})\\s*(?:是|为|写着?|改成|改为|换成|用|内容是|:)?\\s*(?!放在|放|在|位于|居中|显示|出现|用|加|要|大|小|改|换|去|删|持续|字体|颜色)([^\\s,.;!?，。；！？、\\u0000"“”「」《》]{1,30}?)(?=放在|放到|在|位于|居中|显示在|出现|于|并|然后|和|持续|前\\d|前[一二三四五六七八九十]|最后|开头|结尾|[\\s,.;!?，。；！？、\\u0000]|$)`,
    'g',
  );
  scan.each(UNQ_CN, (h) => {
    const text = h.m[2]!;
    const s = h.end - text.length;
    if (/^(?:的|了|吧|一下)$/.test(text)) return false;
    if (/改成|改为|换成/.test(h.m[0])) (req.edits ??= {}).replace = true;
    pushText(found, { text: scan.text(s, h.end), role: roleOf(h.m[1]!), position: null, start_s: null, end_s: null }, h.start);
    return true;
  }, 12);

  // 3. Role words without their words: "add subtitles", "with a title at the top", "加字幕".
  const BARE = new RegExp(`(?<![a-z])(?:(?:${VERB})\\s*)?(?:(?:a|an|the|my|our|some)\\s+)?(?:(?:big|bold|small|large|short|simple|main|new|animated|logo)\\s+)?(${ROLE_EN}|${ROLE_CN})(?![a-z])`, 'g');
  scan.each(BARE, (h) => {
    const role = roleOf(h.m[1]!);
    if (h.m[1] === 'text' || h.m[1] === '文字' || h.m[1] === '字') {
      // "text" alone is a text only next to a verb ("add some text").
      if (!/^(?:add|put|with|include|use|show|write|overlay|display|place|insert|加|加上|添加|写上|配上)/.test(h.m[0])) return false;
    }
    if (found.some((f) => f.item.role === role && f.item.text === null)) return true;
    pushText(found, { text: null, role, position: null, start_s: null, end_s: null }, h.start);
    return true;
  }, 12);
  req.texts = found.map((f) => f.item);
};

const POSITIONS: Array<[RegExp, PositionWord]> = [
  [/lower[- ]?third|下三分之一/, 'lower_third'],
  [/upper[- ]?third|上三分之一/, 'upper_third'],
  [/top[- ]?left|upper[- ]left|左上/, 'top_left'],
  [/top[- ]?right|upper[- ]right|右上/, 'top_right'],
  [/bottom[- ]?left|lower[- ]left|左下/, 'bottom_left'],
  [/bottom[- ]?right|lower[- ]right|右下/, 'bottom_right'],
  [/top|upper|顶|上方|上面|上部|上边/, 'top'],
  [/bottom|底|下方|下面|下部|下边/, 'bottom'],
  [/cent(?:er|re)|middle|居中|中间|中央|正中|中心/, 'center'],
  [/left|左/, 'left'],
  [/right|右/, 'right'],
];
const POS_RE = new RegExp(
  [
    `(?<![a-z])(?:(?:placed|positioned|put|place|move\\s+it|moved)\\s+)?(?:(?:at|on|in|to|across|along|near|into)\\s+)?(?:the\\s+)?(?:very\\s+)?(?:lower[- ]?third|upper[- ]?third|(?:top|bottom|upper|lower)[- ]?(?:left|right)(?:\\s+corner)?|top|bottom|cent(?:er|re)|middle)(?:\\s+(?:of\\s+the\\s+(?:screen|frame|video|image|photo|picture)|corner|edge|area|part|section))?(?![a-z])`,
    `(?<![a-z])(?:centered|centred|center-aligned|centre-aligned)(?![a-z])`,
    `(?<![a-z])(?:on|at|in|to)\\s+the\\s+(?:left|right)(?:\\s+(?:side|edge|corner))?(?![a-z])`,
    `(?:放在|放到|位于|在|置于|显示在)?(?:画面|屏幕|视频)?(?:的)?(?:左上角|右上角|左下角|右下角|下三分之一|上三分之一|顶部|顶端|上方|上部|底部|底端|下方|下部|正中间|中间|中央|正中|中心|左侧|右侧|左边|右边)(?:位置)?|居中(?:显示|放置)?`,
  ].join('|'),
  'g',
);

const NUM = `(?:${NUM_EN}|${NUM_CN})`;
const TIMING_RE = new RegExp(
  [
    `(?<![a-z])(?:for|during|in|over|within)\\s+the\\s+(first|opening|initial)\\s+(${DUR})`,
    `(?<![a-z])(?:for|during|in|over|within)\\s+the\\s+(last|final|closing)\\s+(${DUR})`,
    `(?<![a-z])(?:from|between)\\s+(?:second\\s+)?(${NUM})\\s*(?:s|sec|secs|seconds)?\\s*(?:to|and|until|till|-)\\s*(?:second\\s+)?(${DUR}|${NUM}(?=\\s*$|\\s*[,.;]))`,
    `(?<![a-z])(?:at|starting\\s+at|from|after|appearing\\s+at|appears\\s+at)\\s+(?:the\\s+)?(${DUR})(?:\\s+mark)?`,
    `(?<![a-z])(?:until|till|up\\s+to|ending\\s+at)\\s+(?:the\\s+)?(${DUR})(?:\\s+mark)?`,
    `(?<![a-z])(?:at|in)\\s+the\\s+(?:very\\s+)?(start|beginning|opening|end|close|finish)(?:\\s+of\\s+the\\s+(?:video|clip|reel))?|(?<![a-z])(?:in\\s+the\\s+intro|at\\s+first|(?:the\\s+)?whole\\s+time|throughout(?:\\s+the\\s+(?:video|clip))?|all\\s+the\\s+way\\s+through)`,
    `前\\s*(${DUR})`,
    `最后\\s*(${DUR})`,
    `第?\\s*(${NUM_CN})\\s*秒?\\s*(?:到|至|-|~)\\s*第?\\s*(${DUR})`,
    `(${DUR})\\s*(?:后|之后|以后)(?:出现|显示)?`,
    `从\\s*第?\\s*(${DUR})\\s*(?:开始|起)`,
    `(开头|开始时|一开始|片头|结尾|片尾|最后|末尾|全程|一直)`,
  ].join('|'),
  'g',
);

/** Positions and timings, attached to the text of the same clause (or the only text). */
export const extractTextPlacement = (scan: Scan, found: FoundText[]): void => {
  if (found.length === 0) return;
  const target = (at: number): FoundText | null => {
    if (found.length === 0) return null;
    const [a, b] = scan.clauseBounds(at);
    const inClause = found.filter((f) => f.at >= a && f.at <= b);
    const pool = inClause.length ? inClause : found.length === 1 ? found : [];
    let best: FoundText | null = null;
    for (const f of pool) if (best === null || Math.abs(f.at - at) < Math.abs(best.at - at)) best = f;
    return best;
  };
  scan.each(POS_RE, (h) => {
    const t = target(h.start);
    if (!t || t.item.position !== null) return false;
    const words = h.m[0];
    for (const [re, p] of POSITIONS) {
      if (re.test(words)) {
        t.item.position = p;
        return true;
      }
    }
    return false;
  });
  scan.each(TIMING_RE, (h) => {
    const t = target(h.start);
    if (!t) return false;
    const g = h.m;
    const it = t.item;
    const d = (x: string | undefined) => (x === undefined ? null : durationValue(x) ?? parseNumber(x));
    if (g[1] !== undefined) [it.start_s, it.end_s] = [0, d(g[2])];
    else if (g[3] !== undefined) t.lastS = d(g[4]) ?? undefined;
    else if (g[5] !== undefined) [it.start_s, it.end_s] = [d(g[5]), d(g[6])];
    else if (g[7] !== undefined) it.start_s = d(g[7]);
    else if (g[8] !== undefined) it.end_s = d(g[8]);
    else if (g[9] !== undefined || /intro|at first/.test(h.m[0])) {
      const w = g[9] ?? 'start';
      if (/start|beginning|opening|intro/.test(w)) it.start_s = 0;
      else t.atEnd = true;
    } else if (/whole|throughout|all the way/.test(h.m[0])) {
      it.start_s = 0;
      t.atEnd = true;
    } else if (g[10] !== undefined) [it.start_s, it.end_s] = [0, d(g[10])];
    else if (g[11] !== undefined) t.lastS = d(g[11]) ?? undefined;
    else if (g[12] !== undefined) [it.start_s, it.end_s] = [d(g[12]), d(g[13])];
    else if (g[14] !== undefined) it.start_s = d(g[14]);
    else if (g[15] !== undefined) it.start_s = d(g[15]);
    else if (g[16] !== undefined) {
      if (/开头|开始|一开始|片头/.test(g[16])) it.start_s = 0;
      else if (/全程|一直/.test(g[16])) {
        it.start_s = 0;
        t.atEnd = true;
      } else t.atEnd = true;
    }
    return true;
  });
};

/** Once the total is known: "the last 2 seconds" and "at the end" become times. */
export const resolveTextTiming = (found: FoundText[], total: number | null): void => {
  for (const f of found) {
    if (total === null) continue;
    if (f.lastS !== undefined) {
      f.item.start_s = Math.max(0, Math.round((total - f.lastS) * 1000) / 1000);
      f.item.end_s = total;
    } else if (f.atEnd && f.item.end_s === null) f.item.end_s = total;
  }
};
