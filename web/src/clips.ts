/**
 * The session's clips side by side (issue 15): shown when the session holds more than one. Each
 * clip has its preview, its photo's name and shape, and an export of its own that ends in a
 * download of its own file; "Export all" runs them one after another.
 */
import type { Api } from './api';
import { h, icon, fill } from './dom';
import { bytes, duration, pct } from './format';
import { t } from './i18n';
import type { ClipInfo, RenderJob } from './types';

const POLL_MS = 1000;
const MAX_POLLS = 60 * 20;

interface Row { clip: ClipInfo; el: HTMLLIElement; status: HTMLSpanElement; link: HTMLAnchorElement; btn: HTMLButtonElement; video: HTMLVideoElement; busy: boolean; version?: number }

export class ClipsView {
  readonly el: HTMLElement;
  #list: HTMLUListElement;
  #allBtn: HTMLButtonElement;
  #rows = new Map<string, Row>();
  #seq = 0;
  /** Told when an export ends. */
  onExported: () => void = () => {};

  constructor(private readonly api: Api) {
    this.#list = h('ul', { class: 'batch-list', 'aria-label': t('clips_title') });
    this.#allBtn = h('button', { type: 'button', class: 'btn primary batch-export-all' }, icon('download'), h('span', {}, t('clips_export_all')));
    this.#allBtn.addEventListener('click', () => { void this.exportAll(); });
    this.el = h('section', { class: 'card batch-card', 'aria-labelledby': 'clips-title', hidden: true },
      h('div', { class: 'card-head' }, h('h2', { id: 'clips-title' }, t('clips_title')), this.#allBtn),
      this.#list);
  }

  /** The state's clips (in upload order); the strip shows only when there are two or more. */
  set(clips: ClipInfo[] | undefined): void {
    const list = clips ?? [];
    this.el.hidden = list.length < 2;
    const rows: HTMLLIElement[] = [];
    const seen = new Set<string>();
    for (const c of list) {
      seen.add(c.id);
      let r = this.#rows.get(c.id);
      if (!r) r = this.#row(c);
      else if (r.version !== c.draft_version && !r.busy) {
        // The clip changed since its export: that file is no longer this clip's video.
        r.link.hidden = true;
        r.status.textContent = '';
      }
      r.clip = c;
      r.version = c.draft_version;
      this.#fillRow(r);
      rows.push(r.el);
    }
    for (const id of [...this.#rows.keys()]) if (!seen.has(id)) this.#rows.delete(id);
    fill(this.#list, rows);
  }

  #row(c: ClipInfo): Row {
    const video = h('video', { class: 'batch-video', controls: true, playsinline: true, muted: true, preload: 'metadata' });
    const status = h('span', { class: 'batch-status small', role: 'status', 'aria-live': 'polite' });
    const link = h('a', { class: 'btn success batch-download', hidden: true, download: '' }, icon('download'), h('span', {}, t('download')));
    const btn = h('button', { type: 'button', class: 'btn batch-export' }, icon('download'), h('span', {}, t('export_button')));
    const el = h('li', { class: 'batch-clip', 'data-clip': c.id });
    const r: Row = { clip: c, el, status, link, btn, video, busy: false };
    btn.addEventListener('click', () => void this.#export(r));
    this.#rows.set(c.id, r);
    return r;
  }

  #fillRow(r: Row): void {
    const c = r.clip;
    const cv = c.canvas_config ?? {};
    r.el.classList.toggle('is-active', !!c.active);
    r.video.setAttribute('aria-label', t('clip_label', { n: c.position, name: c.name ?? '' }));
    r.video.loop = c.draft?.loop === true;
    if (c.preview?.url && r.video.getAttribute('src') !== c.preview.url) {
      r.video.src = c.preview.url;
      r.video.load();
    }
    const stage = h('div', { class: 'batch-stage' }, c.preview ? r.video : h('span', { class: 'muted small' }, t('clip_no_preview')));
    if (cv.width && cv.height) stage.style.setProperty('--ar', `${cv.width} / ${cv.height}`);
    const meta = [cv.aspect ?? '', c.duration_ms ? duration(c.duration_ms) : ''].filter(Boolean).join(' · ');
    fill(r.el,
      h('div', { class: 'batch-head' }, h('strong', {}, `${c.position}.`), h('span', { class: 'batch-name' }, c.name ?? ''), h('span', { class: 'muted small' }, meta)),
      stage,
      h('div', { class: 'batch-actions' }, r.btn, r.link, r.status));
    r.btn.disabled = r.busy;
  }

  /** Every clip in turn; answers a line for the chat (how many files are ready). */
  async exportAll(): Promise<string> {
    this.#allBtn.disabled = true;
    try {
      for (const r of this.#rows.values()) if (!r.busy) await this.#export(r);
    } finally {
      this.#allBtn.disabled = false;
    }
    const ready = [...this.#rows.values()].filter((r) => !r.link.hidden).length;
    return t('clips_exported', { n: ready, total: this.#rows.size });
  }

  async #export(r: Row): Promise<void> {
    if (r.busy) return;
    r.busy = true;
    r.btn.disabled = true;
    r.link.hidden = true;
    r.status.textContent = t('export_pending');
    try {
      let job: RenderJob;
      try {
        job = await this.#run(r);
      } catch {
        r.status.textContent = t('export_retrying');
        job = await this.#run(r);
      }
      const out = job.output!;
      r.link.href = out.url;
      r.link.setAttribute('download', out.file_name || `stillmotion-video.${out.format}`);
      r.link.hidden = false;
      r.status.textContent = [out.width && out.height ? `${out.width}×${out.height}` : '', out.size_bytes ? bytes(out.size_bytes) : ''].filter(Boolean).join(' · ');
    } catch (e) {
      r.status.textContent = t('export_failed', { msg: (e as Error).message });
    } finally {
      r.busy = false;
      r.btn.disabled = false;
      this.onExported();
    }
  }

  async #run(r: Row): Promise<RenderJob> {
    const id = `render_${Date.now()}_${++this.#seq}`;
    let job = await this.api.startExport(id, r.clip.draft, 'mp4', 'high');
    for (let i = 0; i < MAX_POLLS && job.status !== 'completed' && job.status !== 'failed'; i++) {
      r.status.textContent = job.status === 'pending' ? t('export_pending') : t('export_progress', { pct: pct(job.progress) });
      await new Promise((res) => setTimeout(res, POLL_MS));
      job = await this.api.exportStatus(id);
    }
    if (job.status !== 'completed' || !job.output?.url) throw new Error(job.error?.message ?? job.status);
    return job;
  }
}
