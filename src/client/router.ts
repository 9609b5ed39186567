/**
 * What a chat message is for, decided before anything goes to the agent (API.md, "What a client
 * following the brief does"): export, credits, status, upload (a word or a dragged file), or the
 * agent. Pure: the only outside knowledge, whether a path exists, is passed in.
 */

export type Lang = 'en' | 'zh';
export type ExportFormat = 'mp4' | 'webm' | 'gif' | 'mov';
export type ExportQuality = 'high' | 'medium' | 'low';

export type Route =
  | { kind: 'empty' }
  | { kind: 'quit' }
  | { kind: 'help' }
  | { kind: 'export'; format?: ExportFormat; quality?: ExportQuality; /** a message with more than "export" in it goes to the agent first */ instruction?: string; /** "export all": every clip, each its own file */ all?: true }
  | { kind: 'credits' }
  | { kind: 'status' }
  /** Open the project in the web workspace (a claim link; never a bearer token). */
  | { kind: 'web' }
  | { kind: 'upload'; paths: string[]; /** the words around the dropped files, sent to the agent after the upload */ instruction?: string }
  | { kind: 'agent'; text: string };

export interface RouteContext {
  /** Whether a path names a readable file; without it, a path is recognised by its shape alone. */
  readonly exists?: (path: string) => boolean;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The user's language, for the client's own messages: Chinese when the message has Chinese characters. */
export const detectLanguage = (text: string, fallback: Lang = 'en'): Lang => (CJK.test(text) ? 'zh' : /[a-z]/i.test(text) ? 'en' : fallback);

/** A language from the environment (LANG/LC_ALL), for the lines shown before the first message. */
export const languageFromEnv = (env: NodeJS.ProcessEnv): Lang => (/^zh/i.test(env.STILLMOTION_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '') ? 'zh' : 'en');

const MEDIA_EXT = /\.(jpe?g|png|webp|heic|heif|gif|mp4|mov|avi|webm|mkv|mp3|wav|m4a|aac)$/i;

/** Undo a terminal's drag-and-drop quoting: 'a b.jpg', "a b.jpg", a\ b.jpg, file:///a%20b.jpg. */
export const unquotePath = (raw: string): string => {
  let s = raw.trim();
  if (s.length >= 2 && ((s[0] === "'" && s.at(-1) === "'") || (s[0] === '"' && s.at(-1) === '"'))) s = s.slice(1, -1);
  else s = s.replace(/\\(.)/g, '$1');
  if (/^file:\/\//i.test(s)) {
    try {
      s = decodeURIComponent(s.replace(/^file:\/\/(localhost)?/i, ''));
    } catch {
      s = s.replace(/^file:\/\/(localhost)?/i, '');
    }
  }
  return s;
};

const looksLikePath = (p: string): boolean => {
  if (p.length === 0 || /^https?:\/\//i.test(p)) return false;
  const pathy = /^(\/|~\/|\.{1,2}\/|[A-Za-z]:[\\/])/.test(p) || p.includes('/');
  return MEDIA_EXT.test(p) || (pathy && /\.[A-Za-z0-9]{2,5}$/.test(p));
};

// A quoted string, or a run of non-blanks where "\ " counts as part of the run.
const TOKEN = /'[^']*'|"[^"]*"|(?:\\.|[^\s\\])+/g;

/** Paths in a message (dragged or typed), with the rest of the message. */
export const findPaths = (text: string, ctx: RouteContext = {}): { paths: string[]; rest: string } => {
  const paths: string[] = [];
  let rest = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const raw = m[0];
    const p = unquotePath(raw.replace(/[,;，；]$/, ''));
    const isPath = looksLikePath(p) && (ctx.exists ? ctx.exists(p) : true);
    if (isPath) {
      paths.push(p);
      rest += text.slice(last, m.index);
      last = m.index! + raw.length;
    }
  }
  rest += text.slice(last);
  return { paths, rest: rest.replace(/\s+/g, ' ').trim() };
};

/** Text outside quotes: "add the title 'Download now'" is not an export. */
const unquoted = (s: string): string => s.replace(/"[^"]*"|“[^”]*”|「[^」]*」|『[^』]*』|'[^']{2,}'|‘[^’]*’/g, ' ');

const EXPORT_EN = /\b(export(ing|ed)?|download(ing)?|send\s+(it\s+to\s+me|me\s+(the\s+|my\s+|this\s+|that\s+)?(final\s+)?(video|clip|file|movie|mp4|result|it)))\b/i;
const EXPORT_ZH = /导出|下载|发给我|发我|传给我/;
const CREDITS_EN = /\b(credits?|balance)\b/i;
const CREDITS_ZH = /积分|余额|点数/;
const STATUS_EN = /^\s*(status|state)\s*[?!.]*\s*$|\b(show|list|see|view)\s+(me\s+)?(the\s+|my\s+|all\s+)?(tracks?|timeline|status|draft)\b|\bwhat'?s\s+(on|in)\s+(the\s+|my\s+)?(timeline|draft)\b|\bproject\s+status\b/i;
const STATUS_ZH = /状态|轨道|时间线/;
const UPLOAD_EN = /\bupload\b/i;
const UPLOAD_ZH = /上传/;
const QUIT = /^\s*(quit|exit|bye|goodbye|q|:q|\/quit|\/exit|退出|再见|拜拜)\s*[.!。！]*\s*$/i;
const WEB = /^\s*(please\s+)?(web|workspace|open\s+(it\s+|this\s+|the\s+project\s+)?(in\s+(the\s+|a\s+)?)?(browser|web(\s+workspace)?|workspace))\s*[.!]*\s*$|在(网页|浏览器)(里|中|上)?(打开|查看|编辑)|用浏览器打开|网页版/i;
const HELP = /^\s*(help|\?|\/help|帮助|怎么用)\s*[?？]*\s*$/i;

const FORMAT = /\b(mp4|webm|gif|mov)\b|动图/i;
/** "export all", "download every clip", "导出全部", "全部导出": every clip of the session, each its own file. */
const ALL_CLIPS = /\b(all|every|each)\b(\s+(of\s+)?(the\s+|my\s+)?(clips?|videos?|them|files?))?|全部|所有|每个|都/i;
const QUALITY_EN = /\b(high|medium|low)[\s-]*(quality|res(olution)?)\b|\b(hd|hq)\b/i;
const QUALITY_ZH = /高清|高画质|高质量|中等画质|中画质|低画质|低质量|标清/;

const FILLER_EN = new Set(`please pls now it its it's the a an video clip file final this that and then me to as in my for can could would you i want like let's lets go ahead ok okay thanks thank just result movie quality high medium low hd hq format version out here up all of with so yes sure do well right away asap`.split(' '));
const FILLER_ZH = /请|帮我|帮|把|视频|吧|一下|现在|给我|我|要|想|这个|那个|它|成|为|格式|高清|高画质|高质量|的|了|啊|呢|吗|然后|并且|并|再|和|可以|好的|好|谢谢|麻烦|你|出来|文件|成片|最终|版本|动图|标清|画质|质量|吧|嗯|哦|就|去|能|个|呀|么/g;

/** Whether anything is left after the keyword: "export" → no; "make it 8 s and export" → yes. */
const hasInstruction = (text: string, keywords: RegExp[]): boolean => {
  let t = unquoted(text);
  for (const k of [...keywords, FORMAT, QUALITY_EN, QUALITY_ZH]) t = t.replace(new RegExp(k.source, 'gi'), ' ');
  const zh = t.replace(FILLER_ZH, '').replace(/[^\u3400-\u9fff]/g, '');
  if (zh.length >= 2) return true;
  const words = t.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  return words.some((w) => w.length >= 2 && !FILLER_EN.has(w));
};

const exportOptions = (text: string): { format?: ExportFormat; quality?: ExportQuality } => {
  const out: { format?: ExportFormat; quality?: ExportQuality } = {};
  const f = unquoted(text).match(FORMAT);
  if (f) out.format = f[0] === '动图' ? 'gif' : (f[1]!.toLowerCase() as ExportFormat);
  const q = unquoted(text).match(QUALITY_EN);
  if (q) out.quality = q[1] ? (q[1].toLowerCase() as ExportQuality) : 'high';
  const qz = unquoted(text).match(QUALITY_ZH);
  if (qz) out.quality = /^(高)/.test(qz[0]) ? 'high' : /^中/.test(qz[0]) ? 'medium' : 'low';
  return out;
};

/** Message → route. The order matters: a dropped file wins, then export, credits, status, upload. */
export const route = (message: string, ctx: RouteContext = {}): Route => {
  const text = message.trim();
  if (text === '') return { kind: 'empty' };
  if (QUIT.test(text)) return { kind: 'quit' };
  if (HELP.test(text)) return { kind: 'help' };
  if (WEB.test(text)) return { kind: 'web' };

  const { paths, rest } = findPaths(text, ctx);
  if (paths.length) {
    const words = rest.replace(/^(please\s+)?upload(\s+(these|this|the|my)?\s*(photos?|images?|pictures?|files?|videos?|music|songs?)?)?[:,\s]*/i, '').replace(/^(请)?(帮我)?上传[:：,，\s]*/, '').trim();
    const instruction = words.replace(/^(and|then|&)\s+/i, '').replace(/^[,，:：\s]+/, '').trim();
    const meaningful = instruction !== '' && (CJK.test(instruction) ? instruction.replace(FILLER_ZH, '').replace(/[^\u3400-\u9fff]/g, '').length >= 2 : (instruction.toLowerCase().match(/[a-z0-9']+/g) ?? []).some((w) => !FILLER_EN.has(w) && w !== 'upload'));
    return meaningful ? { kind: 'upload', paths, instruction } : { kind: 'upload', paths };
  }

  const bare = unquoted(text);
  if (EXPORT_EN.test(bare) || EXPORT_ZH.test(bare)) {
    const r: Route = { kind: 'export', ...exportOptions(text), ...(ALL_CLIPS.test(bare) ? { all: true as const } : {}) };
    return hasInstruction(text, [EXPORT_EN, EXPORT_ZH, ALL_CLIPS]) ? { ...r, instruction: text } : r;
  }
  if (CREDITS_EN.test(bare) || CREDITS_ZH.test(bare)) return { kind: 'credits' };
  if (STATUS_EN.test(bare) || STATUS_ZH.test(bare)) return { kind: 'status' };
  if (UPLOAD_EN.test(bare) || UPLOAD_ZH.test(bare)) return { kind: 'upload', paths: [] };
  return { kind: 'agent', text };
};
