/**
 * The brief's client workflow as one session object: set-up (server, token, session), routing of
 * each message, a turn over /run_sse with its recoveries (lost stream → poll the state, never
 * resend; silent turn → say what changed; 1002 → new session), credits, status, upload, and the
 * export flow (pre-check, submit, poll, download, one retry with a new id). It prints nothing:
 * everything the user could be told is reported through `onEvent` as a value.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { StillmotionError } from '../errors.js';
import { isApiError, type ApiClient, type ApiClientOptions, type Balance, type RenderJob, type RenderOutput, type SessionState, type StreamItem, type UploadedFile } from './api.js';
import { authenticate, resolveTarget, type Target } from './connect.js';
import { GuiTalkBuffer, type GuiAction } from './gui-talk.js';
import { detectLanguage, route, type ExportFormat, type ExportQuality, type Lang, type Route } from './router.js';
import { diffState, draftReady, segmentCounts, summaryFor, type StateChanges } from './state-diff.js';

// ---- events: what happened, as values ----

export type ClientEvent =
  | { type: 'setup'; api: string | null }
  | { type: 'ready'; server: 'embedded' | 'remote'; url: string; session_id: string; task_id: string; credits: number | null; token_source: 'env' | 'anonymous' }
  | { type: 'token_renewed' }
  | { type: 'rate_limited'; wait_s: number }
  | { type: 'session_renewed'; session_id: string; reuploaded: number }
  | { type: 'uploading'; files: string[] }
  | { type: 'uploaded'; files: UploadedFile[] }
  | { type: 'need_paths' }
  | { type: 'help' }
  | { type: 'turn_start'; text: string }
  | { type: 'text'; text: string }
  | { type: 'tool'; phase: 'call' | 'response'; name: string }
  | { type: 'progress'; name: string; progress: number; stage: string | null }
  | { type: 'working'; silent_s: number; progress: number | null }
  | { type: 'changes'; context: 'silent' | 'recovered'; changes: StateChanges; summary: string | null }
  | { type: 'stream_lost'; reason: string }
  | { type: 'poll'; attempt: number; of: number; wait_s: number }
  | { type: 'recovered'; status: 'completed' | 'failed' | 'running' | 'unknown'; text: string | null }
  | { type: 'suggest'; action: GuiAction }
  | { type: 'turn_done'; text: string; silent: boolean; recovered: boolean; status: TurnResult['status']; error_code: number | null }
  | { type: 'credits'; available: number; frozen: number; total: number }
  | { type: 'web_link'; url: string; expires_in: number }
  | { type: 'status'; summary: string | null; ready: boolean; media: number; segments: Record<'video' | 'audio' | 'text', number>; previews: number }
  | { type: 'export_not_ready' }
  | { type: 'export_submitted'; id: string; format: string; quality: string; attempt: number }
  | { type: 'export_progress'; id: string; status: string; progress: number }
  | { type: 'export_retry'; id: string; reason: string }
  | { type: 'exported'; path: string; id: string; format: string; width: number; height: number; duration_ms: number; size_bytes: number };

export interface Timing {
  /** No agent text for this long → a "still working…" event (then every 2× as long). */
  readonly quietMs: number;
  /** No bytes at all (not even a heartbeat) for this long → the stream counts as lost. */
  readonly idleMs: number;
  /** Waits between state polls after a lost stream (the brief: 30 s, then 60 s, up to 5 times). */
  readonly statePollsMs: readonly number[];
  /** Export status poll interval and the most polls (the brief: 30 s, 10 times). */
  readonly exportPollMs: number;
  readonly exportMaxPolls: number;
}

export const REMOTE_TIMING: Timing = { quietMs: 8000, idleMs: 45_000, statePollsMs: [30_000, 60_000, 60_000, 60_000, 60_000], exportPollMs: 30_000, exportMaxPolls: 10 };
/** A server on this machine may be polled faster (API.md); an export may take a while, so more polls. */
export const LOCAL_TIMING: Timing = { quietMs: 8000, idleMs: 45_000, statePollsMs: [500, 1000, 2000, 3000, 5000], exportPollMs: 500, exportMaxPolls: 1200 };

export interface SessionOptions {
  /** `--api URL`; else STILLMOTION_API_URL / NEMO_API_URL; else an embedded server. */
  readonly api?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly onEvent: (e: ClientEvent) => void;
  readonly signal?: AbortSignal;
  readonly timing?: Partial<Timing>;
  /** Where exports go when no file is named: `--out DIR`, else next to the first photo, else cwd. */
  readonly outDir?: string;
  readonly taskName?: string;
  /** Continue this session (from an earlier `ask`'s result) instead of creating one. */
  readonly sessionId?: string;
  /** Settings for an embedded server (tests). */
  readonly serverSettings?: Partial<import('../service/index.js').Settings>;
  readonly skill?: ApiClientOptions['skill'];
  readonly fetch?: typeof fetch;
}

export interface TurnResult {
  readonly text: string;
  readonly silent: boolean;
  readonly recovered: boolean;
  readonly actions: GuiAction[];
  /** How the turn ended: `running`/`unknown` only after a lost stream that did not show its end. */
  readonly status: 'completed' | 'failed' | 'running' | 'unknown';
  /** The code the agent gave a failed turn (e.g. 5001 when the preview render failed). */
  readonly errorCode: number | null;
}

export type ExportResult =
  | { ok: true; path: string; id: string; output: RenderOutput }
  | { ok: false; reason: 'not_ready' };

export interface ExportOptions {
  readonly format?: ExportFormat;
  readonly quality?: ExportQuality;
  /** An exact file (ask -o); otherwise a free name in the export folder. */
  readonly output?: string;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((res, rej) => {
  if (signal?.aborted) return rej(signal.reason);
  const t = setTimeout(() => { signal?.removeEventListener('abort', on); res(); }, ms);
  const on = () => { clearTimeout(t); rej(signal!.reason); };
  signal?.addEventListener('abort', on, { once: true });
});

/** Network failures that mean the request never reached the server (safe to report as unreachable). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export class ChatSession {
  readonly #o: SessionOptions;
  #timing: Timing;
  #target: Target | null = null;
  #api: ApiClient | null = null;
  #sessionId = '';
  #taskId = '';
  /** Local files uploaded in this session, kept to re-upload into a new session after 1002. */
  readonly #files: string[] = [];
  /** Renders submitted by this session: several clips exported in one millisecond get different ids. */
  #renders = 0;
  lang: Lang;

  constructor(o: SessionOptions, lang: Lang = 'en') {
    this.#o = o;
    this.lang = lang;
    this.#timing = { ...REMOTE_TIMING, ...(o.timing ?? {}) };
  }

  get sessionId(): string { return this.#sessionId; }
  get taskId(): string { return this.#taskId; }
  get uploaded(): readonly string[] { return this.#files; }

  #emit(e: ClientEvent): void {
    this.#o.onEvent(e);
  }

  get #client(): ApiClient {
    if (!this.#api) throw new StillmotionError('INTERNAL', 'the session is not set up: call start() first');
    return this.#api;
  }

  /** Set-up: server, token, session. */
  async start(): Promise<void> {
    const o = this.#o;
    this.#emit({ type: 'setup', api: o.api ?? o.env.STILLMOTION_API_URL ?? o.env.NEMO_API_URL ?? null });
    this.#target = await resolveTarget(o.api, o.env, o.serverSettings);
    try {
      if (this.#target.loopback) this.#timing = { ...LOCAL_TIMING, ...(o.timing ?? {}) };
      const id = await authenticate(this.#target.url, o.env, {
        skill: o.skill, fetch: o.fetch, signal: o.signal,
        onRateLimited: (s) => this.#emit({ type: 'rate_limited', wait_s: s }),
        onTokenRenewed: () => this.#emit({ type: 'token_renewed' }),
      });
      this.#api = id.api;
      if (o.sessionId) {
        this.#sessionId = o.sessionId;
        const st = await this.#withSession((sid) => this.#client.state(sid, o.signal)); // 1002 → a new one, and said so
        this.#taskId = st.task_id ?? '';
      } else await this.#newSession();
      this.#emit({
        type: 'ready', server: this.#target.embedded ? 'embedded' : 'remote', url: this.#target.url,
        session_id: this.#sessionId, task_id: this.#taskId, credits: id.credits, token_source: id.source,
      });
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    const t = this.#target;
    this.#target = null;
    await t?.close();
  }

  async #newSession(): Promise<void> {
    const s = await this.#client.createSession(this.#o.taskName ?? `stillmotion ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`, undefined, this.#o.signal);
    this.#sessionId = s.session_id;
    this.#taskId = s.task_id;
  }

  /** 1002: the session is gone. A new one, with this session's photos uploaded again. */
  async #renewSession(): Promise<void> {
    await this.#newSession();
    const files = this.#files.filter(isFile);
    if (files.length) await this.#client.upload(this.#sessionId, files, this.#o.signal);
    this.#emit({ type: 'session_renewed', session_id: this.#sessionId, reuploaded: files.length });
  }

  /** Runs `fn` with the session id; on 1002 makes a new session and runs it once more (safe: nothing ran). */
  async #withSession<T>(fn: (sid: string) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#sessionId);
    } catch (e) {
      if (!isApiError(e, 1002)) throw e;
      await this.#renewSession();
      return fn(this.#sessionId);
    }
  }

  // ---- routing ----

  /** One chat message: routed, then handled. Returns false when the user asked to leave. */
  async handle(message: string): Promise<{ route: Route; quit: boolean }> {
    const r = route(message, { exists: (p) => isFile(resolve(this.#o.cwd, p.replace(/^~(?=\/)/, this.#o.env.HOME ?? '~'))) });
    if (r.kind !== 'empty' && r.kind !== 'upload') this.lang = detectLanguage(message, this.lang);
    switch (r.kind) {
      case 'empty': break;
      case 'quit': return { route: r, quit: true };
      case 'help': this.#emit({ type: 'help' }); break;
      case 'credits': await this.credits(); break;
      case 'status': await this.status(); break;
      case 'web': await this.webLink(); break;
      case 'upload': {
        if (r.instruction) this.lang = detectLanguage(r.instruction, this.lang);
        // A file already uploaded in this session, named in a message ("make beach.jpg pan left"),
        // is a reference to that photo: the whole message goes to the agent, nothing is uploaded again.
        const fresh = r.paths.filter((p) => !this.#files.includes(resolve(this.#o.cwd, this.#o.env.HOME ? p.replace(/^~(?=\/)/, this.#o.env.HOME) : p)));
        if (r.paths.length && fresh.length === 0 && r.instruction) {
          this.lang = detectLanguage(message, this.lang);
          await this.send(message);
          break;
        }
        if (r.paths.length === 0) this.#emit({ type: 'need_paths' });
        else await this.upload(fresh.length ? fresh : r.paths);
        if (r.instruction) await this.send(r.instruction);
        break;
      }
      case 'export':
        if (r.instruction) await this.send(r.instruction);
        if (r.all) await this.exportAll({ format: r.format, quality: r.quality });
        else await this.exportVideo({ format: r.format, quality: r.quality });
        break;
      case 'agent': await this.send(r.text); break;
    }
    return { route: r, quit: false };
  }

  // ---- the simple calls ----

  async credits(): Promise<Balance> {
    const b = await this.#client.balance(this.#o.signal);
    this.#emit({ type: 'credits', available: b.available, frozen: b.frozen, total: b.total });
    return b;
  }

  /** A link that opens this project in the web workspace (a claim token: it grants no API access). */
  async webLink(): Promise<string> {
    const c = await this.#withSession((sid) => this.#client.claimToken(this.#taskId, sid, this.#o.signal));
    const url = new URL(c.url ?? `/workspace/claim?ct=${encodeURIComponent(c.claim_token)}`, `${this.#client.baseUrl}/`).href;
    this.#emit({ type: 'web_link', url, expires_in: c.expires_in });
    return url;
  }

  async state(): Promise<SessionState> {
    return this.#withSession((sid) => this.#client.state(sid, this.#o.signal));
  }

  async status(): Promise<SessionState> {
    const s = await this.state();
    // Several clips: one line each, numbered in upload order (a server without clips sends none).
    const clips = s.clips ?? [];
    const summary = clips.length > 1
      ? clips.map((c, i) => `${c.active ? '*' : ' '}${i + 1}. ${(this.lang === 'zh' ? c.summaries?.zh : undefined) ?? c.summary ?? ''}`).join('\n')
      : summaryFor(s, this.lang);
    this.#emit({
      type: 'status', summary, ready: draftReady(s.draft), media: s.video_infos?.length ?? 0,
      segments: segmentCounts(s.draft), previews: s.generated_media?.length ?? 0,
    });
    return s;
  }

  async upload(paths: readonly string[]): Promise<UploadedFile[]> {
    const home = this.#o.env.HOME;
    const abs = paths.map((p) => resolve(this.#o.cwd, home ? p.replace(/^~(?=\/)/, home) : p));
    for (const p of abs) {
      if (!existsSync(p)) throw new StillmotionError('INPUT_NOT_FOUND', `cannot read ${p}: no such file`, { details: { path: p } });
      if (!isFile(p)) throw new StillmotionError('INPUT_NOT_FOUND', `${p} is not a file`, { details: { path: p } });
    }
    this.#emit({ type: 'uploading', files: abs.map((p) => basename(p)) });
    const files = await this.#withSession((sid) => this.#client.upload(sid, abs, this.#o.signal));
    for (const p of abs) if (!this.#files.includes(p)) this.#files.push(p);
    this.#emit({ type: 'uploaded', files });
    return files;
  }

  // ---- a turn ----

  async #stateOrNull(): Promise<SessionState | null> {
    try {
      return await this.#client.state(this.#sessionId, this.#o.signal);
    } catch (e) {
      if (this.#o.signal?.aborted) throw e;
      return null;
    }
  }

  /** One message to the agent, its text streamed as `text` events; tool activity reported, not narrated. */
  async send(text: string): Promise<TurnResult> {
    const lang = (this.lang = detectLanguage(text, this.lang));
    const signal = this.#o.signal;
    const before = await this.#stateOrNull();
    this.#emit({ type: 'turn_start', text });
    let stream: AsyncGenerator<StreamItem, void, undefined>;
    try {
      stream = await this.#withSession((sid) => this.#client.runTurn(sid, text, { signal, idleMs: this.#timing.idleMs }));
    } catch (e) {
      // The connection broke after the request may have reached the server: it may be running. Never resend.
      if (e instanceof StillmotionError && e.kind === 'SERVER_UNREACHABLE' && !NOT_SENT.has(String(e.details.network))) {
        return this.#recover(before, e.message, '', []);
      }
      throw e;
    }

    const buf = new GuiTalkBuffer(lang);
    let shown = '';
    let streamed = ''; // text from partial events since the last complete one
    let completed = false;
    let errorCode: number | null = null;
    let lost: string | null = null;
    let lastText = Date.now();
    let nextQuiet = this.#timing.quietMs;
    let progress: number | null = null;
    const out = (s: string) => {
      if (s === '') return;
      shown += s;
      lastText = Date.now();
      nextQuiet = this.#timing.quietMs;
      this.#emit({ type: 'text', text: s });
    };
    const quiet = setInterval(() => {
      const silent = Date.now() - lastText;
      if (silent >= nextQuiet) {
        nextQuiet = silent + 2 * this.#timing.quietMs;
        this.#emit({ type: 'working', silent_s: Math.round(silent / 1000), progress });
      }
    }, Math.max(50, Math.min(1000, this.#timing.quietMs / 4)));
    try {
      for await (const item of stream) {
        if (item.kind === 'heartbeat') continue;
        const ev = item.event;
        const parts = ev.content?.parts ?? [];
        let textHere = '';
        for (const p of parts) {
          if ('text' in p && typeof p.text === 'string') textHere += p.text;
          else if ('function_call' in p && p.function_call) this.#emit({ type: 'tool', phase: 'call', name: p.function_call.name });
          else if ('function_response' in p && p.function_response) {
            const r = p.function_response.response ?? {};
            if (ev.partial && typeof r.progress === 'number') {
              progress = r.progress;
              this.#emit({ type: 'progress', name: p.function_response.name, progress: r.progress, stage: typeof r.stage === 'string' ? r.stage : null });
            } else this.#emit({ type: 'tool', phase: 'response', name: p.function_response.name });
          }
        }
        if (textHere) {
          if (ev.partial) {
            streamed += textHere;
            out(buf.push(textHere));
          } else if (streamed && textHere.startsWith(streamed)) {
            // The complete event repeats what streamed in pieces: show only what is new.
            out(buf.push(textHere.slice(streamed.length)));
            streamed = '';
          } else if (streamed && streamed.trim() === textHere.trim()) {
            streamed = '';
          } else {
            if (shown !== '' && !shown.endsWith('\n') && !buf.hasPending) out(buf.push('\n'));
            out(buf.push(textHere));
            streamed = '';
          }
        }
        if (ev.turn_complete) completed = true;
        if (ev.error_code !== undefined && Number.isFinite(Number(ev.error_code))) errorCode = Number(ev.error_code);
      }
    } catch (e) {
      if (signal?.aborted) throw new StillmotionError('CANCELLED', 'cancelled', { cause: e });
      lost = (e as Error).message;
    } finally {
      clearInterval(quiet);
    }
    out(buf.flush());
    for (const a of buf.actions) this.#emit({ type: 'suggest', action: a });
    if (!completed && lost === null) lost = 'the stream closed before the turn finished';
    if (lost !== null) return this.#recover(before, lost, shown, buf.actions);

    const silent = shown.trim() === '';
    if (silent) {
      const after = await this.#stateOrNull();
      this.#emit({ type: 'changes', context: 'silent', changes: diffState(before, after, this.lang), summary: summaryFor(after, this.lang) });
    }
    const status = errorCode === null ? 'completed' : 'failed';
    this.#emit({ type: 'turn_done', text: shown, silent, recovered: false, status, error_code: errorCode });
    return { text: shown, silent, recovered: false, actions: buf.actions, status, errorCode };
  }

  /** The stream is gone. Never resend: poll the state until the turn shows as done, then say what it did. */
  async #recover(before: SessionState | null, reason: string, shown: string, actions: GuiAction[]): Promise<TurnResult> {
    this.#emit({ type: 'stream_lost', reason });
    const waits = this.#timing.statePollsMs;
    const beforeTurn = before?.last_turn ?? null;
    let last: SessionState | null = null;
    let status: 'completed' | 'failed' | 'running' | 'unknown' = 'unknown';
    for (const [i, wait] of waits.entries()) {
      this.#emit({ type: 'poll', attempt: i + 1, of: waits.length, wait_s: wait / 1000 });
      await sleep(wait, this.#o.signal);
      const s = await this.#stateOrNull();
      if (!s) continue;
      last = s;
      const t = s.last_turn ?? null;
      const ours = t !== null && (beforeTurn === null || t.id !== beforeTurn.id || beforeTurn.status === 'running');
      if (ours && t.status !== 'running') {
        status = t.status;
        break;
      }
      if (ours) status = 'running';
      else if (!t && diffState(before, s).draftChanged) {
        status = 'completed'; // a server without last_turn: the draft moved, so the turn did its work
        break;
      }
    }
    let text: string | null = null;
    if ((status === 'completed' || status === 'failed') && last?.last_turn?.text) {
      const b = new GuiTalkBuffer(this.lang);
      text = b.push(last.last_turn.text) + b.flush();
      for (const a of b.actions) if (!actions.includes(a)) { actions.push(a); this.#emit({ type: 'suggest', action: a }); }
    }
    this.#emit({ type: 'recovered', status, text });
    if (last) this.#emit({ type: 'changes', context: 'recovered', changes: diffState(before, last, this.lang), summary: summaryFor(last, this.lang) });
    const full = text ?? shown;
    this.#emit({ type: 'turn_done', text: full, silent: full.trim() === '', recovered: true, status, error_code: null });
    return { text: full, silent: full.trim() === '', recovered: true, actions, status, errorCode: null };
  }

  // ---- export ----

  /** Where an export goes when the user named no file. */
  #exportPath(format: string): string {
    const first = this.#files[0];
    const dir = this.#o.outDir ? resolve(this.#o.cwd, this.#o.outDir) : first ? dirname(first) : this.#o.cwd;
    const stem = first ? basename(first, extname(first)) : 'stillmotion';
    for (let n = 1; ; n++) {
      const p = join(dir, `${stem}-video${n === 1 ? '' : `-${n}`}.${format}`);
      if (!existsSync(p)) return p;
    }
  }

  /** Where a clip's export goes: next to its photo (as uploaded from this machine), named after it. */
  #clipPath(photoName: string | null | undefined, format: string): string {
    const local = photoName ? this.#files.find((f) => basename(f) === photoName) : undefined;
    if (!photoName) return this.#exportPath(format);
    const dir = this.#o.outDir ? resolve(this.#o.cwd, this.#o.outDir) : local ? dirname(local) : this.#o.cwd;
    const stem = basename(photoName, extname(photoName)).replace(/[/\\]/g, '_') || 'stillmotion';
    for (let n = 1; ; n++) {
      const p = join(dir, `${stem}-video${n === 1 ? '' : `-${n}`}.${format}`);
      if (!existsSync(p)) return p;
    }
  }

  /** "export all": every clip of the session, each its own file next to its photo. */
  async exportAll(o: Omit<ExportOptions, 'output'> = {}): Promise<ExportResult[]> {
    const s = await this.state();
    const clips = (s.clips ?? []).filter((c) => draftReady(c.draft));
    if (clips.length <= 1) return [await this.exportVideo(o)];
    const format = o.format ?? 'mp4';
    const out: ExportResult[] = [];
    for (const c of clips) out.push(await this.exportVideo({ ...o, format, output: this.#clipPath(c.name, format) }, c.draft));
    return out;
  }

  /** Pre-check, submit, poll, download; one retry with a new id if the render or the download fails. */
  async exportVideo(o: ExportOptions = {}, clipDraft?: NonNullable<SessionState['draft']>): Promise<ExportResult> {
    const format = o.format ?? (o.output && /^\.(mp4|webm|gif|mov)$/i.test(extname(o.output)) ? extname(o.output).slice(1).toLowerCase() as ExportFormat : 'mp4');
    const quality = o.quality ?? 'high';
    const s = clipDraft ? { draft: clipDraft } : await this.state();
    if (!draftReady(s.draft)) {
      this.#emit({ type: 'export_not_ready' });
      return { ok: false, reason: 'not_ready' };
    }
    const dest = o.output ? resolve(this.#o.cwd, o.output) : this.#exportPath(format);
    let lastError: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const id = `render_${Date.now()}_${++this.#renders}${attempt > 1 ? `_${attempt}` : ''}`;
      try {
        const job = await this.#renderOnce(id, s.draft!, format, quality, attempt);
        if (!job.output) throw new StillmotionError('ENCODER_FAILED', `render ${id} completed without an output`);
        try {
          mkdirSync(dirname(dest), { recursive: true });
        } catch (e) {
          throw new StillmotionError('OUTPUT_NOT_WRITABLE', `cannot create ${dirname(dest)}: ${(e as Error).message}`);
        }
        await this.#client.download(id, dest, this.#o.signal);
        const out = job.output;
        this.#emit({ type: 'exported', path: dest, id, format: out.format, width: out.width, height: out.height, duration_ms: out.duration_ms, size_bytes: out.size_bytes });
        return { ok: true, path: dest, id, output: out };
      } catch (e) {
        lastError = e;
        // Not worth a second try: the tier, the draft, the session, our own disk, or the user.
        const final = e instanceof StillmotionError && ['EXPORT_REFUSED', 'INSUFFICIENT_CREDITS', 'SESSION_NOT_FOUND', 'INVALID_DRAFT', 'MEDIA_NOT_FOUND', 'OUTPUT_NOT_WRITABLE', 'CANCELLED', 'TOKEN_INVALID', 'SERVER_UNREACHABLE'].includes(e.kind);
        if (final || this.#o.signal?.aborted || attempt === 2) throw e;
        this.#emit({ type: 'export_retry', id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    throw lastError;
  }

  async #renderOnce(id: string, draft: NonNullable<SessionState['draft']>, format: string, quality: string, attempt: number): Promise<RenderJob> {
    const signal = this.#o.signal;
    let job = await this.#client.submitRender({ id, sessionId: this.#sessionId, draft, output: { format, quality } }, signal);
    this.#emit({ type: 'export_submitted', id, format, quality, attempt });
    let lastProgress = -1;
    for (let n = 0; ; n++) {
      if (job.status === 'completed') return job;
      if (job.status === 'failed') {
        const err = job.error;
        throw new StillmotionError('ENCODER_FAILED', `the export failed on the server${err ? `: ${err.message} (${err.code})` : ''}`, { details: { render_id: id, ...(err ? { server_code: err.code } : {}) } });
      }
      if (n >= this.#timing.exportMaxPolls) {
        throw new StillmotionError('TIMEOUT', `the export was still ${job.status} after ${n} checks`, { hint: 'say "export" again later, or check the web workspace', details: { render_id: id } });
      }
      await sleep(this.#timing.exportPollMs, signal);
      job = await this.#client.renderStatus(id, signal);
      const p = Math.round(job.progress ?? 0);
      if (p !== lastProgress || job.status === 'completed') {
        lastProgress = p;
        this.#emit({ type: 'export_progress', id, status: job.status, progress: p });
      }
    }
  }
}
