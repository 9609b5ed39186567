/**
 * The brief's whole client flow over real HTTP against a started server, on the embedded
 * database and on PostgreSQL: token → session → claim token → upload a photo → chat over SSE →
 * state → export → poll → download (whole and by range) → probe the MP4.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { probeMedia } from '../../src/engine/ffmpeg/index.js';
import { tempDir, texturedJpeg } from '../support/fixtures.js';
import { DATABASES, runSse, setup, testServer, uploadFile, waitExport, type TestServer } from './support.js';

for (const db of DATABASES) {
  describe(`the brief's client flow (${db})`, () => {
    let srv: TestServer;
    const tmp = tempDir();
    before(async () => { srv = await testServer(db, { previewSize: '540p' }); });
    after(async () => { await srv.stop(); tmp.remove(); });

    test('token → session → claim → upload → chat → state → export → download → probe', async () => {
      const a = await setup(srv.url);
      assert.match(a.token, /^nmt_/);

      const claim = await a.call<{ claim_token: string; expires_in: number; url: string }>('POST', '/api/auth/claim-token', { task_id: a.taskId, session_id: a.sessionId });
      assert.equal(claim.json.code, 0);
      assert.match(claim.json.data.claim_token, /^clm_/);
      assert.equal(claim.json.data.expires_in, 604800);
      assert.ok(!claim.json.data.url.includes(a.token), 'the claim link holds no bearer token');

      const photo = await texturedJpeg(tmp.path('beach.jpg'), 1600, 1200, 7);
      const up = await uploadFile(a, 'beach.jpg', readFileSync(photo), 'image/jpeg');
      assert.equal(up.json.code, 0, JSON.stringify(up.json));
      const f = up.json.data.files[0]!;
      assert.deepEqual([f.kind, f.mime, f.width, f.height, f.name], ['image', 'image/jpeg', 1600, 1200, 'beach.jpg']);
      assert.equal(f.size_bytes, readFileSync(photo).length);
      const thumb = await fetch(String(f.thumbnail_url));
      assert.equal(thumb.status, 200, 'the thumbnail link works without the bearer token');
      assert.equal(thumb.headers.get('content-type'), 'image/jpeg');

      const before = await a.call<{ available: number; frozen: number; total: number }>('GET', '/api/credits/balance/simple');
      assert.deepEqual(before.json.data, { available: 100, frozen: 0, total: 100 });

      const turn = await runSse(a, 'animate this photo into a 5-second video with smooth motion');
      assert.equal(turn.status, 200);
      const agentEvents = turn.events.filter((e) => e.json);
      assert.ok(agentEvents.every((e) => e.json!.author === 'nemo_agent' && (e.json!.content as { role: string }).role === 'model' && typeof e.json!.invocation_id === 'string'));
      const parts = agentEvents.flatMap((e) => (e.json!.content as { parts: Array<Record<string, unknown>> }).parts);
      assert.ok(parts.some((p) => (p.function_call as { name?: string } | undefined)?.name === 'render_preview'), 'tool activity is a function_call part');
      const done = parts.find((p) => (p.function_response as { name?: string; response?: { status?: string } } | undefined)?.response?.status === 'completed');
      assert.ok(done, 'the render ends with a function_response');
      assert.ok(agentEvents.some((e) => e.json!.partial === true), 'render progress arrives as partial events');
      const last = agentEvents[agentEvents.length - 1]!.json!;
      assert.equal(last.turn_complete, true);
      assert.match(turn.text, /preview is ready: 5\.0 s/);
      assert.match(turn.text, /Timeline \(1 track\): 1\. Video: beach\.jpg/);
      assert.match(turn.text, /Next you could say/);

      const credits = await a.call<{ available: number; frozen: number; total: number }>('GET', '/api/credits/balance/simple');
      assert.deepEqual(credits.json.data, { available: 95, frozen: 0, total: 95 }, 'a generation costs 5 credits');

      const st = await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
      const state = st.json.data.state;
      assert.equal(state.draft.t[0].tt, 0);
      assert.equal(state.draft.t[0].sg[0].m.media_id, f.media_id);
      assert.equal(state.draft.t[0].sg[0].d, 5000);
      assert.deepEqual(state.canvas_config, { width: 1920, height: 1080, fps: 30, aspect: '16:9', background: '#000000', size: '1080p' });
      assert.equal(state.video_infos[0].media_id, f.media_id);
      assert.equal(state.generated_media.length, 1);
      const prev = state.generated_media[0];
      assert.deepEqual([prev.width, prev.height, prev.duration_ms], [960, 540, 5000]);
      assert.notEqual(state.timeline.tracks[0].items[0].move, 'auto', 'the timeline names the move the shot got');
      assert.equal(state.last_turn.status, 'completed');
      for (const u of [prev.url, state.video_infos[0].thumbnail_url]) assert.ok(!String(u).includes(a.token), 'links hold no bearer token');
      const pv = await fetch(prev.url);
      assert.equal(pv.status, 200);
      writeFileSync(tmp.path('preview.mp4'), Buffer.from(await pv.arrayBuffer()));
      const pp = await probeMedia(tmp.path('preview.mp4'), { countFrames: true });
      assert.equal(pp.video?.codec, 'h264');
      assert.equal(pp.video?.frames, 150);

      const id = `render_${Date.now()}`;
      const ex = await a.call('POST', '/api/render/proxy/lambda', { id, sessionId: a.sessionId, draft: state.draft, output: { format: 'mp4', quality: 'high' } });
      assert.equal(ex.json.code, 0, JSON.stringify(ex.json));
      assert.ok(['pending', 'processing'].includes(ex.json.status as string));
      assert.equal((ex.json.data as unknown as { status: string }).status, ex.json.status, 'status at the top level and in data');
      const again = await a.call('POST', '/api/render/proxy/lambda', { id, sessionId: a.sessionId, draft: state.draft });
      assert.equal(again.json.code, 0, 'the same id again answers the same render, not a second one');

      const fin = await waitExport(a, id) as { status: string; progress: number; data: { output: Record<string, number | string> }; seen: number[] };
      assert.equal(fin.status, 'completed');
      assert.equal(fin.progress, 100);
      assert.ok(fin.seen.every((p, i) => i === 0 || p >= fin.seen[i - 1]!), `progress never goes back: ${fin.seen.join(',')}`);
      const out = fin.data.output;
      assert.deepEqual((fin as unknown as { output: unknown }).output, out, 'output at the top level too (API.md: clients read output.url there)');
      assert.deepEqual([out.format, out.width, out.height, out.duration_ms], ['mp4', 1920, 1080, 5000]);
      const after1 = await a.call<{ available: number }>('GET', '/api/credits/balance/simple');
      assert.equal(after1.json.data.available, 95, 'export costs no credits');

      const dl = await fetch(`${srv.url}/api/render/proxy/${id}/download`, { headers: { authorization: `Bearer ${a.token}` } });
      assert.equal(dl.status, 200);
      // Named after the first photo (the session's name, "test", names nothing), not after the render id.
      assert.equal(out.file_name, 'beach-video.mp4');
      assert.equal(dl.headers.get('content-disposition'), `attachment; filename="beach-video.mp4"; filename*=UTF-8''beach-video.mp4`);
      const bytes = Buffer.from(await dl.arrayBuffer());
      assert.equal(bytes.length, out.size_bytes);
      writeFileSync(tmp.path('out.mp4'), bytes);
      const p = await probeMedia(tmp.path('out.mp4'), { countFrames: true });
      assert.equal(p.video?.codec, 'h264');
      assert.equal(p.video?.pixFmt, 'yuv420p');
      assert.deepEqual([p.video?.width, p.video?.height, p.video?.frames], [1920, 1080, 150]);
      assert.ok(Math.abs(p.durationS - 5) < 0.1);
      assert.equal(p.hasAudio, true);
      assert.equal(p.moovBeforeMdat, true);

      const range = await fetch(`${srv.url}/api/render/proxy/${id}/download`, { headers: { authorization: `Bearer ${a.token}`, range: 'bytes=100-199' } });
      assert.equal(range.status, 206);
      assert.deepEqual(Buffer.from(await range.arrayBuffer()), bytes.subarray(100, 200));
      const signed = await fetch(String(out.url));
      assert.equal(signed.status, 200, 'output.url works without the bearer token');
      assert.equal(Number(signed.headers.get('content-length')), bytes.length);
      const noAuth = await fetch(`${srv.url}/api/render/proxy/${id}/download`);
      assert.equal(noAuth.status, 401);
    });

    test('a Chinese session answers in Chinese, follow-up edits keep the draft history', async () => {
      const a = await setup(srv.url);
      const photo = await texturedJpeg(tmp.path('p.jpg'), 800, 1000, 3);
      await uploadFile(a, 'p.jpg', readFileSync(photo), 'image/jpeg');
      const t1 = await runSse(a, '把这张照片做成3秒的视频，慢慢推近');
      assert.match(t1.text, /预览已生成：3\.0 秒/);
      const t2 = await runSse(a, '加标题“夏日特卖”');
      // The summary line of a Chinese reply is Chinese too (the state's `summary` keeps API.md's English form).
      assert.match(t2.text, /时间线（2 条轨道）：1\. 视频：p\.jpg，缓慢推近（0–3 秒） 2\. 标题：“夏日特卖”（0–3 秒）/);
      assert.doesNotMatch(t2.text, /Timeline|Title|Video/);
      const st = await a.call<{ state: Record<string, any> }>('GET', `/api/state/nemo_agent/me/${a.sessionId}/latest`);
      assert.match(st.json.data.state.summary, /^Timeline \(2 tracks\): 1\. Video: p\.jpg, zoom-in \(0-3s\) 2\. Title: "夏日特卖" \(0-3s\)$/);
      assert.equal(st.json.data.state.summaries.en, st.json.data.state.summary);
      assert.match(st.json.data.state.summaries.zh, /^时间线（2 条轨道）/);
      assert.equal(st.json.data.state.generated_media.length, 2);
      assert.ok(st.json.data.state.draft.t.some((t: { tt: number }) => t.tt === 7), 'a text track');
      const hist = await srv.store.draftHistory(a.sessionId);
      assert.deepEqual(hist.map((h) => h.version), [1, 2, 3], 'every edit is a new version; none is lost');
      const t3 = await runSse(a, '积分');
      assert.match(t3.text, /积分：可用 90/);
      const t3b = await runSse(a, '状态');
      assert.match(t3b.text, /^当前时间线：\n时间线（2 条轨道）：/);
      const t4 = await runSse(a, 'status');
      assert.match(t4.text, /^Here is the timeline:\nTimeline \(2 tracks\)/, 'an English question, an English answer');
      assert.equal(t4.events.filter((e) => (e.json?.content as { parts: Array<Record<string, unknown>> } | undefined)?.parts.some((p) => p.function_call)).length, 0, 'a question runs no tool');
    });
  });
}
