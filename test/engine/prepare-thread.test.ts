/**
 * What moved off the main thread for issue 11 gives the same results as before: a still prepared on
 * the still thread is bit-identical to one prepared inline (planes, plan, subject), for every fit;
 * and the shots covering a frame are found by index
 * exactly as a scan over every shot finds them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shotsAt, type CompositionPlan, type CompositionShot } from '../../src/engine/compose/plan.js';
import { StillThread } from '../../src/engine/prepare-thread.js';
import { openStill, prepareStill } from '../../src/engine/prepare-still.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';

test('a still prepared on the still thread equals one prepared inline, for cover, blur and color', async () => {
  const t = tempDir();
  const thread = new StillThread();
  try {
    const wide = await texturedJpeg(t.path('wide.jpg'), 1200, 400, 4);
    const tall = await texturedJpeg(t.path('tall.jpg'), 600, 900, 9);
    for (const [file, fit] of [[tall, 'cover'], [wide, 'blur'], [tall, 'color']] as const) {
      const framing = { canvasWidth: 640, canvasHeight: 360, fit, background: [200, 40, 90] as const, move: 'auto' as const, intensity: 0.5, easing: 'smooth' as const, frames: 45, fps: 30, variant: 1 };
      const opened = await openStill(file, { maxBytes: 1 << 24, maxPixels: 1e8 });
      const inline = await prepareStill(opened, framing);
      const threaded = await prepareStill(opened, framing, thread);
      assert.deepEqual(threaded.plan, inline.plan, fit);
      assert.deepEqual(threaded.subject, inline.subject, fit);
      for (const k of ['y', 'u', 'v'] as const) {
        assert.equal(threaded.still[k].width, inline.still[k].width);
        assert.ok(Buffer.from(threaded.still[k].data).equals(Buffer.from(inline.still[k].data)), `${fit} ${k} plane`);
        assert.ok(threaded.still[k].data.buffer instanceof SharedArrayBuffer, 'the planes come back in shared memory');
      }
      if (fit === 'color') {
        // The colour fill around a tall photo on a wide canvas: the left edge is the background.
        const y = inline.still.y.data[Math.floor(inline.still.height / 2) * inline.still.width]!;
        assert.ok(Math.abs(y - Math.round(16 + 219 * (0.2126 * 200 + 0.7152 * 40 + 0.0722 * 90) / 255)) <= 1, `background luma ${y}`);
      }
    }
  } finally {
    await thread.close();
    t.remove();
  }
});

test('the shots covering a frame, by index, are those a scan over every shot finds', () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let n = 0; n < 200; n++) {
    const shots: CompositionShot[] = [];
    let start = 0;
    const count = 1 + Math.floor(rand() * 40);
    for (let i = 0; i < count; i++) {
      const frames = 1 + Math.floor(rand() * 30);
      shots.push({ kind: 'image', input: '', startFrame: start, frames, fit: 'cover', move: 'auto', intensity: 0.5, easing: 'smooth', variant: i, transitionOut: null, trimS: 0 });
      // Overlaps of up to half a shot (transitions), or none.
      start += frames - (rand() < 0.5 ? Math.floor(rand() * frames / 2) : 0);
    }
    const plan = { shots, frames: start + 5 } as unknown as CompositionPlan;
    const scan = (f: number) => shots.flatMap((s, i) => (f >= s.startFrame && f < s.startFrame + s.frames ? [i] : []));
    for (let f = -1; f < plan.frames + 2; f++) assert.deepEqual(shotsAt(plan, f), scan(f), `plan ${n} frame ${f}`);
  }
  // Out of order (not what the resolver makes): still right.
  const odd = { shots: [{ startFrame: 10, frames: 5 }, { startFrame: 0, frames: 12 }] } as unknown as CompositionPlan;
  assert.deepEqual(shotsAt(odd, 11), [0, 1]);
  assert.deepEqual(shotsAt(odd, 3), [1]);
});
