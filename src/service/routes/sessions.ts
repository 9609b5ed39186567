/** Sessions (a task holding a draft) and the state a client reads after every turn. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StillmotionError } from '../../errors.js';
import { emptyDraft, toCompact } from '../../timeline/index.js';
import { emptyDisplay, type StoredDisplay } from '../../agent/turn.js';
import { summaryIn } from '../../agent/display.js';
import type { MediaRow } from '../../store/store.js';
import type { Ctx } from '../context.js';
import { ok } from '../http.js';
import { claimInfo } from './auth.js';

/** `me` is the only user a path may name. */
export const checkMe = (user: string): void => {
  if (user !== 'me') throw new StillmotionError('SESSION_NOT_FOUND', 'no such session for this token', { hint: 'use "me" as the user in the path' });
};

export const mediaInfo = (ctx: Ctx, req: FastifyRequest, m: MediaRow) => ({
  media_id: m.id, name: m.name, kind: m.kind, mime: m.mime,
  ...(m.width !== null ? { width: m.width } : {}), ...(m.height !== null ? { height: m.height } : {}), ...(m.duration_ms !== null ? { duration_ms: m.duration_ms } : {}),
  size_bytes: m.size_bytes,
  ...(m.thumb ? { thumbnail_url: ctx.fileUrl(req, 'thumbs', m.thumb) } : {}),
  url: ctx.fileUrl(req, 'media', m.file),
});

export const sessionRoutes = (app: FastifyInstance, ctx: Ctx): void => {
  const { store } = ctx;

  app.post<{ Body: { task_name?: string; language?: string } | undefined }>('/api/tasks/me/with-session/nemo_agent', {
    schema: { body: { type: ['object', 'null'], properties: { task_name: { type: 'string', maxLength: 200 }, language: { type: 'string', maxLength: 16, pattern: '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$' } } } },
  }, async (req) => {
    const p = await ctx.auth.principal(req, 'write');
    if (p.sessionId) throw new StillmotionError('TOKEN_INVALID', 'this token opens one shared project only; it cannot start new ones', { hint: 'request an anonymous token of your own to start a project' });
    const name = req.body?.task_name?.trim() || 'Untitled';
    const s = await store.createSession(p.userId, name, req.body?.language ?? null, JSON.stringify(toCompact(emptyDraft())), JSON.stringify(emptyDisplay()));
    return ok({ task_id: s.taskId, session_id: s.sessionId });
  });

  app.get<{ Params: { user: string; sid: string } }>('/api/state/nemo_agent/:user/:sid/latest', async (req) => {
    const p = await ctx.auth.principal(req, 'read');
    checkMe(req.params.user);
    const s = await store.sessionOf(p, req.params.sid);
    const [media, generated, turn, claims, clipRows] = await Promise.all([store.mediaOf(s.id), store.generatedOf(s.id), store.lastTurn(s.id), store.claimsOf(s.id), store.clipsOf(s.id)]);
    const shown = JSON.parse(s.view) as StoredDisplay;
    const draft = JSON.parse(s.draft) as Record<string, unknown>;
    const thumbs = new Map(media.map((m) => [m.id, m.thumb]));
    const canvas = shown.canvas ?? emptyDisplay().canvas;
    // Every clip (a session from before clips has one: its draft), each with its latest preview.
    const activeId = s.active_clip ?? clipRows[0]?.id ?? 'clip1';
    const clipList = (clipRows.length ? clipRows : [{ id: activeId, position: 1, draft: s.draft, draft_version: s.draft_version, view: s.view }]).map((c, i) => {
      const v = JSON.parse(c.view) as StoredDisplay;
      const prev = [...generated].reverse().find((g) => g.kind === 'preview' && (g.clip_id ?? activeId) === c.id);
      const video = v.tracks.find((t) => t.kind === 'video');
      const ids = [...new Set((video?.items ?? []).flatMap((x) => (x.media_id ? [x.media_id] : [])))];
      const first = ids[0] ? media.find((m) => m.id === ids[0]) : undefined;
      return {
        id: c.id, position: i + 1, active: c.id === activeId, draft: JSON.parse(c.draft) as Record<string, unknown>, draft_version: c.draft_version,
        summary: v.summary, summaries: { en: v.summary, zh: summaryIn(v, 'zh') }, duration_ms: v.duration_ms, canvas_config: v.canvas ?? canvas,
        media_ids: ids, name: first ? first.name : null,
        ...(first?.thumb ? { thumbnail_url: ctx.fileUrl(req, 'thumbs', first.thumb) } : {}),
        preview: prev ? { id: prev.id, url: ctx.fileUrl(req, 'generated', prev.file), format: prev.format, width: prev.width, height: prev.height, duration_ms: prev.duration_ms } : null,
      };
    });
    return ok({
      state: {
        session_id: s.id, task_id: s.task_id, task_name: s.task_name, language: s.language,
        draft, draft_version: s.draft_version, summary: shown.summary, summaries: { en: shown.summary, zh: summaryIn(shown, 'zh') },
        timeline: {
          duration_ms: shown.duration_ms,
          tracks: shown.tracks.map((t) => ({
            kind: t.kind,
            items: t.items.map((i) => {
              const th = i.media_id && t.kind === 'video' ? thumbs.get(i.media_id) : null;
              return th ? { ...i, thumbnail_url: ctx.fileUrl(req, 'thumbs', th) } : i;
            }),
          })),
        },
        clips: clipList, active_clip: activeId,
        video_infos: media.map((m, i) => ({ ...mediaInfo(ctx, req, m), position: i + 1 })),
        canvas_config: canvas,
        // The newest previews only (as many as the server keeps per session): the list cannot grow without end.
        generated_media: generated.slice(-ctx.settings.keepPreviewsPerSession).map((g) => ({
          id: g.id, kind: g.kind, url: ctx.fileUrl(req, 'generated', g.file), format: g.format, width: g.width, height: g.height,
          duration_ms: g.duration_ms, size_bytes: g.size_bytes, created_at: new Date(g.created_at).toISOString(), turn_id: g.turn_id, clip_id: g.clip_id ?? activeId,
        })),
        last_turn: turn && { id: turn.id, status: turn.status, text: turn.text, created_at: new Date(turn.created_at).toISOString() },
        claims: claims.map(claimInfo),
      },
    });
  });
};
