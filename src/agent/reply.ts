/** What the agent says, in the session's language: English or Chinese. */
import { builtinTrackNamed, DEPTH_LABELS, DEPTH_SOURCES, type DepthSource } from '../engine/index.js';
import { moveName, ROLE_ZH, type Draft, type TextRole } from '../timeline/index.js';

export type Lang = 'en' | 'zh';

export const languageOf = (sessionLanguage: string | null, message: string): Lang => {
  if (sessionLanguage) return /^zh/i.test(sessionLanguage) ? 'zh' : 'en';
  return /[\u3400-\u9fff]/.test(message) ? 'zh' : 'en';
};

/** Why a preview failed, by code, for a Chinese reader (the message of a code not listed is shown as it is). */
const FAILED_ZH: Readonly<Record<number, string>> = {
  4003: '有文件已损坏或不完整，请从原处重新导出后上传',
  4004: '照片的像素超过了解码上限，请缩小后再上传',
  4008: '时间线引用的素材不存在，请重新上传',
  5000: '服务器内部出错',
  5001: '视频编码器出错',
  5002: '无法启动 ffmpeg',
  5003: '渲染被取消（服务器停止或取消了这次任务）',
  5004: '渲染超过了时间上限',
};

/**
 * The draft layer words its notes in English (src/timeline/apply-request.ts); a Chinese reply
 * says them in Chinese. test/agent/changes.test.ts makes every note a sentence can cause and
 * checks that none reaches a Chinese reply untranslated, so a new or reworded note fails there.
 */
const NOTES_ZH: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^a depth \(parallax\) move needs a depth map; made a slow zoom with drift instead$/, () => '景深（视差）运镜需要深度图，已改为带漂移的缓慢推近'],
  [/^([\w-]+) used (.+)$/, (m) => `${moveName(m[1]!, 'zh')}使用了${DEPTH_ZH[m[2]!] ?? '深度图'}`],
  [/^([\w-]+) was made as ([\w-]+): (.+)$/, (m) => `${moveName(m[1]!, 'zh')}已改为${moveName(m[2]!, 'zh')}：${DEPTH_WHY_ZH(m[3]!)}`],
  [/^an orbit needs 3D; made a lateral pan instead$/, () => '环绕运镜需要三维信息，已改为横向平移'],
  [/^camera roll is not supported yet; made a slow zoom with drift instead$/, () => '暂不支持镜头旋转，已改为带漂移的缓慢推近'],
  [/^handheld shake is not supported yet; made a gentle drift instead$/, () => '暂不支持手持抖动，已改为轻微漂移'],
  [/^21:9 is not a canvas we make yet; used 16:9$/, () => '暂不支持 21:9 画幅，已使用 16:9'],
  [/^(\d+(?:\.\d+)?) fps is not offered; used (\d+)$/, (m) => `不提供 ${m[1]} fps，已使用 ${m[2]} fps`],
  [/^music: built-in (.*) track "(.*)" \((\d+) BPM, made by Stillmotion\); upload a music file to use your own$/s, (m) => {
    const x = builtinTrackNamed(m[2]!);
    return `音乐：内置${x?.styleZh ?? ''}曲目《${x?.nameZh ?? m[2]}》（每分钟 ${m[3]} 拍，本工具自己生成）；上传音乐文件可换成你自己的`;
  }],
  [/^(MP4|GIF|MOV|WEBM) has no transparency: the transparent background is black in this \1; export as WebM or MOV to keep it$/, (m) => `${m[1]} 不支持透明：这个 ${m[1]} 里透明背景显示为黑色；要保留透明请导出 WebM 或 MOV`],
  [/^cuts on the beat need music with a beat: add music \(a style such as lo-fi, or a file\); timed as usual for now$/, () => '卡点需要有节拍的音乐：请加音乐（比如轻音乐，或上传文件）；现在先按常规时长切换'],
  [/^"(.*)" is not a motion this engine knows: it makes clouds drift, water ripple or flow, leaves sway and steam rise, and adds snow, rain, dust, petals, light or fog; say which and where$/s, (m) => `“${m[1]}”不是这里能做的运动：可以让云飘动、水面荡漾或流动、树叶摇曳、蒸汽升腾，或加上雪、雨、浮尘、花瓣、光影、雾气；请说明要哪一种、在哪里`],
  [/^a (\w+) was asked for without its words: say the words in quotes$/, (m) => `要加${ROLE_ZH[m[1] as TextRole] ?? '文字'}却没有给出内容：请把文字放在引号里`],
  [/^people and animals moving \("(.*)"\) cannot be made from one photo; the nearest is a slow push-in or light shifting: say "slow zoom in" or "warm light shifting"$/s, (m) => `人物和动物的动作（“${m[1]}”）无法用一张照片做出来；最接近的是缓慢推近或光影变化：可以说“慢慢推进”或“暖光变化”`],
  [/^"(.*)": say where it is \(the top third, the left half, the middle…\) or paint it on the page; nothing was added for it$/s, (m) => `“${m[1]}”：请说明它在哪里（上面三分之一、左半部分、中间…），或在页面上涂出区域；这一项没有添加`],
  [/^no (sky|water|trees, leaves or grass) (?:was|were) found in (.*), so the ([\w-]+) was not added; name the part by position \("the top third"\) or paint it on the page$/s, (m) => `在 ${m[2]} 中没有找到${m[1] === 'sky' ? '天空' : m[1] === 'water' ? '水面' : '树木或草地'}，所以没有添加该效果；请按位置说明（如“上面三分之一”），或在页面上涂出区域`],
  [/^nothing in (.*) is sure to move by itself \(.*\), so (nothing in it moves|only the camera brings it to life); .*$/s, (m) => `在 ${m[1]} 中没有找到能自己动起来的部分（没有天空或水面，也没有天空下的树木），所以${m[2] === 'nothing in it moves' ? '画面保持静止' : '只用运镜让它动起来'}；请说明哪里要动（如“让树叶摇曳”“上面三分之一向左飘”），或在页面上涂出区域`],
  [/^there is no (.*) to make (bigger|smaller) yet: .*$/s, (m) => `还没有可以${m[2] === 'bigger' ? '放大' : '缩小'}的文字：请先添加，例如“加标题‘夏日特卖’”`],
  [/^there is no (.*) to move (up|down) yet: .*$/s, (m) => `还没有可以${m[2] === 'up' ? '上移' : '下移'}的文字：请先添加，例如“加标题‘夏日特卖’”`],
  [/^colour looks \((.*)\) are not made yet: .*$/s, (m) => `暂不支持调色效果（${m[1]}）：照片保持原有的颜色`],
  [/^no clear subject was found in (.*) for the ([\w-]+) to rise from, so it was not added; name the part by position \("the top third"\) or paint it on the page$/s, (m) => `在 ${m[1]} 中没有找到明确的主体，${m[2] === 'steam' ? '热气' : '效果'}无处升起，所以没有添加；请按位置说明（如“上面三分之一”），或在页面上涂出区域`],
  [/^there is no (?:"(.*)" )?motion to change yet$/, (m) => `还没有${m[1] ? `“${m[1]}”的` : ''}动态效果可以修改`],
];

const DEPTH_SOURCE_ZH: Readonly<Record<DepthSource, string>> = {
  iphone: 'iPhone 拍摄时记录的深度', 'iphone-heic': 'iPhone 拍摄时记录的深度（HEIC）', gdepth: '安卓相机记录的深度图', matte: 'iPhone 人像蒙版', estimated: '估算的深度',
};
/** The notes name a depth by its English label (DEPTH_LABELS). */
const DEPTH_ZH: Readonly<Record<string, string>> = Object.fromEntries(DEPTH_SOURCES.map((s) => [DEPTH_LABELS[s], DEPTH_SOURCE_ZH[s]]));
const DEPTH_WHY_ZH = (why: string): string =>
  /fit cover/.test(why) ? '景深运镜需要照片铺满画面'
    : /depth is off/.test(why) ? '景深已关闭'
    : /no depth map/.test(why) ? '照片没有深度图'
    : /not reliable/.test(why) ? '这张照片的深度不够可靠'
    : '没有可用的深度';

/** A note from the draft layer in the reply's language (one not in the table stays as it is). */
export const noteIn = (note: string, l: Lang): string => {
  if (l !== 'zh') return note;
  for (const [re, say] of NOTES_ZH) {
    const m = re.exec(note);
    if (m) return say(m);
  }
  return note;
};

/** "photo 2 (b.jpg)" and "1. a.jpg, 2. b.jpg" in Chinese. */
const photosZh = (s: string): string => s
  .replace(/photo (\d+) \(([^)]*)\)/g, '第 $1 张（$2）')
  .replace(/(?<=^|, )(\d+)\. /g, '$1. ')
  .replace(/ and /g, '和');
const countZh = (s: string): string => s.replace(/^this session has (\d+) photos?(?: \((.*)\))?$/s, (_m, n: string, list?: string) => `本会话共有 ${n} 张照片${list ? `（${list}）` : ''}`);

/** Why a request about photos could not be done, in Chinese (src/timeline/clips.ts words them in English). */
const PROBLEMS_ZH: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^there is no photo (\d+): (.*)$/s, (m) => `没有第 ${m[1]} 张照片：${countZh(m[2]!)}`],
  [/^there is no last photo: (.*)$/s, (m) => `还没有照片，无法找到最后一张：${countZh(m[1]!)}`],
  [/^there is no photo (\d+) from the end: (.*)$/s, (m) => `没有倒数第 ${m[1]} 张照片：${countZh(m[2]!)}`],
  [/^no photo is named (.*?): (.*)$/s, (m) => `没有名为 ${m[1]} 的照片：${countZh(m[2]!)}`],
  [/^removing (.*) would leave the video without a photo; .*$/s, (m) => `删除${photosZh(m[1]!)}后视频里就没有照片了；请先上传另一张照片，或说明要用哪一张`],
  [/^(.*) (?:is|are) not in any video$/s, (m) => `${photosZh(m[1]!)}不在任何视频里`],
  [/^the video already uses only (.*)$/s, (m) => `视频已经只用了${photosZh(m[1]!)}`],
  [/^I cannot tell which photo should stay: .*\(the photos are (.*)\)$/s, (m) => `不知道要保留哪一张：请说明，例如“只用第二张”（照片有：${m[1]}）`],
  [/^there is no photo to make a video of yet: upload photos first$/, () => '还没有可以做成视频的照片：请先上传照片'],
];

/** A problem in the reply's language. */
export const problemIn = (p: string, l: Lang): string => {
  if (l !== 'zh') return p;
  for (const [re, say] of PROBLEMS_ZH) {
    const m = re.exec(p);
    if (m) return say(m);
  }
  return noteIn(p, l);
};

const problemLines = (l: Lang, problems: readonly string[]): string[] =>
  problems.map((p) => (l === 'zh' ? `没能做到：${problemIn(p, 'zh')}。` : `Could not do: ${p}.`));

export const T = {
  workingClips: (l: Lang, clips: number, size: string) => l === 'zh'
    ? `好的，正在为 ${clips} 个视频生成 ${size} 预览…`
    : `On it: rendering ${size} previews of ${clips} clips…`,
  /** Several clips rendered in one turn: one line each, numbered in upload order. */
  doneClips: (l: Lang, o: { total: number; clips: ReadonlyArray<{ n: number; photos: string[]; seconds: number; moves: string[]; changes: readonly string[]; aspect: string }>; summary: string; notes: readonly string[]; problems: readonly string[]; suggestions: string[] }) => {
    const zh = l === 'zh';
    const head = zh
      ? (o.clips.length === 1 ? `第 ${o.clips[0]!.n} 个视频（共 ${o.total} 个）的预览已生成：` : `${o.clips.length} 个视频的预览已生成${o.clips.length < o.total ? `（共 ${o.total} 个）` : ''}：`)
      : (o.clips.length === 1 ? `Clip ${o.clips[0]!.n} of ${o.total} is ready:` : `${o.clips.length} clips are ready${o.clips.length < o.total ? ` (${o.total} in this session)` : ''}:`);
    const rows = o.clips.map((c) => {
      const moves = [...new Set(c.moves)];
      return zh
        ? `${c.n}. ${c.photos.join('、')}：${c.seconds.toFixed(1)} 秒，${c.aspect}，${moves.map((m) => moveName(m, 'zh')).join('、')}${c.changes.length ? `（${c.changes.join('；')}）` : ''}`
        : `${c.n}. ${c.photos.join(', ')}: ${c.seconds.toFixed(1)} s, ${c.aspect}, ${moves.join(', ')}${c.changes.length ? ` (${c.changes.join('; ')})` : ''}`;
    });
    return [
      head, ...rows,
      ...o.notes.map((n) => (zh ? `注意：${noteIn(n, 'zh')}` : `Note: ${n}`)),
      ...problemLines(l, o.problems),
      o.summary,
      zh ? `接下来可以试试：${o.suggestions.map((s) => `“${s}”`).join('、')}。` : `Next you could say: ${o.suggestions.map((s) => `"${s}"`).join(', ')}.`,
    ].join('\n');
  },
  working: (l: Lang, shots: number, size: string) => l === 'zh'
    ? `好的，正在为 ${shots} 个镜头生成 ${size} 预览…`
    : `On it: rendering a ${size} preview of ${shots} shot${shots === 1 ? '' : 's'}…`,
  done: (l: Lang, o: { seconds: number; moves: string[]; changes: readonly string[]; summary: string; notes: readonly string[]; problems?: readonly string[]; suggestions: string[] }) => {
    const moves = [...new Set(o.moves)];
    if (l === 'zh') {
      return [
        `预览已生成：${o.seconds.toFixed(1)} 秒，${moves.map((m) => moveName(m, 'zh')).join('、')}。`,
        ...(o.changes.length ? [`改动：${o.changes.join('；')}。`] : []),
        ...o.notes.map((n) => `注意：${noteIn(n, 'zh')}`),
        ...problemLines(l, o.problems ?? []),
        o.summary,
        `接下来可以试试：${o.suggestions.map((s) => `“${s}”`).join('、')}。`,
      ].join('\n');
    }
    return [
      `Your preview is ready: ${o.seconds.toFixed(1)} s, ${moves.join(', ')}.`,
      ...(o.changes.length ? [`Changed: ${o.changes.join('; ')}.`] : []),
      ...o.notes.map((n) => `Note: ${n}`),
      ...problemLines(l, o.problems ?? []),
      o.summary,
      `Next you could say: ${o.suggestions.map((s) => `"${s}"`).join(', ')}.`,
    ].join('\n');
  },
  failed: (l: Lang, why: string, code: number) => l === 'zh'
    ? `预览渲染失败（错误 ${code}）：${FAILED_ZH[code] ?? why}。本次未扣除积分，时间线已保存，可以再试一次。`
    : `The preview render failed (error ${code}): ${why}. No credits were charged; the timeline is saved, so you can try again.`,
  noMedia: (l: Lang) => l === 'zh'
    ? '还没有照片。先上传一张照片（JPG、PNG、WEBP、HEIC），然后告诉我想要什么效果，例如“做一个 5 秒的慢推视频”。'
    : 'There is no photo yet. Upload a photo (JPG, PNG, WEBP, HEIC) first, then tell me what you want, for example "animate this photo into a 5-second video with a slow zoom".',
  unchanged: (l: Lang, summary: string, notUnderstood: readonly string[], problems: readonly string[] = []) => l === 'zh'
    ? `时间线没有变化${problems.length ? `：${problems.map((p) => problemIn(p, 'zh')).join('；')}` : ''}${notUnderstood.length ? `（没能理解：${notUnderstood.join('；')}）` : ''}。\n${summary}\n可以说“加快一点”、“改成 9:16 竖屏”或“加标题 '夏日特卖'”。`
    : `Nothing on the timeline changed${problems.length ? `: ${problems.join('; ')}` : ''}${notUnderstood.length ? ` (I did not understand: ${notUnderstood.join('; ')})` : ''}.\n${summary}\nYou could say "make it faster", "make it a 9:16 reel" or "add the title 'Summer Sale'".`,
  status: (l: Lang, summary: string) => (l === 'zh' ? `当前时间线：\n${summary}` : `Here is the timeline:\n${summary}`),
  credits: (l: Lang, b: { available: number; frozen: number; total: number }) => l === 'zh'
    ? `积分：可用 ${b.available}，冻结 ${b.frozen}，共 ${b.total}。`
    : `Credits: ${b.available} available, ${b.frozen} reserved by running work, ${b.total} in all.`,
  export: (l: Lang, ready: boolean, summary: string, clips = 1) => ready
    ? (clips > 1
      ? (l === 'zh' ? `这个会话有 ${clips} 个视频，都可以导出；当前的是：\n${summary}\n说“导出全部”把每个视频各导出一个文件（不消耗积分）。` : `This session has ${clips} clips, each ready to export; the one in front:\n${summary}\nSay "export all" for one file per clip (it costs no credits).`)
      : (l === 'zh' ? `时间线已可导出：\n${summary}\n导出会渲染 1080p 完整版本（不消耗积分）。` : `The timeline is ready to export:\n${summary}\nExporting renders the full-quality version (it costs no credits).`))
    : T.noMedia(l),
  upload: (l: Lang) => l === 'zh' ? '把照片、视频或音乐文件发给我（JPG、PNG、WEBP、HEIC、MP4、MOV、MP3、WAV…，照片不超过 50 MB）。' : 'Send me photos, clips or music (JPG, PNG, WEBP, HEIC, MP4, MOV, MP3, WAV…; photos up to 50 MB).',
  help: (l: Lang) => l === 'zh'
    ? '我可以把照片变成短视频。上传照片，然后说出你想要的，例如：“把这张照片做成 5 秒的平滑运镜视频”、“9:16 竖屏，慢慢推近，标题“夏日特卖””、“加快一点”。说“导出”得到 1080p MP4。'
    : 'I turn photos into short videos. Upload photos, then say what you want, for example: "animate this photo into a 5-second video with smooth motion", "9:16 reel, slow zoom, title \'Summer Sale\'", "make it faster". Say "export" for the 1080p MP4.',
  busy: (l: Lang) => (l === 'zh' ? '上一条消息还在处理中，完成后再继续。' : 'The previous message is still being worked on; this one runs when it is done.'),
  noCredits: (l: Lang, msg: string, d: { needed?: unknown; available?: unknown } = {}) => (l === 'zh'
    ? `积分不足：这次需要 ${Number(d.needed) || '若干'} 积分，可用 ${Number(d.available) || 0}。`
    : `Not enough credits: ${msg}.`),
};

/** Two or three next steps that make sense for this draft. */
export const suggestions = (l: Lang, d: Draft, clips = 1): string[] => {
  const out: string[] = [];
  const zh = l === 'zh';
  if (clips > 1) return [zh ? '把它们都改成 9:16' : 'make all of them 9:16', zh ? '最后一张慢一点' : 'make the last one slower', zh ? '导出全部' : 'export all'];
  if (!d.texts.some((t) => t.role === 'title')) out.push(zh ? "加标题 '夏日特卖'" : "add the title 'Summer Sale'");
  if (d.canvas.aspect !== '9:16') out.push(zh ? '改成 9:16 竖屏' : 'make it a 9:16 reel');
  if (!d.audio.length) out.push(zh ? '加轻音乐，音量 35%' : 'add lo-fi music at 35%');
  out.push(zh ? '慢一点' : 'make it slower');
  out.push(zh ? '导出' : 'export');
  const last = out[out.length - 1]!;
  return [...out.filter((s) => s !== last).slice(0, 2), last];
};
