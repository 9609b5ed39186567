/** What an edit changed, in words (English or Chinese): the agent's reply says what was done. */
import { pickTrack } from '../engine/index.js';
import { moveName, ROLE_ZH, timing, TRANSITION_ZH, type Draft, type Effect } from '../timeline/index.js';
import { effectWords } from '../timeline/effects.js';

const COLOUR_ZH: Readonly<Record<string, string>> = { black: '黑色', white: '白色', gray: '灰色', grey: '灰色', red: '红色', green: '绿色', blue: '蓝色', yellow: '黄色', pink: '粉色', transparent: '透明' };
/** Music as a reply names it: the file's label, or the built-in track its style plays. */
const musicName = (m: Draft['audio'][number], zh: boolean): string | null => {
  if (m.label) return m.label;
  if (m.mediaId) return m.style;
  const x = pickTrack(m.style);
  return zh ? `《${x.nameZh}》` : `${x.name} (${x.style})`;
};
import type { Lang } from './reply.js';

const num = (ms: number) => `${Number.isInteger(ms / 1000) ? ms / 1000 : (ms / 1000).toFixed(1)}`;
const sec = (ms: number) => `${num(ms)} s`;
const miao = (ms: number) => `${num(ms)} 秒`;

export const describeChanges = (a: Draft, b: Draft, lang: Lang, mediaMs: Readonly<Record<string, number>> = {}): string[] => {
  const zh = lang === 'zh';
  const out: string[] = [];
  const added = b.shots.length - a.shots.length;
  if (added > 0) out.push(zh ? `加入 ${added} 个镜头` : `added ${added} ${added === 1 ? 'shot' : 'shots'}`);
  if (added < 0) out.push(zh ? `移除 ${-added} 个镜头` : `removed ${-added} ${added === -1 ? 'shot' : 'shots'}`);
  const ta = timing(a, mediaMs).totalMs, tb = timing(b, mediaMs).totalMs;
  if (a.shots.length && ta !== tb) out.push(zh ? `时长 ${miao(ta)} → ${miao(tb)}` : `length ${sec(ta)} → ${sec(tb)}`);
  if (a.canvas.aspect !== b.canvas.aspect) out.push(zh ? `画幅改为 ${b.canvas.aspect}` : `canvas ${b.canvas.aspect}`);
  if (a.canvas.size !== b.canvas.size) out.push(zh ? `分辨率 ${b.canvas.size}` : `size ${b.canvas.size}`);
  if (a.canvas.fps !== b.canvas.fps) out.push(`${b.canvas.fps} fps`);
  if (a.canvas.background !== b.canvas.background) {
    const c = b.canvas.background;
    out.push(zh ? `背景：${COLOUR_ZH[c.toLowerCase()] ?? `“${c}”`}` : `background ${c}`);
  }
  const blurA = a.shots.some((s) => s.fit === 'blur'), blurB = b.shots.length > 0 && b.shots.every((s) => s.fit === 'blur');
  if (!blurA && blurB && a.shots.length === b.shots.length) out.push(zh ? '背景：模糊的照片' : 'blurred background');
  if (JSON.stringify(a.beat ?? null) !== JSON.stringify(b.beat ?? null)) {
    const e = b.beat?.every;
    const acc = b.beat?.accent === 'pulse' ? (zh ? '，缩放' : ', zoom pulse') : b.beat?.accent === 'flash' ? (zh ? '，闪光' : ', flash') : '';
    out.push(!b.beat ? (zh ? '取消卡点' : 'no beat sync')
      : zh ? `卡点（${e === 'bar' ? '每小节' : e ? `每 ${e} 拍` : '按节奏'}${acc}）`
        : `cuts on the beat (${e === 'bar' ? 'every bar' : e ? `every ${e === 1 ? 'beat' : `${e} beats`}` : 'by tempo'}${acc})`);
  }
  const same = a.shots.filter((s) => b.shots.some((t) => t.id === s.id));
  const moved = same.filter((s) => b.shots.find((t) => t.id === s.id)!.move !== s.move);
  if (moved.length) {
    const m = b.shots.find((t) => t.id === moved[0]!.id)!.move;
    out.push(zh ? `运镜改为${moveName(m, 'zh')}` : `camera move ${m}`);
  }
  const inten = same.map((s) => [s.intensity ?? 0.5, b.shots.find((t) => t.id === s.id)!.intensity ?? 0.5] as const).find(([x, y]) => x !== y);
  if (inten) out.push(zh ? (inten[1] > inten[0] ? '运镜幅度加大' : '运镜更柔和') : (inten[1] > inten[0] ? 'stronger camera move' : 'gentler camera move'));
  const trA = a.shots.find((s) => s.transition)?.transition, trB = b.shots.find((s) => s.transition)?.transition;
  if ((trA?.type ?? 'cut') !== (trB?.type ?? 'cut') || (trA?.durationMs ?? 0) !== (trB?.durationMs ?? 0)) out.push(zh ? `转场：${TRANSITION_ZH[trB?.type ?? 'cut']}` : `transitions: ${trB?.type ?? 'cuts'}`);
  for (const t of b.texts) {
    const old = a.texts.find((x) => x.id === t.id);
    if (!old) out.push(zh ? `添加${ROLE_ZH[t.role]}“${t.text}”` : `added ${t.role} "${t.text}"`);
    else if (old.text !== t.text) out.push(zh ? `文字改为“${t.text}”` : `${t.role} now "${t.text}"`);
    else {
      if (old.position !== t.position || old.startMs !== t.startMs || old.durationMs !== t.durationMs) out.push(zh ? `调整“${t.text}”的位置或时间` : `moved "${t.text}"`);
      if ((old.style.scale ?? 1) !== (t.style.scale ?? 1)) {
        const up = Number(t.style.scale ?? 1) > Number(old.style.scale ?? 1);
        out.push(zh ? `“${t.text}”${up ? '放大' : '缩小'}` : `"${t.text}" ${up ? 'bigger' : 'smaller'}`);
      }
    }
  }
  for (const t of a.texts) if (!b.texts.some((x) => x.id === t.id)) out.push(zh ? `删除“${t.text}”` : `removed ${t.role} "${t.text}"`);
  const ma = a.audio[0], mb = b.audio[0];
  if (!ma && mb) {
    const name = musicName(mb, zh);
    out.push(zh ? `加入音乐${name ? `“${name}”` : ''}（音量 ${Math.round(mb.volume * 100)}%）` : `added music${name ? ` "${name}"` : ''} at ${Math.round(mb.volume * 100)}%`);
  }
  else if (ma && !mb) out.push(zh ? '移除音乐' : 'removed the music');
  else if (ma && mb) {
    if (ma.volume !== mb.volume) out.push(zh ? `音乐音量 ${Math.round(ma.volume * 100)}% → ${Math.round(mb.volume * 100)}%` : `music volume ${Math.round(ma.volume * 100)}% → ${Math.round(mb.volume * 100)}%`);
    if (ma.mediaId !== mb.mediaId || (!mb.mediaId && pickTrack(ma.style).id !== pickTrack(mb.style).id)) out.push(zh ? `音乐换成“${musicName(mb, true) ?? '新文件'}”` : `music now "${musicName(mb, false) ?? 'new file'}"`);
  }
  // Motion in the picture: what started, what stopped, what changed its pace or strength.
  const fxOf = (d: Draft) => new Map(d.shots.filter((s) => a.shots.some((x) => x.id === s.id) && b.shots.some((x) => x.id === s.id)).flatMap((s) => (s.effects ?? []).map((e) => [`${s.id} ${effectWords(e, lang)}`, e] as const)));
  const fa = fxOf(a), fb = fxOf(b);
  const words = (k: string) => k.slice(k.indexOf(' ') + 1);
  const started = [...new Set([...fb.keys()].filter((k) => !fa.has(k)).map(words))];
  const stopped = [...new Set([...fa.keys()].filter((k) => !fb.has(k)).map(words))];
  const tuned = [...new Set([...fb].filter(([k, e]) => { const o: Effect | undefined = fa.get(k); return o && (o.speed !== e.speed || o.strength !== e.strength); }).map(([k]) => words(k)))];
  if (started.length) out.push(zh ? `画面动态：${started.join('、')}` : `in the picture: ${started.join(', ')}`);
  if (stopped.length) out.push(zh ? `停止：${stopped.join('、')}` : `stopped: ${stopped.join(', ')}`);
  if (tuned.length) out.push(zh ? `调整：${tuned.join('、')}` : `adjusted: ${tuned.join(', ')}`);
  if (a.loop !== b.loop) out.push(zh ? (b.loop ? '循环播放' : '不循环') : (b.loop ? 'loops' : 'no loop'));
  return out;
};
