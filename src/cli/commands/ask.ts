/**
 * `stillmotion ask "<message>" [--file photo…] [-o out.mp4] [--json]`: one turn, scriptable.
 * Uploads the files, routes and runs the message, and with -o exports and downloads the result.
 */
import { errorByCode, StillmotionError, type ErrorName } from '../../errors.js';
import { detectLanguage, route, type ExportFormat, type ExportQuality } from '../../client/router.js';
import type { ChatSession, TurnResult } from '../../client/workflow.js';
import { parse } from '../args.js';
import type { Io } from '../output.js';
import { CLIENT_FLAGS, makeSession, Presenter } from './chat.js';

const ASK_FLAGS = {
  ...CLIENT_FLAGS,
  file: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  quality: { type: 'string' },
} as const;

const FORMATS = ['mp4', 'webm', 'gif', 'mov'] as const;
const QUALITIES = ['high', 'medium', 'low'] as const;

export const askCommand = async (argv: string[], io: Io, signal?: AbortSignal): Promise<number> => {
  const json = argv.includes('--json');
  const p = new Presenter(io, json, 'en');
  let session: ChatSession | null = null;
  try {
    const { values, positionals } = parse(argv, ASK_FLAGS);
    const message = positionals.join(' ').trim();
    p.lang = values.lang === 'zh' || values.lang === 'en' ? values.lang : detectLanguage(message, 'en');
    if (message === '' && !(values.file as string[] | undefined)?.length) {
      throw new StillmotionError('INVALID_OPTION', 'no message given', { hint: 'stillmotion ask "animate this photo into a 5-second video" --file photo.jpg -o clip.mp4' });
    }
    const format = values.format as string | undefined;
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) throw new StillmotionError('INVALID_OPTION', `--format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
    const quality = values.quality as string | undefined;
    if (quality !== undefined && !(QUALITIES as readonly string[]).includes(quality)) throw new StillmotionError('INVALID_OPTION', `--quality: expected one of ${QUALITIES.join(', ')}, got "${quality}"`);
    const output = values.output as string | undefined;

    session = await makeSession(values, io, p, signal);
    await session.start();
    const files = (values.file as string[] | undefined) ?? [];
    if (files.length) await session.upload(files);

    let reply: TurnResult | null = null;
    let exported: string | null = null;
    const doExport = async (f?: ExportFormat, q?: ExportQuality) => {
      const r = await session!.exportVideo({ output, format: (format as ExportFormat | undefined) ?? f, quality: (quality as ExportQuality | undefined) ?? q });
      if (!r.ok) throw new StillmotionError('INVALID_DRAFT', p.lang === 'zh' ? '还没有可以导出的内容' : 'there is nothing to export yet', { hint: p.lang === 'zh' ? '先用 --file 添加照片，并描述想要的视频' : 'add a photo with --file and describe the video in the message' });
      exported = r.path;
    };
    const r = message === '' ? { kind: 'empty' as const } : route(message);
    /** A turn that failed or did not show its end: no export, and a non-zero exit for scripts. */
    const unfinished = (t: TurnResult | null): StillmotionError | null => {
      if (!t || t.status === 'completed') return null;
      if (t.status === 'failed') {
        const kind = (t.errorCode !== null ? errorByCode(t.errorCode)?.name : undefined) ?? 'ENCODER_FAILED';
        return new StillmotionError(kind as ErrorName, p.lang === 'zh' ? '这一轮没有完成（见上面的回复）' : 'the turn failed (see the reply above)', { details: { code: t.errorCode } });
      }
      return new StillmotionError('TIMEOUT', p.lang === 'zh' ? '这一轮还没有结束' : 'the turn has not finished yet', {
        hint: `stillmotion ask status --session ${session!.sessionId} --api <url>`,
      });
    };
    if (r.kind === 'export') {
      if (r.instruction) reply = await session.send(r.instruction);
      const bad = unfinished(reply);
      if (bad) throw bad;
      await doExport(r.format, r.quality);
    } else {
      if (r.kind === 'agent') reply = await session.send(r.text);
      else if (r.kind !== 'empty') await session.handle(message);
      p.lang = session.lang;
      const bad = unfinished(reply);
      if (bad) throw bad;
      if (output !== undefined) await doExport();
    }
    p.event({ type: 'result', session_id: session.sessionId, task_id: session.taskId, reply: reply?.text ?? null, output: exported });
    return 0;
  } catch (e) {
    if (session) p.lang = session.lang;
    return p.error(e);
  } finally {
    await session?.close();
  }
};
