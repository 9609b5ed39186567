/**
 * The background picker: black, white, any colour, blurred or transparent, behind photos with
 * transparency or letterboxing. A choice is sent as an ordinary chat instruction ("white background",
 * "transparent background"), so it goes through the same public API and the same parser as typed
 * words; transparent also switches the export to WebM (MP4 cannot keep alpha).
 */
import { h } from './dom';
import { t } from './i18n';

export type BackgroundChoice = 'black' | 'white' | 'color' | 'blur' | 'transparent';

/** The instruction a choice sends (English words the parser reads in either language; a hex for a colour). */
export const backgroundSentence = (choice: BackgroundChoice, hex: string): string =>
  choice === 'color' ? `background ${hex}` : choice === 'blur' ? 'blurred background' : `${choice} background`;

export class BackgroundPicker {
  readonly el: HTMLElement;
  onPick: (sentence: string, choice: BackgroundChoice) => void = () => undefined;
  readonly #select: HTMLSelectElement;
  readonly #colour: HTMLInputElement;
  readonly #apply: HTMLButtonElement;

  constructor() {
    this.#select = h('select', { id: 'background-choice' },
      h('option', { value: '' }, '—'),
      (['black', 'white', 'color', 'blur', 'transparent'] as const).map((c) => h('option', { value: c }, t(`bg_${c}`))));
    this.#colour = h('input', { type: 'color', id: 'background-colour', value: '#ffffff', 'aria-label': t('bg_color'), hidden: true });
    this.#apply = h('button', { type: 'button', class: 'btn ghost', id: 'background-apply', disabled: true }, t('bg_apply'));
    this.#select.addEventListener('change', () => {
      this.#colour.hidden = this.#select.value !== 'color';
      this.#apply.disabled = this.#select.value === '';
    });
    this.#apply.addEventListener('click', () => {
      const choice = this.#select.value as BackgroundChoice | '';
      if (!choice) return;
      this.onPick(backgroundSentence(choice, this.#colour.value), choice);
    });
    this.el = h('div', { class: 'card background-card', role: 'group', 'aria-labelledby': 'background-label' },
      h('label', { class: 'field', for: 'background-choice' }, h('span', { class: 'field-label', id: 'background-label' }, t('bg_label')), this.#select),
      this.#colour, this.#apply,
      h('p', { class: 'muted small' }, t('bg_help')));
  }

  /** Shows the draft's background ('#rrggbb', a name, or 'transparent'). */
  show(bg: string | undefined): void {
    if (!bg) return;
    const v = bg.toLowerCase();
    const choice = v === 'transparent' ? 'transparent' : v === 'white' || v === '#ffffff' ? 'white' : v === 'black' || v === '#000000' ? 'black' : 'color';
    if (document.activeElement === this.#select) return;
    this.#select.value = choice;
    this.#colour.hidden = choice !== 'color';
    if (choice === 'color' && /^#[0-9a-f]{6}$/.test(v)) this.#colour.value = v;
    this.#apply.disabled = false;
  }
}
