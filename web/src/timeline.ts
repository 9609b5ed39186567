/** The draft's tracks as rows (from state.timeline), with the one-line summary above them. */
import { h, icon, fill } from './dom';
import { at, depthName, duration, moveName } from './format';
import { lang, t } from './i18n';
import type { TimelineItem, TimelineTrack, TimelineDisplay as Timeline } from './types';

const PX_PER_S = 48;

export class TimelineView {
  readonly el: HTMLElement;
  #summary: HTMLParagraphElement;
  #body: HTMLDivElement;
  #total: HTMLSpanElement;

  constructor() {
    this.#summary = h('p', { class: 'summary', id: 'timeline-summary' });
    this.#total = h('span', { class: 'muted small' });
    this.#body = h('div', { class: 'tl-body' });
    this.el = h('section', { class: 'card timeline-card', 'aria-labelledby': 'timeline-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'timeline-title' }, t('timeline_title')), this.#total),
      this.#summary,
      this.#body,
    );
    this.render(null, '');
  }

  render(tl: Timeline | null | undefined, summary: string | undefined): void {
    const tracks = (tl?.tracks ?? []).filter((tr) => tr.items.length > 0);
    this.#summary.textContent = summary ?? '';
    this.#summary.hidden = !summary || tracks.length === 0;
    if (!tl || tracks.length === 0) {
      this.#total.textContent = '';
      fill(this.#body, h('p', { class: 'empty' }, t('timeline_empty')));
      this.el.classList.add('is-empty');
      return;
    }
    this.el.classList.remove('is-empty');
    const total = Math.max(tl.duration_ms, ...tracks.flatMap((tr) => tr.items.map((i) => i.start_ms + i.duration_ms)), 1);
    this.#total.textContent = t('timeline_total', { dur: duration(total) });
    const lane = `${Math.ceil((total / 1000) * PX_PER_S)}px`;
    fill(this.#body,
      h('div', { class: 'tl-scroll', tabindex: 0, role: 'group', 'aria-label': t('timeline_title') },
        h('div', { class: 'tl-grid', style: `--lane:${lane};--secs:${total / 1000}` },
          h('div', { class: 'tl-label tl-corner', 'aria-hidden': 'true' }),
          ruler(total),
          tracks.flatMap((tr) => trackRow(tr, total)),
        ),
      ),
    );
  }
}

const ruler = (total: number): HTMLElement => {
  const s = total / 1000;
  const step = s <= 8 ? 1 : s <= 20 ? 2 : s <= 60 ? 5 : s <= 180 ? 15 : 30;
  const ticks: HTMLElement[] = [];
  for (let x = 0; x <= s + 1e-6; x += step) {
    ticks.push(h('span', { class: 'tick', style: `left:${(x / s) * 100}%` }, `${x}s`));
  }
  return h('div', { class: 'tl-ruler', 'aria-hidden': 'true' }, ticks);
};

const KIND: Record<TimelineTrack['kind'], { label: () => string; icon: string }> = {
  video: { label: () => t('track_video'), icon: 'film' },
  audio: { label: () => t('track_audio'), icon: 'music' },
  text: { label: () => t('track_text'), icon: 'text' },
};

/** Items that overlap in time go on separate sub-rows. */
const rows = (items: TimelineItem[]): TimelineItem[][] => {
  const out: { end: number; items: TimelineItem[] }[] = [];
  for (const it of [...items].sort((a, b) => a.start_ms - b.start_ms)) {
    const row = out.find((r) => r.end <= it.start_ms + 1);
    if (row) {
      row.items.push(it);
      row.end = it.start_ms + it.duration_ms;
    } else out.push({ end: it.start_ms + it.duration_ms, items: [it] });
  }
  return out.map((r) => r.items);
};

const trackRow = (tr: TimelineTrack, total: number): HTMLElement[] => {
  const k = KIND[tr.kind] ?? { label: () => tr.kind, icon: 'film' };
  const sub = rows(tr.items);
  return [
    h('div', { class: `tl-label kind-${tr.kind}`, style: `grid-row: span ${sub.length}` }, icon(k.icon), h('span', {}, k.label())),
    ...sub.map((items) =>
      h('ul', { class: `tl-lane kind-${tr.kind}`, 'aria-label': k.label() }, items.map((it) => clip(tr.kind, it, total))),
    ),
  ];
};

const clip = (kind: TimelineTrack['kind'], it: TimelineItem, total: number): HTMLLIElement => {
  const range = t('clip_range', { from: at(it.start_ms), to: at(it.start_ms + it.duration_ms) });
  const style = `left:${(it.start_ms / total) * 100}%;width:${(it.duration_ms / total) * 100}%`;
  const words = it.text ?? it.label ?? '';
  let title: string;
  let body: (HTMLElement | string)[];
  if (kind === 'video') {
    // "Dolly in · depth from the iPhone"
    const move = it.move ? [moveName(it.move), it.depth ? depthName(it.depth) : ''].filter(Boolean).join(' · ') : '';
    const fx = (it.effects ?? []).map((e) => e[lang]).join(', ');
    title = [it.label, range, duration(it.duration_ms), move, fx].filter(Boolean).join(' · ');
    body = [
      it.thumbnail_url ? h('img', { class: 'clip-thumb', src: it.thumbnail_url, alt: '', loading: 'lazy' }) : h('span', { class: 'clip-thumb' }),
      h('span', { class: 'clip-body' },
        h('span', { class: 'clip-title' }, it.label ?? ''),
        h('span', { class: 'clip-meta' }, h('span', { class: 'chip chip-time' }, duration(it.duration_ms)), move ? h('span', { class: 'chip chip-move' }, move) : '', fx ? h('span', { class: 'chip chip-fx' }, fx) : ''),
      ),
    ];
  } else if (kind === 'audio') {
    const vol = typeof it.volume === 'number' ? t('volume', { pct: Math.round(it.volume * 100) }) : '';
    title = [it.label, range, vol].filter(Boolean).join(' · ');
    body = [h('span', { class: 'clip-body' },
      h('span', { class: 'clip-title' }, it.label ?? t('track_audio')),
      h('span', { class: 'clip-meta' }, h('span', { class: 'chip' }, range), vol ? h('span', { class: 'chip chip-vol' }, vol) : ''),
    )];
  } else {
    title = [`“${words}”`, range, it.role ?? ''].filter(Boolean).join(' · ');
    body = [h('span', { class: 'clip-body' },
      h('span', { class: 'clip-title clip-words' }, `“${words}”`),
      h('span', { class: 'clip-meta' }, h('span', { class: 'chip chip-time' }, range)),
    )];
  }
  return h('li', { class: `clip clip-${kind}`, style, title, 'aria-label': title, 'data-item-id': it.id }, body);
};
