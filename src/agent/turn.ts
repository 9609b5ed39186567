/**
 * One chat turn: parse the message, apply it to the session's draft, and when the draft changed
 * in a way that shows, render a preview through the queue and add it to the generated media.
 * The turn reports itself as agent events (a value stream: the HTTP layer decides how to send
 * them). Credits: reserved before the render, charged when it completes, released otherwise.
 * Turns of one session run one after another; the same message sent while its turn runs joins it.
 * With several API processes on one database the same holds across them (the store's session
 * lock: a turn waits for one running on another process, or follows it when it is the same
 * message), and a turn whose process died while its previews render is adopted and finished by
 * another process (`adopt`, from the lease sweep).
 */
import { randomUUID } from 'node:crypto';
import { StillmotionError, toStillmotionError } from '../errors.js';
import { DEPTH_LABELS, depthOf, movesOf, type ShotDepthInfo } from '../engine/index.js';
import { parseInstruction, warmParser, type InstructionRequest } from '../language/index.js';
import { applyToClips, DEFAULTS, fromCompact, isEffectNote, isReady, keepResolvedEffects, planDraft, resolveDraft, toCompact, type Clip, type CompactDraft, type Draft, type MediaInfo } from '../timeline/index.js';
import { errorOfJob } from '../jobs/job.js';
import type { JobQueue } from '../jobs/queue.js';
import { newId, type Principal, type SessionRow, type Store, type TurnRow } from '../store/store.js';
import { describeChanges } from './changes.js';
import { T, languageOf, suggestions, type Lang } from './reply.js';
import { displayOf, summaryIn, type DraftDisplay } from './display.js';

// A chat's first sentence is parsed as fast as the rest (the parser's patterns compiled at load).
warmParser();

export type Part =
  | { readonly text: string }
  | { readonly function_call: { readonly id: string; readonly name: string; readonly args: Record<string, unknown> } }
  | { readonly function_response: { readonly id: string; readonly name: string; readonly response: Record<string, unknown> } };

export interface AgentEvent {
  readonly id: string;
  readonly invocation_id: string;
  readonly author: 'nemo_agent';
  readonly timestamp: number;
  readonly content: { readonly role: 'model'; readonly parts: readonly Part[] };
  readonly partial?: boolean;
  readonly turn_complete?: boolean;
  readonly error_code?: string;
  readonly error_message?: string;
}

/** A running (or finished) turn's events: replayed to anyone who joins, then live. */
export class TurnRun {
  readonly events: AgentEvent[] = [];
  invocationId = newId('inv');
  done = false;
  private readonly listeners = new Set<(e: AgentEvent | null) => void>();

  emit(parts: Part[], extra: Partial<Pick<AgentEvent, 'partial' | 'turn_complete' | 'error_code' | 'error_message'>> = {}): void {
    const e: AgentEvent = { id: randomUUID(), invocation_id: this.invocationId, author: 'nemo_agent', timestamp: Date.now() / 1000, content: { role: 'model', parts }, ...extra };
    if (!e.partial) this.events.push(e);
    for (const l of this.listeners) l(e);
  }

  end(): void {
    this.done = true;
    for (const l of this.listeners) l(null);
    this.listeners.clear();
  }

  /** Replays the kept events, then live ones; `null` marks the end. */
  subscribe(fn: (e: AgentEvent | null) => void): () => void {
    for (const e of this.events) fn(e);
    if (this.done) { fn(null); return () => undefined; }
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** The draft's display form plus the move each shot got in its last plan. */
export interface StoredDisplay extends DraftDisplay { readonly moves: Readonly<Record<string, string>> }

export interface AgentDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  /** The session's media as the draft layer sees them, each photo with its analysis. */
  readonly media: (sessionId: string) => Promise<MediaInfo[]>;
  readonly turnCost: number;
  readonly previewSize: string;
  readonly turnTimeoutMs: number;
  /** A link to a stored file that works without the bearer token. */
  readonly link: (area: 'generated', file: string, origin: string) => string;
  readonly bindUrl: (p: Principal, origin: string) => string;
}

const COSTLY = new Set(['generate', 'edit']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The reply of a turn that renders, made before it renders: only the clips' lengths come from the renders. */
type Reply =
  | { readonly lang: Lang; readonly one: Omit<Parameters<typeof T.done>[1], 'seconds'> & { readonly clip: string } }
  | { readonly lang: Lang; readonly many: Omit<Parameters<typeof T.doneClips>[1], 'clips'> & { readonly clips: ReadonlyArray<Omit<Parameters<typeof T.doneClips>[1]['clips'][number], 'seconds'> & { readonly clip: string }> } };

const replyText = (r: Reply, seconds: Readonly<Record<string, number>>): string =>
  'one' in r ? T.done(r.lang, { ...r.one, seconds: seconds[r.one.clip] ?? 0 })
    : T.doneClips(r.lang, { ...r.many, clips: r.many.clips.filter((c) => c.clip in seconds).map((c) => ({ ...c, seconds: seconds[c.clip]! })) });

/**
 * What another API process needs to finish a turn whose process died while its previews render
 * (`turns.resume`, JSON): the credit hold, the preview jobs queued so far of `planned`, the reply.
 */
interface ResumeRecord {
  readonly hold: string | null;
  readonly cost: number;
  readonly planned: number;
  readonly renders: ReadonlyArray<{ readonly clip: string; readonly job: string }>;
  readonly reply: Reply;
}

export const emptyDisplay = (): StoredDisplay => ({ summary: 'Timeline (0 tracks): empty', summary_zh: '时间线（0 条轨道）：空', duration_ms: 0, canvas: { width: 1920, height: 1080, fps: 30, aspect: 'auto', background: '#000000', size: '1080p' }, tracks: [], moves: {} });

export const storedDisplayOf = (d: Draft, media: readonly MediaInfo[], moves: Readonly<Record<string, string>>, depth: Readonly<Record<string, ShotDepthInfo>> = {}): StoredDisplay =>
  ({ ...displayOf(d, media.map((m) => ({ id: m.mediaId, name: m.name ?? m.mediaId, duration_ms: m.durationMs ?? null, width: m.width ?? null, height: m.height ?? null })), moves, depth), moves });

export class Agent {
  private readonly runs = new Map<string, TurnRun>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private stopping = false;

  constructor(private readonly deps: AgentDeps) {}

  /** Turns in flight in this process. */
  get running(): number {
    return this.runs.size;
  }

  /** Answers that must come back as a JSON error before any stream opens (not enough credits). */
  async precheck(p: Principal, message: string, origin: string): Promise<void> {
    if (this.deps.turnCost <= 0) return;
    if (!COSTLY.has(parseInstruction(message).intent)) return;
    const b = await this.deps.store.balance(p.userId);
    if (b.available < this.deps.turnCost) throw this.noCredits(p, b.available, b.frozen, origin);
  }

  /** Whether this message would join a turn already running in the session (it then needs no credit check). */
  joinable(sessionId: string, message: string): boolean {
    const r = this.runs.get(`${sessionId}\n${message.trim()}`);
    return !!r && !r.done;
  }

  /** `joinable`, on any API process sharing the database (several processes: the running turn may be another's). */
  async joinableAnywhere(sessionId: string, message: string): Promise<boolean> {
    if (this.joinable(sessionId, message)) return true;
    return this.deps.store.owner !== null && this.deps.store.turns.runningWith(sessionId, message.trim());
  }

  /** Starts the turn, or joins the running turn of the same message in the same session. */
  /** `origin`: where the client reached us, for the links the turn hands out. */
  start(p: Principal, session: SessionRow, message: string, origin: string): { run: TurnRun; joined: boolean } {
    const key = `${session.id}\n${message.trim()}`;
    const existing = this.runs.get(key);
    if (existing && !existing.done) return { run: existing, joined: true };
    const run = new TurnRun();
    this.runs.set(key, run);
    const prev = this.tails.get(session.id);
    // Turns of one session run one after another; the previous one's failure was its own, reported
    // to its own stream, and does not stop this one. The user hears at once that this one waits.
    if (prev) run.emit([{ text: `${T.busy(languageOf(session.language, message))}\n` }]);
    const work = (prev ?? Promise.resolve()).catch(() => undefined).then(() => this.turn(p, session.id, message, run, origin)).finally(() => {
      run.end();
      if (this.runs.get(key) === run) this.runs.delete(key);
      if (this.tails.get(session.id) === work) this.tails.delete(session.id);
    });
    this.tails.set(session.id, work);
    return { run, joined: false };
  }

  /** Ends the waits for turns on other processes (a server stopping now): those turns end failed. */
  stopWaiting(): void {
    this.stopping = true;
  }

  private checkStopping(): void {
    if (this.stopping) throw new StillmotionError('CANCELLED', 'the server is stopping');
  }

  /** Resolves when every turn in flight has ended. */
  async drain(): Promise<void> {
    // Each turn reports its own failure on its stream; draining only waits.
    await Promise.all([...this.tails.values()].map((t) => t.catch(() => undefined)));
  }

  /**
   * Starts the turn's row. Alone on the database, the in-process order is enough. With several API
   * processes, a turn running on another one for the same session is waited for (polling its row;
   * a dead process's turn ends when its lease runs out), or followed when it is the same message.
   * Null: the turn was followed, and its end already sent.
   */
  private async begin(p: Principal, sessionId: string, message: string, run: TurnRun, origin: string): Promise<string | null> {
    const { store } = this.deps;
    if (store.owner === null) return store.startTurn(sessionId, message);
    const end = Date.now() + this.deps.turnTimeoutMs + 60_000;
    let told = false;
    for (;;) {
      const c = await store.claimTurn(sessionId, message);
      if ('started' in c) return c.started;
      if (c.running.message.trim() === message.trim()) {
        await this.follow(c.running, run, origin);
        return null;
      }
      this.checkStopping();
      if (Date.now() > end) throw new StillmotionError('TIMEOUT', 'the previous message in this project is still being worked on', { hint: 'send this message again when it is done' });
      if (!told) { told = true; run.emit([{ text: `${T.busy(languageOf(null, message))}\n` }]); }
      await sleep(250);
    }
  }

  /**
   * Follows a turn another process runs: the progress of its previews (every API process hears the
   * queue's events; the jobs are named in the turn's resume record), then its previews and its
   * final text when it ends.
   */
  private async follow(t: TurnRow, run: TurnRun, origin: string): Promise<void> {
    const { store, queue } = this.deps;
    run.invocationId = t.id;
    const heard = new Map<string, () => void>();
    let row: TurnRow | null = t;
    try {
      while (row && row.status === 'running') {
        this.checkStopping();
        let renders: ResumeRecord['renders'] = [];
        try { renders = row.resume ? (JSON.parse(row.resume) as ResumeRecord).renders : []; } catch { /* not there yet */ }
        for (const x of renders) {
          if (heard.has(x.job)) continue;
          const callId = randomUUID();
          let last = -1;
          heard.set(x.job, queue.onProgress(x.job, (pct, stage) => {
            const v = Math.floor(pct);
            if (v < last + 5 && v < 100) return;
            last = v;
            run.emit([{ function_response: { id: callId, name: 'render_preview', response: { status: 'running', progress: v, stage, clip_id: x.clip } } }], { partial: true });
          }));
        }
        await sleep(300);
        row = await store.turns.turn(t.id);
      }
    } finally {
      for (const off of heard.values()) off();
    }
    for (const g of (await store.generatedOf(t.session_id)).filter((x) => x.turn_id === t.id)) {
      run.emit([{ function_response: { id: randomUUID(), name: 'render_preview', response: { status: 'completed', id: g.id, clip_id: g.clip_id ?? null, url: this.deps.link('generated', g.file, origin), width: g.width, height: g.height, duration_ms: g.duration_ms } } }]);
    }
    let err: { code?: unknown; message?: unknown } = {};
    try { err = row?.error ? JSON.parse(row.error) as typeof err : {}; } catch { /* a plain text error */ }
    const text = row?.text ?? T.failed(languageOf(null, t.message), 'the turn ended without a reply', 5000);
    run.emit([{ text }], { turn_complete: true, ...(row?.status === 'failed' ? { error_code: String(err.code ?? 5000), error_message: String(err.message ?? row.error ?? '') } : {}) });
  }

  /**
   * Finishes a turn adopted from a process that died while its previews rendered: waits for its
   * preview jobs (rendered by the workers meanwhile), adds the previews, charges and completes it
   * with the reply it kept; otherwise fails it and releases its credits. Nobody holds its stream
   * any more: the client reads the result in the session's state.
   */
  adopt(t: TurnRow & { readonly resume: string }): Promise<void> {
    const prev = this.tails.get(t.session_id) ?? Promise.resolve();
    const work = prev.catch(() => undefined).then(() => this.resume(t)).finally(() => {
      if (this.tails.get(t.session_id) === work) this.tails.delete(t.session_id);
    });
    this.tails.set(t.session_id, work);
    return work;
  }

  private async resume(t: TurnRow & { readonly resume: string }): Promise<void> {
    const { store, queue } = this.deps;
    let r: ResumeRecord | null = null;
    try {
      r = JSON.parse(t.resume) as ResumeRecord;
      if (r.renders.length < r.planned) throw new StillmotionError('CANCELLED', 'the server stopped during this turn');
      const done = (await store.generatedOf(t.session_id)).filter((g) => g.turn_id === t.id);
      const seconds: Record<string, number> = {};
      for (const x of r.renders) {
        const had = done.find((g) => (g.clip_id ?? null) === x.clip) ?? (r.renders.length === 1 ? done[0] : undefined);
        if (had) { seconds[x.clip] = had.duration_ms / 1000; continue; }
        const timer = setTimeout(() => void queue.cancel(x.job, new StillmotionError('TIMEOUT', `the preview took longer than the turn's ${Math.round(this.deps.turnTimeoutMs / 1000)} s`)), this.deps.turnTimeoutMs);
        const row = await queue.wait(x.job).finally(() => clearTimeout(timer));
        if (row.status !== 'completed' || !row.output) throw errorOfJob(row.error ?? { code: 5000, message: 'the preview ended without a file' });
        const out = row.output;
        await store.addGenerated({ id: newId('gen'), session_id: t.session_id, turn_id: t.id, kind: 'preview', file: out.file, format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes, created_at: Date.now(), clip_id: x.clip });
        seconds[x.clip] = out.duration_ms / 1000;
      }
      await store.completeTurn(t.id, r.hold, replyText(r.reply, seconds), r.cost);
    } catch (e) {
      const err = toStillmotionError(e);
      if (r?.hold) await store.settle(r.hold, 'release').catch(() => undefined);
      const code = typeof err.details.code === 'number' ? err.details.code : err.code;
      const lang = r?.reply.lang ?? languageOf(null, t.message);
      const why = err.kind === 'INTERNAL' ? (lang === 'zh' ? '服务器出现意外错误' : 'an unexpected error happened on the server') : err.message;
      await store.finishTurn(t.id, 'failed', T.failed(lang, why, code), JSON.stringify({ code, message: why }), 0).catch(() => undefined);
    }
  }

  private noCredits(p: Principal, available: number, frozen: number, origin: string): StillmotionError {
    return new StillmotionError('INSUFFICIENT_CREDITS', `this needs ${this.deps.turnCost} credits; ${available} are available${frozen ? ` (${frozen} reserved by running work)` : ''}`, {
      hint: 'bind or register this client to get more credits', details: { bind_url: this.deps.bindUrl(p, origin), needed: this.deps.turnCost, available },
    });
  }

  private async turn(p: Principal, sessionId: string, message: string, run: TurnRun, origin: string): Promise<void> {
    const { store } = this.deps;
    let turnId = '';
    let hold: string | null = null;
    let lang: Lang = languageOf(null, message);
    const say = (text: string, extra: Parameters<TurnRun['emit']>[1] = {}) => run.emit([{ text }], { turn_complete: true, ...extra });
    try {
      const begun = await this.begin(p, sessionId, message, run, origin);
      if (begun === null) return;
      turnId = begun;
      run.invocationId = turnId;
      const session = await store.sessionOf(p, sessionId);
      lang = languageOf(session.language, message);
      const req = parseInstruction(message);
      const draft = fromCompact(JSON.parse(session.draft) as CompactDraft);
      const shown = JSON.parse(session.view) as StoredDisplay;
      const rows = await store.clipsOf(sessionId);

      // With several clips, status lists each (in upload order), and export speaks of all of them.
      const listed = rows.length > 1 ? { ...shown, summary: rows.map((r, i) => `${i + 1}. ${(JSON.parse(r.view) as StoredDisplay).summary}`).join('\n'), summary_zh: rows.map((r, i) => `${i + 1}. ${summaryIn(JSON.parse(r.view) as StoredDisplay, 'zh')}`).join('\n') } : shown;
      const answer = await this.answerWithoutRender(p, req, draft, req.intent === 'status' ? listed : shown, lang, Math.max(1, rows.length));
      if (answer !== null) {
        say(answer);
        await store.finishTurn(turnId, 'completed', answer, null, 0);
        return;
      }

      // The session's clips (a session from before clips is one clip: its draft).
      const activeId = session.active_clip ?? rows[0]?.id ?? 'clip1';
      const clips: Clip[] = rows.length ? rows.map((r) => ({ id: r.id, draft: fromCompact(JSON.parse(r.draft) as CompactDraft) })) : [{ id: activeId, draft }];
      const views = new Map<string, StoredDisplay>(rows.length ? rows.map((r) => [r.id, JSON.parse(r.view) as StoredDisplay]) : [[activeId, shown]]);
      const media = await this.deps.media(sessionId);
      const refs = media.map((m) => ({ mediaId: m.mediaId, kind: m.kind, ...(m.name ? { name: m.name } : {}) }));
      const applied = applyToClips({ clips, active: activeId, focus: session.focus ?? null, }, req, refs, message);
      // What the words made must pass the same schema as a draft sent to export (it is sent back
      // there): otherwise the turn fails with the field named, before anything is saved or reserved.
      for (const c of applied.clips) fromCompact(toCompact(c.draft));
      if (applied.clips.every((c) => c.draft.shots.length === 0)) {
        const text = applied.problems.length ? T.unchanged(lang, summaryIn(shown, lang), req.not_understood, applied.problems) : T.noMedia(lang);
        say(text);
        await store.finishTurn(turnId, 'completed', text, null, 0);
        return;
      }
      // An effect its photo cannot show (no sky) leaves the draft: what is stored, summarised and
      // edited next is what renders, and a clip left as it was is not rendered again (the note says why).
      const byId = new Map(media.map((m) => [m.mediaId, m]));
      const lookup = (id: string) => byId.get(id);
      let changed = applied.changed;
      const dropNotes: string[] = [];
      for (const c of applied.clips) {
        if (!changed.includes(c.id)) continue;
        const r = resolveDraft(c.draft, lookup, { size: this.deps.previewSize, ...DEFAULTS.preview });
        const kept = keepResolvedEffects(c.draft, r);
        if (kept === c.draft) continue;
        (c as { draft: Draft }).draft = kept;
        // The pruned draft resolves without these notes: they are kept for the reply here.
        dropNotes.push(...r.notes.filter(isEffectNote));
        const row = rows.find((x) => x.id === c.id);
        if (row && JSON.stringify(toCompact(kept)) === JSON.stringify(toCompact(fromCompact(JSON.parse(row.draft) as CompactDraft)))) changed = changed.filter((id) => id !== c.id);
      }
      const generated = await store.generatedOf(sessionId);
      const hasPreview = (id: string) => generated.some((g) => g.kind === 'preview' && (g.clip_id ?? activeId) === id);
      const toRender = changed.length ? [...changed]
        : !applied.problems.length && !hasPreview(applied.active) ? [applied.active] : [];
      if (toRender.length === 0) {
        const activeView = views.get(applied.active) ?? shown;
        if (applied.active !== activeId || applied.focus !== (session.focus ?? null) || applied.removed.length) {
          await store.saveClips(sessionId, { clips: applied.clips.map((c) => ({ id: c.id, draft: JSON.stringify(toCompact(c.draft)), view: JSON.stringify(views.get(c.id) ?? storedDisplayOf(c.draft, media, {})), changed: false })), active: applied.active, focus: applied.focus, reason: message });
        }
        // Nothing to render: the notes (people cannot be made to move, a place not found) are why.
        const text = T.unchanged(lang, summaryIn(activeView, lang), req.not_understood, [...new Set([...applied.problems, ...applied.notes, ...dropNotes])]);
        say(text);
        await store.finishTurn(turnId, 'completed', text, null, 0);
        return;
      }

      // Every decision for the previews is made here, before anything renders: the moves are read from the plans.
      const planned = toRender.map((id) => {
        const c = applied.clips.find((x) => x.id === id)!;
        const resolved = resolveDraft(c.draft, lookup, { size: this.deps.previewSize, ...DEFAULTS.preview });
        const plan = planDraft(resolved, lookup);
        return { id, draft: c.draft, resolved, plan, moves: movesOf(plan), depth: depthOf(plan) };
      });

      if (this.deps.turnCost > 0) {
        try {
          hold = await store.reserve(p.userId, this.deps.turnCost, turnId);
        } catch (e) {
          const err = toStillmotionError(e);
          const b = await store.balance(p.userId);
          const text = `${T.noCredits(lang, err.message, err.details)} ${this.deps.bindUrl(p, origin)}`;
          say(text, { error_code: String(err.code), error_message: err.message });
          await store.finishTurn(turnId, 'failed', text, JSON.stringify({ code: err.code, message: err.message, available: b.available }), 0);
          return;
        }
      }

      // 1. The edit.
      const callId = randomUUID();
      run.emit([{ function_call: { id: callId, name: 'edit_timeline', args: { instruction: message, request: req as unknown as Record<string, unknown> } } }]);
      const stored = new Map<string, StoredDisplay>();
      for (const c of applied.clips) {
        const pl = planned.find((x) => x.id === c.id);
        const old = views.get(c.id);
        // A clip not rendered this turn keeps its display (with the depth its last plan used).
        stored.set(c.id, pl ? storedDisplayOf(c.draft, media, pl.moves, pl.depth) : old && !changed.includes(c.id) ? old : storedDisplayOf(c.draft, media, old?.moves ?? {}));
      }
      const version = await store.saveClips(sessionId, {
        clips: applied.clips.map((c) => ({ id: c.id, draft: JSON.stringify(toCompact(c.draft)), view: JSON.stringify(stored.get(c.id)!), changed: changed.includes(c.id) || !rows.length })),
        active: applied.active, focus: applied.focus, reason: message,
      });
      const activeStored = stored.get(applied.active)!;
      // The reply names the depth each depth move used, or says it was made flat and why.
      const depthNotes = planned.flatMap((x) => Object.values(x.depth).flatMap((d: ShotDepthInfo) => (d.fallback ? [d.fallback] : d.depth ? [`${d.move} used ${DEPTH_LABELS[d.depth]}`] : [])));
      const notes = [...new Set([...applied.notes, ...dropNotes, ...planned.flatMap((x) => x.resolved.notes), ...depthNotes])];
      const clipList = applied.clips.map((c, i) => ({ id: c.id, position: i + 1, summary: stored.get(c.id)!.summary, active: c.id === applied.active }));
      run.emit([{ function_response: { id: callId, name: 'edit_timeline', response: { summary: activeStored.summary, notes, problems: applied.problems, clips: clipList, draft_version: version } } }]);

      // The reply, but for the clips' lengths: kept with the turn while it renders (ResumeRecord).
      const mediaMs = Object.fromEntries(media.filter((m) => m.durationMs).map((m) => [m.mediaId, m.durationMs!]));
      const sugg = suggestions(lang, applied.clips.find((c) => c.id === applied.active)!.draft, applied.clips.length);
      let reply: Reply;
      if (applied.clips.length === 1) {
        const pl = planned[0]!;
        const before = clips.find((c) => c.id === pl.id)?.draft;
        const changes = before && before.shots.length ? describeChanges(before, applied.clips[0]!.draft, lang, mediaMs) : [];
        reply = { lang, one: { clip: pl.id, moves: Object.values(pl.moves), changes, summary: summaryIn(activeStored, lang), notes, problems: applied.problems, suggestions: sugg } };
      } else {
        const lines = planned.map((pl) => {
          const i = applied.clips.findIndex((c) => c.id === pl.id);
          const c = applied.clips[i]!;
          const before = clips.find((x) => x.id === pl.id)?.draft;
          const changes = before && before.shots.length ? describeChanges(before, c.draft, lang, mediaMs) : [];
          return { clip: pl.id, n: i + 1, photos: c.draft.shots.map((x) => x.label ?? byId.get(x.mediaId)?.name ?? x.mediaId), moves: Object.values(pl.moves), changes, aspect: stored.get(pl.id)!.canvas.aspect };
        });
        reply = { lang, many: { total: applied.clips.length, clips: lines, summary: summaryIn(activeStored, lang), notes, problems: applied.problems, suggestions: sugg } };
      }
      const renders: Array<{ clip: string; job: string }> = [];

      // 2. The previews, one per changed clip.
      const shots = planned.reduce((n, x) => n + x.draft.shots.length, 0);
      run.emit([{ text: `${planned.length > 1 ? T.workingClips(lang, planned.length, this.deps.previewSize) : T.working(lang, shots, this.deps.previewSize)}\n` }]);
      const made: Array<{ id: string; seconds: number; moves: string[] }> = [];
      for (const pl of planned) {
        const renderId = randomUUID();
        const jobId = newId('prv');
        run.emit([{ function_call: { id: renderId, name: 'render_preview', args: { size: this.deps.previewSize, draft_version: version, clip_id: pl.id, plan: pl.plan as unknown as Record<string, unknown> } } }]);
        await store.createJob({ id: jobId, user_id: p.userId, session_id: sessionId, kind: 'preview', spec: { plan: pl.plan } });
        if (store.owner !== null) {
          renders.push({ clip: pl.id, job: jobId });
          const record: ResumeRecord = { hold, cost: hold ? this.deps.turnCost : 0, planned: planned.length, renders, reply };
          await store.turns.setResume(turnId, JSON.stringify(record));
        }
        let last = -1;
        const off = this.deps.queue.onProgress(jobId, (pct, stage) => {
          const v = Math.floor(pct);
          if (v < last + 5 && v < 100) return;
          last = v;
          run.emit([{ function_response: { id: renderId, name: 'render_preview', response: { status: 'running', progress: v, stage, clip_id: pl.id } } }], { partial: true });
        });
        const timer = setTimeout(() => this.deps.queue.cancel(jobId, new StillmotionError('TIMEOUT', `the preview took longer than the turn's ${Math.round(this.deps.turnTimeoutMs / 1000)} s`)), this.deps.turnTimeoutMs);
        this.deps.queue.enqueue(jobId, 'preview');
        const row = await this.deps.queue.wait(jobId).finally(() => { off(); clearTimeout(timer); });
        if (row.status !== 'completed' || !row.output) throw errorOfJob(row.error ?? { code: 5000, message: 'the preview ended without a file' });
        const out = row.output;
        const genId = newId('gen');
        await store.addGenerated({ id: genId, session_id: sessionId, turn_id: turnId, kind: 'preview', file: out.file, format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes, created_at: Date.now(), clip_id: pl.id });
        const url = this.deps.link('generated', out.file, origin);
        run.emit([{ function_response: { id: renderId, name: 'render_preview', response: { status: 'completed', id: genId, clip_id: pl.id, url, width: out.width, height: out.height, duration_ms: out.duration_ms } } }]);
        made.push({ id: pl.id, seconds: out.duration_ms / 1000, moves: Object.values(pl.moves) });
      }
      const text = replyText(reply, Object.fromEntries(made.map((m) => [m.id, m.seconds])));
      await store.completeTurn(turnId, hold, text, hold ? this.deps.turnCost : 0);
      hold = null;
      say(text);
    } catch (e) {
      const err = toStillmotionError(e);
      // Best effort on a turn that already failed: a hold or a turn row the database refuses now is
      // released or failed by the next start's recovery, and the user hears why either way.
      if (hold) await store.settle(hold, 'release').catch(() => undefined);
      const code = typeof err.details.code === 'number' ? err.details.code : err.code;
      // An unexpected error's own text (a path, a driver's message) is not the client's to read.
      const why = err.kind === 'INTERNAL' ? (lang === 'zh' ? '服务器出现意外错误' : 'an unexpected error happened on the server') : err.message;
      const text = T.failed(lang, why, code);
      say(text, { error_code: String(code), error_message: why });
      if (turnId) await store.finishTurn(turnId, 'failed', text, JSON.stringify({ code, message: why }), 0).catch(() => undefined);
    }
  }

  /** Questions get an answer, not a render: status, credits, export, upload, help. */
  private async answerWithoutRender(p: Principal, req: InstructionRequest, draft: Draft, shown: StoredDisplay, lang: Lang, clips = 1): Promise<string | null> {
    switch (req.intent) {
      case 'status': return T.status(lang, summaryIn(shown, lang));
      case 'credits': return T.credits(lang, await this.deps.store.balance(p.userId));
      case 'export': return T.export(lang, isReady(draft), summaryIn(shown, lang), clips);
      case 'upload': return T.upload(lang);
      case 'help': return T.help(lang);
      default: return null;
    }
  }
}
