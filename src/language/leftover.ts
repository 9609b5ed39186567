/**
 * What is left once every extractor has taken its words: fragments that still hold a content word
 * are reported verbatim in not_understood; politeness, articles, "make a video of my …" and the
 * like are not.
 */
import { USED, type Scan } from './scan.js';

const FILLER_EN = new Set(
  `a an the this that these those it its it's i i'd i'm i'll me my mine we we'd we're our ours us you your you're he she they them their
please pls plz kindly can could would will should shall may might must just also then and or but so to of for with in on at by from into onto
as be is are was were been being do does did done make makes making made create creates creating generate produce build turn turns convert
want wants wanted need needs needed like love would give get got let have has had use using used add adding put show some any very really
nice good great cool beautiful awesome pretty lovely amazing gorgeous stunning perfect professional clean simple basic quick little bit
video videos clip clips slideshow slideshows slide slides movie film animation animated animate photo photos picture pictures pic pics
image images shot shots still stills one ones thing things version here there now okay ok hey hi hello thanks thank thx cheers try
something effect effects style look looks feel feels vibe vibes kind sort type way mode out up about over all each every both
product products promo promotional ad ads advert advertisement teaser trailer listing listings tour recap highlight highlights montage
intro outro portfolio showcase presentation post posts content social media marketing campaign launch announcement reveal hero story
stories new our brand shop store business client clients project projects real estate property home house apartment menu dish dishes food
camera cam move moves movement motion while when where which what who how if than too not no yes only again more less much
lot lots bunch couple few several many other another same so-so go going gonna wanna lets let's maybe also too either neither
should've could've don't doesn't didn't can't won't isn't aren't it'll that's there's here's what's
version final first last next previous current whole entire full total overall please thanks! yet still already soon
file files set lower raise turn adjust aspect ratio orientation resolution size quality length duration format appear appears
appearing pop pops show shows actually same but travel family birthday wedding event events concert portrait headshot
close-up closeup landscape restaurant hotel cafe bakery vacation holiday trip fashion beauty fitness real-estate estate sale
smooth smoothly smoother fluid silky steady keep keeps keeping start starts starting`.split(/\s+/),
);
const FILLER_CN = [
  '请帮我', '帮我', '帮忙', '给我', '我要', '我想要', '我想', '想要', '需要', '麻烦', '一下', '一个', '一段', '一条', '一张', '一些', '这张', '这些', '那张', '这个', '那个',
  '照片', '图片', '相片', '图', '视频', '短视频', '短片', '片子', '影片', '做成', '做个', '做一个', '制作', '生成', '弄成', '弄', '变成', '转成', '转换成', '做', '来',
  '用', '加上', '添加', '加', '和', '与', '跟', '并且', '并', '然后', '再', '也', '还', '要', '就', '很', '非常', '一点', '一些', '有', '能', '可以', '可不可以',
  '能不能', '是', '在', '让', '使', '它', '我们', '我', '你', '镜头', '画面', '效果', '动起来', '动态', '个', '张', '给', '为', '成', '出', '好', '点', '些',
  '带', '配', '上', '下', '中', '里', '的', '地', '得', '了', '吧', '呢', '啊', '吗', '呀', '哦', '嗯', '把', '将', '谢谢', '感谢', '请', '一', '整体', '整个',
  '感觉', '风格', '产品', '宣传', '广告', '房子', '房源', '美食', '旅行', '旅游', '人像', '婚礼', '活动', '店', '我的', '我们的', '所有', '全部', '每', '都',
  '稍微', '一点儿', '有点', '更', '最', '时候', '时', '同时', '以及', '或者', '还是', '要求', '希望', '最好', '然后再', '之后', '以后', '开始', '结束', '就行',
  '即可', '就好', '可以吗', '好吗', '行吗', '谢', '啦', '哈', '嘛', '整', '条', '段', '组', '套', '部', '次', '下来', '起来', '出来', '过来', '一起', '运镜', '什么', '显示', '出现', '展示', '时长', '长度', '总时长', '总共', '一共', '比例', '画面比例', '尺寸', '分辨率', '帧率', '格式', '视频长度',
];
const CN_FILLER_RE = new RegExp(FILLER_CN.slice().sort((a, b) => b.length - a.length).join('|'), 'g');
/** "of my new sneakers", "for our bakery", "这张咖啡照片": what the video shows, not how. */
const SUBJECT_EN = /(?<![a-z])(?:of|for|showing|featuring|about|from)\s+(?:(?:my|our|the|this|these|that|those|a|an|his|her|their|your|some)\s+)?(?:(?!(?:with|and|in|on|that|using|while|to|then|but|at|into)(?![a-z]))[a-z0-9'&-]+\s*){1,5}|(?<![a-z])of\s+(?:[a-z'-]+\s+){0,3}(?:photos|pictures|images|shots|pics)(?![a-z])/g;
const SUBJECT_CN = /(?:总共|一共|共)\s*(?:\d+|[一二两三四五六七八九十]+)\s*张(?:照片|图片)?|[\u4e00-\u9fff]{1,8}?(?:宣传|广告|推广|介绍|展示)(?:视频|短片|片)?|(?:这|那|我的|我们的)?(?:张|些|几张|组)?[\u4e00-\u9fff]{0,8}?(?:的)?(?:照片|图片|相片)(?:里|中|上)?(?:的)?|(?:为|给)(?:我的|我们的|我|我们)[\u4e00-\u9fff]{1,8}/g;

/** Where the camera goes: "across the living room", "to the patio", "over the pool". */
const PLACE_EN = /(?<![a-z])(?:on|onto|into|across|along|over|around|towards?|through|past|up|down|from|to|at|in|inside|behind|above|below|under|near)\s+(?:the|a|an|my|our|this|that|these|those|his|her|their|each|every)\s+(?:(?!(?:with|and|then|but|while|using)(?![a-z]))[a-z0-9'&-]+\s*){1,4}/g;
const COUNT_EN = /(?<![a-z])(?:these|those|the|my|our|all|with)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty)\s+(?:photos|pictures|images|shots|pics)(?![a-z])|(?<![a-z])\d+\s+(?:photos|pictures|images|shots|pics)(?![a-z])/g;
const CONTENT_EN = /[a-z0-9]/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Subject and place descriptions are understood (as what the video shows): consume them. */
export const subjectDescriptions = (scan: Scan): void => {
  scan.each(SUBJECT_CN, () => true);
};

export const leftovers = (scan: Scan, notes: string[], limit = 20): string[] => {
  scan.each(SUBJECT_EN, () => true);
  scan.each(PLACE_EN, () => true);
  scan.each(COUNT_EN, () => true);
  const out: string[] = [...notes];
  const w = scan.work;
  const sep = new RegExp(`(?:[${USED},;!?:()\\[\\]{}"“”「」『』《》«»‘\`…。，；！？、：（）【】\\n]|(?<!\\d)\\.|\\.(?!\\d))+`, 'g');
  let pos = 0;
  let m: RegExpExecArray | null;
  const fragment = (a: number, b: number) => {
    if (out.length >= limit || b <= a) return;
    const text = w.slice(a, b);
    // Mark the content characters: English words not in the filler list, CJK not in fillers.
    let first = -1;
    let last = -1;
    const wordRe = /[a-z0-9][a-z0-9'&+#-]*/g;
    let wm: RegExpExecArray | null;
    let guard = 0;
    while ((wm = wordRe.exec(text)) !== null && guard++ < 2000) {
      const word = wm[0].replace(/['-]+$/, '');
      if (FILLER_EN.has(word) || !CONTENT_EN.test(word)) continue;
      if (first < 0) first = wm.index;
      last = wm.index + wm[0].length;
    }
    if (CJK.test(text)) {
      const blanked = text.replace(CN_FILLER_RE, (s) => ' '.repeat(s.length));
      for (let i = 0; i < blanked.length; i++) {
        if (CJK.test(blanked[i]!)) {
          if (first < 0 || i < first) first = i;
          if (i + 1 > last) last = i + 1;
        }
      }
    }
    if (first < 0) return;
    // Widen to whole words at the edges, then cut the original text.
    const s = a + first;
    const e = a + last;
    const t = scan.text(s, e);
    if (t.length > 0) out.push(t.length > 200 ? `${t.slice(0, 200)}…` : t);
  };
  while ((m = sep.exec(w)) !== null) {
    fragment(pos, m.index);
    pos = m.index + m[0].length;
    if (out.length >= limit) break;
  }
  if (out.length < limit) fragment(pos, w.length);
  return out.slice(0, limit);
};
