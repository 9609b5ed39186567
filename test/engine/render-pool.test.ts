/**
 * The work moved off the main thread (issue 11, finding 2: a render must not hold the service's
 * event loop): a photo's conversion to planes and a transition's blend run on the render threads
 * and give exactly what the main-thread functions give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../../src/engine/render/pool.js';
import { frameBytes } from '../../src/engine/render/render-frame.js';
import { rgbToYuv } from '../../src/engine/render/yuv.js';
import { TRANSITION_KINDS, composeTransition } from '../../src/engine/compose/transitions.js';
import { texturedRgb } from '../support/fixtures.js';

const W = 320, H = 180;

test('addStillRgb: the planes a render thread converts render the same frames as planes converted here', async () => {
  const rgb = texturedRgb(641, 401, 9); // odd sides: the chroma edge cases
  const here = rgbToYuv(rgb, 641, 401, 3, true);
  const ref = new RenderPool(2, { width: W, height: H, still: here });
  const pool = new RenderPool(2, { width: W, height: H });
  try {
    await pool.addStillRgb(3, new Uint8Array(rgb), 641, 401);
    const views = [{ x: 0, y: 0, w: 1 }, { x: 0.1, y: 0.05, w: 0.7 }, { x: 0.33, y: 0.2, w: 0.45 }, { x: 0.2, y: 0.1, w: 0.5 }];
    for (const [i, v] of views.entries()) {
      const [a, b] = await Promise.all([ref.render(i, v), pool.render(i, v, undefined, 3)]);
      assert.deepEqual(Buffer.from(b), Buffer.from(a), `view ${i}`);
    }
  } finally {
    await Promise.all([ref.close(), pool.close()]);
  }
});

test('mix: every transition blended on a render thread equals the blend made here; the second frame comes back to recycle', async () => {
  const pool = new RenderPool(2, { width: W, height: H });
  try {
    const n = frameBytes(W, H);
    const frame = (seed: number) => { const f = new Uint8Array(n); for (let i = 0; i < n; i++) f[i] = (i * seed + (i >> 7)) & 255; return f; };
    let index = 0;
    for (const kind of TRANSITION_KINDS) {
      for (const p of [0, 0.37, 1]) {
        const want = frame(3);
        composeTransition(kind, want, frame(7), p, W, H, want);
        const { frame: got, spare } = await pool.mix(index++, kind, frame(3), frame(7), p);
        assert.deepEqual(Buffer.from(got), Buffer.from(want), `${kind} at ${p}`);
        assert.equal(spare?.byteLength, n);
      }
    }
  } finally {
    await pool.close();
  }
});

test('text overlays drawn ahead on a thread are the ones the frames would draw themselves', async () => {
  const { prerenderTextTrack } = await import('../../src/engine/text/track.js');
  const { drawTextOverlay, renderTextOverlay, clearTextOverlayCache } = await import('../../src/engine/text/render-overlay.js');
  const style = { font: 'display' as const, weight: 900 as const, size: 0.12, color: '#ffffff', align: 'center' as const, shadow: true, outline: { color: '#000000', width: 0.08 } };
  const layers = [
    { text: 'Summer Sale 夏日特卖', style, position: 'center' as const, animation: 'fade' as const, startS: 0, endS: 2 },
    { text: 'typed', style: { ...style, size: 0.05 }, position: 'bottom' as const, animation: 'typewriter' as const, startS: 0.5, endS: 2 },
  ];
  clearTextOverlayCache();
  await prerenderTextTrack(W, H, layers, 25, 50);
  for (const [l, chars] of [[layers[0]!, null], [layers[1]!, 3]] as const) {
    const cached = renderTextOverlay(l.text, l.style, l.position, { width: W, height: H }, chars);
    const drawn = drawTextOverlay(l.text, l.style, l.position, { width: W, height: H }, chars);
    assert.ok(drawn.width > 0);
    assert.deepEqual([cached.width, cached.height, cached.x, cached.y], [drawn.width, drawn.height, drawn.x, drawn.y]);
    assert.ok(Buffer.from(cached.rgba).equals(Buffer.from(drawn.rgba)), `${l.text}: the same pixels`);
  }
  clearTextOverlayCache();
});
