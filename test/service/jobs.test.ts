/**
 * Export jobs against the attacks of issue 11: a render answers only to its own user and, for a
 * claim token, its own session (status, download, cancel, resubmit), with ids nobody can guess;
 * the per-user cap holds under 20 simultaneous submits (embedded and PostgreSQL); length, frame
 * size, fps, tracks and segments are limited by settings (4011 naming the setting); and a chat
 * preview never waits behind a long export.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { DATABASES, PG_SKIP, api, runSse, setup, sleep, testServer, uploadFile, waitExport, type Api, type TestServer } from './support.js';

const tmp = tempDir();
let photo: Buffer;
before(async () => { photo = readFileSync(await texturedJpeg(tmp.path('p.jpg'), 960, 720, 5)); });
after(() => tmp.remove());

interface DraftOpts { d?: number; size?: string; fps?: number; segments?: number; extraTracks?: number }
const draftOf = (media: string, o: DraftOpts = {}) => ({
  version: 1, aspect: '16:9', size: o.size ?? '360p', fps: o.fps ?? 30, bg: '#000000',
  t: [
    { tt: 0, sg: Array.from({ length: o.segments ?? 1 }, (_, i) => ({ id: `s${i}`, s: i * (o.d ?? 1000), d: o.d ?? 1000, m: { media_id: media, kind: 'image', move: 'zoom-in' } })) },
    ...Array.from({ length: o.extraTracks ?? 0 }, (_, i) => ({ tt: 7, sg: [{ id: `x${i}`, s: 0, d: 500, m: { text: `t${i}` } }] })),
  ],
});

const mediaIn = async (a: Api & { sessionId: string }): Promise<string> => {
  const up = await uploadFile(a, 'p.jpg', photo, 'image/jpeg');
  assert.equal(up.json.code, 0, JSON.stringify(up.json));
  return up.json.data.files[0]!.media_id;
};

const submit = (a: Api, sessionId: string, draft: unknown, id?: string) =>
  a.call<Record<string, unknown>>('POST', '/api/render/proxy/lambda', { ...(id ? { id } : {}), sessionId, draft, output: { format: 'mp4', quality: 'low' } });

/** Waits until a render is running (not only queued). */
const untilProcessing = async (a: Api, id: string): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    const r = await a.call('GET', `/api/render/proxy/lambda/${id}`);
    if (r.json.status === 'processing') return;
    assert.equal(r.json.status, 'pending', `render ${id} should be on its way: ${JSON.stringify(r.json)}`);
    await sleep(100);
  }
  throw new Error(`render ${id} never started`);
};

if (!process.env.DATABASE_URL) test('export jobs on PostgreSQL', { skip: PG_SKIP }, () => undefined);

for (const db of DATABASES) {
  describe(`export jobs belong to their owner, and the per-user cap holds (${db})`, { timeout: 300_000 }, () => {
    let srv: TestServer;
    before(async () => { srv = await testServer(db, { maxExportsPerUser: 3 }); });
    after(async () => { await srv?.stop(); });

    test('status, download, cancel and resubmit: a claim token reaches only its session\'s renders, another user none; foreign answers like missing', async () => {
      const owner = await setup(srv.url);
      const s2 = (await owner.call<{ session_id: string }>('POST', '/api/tasks/me/with-session/nemo_agent', { task_name: 'second project' })).json.data.session_id;
      const m1 = await mediaIn(owner);
      const m2 = await mediaIn({ ...owner, sessionId: s2 });
      // render_1 in the shared session; render_2 (finished) and render_3 (running) in the owner's other project.
      assert.equal((await submit(owner, owner.sessionId, draftOf(m1), 'render_1')).json.code, 0);
      assert.equal((await submit(owner, s2, draftOf(m2), 'render_2')).json.code, 0);
      assert.equal((await waitExport(owner, 'render_1')).status, 'completed');
      assert.equal((await waitExport(owner, 'render_2')).status, 'completed');
      assert.equal((await submit(owner, s2, draftOf(m2, { d: 60_000, size: '720p' }), 'render_3')).json.code, 0);

      const c = await owner.call<{ claim_token: string }>('POST', '/api/auth/claim-token', { task_id: owner.taskId, session_id: owner.sessionId });
      const redeemed = await api(srv.url).call<{ token: string }>('POST', '/api/auth/claim-token/redeem', { claim_token: c.json.data.claim_token });
      const claim = api(srv.url, redeemed.json.data.token);
      const stranger = await setup(srv.url);

      /** Every job endpoint, as `who`, on render `id`. */
      const endpoints = (who: Api, id: string) => [
        who.call('GET', `/api/render/proxy/lambda/${id}`),
        who.call('GET', `/api/render/proxy/${id}/download`),
        who.call('DELETE', `/api/render/proxy/lambda/${id}`),
      ];
      const missing = await Promise.all(endpoints(claim, 'render_nope'));
      for (const [who, id] of [[claim, 'render_2'], [claim, 'render_3'], [stranger, 'render_1'], [stranger, 'render_2'], [stranger, 'render_3']] as const) {
        const got = await Promise.all(endpoints(who, id));
        got.forEach((r, i) => {
          const m = missing[i]!;
          assert.equal(r.status, 404, `${id} ${i}: ${JSON.stringify(r.json)}`);
          assert.equal(r.json.code, 4009);
          assert.equal(r.json.message.replace(id, '<id>'), m.json.message.replace('render_nope', '<id>'), 'a foreign render answers exactly like a missing one');
          assert.deepEqual(r.json.data, m.json.data);
          assert.equal(r.json.status, undefined, 'nothing of the foreign render leaks');
        });
      }
      const still = await owner.call('GET', '/api/render/proxy/lambda/render_3');
      assert.ok(['pending', 'processing'].includes(String(still.json.status)), `the foreign cancels did nothing: ${JSON.stringify(still.json)}`);

      // Resubmitting another session's id through the claim token does not answer that render.
      const again = await submit(claim, owner.sessionId, draftOf(m1), 'render_2');
      assert.equal(again.json.code, 400, JSON.stringify(again.json));
      assert.equal((again.json.data as { field?: string }).field, 'id');
      assert.equal(again.json.status, undefined);
      assert.ok(!JSON.stringify(again.json).includes('download'), 'no link to the foreign file');

      // What each may do still works.
      assert.equal((await claim.call('GET', '/api/render/proxy/lambda/render_1')).json.status, 'completed');
      for (const [who, id] of [[claim, 'render_1'], [owner, 'render_1'], [owner, 'render_2']] as const) {
        const dl = await fetch(`${srv.url}/api/render/proxy/${id}/download`, { headers: { authorization: `Bearer ${who.token}` } });
        assert.equal(dl.status, 200, `${id}`);
        const bytes = Buffer.from(await dl.arrayBuffer());
        assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 comes back');
      }
      const cancel = await owner.call('DELETE', '/api/render/proxy/lambda/render_3');
      assert.equal(cancel.json.code, 0);
      const ended = await waitExport(owner, 'render_3');
      assert.equal(ended.status, 'failed');
      assert.equal((ended.data as { error?: { code: number } }).error?.code, 5003);

      // Ids the server makes cannot be guessed, and keep API.md's shape.
      const ids = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const r = await submit(claim, owner.sessionId, draftOf(m1, { d: 500 }));
        assert.equal(r.json.code, 0, JSON.stringify(r.json));
        const id = String((r.json.data as { id: string }).id);
        assert.match(id, /^render_\d{13}_[A-Za-z0-9_-]{12}$/);
        ids.add(id);
        await waitExport(claim, id);
      }
      assert.equal(ids.size, 2);
    });

    test('20 simultaneous submits: exactly maxExportsPerUser are accepted, the others get 429 naming the setting', async () => {
      const a = await setup(srv.url);
      const media = await mediaIn(a);
      // Long enough that none finishes while the others arrive.
      const draft = draftOf(media, { d: 30_000, size: '720p' });
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(a, a.sessionId, draft, `race_${i}`)));
      const accepted = answers.filter((r) => r.json.code === 0);
      const refused = answers.filter((r) => r.json.code === 429);
      assert.equal(accepted.length, 3, `accepted: ${answers.map((r) => r.json.code).join(',')}`);
      assert.equal(refused.length, 17);
      for (const r of refused) {
        assert.equal(r.status, 429);
        assert.ok(Number(r.headers.get('retry-after')) > 0);
        assert.equal((r.json.data as { setting?: string }).setting, 'maxExportsPerUser');
      }
      const rows = await srv.store.sql.query<{ n: number }>("select count(*)::int as n from jobs where kind = 'export' and id like $1", ['%/race\\_%']);
      assert.equal(rows[0]!.n, 3, 'only the accepted ones are rows');
      for (const r of accepted) assert.equal((await a.call('DELETE', `/api/render/proxy/lambda/${String((r.json.data as { id: string }).id)}`)).json.code, 0);
    });
  });
}

describe('export limits and the preview lane (embedded)', { timeout: 300_000 }, () => {
  let srv: TestServer;
  before(async () => { srv = await testServer('embedded', { maxFps: 30, concurrency: 1, previewConcurrency: 1, maxExportsPerUser: 5 }); });
  after(async () => { await srv?.stop(); });

  test('4011 for length, frame size, fps, tracks and segments, naming the setting; the largest allowed export is accepted', async () => {
    const a = await setup(srv.url);
    const media = await mediaIn(a);
    const refused = async (draft: unknown, setting: string, env: string) => {
      const r = await submit(a, a.sessionId, draft);
      assert.equal(r.status, 413, JSON.stringify(r.json));
      assert.equal(r.json.code, 4011);
      assert.match(r.json.message, new RegExp(setting));
      const data = r.json.data as { setting: string; limit: number; got: number; hint: string };
      assert.equal(data.setting, setting);
      assert.ok(data.got > data.limit);
      assert.match(data.hint, new RegExp(env));
      return data;
    };
    // The attack: a 10-hour 8K 60 fps export.
    await refused(draftOf(media, { d: 36_000_000, size: '7680x4320', fps: 60 }), 'maxCanvasPixels', 'STILLMOTION_MAX_CANVAS_PIXELS');
    assert.equal((await refused(draftOf(media, { d: 36_000_000, size: '720p' }), 'maxDurationS', 'STILLMOTION_MAX_DURATION_S')).got, 36_000);
    await refused(draftOf(media, { size: '720p', fps: 50 }), 'maxFps', 'STILLMOTION_MAX_FPS');
    await refused(draftOf(media, { extraTracks: 16 }), 'maxTracks', 'STILLMOTION_MAX_TRACKS');
    await refused(draftOf(media, { segments: 501, d: 500 }), 'maxSegmentsPerTrack', 'STILLMOTION_MAX_SEGMENTS_PER_TRACK');
    // The 25,000-shot draft (1.6 MB) is refused before any work, and the server answers at once after it.
    const lean = { version: 1, aspect: '16:9', size: '1080p', fps: 30, bg: '#000000', t: [{ tt: 0, sg: Array.from({ length: 25_000 }, (_, i) => ({ id: `s${i}`, s: i * 40, d: 40, m: { media_id: media } })) }] };
    assert.ok(JSON.stringify(lean).length > 1_500_000);
    const huge = await submit(a, a.sessionId, lean);
    assert.equal(huge.json.code, 4011, JSON.stringify(huge.json).slice(0, 300));
    assert.equal((await a.call('GET', '/healthz')).json.code, 0);
    const nothing = await srv.store.sql.query<{ n: number }>("select count(*)::int as n from jobs where kind = 'export'");
    assert.equal(nothing[0]!.n, 0, 'no refused export became a job');

    // At every limit at once: 4K (3840x2160), 10 minutes, 30 fps, 500 segments, 16 tracks.
    const edge = draftOf(media, { size: '4k', d: 1200, segments: 500, extraTracks: 15 });
    const ok = await submit(a, a.sessionId, edge);
    assert.equal(ok.json.code, 0, JSON.stringify(ok.json));
    const id = String((ok.json.data as { id: string }).id);
    assert.equal((await a.call('DELETE', `/api/render/proxy/lambda/${id}`)).json.code, 0);
    assert.equal((await waitExport(a, id)).status, 'failed');
  });

  test('a chat preview does not wait behind a long export (one render slot for exports)', async () => {
    const a = await setup(srv.url);
    const media = await mediaIn(a);
    const long = await submit(a, a.sessionId, draftOf(media, { d: 300_000, size: '720p' }));
    assert.equal(long.json.code, 0, JSON.stringify(long.json));
    const id = String((long.json.data as { id: string }).id);
    await untilProcessing(a, id);
    const b = await setup(srv.url);
    await mediaIn(b);
    const turn = await runSse(b, 'animate this photo into a 2-second video with a slow zoom');
    assert.match(turn.text, /preview is ready/, turn.text);
    assert.equal((await a.call('GET', `/api/render/proxy/lambda/${id}`)).json.status, 'processing', 'the export was still rendering while the preview was made');
    assert.deepEqual((await b.call('GET', '/api/credits/balance/simple')).json.data, { available: 95, frozen: 0, total: 95 }, 'the preview was charged, nothing stays frozen');
    assert.equal((await a.call('DELETE', `/api/render/proxy/lambda/${id}`)).json.code, 0);
    assert.equal((await waitExport(a, id)).status, 'failed');
  });
});
