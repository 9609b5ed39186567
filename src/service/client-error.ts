/**
 * What a client may read of a failure about one of its files: our own words, in the session's
 * language, naming the file by the name the user gave it, with the hint the CLI gives. The
 * engine's message (a path on the server, a decoder library's own words) is never passed on;
 * details are only the numbers and lists a client can act on.
 */
import { StillmotionError, isStillmotionError, type ErrorName } from '../errors.js';
import { ACCEPTED_AUDIO, ACCEPTED_IMAGES, ACCEPTED_VIDEO } from '../engine/index.js';

export type Lang = 'en' | 'zh';

/** The session's language when it has one, else the request's Accept-Language (Chinese or English). */
export const requestLang = (sessionLanguage: string | null, acceptLanguage: unknown): Lang => {
  if (sessionLanguage) return /^zh/i.test(sessionLanguage) ? 'zh' : 'en';
  const first = typeof acceptLanguage === 'string' ? /^\s*([A-Za-z]{2,3})/.exec(acceptLanguage)?.[1] : undefined;
  return first?.toLowerCase() === 'zh' ? 'zh' : 'en';
};

const ACCEPTED = [...ACCEPTED_IMAGES, ...ACCEPTED_VIDEO, ...ACCEPTED_AUDIO];
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const mp = (n: number) => `${(n / 1e6).toFixed(1)} MP`;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const HINT = {
  corrupt: { en: 'the file may be truncated or damaged: export or download it again', zh: '文件可能不完整或已损坏：请重新导出或重新下载' },
  unsupported: { en: `send one of: ${ACCEPTED.join(', ')}`, zh: `请上传以下格式之一：${ACCEPTED.join('、')}` },
  pixels: { en: 'resize it to fewer pixels and upload it again', zh: '请缩小图片尺寸后重新上传' },
  large: { en: 'export it at a lower quality or resize it, or compress or trim a clip', zh: '请降低画质或缩小尺寸，视频或音频请压缩或剪短' },
  timeout: { en: 'try again; a smaller file reads faster', zh: '请重试；文件越小读取越快' },
  server: { en: "try again; if it keeps failing, tell the server's operator", zh: '请重试；如果一直失败，请联系服务器管理员' },
} as const;

/**
 * A client-safe error about the file the user calls `name` (null: the render as a whole). Coded
 * errors keep their code; anything else becomes a 5000 without its text.
 */
export const clientError = (e: unknown, name: string | null, lang: Lang): StillmotionError => {
  const kind: ErrorName = isStillmotionError(e) ? e.kind : 'INTERNAL';
  const d = isStillmotionError(e) ? e.details : {};
  const zh = lang === 'zh';
  const file = name ? (zh ? `“${name}”` : name) : zh ? '渲染所用的文件' : 'a file of this render';
  const w = num(d.width), h = num(d.height);
  const pixelLimit = num(d.limit_pixels), byteLimit = num(d.limit_bytes);
  const make = (k: ErrorName, en: string, cn: string, hint?: { en: string; zh: string }, details: Record<string, unknown> = {}) =>
    new StillmotionError(k, zh ? cn : en, { ...(hint ? { hint: hint[lang] } : {}), details });
  switch (kind) {
    case 'CORRUPT_INPUT':
      return make(kind, `${file} could not be read: it may be truncated or damaged`, `无法读取${file}：文件可能不完整或已损坏`, HINT.corrupt);
    case 'UNSUPPORTED_TYPE':
      return make(kind, `${file} is not a photo, video or audio file we can read`, `${file}不是可以读取的照片、视频或音频文件`, HINT.unsupported, { accepted: ACCEPTED });
    case 'TOO_MANY_PIXELS': {
      const size = w && h ? ` ${w}x${h} (${mp(w * h)})` : '';
      const limit = pixelLimit ? (zh ? `，上限为 ${mp(pixelLimit)}` : `; the limit is ${mp(pixelLimit)}`) : '';
      return make(kind, `${file} has too many pixels${size ? ` (${size.trim()})` : ''}${limit}`, `${file}像素过多${size ? `（${size.trim()}）` : ''}${limit}`, HINT.pixels,
        { ...(w && h ? { width: w, height: h } : {}), ...(pixelLimit ? { limit_pixels: pixelLimit } : {}) });
    }
    case 'FILE_TOO_LARGE': {
      const limit = byteLimit ? (zh ? `，上限为 ${mb(byteLimit)}` : `; the limit is ${mb(byteLimit)}`) : '';
      return make(kind, `${file} is too large${limit}`, `${file}太大${limit}`, HINT.large, byteLimit ? { limit_bytes: byteLimit } : {});
    }
    case 'TIMEOUT':
      return make(kind, `${file} took too long to read`, `读取${file}超时`, HINT.timeout);
    case 'CANCELLED':
      return make(kind, 'the work was cancelled', '任务已取消');
    default: {
      const code = isStillmotionError(e) ? e.code : 5000;
      const k: ErrorName = kind === 'OUTPUT_NOT_WRITABLE' || kind === 'ENCODER_FAILED' || kind === 'ENCODER_MISSING' ? kind : 'INTERNAL';
      return make(k, `${file} could not be processed on the server (error ${code})`, `服务器无法处理${file}（错误 ${code}）`, HINT.server);
    }
  }
};

/**
 * Server paths out of a text a client will read: the data folder and the temporary folder, in
 * any spelling they appear (a last safety net; messages are written without them).
 */
export const redactPaths = (text: string, roots: readonly string[]): string => {
  let out = text;
  for (const r of roots) {
    if (r.length < 2) continue;
    out = out.split(r).join('…');
  }
  return out;
};
