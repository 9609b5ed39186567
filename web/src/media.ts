/** The drop zone (a button that opens the file picker), the uploads with their progress, and the media cards. */
import { ApiError, CODE, type Api } from './api';
import { h, icon, fill } from './dom';
import { bytes, duration, pct } from './format';
import { t } from './i18n';
import type { MediaInfo } from './types';

const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,image/gif,.jpg,.jpeg,.png,.webp,.heic,.heif,.gif,video/*,.mp4,.mov,.avi,.webm,.mkv,audio/*,.mp3,.wav,.m4a,.aac';
const PARALLEL = 2;

interface Upload {
  key: string;
  file: File;
  status: 'queued' | 'uploading' | 'processing' | 'done' | 'failed';
  progress: number;
  media?: MediaInfo;
  error?: string;
  localUrl?: string;
}

export class MediaView {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  readonly dropButton: HTMLButtonElement;
  #grid: HTMLUListElement;
  #count: HTMLElement;
  #uploads: Upload[] = [];
  #server: MediaInfo[] = [];
  #active = 0;
  /** An upload whose body is still on its way: the next one waits for it (drop order is upload order). */
  #sending = false;
  #seq = 0;
  /** Told when an upload finished (the project has new media). */
  onUploaded: () => void = () => {};

  constructor(private readonly api: Api) {
    this.input = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'sr-only', tabindex: -1, 'aria-hidden': 'true', id: 'file-input' });
    this.input.addEventListener('change', () => {
      if (this.input.files?.length) this.add([...this.input.files]);
      this.input.value = '';
    });
    this.dropButton = h('button', { type: 'button', class: 'dropzone', 'aria-describedby': 'drop-formats' },
      h('span', { class: 'dropzone-icon' }, icon('upload')),
      h('span', { class: 'dropzone-label' }, t('drop_label')),
      h('span', { class: 'dropzone-hint' }, t('drop_hint')),
      h('span', { class: 'dropzone-formats', id: 'drop-formats' }, t('drop_formats')),
    );
    this.dropButton.addEventListener('click', () => this.input.click());
    this.#grid = h('ul', { class: 'media-grid', 'aria-label': t('media_title') });
    this.#count = h('span', { class: 'muted small' });
    this.el = h('section', { class: 'card drop-card', 'aria-labelledby': 'welcome-title' },
      h('div', { class: 'welcome' },
        h('h1', { id: 'welcome-title', class: 'welcome-title' }, t('welcome_title')),
        h('p', { class: 'welcome-sub' }, t('welcome_sub')),
      ),
      h('div', { class: 'card-head media-head' }, h('h2', {}, t('media_title')), this.#count),
      this.dropButton,
      this.input,
      this.#grid,
    );
    this.#installDrop();
  }

  get hasMedia(): boolean {
    return this.#server.length > 0 || this.#uploads.some((u) => u.status === 'done');
  }

  get busy(): boolean {
    return this.#uploads.some((u) => u.status === 'queued' || u.status === 'uploading' || u.status === 'processing');
  }

  /** The media the server knows (state.video_infos). */
  setServerMedia(list: MediaInfo[]): void {
    this.#server = list;
    const known = new Set(list.map((m) => m.media_id));
    this.#uploads = this.#uploads.filter((u) => !(u.status === 'done' && u.media && known.has(u.media.media_id)));
    this.render();
  }

  reset(): void {
    this.#server = [];
    this.#uploads = this.#uploads.filter((u) => u.status !== 'done' && u.status !== 'failed');
    this.render();
  }

  add(files: File[]): void {
    for (const file of files) {
      const u: Upload = { key: `u${++this.#seq}`, file, status: 'queued', progress: 0 };
      if (/^image\/(jpeg|png|webp|gif)$/.test(file.type)) u.localUrl = URL.createObjectURL(file);
      this.#uploads.push(u);
    }
    this.render();
    this.#pump();
  }

  #pump(): void {
    while (this.#active < PARALLEL && !this.#sending) {
      const next = this.#uploads.find((u) => u.status === 'queued');
      if (!next) return;
      this.#active++;
      void this.#run(next).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #run(u: Upload): Promise<void> {
    u.status = 'uploading';
    this.render();
    const handle = this.api.upload(u.file, (f) => {
      u.progress = f;
      u.status = f >= 1 ? 'processing' : 'uploading';
      this.#updateCard(u);
    });
    this.#sending = true;
    void handle.sent.then(() => {
      this.#sending = false;
      this.#pump();
    });
    try {
      u.media = await handle.promise;
      u.status = 'done';
      this.onUploaded();
    } catch (e) {
      u.status = 'failed';
      u.error = describeUploadError(e);
    }
    this.render();
  }

  render(): void {
    const cards: HTMLLIElement[] = [];
    const shown = new Set<string>();
    for (const m of this.#server) {
      shown.add(m.media_id);
      cards.push(mediaCard(m));
    }
    for (const u of this.#uploads) {
      if (u.media && shown.has(u.media.media_id)) continue;
      cards.push(u.status === 'done' && u.media ? mediaCard(u.media) : uploadCard(u, () => this.#dismiss(u)));
    }
    fill(this.#grid, cards);
    const n = cards.filter((c) => !c.classList.contains('is-failed')).length;
    this.#count.textContent = n === 0 ? '' : n === 1 ? t('media_count_one') : t('media_count', { n });
    this.el.classList.toggle('has-media', n > 0);
  }

  #updateCard(u: Upload): void {
    const li = this.#grid.querySelector<HTMLLIElement>(`[data-key="${u.key}"]`);
    if (li) li.replaceWith(uploadCard(u, () => this.#dismiss(u)));
    else this.render();
  }

  #dismiss(u: Upload): void {
    this.#uploads = this.#uploads.filter((x) => x !== u);
    if (u.localUrl) URL.revokeObjectURL(u.localUrl);
    this.render();
    this.dropButton.focus();
  }

  #installDrop(): void {
    let depth = 0;
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
    window.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      document.body.classList.add('dragging');
    });
    window.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) document.body.classList.remove('dragging');
    });
    window.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    window.addEventListener('drop', (e) => {
      depth = 0;
      document.body.classList.remove('dragging');
      if (!hasFiles(e)) return;
      e.preventDefault();
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) this.add(files);
    });
  }
}

/** A server message as a sentence, so a following sentence reads right. */
const sentence = (s: string): string => (/[.!?。！？]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

const describeUploadError = (e: unknown): string => {
  if (e instanceof ApiError) {
    if (e.code === CODE.UNSUPPORTED) {
      const accepted = Array.isArray(e.data.accepted) ? (e.data.accepted as unknown[]).map(String) : [];
      return [sentence(e.message), accepted.length ? t('unsupported', { list: accepted.join(', ') }) : ''].filter(Boolean).join(' ');
    }
    if (e.code === CODE.TOO_LARGE) {
      // The server's message usually names the limit already; add it only when it does not.
      const limit = typeof e.data.limit_bytes === 'number' && !/\d/.test(e.message) ? bytes(e.data.limit_bytes) : '';
      return [sentence(e.message), limit ? t('too_large', { limit }) : t('too_large_hint')].join(' ');
    }
    if (e.code === CODE.OFFLINE) return t('offline');
    if (e.code === CODE.RATE_LIMITED) return t('rate_limited');
    return e.message;
  }
  return (e as Error).message ?? String(e);
};

const mediaMeta = (m: MediaInfo): string =>
  [m.width && m.height ? `${m.width}×${m.height}` : '', m.duration_ms ? duration(m.duration_ms) : '', bytes(m.size_bytes)].filter(Boolean).join(' · ');

const thumb = (url: string | undefined, kind: string, alt: string): HTMLElement =>
  url
    ? h('img', { class: 'media-thumb', src: url, alt, loading: 'lazy', decoding: 'async' })
    : h('span', { class: `media-thumb media-thumb-${kind}`, 'aria-hidden': 'true' }, icon(kind === 'audio' ? 'music' : kind === 'failed' ? 'alert' : 'film'));

const mediaCard = (m: MediaInfo): HTMLLIElement =>
  h('li', { class: `media-card kind-${m.kind}`, 'data-media-id': m.media_id },
    thumb(m.thumbnail_url, m.kind, m.name),
    h('span', { class: 'media-name', title: m.name }, m.name),
    h('span', { class: 'media-meta' }, mediaMeta(m)),
  );

const uploadCard = (u: Upload, onDismiss: () => void): HTMLLIElement => {
  const p = pct(u.progress * 100);
  const status =
    u.status === 'failed' ? u.error ?? t('upload_failed')
    : u.status === 'processing' ? t('processing')
    : u.status === 'uploading' || u.status === 'queued' ? t('uploading', { pct: p })
    : t('upload_ready');
  return h('li', { class: `media-card upload is-${u.status}`, 'data-key': u.key },
    thumb(u.status === 'failed' ? undefined : u.localUrl, u.status === 'failed' ? 'failed' : u.file.type.startsWith('audio') ? 'audio' : 'image', u.file.name),
    h('span', { class: 'media-name', title: u.file.name }, u.file.name),
    u.status === 'failed'
      ? h('span', { class: 'media-error', role: 'alert' }, icon('alert', 'icon icon-inline'), status)
      : h('span', { class: 'media-meta' }, status),
    u.status === 'uploading' || u.status === 'queued' || u.status === 'processing'
      ? h('span', { class: 'bar', role: 'progressbar', 'aria-label': u.file.name, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': p },
        h('span', { class: `bar-fill${u.status === 'processing' ? ' indeterminate' : ''}`, style: `width:${u.status === 'processing' ? 100 : p}%` }))
      : null,
    u.status === 'failed'
      ? h('button', { type: 'button', class: 'btn ghost icon-only media-dismiss', 'aria-label': `${t('dismiss')}: ${u.file.name}`, onclick: onDismiss }, icon('close'))
      : null,
  );
};
