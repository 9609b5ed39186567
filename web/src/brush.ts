/**
 * The motion brush (issue 14): on a photo of the clip, paint over the part that should move, drag
 * an arrow for the direction, pick the kind of motion and its strength, and apply. The painted area
 * is traced into a polygon (fractions of the photo) and sent as an ordinary chat instruction
 * ("motion brush on photo 2: flow right, strength 0.6, area 0.1 0.2, …"), so it goes through the
 * same public API and the same draft check as typed words. Mouse, pen and touch (pointer events),
 * and the keyboard: arrow keys move the brush over the photo, Shift+arrow paints along the way,
 * Space paints a dab, Shift+Space erases one; the direction and the rest are ordinary controls.
 */
import { h } from './dom';
import { t, type Key } from './i18n';
import type { CompactDraft, MediaInfo, TimelineDisplay } from './types';

export const BRUSH_KINDS = ['drift', 'flow', 'ripple', 'sway', 'rise'] as const;
export type BrushKind = (typeof BRUSH_KINDS)[number];
export const BRUSH_DIRECTIONS = ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right'] as const;
type Dir = (typeof BRUSH_DIRECTIONS)[number];

/** Cells across the painting grid (the polygon is traced on it). */
const GRID = 64;
/** At most this many corners are sent (the draft takes 64). */
const MAX_POINTS = 48;

type Pt = [number, number];

/** The direction of a drag (x right, y down), to the nearest of eight; null for a click. */
export const directionOf = (dx: number, dy: number): Dir | null => {
  if (Math.hypot(dx, dy) < 1e-3) return null;
  const names: Dir[] = ['right', 'down-right', 'down', 'down-left', 'left', 'up-left', 'up', 'up-right'];
  const k = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  return names[(k + 8) % 8]!;
};

/** Douglas–Peucker on a closed outline. */
const simplify = (pts: Pt[], eps: number): Pt[] => {
  if (pts.length < 4) return pts;
  const keep = new Uint8Array(pts.length);
  const dist = (p: Pt, a: Pt, b: Pt) => {
    const vx = b[0] - a[0], vy = b[1] - a[1], l = Math.hypot(vx, vy);
    return l === 0 ? Math.hypot(p[0] - a[0], p[1] - a[1]) : Math.abs(vx * (a[1] - p[1]) - vy * (a[0] - p[0])) / l;
  };
  const rec = (i: number, j: number) => {
    let best = -1, at = -1;
    for (let k = i + 1; k < j; k++) { const d = dist(pts[k]!, pts[i]!, pts[j]!); if (d > best) { best = d; at = k; } }
    if (best > eps) { keep[at] = 1; rec(i, at); rec(at, j); }
  };
  // Split the loop at its farthest point from the start.
  let far = 0, fd = -1;
  pts.forEach((p, k) => { const d = Math.hypot(p[0] - pts[0]![0], p[1] - pts[0]![1]); if (d > fd) { fd = d; far = k; } });
  keep[0] = 1; keep[far] = 1;
  rec(0, far);
  const closed = [...pts, pts[0]!];
  const tail = new Uint8Array(closed.length);
  const rec2 = (i: number, j: number) => {
    let best = -1, at = -1;
    for (let k = i + 1; k < j; k++) { const d = dist(closed[k]!, closed[i]!, closed[j]!); if (d > best) { best = d; at = k; } }
    if (best > eps) { tail[at] = 1; rec2(i, at); rec2(at, j); }
  };
  rec2(far, closed.length - 1);
  return pts.filter((_, k) => keep[k] || tail[k]);
};

/**
 * The outline of the largest painted patch of a grid (1 = painted), as a polygon in fractions of
 * the photo with at most `max` corners; null when nothing is painted. Moore-neighbour tracing of the
 * patch's outer edge (holes are filled), then simplified.
 */
/** The 8-connected painted patches of a grid: each cell's patch (-1: unpainted), the largest, and how many. */
export const patchesOf = (grid: Uint8Array, gw: number, gh: number): { label: Int32Array; best: number; count: number } => {
  const label = new Int32Array(gw * gh).fill(-1);
  let best = -1, bestSize = 0, n = 0;
  for (let i = 0; i < grid.length; i++) {
    if (!grid[i] || label[i]! >= 0) continue;
    const stack = [i];
    label[i] = n;
    let size = 0;
    while (stack.length) {
      const c = stack.pop()!;
      size++;
      const cx = c % gw, cy = (c / gw) | 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= gw || y >= gh) continue;
        const j = y * gw + x;
        if (grid[j] && label[j]! < 0) { label[j] = n; stack.push(j); }
      }
    }
    if (size > bestSize) { bestSize = size; best = n; }
    n++;
  }
  return { label, best, count: n };
};

export const tracePolygon = (grid: Uint8Array, gw: number, gh: number, max = MAX_POINTS): Pt[] | null => {
  const { label, best } = patchesOf(grid, gw, gh);
  if (best < 0) return null;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < gw && y < gh && label[y * gw + x] === best;
  let start = label.indexOf(best);
  const sx = start % gw, sy = (start / gw) | 0;
  // Clockwise from west (y down).
  const D: Pt[] = [[-1, 0], [-1, -1], [0, -1], [1, -1], [1, 0], [1, 1], [0, 1], [-1, 1]];
  const outline: Pt[] = [[sx, sy]];
  let cx = sx, cy = sy, back = 0;
  for (let guard = 0; guard < 4 * gw * gh; guard++) {
    let found = -1;
    for (let k = 0; k < 8; k++) {
      const d = (back + k) % 8;
      if (inside(cx + D[d]![0], cy + D[d]![1])) { found = d; break; }
    }
    if (found < 0) break; // a single cell
    const nx = cx + D[found]![0], ny = cy + D[found]![1];
    // The empty cell checked just before, seen from the new cell, is where the next search starts.
    const px = cx + D[(found + 7) % 8]![0] - nx, py = cy + D[(found + 7) % 8]![1] - ny;
    back = D.findIndex(([x, y]) => x === px && y === py);
    if (back < 0) back = 0;
    cx = nx; cy = ny;
    if (cx === sx && cy === sy) break;
    outline.push([cx, cy]);
  }
  start = 0;
  // Cell centres to fractions; a patch too thin to have an outline becomes its cells' box.
  let pts: Pt[] = outline.map(([x, y]) => [(x + 0.5) / gw, (y + 0.5) / gh]);
  if (pts.length < 3) {
    const xs = outline.map((p) => p[0]), ys = outline.map((p) => p[1]);
    const x0 = Math.min(...xs) / gw, x1 = (Math.max(...xs) + 1) / gw, y0 = Math.min(...ys) / gh, y1 = (Math.max(...ys) + 1) / gh;
    pts = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  }
  let eps = 0.25 / gw;
  let out = simplify(pts, eps);
  while (out.length > max) { eps *= 1.5; out = simplify(pts, eps); }
  if (out.length < 3) out = pts.length <= max ? pts : [pts[0]!, pts[Math.floor(pts.length / 3)]!, pts[Math.floor((2 * pts.length) / 3)]!];
  const r = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
  return out.map(([x, y]) => [r(x), r(y)]);
};

/** The words the page sends for a painted effect (the parser reads them in either language). */
export const brushSentence = (photo: number, kind: BrushKind, dir: Dir | null, strength: number, poly: readonly Pt[]): string =>
  `motion brush on photo ${photo}: ${kind}${dir ? ` ${dir}` : ''}, strength ${Math.round(strength * 100) / 100}, area ${poly.map(([x, y]) => `${x} ${y}`).join(', ')}`;

/**
 * What the chat shows for a painted effect: the kind and direction, without the corners (the full
 * sentence still goes to the server, which is what reads them).
 */
export const brushLabel = (photo: number, kind: BrushKind, dir: Dir | null): string => {
  const zh = t('brush_kind') === '动态';
  const what = zh
    ? `${t(`brush_${kind}` as Key).split('（')[0]}${dir ? ` ${t(`dir_${dir.replace('-', '_')}` as Key)}` : ''}`
    : `${kind}${dir ? ` ${dir.replace('-', ' and ')}` : ''}`;
  return t('brush_sent', { photo, what });
};

interface BrushShot { photo: number; mediaId: string; name: string; thumb?: string; width?: number; height?: number; polys: Pt[][] }

export class MotionBrush {
  readonly el: HTMLElement;
  /** Told the sentence to send when the user applies, and the short line the chat shows for it; answers whether it went. */
  onApply: (sentence: string, label: string) => boolean = () => false;
  #shots: BrushShot[] = [];
  #shot: BrushShot | null = null;
  #gw = GRID;
  #gh = GRID;
  #grid = new Uint8Array(GRID * GRID);
  #mode: 'paint' | 'erase' | 'arrow' = 'paint';
  #arrow: { a: Pt; b: Pt } | null = null;
  #cursor: Pt = [0.5, 0.5];
  #last: Pt | null = null;
  readonly #select: HTMLSelectElement;
  readonly #img: HTMLImageElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #kind: HTMLSelectElement;
  readonly #dir: HTMLSelectElement;
  readonly #strength: HTMLInputElement;
  readonly #size: HTMLInputElement;
  readonly #apply: HTMLButtonElement;
  readonly #status: HTMLParagraphElement;
  readonly #modes: Record<'paint' | 'erase' | 'arrow', HTMLButtonElement>;

  constructor() {
    this.#select = h('select', { id: 'brush-shot' });
    this.#select.addEventListener('change', () => this.#pick(Number(this.#select.value)));
    this.#img = h('img', { class: 'brush-photo', alt: '', draggable: 'false' });
    this.#img.addEventListener('load', () => this.#resize());
    this.#canvas = h('canvas', { class: 'brush-canvas', id: 'brush-canvas', tabindex: 0, role: 'img', 'aria-label': t('brush_canvas') });
    this.#kind = h('select', { id: 'brush-kind' }, BRUSH_KINDS.map((k) => h('option', { value: k }, t(`brush_${k}` as Key))));
    this.#dir = h('select', { id: 'brush-dir' }, h('option', { value: '' }, t('brush_dir_auto')), BRUSH_DIRECTIONS.map((d) => h('option', { value: d }, t(`dir_${d.replace('-', '_')}` as Key))));
    this.#dir.addEventListener('change', () => { this.#arrow = null; this.#draw(); });
    this.#strength = h('input', { type: 'range', id: 'brush-strength', min: 10, max: 100, step: 5, value: 50 });
    const strengthOut = h('output', { for: 'brush-strength', class: 'brush-value' }, '50%');
    this.#strength.addEventListener('input', () => (strengthOut.textContent = `${this.#strength.value}%`));
    this.#size = h('input', { type: 'range', id: 'brush-size', min: 1, max: 8, step: 1, value: 3 });
    const mode = (m: 'paint' | 'erase' | 'arrow', key: Key) => {
      const b = h('button', { type: 'button', class: 'btn ghost brush-mode', id: `brush-mode-${m}`, 'aria-pressed': m === this.#mode ? 'true' : 'false' }, t(key));
      b.addEventListener('click', () => this.#setMode(m));
      return b;
    };
    this.#modes = { paint: mode('paint', 'brush_paint'), erase: mode('erase', 'brush_erase'), arrow: mode('arrow', 'brush_arrow') };
    const clear = h('button', { type: 'button', class: 'btn ghost', id: 'brush-clear' }, t('brush_clear'));
    clear.addEventListener('click', () => { this.#grid.fill(0); this.#arrow = null; this.#dir.value = ''; this.#changed(); });
    this.#apply = h('button', { type: 'button', class: 'btn primary', id: 'brush-apply', disabled: true }, t('brush_apply'));
    this.#apply.addEventListener('click', () => this.#send());
    this.#status = h('p', { class: 'muted small brush-status', role: 'status', 'aria-live': 'polite' }, t('brush_help'));

    this.#canvas.addEventListener('pointerdown', (e) => this.#down(e));
    this.#canvas.addEventListener('pointermove', (e) => this.#move(e));
    this.#canvas.addEventListener('pointerup', (e) => this.#up(e));
    this.#canvas.addEventListener('pointercancel', () => { this.#last = null; });
    this.#canvas.addEventListener('keydown', (e) => this.#key(e));
    this.#canvas.addEventListener('focus', () => this.#draw());
    this.#canvas.addEventListener('blur', () => this.#draw());
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.#resize()).observe(this.#canvas);

    this.el = h('section', { class: 'card brush-card', 'aria-labelledby': 'brush-title', hidden: true },
      h('div', { class: 'card-head' }, h('h2', { id: 'brush-title' }, t('brush_title'))),
      h('label', { class: 'field brush-shot-field' }, h('span', { class: 'field-label' }, t('brush_photo')), this.#select),
      h('div', { class: 'brush-stage' }, this.#img, this.#canvas),
      h('div', { class: 'brush-modes', role: 'group', 'aria-label': t('brush_tool') }, this.#modes.paint, this.#modes.erase, this.#modes.arrow, clear),
      h('div', { class: 'brush-row' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('brush_kind')), this.#kind),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('brush_dir')), this.#dir),
      ),
      h('div', { class: 'brush-row' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('brush_strength'), ' ', strengthOut), this.#strength),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('brush_size')), this.#size),
      ),
      h('div', { class: 'brush-row brush-actions' }, this.#apply),
      this.#status,
    );
  }

  /** The clip's photos (from the draft and the timeline), numbered as the chat numbers them (upload order, audio not counted). */
  set(draft: CompactDraft | null | undefined, timeline: TimelineDisplay | null | undefined, media: readonly MediaInfo[]): void {
    const order = media.filter((m) => m.kind !== 'audio').map((m) => m.media_id);
    const items = timeline?.tracks?.find((tr) => tr.kind === 'video')?.items ?? [];
    const segs = (draft?.t?.find((tr) => tr.tt === 0)?.sg ?? []) as Array<{ m?: { media_id?: string; kind?: string; fx?: Array<{ region?: unknown }> } }>;
    const shots: BrushShot[] = [];
    for (const s of segs) {
      const id = s.m?.media_id;
      if (!id || s.m?.kind === 'video' || shots.some((x) => x.mediaId === id)) continue;
      const photo = order.indexOf(id) + 1;
      if (photo < 1) continue;
      const info = media.find((m) => m.media_id === id);
      const polys = (s.m?.fx ?? []).map((f) => (f.region as { poly?: Pt[] } | undefined)?.poly).filter((p): p is Pt[] => Array.isArray(p));
      shots.push({ photo, mediaId: id, name: info?.name ?? id, thumb: items.find((it) => it.media_id === id)?.thumbnail_url ?? info?.thumbnail_url, width: info?.width, height: info?.height, polys });
    }
    this.#shots = shots;
    this.el.hidden = shots.length === 0;
    if (!shots.length) { this.#shot = null; return; }
    const keep = shots.findIndex((s) => s.mediaId === this.#shot?.mediaId);
    this.#select.replaceChildren(...shots.map((s, i) => h('option', { value: i }, `${s.photo}. ${s.name}`)));
    (this.#select.closest('.field') as HTMLElement).hidden = shots.length < 2;
    this.#pick(keep >= 0 ? keep : 0, keep >= 0);
  }

  #pick(i: number, same = false): void {
    const s = this.#shots[i];
    if (!s) return;
    this.#select.value = String(i);
    const changed = !same || this.#shot?.mediaId !== s.mediaId;
    this.#shot = s;
    if (changed) {
      const ar = s.width && s.height ? s.height / s.width : 9 / 16;
      this.#gw = GRID;
      this.#gh = Math.max(8, Math.min(GRID * 3, Math.round(GRID * ar)));
      this.#grid = new Uint8Array(this.#gw * this.#gh);
      this.#arrow = null;
      this.#img.style.aspectRatio = s.width && s.height ? `${s.width} / ${s.height}` : '';
      if (s.thumb && this.#img.getAttribute('src') !== s.thumb) this.#img.src = s.thumb;
    }
    this.#changed();
  }

  #setMode(m: 'paint' | 'erase' | 'arrow'): void {
    this.#mode = m;
    for (const [k, b] of Object.entries(this.#modes)) b.setAttribute('aria-pressed', k === m ? 'true' : 'false');
    this.#canvas.classList.toggle('is-arrow', m === 'arrow');
  }

  #at(e: PointerEvent): Pt {
    const r = this.#canvas.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
  }

  #dab(p: Pt, value: number): void {
    const r = Number(this.#size.value) * 0.9 + 0.6;
    const cx = p[0] * this.#gw, cy = p[1] * this.#gh;
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(this.#gh - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(this.#gw - 1, Math.ceil(cx + r)); x++) {
        if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= r) this.#grid[y * this.#gw + x] = value;
      }
    }
  }

  #stroke(a: Pt, b: Pt, value: number): void {
    const steps = Math.max(1, Math.ceil(Math.hypot((b[0] - a[0]) * this.#gw, (b[1] - a[1]) * this.#gh) / 0.5));
    for (let k = 1; k <= steps; k++) this.#dab([a[0] + ((b[0] - a[0]) * k) / steps, a[1] + ((b[1] - a[1]) * k) / steps], value);
  }

  #down(e: PointerEvent): void {
    if (!this.#shot) return;
    e.preventDefault();
    try { this.#canvas.setPointerCapture(e.pointerId); } catch { /* a pointer that is gone: painting still works while over the photo */ }
    const p = this.#at(e);
    this.#last = p;
    this.#cursor = p;
    if (this.#mode === 'arrow') this.#arrow = { a: p, b: p };
    else this.#dab(p, this.#mode === 'paint' ? 1 : 0);
    this.#draw();
  }

  #move(e: PointerEvent): void {
    if (!this.#last) return;
    e.preventDefault();
    const p = this.#at(e);
    if (this.#mode === 'arrow' && this.#arrow) this.#arrow.b = p;
    else this.#stroke(this.#last, p, this.#mode === 'paint' ? 1 : 0);
    this.#last = p;
    this.#draw();
  }

  #up(e: PointerEvent): void {
    if (!this.#last) return;
    this.#move(e);
    this.#last = null;
    if (this.#mode === 'arrow' && this.#arrow) {
      const w = this.#shot?.width ?? 16, hh = this.#shot?.height ?? 9;
      const d = directionOf((this.#arrow.b[0] - this.#arrow.a[0]) * w, (this.#arrow.b[1] - this.#arrow.a[1]) * hh);
      if (d && Math.hypot(this.#arrow.b[0] - this.#arrow.a[0], this.#arrow.b[1] - this.#arrow.a[1]) > 0.03) this.#dir.value = d;
      else this.#arrow = null;
    }
    this.#changed();
  }

  #key(e: KeyboardEvent): void {
    const step = 1 / 32;
    const moves: Record<string, Pt> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      const next: Pt = [Math.min(1, Math.max(0, this.#cursor[0] + m[0])), Math.min(1, Math.max(0, this.#cursor[1] + m[1]))];
      // Shift+arrow paints along the way.
      if (e.shiftKey) this.#stroke(this.#cursor, next, 1);
      this.#cursor = next;
      this.#changed();
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      this.#dab(this.#cursor, e.shiftKey ? 0 : 1);
      this.#changed();
    }
  }

  #painted(): number {
    let n = 0;
    for (const v of this.#grid) n += v;
    return n / this.#grid.length;
  }

  #changed(): void {
    const share = this.#painted();
    this.#apply.disabled = share === 0;
    const several = share > 0 && patchesOf(this.#grid, this.#gw, this.#gh).count > 1;
    this.#status.textContent = share === 0 ? t('brush_help') : `${t('brush_painted', { pct: Math.max(1, Math.round(share * 100)) })}${several ? ` ${t('brush_one_patch')}` : ''}`;
    this.#draw();
  }

  #resize(): void {
    const r = this.#canvas.getBoundingClientRect();
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(r.width * dpr)), hh = Math.max(1, Math.round(r.height * dpr));
    if (this.#canvas.width !== w || this.#canvas.height !== hh) { this.#canvas.width = w; this.#canvas.height = hh; }
    this.#draw();
  }

  #draw(): void {
    const c = this.#canvas.getContext('2d');
    if (!c) return;
    const W = this.#canvas.width, H = this.#canvas.height;
    c.clearRect(0, 0, W, H);
    // Effects already on the shot: dashed outlines.
    c.setLineDash([6, 4]);
    c.lineWidth = 2;
    c.strokeStyle = 'rgba(255,255,255,0.85)';
    for (const poly of this.#shot?.polys ?? []) {
      c.beginPath();
      poly.forEach(([x, y], k) => (k ? c.lineTo(x * W, y * H) : c.moveTo(x * W, y * H)));
      c.closePath();
      c.stroke();
    }
    c.setLineDash([]);
    // The paint.
    c.fillStyle = 'rgba(46, 196, 140, 0.5)';
    const cw = W / this.#gw, ch = H / this.#gh;
    for (let y = 0; y < this.#gh; y++) for (let x = 0; x < this.#gw; x++) if (this.#grid[y * this.#gw + x]) c.fillRect(Math.floor(x * cw), Math.floor(y * ch), Math.ceil(cw), Math.ceil(ch));
    // The direction: the dragged arrow, or the chosen one from the middle of the paint.
    let a: Pt | null = null, b: Pt | null = null;
    if (this.#arrow) ({ a, b } = this.#arrow);
    else if (this.#dir.value && this.#painted() > 0) {
      const v = ({ left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1], 'up-left': [-0.7, -0.7], 'up-right': [0.7, -0.7], 'down-left': [-0.7, 0.7], 'down-right': [0.7, 0.7] } as Record<string, Pt>)[this.#dir.value]!;
      a = this.#centre();
      b = [a[0] + v[0] * 0.18, a[1] + (v[1] * 0.18 * W) / H];
    }
    if (a && b && (a[0] !== b[0] || a[1] !== b[1])) arrow(c, a[0] * W, a[1] * H, b[0] * W, b[1] * H, Math.max(3, W / 120));
    // The keyboard's brush.
    if (document.activeElement === this.#canvas) {
      c.strokeStyle = '#fff';
      c.lineWidth = 2;
      c.beginPath();
      c.arc(this.#cursor[0] * W, this.#cursor[1] * H, (Number(this.#size.value) * 0.9 + 0.6) * cw, 0, Math.PI * 2);
      c.stroke();
    }
  }

  #centre(): Pt {
    let sx = 0, sy = 0, n = 0;
    for (let y = 0; y < this.#gh; y++) for (let x = 0; x < this.#gw; x++) if (this.#grid[y * this.#gw + x]) { sx += x + 0.5; sy += y + 0.5; n++; }
    return n ? [sx / n / this.#gw, sy / n / this.#gh] : [0.5, 0.5];
  }

  #send(): void {
    const s = this.#shot;
    const poly = tracePolygon(this.#grid, this.#gw, this.#gh);
    if (!s || !poly) return;
    const dir = (this.#dir.value || null) as Dir | null;
    const sentence = brushSentence(s.photo, this.#kind.value as BrushKind, dir, Number(this.#strength.value) / 100, poly);
    const label = brushLabel(s.photo, this.#kind.value as BrushKind, dir);
    // Not sent (a reply is still coming): the paint stays, to be applied again.
    if (!this.onApply(sentence, label)) {
      this.#status.textContent = t('brush_wait');
      return;
    }
    this.#grid.fill(0);
    this.#arrow = null;
    this.#dir.value = '';
    this.#changed();
  }
}

const arrow = (c: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, w: number): void => {
  const ang = Math.atan2(y1 - y0, x1 - x0), head = w * 4;
  for (const [col, lw] of [['rgba(0,0,0,0.55)', w + 3], ['#fff', w]] as const) {
    c.strokeStyle = col;
    c.fillStyle = col;
    c.lineWidth = lw;
    c.lineCap = 'round';
    c.beginPath();
    c.moveTo(x0, y0);
    c.lineTo(x1 - Math.cos(ang) * head * 0.6, y1 - Math.sin(ang) * head * 0.6);
    c.stroke();
    c.beginPath();
    c.moveTo(x1, y1);
    c.lineTo(x1 - head * Math.cos(ang - 0.45), y1 - head * Math.sin(ang - 0.45));
    c.lineTo(x1 - head * Math.cos(ang + 0.45), y1 - head * Math.sin(ang + 0.45));
    c.closePath();
    c.fill();
  }
};
