/** The chat panel: the conversation (streamed replies), the tool-activity status line and the composer. */
import { h, icon, fill } from './dom';
import { examples, t } from './i18n';
import type { Activity } from './turn';

export interface Bubble { set(text: string, busy?: boolean): void; el: HTMLElement }

export class ChatView {
  readonly el: HTMLElement;
  readonly input: HTMLTextAreaElement;
  readonly sendButton: HTMLButtonElement;
  #log: HTMLOListElement;
  #status: HTMLDivElement;
  #statusText: HTMLSpanElement;
  #statusBar: HTMLSpanElement;
  #examples: HTMLDivElement;
  #hint: HTMLParagraphElement;
  #busy = false;
  /** Called with the instruction when the user sends one. */
  onSend: (text: string) => void = () => {};
  /** Called when an example is chosen. */
  onExample: (text: string) => void = () => {};

  constructor() {
    this.#log = h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': t('chat_title') });
    this.#examples = h('div', { class: 'examples' },
      h('p', { class: 'examples-title' }, icon('sparkle', 'icon icon-inline'), t('examples_title')),
      h('ul', { class: 'examples-list' },
        examples().map((x) => h('li', {}, h('button', { type: 'button', class: 'example', onclick: () => this.onExample(x) }, x))),
      ),
    );
    this.#statusText = h('span', { class: 'status-text' });
    this.#statusBar = h('span', { class: 'bar-fill', style: 'width:0%' });
    this.#status = h('div', { class: 'activity', role: 'status', 'aria-live': 'polite', hidden: true },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }), this.#statusText, h('span', { class: 'bar activity-bar', 'aria-hidden': 'true' }, this.#statusBar));
    this.input = h('textarea', {
      id: 'chat-input', class: 'chat-input', rows: 2, placeholder: t('chat_placeholder'), 'aria-describedby': 'chat-hint', autocomplete: 'off', enterkeyhint: 'send',
    });
    this.sendButton = h('button', { type: 'submit', class: 'btn primary send-btn', 'aria-label': t('send') }, icon('send'), h('span', { class: 'send-label' }, t('send')));
    this.#hint = h('p', { class: 'chat-hint muted small', id: 'chat-hint' }, t('chat_hint'));
    const form = h('form', { class: 'composer' },
      h('label', { for: 'chat-input', class: 'sr-only' }, t('chat_label')),
      h('div', { class: 'composer-box' }, this.input, this.sendButton),
      this.#hint,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#submit();
    });
    this.input.addEventListener('keydown', (e) => {
      // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition (Chinese input) does not send.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.#submit();
      }
    });
    this.input.addEventListener('input', () => this.#grow());
    this.el = h('section', { class: 'card chat-card', 'aria-labelledby': 'chat-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'chat-title' }, t('chat_title'))),
      h('div', { class: 'chat-scroll' }, this.#examples, this.#log),
      this.#status,
      form,
    );
  }

  #submit(): void {
    const text = this.input.value.trim();
    if (!text || this.#busy) return;
    this.input.value = '';
    this.#grow();
    this.onSend(text);
  }

  #grow(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 180)}px`;
  }

  set busy(b: boolean) {
    this.#busy = b;
    this.sendButton.disabled = b;
    this.input.setAttribute('aria-busy', String(b));
  }

  get busy(): boolean {
    return this.#busy;
  }

  hint(text: string | null): void {
    this.#hint.textContent = text ?? t('chat_hint');
    this.#hint.classList.toggle('is-note', !!text);
  }

  /** Put an instruction in the composer, ready to send. */
  prefill(text: string): void {
    this.input.value = text;
    this.#grow();
    this.input.focus();
  }

  user(text: string): void {
    this.#add('user', t('you'), text);
  }

  /** A reply bubble whose text can be updated while it streams in. */
  agent(text = ''): Bubble {
    const body = h('div', { class: 'msg-body' });
    const li = this.#add('agent', t('agent'), '', body);
    const set = (s: string, busy = false) => {
      body.textContent = s || (busy ? t('thinking') : '');
      body.classList.toggle('is-thinking', !s && busy);
      li.setAttribute('aria-busy', String(busy));
      this.#scroll();
    };
    set(text);
    return { el: li, set };
  }

  /** A reply with a link in it (e.g. where to get more credits). */
  note(text: string, link?: { href: string; label: string }): void {
    const body = h('div', { class: 'msg-body' }, text, link ? [' ', h('a', { href: link.href, target: '_blank', rel: 'noopener' }, link.label)] : null);
    this.#add('agent is-note', t('agent'), '', body);
  }

  #add(kind: string, who: string, text: string, body?: HTMLElement): HTMLLIElement {
    this.#examples.hidden = true;
    const li = h('li', { class: `msg ${kind}` }, h('span', { class: 'msg-who' }, who), body ?? h('div', { class: 'msg-body' }, text));
    this.#log.append(li);
    this.#scroll();
    return li;
  }

  #scroll(): void {
    const box = this.#log.parentElement;
    if (box) box.scrollTop = box.scrollHeight;
  }

  activity(a: Activity | null, fallback: string | null = null): void {
    const label = a?.label ?? fallback;
    this.#status.hidden = !label;
    if (!label) return;
    if (this.#statusText.textContent !== label) this.#statusText.textContent = label;
    const p = a?.progress;
    this.#statusBar.parentElement!.hidden = p === null || p === undefined;
    this.#statusBar.style.width = `${Math.max(0, Math.min(100, p ?? 0))}%`;
  }

  clear(): void {
    fill(this.#log);
    this.#examples.hidden = false;
  }
}
