/**
 * Folds the agent events of one turn into what the chat shows: the reply text (streamed by
 * partial events, settled by complete ones) and a one-line activity status for tool work.
 * Tool arguments and responses are never shown as they are.
 */
import { t } from './i18n';
import type { AgentEvent } from './types';

export interface Activity { tool: string; label: string; progress: number | null }

export class TurnView {
  #settled: string[] = [];
  #pending = '';
  activity: Activity | null = null;
  complete = false;
  rendered = false;
  error: string | null = null;

  get text(): string {
    return [...this.#settled, this.#pending].map((s) => s.trim()).filter(Boolean).join('\n\n');
  }

  /** Apply one event; returns true when something visible changed. */
  apply(ev: AgentEvent): boolean {
    let changed = false;
    if (ev.error_message) {
      this.error = String(ev.error_message);
      changed = true;
    }
    for (const part of ev.content?.parts ?? []) {
      if (typeof part.text === 'string' && part.text) {
        // Partial events carry pieces of the reply; the complete event that follows carries the whole of it.
        if (ev.partial) this.#pending += part.text;
        else {
          this.#settled.push(part.text);
          this.#pending = '';
        }
        changed = true;
      } else if (part.function_call) {
        this.activity = { tool: part.function_call.name, label: toolLabel(part.function_call.name, null), progress: null };
        changed = true;
      } else if (part.function_response) {
        const { name, response } = part.function_response;
        const status = typeof response?.status === 'string' ? response.status : null;
        const p = typeof response?.progress === 'number' ? response.progress : null;
        if (name === 'render_preview') this.rendered = true;
        if (ev.partial || status === 'running' || status === 'pending') {
          this.activity = { tool: name, label: toolLabel(name, p), progress: p };
        } else if (this.activity?.tool === name) {
          this.activity = null;
        }
        changed = true;
      }
    }
    if (ev.turn_complete) {
      this.complete = true;
      this.activity = null;
      if (this.#pending) {
        this.#settled.push(this.#pending);
        this.#pending = '';
      }
      changed = true;
    }
    return changed;
  }

  /** The stream closed: whatever streamed in is the reply. */
  finish(): void {
    if (this.#pending) this.#settled.push(this.#pending);
    this.#pending = '';
    this.activity = null;
  }
}

export const toolLabel = (name: string, progress: number | null): string => {
  if (name === 'render_preview') return progress === null ? t('tool_render_preview') : t('tool_render_preview_pct', { pct: Math.round(progress) });
  if (name === 'edit_timeline') return t('tool_edit_timeline');
  return t('tool_generic');
};
