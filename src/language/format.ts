/** A short, human-readable summary of a request for the terminal. */
import type { InstructionRequest, Move } from './request.js';

const s = (n: number) => `${n} s`;
const pct = (n: number) => `${Math.round(n * 100)}%`;
export const describeMove = (m: Move): string =>
  [m.type.replace('_', ' '), m.direction ?? '', m.intensity !== null ? `(intensity ${m.intensity})` : ''].filter(Boolean).join(' ');

export const formatRequest = (req: InstructionRequest): string => {
  const lines: string[] = [`intent: ${req.intent}`];
  const add = (label: string, value: string | null | undefined) => {
    if (value) lines.push(`${label}: ${value}`);
  };
  add('length', req.duration_s !== null ? s(req.duration_s) : null);
  add('per photo', req.per_photo_s !== null ? s(req.per_photo_s) : null);
  add('photos', req.photos === null ? null : req.photos === 'all' ? 'all' : req.photos.join(', '));
  if (req.refs) {
    const r = req.refs;
    const bits = [
      ...(r.from_end ?? []).map((n) => (n === 1 ? 'the last' : `${n} from the end`)), ...(r.names ?? []), r.this ? 'this one' : null,
      r.separate ? 'one video per photo' : null, r.only ? 'only these' : null, r.others ? 'remove the others' : null, r.remove ? 'remove these' : null,
    ];
    add('refers to', bits.filter(Boolean).join(', '));
  }
  add('moves', req.moves.map(describeMove).join(', then '));
  add('speed', req.speed);
  add('subject motion', req.subject_motion !== null ? `"${req.subject_motion}"` : null);
  add('effects', (req.effects ?? []).map((e) => [e.type, e.polygon ? 'painted area' : e.region ?? '(where?)', e.direction, e.speed !== null ? `speed ${e.speed}` : null, e.strength !== null ? `strength ${e.strength}` : null].filter(Boolean).join(' ')).join(', '));
  add('effect changes', (req.effect_edits ?? []).map((e) => `${e.change} ${e.target}`).join(', '));
  if (req.ambient) add('scene motion', 'wherever the photo surely has it (clouds in its sky, ripples on its water)');
  if (req.cinemagraph) add('camera', 'still (only the effects move)');
  if (req.looks?.length) add('colour looks (not made yet)', req.looks.map((x) => `"${x}"`).join(', '));
  if (req.impossible_motion?.length) add('cannot be made', req.impossible_motion.map((x) => `"${x}"`).join(', '));
  const out = [req.aspect, req.platform, req.resolution, req.fps !== null ? `${req.fps} fps` : null, req.format, req.loop === null ? null : req.loop ? 'loop' : 'no loop'];
  add('output', out.filter(Boolean).join(', '));
  for (const t of req.texts) {
    const when = t.start_s !== null || t.end_s !== null ? ` ${t.start_s ?? '…'}–${t.end_s ?? '…'} s` : '';
    add(t.role ?? 'text', `${t.text !== null ? `"${t.text}"` : '(no words given)'}${t.position ? ` at ${t.position.replace('_', ' ')}` : ''}${when}`);
  }
  if (req.music) {
    const m = req.music;
    const bits = [m.action, m.style, m.volume !== null ? `volume ${pct(m.volume)}` : null, m.fade_in_s !== null ? `fade in ${s(m.fade_in_s)}` : null, m.fade_out_s !== null ? `fade out ${s(m.fade_out_s)}` : null];
    add('music', bits.filter(Boolean).join(', '));
  }
  add('transitions', req.transitions.map((t) => `${t.type ?? 'transition'}${t.duration_s !== null ? ` ${s(t.duration_s)}` : ''}`).join(', '));
  if (req.edits) {
    const e = req.edits;
    const bits = [
      e.speed, e.duration ? `${e.duration}${e.duration_by_s !== undefined ? ` by ${s(e.duration_by_s)}` : ''}` : null,
      e.intensity ? `${e.intensity} movement` : null, e.volume, e.text_size ? `${e.text_size.role ?? 'text'} ${e.text_size.change}` : null, e.text_move ? `${e.text_move.role ?? 'text'} ${e.text_move.dir}` : null, e.remove?.length ? `remove ${e.remove.join(', ')}` : null, e.replace ? 'replace current' : null,
    ];
    add('changes', bits.filter(Boolean).join(', '));
  }
  if (req.not_understood.length) add('not understood', req.not_understood.map((x) => `"${x}"`).join(', '));
  return lines.join('\n');
};
