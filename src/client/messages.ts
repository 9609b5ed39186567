/**
 * The client's own words, in English and Chinese: a line for each event worth showing, and an
 * explanation for each coded failure the brief names (2001 with the bind link, 4001 with the
 * accepted formats, 4002 with the limit, 402, 429…). Pure; the CLI decides where lines go.
 */
import { toStillmotionError } from '../errors.js';
import { ApiError } from './api.js';
import type { GuiAction } from './gui-talk.js';
import type { Lang } from './router.js';
import type { StateChanges } from './state-diff.js';
import type { ClientEvent } from './workflow.js';

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;

const T = {
  en: {
    setup: 'Setting up Stillmotion…',
    ready: (embedded: boolean, credits: number | null) => `Ready${embedded ? ' (built-in server)' : ''}${credits !== null ? `, ${credits} credits` : ''}. Describe the video you want, or say "export" when it looks right. Type "help" for more.`,
    tokenRenewed: 'Your access token had expired; got a new one.',
    rateLimited: (s: number) => `The server asked us to slow down; trying again in ${s} s…`,
    sessionRenewed: (n: number) => `The session was no longer on the server, so I started a new one${n ? ` and uploaded your ${n === 1 ? 'photo' : `${n} files`} again` : ''}. Earlier edits are not in it.`,
    uploading: (f: string[]) => `Uploading ${f.join(', ')}…`,
    uploaded: (f: string) => `Uploaded ${f}.`,
    needPaths: "Type the photo's path (or drag the file into this terminal), e.g. ~/Pictures/beach.jpg",
    help: [
      'Describe what you want: "animate this photo into a 5-second video with smooth motion", "add soft piano music", "make it vertical".',
      'Photos: type or drag a path.  "status": the timeline.  "credits": your balance.  "export" (or "export as gif"): download the video.  "web": open the project in a browser.  "quit": leave.',
    ].join('\n'),
    working: (s: number, p: number | null) => `(still working… ${s}s${p !== null ? `, ${Math.round(p)}%` : ''})`,
    streamLost: 'The connection dropped while the agent was working. Not resending; checking the project instead…',
    recovered: { completed: 'The turn finished while we were disconnected.', failed: 'The turn failed on the server (any credits it reserved are released).', running: 'The turn is still running on the server. Say "status" in a moment to see the result.', unknown: 'I could not see the turn finish. Say "status" in a moment to check the project.' },
    suggest: { export: 'Say "export" to download the video.', status: 'Say "status" to see the timeline.', upload: "Type a photo's path to add it." } as Record<GuiAction, string>,
    web: (u: string, s: number) => `Open this project in the web workspace: ${u}\n(the link works for ${Math.round(s / 86400)} days; it opens this project only)`,
    credits: (a: number, f: number, t: number) => `Credits: ${a} available${f ? `, ${f} reserved by running work` : ''} (${t} total).`,
    status: (summary: string | null, media: number, previews: number, ready: boolean) =>
      `${summary ?? 'Timeline: empty'}\n${media} uploaded file${media === 1 ? '' : 's'}, ${previews} preview${previews === 1 ? '' : 's'}${ready ? '; ready to export.' : '; nothing to export yet.'}`,
    notReady: 'There is nothing to export yet: add a photo and describe the video first.',
    submitted: (fmt: string, q: string, a: number) => `Exporting (${fmt}, ${q} quality)${a > 1 ? ', second try' : ''}…`,
    progress: (p: number, st: string) => `Export ${st} ${p}%`,
    retry: (r: string) => `The export failed (${r}); trying once more with a new job…`,
    exported: (p: string, w: number, h: number, d: number, s: number) => `Saved ${p} (${w}x${h}, ${secs(d)}, ${mb(s)})`,
    silentNothing: 'The agent finished without saying anything, and the project did not change.',
    silentChanged: 'The agent finished without a message. What changed:',
    newPreview: (w?: number, h?: number, d?: number) => `a new preview was rendered${w && h ? ` (${w}x${h}${d ? `, ${secs(d)}` : ''})` : ''}`,
    track: (k: string, a: number, b: number) => `${k} segments: ${a} → ${b}`,
    canvas: (c: StateChanges['canvasAfter']) => c?.width && c.height ? `the canvas is now ${c.width}x${c.height}${c.fps ? ` at ${c.fps} fps` : ''}` : 'the canvas (size, aspect or frame rate) changed',
    media: (n: number) => `${n} new file${n === 1 ? '' : 's'}`,
    timelineNow: (s: string) => `timeline now: ${s}`,
    draftEdited: 'the draft was edited',
    whatChanged: 'What changed:',
  },
  zh: {
    setup: '正在准备 Stillmotion…',
    ready: (embedded: boolean, credits: number | null) => `准备好了${embedded ? '（内置服务器）' : ''}${credits !== null ? `，积分 ${credits}` : ''}。说说你想要什么样的视频，满意后输入“导出”。输入“帮助”查看更多。`,
    tokenRenewed: '访问令牌已过期，已重新获取。',
    rateLimited: (s: number) => `服务器请求放慢速度，${s} 秒后重试…`,
    sessionRenewed: (n: number) => `服务器上已找不到原来的会话，已新建一个${n ? `，并重新上传了你的 ${n} 个文件` : ''}。之前的修改不在新会话里。`,
    uploading: (f: string[]) => `正在上传 ${f.join('、')}…`,
    uploaded: (f: string) => `已上传 ${f}。`,
    needPaths: '请输入照片的路径（或把文件拖进终端），例如 ~/Pictures/beach.jpg',
    help: [
      '直接描述你想要的效果：“把这张照片做成 5 秒的平滑运镜视频”、“加上轻柔的钢琴配乐”、“改成竖屏”。',
      '照片：输入或拖入路径。“状态”：查看时间线。“积分”：查看余额。“导出”（或“导出为 gif”）：下载视频。“网页版”：在浏览器中打开项目。“退出”：结束。',
    ].join('\n'),
    working: (s: number, p: number | null) => `（仍在处理… ${s} 秒${p !== null ? `，${Math.round(p)}%` : ''}）`,
    streamLost: '处理过程中连接断开了。不会重复发送，正在查看项目状态…',
    recovered: { completed: '断开期间这一轮已经完成。', failed: '这一轮在服务器上失败了（预留的积分会退回）。', running: '服务器上仍在处理。稍后输入“状态”查看结果。', unknown: '没能确认这一轮是否完成。稍后输入“状态”查看项目。' },
    suggest: { export: '输入“导出”即可下载视频。', status: '输入“状态”查看时间线。', upload: '输入照片路径即可添加。' } as Record<GuiAction, string>,
    web: (u: string, s: number) => `在网页工作台中打开这个项目：${u}\n（链接 ${Math.round(s / 86400)} 天内有效，只能打开这个项目）`,
    credits: (a: number, f: number, t: number) => `积分：可用 ${a}${f ? `，进行中的任务预留 ${f}` : ''}（共 ${t}）。`,
    status: (summary: string | null, media: number, previews: number, ready: boolean) =>
      `${summary ?? '时间线：空'}\n已上传 ${media} 个文件，${previews} 个预览${ready ? '；可以导出。' : '；还没有可导出的内容。'}`,
    notReady: '还没有可以导出的内容：请先添加照片并描述想要的视频。',
    submitted: (fmt: string, q: string, a: number) => `正在导出（${fmt}，${q === 'high' ? '高' : q === 'medium' ? '中' : '低'}画质）${a > 1 ? '，第二次尝试' : ''}…`,
    progress: (p: number, st: string) => `导出 ${st === 'pending' ? '排队中' : st === 'processing' ? '处理中' : st === 'completed' ? '完成' : st} ${p}%`,
    retry: (r: string) => `导出失败（${r}），正在用新任务重试一次…`,
    exported: (p: string, w: number, h: number, d: number, s: number) => `已保存 ${p}（${w}x${h}，${secs(d)}，${mb(s)}）`,
    silentNothing: '这一轮结束了，没有回复，项目也没有变化。',
    silentChanged: '这一轮结束了，但没有回复。变化如下：',
    newPreview: (w?: number, h?: number, d?: number) => `生成了新的预览${w && h ? `（${w}x${h}${d ? `，${secs(d)}` : ''}）` : ''}`,
    track: (k: string, a: number, b: number) => `${k === 'video' ? '画面' : k === 'audio' ? '音频' : '文字'}片段：${a} → ${b}`,
    canvas: (c: StateChanges['canvasAfter']) => c?.width && c.height ? `画布改为 ${c.width}x${c.height}${c.fps ? `，${c.fps} 帧/秒` : ''}` : '画布（尺寸、比例或帧率）有变化',
    media: (n: number) => `新增 ${n} 个文件`,
    timelineNow: (s: string) => `现在的时间线：${s}`,
    draftEdited: '草稿已修改',
    whatChanged: '变化如下：',
  },
} as const;

/** Changes as short phrases (for a silent turn or after a lost stream). */
export const describeChanges = (c: StateChanges, lang: Lang): string[] => {
  const t = T[lang];
  const out: string[] = [];
  for (const k of c.tracks) out.push(t.track(k.kind, k.before, k.after));
  if (c.newMedia) out.push(t.media(c.newMedia));
  if (c.canvasChanged) out.push(t.canvas(c.canvasAfter));
  for (const p of c.newPreviews) out.push(t.newPreview(p.width, p.height, p.duration_ms));
  if (c.summaryAfter && c.summaryAfter !== c.summaryBefore) out.push(t.timelineNow(c.summaryAfter));
  else if (c.draftChanged && out.length === 0) out.push(t.draftEdited);
  return out;
};

export interface Shown {
  /** Human text, or null when the event is not shown to people. */
  readonly line: string | null;
  /** Agent text (stdout, no newline of its own) vs the client's status lines. */
  readonly stream?: boolean;
  /** A transient status (progress), worth showing only on a terminal. */
  readonly transient?: boolean;
}

export const formatEvent = (e: ClientEvent, lang: Lang): Shown => {
  const t = T[lang];
  switch (e.type) {
    case 'setup': return { line: t.setup };
    case 'ready': return { line: t.ready(e.server === 'embedded', e.credits) };
    case 'token_renewed': return { line: t.tokenRenewed };
    case 'rate_limited': return { line: t.rateLimited(e.wait_s) };
    case 'session_renewed': return { line: t.sessionRenewed(e.reuploaded) };
    case 'uploading': return { line: t.uploading(e.files) };
    case 'uploaded': return { line: t.uploaded(e.files.map((f) => `${f.name}${f.width && f.height ? ` (${f.width}x${f.height})` : ''}`).join(lang === 'zh' ? '、' : ', ')) };
    case 'need_paths': return { line: t.needPaths };
    case 'help': return { line: t.help };
    case 'text': return { line: e.text, stream: true };
    case 'working': return { line: t.working(e.silent_s, e.progress) };
    case 'changes': {
      if (e.context === 'silent') return { line: formatSilentTurn(e.changes, lang) };
      const parts = describeChanges(e.changes, lang);
      return { line: parts.length ? `${t.whatChanged}\n${parts.map((p) => `  - ${p}`).join('\n')}` : null };
    }
    case 'stream_lost': return { line: t.streamLost };
    case 'recovered': return { line: [t.recovered[e.status], e.text].filter(Boolean).join('\n') };
    case 'suggest': return { line: t.suggest[e.action] };
    case 'credits': return { line: t.credits(e.available, e.frozen, e.total) };
    case 'web_link': return { line: t.web(e.url, e.expires_in) };
    case 'status': return { line: t.status(e.summary, e.media, e.previews, e.ready) };
    case 'export_not_ready': return { line: t.notReady };
    case 'export_submitted': return { line: t.submitted(e.format, e.quality, e.attempt) };
    case 'export_progress': return { line: t.progress(e.progress, e.status), transient: true };
    case 'export_retry': return { line: t.retry(e.reason) };
    case 'exported': return { line: t.exported(e.path, e.width, e.height, e.duration_ms, e.size_bytes) };
    default: return { line: null }; // turn_start, tool, progress, poll, turn_done: not for people
  }
};

/** The line for a silent turn: what changed, or that nothing did. */
export const formatSilentTurn = (c: StateChanges, lang: Lang): string => {
  const t = T[lang];
  const parts = describeChanges(c, lang);
  return parts.length === 0 ? t.silentNothing : `${t.silentChanged}\n${parts.map((p) => `  - ${p}`).join('\n')}`;
};

const accepted = (d: Record<string, unknown>): string => (Array.isArray(d.accepted) ? (d.accepted as unknown[]).join(', ') : 'jpg, png, webp, heic, gif, mp4, mov, webm, mp3, wav, m4a, aac');

/** A coded failure explained for people, in their language: one line and a hint (what to do). */
export const explainError = (err: unknown, lang: Lang): { code: number; line: string; hint: string } => {
  const e = toStillmotionError(err);
  const d = (e instanceof ApiError ? e.data : e.details) as Record<string, unknown>;
  const code = e instanceof ApiError ? e.apiCode : e.code;
  const zh = lang === 'zh';
  const bind = typeof d.bind_url === 'string' ? d.bind_url : null;
  switch (code) {
    case 2001:
      return { code, line: zh ? '积分不足，无法完成这一步。' : 'Not enough credits for this.', hint: bind ? (zh ? `绑定或注册后可获得更多积分：${bind}` : `Register or bind this client to get more: ${bind}`) : e.hint };
    case 4001:
      return { code, line: zh ? `不支持这种文件类型。${e.message}` : `That file type is not supported. ${e.message}`, hint: zh ? `支持的格式：${accepted(d)}` : `Accepted formats: ${accepted(d)}` };
    case 4002: {
      const lim = typeof d.limit_bytes === 'number' ? mb(d.limit_bytes) : null;
      return { code, line: zh ? `文件太大${lim ? `（上限 ${lim}）` : ''}。` : `That file is too large${lim ? ` (the limit is ${lim})` : ''}.`, hint: zh ? '请压缩或缩小尺寸（视频可以剪短）后再试。' : 'Compress or resize it (or trim a video) and try again.' };
    }
    case 402:
      return { code, line: zh ? '当前账户等级不能导出视频。' : 'Export is locked for this account tier.', hint: zh ? `注册或绑定账户即可解锁导出${bind ? `：${bind}` : '。'}` : `Register or bind this client to unlock export${bind ? `: ${bind}` : '.'}` };
    case 429:
      return { code, line: zh ? '请求太频繁，服务器暂时拒绝了。' : 'Too many requests; the server is rate limiting.', hint: zh ? `${e instanceof ApiError && e.retryAfterS ? `${e.retryAfterS} 秒后` : '稍后'}再试。` : `Try again ${e instanceof ApiError && e.retryAfterS ? `in ${e.retryAfterS} s` : 'in a moment'}.` };
    case 1001:
      return { code, line: zh ? '访问令牌无效，重新获取也失败了。' : 'The access token is not valid, and getting a new one failed.', hint: zh ? '检查 NEMO_TOKEN，或取消设置以使用匿名令牌。' : 'Check NEMO_TOKEN, or unset it to use an anonymous token.' };
    case 1002:
      return { code, line: zh ? '服务器上找不到这个会话。' : 'The session is no longer on the server.', hint: zh ? '重新开始一次对话。' : 'Start a new chat.' };
    case 5005:
      return zh ? { code, line: `无法连接到 Stillmotion 服务器：${e.message.replace(/^.*: /, '')}`, hint: '检查 --api 或 STILLMOTION_API_URL；不设置时会使用内置服务器。' } : { code, line: e.message, hint: e.hint };
    case 4006:
      return zh ? { code, line: `找不到文件：${String(d.path ?? e.message)}`, hint: '检查路径是否正确。' } : { code, line: e.message, hint: e.hint };
    default:
      return { code, line: e.message, hint: e.hint };
  }
};
