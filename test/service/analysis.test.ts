/**
 * A photo is analysed once, when it is uploaded, and the analysis is kept with the media: every plan
 * reads the stored one (a stored subject steers the move; the file is not analysed again), and a
 * photo stored before analyses were kept is analysed at its first use and the result stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RenderPlan, StillAnalysis } from '../../src/engine/index.js';
import { clickWav, texturedJpeg, tempDir } from '../support/fixtures.js';
import { runSse, setup, testServer, uploadFile } from './support.js';

const planOf = (events: Awaited<ReturnType<typeof runSse>>['events']): RenderPlan | undefined =>
  events.flatMap((e) => ((e.json?.content as { parts?: Array<{ function_call?: { name: string; args: { plan?: RenderPlan } } }> } | undefined)?.parts ?? []))
    .map((p) => p.function_call).find((f) => f?.name === 'render_preview')?.args.plan;

test('photos are analysed at upload, plans read the stored analysis, old rows are analysed at first use', { timeout: 300_000 }, async () => {
  const tmp = tempDir();
  const bytes = readFileSync(await texturedJpeg(tmp.path('wide.jpg'), 2400, 900, 21));
  const srv = await testServer('embedded', { turnCost: 0 });
  const analysisOf = async (mediaId: string) =>
    (await srv.store.sql.query<{ analysis: string | null }>('select analysis from media where id = $1', [mediaId]))[0]!.analysis;
  try {
    const moves: string[] = [];
    for (const x of [0.05, 0.8]) {
      const a = await setup(srv.url);
      const up = await uploadFile(a, 'wide.jpg', bytes, 'image/jpeg');
      const id = up.json.data.files[0]!.media_id;
      const stored = JSON.parse((await analysisOf(id))!) as StillAnalysis;
      assert.deepEqual([stored.version, stored.width, stored.height], [1, 2400, 900], 'kept at upload');
      assert.ok(stored.confidence >= 0 && stored.subject.w > 0);
      // What the plan reads is what is stored: put the subject at one side.
      await srv.store.setMediaAnalysis(id, a.sessionId, { ...stored, subject: { x, y: 0.4, w: 0.1, h: 0.2 }, confidence: 0.9 });
      const r = await runSse(a, 'make it vertical');
      const plan = planOf(r.events);
      assert.ok(plan, r.text);
      const shot = plan.shots[0]!;
      assert.equal(shot.kind, 'image');
      if (shot.kind === 'image') moves.push(shot.motion.move);
    }
    assert.deepEqual(moves, ['pan-left', 'pan-right'], 'the same file, two stored subjects, two moves');

    // A row from before analyses were kept: analysed at its first use, then stored.
    const b = await setup(srv.url);
    const up = await uploadFile(b, 'wide.jpg', bytes, 'image/jpeg');
    const id = up.json.data.files[0]!.media_id;
    await srv.store.sql.query('update media set analysis = null where id = $1', [id]);
    const r = await runSse(b, 'slow zoom in');
    assert.ok(planOf(r.events), r.text);
    assert.ok(await analysisOf(id), 'stored at first use');
  } finally {
    await srv.stop();
    tmp.remove();
  }
});

test('music is analysed at upload (beats kept with the media); "cut to the beat" in a chat turn cuts on them', { timeout: 600_000 }, async () => {
  const tmp = tempDir();
  const beats = clickWav(tmp.path('click.wav'), { bpm: 100, firstS: 0.25, seconds: 12 });
  const srv = await testServer('embedded', { turnCost: 0 });
  try {
    const a = await setup(srv.url);
    for (const [i, seed] of [[0, 3], [1, 4], [2, 5]] as const) {
      const up = await uploadFile(a, `p${i}.jpg`, readFileSync(await texturedJpeg(tmp.path(`p${i}.jpg`), 800, 450, seed)), 'image/jpeg');
      assert.equal(up.json.code, 0, JSON.stringify(up.json));
    }
    const up = await uploadFile(a, 'click.wav', readFileSync(tmp.path('click.wav')), 'audio/wav');
    const id = up.json.data.files[0]!.media_id;
    const row = (await srv.store.sql.query<{ analysis: string | null }>('select analysis from media where id = $1', [id]))[0]!;
    const stored = JSON.parse(row.analysis!) as { beats: { bpm: number; beats: number[] } };
    assert.ok(Math.abs(stored.beats.bpm - 100) < 0.5, `tempo kept at upload: ${stored.beats.bpm}`);
    const r = await runSse(a, 'cut to the beat, static');
    const plan = planOf(r.events);
    assert.ok(plan, r.text);
    assert.equal(plan.audio[0]?.media, id, 'the uploaded track plays');
    assert.equal(plan.shots.length, 3);
    for (const s of plan.shots.slice(1)) {
      const t = s.startFrame / plan.fps;
      assert.ok(Math.min(...beats.map((b) => Math.abs(b - t))) <= 1 / plan.fps, `cut at ${t.toFixed(3)} s is on a beat`);
    }
  } finally {
    await srv.stop();
    tmp.remove();
  }
});
