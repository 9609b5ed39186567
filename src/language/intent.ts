/**
 * What the sentence asks for as a whole. Routing words follow ../shared/API.md (export, credits,
 * status, upload), but a sentence that asks for a video is `generate` even when it also mentions
 * downloading or uploading; a follow-up that changes something is `edit`.
 */
import type { Scan } from './scan.js';
import type { InstructionRequest, Intent } from './request.js';

const CREATE = /(?<![a-z])(?:make|create|generate|produce|build|turn|convert|animate|bring|transform|craft|render|put\s+together|compile|cut\s+together|edit\s+together|give\s+me|i\s+(?:want|need|'d\s+like|would\s+like)|can\s+you\s+(?:do|make)|let'?s\s+(?:do|make))(?![a-z])[^.!?。！？]{0,80}?(?<![a-z])(?:video|clip|reel|reels|slideshow|slide\s+show|movie|film|animation|montage|short|tiktok|story|teaser|trailer|promo|ad|gif|cinemagraph|to\s+life|into\s+motion|motion)(?![a-z])|(?<![a-z])(?:animate|bring\s+(?:it|this|them|these|the\s+photos?)\s+to\s+life)(?![a-z])|(?:做|制作|生成|合成|剪|弄|做成|变成|转成|生成一?个?|来一?个|帮我做|帮我生成|给我做)[^。！？]{0,30}?(?:视频|短片|影片|动图|片子|短视频|vlog|幻灯片|相册)|动起来|让[^。！？]{0,12}动起来/;
const EDIT = /(?<![a-z])(?:change|switch|replace|swap|remove|delete|get\s+rid\s+of|take\s+out|undo|redo|revert|instead|make\s+it|make\s+the\s+(?:title|caption|text|subtitles?|music|zoom|pan|move|motion|transitions?|video|clip|watermark|logo|crossfades?)|can\s+you\s+make\s+it|try|again|use\s+(?:a|the)|update|adjust|tweak|increase|decrease|reduce|lower|raise|move\s+the|keep\s+(?:it|the)|less|more|too|now|actually|same\s+but|drop\s+the)(?![a-z])|^\s*(?:(?:please|pls|can\s+you|could\s+you|also|and)\s+)*(?:add|put|set|include|insert)(?![a-z])|换成|换个|换一?下|改成|改为|改一下|修改|调整|调成|去掉|删掉|删除|取消|再|^\s*(?:请|帮我|再|也)?(?:加上|加个|加一个|添加|加)|换|改|太|把/;
const REPLACE = /(?<![a-z])(?:instead|switch\s+to|change\s+(?:it\s+)?to|swap\s+(?:it\s+)?(?:for|to)|replace\s+(?:it\s+)?with)(?![a-z])|换成|改成|改为|换个|替换成?/;

const EXPORT = /(?<![a-z])(?:export(?:ing|ed)?|download(?:ing|ed)?|save\s+(?:it|the\s+(?:video|clip|file))|send\s+(?:me\s+)?(?:the\s+|my\s+)?(?:final\s+)?(?:video|clip|file|result|mp4|gif)(?:\s+to\s+me)?|send\s+it(?:\s+to\s+me|\s+over)?|give\s+me\s+the\s+(?:file|video|link|download)|render\s+(?:it\s+)?(?:out|the\s+final)|final\s+render|get\s+the\s+(?:file|video|mp4))(?![a-z])|导出|下载|保存视频|保存到|发给我|发我|输出视频|渲染输出/;
const CREDITS = /(?<![a-z])(?:credits?(?!\s+(?:roll|sequence))|(?<!(?:white|colou?r|tonal)\s)balance|how\s+much\s+(?:do\s+i\s+have|is\s+left)|top[\s-]?up|recharge|quota)(?![a-z])|积分|余额|点数|额度|充值/;
const CREDITS_NOT = /(?:end|opening|closing|rolling|movie|film)\s+credits|credits\s+roll/;
const STATUS = /(?<![a-z])(?:status|progress|show\s+(?:me\s+)?(?:the\s+)?(?:tracks|timeline|draft|project)|what(?:'s|\s+is)\s+(?:on|in)\s+the\s+(?:timeline|draft|project)|is\s+it\s+(?:done|ready|finished)|how'?s\s+it\s+going|where\s+are\s+we|list\s+(?:the\s+)?tracks|current\s+(?:state|draft|timeline))(?![a-z])|状态|进度|做好了吗|好了吗|完成了吗|时间线|轨道/;
const UPLOAD = /(?<![a-z])(?:upload(?:ing|ed|s)?|attach(?:ing|ed)?|import(?:ing)?\s+(?:my\s+|these\s+|the\s+)?(?:photos?|images?|pictures?|files?))(?![a-z])|上传|导入(?:照片|图片)/;
const HELP = /(?<![a-z])(?:help|how\s+(?:do|can|does)\s+(?:i|you|this|it)|what\s+can\s+(?:you|i)\s+do|usage|commands|instructions|how\s+to\s+use|what\s+do\s+you\s+do)(?![a-z])|帮助|怎么用|如何使用|使用说明|你能做什么|能做什么|怎么操作/;

/** Consumes the routing and creation words so they do not land in not_understood. */
const CONSUME = /(?<![a-z])(?:export(?:ing|ed)?|download(?:ing|ed)?|upload(?:ing|ed|s)?|status|progress|credits?|balance|help|instead|again|try|undo|redo|revert|switch\s+to|change\s+(?:it\s+)?to|swap|replace|update|adjust|tweak|send(?:\s+(?:it|me))*(?:\s+(?:to\s+me|over))?|save|how\s+many|how\s+much|left|remaining|check|show(?:\s+me)?|tracks|timeline|draft|is\s+it\s+(?:done|ready|finished)|how'?s\s+it\s+going|attach(?:ing|ed)?|import(?:ing)?|final|render(?:\s+(?:it\s+)?out)?|let\s+me|so\s+i\s+can|and\s+then|what\s+can\s+you\s+do|how\s+do\s+i|how\s+to\s+use|usage|do\s+i\s+have|remove|delete|change|more|less|bit|version)(?![a-z])|导出|下载|上传|导入|积分|余额|点数|额度|状态|进度|时间线|轨道|做好了吗|好了吗|完成了吗|帮助|怎么用|如何使用|换成|改成|改为|换个|替换成?|发给我|发我|保存|还剩多少|还有多少|剩多少|多少|查看|查询|看看|一下|再/g;

/** Whether the sentence states something about the video itself (not only about the output file). */
const coreExtracted = (r: InstructionRequest): boolean =>
  r.moves.length > 0 || r.texts.length > 0 || r.music !== null || r.transitions.length > 0 || r.duration_s !== null ||
  r.per_photo_s !== null || r.subject_motion !== null || r.speed !== null || (r.edits !== undefined && Object.keys(r.edits).some((k) => k !== 'replace'));

export const hasCreate = (text: string): boolean => CREATE.test(text);

/** Decides the intent from the whole (normalised) sentence and what was extracted from it. */
export const decideIntent = (norm: string, req: InstructionRequest, extracted: boolean): Intent => {
  const create = CREATE.test(norm);
  const rel = req.edits !== undefined && Object.keys(req.edits).some((k) => k !== 'remove');
  const removal = (req.edits?.remove?.length ?? 0) > 0 || req.music?.action === 'remove' || req.transitions.some((t) => t.type === 'none') || req.loop === false;
  const onlyRemoval = removal && req.moves.length === 0 && req.texts.length === 0 && req.duration_s === null && req.per_photo_s === null &&
    req.aspect === null && req.platform === null && req.subject_motion === null && (req.music === null || req.music.action === 'remove');
  const edit = EDIT.test(norm) || rel || onlyRemoval;
  if (REPLACE.test(norm)) (req.edits ??= {}).replace = true;
  const exp = EXPORT.test(norm);
  const credits = CREDITS.test(norm) && !CREDITS_NOT.test(norm);
  const status = STATUS.test(norm);
  const upload = UPLOAD.test(norm);
  if (create) return 'generate';
  if (credits) return 'credits';
  const core = coreExtracted(req);
  const modify = (): Intent => (edit ? 'edit' : 'generate');
  if (exp) return core ? modify() : 'export';
  if (upload) return core ? modify() : 'upload';
  if (status) return core ? modify() : 'status';
  if (extracted) return modify();
  if (HELP.test(norm)) return 'help';
  if (EDIT.test(norm) && /[a-z\u4e00-\u9fff]{3,}/.test(norm)) return 'edit';
  return 'unknown';
};

export const consumeIntentWords = (scan: Scan): void => {
  scan.each(CONSUME, () => true, 64);
};
