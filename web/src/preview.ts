/** The preview player for the latest generated media, and the export panel (submit, poll, download). */
import { ApiError, type Api } from './api';
import { h, icon } from './dom';
import { bytes, duration, pct } from './format';
import { t } from './i18n';
import type { CompactDraft, GeneratedMedia, RenderJob } from './types';

const POLL_MS = 1000;
const MAX_POLLS = 60 * 20;

export const draftReady = (d: CompactDraft | null | undefined): boolean =>
  !!d && Array.isArray(d.t) && d.t.some((tr) => Array.isArray(tr.sg) && tr.sg.length > 0);

const latest = (list: GeneratedMedia[] | undefined): GeneratedMedia | null => {
  if (!list?.length) return null;
  const time = (g: GeneratedMedia) => (typeof g.created_at === 'number' ? g.created_at : Date.parse(g.created_at ?? '') || 0);
  return list.reduce((a, b) => (time(b) >= time(a) ? b : a));
};

export class PreviewView {
  readonly el: HTMLElement;
  readonly video: HTMLVideoElement;
  #stage: HTMLDivElement;
  #empty: HTMLDivElement;
  #overlay: HTMLDivElement;
  #overlayText: HTMLSpanElement;
  #overlayBar: HTMLSpanElement;
  #meta: HTMLParagraphElement;
  #format: HTMLSelectElement;
  #quality: HTMLSelectElement;
  #exportBtn: HTMLButtonElement;
  #exportStatus: HTMLParagraphElement;
  #report: ((line: string) => void) | null = null;
  #exportBar: HTMLSpanElement;
  #exportBarWrap: HTMLSpanElement;
  #download: HTMLAnchorElement;
  #currentId: string | null = null;
  #draft: CompactDraft | null = null;
  #exporting = false;
  #version: number | undefined;
  /** Told when an export ends (credits and state may have moved). */
  onExported: () => void = () => {};

  constructor(private readonly api: Api) {
    this.video = h('video', { class: 'preview-video', controls: true, playsinline: true, preload: 'metadata', 'aria-label': t('preview_title') });
    this.#empty = h('div', { class: 'preview-empty' }, icon('film', 'icon icon-xl'), h('span', {}, t('preview_empty')));
    this.#overlayText = h('span', {}, t('preview_rendering'));
    this.#overlayBar = h('span', { class: 'bar-fill indeterminate', style: 'width:100%' });
    this.#overlay = h('div', { class: 'preview-overlay', hidden: true },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), this.#overlayText, h('span', { class: 'bar' }, this.#overlayBar));
    this.#stage = h('div', { class: 'preview-stage is-empty' }, this.#empty, this.video, this.#overlay);
    this.#meta = h('p', { class: 'preview-meta muted small' });

    this.#format = h('select', { id: 'export-format' },
      ['mp4', 'webm', 'gif', 'mov'].map((f) => h('option', { value: f }, f.toUpperCase())));
    this.#quality = h('select', { id: 'export-quality' },
      (['high', 'medium', 'low'] as const).map((q) => h('option', { value: q }, t(`quality_${q}`))));
    this.#exportBtn = h('button', { type: 'button', class: 'btn primary export-btn' }, icon('download'), h('span', {}, t('export_button')));
    this.#exportBtn.addEventListener('click', () => void this.export());
    this.#exportBar = h('span', { class: 'bar-fill', style: 'width:0%' });
    this.#exportBarWrap = h('span', { class: 'bar export-bar', role: 'progressbar', 'aria-label': t('export_title'), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0, hidden: true }, this.#exportBar);
    this.#exportStatus = h('p', { class: 'export-status small', role: 'status', 'aria-live': 'polite' });
    this.#download = h('a', { class: 'btn success download-btn', hidden: true, download: '' }, icon('download'), h('span', {}, t('download')));

    this.el = h('section', { class: 'card preview-card', 'aria-labelledby': 'preview-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'preview-title' }, t('preview_title')), this.#meta),
      this.#stage,
      h('div', { class: 'export', role: 'group', 'aria-label': t('export_title') },
        h('div', { class: 'export-row' },
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('export_format')), this.#format),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('export_quality')), this.#quality),
          this.#exportBtn,
        ),
        this.#exportBarWrap,
        h('div', { class: 'export-done' }, this.#exportStatus, this.#download),
      ),
    );
    this.setDraft(null);
  }

  setDraft(d: CompactDraft | null | undefined, version?: number): void {
    this.#draft = d ?? null;
    // A clip asked to loop seamlessly plays round in the page as it will in a player.
    this.video.loop = this.#draft?.loop === true;
    if (version !== undefined && version !== this.#version && !this.#exporting) {
      // The draft changed since the last export: that file is no longer this project's video.
      if (this.#version !== undefined) {
        this.#download.hidden = true;
        this.#exportStatus.textContent = '';
      }
      this.#version = version;
    }
    this.#exportBtn.disabled = this.#exporting || !draftReady(this.#draft);
    this.#exportBtn.title = draftReady(this.#draft) ? '' : t('export_not_ready');
  }

  setMedia(list: GeneratedMedia[] | undefined): void {
    const g = latest(list);
    this.#stage.classList.toggle('is-empty', !g);
    if (!g) {
      this.#currentId = null;
      this.video.removeAttribute('src');
      this.#meta.textContent = '';
      return;
    }
    if (g.width && g.height) this.#stage.style.setProperty('--ar', `${g.width} / ${g.height}`);
    this.#stage.classList.toggle('is-landscape', !!g.width && !!g.height && g.width >= g.height);
    this.#meta.textContent = [g.width && g.height ? `${g.width}×${g.height}` : '', g.duration_ms ? duration(g.duration_ms) : ''].filter(Boolean).join(' · ');
    if (g.id === this.#currentId) return;
    this.#currentId = g.id;
    this.video.src = g.url;
    this.video.load();
  }

  /** Progress of the preview render during a turn (null hides it). */
  setRendering(progress: number | null | undefined, show: boolean): void {
    this.#overlay.hidden = !show;
    this.#stage.classList.toggle('is-rendering', show);
    if (!show) return;
    this.#overlayText.textContent = progress === null || progress === undefined ? t('preview_rendering') : `${t('preview_rendering')} ${pct(progress)}%`;
    this.#overlayBar.classList.toggle('indeterminate', progress === null || progress === undefined);
    this.#overlayBar.style.width = `${progress === null || progress === undefined ? 100 : pct(progress)}%`;
  }

  get exporting(): boolean {
    return this.#exporting;
  }

  /**
   * Submit the draft, poll until done, and offer the file; retries once with a new id on failure.
   * `report` hears every status line the panel shows (the chat's bubble follows the export with
   * it); the answer is the last line.
   */
  /** Switches the export format to the first of `formats` unless one of them is chosen already. */
  preferFormat(formats: readonly string[]): void {
    if (!formats.includes(this.#format.value)) this.#format.value = formats[0]!;
  }

  async export(report?: (line: string) => void): Promise<string> {
    this.#report = report ?? null;
    if (this.#exporting) return this.#status(t('export_pending'));
    if (!draftReady(this.#draft)) return this.#status(t('export_not_ready'));
    this.#exporting = true;
    this.#exportBtn.disabled = true;
    this.#download.hidden = true;
    this.#showProgress(0, 'pending');
    try {
      let job: RenderJob;
      try {
        job = await this.#runExport();
      } catch (e) {
        if (e instanceof ApiError && [402, 2001, 1001, 429, -1].includes(e.code)) throw e;
        this.#status(t('export_retrying'));
        job = await this.#runExport();
      }
      const out = job.output!;
      this.#download.href = out.url;
      this.#download.setAttribute('download', out.file_name || `stillmotion-video.${out.format || this.#format.value}`);
      this.#download.hidden = false;
      this.#exportBarWrap.hidden = true;
      const meta = [out.width && out.height ? `${out.width}×${out.height}` : '', out.duration_ms ? duration(out.duration_ms) : '', out.size_bytes ? bytes(out.size_bytes) : ''].filter(Boolean).join(' · ');
      return this.#status(`${t('export_done')} ${meta}`);
    } catch (e) {
      this.#exportBarWrap.hidden = true;
      return this.#status(t('export_failed', { msg: (e as Error).message }));
    } finally {
      this.#exporting = false;
      this.#report = null;
      this.setDraft(this.#draft);
      this.onExported();
    }
  }

  #status(line: string): string {
    this.#exportStatus.textContent = line;
    this.#report?.(line);
    return line;
  }

  async #runExport(): Promise<RenderJob> {
    const id = `render_${Date.now()}`;
    let job = await this.api.startExport(id, this.#draft, this.#format.value, this.#quality.value);
    for (let i = 0; i < MAX_POLLS && job.status !== 'completed' && job.status !== 'failed'; i++) {
      this.#showProgress(job.progress, job.status);
      await new Promise((r) => setTimeout(r, POLL_MS));
      job = await this.api.exportStatus(id);
    }
    if (job.status !== 'completed' || !job.output?.url) throw new Error(job.error?.message ?? job.status);
    this.#showProgress(100, 'completed');
    return job;
  }

  #showProgress(p: number, status: string): void {
    const v = pct(p);
    this.#exportBarWrap.hidden = false;
    this.#exportBarWrap.setAttribute('aria-valuenow', String(v));
    this.#exportBar.style.width = `${v}%`;
    this.#status(status === 'pending' ? t('export_pending') : t('export_progress', { pct: v }));
  }
}
