/**
 * The agent sometimes talks as if the user had the web workspace in front of them ("click Export",
 * "open the panel", "drag your photo in"). In a terminal those words are rewritten into what works
 * here (say "export", type a path) and reported as an action the client can offer. Pure.
 */
import type { Lang } from './router.js';

export type GuiAction = 'export' | 'status' | 'upload';

export interface GuiRewrite {
  readonly text: string;
  readonly actions: GuiAction[];
}

interface Rule {
  readonly re: RegExp;
  readonly action: GuiAction;
  readonly en: string;
  readonly zh: string;
}

const Q = `["'“”‘’「」]?`;

const RULES: readonly Rule[] = [
  // English
  { re: new RegExp(`\\b(click|press|tap|hit|select|use)\\s+(on\\s+)?(the\\s+)?${Q}(export|download|render)${Q}(\\s+(button|icon|link|option))?`, 'gi'), action: 'export', en: 'say "export"', zh: '输入“导出”' },
  { re: new RegExp(`\\bopen\\s+(up\\s+)?(the\\s+)?${Q}(export|download)${Q}\\s+(panel|dialog|menu|window|tab)`, 'gi'), action: 'export', en: 'say "export"', zh: '输入“导出”' },
  { re: new RegExp(`\\b(click|press|tap|hit)\\s+(on\\s+)?(the\\s+)?${Q}(upload|add media|add photos?)${Q}(\\s+(button|icon|link))?`, 'gi'), action: 'upload', en: "type the photo's path (or drag the file into this terminal)", zh: '输入照片的路径（或把文件拖进终端）' },
  { re: /\bdrag(ging)?(\s+and\s+drop(ping)?)?\s+(your\s+|the\s+|a\s+|an\s+|some\s+|more\s+)?(photos?|images?|pictures?|files?|videos?|clips?|music|songs?|audio|media)(\s+(into|onto|in|to|here)\b(\s+(the\s+)?[\w-]+(\s+(area|panel|window|zone|box|page|timeline|canvas))?)?)?/gi, action: 'upload', en: "type the file's path (or drag it into this terminal)", zh: '输入文件路径（或把文件拖进终端）' },
  { re: /\bdrag(ging)?\s+(it|them)\s+(into|onto|in|here)\b(\s+(the\s+)?[\w-]+(\s+(area|panel|window|zone|box|page))?)?/gi, action: 'upload', en: "type the file's path (or drag it into this terminal)", zh: '输入文件路径（或把文件拖进终端）' },
  { re: /\bopen\s+(up\s+)?(the\s+)?([\w-]+\s+)?(panel|sidebar|timeline view|tracks view|inspector)\b/gi, action: 'status', en: 'say "status"', zh: '输入“状态”' },
  { re: /\b(check|look at|see)\s+(the\s+)?(timeline|tracks)\s+(panel|view|on the (left|right))\b/gi, action: 'status', en: 'say "status"', zh: '输入“状态”' },
  // Chinese
  { re: new RegExp(`(请)?(点击|单击|点|按)(一下)?(右上角的?|下方的?|页面上的?)?${Q}(导出|下载)${Q}(按钮|键)?`, 'g'), action: 'export', en: 'say "export"', zh: '输入“导出”' },
  { re: /打开(导出|下载)(面板|窗口|菜单)/g, action: 'export', en: 'say "export"', zh: '输入“导出”' },
  { re: new RegExp(`(点击|单击|点|按)(一下)?${Q}(上传|添加素材|添加照片)${Q}(按钮|键)?`, 'g'), action: 'upload', en: "type the photo's path (or drag the file into this terminal)", zh: '输入照片的路径（或把文件拖进终端）' },
  { re: /(把|将)?(照片|图片|文件|视频|音乐|素材)?(拖拽|拖入|拖进|拖到|拖放)(到|进)?[^，。,.!！?？]{0,10}?(区域|面板|窗口|时间线|画布|这里|页面)/g, action: 'upload', en: "type the file's path (or drag it into this terminal)", zh: '输入文件路径（或把文件拖进终端）' },
  { re: /打开[^，。,.!！?？\s]{0,6}?(面板|侧边栏|时间线视图|轨道视图)/g, action: 'status', en: 'say "status"', zh: '输入“状态”' },
];

/** Rewrites the GUI phrases in one piece of agent text. */
export const translateGuiTalk = (text: string, lang: Lang): GuiRewrite => {
  const actions: GuiAction[] = [];
  const done: string[] = []; // replacements stand as placeholders until the end, so no rule rewrites another's words
  let out = text;
  for (const r of RULES) {
    out = out.replace(r.re, (m) => {
      if (!actions.includes(r.action)) actions.push(r.action);
      // Keep the sentence's own language: an English sentence gets English words, whatever the user speaks.
      const zhHere = /[\u3400-\u9fff]/.test(m) || (lang === 'zh' && !/[a-z]/i.test(m));
      const rep = zhHere ? r.zh : r.en;
      done.push(/^[A-Z]/.test(m) ? rep[0]!.toUpperCase() + rep.slice(1) : rep);
      return `\u0000${done.length - 1}\u0000`;
    });
  }
  return { text: out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => done[Number(i)]!), actions };
};

/**
 * Streaming text arrives in chunks that may cut a phrase in two ("click Ex" + "port"). Text is
 * released a sentence at a time (a GUI phrase never spans sentences), translated on the way out.
 */
export class GuiTalkBuffer {
  readonly #lang: Lang;
  #pending = '';
  readonly actions: GuiAction[] = [];

  constructor(lang: Lang) {
    this.#lang = lang;
  }

  /** Text ready to show after this chunk ('' while a sentence is still open). */
  push(chunk: string): string {
    this.#pending += chunk;
    let cut = -1;
    for (const m of this.#pending.matchAll(/[.!?](?=\s)|[。！？；\n]/g)) cut = m.index! + m[0].length;
    if (cut === -1) return '';
    const ready = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    return this.#emit(ready);
  }

  get hasPending(): boolean {
    return this.#pending !== '';
  }

  /** The rest, at the end of the turn. */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return this.#emit(rest);
  }

  #emit(s: string): string {
    if (s === '') return '';
    const r = translateGuiTalk(s, this.#lang);
    for (const a of r.actions) if (!this.actions.includes(a)) this.actions.push(a);
    return r.text;
  }
}
