/** The workspace page: set-up (token, session, claim links), layout, and the flow of a chat turn. */
import './styles.css';
import { Api, ApiError, CODE, StreamLost } from './api';
import { BackgroundPicker } from './background';
import { MotionBrush } from './brush';
import { ChatView } from './chat';
import { fill, h, icon } from './dom';
import { wait as waitText } from './format';
import { lang, t } from './i18n';
import { MediaView } from './media';
import { PreviewView } from './preview';
import { ClipsView } from './clips';
import { TimelineView } from './timeline';
import { TurnView } from './turn';
import type { Credits, ProjectState } from './types';

const api = new Api();
const media = new MediaView(api);
const timeline = new TimelineView();
const preview = new PreviewView(api);
const clips = new ClipsView(api);
const chat = new ChatView();
const background = new BackgroundPicker();
const brush = new MotionBrush();
let state: ProjectState | null = null;

// ---- header: credits, share, new project -----------------------------------------------------

const creditsEl = h('p', { class: 'credits', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
const shareBtn = h('button', { type: 'button', class: 'btn ghost' }, icon('share'), h('span', { class: 'btn-label' }, t('share')));
const newBtn = h('button', { type: 'button', class: 'btn ghost icon-only', 'aria-label': t('new_project'), title: t('new_project') }, icon('plus'));
const notice = h('div', { class: 'notice', role: 'alert', hidden: true });

let lastCredits: Credits | null = null;
const creditsLine = (c: Credits): string =>
  `${t('credits')}: ${t('credits_available', { n: c.available })}${c.frozen > 0 ? ` · ${t('credits_frozen', { n: c.frozen })}` : ''}`;
const showCredits = (c: Credits | null): void => {
  if (!c) return;
  lastCredits = c;
  fill(creditsEl,
    icon('coin'),
    h('span', { class: 'credits-label' }, t('credits')),
    h('strong', { class: 'credits-available' }, t('credits_available', { n: c.available })),
    c.frozen > 0 ? h('span', { class: 'credits-frozen' }, t('credits_frozen', { n: c.frozen })) : null,
  );
  creditsEl.classList.toggle('is-frozen', c.frozen > 0);
};
const refreshCredits = async (): Promise<void> => {
  try {
    showCredits(await api.credits());
  } catch { /* the next refresh tries again */ }
};

/** A message above the work area; `action` adds a button (e.g. "Try again") next to it. */
const say = (msg: string | null, action?: { label: string; run: () => void }): void => {
  notice.hidden = !msg;
  notice.replaceChildren();
  if (!msg) return;
  const close = h('button', { type: 'button', class: 'btn ghost icon-only', 'aria-label': t('dismiss') }, icon('close'));
  close.addEventListener('click', () => say(null));
  const act = action ? h('button', { type: 'button', class: 'btn primary notice-action' }, action.label) : null;
  act?.addEventListener('click', action!.run);
  notice.append(icon('alert'), h('span', {}, msg), ...(act ? [act] : []), close);
};
const errorText = (e: unknown): string => {
  if (e instanceof ApiError) {
    if (e.code === CODE.OFFLINE) return t('offline');
    if (e.code === CODE.RATE_LIMITED) {
      // The weekly budget of new sessions per address: say what happened, how long, and what to do.
      if (e.data.reason === 'tokens_per_address') return t('token_limit', { limit: Number(e.data.limit) || 10, wait: waitText(e.retryAfterS ?? (Number(e.data.retry_after_s) || 0)) });
      return e.retryAfterS ? t('rate_limited_wait', { wait: waitText(e.retryAfterS) }) : t('rate_limited');
    }
    return e.message;
  }
  return (e as Error)?.message ?? String(e);
};

// ---- share dialog ----------------------------------------------------------------------------

const shareInput = h('input', { type: 'text', readonly: true, id: 'share-link', class: 'share-link', spellcheck: 'false' });
const copyBtn = h('button', { type: 'button', class: 'btn primary' }, t('copy'));
const closeBtn = h('button', { type: 'button', class: 'btn ghost' }, t('close'));
const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'share-title' },
  h('h2', { id: 'share-title' }, t('share_title')),
  h('p', { class: 'muted' }, t('share_help')),
  h('label', { for: 'share-link', class: 'field-label' }, t('share_link_label')),
  h('div', { class: 'share-row' }, shareInput, copyBtn),
  h('div', { class: 'dialog-actions' }, closeBtn),
);
closeBtn.addEventListener('click', () => dialog.close());
dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
copyBtn.addEventListener('click', async () => {
  shareInput.select();
  try {
    await navigator.clipboard.writeText(shareInput.value);
  } catch {
    document.execCommand('copy');
  }
  copyBtn.textContent = t('copied');
  setTimeout(() => (copyBtn.textContent = t('copy')), 1600);
});
shareBtn.addEventListener('click', async () => {
  shareBtn.disabled = true;
  try {
    const c = await api.claimToken();
    const path = c.url ?? `/workspace/claim?ct=${encodeURIComponent(c.claim_token)}`;
    shareInput.value = new URL(path, location.origin).href;
    dialog.showModal();
    shareInput.focus();
    shareInput.select();
  } catch (e) {
    say(t('error', { msg: errorText(e) }));
  } finally {
    shareBtn.disabled = false;
  }
});

newBtn.addEventListener('click', async () => {
  if (chat.busy) return;
  const hasWork = media.hasMedia || !!state?.timeline?.tracks?.some((tr) => tr.items.length);
  if (hasWork && !confirm(t('new_project_confirm'))) return;
  try {
    await api.newSession();
    startOver();
    await refresh();
  } catch (e) {
    say(t('error', { msg: errorText(e) }));
  }
});

// ---- project state -----------------------------------------------------------------------------

/** The one-line summary in the page's language. */
const summaryOf = (s: ProjectState | null | undefined): string | undefined => s?.summaries?.[lang] ?? s?.summary;

const render = (s: ProjectState | null): void => {
  media.setServerMedia(s?.video_infos ?? []);
  timeline.render(s?.timeline, summaryOf(s));
  preview.setDraft(s?.draft, s?.draft_version);
  brush.set(s?.draft, s?.timeline, s?.video_infos ?? []);
  background.show(typeof s?.draft?.bg === 'string' ? s.draft.bg : undefined);
  // The big preview shows the active clip's latest preview when the session has clips.
  const activeClip = s?.clips?.find((c) => c.active);
  preview.setMedia(activeClip?.preview && (s?.clips?.length ?? 0) > 1 ? (s?.generated_media ?? []).filter((g) => g.id === activeClip.preview!.id) : s?.generated_media);
  clips.set(s?.clips);
  document.body.classList.toggle('is-fresh', !media.hasMedia && !s?.timeline?.tracks?.some((tr) => tr.items.length));
};

// State requests are numbered: an answer older than the one on the page is dropped. A turn asks
// mid-way (the draft changed) and again at its end; were the first answer the slower, it would put
// back the timeline from before the render and take the new preview away.
let stateAsked = 0;
let stateShown = 0;
/** The project's state from the server, shown unless a later request's answer is on the page already. */
const loadState = async (): Promise<ProjectState> => {
  const n = ++stateAsked;
  const s = await api.state();
  if (n > stateShown) {
    stateShown = n;
    state = s;
    render(s);
  }
  return s;
};

const refresh = async (): Promise<ProjectState | null> => {
  try {
    await loadState();
  } catch (e) {
    say(t('error', { msg: errorText(e) }));
  }
  return state;
};

const startOver = (): void => {
  // Answers to requests made before starting over belong to the old project.
  stateShown = stateAsked;
  state = null;
  chat.clear();
  media.reset();
  render(null);
};
api.onSessionReplaced = () => startOver();
media.onUploaded = () => {
  document.body.classList.remove('is-fresh');
  chat.hint(null);
  void refreshCredits();
};
preview.onExported = () => void refreshCredits();
clips.onExported = () => void refreshCredits();

// ---- a chat turn -----------------------------------------------------------------------------

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** After a lost stream: poll the state until the turn is no longer running, then report its text. */
const recover = async (status = t('turn_lost')): Promise<string | null> => {
  chat.activity(null, status);
  for (let i = 0; i < 100; i++) {
    await wait(i < 5 ? 2000 : 5000);
    const s = await loadState().catch(() => null);
    if (s && s.last_turn?.status !== 'running') return s.last_turn?.text ?? null;
  }
  return null;
};

const routes: [RegExp, () => Promise<string | null>][] = [
  // "export all": every clip, each its own file (one download each in the clip strip).
  [/^((export|download)\s+(all|every\s+clip|all\s+(the\s+)?(clips|videos))|导出全部|全部导出|下载全部|全部下载)[.!。！]?$/i, async () => {
    const bubble = chat.agent();
    bubble.set(t('export_pending'), true);
    if ((state?.clips?.length ?? 0) > 1) bubble.set(await clips.exportAll());
    else bubble.set(await preview.export((line) => bubble.set(line, true)));
    return null;
  }],
  // The bubble follows the export to its end: progress, then the result (or why it failed).
  [/^(export|download|send me the video|导出|下载)[.!。！]?$/i, async () => {
    const bubble = chat.agent();
    bubble.set(t('export_pending'), true);
    bubble.set(await preview.export((line) => bubble.set(line, true)));
    return null;
  }],
  [/^(credits|balance|积分|余额)[?？]?$/i, async () => { await refreshCredits(); return lastCredits ? creditsLine(lastCredits) : null; }],
  [/^(status|show tracks|状态)[?？]?$/i, async () => summaryOf(await refresh()) || t('timeline_empty')],
];

/** Sends `text` as the user's message; the chat shows `shown` instead when given (a brush's short line). */
const send = async (text: string, shown?: string): Promise<void> => {
  if (chat.busy) return;
  say(null);
  chat.user(shown ?? text);
  const route = routes.find(([re]) => re.test(text.trim()));
  if (route) {
    const reply = await route[1]();
    if (reply) chat.agent(reply);
    return;
  }
  chat.busy = true;
  const before = summaryOf(state) ?? '';
  const turn = new TurnView();
  const bubble = chat.agent();
  bubble.set('', true);
  chat.activity(null, t('thinking'));
  const creditsTimer = setInterval(() => void refreshCredits(), 2500);
  void refreshCredits();
  try {
    await api.runTurn(text, (ev) => {
      if (!turn.apply(ev)) return;
      // The draft changed before the preview renders: show the new timeline right away.
      if (!ev.partial && ev.content?.parts?.some((p) => p.function_response?.name === 'edit_timeline')) void refresh();
      bubble.set(turn.text, !turn.complete);
      chat.activity(turn.activity, turn.complete ? null : t('thinking'));
      preview.setRendering(turn.activity?.progress, turn.activity?.tool === 'render_preview');
    });
    turn.finish();
    if (turn.error && !turn.text) bubble.set(t('error', { msg: turn.error }));
    const s = await refresh();
    if (!turn.text && !turn.error) {
      const after = summaryOf(s) ?? '';
      bubble.set(after && after !== before ? t('turn_changed', { summary: after }) : s?.last_turn?.text ?? t('turn_no_text'));
    } else bubble.set(turn.text || t('turn_done'));
  } catch (e) {
    if (e instanceof StreamLost) {
      const text = await recover();
      bubble.set(turn.text || text || t('turn_no_text'));
    } else if (e instanceof ApiError && e.code === CODE.CREDITS) {
      bubble.el.remove();
      const bind = typeof e.data.bind_url === 'string' ? e.data.bind_url : null;
      chat.note(`${t('credits_short')} ${e.message}`, bind ? { href: bind, label: t('credits_bind') } : undefined);
    } else {
      bubble.set(t('error', { msg: errorText(e) }));
    }
  } finally {
    clearInterval(creditsTimer);
    chat.busy = false;
    chat.activity(null);
    preview.setRendering(null, false);
    void refreshCredits();
  }
};

/** The page opened while a turn runs (reloaded, or opened elsewhere): wait for it and show its reply. */
const follow = async (): Promise<void> => {
  chat.busy = true;
  const bubble = chat.agent();
  bubble.set('', true);
  try {
    bubble.set((await recover(t('thinking'))) ?? t('turn_no_text'));
  } finally {
    chat.busy = false;
    chat.activity(null);
    void refreshCredits();
  }
};

chat.onSend = (text) => void send(text);
// The background picker speaks through the chat (the public API), like typed words.
background.onPick = (sentence, choice) => {
  if (choice === 'transparent') preview.preferFormat(['webm', 'mov']);
  void send(sentence);
};
// So does the motion brush: the painted area goes as words with its outline spelled out; the chat
// shows only what was asked ("Motion brush on photo 2: drift left"), not the corners.
brush.onApply = (sentence, label) => {
  // While a reply is coming the chat takes nothing: the brush keeps its paint (it used to clear it, and nothing was sent).
  if (chat.busy) return false;
  void send(sentence, label);
  return true;
};
chat.onExample = (text) => {
  if (media.hasMedia && !chat.busy) void send(text);
  else {
    chat.prefill(text);
    chat.hint(media.hasMedia ? null : t('example_needs_photo'));
  }
};

// ---- layout and start ------------------------------------------------------------------------

const mount = (): void => {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `Stillmotion — ${t('tagline')}`;
  const app = document.getElementById('app')!;
  app.replaceChildren(
    h('a', { href: '#chat-input', class: 'skip-link' }, t('chat_label')),
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, 'Stillmotion'), h('span', { class: 'tagline' }, t('tagline'))),
      h('div', { class: 'top-actions' }, creditsEl, shareBtn, newBtn),
    ),
    notice,
    h('main', { class: 'layout' },
      h('div', { class: 'col col-main' }, media.el, clips.el, brush.el, background.el, timeline.el),
      h('div', { class: 'col col-side' }, preview.el, chat.el),
    ),
    h('div', { class: 'drop-overlay', 'aria-hidden': 'true' }, h('div', {}, icon('upload', 'icon icon-xl'), h('span', {}, t('drop_active')))),
    dialog,
  );
  document.body.classList.add('is-fresh');
  render(null);
};

/** A token and a session, the project's state and the credits: the page is ready. */
const connect = async (app: HTMLElement): Promise<void> => {
  await api.ready();
  await Promise.all([refresh(), refreshCredits()]);
  // Reopened (or opened from a claim link): the last reply says where the project stands.
  if (state?.last_turn?.text && state.last_turn.status !== 'running') chat.agent(state.last_turn.text);
  delete app.dataset.blocked;
  app.dataset.ready = 'true';
};

/**
 * The page could not start: say what happened and what to do, and offer to try again. A refused
 * new session (429: this address's weekly budget of new tokens, or too many requests a minute)
 * says how long, and where the user can go on now; the rest of the page stays readable.
 */
const blocked = (app: HTMLElement, e: unknown): void => {
  const limited = e instanceof ApiError && e.code === CODE.RATE_LIMITED;
  app.dataset.blocked = limited ? (e.data.reason === 'tokens_per_address' ? 'tokens' : 'rate') : 'error';
  const retry = () => {
    say(null);
    chat.activity(null, t('connecting'));
    void connect(app).catch((again: unknown) => blocked(app, again)).finally(() => chat.activity(null));
  };
  say(limited ? `${t('blocked_title')} ${errorText(e)}` : t('error', { msg: errorText(e) }), { label: t('try_again'), run: retry });
};

const start = async (): Promise<void> => {
  mount();
  const app = document.getElementById('app')!;
  const url = new URL(location.href);
  const ct = url.pathname.startsWith('/workspace/claim') ? url.searchParams.get('ct') : null;
  chat.activity(null, ct ? t('claim_opening') : t('connecting'));
  try {
    if (ct) {
      // The claim token leaves the address bar before anything else happens.
      history.replaceState(null, '', '/workspace');
      try {
        await api.redeemClaim(ct);
      } catch (e) {
        say(t('claim_failed', { msg: errorText(e) }));
      }
    }
    await connect(app);
  } catch (e) {
    blocked(app, e);
  } finally {
    chat.activity(null);
    app.removeAttribute('aria-busy');
  }
  if (state?.last_turn?.status === 'running') await follow();
};

void start();
