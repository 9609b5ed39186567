import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ApiError } from '../../src/client/api.js';
import { GuiTalkBuffer, translateGuiTalk } from '../../src/client/gui-talk.js';
import { explainError, formatSilentTurn } from '../../src/client/messages.js';
import { readSse, SseDecoder, SseIdleError } from '../../src/client/sse.js';
import { diffState, draftReady } from '../../src/client/state-diff.js';

test('SSE decoder: events split anywhere, CRLF, comments, heartbeats, multi-line data', () => {
  const raw = ': hello\r\n\r\ndata: {"a":1}\r\n\r\nevent: heartbeat\ndata: \n\ndata: line1\ndata: line2\nid: 7\n\nevent: x\ndata\n\n';
  for (const size of [1, 2, 3, 7, raw.length]) {
    const d = new SseDecoder();
    const got = [];
    for (let i = 0; i < raw.length; i += size) got.push(...d.push(raw.slice(i, i + size)));
    assert.deepEqual(got, [
      { event: 'message', data: '{"a":1}' },
      { event: 'heartbeat', data: '' },
      { event: 'message', data: 'line1\nline2', id: '7' },
      { event: 'x', data: '', id: '7' },
    ], `chunk size ${size}`);
  }
  // An event without its blank line at the end of the stream is not dispatched.
  const d = new SseDecoder();
  assert.deepEqual(d.push('data: half'), []);
  assert.deepEqual(d.end(), []);
});

const bodyOf = (chunks: string[], gapMs = 0, hangAfter = false) => new ReadableStream<Uint8Array>({
  async start(c) {
    for (const s of chunks) {
      c.enqueue(new TextEncoder().encode(s));
      if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    }
    if (!hangAfter) c.close();
  },
});

test('readSse: yields events until the stream closes; a silent stream is reported as lost', async () => {
  const got = [];
  for await (const m of readSse(bodyOf(['data: 1\n', '\nevent: heartbeat\ndata: \n\n', 'data: 2\n\n']))) got.push(m);
  assert.deepEqual(got.map((m) => m.data), ['1', '', '2']);
  const t0 = Date.now();
  await assert.rejects(async () => {
    for await (const _ of readSse(bodyOf(['data: 1\n\n'], 0, true), { idleMs: 150 })) { /* drain */ }
  }, SseIdleError);
  assert.ok(Date.now() - t0 < 2000);
});

test('GUI talk becomes what works in a terminal, in the sentence\'s language', () => {
  const en = translateGuiTalk('Looks good! Click the Export button to download it. You can also drag your photos into the upload area.', 'en');
  assert.equal(en.text, 'Looks good! Say "export" to download it. You can also type the file\'s path (or drag it into this terminal).');
  assert.deepEqual(en.actions, ['export', 'upload']);
  assert.deepEqual(translateGuiTalk('Open the timeline panel to check it.', 'en'), { text: 'Say "status" to check it.', actions: ['status'] });
  const zh = translateGuiTalk('预览好了，点击「导出」按钮即可下载。也可以把照片拖到上传区域。', 'zh');
  assert.equal(zh.text, '预览好了，输入“导出”即可下载。也可以输入文件路径（或把文件拖进终端）。');
  assert.deepEqual(zh.actions, ['export', 'upload']);
  assert.deepEqual(translateGuiTalk('Your preview is ready: 5.0 s, zoom-in.', 'en'), { text: 'Your preview is ready: 5.0 s, zoom-in.', actions: [] });
  // Streaming: a phrase cut between chunks is still found.
  const b = new GuiTalkBuffer('en');
  let out = b.push('Done. Now click Ex');
  out += b.push('port when ready.');
  out += b.push(' Bye');
  out += b.flush();
  assert.equal(out, 'Done. Now say "export" when ready. Bye');
  assert.deepEqual(b.actions, ['export']);
});

test('state diff: what a silent turn changed, in both languages', () => {
  const before = { draft_version: 1, summary: 'Timeline (0 tracks): empty', draft: { t: [{ tt: 0, sg: [] }] }, generated_media: [], video_infos: [{ media_id: 'm1', name: 'a.jpg', kind: 'image' as const, mime: 'image/jpeg', size_bytes: 1 }] };
  const after = { ...before, draft_version: 2, summary: 'Timeline (1 track): 1. Video: a.jpg (0-5s)', draft: { t: [{ tt: 0, sg: [{ id: 's1', s: 0, d: 5000, m: {} }] }] }, generated_media: [{ id: 'g1', kind: 'preview', url: '/x', width: 426, height: 240, duration_ms: 5000 }] };
  assert.equal(draftReady(before.draft), false);
  assert.equal(draftReady(after.draft), true);
  const c = diffState(before, after);
  assert.equal(c.none, false);
  assert.deepEqual(c.tracks, [{ kind: 'video', before: 0, after: 1 }]);
  const en = formatSilentTurn(c, 'en');
  assert.match(en, /without a message/);
  assert.match(en, /video segments: 0 → 1/);
  assert.match(en, /new preview was rendered \(426x240, 5s\)/);
  assert.match(en, /timeline now: Timeline \(1 track\)/);
  assert.match(formatSilentTurn(c, 'zh'), /画面片段：0 → 1/);
  assert.match(formatSilentTurn(diffState(before, before), 'en'), /did not change/);
  // A Chinese reader gets the server's Chinese summary; English stays the default and the fallback.
  const zhAfter = { ...after, summaries: { en: after.summary, zh: '时间线（1 条轨道）：1. 视频：a.jpg（0–5 秒）' } };
  assert.match(formatSilentTurn(diffState(before, zhAfter, 'zh'), 'zh'), /时间线（1 条轨道）：1\. 视频：a\.jpg/);
  assert.doesNotMatch(formatSilentTurn(diffState(before, zhAfter, 'zh'), 'zh'), /Timeline/);
  assert.match(formatSilentTurn(diffState(before, zhAfter, 'en'), 'en'), /timeline now: Timeline \(1 track\)/);
  assert.match(formatSilentTurn(diffState(before, after, 'zh'), 'zh'), /Timeline \(1 track\)/, 'an old server without summaries');
});

test('coded failures are explained with what the brief asks for, in the user\'s language', () => {
  const e2001 = new ApiError(2001, 402, 'this needs 5 credits; 0 are available', { bind_url: 'http://x/workspace?bind=u1' }, null);
  assert.match(explainError(e2001, 'en').hint, /http:\/\/x\/workspace\?bind=u1/);
  assert.match(explainError(e2001, 'zh').line, /积分不足/);
  assert.match(explainError(new ApiError(4001, 415, 'a.txt is text', { accepted: ['jpg', 'png'] }, null), 'en').hint, /jpg, png/);
  assert.match(explainError(new ApiError(4002, 413, 'too big', { limit_bytes: 50e6 }, null), 'en').line, /limit is 50\.0 MB/);
  assert.match(explainError(new ApiError(402, 402, 'no export', {}, null), 'en').line, /locked/);
  assert.match(explainError(new ApiError(402, 402, 'no export', {}, null), 'zh').line, /不能导出/);
});

test('api: the token never appears in an error, even when the server echoes it', async () => {
  const secret = 'tok_SECRET_1234567890';
  const fakeFetch: typeof fetch = async () => new Response(JSON.stringify({ code: 1001, message: `token ${secret} is revoked`, data: {} }), { status: 401, headers: { 'content-type': 'application/json' } });
  const api = new ApiClient({ baseUrl: 'http://127.0.0.1:9', token: secret, fetch: fakeFetch });
  const err = await api.balance().catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.apiCode, 1001);
  assert.equal(err.exit, 3);
  assert.ok(!JSON.stringify(err.toJSON()).includes(secret));
  assert.ok(!err.message.includes(secret));
  // An unreachable server is its own coded failure.
  const down = new ApiClient({ baseUrl: 'http://127.0.0.1:9', token: secret });
  const e2 = (await down.balance().catch((e: unknown) => e)) as ApiError;
  assert.equal(e2.code, 5005);
  assert.ok(!e2.message.includes(secret));
});
