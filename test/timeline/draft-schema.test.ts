/**
 * The draft schema as a wall (issue 11, finding 1): the file-reading payload, every field against
 * its list, range or pattern, the SVG layer escaping what it writes, and a seeded fuzz of random
 * and mutated drafts (every string field included): a draft is either accepted whole and clean,
 * or refused with 4007 naming a path; nothing else ever comes out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { StillmotionError } from '../../src/errors.js';
import { DRAFT_LIMITS, fromCompact, toCompact, type Draft } from '../../src/timeline/index.js';
import { badCharacter } from '../../src/timeline/check.js';
import { textStyleFor } from '../../src/timeline/index.js';
import { buildTextSvg, drawTextOverlay, layoutText, type TextStyle } from '../../src/engine/text/index.js';

/** A text layer's full style as the planner makes it: the role's defaults under the segment's own. */
const resolveTextStyle = (seg: { role: Draft['texts'][number]['role']; style?: Partial<TextStyle> }, width: number, height: number): TextStyle =>
  ({ ...textStyleFor(seg.role, { width, height }), ...(seg.style ?? {}) });
import { tempDir } from '../support/fixtures.js';
import { DELETE, HOSTILE_STRINGS, deep, fuzzSeed, getAt, mutate, pathName, paths, prng, randomString, randomValue, setAt, type Path } from '../support/fuzz.js';

const tmp = tempDir('stillmotion-schema-');
process.on('exit', () => tmp.remove());

/** A draft using every field of the schema, its text track second (`t[1]`). */
const valid = () => ({
  version: 1, aspect: '16:9', size: '640x360', fps: 30, bg: '#000000', target_d: 4000, loop: true,
  t: [
    { tt: 0, name: 'Video', sg: [
      { id: 'shot1', s: 0, d: 2500, m: { media_id: 'med_a', kind: 'image', move: 'zoom-in', intensity: 0.5, easing: 'smooth', fit: 'cover', tr: { type: 'crossfade', d: 500 }, label: 'a.jpg' } },
      { id: 'shot2', s: 2000, d: 2000, m: { media_id: 'med_b', kind: 'video', move: 'pan-left', trim: 1000, vol: 0.5, label: 'b.mp4', auto_d: true } },
    ] },
    { tt: 7, name: 'Text', sg: [
      { id: 'text1', s: 0, d: 1500, m: { text: 'Summer Sale\nup to 50%', role: 'title', pos: 'top', anim: 'fade', style: {
        font: 'display', weight: 700, size: 0.1, color: '#ffcc00', outline: { color: '#000000', width: 0.05 }, shadow: true, box: { color: '#00000080', opacity: 0.5, padding: 0.3 }, align: 'center',
      } } },
      { id: 'text2', s: 1000, d: 3000, m: { text: '夏日特卖', role: 'cta', style: { box: null, color: 'white' } } },
    ] },
    { tt: 1, name: 'Audio', sg: [{ id: 'music1', s: 0, d: 4000, m: { media_id: 'med_m', style: 'lo-fi', label: 'song.mp3', vol: 0.35, fi: 500, fo: 1000, loop: true } }] },
  ],
});

const EXPLOIT = (png: string) => `400"><image href="${png}" x="0" y="0" width="4000" height="4000"/></g><g x="`;
const SVG_ELEMENTS = new Set(['svg', 'rect', 'filter', 'feDropShadow', 'g', 'text']);

const refused = (draft: unknown, path: string, opts = {}): StillmotionError => {
  let err: unknown;
  try { fromCompact(draft, opts); } catch (e) { err = e; }
  assert.ok(err instanceof StillmotionError, `${path}: expected a refusal, got ${err === undefined ? 'an accepted draft' : String(err)}`);
  assert.equal(err.code, 4007);
  assert.ok(err.message.includes(`${path}:`) || err.message.startsWith(`${path} `), `the message names ${path}: ${err.message}`);
  return err;
};

const redPng = async (): Promise<string> => {
  const p = tmp.path('red.png');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(p);
  return p;
};

test('the file-reading payload of issue 11 is refused with 4007 naming t[1].sg[0].m.style.weight', async () => {
  const d = setAt(valid(), ['t', 1, 'sg', 0, 'm', 'style', 'weight'], EXPLOIT(await redPng()));
  const e = refused(d, 't[1].sg[0].m.style.weight');
  assert.match(e.message, /must be one of 400, 700, 900/);
  assert.ok(e.message.length < 300, 'what arrived is echoed short');
  refused(setAt(valid(), ['t', 1, 'sg', 0, 'm', 'style', 'weight'], '400'), 't[1].sg[0].m.style.weight');
  // The same draft with a real weight passes, and keeps its style.
  const ok = fromCompact(valid());
  assert.deepEqual(ok.texts[0]!.style, getAt(valid(), ['t', 1, 'sg', 0, 'm', 'style']));
  assert.deepEqual(fromCompact(JSON.parse(JSON.stringify(toCompact(ok)))), ok, 'an accepted draft round-trips');
});

test('an escaped weight cannot add an element to the SVG, and no file is drawn', async () => {
  const png = await redPng();
  const canvas = { width: 640, height: 360 };
  const style = { ...resolveTextStyle({ role: 'title' }, canvas.width, canvas.height), font: 'display', weight: EXPLOIT(png) } as unknown as TextStyle;
  const layout = layoutText('Hi', style, 'center', canvas);
  const svg = buildTextSvg(layout, style, { x: 0, y: 0, w: canvas.width, h: canvas.height }, null);
  const elements = [...svg.matchAll(/<([A-Za-z][\w:-]*)/g)].map((m) => m[1]!);
  assert.deepEqual(elements.filter((e) => !SVG_ELEMENTS.has(e)), [], `only our elements: ${svg.slice(0, 400)}`);
  assert.ok(!svg.includes(png) || svg.includes('&quot;&gt;&lt;image'), 'the payload stays inside its attribute, escaped');
  const o = drawTextOverlay('Hi', style, 'center', canvas);
  let red = 0;
  for (let i = 0; i < o.rgba.length; i += 4) if (o.rgba[i]! > 200 && o.rgba[i + 1]! < 60 && o.rgba[i + 3]! > 200) red++;
  assert.equal(red, 0, 'no pixel of the file is drawn');
  assert.ok(o.width > 0 && o.height > 0, 'the text itself is still drawn');
});

test('every field: closed lists, ranges, patterns, unknown fields refused with the path named', () => {
  const cases: Array<[Path, unknown]> = [
    [['version'], 2], [['aspect'], '21:9'], [['aspect'], 'auto"'], [['size'], '1081x720'], [['size'], '99999x2'], [['size'], '1080P'], [['size'], ' 1080p'], [['size'], 1080],
    [['fps'], 29.97], [['fps'], 0], [['fps'], 1e9], [['fps'], '30'], [['bg'], 'rgb(0,0,0)'], [['bg'], '#fff'], [['bg'], 'url(#x)'], [['bg'], '#00000080'],
    [['target_d'], -1], [['target_d'], DRAFT_LIMITS.maxMs + 1], [['target_d'], Infinity], [['target_d'], NaN], [['loop'], 'yes'], [['t'], {}],
    [['t', 0, 'name'], 'x'.repeat(DRAFT_LIMITS.trackNameChars + 1)], [['t', 0, 'name'], 'a\u0000b'], [['t', 0, 'tt'], 3],
    [['t', 0, 'sg', 0, 'id'], 'a b'], [['t', 0, 'sg', 0, 'id'], '../x'], [['t', 0, 'sg', 0, 'id'], ''], [['t', 0, 'sg', 0, 'id'], 'x'.repeat(65)], [['t', 0, 'sg', 1, 'id'], 'shot1'], [['t', 0, 'sg', 0, 'id'], 7],
    [['t', 0, 'sg', 0, 's'], -1], [['t', 0, 'sg', 0, 's'], 1e12], [['t', 0, 'sg', 0, 'd'], 0], [['t', 0, 'sg', 0, 'd'], 36_000_000_0], [['t', 0, 'sg', 0, 'd'], '2500'],
    [['t', 0, 'sg', 0, 'm', 'media_id'], '../../etc/passwd'], [['t', 0, 'sg', 0, 'm', 'media_id'], '/tmp/x.png'], [['t', 0, 'sg', 0, 'm', 'media_id'], 'med\u0000'], [['t', 0, 'sg', 0, 'm', 'media_id'], ''],
    [['t', 0, 'sg', 0, 'm', 'kind'], 'audio'], [['t', 0, 'sg', 0, 'm', 'move'], 'spin'], [['t', 0, 'sg', 0, 'm', 'intensity'], 2], [['t', 0, 'sg', 0, 'm', 'easing'], 'bounce'], [['t', 0, 'sg', 0, 'm', 'fit'], 'stretch'],
    [['t', 0, 'sg', 0, 'm', 'tr', 'type'], 'explode'], [['t', 0, 'sg', 0, 'm', 'tr', 'd'], 6000], [['t', 0, 'sg', 0, 'm', 'tr', 'x'], 1], [['t', 0, 'sg', 0, 'm', 'tr'], 'crossfade'],
    [['t', 0, 'sg', 1, 'm', 'trim'], -1], [['t', 0, 'sg', 1, 'm', 'vol'], 1.5], [['t', 0, 'sg', 0, 'm', 'label'], 'a\u0007b'], [['t', 0, 'sg', 0, 'm', 'label'], 'x'.repeat(DRAFT_LIMITS.labelChars + 1)],
    [['t', 0, 'sg', 1, 'm', 'auto_d'], 'true'],
    [['t', 1, 'sg', 0, 'm', 'text'], ''], [['t', 1, 'sg', 0, 'm', 'text'], 'a\u0000b'], [['t', 1, 'sg', 0, 'm', 'text'], 'a\u001bb'], [['t', 1, 'sg', 0, 'm', 'text'], '\ud800'], [['t', 1, 'sg', 0, 'm', 'text'], 'x'.repeat(DRAFT_LIMITS.textChars + 1)],
    [['t', 1, 'sg', 0, 'm', 'role'], 'boss'], [['t', 1, 'sg', 0, 'm', 'pos'], 'middle'], [['t', 1, 'sg', 0, 'm', 'anim'], 'spin'],
    [['t', 1, 'sg', 0, 'm', 'style'], 'bold'], [['t', 1, 'sg', 0, 'm', 'style', 'font'], 'Comic Sans'], [['t', 1, 'sg', 0, 'm', 'style', 'font'], '../../x.ttf'],
    [['t', 1, 'sg', 0, 'm', 'style', 'weight'], 500], [['t', 1, 'sg', 0, 'm', 'style', 'weight'], 'bold'], [['t', 1, 'sg', 0, 'm', 'style', 'size'], 5], [['t', 1, 'sg', 0, 'm', 'style', 'size'], -1],
    [['t', 1, 'sg', 0, 'm', 'style', 'color'], 'url(#a)'], [['t', 1, 'sg', 0, 'm', 'style', 'color'], 'rgb(1,2,3)'], [['t', 1, 'sg', 0, 'm', 'style', 'color'], '#ffcc00"'], [['t', 1, 'sg', 0, 'm', 'style', 'color'], 'red;'],
    [['t', 1, 'sg', 0, 'm', 'style', 'outline', 'color'], 'x'], [['t', 1, 'sg', 0, 'm', 'style', 'outline', 'width'], 9], [['t', 1, 'sg', 0, 'm', 'style', 'outline', 'width'], DELETE], [['t', 1, 'sg', 0, 'm', 'style', 'outline', 'href'], '/x'],
    [['t', 1, 'sg', 0, 'm', 'style', 'shadow'], 'yes'], [['t', 1, 'sg', 0, 'm', 'style', 'box', 'opacity'], 2], [['t', 1, 'sg', 0, 'm', 'style', 'box', 'padding'], 100], [['t', 1, 'sg', 0, 'm', 'style', 'box', 'color'], 'none'],
    [['t', 1, 'sg', 0, 'm', 'style', 'align'], 'justify'], [['t', 1, 'sg', 0, 'm', 'style', 'href'], '/etc/passwd'], [['t', 1, 'sg', 0, 'm', 'style', 'font-family'], 'x'],
    [['t', 2, 'sg', 0, 'm', 'media_id'], '../x'], [['t', 2, 'sg', 0, 'm', 'style'], 'a\u0000'], [['t', 2, 'sg', 0, 'm', 'style'], 'x'.repeat(DRAFT_LIMITS.styleChars + 1)], [['t', 2, 'sg', 0, 'm', 'vol'], -1],
    [['t', 2, 'sg', 0, 'm', 'fi'], 1e12], [['t', 2, 'sg', 0, 'm', 'fo'], -1], [['t', 2, 'sg', 0, 'm', 'loop'], 1], [['t', 2, 'sg', 0, 'm', 'label'], '\u0085'],
    [['t', 0, 'sg', 0, 'm', 'path'], '/etc/passwd'], [['t', 2, 'sg', 0, 'm', 'url'], 'http://x'], [['t', 1, 'sg', 0, 'm', 'html'], '<b>'], [['t', 0, 'sg', 0, 'x'], 1], [['t', 0, 'x'], 1], [['x'], 1], [['media'], {}],
  ];
  for (const [p, v] of cases) refused(setAt(valid(), p, v), pathName(p));
  // A problem in a deep, huge or looping value is named without walking into it.
  refused(setAt(valid(), ['t', 1, 'sg', 0, 'm', 'style', 'weight'], deep(100_000)), 't[1].sg[0].m.style.weight');
  const e = refused(setAt(valid(), ['t', 0, 'sg'], Array.from({ length: 5000 }, () => ({ d: -1, m: { media_id: '../x' } }))), 't[0].sg[0].d');
  assert.ok(e.message.length < 2000, 'the message lists a few problems, not thousands');
  // The CLI's drafts name media by path (and may map them); the service's may not.
  assert.equal(fromCompact(setAt(valid(), ['t', 0, 'sg', 0, 'm', 'media_id'], '../photos/a b.jpg'), { mediaPaths: true }).shots[0]!.mediaId, '../photos/a b.jpg');
  refused(setAt(valid(), ['t', 0, 'sg', 0, 'm', 'media_id'], 'a\u0000.jpg'), 't[0].sg[0].m.media_id', { mediaPaths: true });
  assert.ok(fromCompact({ ...valid(), media: { med_a: 'a.jpg' } }, { mediaPaths: true }));
});

/** Every string in a value, with its path. */
const strings = (v: unknown): Array<[Path, string]> => paths(v).flatMap((p) => { const x = getAt(v, p); return typeof x === 'string' ? [[p, x] as [Path, string]] : []; });

const FREE_TEXT = new Set(['text', 'label', 'name', 'style']);

/** What a draft the schema accepted must be: clean strings, closed styles, a stable round trip, SVG of our elements only. */
const checkAccepted = (d: Draft, seed: number, svgBudget: { n: number }): void => {
  const c = toCompact(d);
  assert.deepEqual(fromCompact(JSON.parse(JSON.stringify(c))), d, `seed ${seed}: an accepted draft round-trips`);
  for (const [p, s] of strings(c)) {
    const last = p[p.length - 1];
    assert.equal(badCharacter(s, last === 'text'), null, `seed ${seed}: ${pathName(p)} holds a control character`);
  }
  for (const x of d.texts) {
    const st = x.style as Partial<TextStyle>;
    if (st.weight !== undefined) assert.ok([400, 700, 900].includes(st.weight), `seed ${seed}: weight ${String(st.weight)}`);
    if (svgBudget.n-- <= 0) continue;
    const style = resolveTextStyle({ role: x.role, style: st }, 640, 360);
    const svg = buildTextSvg(layoutText(x.text, style, x.position ?? 'center', { width: 640, height: 360 }), style, { x: 0, y: 0, w: 640, h: 360 }, null);
    const extra = [...svg.matchAll(/<([A-Za-z][\w:-]*)/g)].map((m) => m[1]!).filter((e) => !SVG_ELEMENTS.has(e));
    assert.deepEqual(extra, [], `seed ${seed}: the SVG holds only our elements`);
  }
};

const outcome = (input: unknown, seed: number): Draft | StillmotionError => {
  try {
    return fromCompact(input);
  } catch (e) {
    assert.ok(e instanceof StillmotionError && e.code === 4007, `seed ${seed}: a refusal is 4007, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of e.details.problems as string[]) assert.match(p, /^(\["|[A-Za-z_]).*?: /, `seed ${seed}: a problem starts with its path: ${p.slice(0, 120)}`);
    assert.equal(badCharacter(e.message), null, `seed ${seed}: the message holds no control character`);
    assert.ok(e.message.length < 3000, `seed ${seed}: a short message`);
    return e;
  }
};

test('fuzz: every string field of the schema with hostile and random strings', () => {
  const seed = fuzzSeed(11_001);
  const r = prng(seed);
  const base = valid();
  const fields = strings(base);
  assert.ok(fields.length >= 25, 'the base draft has its string fields');
  let accepted = 0;
  const budget = { n: 60 };
  for (const [p] of fields) {
    const values = [...HOSTILE_STRINGS, ...Array.from({ length: 20 }, () => randomString(r))];
    for (const s of values) {
      const out = outcome(setAt(base, p, s), seed);
      const name = pathName(p);
      const last = String(p[p.length - 1]);
      const free = (FREE_TEXT.has(last) && !name.includes('.style.')) || ((last === 'id' || last === 'media_id') && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(s));
      if (out instanceof StillmotionError) { assert.ok(out.message.includes(`${name}:`) || out.message.includes('t['), `seed ${seed}: ${name} named: ${out.message.slice(0, 200)}`); continue; }
      accepted++;
      assert.ok(free, `seed ${seed}: the closed field ${name} accepted ${JSON.stringify(s.slice(0, 60))}`);
      checkAccepted(out, seed, budget);
    }
  }
  assert.ok(accepted > 0, 'free text fields do accept plain hostile-looking text (escaped when drawn)');
});

test('fuzz: random and mutated drafts are accepted clean or refused with 4007, never anything else', () => {
  const seed = fuzzSeed(11_002);
  const r = prng(seed);
  const budget = { n: 80 };
  let accepted = 0;
  let refusedN = 0;
  const started = performance.now();
  for (let i = 0; i < 2000; i++) {
    const input = i % 4 === 0 ? randomValue(r, 4) : i % 4 === 1 ? { ...valid(), t: [randomValue(r, 3), ...valid().t] } : mutate(r, valid());
    const out = outcome(input, seed);
    if (out instanceof StillmotionError) refusedN++;
    else { accepted++; checkAccepted(out, seed, budget); }
  }
  const ms = performance.now() - started;
  assert.ok(accepted > 50 && refusedN > 500, `both outcomes happen (accepted ${accepted}, refused ${refusedN})`);
  process.stdout.write(`# fuzz seed ${seed}: 2000 drafts in ${ms.toFixed(0)} ms, ${accepted} accepted, ${refusedN} refused\n`);
});
